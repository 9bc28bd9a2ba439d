/**
 * One run's customers split across workers (issue 14 #1): shard s of S simulates customers
 * ⌊s·n/S⌋ … ⌊(s+1)·n/S⌋−1 of the synthetic population, the shards meet at barriers to resolve what
 * couples customers (engine/parallel/shard-link.ts), and the coordinator merges them
 * (engine/parallel/merge-shards.ts). The results — digest, summary, every `--out` file — are the same
 * for every number of shards, one included: the single-thread run follows the same rules.
 *
 * What is not split (`unshardable` says why; the run then goes on one thread, the baseline still in
 * parallel): a plan with a channel capacity (a daily counter consumed in event order across
 * customers), a population from a history file, contacts made outside the plan.
 */
import { checkRunSizes } from "../plan/errors.ts";
import type { LoadedPlan } from "../plan/load.ts";
import { sharesCapacity } from "../core/capacity.ts";
import { planWorld } from "../plan/world-section.ts";
import { baselineKey, type CacheMode, peek, store } from "../sim/baseline-cache.ts";
import { Recorder } from "../sim/recorder.ts";
import { type BaselineFigures, DEFAULT_START, type FiguresRun, type RunOptions, type RunResult, runStart, summarise } from "../sim/run.ts";
import type { SimulationRun } from "../sim/simulate.ts";
import { ShardPool } from "./shard-pool.ts";
import { ask, mergeJob, mergeSummaryJob, range, spawnShards } from "./shard-calls.ts";
import { syntheticDescribe } from "../sim/population.ts";
import { newLinkBuffers } from "./shard-link.ts";
import { type ShardedJob, type ShardResult, type ShardSummary, TABLE_COLUMNS } from "./shard.ts";
import { newShardStorage, type ShardStorage } from "./shard-storage.ts";

/** Why this run cannot be split across workers, or null when it can. */
export function unshardable(loaded: LoadedPlan, o: { synthetic: boolean; external?: unknown }): string | null {
  if (sharesCapacity(loaded.compiled)) return "a channel capacity is shared by all customers in event order";
  if (!o.synthetic) return "the population is not the synthetic one";
  if (o.external) return "contacts made outside the plan are resolved against the whole population";
  return null;
}

/** Runs `job` over `shards` workers and merges it; `recorder` receives every recorded row, sorted. */
export async function runSharded(job: ShardedJob, shards: number, recorder?: Recorder, onDay?: (day: number, days: number) => void): Promise<SimulationRun> {
  const t0 = performance.now();
  // the customers drawn in shared memory, so that the merge reads them in place (engine/parallel/shard-storage.ts)
  const storage = newShardStorage(job.customers, TABLE_COLUMNS);
  return mergeJob(job, await runShards<ShardResult>(job, shards, onDay, storage), recorder, t0, storage);
}

/** Each shard's part of `job`, run over `shards` workers started for it and stopped after. */
async function runShards<R>(job: ShardedJob, shards: number, onDay?: (day: number, days: number) => void, storage?: ShardStorage): Promise<R[]> {
  const n = job.customers, S = Math.max(1, Math.min(shards, n));
  const link = newLinkBuffers(S, n, storage);
  const workers = spawnShards(S);
  try {
    return await ask<R>(workers, link, (shard) => ({ job, ...range(shard, S, n), link }), onDay);
  } finally {
    for (const w of workers) w.terminate(); // before the merge: their memory is not needed beside the merged run's
  }
}

/** A run asked for its summary alone (`figuresOnly`): its figures, not its customers. */
export type FiguresResult = Omit<RunResult, "run"> & { run: FiguresRun };

type Options = Omit<RunOptions, "baseline" | "population" | "external"> & {
  workers: number;
  /** false: the plan alone */
  baseline?: false;
  /**
   * Only the summary is wanted (`cadence simulate` without --out): the workers send back their counters
   * and end figures, not their customers (engine/parallel/merge-figures.ts), and nothing is merged per
   * customer. The summary is the same; the result's `run` is then a FiguresRun (no table). Ignored when
   * rows are recorded.
   */
  figuresOnly?: boolean;
};

/**
 * `runPlan` with the plan's run and its no-plan baseline each split across `workers` shards; the
 * baseline is taken from the cache when there.
 * @example const { summary } = await runPlanSharded(loadPlan("scenarios/lifecycle.yaml"), { customers: 1_000_000, workers: 2 })
 */
export async function runPlanSharded(loaded: LoadedPlan, o: Options & { figuresOnly: true }): Promise<FiguresResult>;
export async function runPlanSharded(loaded: LoadedPlan, o: Options): Promise<RunResult>;
export async function runPlanSharded(loaded: LoadedPlan, o: Options): Promise<RunResult | FiguresResult> {
  checkRunSizes(o);
  const startText = o.start ?? DEFAULT_START, start = runStart(startText);
  const world = planWorld(loaded, o.world);
  const recorder = o.recorder ?? (o.record ? new Recorder() : undefined);
  const job: ShardedJob = {
    plan: { text: JSON.stringify(loaded.source), file: loaded.file }, baseline: false,
    customers: o.customers ?? 10_000, days: o.days ?? 365, seed: o.seed ?? 1, start: o.start, world: o.world,
    record: !recorder ? "none" : "why" in recorder ? "explained" : "rows",
  };
  const mode: CacheMode = o.cache ?? "memory";
  const key = baselineKey("run", syntheticDescribe({ customers: job.customers, seed: job.seed, start, days: job.days, world }), job.days);
  let baseline = o.baseline === false ? null : peek<BaselineFigures>(key, mode) ?? null;
  const figures = o.figuresOnly && !recorder, planDays = (d: number, n: number) => o.onDay?.("plan", d, n);
  let run: SimulationRun | FiguresRun;
  if (baseline || o.baseline === false) {
    const t0 = performance.now(), summaryJob: ShardedJob = { ...job, summary: true };
    run = figures
      ? mergeSummaryJob(summaryJob, loaded.compiled, await runShards<ShardSummary>(summaryJob, o.workers, planDays), t0)
      : await runSharded(job, o.workers, recorder, planDays);
  } else {
    // the baseline first, on a copy of each worker's customers, then the plan on the customers themselves:
    // workers started and customers drawn once (the baseline's results do not depend on the plan's journey slots)
    const pool = await ShardPool.open(job, o.workers);
    try {
      baseline = store(key, mode, await pool.baselineFigures(job.plan, (d, n) => o.onDay?.("baseline", d, n)));
      run = figures
        ? await pool.summary(job.plan, loaded.compiled, planDays, true)
        : await pool.run(job.plan, { recorder, last: true, onDay: planDays });
    } finally {
      pool.close();
    }
  }
  return { summary: summarise(loaded, run, baseline, world, startText), run, baseline, recorder: recorder ?? null, world } as RunResult | FiguresResult;
}
