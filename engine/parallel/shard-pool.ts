/**
 * Workers that keep their shard of one population between runs: a tuner's slider moves re-run a plan
 * on the same customers (engine/sim/tuner.ts), and starting workers and drawing the population again
 * for each move would cost more than half of a small run. Each `run` gives what `runSharded` gives for
 * the same job: the same customers, the same barriers, the same merge.
 */
import { type LinkBuffers, newLinkBuffers } from "./shard-link.ts";
import { type ShardedJob, type ShardFigures, type ShardResult, type ShardSummary, TABLE_COLUMNS } from "./shard.ts";
import { newShardStorage } from "./shard-storage.ts";
import type { CompiledPlan } from "../core/compiled.ts";
import { ask, mergeFigures, mergeJob, mergeSummaryJob, range, spawnShards } from "./shard-calls.ts";
import type { BaselineFigures, FiguresRun } from "../sim/run.ts";
import type { Recorder } from "../sim/recorder.ts";
import type { SimulationRun } from "../sim/simulate.ts";

export class ShardPool {
  private constructor(private readonly workers: Worker[], private readonly link: LinkBuffers, private readonly base: ShardedJob) {}

  /** Starts `shards` workers, each drawing its customers of `job`'s population. */
  static async open(job: ShardedJob, shards: number): Promise<ShardPool> {
    const S = Math.max(1, Math.min(shards, job.customers)), workers = spawnShards(S);
    // the kept customers in shared memory: the pool's last run, on them, is merged in place (engine/parallel/shard-storage.ts)
    const link = newLinkBuffers(S, job.customers, newShardStorage(job.customers, TABLE_COLUMNS));
    const pool = new ShardPool(workers, link, job);
    try {
      await ask(workers, link, (shard) => ({ job, ...range(shard, S, job.customers), link, open: true }));
    } catch (e) {
      pool.close();
      throw e;
    }
    return pool;
  }

  /** Runs a plan (its text, or the baseline) on the kept population: population options stay the pool's. */
  run(plan: ShardedJob["plan"], o: { baseline?: boolean; recorder?: Recorder; onDay?: (day: number, days: number) => void; /** the pool's last run: the workers run on their kept customers instead of a copy */ last?: boolean } = {}): Promise<SimulationRun> {
    const job: ShardedJob = { ...this.base, plan, baseline: o.baseline ?? false, record: !o.recorder ? "none" : "why" in o.recorder ? "explained" : "rows" };
    return this.next(job, o.last, o.onDay, (parts: ShardResult[], t0) => mergeJob(job, parts, o.recorder, t0, this.link.storage));
  }

  /**
   * A plan's run on the kept population (a copy of it), as figures only: what `summarise` needs, merged
   * from a few kilobytes per shard (engine/parallel/merge-figures.ts). `compiled` is that plan, compiled
   * (the coordinator has it already: not parsed again here).
   */
  summary(plan: ShardedJob["plan"], compiled: CompiledPlan, onDay?: (day: number, days: number) => void, /** as `run`'s */ last = false): Promise<FiguresRun> {
    const job: ShardedJob = { ...this.base, plan, baseline: false, summary: true, record: "none" };
    return this.next(job, last, onDay, (parts: ShardSummary[], t0) => mergeSummaryJob(job, compiled, parts, t0));
  }

  /** The no-plan baseline's figures on the kept population (a copy of it): nothing per customer comes back. */
  baselineFigures(plan: ShardedJob["plan"], onDay?: (day: number, days: number) => void): Promise<BaselineFigures> {
    const job: ShardedJob = { ...this.base, plan, baseline: true, figures: true, record: "none" };
    return this.next(job, false, onDay, (parts: ShardFigures[]) => mergeFigures(parts));
  }

  /**
   * Posts `job` to every worker once the runs asked before it are done, and merges the parts. One run
   * at a time: the workers take one message at a time, and `ask` holds their `onmessage` until every
   * part is in (two runs asked at once, as a slider's moves may be, used to wait for ever).
   */
  private next<R, T>(job: ShardedJob, last: boolean | undefined, onDay: ((day: number, days: number) => void) | undefined, merge: (parts: R[], t0: number) => T): Promise<T> {
    const go = async () => {
      if (this.closed) throw new Error("the shard pool is closed (a run failed in a worker, or close() was called): open another");
      const t0 = performance.now();
      try {
        return merge(await ask<R>(this.workers, this.link, () => ({ next: job, last }), onDay), t0);
      } catch (e) {
        this.close(); // a failed run leaves the barrier aborted: these workers cannot run together again
        throw e;
      }
    };
    const done = this.turn.then(go, go);
    this.turn = done.then(() => undefined, () => undefined);
    return done;
  }

  private turn: Promise<void> = Promise.resolve();
  private closed = false;

  close(): void {
    this.closed = true;
    for (const w of this.workers) w.terminate();
  }
}
