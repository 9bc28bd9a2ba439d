/**
 * The forecast-to-actual loop end to end (`cadence live-demo`): a server on a temporary database, keys
 * for each role, a plan uploaded, forecast, approved by another key and promoted; then a simulated
 * "reality" with a different seed replayed through the API at an accelerated clock (the stream drives
 * it), and forecast vs actual read back.
 *
 * The reality is built so that the global control group means what it means live: a treated customer's
 * events come from a run of the plan, a control customer's from a run without it, both on the same
 * population and seed (each customer's life draws from its own random streams, so the no-plan run is
 * what that customer would have done without messages). Hard bounces are off: the simulated world
 * does not report them as events.
 */
import { statSync } from "node:fs";
import { parseDate, DAY, formatTime } from "../core/time.ts";
import { InputError } from "../plan/errors.ts";
import { loadPlan, type LoadedPlan } from "../plan/load.ts";
import { baselinePlan, runPlan } from "../sim/run.ts";
import { syntheticPopulation } from "../sim/population.ts";
import { DEFAULT_WORLD } from "../sim/world-model.ts";
import { inControl } from "./control-group.ts";
import { createKey } from "./keys.ts";
import { startServer } from "./server.ts";
import { eventsOf, profilesOf, type StreamEvent } from "./sim-bridge.ts";
import { ROLES } from "./store.ts";
import type { ComparedMetric } from "./forecast-vs-actual.ts";

/** A count as the commands print one for people: 17,678 (engine/cli/format.ts's fmtInt; --json keeps plain numbers). */
const count = (n: number) => n.toLocaleString("en");

export interface LiveDemoOptions {
  plan: string; // plan file
  customers: number;
  days: number;
  start: string;
  replications: number; // of the forecast
  forecastSeed: number;
  realitySeed: number;
  controlShare: number;
  db: string;
  onStep?: (what: string) => void;
}

export interface LiveDemoResult {
  plan: { id: number; name: string; hash: string; engine: string };
  period: { from: string; to: string; days: number };
  population: { treated: number; control: number };
  events: number;
  metrics: ComparedMetric[];
}

export async function liveDemo(o: LiveDemoOptions): Promise<LiveDemoResult> {
  // the demo's clock starts at o.start: a database that went further would refuse it halfway, after a
  // plan was promoted over its live one; so it is refused before anything is changed
  if ((statSync(o.db, { throwIfNoEntry: false })?.size ?? 0) > 0) {
    throw new InputError(`--db ${o.db}: the database exists already; live-demo runs on a new one (it promotes its own plan and drives the clock from ${o.start}): give a path that does not exist yet, or leave --db out for a temporary one`);
  }
  const step = o.onStep ?? (() => {});
  const start = parseDate(o.start)!, end = start + o.days * DAY;
  const control = { share: o.controlShare, salt: "live-demo" };
  const server = startServer({ db: o.db, port: 0, host: "127.0.0.1", clock: "manual", start, seed: o.realitySeed, control, synchronous: "NORMAL", tickMs: 1000 });
  try {
    const keys = Object.fromEntries(ROLES.map((r) => [r, createKey(server.store, r, `demo ${r}`, start).key]));
    const api = async (method: string, path: string, key: string, body?: unknown, type = "application/json") => {
      const res = await fetch(server.url + path, {
        method, body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
        headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { "content-type": type }) },
      });
      const json = await res.json();
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${json.error}`);
      return json;
    };
    step(`server on ${server.url}, database ${o.db}`);
    const source = Deno.readTextFileSync(o.plan);
    const plan = await api("POST", "/v1/plans", keys.analyst, source, "application/yaml");
    step(`plan ${plan.id} uploaded (${plan.name}, ${plan.hash.slice(0, 12)})`);
    await api("POST", `/v1/plans/${plan.id}/forecast`, keys.analyst, { customers: o.customers, days: o.days, replications: o.replications, seed: o.forecastSeed, start: o.start });
    step(`forecast: ${o.replications} replications of ${count(o.customers)} customers × ${o.days} days`);
    await api("POST", `/v1/plans/${plan.id}/approve`, keys.approver);
    const live = await api("POST", `/v1/plans/${plan.id}/promote`, keys.operator);
    step(`approved by ${live.approver}, promoted at ${live.promoted} (engine ${live.engine})`);

    const loaded = loadPlan(o.plan);
    const { profiles, events } = reality(loaded, o, (id) => inControl(control, id));
    await api("POST", "/v1/customers", keys.ingest, { customers: profiles });
    for (let i = 0; i < events.length; i += 1000) await api("POST", "/v1/events", keys.ingest, { events: events.slice(i, i + 1000) });
    await api("POST", "/v1/clock", keys.admin, { now: formatTime(end) });
    step(`reality (seed ${o.realitySeed}): ${count(profiles.length)} customers, ${count(events.length)} events replayed`);
    const fva = await api("GET", `/v1/plans/${plan.id}/forecast-vs-actual`, keys.analyst);
    return { plan: fva.plan, period: fva.period, population: { treated: fva.population.treated, control: fva.population.control }, events: events.length, metrics: fva.metrics };
  } finally {
    await server.stop();
  }
}

/** Profiles and the merged event stream: treated customers from the plan's run, control ones from the no-plan run. */
export function reality(loaded: LoadedPlan, o: Pick<LiveDemoOptions, "customers" | "days" | "start" | "realitySeed">, isControl: (id: string) => boolean) {
  const world = { channels: DEFAULT_WORLD.channels.map((c) => ({ ...c, hardBounce: 0 })) };
  let profiles: Record<string, unknown>[] = [];
  const run = (l: LoadedPlan) =>
    runPlan(l, {
      customers: o.customers, days: o.days, seed: o.realitySeed, start: o.start, record: true, baseline: false, world,
      population: (p) => {
        const pop = syntheticPopulation({ customers: o.customers, seed: p.seed, start: p.start, days: p.days, journeys: p.journeys, world: p.world });
        profiles = profilesOf(pop);
        return pop;
      },
    });
  const treated = run(loaded);
  const none = run({ ...loaded, compiled: baselinePlan(loaded.plan) });
  const ids = treated.run.population.table.ids;
  const a = eventsOf(treated.run.plan, ids, treated.recorder!, (c) => !isControl(ids[c]), "t");
  const b = eventsOf(none.run.plan, ids, none.recorder!, (c) => isControl(ids[c]), "c");
  return { profiles, events: mergeByTime(a, b) };
}

/** Two time-ordered streams into one, keeping each one's order among equal times. */
function mergeByTime(a: StreamEvent[], b: StreamEvent[]): StreamEvent[] {
  const out: StreamEvent[] = [];
  let i = 0, j = 0;
  while (i < a.length || j < b.length) out.push(j >= b.length || (i < a.length && a[i].time <= b[j].time) ? a[i++] : b[j++]);
  return out;
}
