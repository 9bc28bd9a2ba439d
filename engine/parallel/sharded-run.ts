/**
 * One run's customers split across workers (issue 14 #1): shard s of S simulates customers
 * ⌊s·n/S⌋ … ⌊(s+1)·n/S⌋−1 of the synthetic population, the shards meet at barriers to resolve what
 * couples customers (engine/parallel/shard-link.ts), and the coordinator merges them
 * (engine/parallel/merge-shards.ts). The results — digest, summary, every `--out` file — are the same
 * for every number of shards, one included: the single-thread run follows the same rules.
 *
 * What is not split (`shardable` says why; the run then goes on one thread, the baseline still in
 * parallel): a plan with a channel capacity (a daily counter consumed in event order across
 * customers), a population from a history file, contacts made outside the plan.
 */
import { type LoadedPlan, parsePlan } from "../plan/load.ts";
import { InputError } from "../plan/errors.ts";
import { parseDate } from "../core/time.ts";
import { planWorld } from "../plan/world-section.ts";
import { baselineKey, type CacheMode, peek, store } from "../sim/baseline-cache.ts";
import { Recorder } from "../sim/recorder.ts";
import { sortRecorder } from "../sim/recorder-order.ts";
import { type BaselineFigures, baselineFigures, baselinePlan, DEFAULT_START, type RunOptions, type RunResult, summarise } from "../sim/run.ts";
import type { SimulationRun } from "../sim/simulate.ts";
import { mergeShards } from "./merge-shards.ts";
import { abortLink, type LinkBuffers, newLinkBuffers } from "./shard-link.ts";
import type { ShardedJob, ShardResult } from "./shard.ts";

/** Why this run cannot be split across workers, or null when it can. */
export function unshardable(loaded: LoadedPlan, o: { synthetic: boolean; external?: unknown }): string | null {
  if (loaded.compiled.channels.some((ch) => ch && ch.capacity !== null)) return "a channel capacity is shared by all customers in event order";
  if (!o.synthetic) return "the population is not the synthetic one";
  if (o.external) return "contacts made outside the plan are resolved against the whole population";
  return null;
}

/** Runs `job` over `shards` workers and merges it; `recorder` receives every recorded row, sorted. */
export async function runSharded(job: ShardedJob, shards: number, recorder?: Recorder, onDay?: (day: number, days: number) => void): Promise<SimulationRun> {
  const t0 = performance.now(), n = job.customers, S = Math.max(1, Math.min(shards, n));
  const link = newLinkBuffers(S, n);
  const workers = spawnShards(S);
  try {
    const parts = await ask<ShardResult>(workers, link, (shard) => ({ job, ...range(shard, S, n), link }), onDay);
    return mergeJob(job, parts, recorder, t0);
  } finally {
    for (const w of workers) w.terminate();
  }
}

export const spawnShards = (shards: number): Worker[] =>
  Array.from({ length: shards }, () => new Worker(new URL("./shard-worker.ts", import.meta.url).href, { type: "module" }));

/** Shard s of S: customers lo … hi−1. */
export const range = (shard: number, shards: number, n: number) => ({ shard, shards, lo: Math.floor((shard * n) / shards), hi: Math.floor(((shard + 1) * n) / shards) });

/** The shards' results merged into one run (engine/parallel/merge-shards.ts), rows sorted into `recorder`. */
export function mergeJob(job: ShardedJob, parts: ShardResult[], recorder: Recorder | undefined, t0: number): SimulationRun {
  const loaded = parsePlan(job.plan.text, job.plan.file);
  const plan = job.baseline ? baselinePlan(loaded.plan) : loaded.compiled;
  const run = mergeShards(parts, {
    plan, seed: job.seed, start: parseDate(job.start ?? DEFAULT_START)!, days: job.days, recorder, wallMs: performance.now() - t0,
  });
  if (recorder) sortRecorder(recorder);
  return run;
}

/**
 * Posts `message(shard)` to each worker and waits for every answer (`result`), passing shard 0's
 * progress on. The first real error wins over the "another shard failed" it causes in the others.
 */
export async function ask<R>(workers: Worker[], link: LinkBuffers, message: (shard: number) => unknown, onDay?: (day: number, days: number) => void): Promise<R[]> {
  let failed: Error | null = null;
  const parts = await Promise.all(workers.map((w, shard) =>
    new Promise<R | null>((resolve) => {
      w.onmessage = (e: MessageEvent) => {
        const m = e.data as { progress?: [number, number]; result?: R; error?: { message: string; input: boolean } };
        if (m.progress) return void onDay?.(...m.progress);
        if (m.error) {
          if (!failed || /another shard/.test(failed.message)) failed = m.error.input ? new InputError(m.error.message) : new Error(m.error.message);
          return resolve(null);
        }
        resolve(m.result as R);
      };
      w.onerror = (e: ErrorEvent) => {
        e.preventDefault();
        failed ??= new Error(`shard ${shard} failed: ${e.message}`);
        abortLink(link);
        resolve(null);
      };
      w.postMessage(message(shard));
    })
  ));
  if (failed) throw failed;
  return parts as R[];
}

type Options = Omit<RunOptions, "baseline" | "population" | "external"> & { workers: number; /** false: the plan alone */ baseline?: false };

/**
 * `runPlan` with the plan's run and its no-plan baseline each split across `workers` shards; the
 * baseline is taken from the cache when there.
 * @example const { summary } = await runPlanSharded(loadPlan("scenarios/lifecycle.yaml"), { customers: 1_000_000, workers: 2 })
 */
export async function runPlanSharded(loaded: LoadedPlan, o: Options): Promise<RunResult> {
  const startText = o.start ?? DEFAULT_START;
  if (parseDate(startText) === null) throw new Error(`invalid start date: ${startText}`);
  const world = planWorld(loaded, o.world);
  const recorder = o.recorder ?? (o.record ? new Recorder() : undefined);
  const job: ShardedJob = {
    plan: { text: JSON.stringify(loaded.source), file: loaded.file }, baseline: false,
    customers: o.customers ?? 10_000, days: o.days ?? 365, seed: o.seed ?? 1, start: o.start, world: o.world,
    record: !recorder ? "none" : "why" in recorder ? "explained" : "rows",
  };
  const run = await runSharded(job, o.workers, recorder, (d, n) => o.onDay?.("plan", d, n));
  const mode: CacheMode = o.cache ?? "memory", key = baselineKey("run", run.population.describe);
  let baseline = o.baseline === false ? null : peek<BaselineFigures>(key, mode) ?? null;
  if (!baseline && o.baseline !== false) {
    const b = await runSharded({ ...job, baseline: true, record: "none" }, o.workers, undefined, (d, n) => o.onDay?.("baseline", d, n));
    baseline = store(key, mode, baselineFigures(b));
  }
  return { summary: summarise(loaded, run, baseline, world, startText), run, baseline, recorder: recorder ?? null, world };
}
