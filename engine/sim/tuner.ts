/**
 * Re-simulation for tuning: an analyst (a notebook slider, a future web page) changes a pressure rule's
 * parameter and wants the new figures at once. The population is drawn once and copied for each run
 * (copying typed arrays is far cheaper than drawing traits again), the no-plan baseline is simulated
 * once (engine/sim/baseline-cache.ts), and each variant runs the plan alone. Results are exactly those
 * of `runPlan` with the same options: a copy of the population is the population.
 */
import { CustomerTable } from "../core/customer-table.ts";
import type { LoadedPlan } from "../plan/load.ts";
import { parsePlan } from "../plan/load.ts";
import { parseDate } from "../core/time.ts";
import { setPath } from "../sweep/set-path.ts";
import { type Population, syntheticPopulation, type Traits } from "./population.ts";
import { type BaselineFigures, baselineFigures, baselinePlan, DEFAULT_START, type RunOptions, runPlan, type RunResult } from "./run.ts";
import { baselineKey, cached } from "./baseline-cache.ts";
import { simulate } from "./simulate.ts";
import { planWorld } from "../plan/world-section.ts";

/** The table's per-journey columns: most of its bytes, and nothing a plan without journeys reads. */
const JOURNEY_COLUMNS = new Set(["jPc", "jGen", "jEntries", "jLastEntry", "jFlags", "jPending"]);

/**
 * A copy of a population nobody has simulated yet: typed arrays copied, ledgers and attributes cloned.
 * `journeys` 0 (for a no-plan baseline) leaves the journey columns out, with room for no journey.
 */
export function copyPopulation(p: Population, journeys = p.table.journeys): Population {
  const t = p.table, c = new CustomerTable(1, journeys); // its small arrays are replaced by the copies
  for (const [k, v] of Object.entries(t)) {
    if (ArrayBuffer.isView(v) && copied(k, journeys, t)) (c as unknown as Record<string, unknown>)[k] = (v as Uint8Array).slice();
  }
  c.size = t.size, c.capacity = t.capacity, c.ids = t.ids; // ids are never written by a run
  c.ledgers = t.ledgers.map((l) => l?.slice());
  c.attrs = new Map([...t.attrs].map(([k, v]) => [k, v.slice()]));
  const traits = Object.fromEntries(Object.entries(p.traits).map(([k, v]) => [k, (v as Uint8Array).slice()])) as unknown as Traits;
  return { table: c, traits, size: p.size, describe: p.describe };
}

/** Is column `k` of `t` part of a copy with `journeys` journey slots (the same as t's, or 0)? */
function copied(k: string, journeys: number, t: CustomerTable): boolean {
  if (journeys !== 0 && journeys !== t.journeys) throw new Error(`a population copy has ${t.journeys} journey slots or none, not ${journeys}`);
  return journeys === t.journeys || !JOURNEY_COLUMNS.has(k);
}

/**
 * `from` copied into `into`, a copy made earlier by `copyPopulation(from, journeys)` and simulated since:
 * its arrays written over in place, so a worker that re-runs a plan move after move allocates nothing
 * per move (engine/parallel/shard-worker.ts). A copy of another shape is not reused: a new one is made.
 */
export function refillPopulation(from: Population, into: Population | null, journeys = from.table.journeys): Population {
  if (!into || into.size !== from.size || into.table.journeys !== journeys) return copyPopulation(from, journeys);
  const t = from.table, c = into.table as unknown as Record<string, Uint8Array>;
  for (const [k, v] of Object.entries(t)) {
    if (ArrayBuffer.isView(v) && copied(k, journeys, t) && c[k]?.length !== (v as Uint8Array).length) return copyPopulation(from, journeys);
  }
  for (const [k, v] of Object.entries(t)) if (ArrayBuffer.isView(v) && copied(k, journeys, t)) c[k].set(v as Uint8Array);
  into.table.size = t.size, into.table.capacity = t.capacity, into.table.ids = t.ids;
  into.table.ledgers = t.ledgers.map((l) => l?.slice());
  into.table.attrs = new Map([...t.attrs].map(([k, v]) => [k, v.slice()]));
  for (const [k, v] of Object.entries(from.traits)) (into.traits as unknown as Record<string, Uint8Array>)[k].set(v as Uint8Array);
  return into;
}

export interface Tuner {
  /** The plan with these values set (paths as in `sweep --set`), run on the same customers. */
  run(values: Record<string, unknown>): RunResult;
  baseline: BaselineFigures;
}

/**
 * @example const t = tuner(loadPlan("scenarios/lifecycle-capped.yaml"), { customers: 50_000 }); t.run({ "pressure.rules.two-a-week.cap": 3 }).summary
 */
export function tuner(loaded: LoadedPlan, o: Omit<RunOptions, "baseline" | "population"> = {}): Tuner {
  const seed = o.seed ?? 1, days = o.days ?? 365, start = parseDate(o.start ?? DEFAULT_START)!, world = planWorld(loaded, o.world);
  const journeys = loaded.compiled.journeys.length;
  const drawn = syntheticPopulation({ customers: o.customers ?? 10_000, seed, start, days, journeys, world });
  const baseline = cached(baselineKey("run", drawn.describe), o.cache ?? "memory", () =>
    baselineFigures(simulate(baselinePlan(loaded.plan), copyPopulation(drawn, 0), { seed, start, days, world })));
  return {
    baseline,
    run(values) {
      let doc: unknown = loaded.source;
      for (const [path, v] of Object.entries(values)) doc = setPath(doc, path, v);
      const variant = Object.keys(values).length ? parsePlan(JSON.stringify(doc), loaded.file) : loaded;
      const same = variant.compiled.journeys.length === journeys;
      return runPlan(variant, {
        ...o,
        baseline,
        population: (p) => (same ? copyPopulation(drawn) : syntheticPopulation({ customers: o.customers ?? 10_000, ...p })),
      });
    },
  };
}
