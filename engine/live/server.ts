/**
 * One live server process: the SQLite store (created and migrated on first start), the driver, the
 * Hono app on Deno.serve, the timer loop and the webhook loop. `stop()` (SIGTERM) stops taking
 * requests, lets in-flight ones finish, stops the loops and closes the database.
 */
import { createApp } from "../../web/app.ts";
import { startCheckpointer } from "./checkpointer.ts";
import { type Clock, ManualClock, SystemClock } from "./clock.ts";
import { type ControlGroup, controlAtStart } from "./control-group.ts";
import { LiveDriver } from "./driver.ts";
import { PlanLifecycle } from "./plan-lifecycle.ts";
import { SqliteStore, type Synchronous } from "./sqlite-store.ts";
import { StoreWriter } from "./store-writer.ts";
import { FailureLog } from "./failure-log.ts";
import { prunableStates, Retention } from "./retention.ts";
import { type LoadProgress, loadingAnswer, loadLine } from "./loading.ts";
import { WEBHOOK_DEFAULTS, WebhookAdapter, type WebhookConfig } from "./webhook.ts";
import { expiryWarning } from "./expiry-warning.ts";
import { FLAG_TEXT, type SettingText } from "./setting-text.ts";
import { Rebuilding } from "./errors.ts";

export interface ServerConfig {
  db: string;
  port: number;
  host: string;
  clock: "system" | "manual";
  start?: number; // manual clock's first time (minutes)
  seed: number; // the core's seed: holdout and split draws
  /**
   * The global control group; a field left out takes the value recorded with the live or paused plan,
   * else NO_CONTROL's. Refused when it names another group than that plan's (engine/live/control-group.ts).
   */
  control?: Partial<ControlGroup>;
  synchronous: Synchronous;
  /** Timers a clock pass fires in one transaction, the rest in further ones (engine/live/driver.ts, catchUp); tests give a few. */
  fireSlice?: number;
  /** Ingest writes on a thread of their own (engine/live/store-writer.ts); default true. */
  writerThread?: boolean;
  tickMs: number; // timer loop period
  webhook?: Partial<WebhookConfig> & { url: string; secret: string };
  quiet?: boolean;
  /** Where startServer writes a line for the operator (a warning); default console.log after `cadence serve: `, nothing when quiet. */
  log?: (line: string) => void;
  /** The folder whose history configs a forecast may name (`history:<name>`); none: synthetic forecasts only. */
  histories?: string;
  /** Retention in days (engine/live/retention.ts): events, decisions and settled messages older than that are deleted; none: kept forever. */
  retainDays?: number;
  /** The period of the retention passes (default a minute; the first pass runs at start). */
  pruneEveryMs?: number;
  /** How messages at start name the settings (the database, the control group): as flags unless told (engine/live/setting-text.ts). */
  given?: SettingText;
}

export interface RunningServer {
  url: string;
  port: number;
  store: SqliteStore;
  driver: LiveDriver;
  clock: Clock;
  webhook: WebhookAdapter | null;
  /** The retention passes, when --retain-days is given. */
  retention: Retention | null;
  stop(): Promise<void>;
}

export function openEngine(cfg: Pick<ServerConfig, "db" | "clock" | "start" | "seed" | "control" | "synchronous" | "histories" | "given" | "fireSlice">) {
  const opened = openStore(cfg);
  const driver = new LiveDriver(opened.store, opened.clock, opened.control, cfg.seed, true, cfg.fireSlice);
  return { ...opened, driver, lifecycle: engineLoaded(cfg, opened.store, opened.clock, driver) };
}

/** The database opened, migrated and claimed, the clock and the control group: what a start checks before anything runs. */
function openStore(cfg: Pick<ServerConfig, "db" | "clock" | "start" | "control" | "synchronous" | "given">) {
  const store = new SqliteStore(cfg.db, cfg.synchronous);
  try {
    store.migrate();
    store.checkWritable(); // a server that cannot write would start and answer every write 503
  } catch (e) {
    store.close();
    throw e;
  }
  // the manual clock resumes where the engine stopped, so a restart does not rewind time
  const saved = store.getMeta("watermark");
  const clock: Clock = cfg.clock === "manual" ? new ManualClock(Math.max(cfg.start ?? 0, saved ? Number(saved) : 0)) : new SystemClock();
  let control: ControlGroup;
  try {
    control = controlAtStart(store, cfg.control, cfg.given);
    store.claim(cfg.given); // here, not in the driver, to name the database as the user gave it
  } catch (e) {
    store.close(); // flags naming another group than the running plan's, or another server's database: nothing was started
    throw e;
  }
  return { store, clock, control };
}

/** Once the driver holds every customer: the plan's control group recorded, and the lifecycle. */
function engineLoaded(cfg: Pick<ServerConfig, "histories">, store: SqliteStore, clock: Clock, driver: LiveDriver): PlanLifecycle {
  // a plan promoted before the group was recorded is measured from now on on the group it runs with
  if (driver.planRow && !driver.planRow.control) store.updatePlan(driver.planRow.id, { control: JSON.stringify(driver.control) });
  return new PlanLifecycle(store, driver, () => Math.max(clock.now(), driver.watermark), cfg.histories);
}

/** Deno.serve on the configured address; the port taken or an address not this machine's closes the store. */
function listen(cfg: Pick<ServerConfig, "port" | "host">, store: SqliteStore, handler: (req: Request) => Response | Promise<Response>): Deno.HttpServer {
  try {
    return Deno.serve({ port: cfg.port, hostname: cfg.host, onListen: () => {} }, handler);
  } catch (e) {
    store.close(); // nothing else was started
    throw e;
  }
}

/**
 * As startServer, for `cadence serve`: the address is taken at once and the customers are loaded in
 * steps while it answers (engine/live/loading.ts: /healthz 200, /readyz and the rest 503), with a log
 * line (`log`) at the start of the load (when there are customers), every `everyMs` of it and at its end; `step`: customers loaded
 * between two turns of the event loop. A million customers take ≈ 13 s; the server used to be silent
 * and refuse connections all that time, so a liveness probe could kill a server that was only loading.
 */
export async function startServerLoading(cfg: ServerConfig, log: (line: string) => void, { everyMs = 5000, step = 5_000 } = {}): Promise<RunningServer> {
  const { store, clock, control } = openStore(cfg);
  const progress: LoadProgress = { loaded: 0, of: store.customerCount() };
  let handler: (req: Request) => Response | Promise<Response> = (req) => loadingAnswer(req, progress);
  const server = listen(cfg, store, (req) => handler(req));
  const addr = server.addr as Deno.NetAddr, began = performance.now(), say = log;
  // a new database has nothing to wait for: its start says only where it listens, as before
  if (progress.of === 0) log = () => {};
  log(`loading ${progress.of.toLocaleString("en")} customers (db ${store.path}); http://${addr.hostname}:${addr.port}/healthz answers meanwhile, /readyz once they are loaded`);
  const driver = new LiveDriver(store, clock, control, cfg.seed, false, cfg.fireSlice);
  let logged = began;
  try {
    await driver.loadInSteps((n) => {
      progress.loaded = n;
      const now = performance.now();
      if (now - logged >= everyMs && n < progress.of) log(loadLine(progress, now - began)), logged = now;
    }, step);
  } catch (e) {
    await server.shutdown();
    store.close();
    throw e;
  }
  log(loadLine(progress, performance.now() - began));
  const lifecycle = engineLoaded(cfg, store, clock, driver);
  return run(cfg, { store, clock, control, driver, lifecycle }, server, (fetch) => handler = fetch, say);
}

export function startServer(cfg: ServerConfig): RunningServer {
  const engine = openEngine(cfg);
  let handler: (req: Request) => Response | Promise<Response> = () => new Response(null, { status: 503 });
  const server = listen(cfg, engine.store, (req) => handler(req));
  const log = cfg.log ?? (cfg.quiet ? () => {} : (line: string) => console.log(`cadence serve: ${line}`));
  return run(cfg, engine, server, (fetch) => handler = fetch, log);
}

/** The app on `server` (handed to `answer`), the writer and checkpointer threads, the timer, webhook and retention loops. */
function run(cfg: ServerConfig, { store, clock, driver, lifecycle }: ReturnType<typeof openEngine>, server: Deno.HttpServer, answer: (fetch: (req: Request) => Response | Promise<Response>) => void, log: (line: string) => void): RunningServer {
  // made before the app, which shows its circuit: its start settles what a crash left in flight
  const webhook = cfg.webhook ? new WebhookAdapter(store, clock, { ...WEBHOOK_DEFAULTS, ...cfg.webhook }) : null;
  if (webhook) {
    // the categories are the live plan's: checked now and each time another plan is promoted
    const setting = (cfg.given ?? FLAG_TEXT)("webhook-expire-after");
    const checkExpiry = () => {
      const line = expiryWarning(webhook.config.expiry, driver.plan.compiled.names.categories, planText(driver), setting);
      if (line) log(line);
    };
    checkExpiry();
    lifecycle.onPromoted = checkExpiry;
  }
  const retention = cfg.retainDays ? new Retention(store, cfg.retainDays, () => Math.max(clock.now(), driver.watermark), prunableStates(cfg.webhook !== undefined)) : null;
  const app = createApp({ store, driver, lifecycle, clock, webhook, retention });
  answer((req) => app.fetch(req));
  // threads started once listening (in this same turn: no request is handled before they are in place)
  const writer = cfg.writerThread === false
    ? null
    : new StoreWriter({ path: cfg.db, synchronous: store.synchronous, onFailure: () => (store.forgetKeyCounts(), driver.recover()) });
  if (writer) store.attachWriter(writer);
  const checkpointer = startCheckpointer(store);
  const addr = server.addr as Deno.NetAddr;
  let stopping = false;
  const timerLog = new FailureLog("timer loop"), webhookLog = new FailureLog("webhook pass");
  // a pass refused while the state is rebuilt after a failed writer-thread group (errors.ts) has not
  // failed: nothing was written, and the next tick runs it again
  const timerFailed = (e: unknown) => {
    if (!(e instanceof Rebuilding)) timerLog.failed(e);
  };
  const loop = setInterval(() => {
    if (stopping) return;
    try {
      if (clock.kind === "system") driver.tick();
      timerLog.ok();
    } catch (e) {
      timerFailed(e);
    }
    // a pass with more due than one transaction fires the rest in slices, requests answered between
    // (a manual clock's pass too, when POST /v1/clock is cut short: a restart, a failed slice)
    if (driver.owing) driver.catchUp().then(() => timerLog.ok(), timerFailed);
    webhook?.pass().then(() => webhookLog.ok(), (e) => webhookLog.failed(e));
  }, cfg.tickMs);
  // retention passes (one at a time; a pass lets requests run between its transactions)
  const pruneLog = new FailureLog("retention pass");
  const prune = () => void retention?.pass().then(() => pruneLog.ok(), (e) => pruneLog.failed(e));
  const pruneStart = retention ? setTimeout(prune, 0) : undefined;
  const pruneLoop = retention ? setInterval(prune, cfg.pruneEveryMs ?? 60_000) : undefined;
  const url = `http://${addr.hostname}:${addr.port}`;
  return {
    url, port: addr.port, store, driver, clock, webhook, retention,
    async stop() {
      if (stopping) return;
      stopping = true;
      clearInterval(loop);
      clearTimeout(pruneStart);
      clearInterval(pruneLoop);
      await retention?.stop();
      // shutdown(), not an abort signal: aborting closed every connection, so a request in flight (a
      // forecast, a batch of events) lost its answer though the docs promise it finishes
      await server.shutdown();
      await webhook?.stop();
      await writer?.close();
      await checkpointer.stop();
      store.close();
    },
  };
}

/** The live or paused plan as a warning names it, such as `plan 2 (receipts), live`; null when there is none. */
function planText(driver: LiveDriver): string | null {
  const p = driver.planRow;
  return p ? `plan ${p.id} (${p.name}), ${p.state}` : null;
}
