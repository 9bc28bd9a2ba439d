/**
 * `runPlan` with its no-plan baseline simulated in a worker while the plan runs on this thread: what a
 * user of `cadence simulate` waits for is then the longer of the two runs, not their sum. When the
 * baseline of this population and seed is already cached, nothing is spawned. The results are those of
 * `runPlan`: the baseline is the same function of the same population and seed wherever it runs.
 */
import type { LoadedPlan } from "../plan/load.ts";
import { parsePlan } from "../plan/load.ts";
import { parseDate } from "../core/time.ts";
import { baselineKey, type CacheMode, peek, store } from "../sim/baseline-cache.ts";
import { parsePopulation } from "../sim/population-spec.ts";
import { syntheticPopulation } from "../sim/population.ts";
import {
  type BaselineFigures,
  checkRun,
  DEFAULT_START,
  RUN_OPTIONS,
  type RunOptions,
  runOptionsOf,
  runPlan,
  type RunResult,
  simulateBaseline,
  summarise,
} from "../sim/run.ts";
import { planWorld } from "../plan/world-section.ts";
import { defaultWorkers, runJobs } from "./pool.ts";
import { ExplainRecorder } from "../explain/observer.ts";
import { type FiguresResult, runPlanSharded, unshardable } from "./sharded-run.ts";

/** The names of `Options`: runPlan's but the baseline, which a run in workers makes or takes from the cache. */
const IN_WORKERS_OPTIONS = [...RUN_OPTIONS.filter((k) => k !== "baseline"), "workers", "populationSpec", "minShard"];

type Options = Omit<RunOptions, "baseline"> & {
  workers?: number;
  populationSpec?: string;
  /**
   * Customers per worker below which a run is not split (starting workers costs more than it saves),
   * default MIN_SHARD; a population under twice this runs on one thread, its baseline too.
   */
  minShard?: number;
};

/**
 * A worker costs about 0.4 s to start and warm up (its own modules, compilation, a cold JIT), and the
 * no-plan baseline needs about 4 µs a customer (population and its lean run): on this project's
 * machine, `cadence simulate` of the lifecycle plan gains from a second worker between 50,000 and
 * 75,000 customers, for a split run as for the baseline in a worker (docs/performance.md, "Sixth session").
 */
export const MIN_SHARD = 30_000;

/**
 * Into how many workers a run's customers are split (engine/parallel/sharded-run.ts), 0 for none: when
 * nothing couples them that a split cannot resolve, and each worker gets `minShard` customers. A run
 * that records every row (`--out`) is not split unless `minShard` is given: its rows cross back from
 * the workers and are merged, which cost more than the split saved at every size measured (100,000 ×
 * 365: 25.8–26.2 s split against 20.0–20.2 s; 200,000: 56.3 against 39.7 s, and more memory). A split
 * synthetic population's `population` hook is not called.
 */
function shardsFor(loaded: LoadedPlan, o: Options): number {
  const min = o.minShard ?? (o.record || o.recorder ? Infinity : MIN_SHARD);
  const shards = Math.min(o.workers ?? defaultWorkers(), Math.floor((o.customers ?? 10_000) / min));
  const synthetic = parsePopulation(o.populationSpec).kind === "synthetic";
  return shards >= 2 && unshardable(loaded, { synthetic, external: o.external }) === null ? shards : 0;
}

/**
 * What `cadence simulate` prints without --out: `runPlanInWorkers`'s summary (the same figures), but a
 * run split across workers sends back each worker's counters, not its customers: no per-customer merge.
 * @example const { summary } = await summaryInWorkers(loadPlan("scenarios/lifecycle.yaml"), { customers: 1_000_000, workers: 4 })
 */
export async function summaryInWorkers(loaded: LoadedPlan, o: Omit<Options, "record" | "recorder"> = {}): Promise<RunResult | FiguresResult> {
  checkRun("summaryInWorkers", loaded, o, IN_WORKERS_OPTIONS.filter((k) => k !== "record" && k !== "recorder")); // workers too: 0, -1, NaN and "2" were taken
  const shards = shardsFor(loaded, o);
  return shards ? runPlanSharded(loaded, { ...o, workers: shards, figuresOnly: true }) : runPlanInWorkers(loaded, o);
}

/** @example const r = await runPlanInWorkers(loadPlan("scenarios/lifecycle.yaml"), { customers: 1_000_000, workers: 2 }) */
export async function runPlanInWorkers(loaded: LoadedPlan, o: Options = {}): Promise<RunResult> {
  checkRun("runPlanInWorkers", loaded, o, IN_WORKERS_OPTIONS); // workers too: 0, -1, NaN and "2" were taken
  const workers = o.workers ?? defaultWorkers();
  const shards = shardsFor(loaded, o);
  if (shards) return runPlanSharded(loaded, { ...o, workers: shards });
  const mode: CacheMode = o.cache ?? "memory";
  const made = makePopulation(o, loaded.compiled.journeys.length, loaded);
  const given = o.population;
  let first = true; // the plan's own run takes the population made here; any other call makes its own
  const population: RunOptions["population"] = (p) => {
    if (first) return first = false, made;
    return given ? given(p) : syntheticPopulation({ ...p, customers: o.customers ?? 10_000 });
  };
  const key = baselineKey("run", made.describe, o.days ?? 365);
  const hit = peek<BaselineFigures>(key, mode);
  // the baseline in a worker beside the plan, unless it costs less than starting the worker
  if (hit || workers <= 1 || made.size < 2 * (o.minShard ?? MIN_SHARD)) return runPlan(loaded, { ...runOptionsOf(o), population, baseline: hit ?? true });
  const { population: _hook, onDay: _onDay, recorder: _rec, workers: _w, ...json } = o;
  const job = runJobs<BaselineFigures>([{
    module: import.meta.url,
    fn: "baselineFiguresJob",
    args: [{ text: JSON.stringify(loaded.source), file: loaded.file }, { ...json, record: false }],
  }], 2);
  job.catch(() => {}); // awaited below; never an unhandled rejection while the plan runs
  const res = runPlan(loaded, { ...runOptionsOf(o), population, baseline: false });
  const figures = store(key, mode, (await job)[0]);
  const world = planWorld(loaded, o.world);
  return { ...res, baseline: figures, summary: summarise(loaded, res.run, figures, world, o.start ?? DEFAULT_START) };
}

/**
 * The run `cadence simulate --out` writes: every row recorded, and each message not sent as decided
 * explained (messages.csv's `why`) against the plan run's own customers.
 */
export function recordedRun(loaded: LoadedPlan, o: Omit<Options, "record" | "recorder"> = {}): Promise<RunResult> {
  const recorder = new ExplainRecorder(loaded.compiled), given = o.population;
  let attached = false;
  const population: RunOptions["population"] = (p) => {
    const made = given ? given(p) : syntheticPopulation({ ...p, customers: o.customers ?? 10_000 });
    if (!attached) recorder.attach(made.table), attached = true; // the plan's customers (a baseline drawn here runs on a copy)
    return made;
  };
  return runPlanInWorkers(loaded, { ...o, population, record: true, recorder });
}

function makePopulation(o: Options, journeys: number, loaded: LoadedPlan) {
  const seed = o.seed ?? 1, days = o.days ?? 365, start = parseDate(o.start ?? DEFAULT_START)!, world = planWorld(loaded, o.world);
  return o.population
    ? o.population({ journeys, seed, start, days, world })
    : syntheticPopulation({ customers: o.customers ?? 10_000, seed, start, days, journeys, world });
}

/** Worker entry point: the no-plan baseline's figures for a plan's channels, population and seed. */
export function baselineFiguresJob(plan: { text: string; file: string }, o: Options): BaselineFigures {
  const loaded = parsePlan(plan.text, plan.file);
  const spec = parsePopulation(o.populationSpec);
  const seed = o.seed ?? 1, days = o.days ?? 365, start = parseDate(o.start ?? DEFAULT_START)!, world = planWorld(loaded, o.world);
  const population = makePopulation({ ...o, population: spec.population }, 0, loaded);
  return simulateBaseline(loaded.plan, population, { seed, start, days, world });
}
