/**
 * The coordinator's side of talking to shard workers (engine/parallel/shard-worker.ts): starting them,
 * asking each for its part and waiting for all, and merging the parts into one run.
 */
import { parseDate } from "../core/time.ts";
import { InputError } from "../plan/errors.ts";
import { parsePlan } from "../plan/load.ts";
import type { Recorder } from "../sim/recorder.ts";
import { sortRecorder } from "../sim/recorder-order.ts";
import { baselinePlan, DEFAULT_START, type FiguresRun } from "../sim/run.ts";
import type { SimulationRun } from "../sim/simulate.ts";
import { mergeShards } from "./merge-shards.ts";
import { abortLink, type LinkBuffers } from "./shard-link.ts";
import type { ShardedJob, ShardFigures, ShardResult, ShardSummary } from "./shard.ts";
import type { ShardStorage } from "./shard-storage.ts";
import { mergeSummaries } from "./merge-figures.ts";
import type { CompiledPlan } from "../core/compiled.ts";
import { checkRevenueExact, MONEY_UNITS } from "../sim/money.ts";
import type { BaselineFigures } from "../sim/run.ts";

export const spawnShards = (shards: number): Worker[] =>
  Array.from({ length: shards }, () => new Worker(new URL("./shard-worker.ts", import.meta.url).href, { type: "module" }));

/** Shard s of S: customers lo … hi−1. */
export const range = (shard: number, shards: number, n: number) => ({ shard, shards, lo: Math.floor((shard * n) / shards), hi: Math.floor(((shard + 1) * n) / shards) });

/** The shards' results merged into one run (engine/parallel/merge-shards.ts), rows sorted into `recorder`. */
export function mergeJob(job: ShardedJob, parts: ShardResult[], recorder: Recorder | undefined, t0: number, storage?: ShardStorage): SimulationRun {
  const loaded = parsePlan(job.plan.text, job.plan.file);
  const plan = job.baseline ? baselinePlan(loaded.plan) : loaded.compiled;
  const run = mergeShards(parts, {
    plan, seed: job.seed, start: parseDate(job.start ?? DEFAULT_START)!, days: job.days, recorder, wallMs: performance.now() - t0, storage,
  });
  if (recorder) sortRecorder(recorder);
  return run;
}

/** The shards' summary parts merged into one run's figures (engine/parallel/merge-figures.ts); `plan` is the job's, compiled. */
export function mergeSummaryJob(job: ShardedJob, plan: CompiledPlan, parts: ShardSummary[], t0: number): FiguresRun {
  return mergeSummaries(parts, { plan, seed: job.seed, start: parseDate(job.start ?? DEFAULT_START)!, days: job.days, wallMs: performance.now() - t0 });
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
      // nobody to tell the days to: shard 0 does not post them (365 messages a year that wake this thread)
      w.postMessage(onDay ? message(shard) : { ...(message(shard) as object), quiet: true });
    })
  ));
  if (failed) throw failed;
  return parts as R[];
}

/** A baseline's figures from its shards' parts: money summed in units, then in currency (as `settleMoney`). */
export function mergeFigures(parts: ShardFigures[]): BaselineFigures {
  const days = parts[0].dailyRevenue.length, daily = new Float64Array(days);
  let revenue = 0, events = 0;
  for (const p of parts) {
    revenue += p.revenue, events += p.events;
    for (let d = 0; d < days; d++) daily[d] += p.dailyRevenue[d];
  }
  checkRevenueExact(revenue); // as a run in one process is refused (settleMoney)
  return { revenue: revenue / MONEY_UNITS, dailyRevenue: Array.from(daily, (x) => x / MONEY_UNITS), events };
}
