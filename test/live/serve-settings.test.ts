/**
 * `cadence serve` refuses a setting that would change nothing whether a flag or its environment
 * variable gives it: CADENCE_WEBHOOK_MAX_ATTEMPTS or CADENCE_WEBHOOK_SECRET without a webhook URL, and
 * CADENCE_START without a manual clock, were ignored (the flags were refused) and the server started.
 */
import { describe, expect, it } from "vitest";
import { mkdtempSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { promote, RECEIPT_PLAN, serversStoppedAfterEach, T0, tempDb } from "./live-helpers.ts";

const server = serversStoppedAfterEach(T0);
const refused = (err: string) => ({ code: 2, err });

/**
 * `cadence serve` as a child with these variables: its exit code and stderr, or "started" once it listens
 * (then stopped). A new database and any free port unless the variables or the flags give them.
 */
async function serveWith(env: Record<string, string>, args: string[] = []): Promise<{ code: number | "started"; err: string }> {
  const defaults = [...("CADENCE_DB" in env || args.includes("--db") ? [] : ["--db", tempDb("settings")]), ...("CADENCE_PORT" in env || args.includes("--port") ? [] : ["--port", "0"])];
  const p = new Deno.Command("./node_modules/.bin/deno", {
    args: ["run", "-A", "engine/cli/main.ts", "serve", ...defaults, ...args], env, stdout: "piped", stderr: "piped",
  }).spawn();
  const err = new Response(p.stderr).text();
  let out = "";
  for await (const chunk of p.stdout.pipeThrough(new TextDecoderStream())) {
    out += chunk;
    if (/listening on/.test(out)) {
      p.kill("SIGTERM");
      await p.status;
      return { code: "started", err: await err };
    }
  }
  return { code: (await p.status).code, err: (await err).trim() };
}

describe("cadence serve, settings from the environment", () => {
  it("refuses a webhook setting without a webhook URL, and a start without a manual clock, naming the variable", async () => {
    const [attempts, secret, start, flag] = await Promise.all([
      serveWith({ CADENCE_WEBHOOK_MAX_ATTEMPTS: "3" }),
      serveWith({ CADENCE_WEBHOOK_SECRET: "s3cret" }),
      serveWith({ CADENCE_START: "2026-01-01" }),
      // a flag with its variable: the flag's message, as before
      serveWith({ CADENCE_WEBHOOK_MAX_ATTEMPTS: "3" }, ["--webhook-max-attempts", "4"]),
    ]);
    expect(attempts).toEqual({ code: 2, err: "CADENCE_WEBHOOK_MAX_ATTEMPTS: goes with a webhook URL (the webhook adapter); set CADENCE_WEBHOOK_URL (or --webhook-url URL), or unset CADENCE_WEBHOOK_MAX_ATTEMPTS" });
    expect(secret).toEqual({ code: 2, err: "CADENCE_WEBHOOK_SECRET: goes with a webhook URL (the webhook adapter); set CADENCE_WEBHOOK_URL (or --webhook-url URL), or unset CADENCE_WEBHOOK_SECRET" });
    expect(start).toEqual({ code: 2, err: "CADENCE_START sets the first time of a manual clock: add --clock manual (or CADENCE_CLOCK=manual), or unset CADENCE_START (the system clock reads the machine's time)" });
    expect(flag).toEqual({ code: 2, err: "--webhook-max-attempts: goes with --webhook-url (the webhook adapter); add --webhook-url URL, or drop it" });
  });

  it("takes them with what they need", async () => {
    const [hook, clock] = await Promise.all([
      serveWith({ CADENCE_WEBHOOK_URL: "http://127.0.0.1:8089/in", CADENCE_WEBHOOK_SECRET: "s3cret", CADENCE_WEBHOOK_MAX_ATTEMPTS: "3" }),
      serveWith({ CADENCE_START: "2026-01-01", CADENCE_CLOCK: "manual" }),
    ]);
    expect(hook.code).toBe("started");
    expect(clock.code).toBe("started");
  });
});

describe("cadence serve names each setting as the user gave it: the variable or the flag", () => {
  // CADENCE_PORT=abc was refused as '--port: …', a flag the user never typed: each message named the flag
  it("refuses a bad value of a variable naming the variable, the same value as a flag naming the flag", async () => {
    const [port, portFlag, clock, start, share, sync] = await Promise.all([
      serveWith({ CADENCE_PORT: "abc" }),
      serveWith({ CADENCE_PORT: "8080" }, ["--port", "abc"]), // the flag wins, and is named
      serveWith({ CADENCE_CLOCK: "sundial" }),
      serveWith({ CADENCE_CLOCK: "manual", CADENCE_START: "2026-02-30" }),
      serveWith({ CADENCE_CONTROL_SHARE: "1.5" }),
      serveWith({ CADENCE_SYNCHRONOUS: "OFF" }),
    ]);
    expect(port).toEqual(refused("CADENCE_PORT: expected a whole number from 0 to 65535, got 'abc'"));
    expect(portFlag).toEqual(refused("--port: expected a whole number from 0 to 65535, got 'abc'"));
    expect(clock).toEqual(refused("CADENCE_CLOCK: expected system or manual, got 'sundial'"));
    expect(start).toEqual(refused("CADENCE_START: expected a date such as 2026-01-01 (years 1900 to 2199), got '2026-02-30'"));
    expect(share).toEqual(refused("CADENCE_CONTROL_SHARE: expected a share from 0 to 0.99, got '1.5'"));
    expect(sync).toEqual(refused("CADENCE_SYNCHRONOUS: expected NORMAL or FULL, got 'OFF'"));
  });

  it("the other values: writer thread, tick, seed, webhook attempts, URL and secret, histories, retention", async () => {
    const hook = { CADENCE_WEBHOOK_URL: "http://127.0.0.1:8089/in", CADENCE_WEBHOOK_SECRET: "s3cret" };
    const [writer, tick, seed, attempts, url, secret, histories, retain] = await Promise.all([
      serveWith({ CADENCE_WRITER_THREAD: "maybe" }),
      serveWith({ CADENCE_TICK_MS: "5" }),
      serveWith({ CADENCE_SEED: "-1" }),
      serveWith({ ...hook, CADENCE_WEBHOOK_MAX_ATTEMPTS: "0" }),
      serveWith({ ...hook, CADENCE_WEBHOOK_URL: "ftp://127.0.0.1/in" }),
      serveWith({ CADENCE_WEBHOOK_URL: hook.CADENCE_WEBHOOK_URL }),
      serveWith({ CADENCE_HISTORIES: "/nonexistent/histories" }),
      serveWith({ CADENCE_RETAIN_DAYS: "0" }),
    ]);
    expect(writer).toEqual(refused("CADENCE_WRITER_THREAD: expected on or off, got 'maybe'"));
    expect(tick).toEqual(refused("CADENCE_TICK_MS: expected a whole number from 10 to 60000, got '5'"));
    expect(seed).toEqual(refused("CADENCE_SEED: expected a whole number from 0 to 2147483647, got '-1'"));
    expect(attempts).toEqual(refused("CADENCE_WEBHOOK_MAX_ATTEMPTS: expected a whole number from 1 to 100, got '0'"));
    expect(url.code).toBe(2);
    expect(url.err).toMatch(/^CADENCE_WEBHOOK_URL=ftp:\/\/127\.0\.0\.1\/in: /);
    expect(secret).toEqual(refused("CADENCE_WEBHOOK_SECRET: needed with CADENCE_WEBHOOK_URL (messages are signed with it); set CADENCE_WEBHOOK_SECRET (or --webhook-secret S), or unset CADENCE_WEBHOOK_URL"));
    expect(histories).toEqual(refused("CADENCE_HISTORIES=/nonexistent/histories: not a folder; give the folder holding the history configs forecasts may name"));
    expect(retain).toEqual(refused("CADENCE_RETAIN_DAYS: expected a whole number from 1 to 36500, got '0'"));
  });

  it("what is found at start: a database that cannot be opened or is another server's, a port in use, a control group not the plan's", async () => {
    const folder = mkdtempSync(join(tmpdir(), "cadence-settings-"));
    const busy = server(); // this process holds its database and its port
    const [db, held, port] = await Promise.all([
      serveWith({ CADENCE_DB: folder }),
      serveWith({ CADENCE_DB: busy.store.path }),
      serveWith({ CADENCE_PORT: String(busy.port) }),
    ]);
    expect(db).toEqual(refused(`CADENCE_DB=${folder}: a folder is there; give a Cadence database, or the path of a new file`));
    expect(held).toEqual(refused(`CADENCE_DB=${busy.store.path}: in use by another cadence serve (pid ${Deno.pid}); one server per database (it holds the customers in memory): stop that one first, or give another CADENCE_DB`));
    expect(port).toEqual(refused(`CADENCE_PORT=${busy.port}: 127.0.0.1:${busy.port} is already in use (another server?); choose another port, or 0 for any free one`));
    // a plan promoted on control share 0.5, salt s1; a restart whose variables name another group
    const measured = server({ control: { share: 0.5, salt: "s1" } });
    await promote(measured, RECEIPT_PLAN);
    await measured.stop();
    const [share, mixed] = await Promise.all([
      serveWith({ CADENCE_DB: measured.store.path, CADENCE_CONTROL_SHARE: "0.2" }),
      serveWith({ CADENCE_DB: measured.store.path, CADENCE_CONTROL_SALT: "s2" }, ["--control-share", "0.5"]),
    ]);
    expect(share).toEqual(refused("CADENCE_CONTROL_SHARE=0.2 --control-salt s1: plan 1 (live) is measured on control share 0.5 with salt s1; restart with CADENCE_CONTROL_SHARE=0.5 --control-salt s1 (or without both); to measure on a new group, retire plan 1 on a server with its settings, then start with the new ones and promote a plan again"));
    expect(mixed).toEqual(refused("--control-share 0.5 CADENCE_CONTROL_SALT=s2: plan 1 (live) is measured on control share 0.5 with salt s1; restart with --control-share 0.5 CADENCE_CONTROL_SALT=s1 (or without both); to measure on a new group, retire plan 1 on a server with its settings, then start with the new ones and promote a plan again"));
  }, 20_000);

  it("the reading commands name CADENCE_DB when it gave the database", async () => {
    const missing = join(mkdtempSync(join(tmpdir(), "cadence-settings-")), "none.sqlite");
    const run = (args: string[], env: Record<string, string>) =>
      new Deno.Command("./node_modules/.bin/deno", { args: ["run", "-A", "engine/cli/main.ts", ...args], env, stdout: "piped", stderr: "piped" }).output()
        .then((o) => ({ code: o.code, err: new TextDecoder().decode(o.stderr).trim() }));
    const [report, flag] = await Promise.all([
      run(["live-report"], { CADENCE_DB: missing }),
      run(["live-report", "--db", missing], { CADENCE_DB: "/elsewhere.sqlite" }),
    ]);
    expect(report).toEqual(refused(`CADENCE_DB=${missing}: no such file; give the database a live server writes (cadence serve --db FILE)`));
    expect(flag).toEqual(refused(`--db ${missing}: no such file; give the database a live server writes (cadence serve --db FILE)`));
  });
});
