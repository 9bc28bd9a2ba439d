/**
 * Independent simulations (replications, plans, sweep variants) spread over Deno workers. A job names
 * an exported function of an engine module and its JSON arguments; the result comes back as JSON. With
 * one worker the same functions run inline, in order, so the results are identical for every worker
 * count: a job's result depends only on its arguments (its seed, plan and options), never on which
 * worker ran it or when.
 */
import { availableParallelism } from "node:os";
import { InputError } from "../plan/errors.ts";

export interface Job {
  module: string; // a module URL (new URL("./x.ts", import.meta.url).href)
  fn: string; // an exported function taking the args, returning JSON-safe data
  args: unknown[];
}

/** The default number of workers: the machine's cores. */
export const defaultWorkers = (): number => Math.max(1, availableParallelism());

/**
 * Runs every job and returns the results in job order. `onDone(done, total, job)` after each job. With
 * `onDay`, each job's function gets one more argument, a callback `(day, days)` for its simulated days,
 * which reaches `onDay(job, day, days)` (from a worker, as a message): a long run shows it is moving.
 * @example const results = await runJobs(jobs, 2)
 */
export async function runJobs<R>(jobs: Job[], workers: number, onDone?: (done: number, total: number, job: number) => void, onDay?: (job: number, day: number, days: number) => void): Promise<R[]> {
  const out: R[] = new Array(jobs.length);
  let done = 0;
  if (workers <= 1) {
    for (const [i, j] of jobs.entries()) {
      const mod = await import(j.module);
      out[i] = await mod[j.fn](...j.args, ...(onDay ? [(d: number, n: number) => onDay(i, d, n)] : []));
      onDone?.(++done, jobs.length, i);
    }
    return out;
  }
  let next = 0, failed: unknown = null;
  const pool = Array.from({ length: Math.min(workers, jobs.length) }, () =>
    new Worker(new URL("./worker.ts", import.meta.url).href, { type: "module" })
  );
  try {
    await Promise.all(pool.map((w) =>
      new Promise<void>((resolve) => {
        const give = () => {
          if (failed !== null || next >= jobs.length) return resolve();
          const i = next++;
          w.onmessage = (e: MessageEvent) => {
            const m = e.data as { result?: R; error?: { message: string; input: boolean }; progress?: [number, number] };
            if (m.progress) return void onDay?.(i, ...m.progress);
            if (m.error) {
              failed ??= m.error.input ? new InputError(m.error.message) : new Error(m.error.message);
              return resolve();
            }
            out[i] = m.result as R;
            onDone?.(++done, jobs.length, i);
            give();
          };
          w.onerror = (e: ErrorEvent) => {
            e.preventDefault();
            failed ??= new Error(`worker failed on ${jobs[i].fn}: ${e.message}`);
            resolve();
          };
          w.postMessage(onDay ? { ...jobs[i], progress: true } : jobs[i]);
        };
        give();
      })
    ));
  } finally {
    for (const w of pool) w.terminate();
  }
  if (failed !== null) throw failed;
  return out;
}
