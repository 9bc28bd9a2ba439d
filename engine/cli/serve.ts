/**
 * `cadence serve [--db cadence.sqlite] [--port 8080] [--host 127.0.0.1] ...`: the live server.
 * Every flag has an environment variable (flags win); docs/live.md lists them.
 */
import { statSync } from "node:fs";
import { InputError } from "../plan/errors.ts";
import { parseDate, YEARS } from "../core/time.ts";
import { startServerLoading } from "../live/server.ts";
import { shownUrl, webhookUrlProblem } from "../live/webhook.ts";
import { DEFAULT_EXPIRY, parseExpiry } from "../live/expiry.ts";
import { decimalFlag, intFlag, parse, sizeFlag } from "./args.ts";
import { dbProblem } from "./live-db.ts";
import { FLAG_TEXT, type SettingText } from "../live/setting-text.ts";

/** Flag name → environment variable. */
export const ENV: Record<string, string> = {
  db: "CADENCE_DB", port: "CADENCE_PORT", host: "CADENCE_HOST", clock: "CADENCE_CLOCK", start: "CADENCE_START", seed: "CADENCE_SEED",
  "control-share": "CADENCE_CONTROL_SHARE", "control-salt": "CADENCE_CONTROL_SALT", synchronous: "CADENCE_SYNCHRONOUS", "tick-ms": "CADENCE_TICK_MS",
  "webhook-url": "CADENCE_WEBHOOK_URL", "webhook-secret": "CADENCE_WEBHOOK_SECRET", "webhook-max-attempts": "CADENCE_WEBHOOK_MAX_ATTEMPTS",
  "webhook-expire-after": "CADENCE_WEBHOOK_EXPIRE_AFTER",
  "writer-thread": "CADENCE_WRITER_THREAD", histories: "CADENCE_HISTORIES", "retain-days": "CADENCE_RETAIN_DAYS",
};

const FLAGS = `cadence serve [--db FILE] [--port N] [--host ADDR] [--clock system|manual] [--start DATE] [--seed N]
              [--control-share X] [--control-salt S] [--synchronous NORMAL|FULL] [--tick-ms N]
              [--webhook-url URL --webhook-secret S] [--webhook-expire-after SPAN[,CATEGORY=SPAN...]]
              [--webhook-max-attempts N] [--writer-thread on|off]
              [--histories DIR]   (the history configs a forecast may name: history:<name> in DIR)
              [--retain-days N]   (delete events, decisions and settled messages older than N days; default: keep all)`;

/** Each flag's default, as `--help` shows it (docs/live.md, "Operations", holds the same table). */
const DEFAULTS: Record<string, string> = {
  db: "cadence.sqlite", port: "8080", host: "127.0.0.1", clock: "system", seed: "1", "control-share": "0, or the live plan's",
  "control-salt": "cadence, or the live plan's", synchronous: "NORMAL", "tick-ms": "1000",
  "webhook-expire-after": "24h", "webhook-max-attempts": "none: retried until the message expires", "writer-thread": "on",
  "retain-days": "off: keep every row",
};

// every flag's variable, in --help: the variables the docs name were nowhere in the command's own help
const USAGE = `${FLAGS}
every flag can be given by an environment variable instead (the flag wins):
${Object.entries(ENV).map(([k, e]) => `  ${`--${k}`.padEnd(24)}${e.padEnd(30)}${DEFAULTS[k] ? `default ${DEFAULTS[k]}` : ""}`.trimEnd()).join("\n")}`;

export async function serveCommand(args: string[]): Promise<number> {
  const { values: flags, positionals } = parse(args, Object.fromEntries(Object.keys(ENV).map((k) => [k, { type: "string" as const }])), USAGE);
  // `cadence serve cadence.sqlite` used to start on the default database, the argument ignored
  if (positionals.length) throw new InputError(`unexpected argument '${positionals[0]}': serve takes options only (the database is --db FILE)\nusage: ${USAGE}`);
  const v = (k: string): string | undefined => flags[k] ?? Deno.env.get(ENV[k]) ?? undefined;
  // every message names a setting as the user gave it: CADENCE_PORT=abc was refused as '--port', a flag
  // they never typed (a setting given by neither is named by its flag, the way to give it)
  const fromEnv = (k: string) => flags[k] === undefined && Deno.env.get(ENV[k]) !== undefined;
  const given: SettingText = (k, value) => fromEnv(k) ? (value === undefined ? ENV[k] : `${ENV[k]}=${value}`) : FLAG_TEXT(k, value);
  const clock = v("clock") ?? "system";
  if (clock !== "system" && clock !== "manual") throw new InputError(`${given("clock")}: expected system or manual, got '${clock}'`);
  const startText = v("start");
  const start = startText === undefined ? undefined : parseDate(startText);
  if (start === null) throw new InputError(`${given("start")}: expected a date such as 2026-01-01 (${YEARS}), got '${startText}'`);
  // left out, the control group is the one recorded with the live or paused plan (engine/live/control-group.ts)
  const share = v("control-share") === undefined ? undefined : decimalFlag(v("control-share"), "control-share", 0, (x) => x >= 0 && x < 1, "a share from 0 to 0.99", given("control-share"));
  const sync = (v("synchronous") ?? "NORMAL").toUpperCase();
  if (sync !== "NORMAL" && sync !== "FULL") throw new InputError(`${given("synchronous")}: expected NORMAL or FULL, got '${v("synchronous")}'`);
  const writer = v("writer-thread") ?? "on";
  if (writer !== "on" && writer !== "off") throw new InputError(`${given("writer-thread")}: expected on or off, got '${writer}'`);
  // a setting that would change nothing is refused rather than ignored, whether a flag or its variable
  // gives it (CADENCE_WEBHOOK_MAX_ATTEMPTS without a webhook URL was ignored)
  if (v("start") !== undefined && clock !== "manual") {
    throw new InputError(fromEnv("start")
      ? "CADENCE_START sets the first time of a manual clock: add --clock manual (or CADENCE_CLOCK=manual), or unset CADENCE_START (the system clock reads the machine's time)"
      : "--start sets the first time of a manual clock: add --clock manual (the system clock reads the machine's time)");
  }
  const url = v("webhook-url"), secret = v("webhook-secret");
  for (const k of ["webhook-secret", "webhook-max-attempts", "webhook-expire-after"]) {
    if (url || v(k) === undefined) continue;
    throw new InputError(fromEnv(k)
      ? `${ENV[k]}: goes with a webhook URL (the webhook adapter); set CADENCE_WEBHOOK_URL (or --webhook-url URL), or unset ${ENV[k]}`
      : `--${k}: goes with --webhook-url (the webhook adapter); add --webhook-url URL, or drop it`);
  }
  if (url && !secret) {
    throw new InputError(fromEnv("webhook-url")
      ? "CADENCE_WEBHOOK_SECRET: needed with CADENCE_WEBHOOK_URL (messages are signed with it); set CADENCE_WEBHOOK_SECRET (or --webhook-secret S), or unset CADENCE_WEBHOOK_URL"
      : "--webhook-secret: needed with --webhook-url (messages are signed with it)");
  }
  const urlProblem = url ? webhookUrlProblem(url) : null;
  if (urlProblem) throw new InputError(`${given("webhook-url", url)}: ${urlProblem}`);
  const histories = v("histories");
  if (histories !== undefined && !statSync(histories, { throwIfNoEntry: false })?.isDirectory()) {
    throw new InputError(`${given("histories", histories)}: not a folder; give the folder holding the history configs forecasts may name`);
  }
  const db = v("db") ?? "cadence.sqlite", port = intFlag(v("port"), "port", 8080, 0, 65535, given("port")), host = v("host") ?? "127.0.0.1";
  const seed = sizeFlag(v("seed"), "seed", 1, given("seed")), tickMs = intFlag(v("tick-ms"), "tick-ms", 1000, 10, 60_000, given("tick-ms"));
  // left out: nothing is ever deleted (docs/live.md, "Retention")
  const retainDays = v("retain-days") === undefined ? undefined : intFlag(v("retain-days"), "retain-days", 0, 1, 36_500, given("retain-days"));
  // left out, a failing message is retried until it expires (it used to be dead after 8 tries: ≈ 2 minutes)
  const maxAttempts = v("webhook-max-attempts") === undefined ? Infinity : intFlag(v("webhook-max-attempts"), "webhook-max-attempts", 8, 1, 100, given("webhook-max-attempts"));
  const expiryText = v("webhook-expire-after"), expiry = expiryText === undefined ? DEFAULT_EXPIRY : parseExpiry(expiryText);
  if (typeof expiry === "string") throw new InputError(`${given("webhook-expire-after", expiryText)}: ${expiry}`);
  const server = await startOrExplain(db, host, port, given, () => startServerLoading({
    db, port, host,
    clock, start, seed,
    control: { share, salt: v("control-salt") },
    synchronous: sync,
    writerThread: writer === "on",
    tickMs,
    histories,
    retainDays,
    webhook: url ? { url, secret: secret!, maxAttempts, expiry } : undefined,
    given,
  }, (line) => console.log(`cadence serve: ${line}`)));
  // the signal handlers are in place before the line that says the server is up: a SIGTERM sent on reading
  // it ended the process with the default action (exit 143) instead of a clean stop, now and then
  const stopped = new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: Deno.Signal) => () => {
      // named as received (a Ctrl-C was logged as SIGTERM), and once: `deno task` passes a signal on too
      if (stopping) return;
      stopping = true;
      console.log(`cadence serve: stopping (${signal}): finishing requests in flight`);
      server.stop().then(resolve);
    };
    Deno.addSignalListener("SIGTERM", stop("SIGTERM"));
    Deno.addSignalListener("SIGINT", stop("SIGINT"));
  });
  const g = server.driver.control;
  console.log(`cadence serve: listening on ${server.url} (db ${server.store.path}, clock ${clock}, synchronous ${sync}, writer thread ${writer}, control share ${g.share} salt ${g.salt}, retention ${retainDays ? `${retainDays} days` : "off"})`);
  console.log(`cadence serve: ${startState(server.driver.planRow, url, histories)}`);
  await stopped;
  console.log("cadence serve: stopped");
  return 0;
}

/**
 * The second line at start: what the server will do with events and messages, so an operator sees a
 * missing webhook URL (messages only wait in the outbox) or the wrong plan without a request. The
 * webhook's path and query string may carry a receiver's token (Slack's is in the path): only its
 * origin is logged.
 */
function startState(plan: { id: number; name: string; state: string } | null, webhook: string | undefined, histories: string | undefined): string {
  return [
    plan ? `plan ${plan.id} (${plan.name}) ${plan.state}` : "no plan live: upload one (POST /v1/plans), forecast, approve and promote it",
    webhook ? `webhook ${shownUrl(webhook)}` : "no webhook: messages wait in GET /v1/outbox (--webhook-url URL sends them)",
    ...(histories ? [`histories ${histories}`] : []),
  ].join("; ");
}

/**
 * Starts the server; a failure the user can fix (a database that cannot be opened, a port in use, an
 * address not this machine's) becomes one line naming the flag or variable, instead of a stack trace.
 */
async function startOrExplain<T>(db: string, host: string, port: number, given: SettingText, start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (e) {
    const why = (e as Error)?.message ?? String(e);
    if (e instanceof Deno.errors.AddrInUse) throw new InputError(`${given("port", port)}: ${host}:${port} is already in use (another server?); choose another port, or 0 for any free one`);
    if (e instanceof Deno.errors.AddrNotAvailable) throw new InputError(`${given("host", host)}: not an address of this machine (${why}); 127.0.0.1 listens on loopback only, 0.0.0.0 on every interface`);
    if (e instanceof Deno.errors.PermissionDenied) throw new InputError(`${given("port", port)}: not allowed to listen there (${why}); ports under 1024 need privileges: choose one above`);
    throw dbProblem(db, e, true, given("db", db)) ?? e;
  }
}
