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
import { WEBHOOK_DEFAULTS, WebhookAdapter, type WebhookConfig } from "./webhook.ts";
import type { SettingText } from "./setting-text.ts";

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
  /** Ingest writes on a thread of their own (engine/live/store-writer.ts); default true. */
  writerThread?: boolean;
  tickMs: number; // timer loop period
  webhook?: Partial<WebhookConfig> & { url: string; secret: string };
  quiet?: boolean;
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

export function openEngine(cfg: Pick<ServerConfig, "db" | "clock" | "start" | "seed" | "control" | "synchronous" | "histories" | "given">) {
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
  const driver = new LiveDriver(store, clock, control, cfg.seed);
  // a plan promoted before the group was recorded is measured from now on on the group it runs with
  if (driver.planRow && !driver.planRow.control) store.updatePlan(driver.planRow.id, { control: JSON.stringify(control) });
  const lifecycle = new PlanLifecycle(store, driver, () => Math.max(clock.now(), driver.watermark), cfg.histories);
  return { store, clock, driver, lifecycle };
}

export function startServer(cfg: ServerConfig): RunningServer {
  const { store, clock, driver, lifecycle } = openEngine(cfg);
  // made before the app, which shows its circuit: its start settles what a crash left in flight
  const webhook = cfg.webhook ? new WebhookAdapter(store, clock, { ...WEBHOOK_DEFAULTS, ...cfg.webhook }) : null;
  const retention = cfg.retainDays ? new Retention(store, cfg.retainDays, () => Math.max(clock.now(), driver.watermark), prunableStates(cfg.webhook !== undefined)) : null;
  const app = createApp({ store, driver, lifecycle, clock, webhook, retention });
  let server: Deno.HttpServer;
  try {
    server = Deno.serve({ port: cfg.port, hostname: cfg.host, onListen: () => {} }, app.fetch);
  } catch (e) {
    store.close(); // the port is taken or the address is not this machine's: nothing else was started
    throw e;
  }
  // threads started once listening (in this same turn: no request is handled before they are in place)
  const writer = cfg.writerThread === false
    ? null
    : new StoreWriter({ path: cfg.db, synchronous: store.synchronous, onFailure: () => (store.forgetKeyCounts(), driver.recover()) });
  if (writer) store.attachWriter(writer);
  const checkpointer = startCheckpointer(store);
  const addr = server.addr as Deno.NetAddr;
  let stopping = false;
  const timerLog = new FailureLog("timer loop"), webhookLog = new FailureLog("webhook pass");
  const loop = setInterval(() => {
    if (stopping) return;
    try {
      if (clock.kind === "system") driver.tick();
      timerLog.ok();
    } catch (e) {
      timerLog.failed(e);
    }
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
