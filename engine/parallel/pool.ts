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

/**
 * The progress of `total` runs of `days` days each, run side by side (compare, sweep): `report(label,
 * day, days)` gets the runs finished as its label ("3/15 runs") and the days simulated by every run
 * together, those still running included, out of total × days (a run of 200,000 customers × 365 days
 * takes tens of seconds: a count of finished runs stood still). `watch(first)` gives runJobs' onDone
 * and onDay for jobs numbered from `first` among the runs; a finished run counts whole (a cached
 * baseline reports no days).
 * @example const watch = runsProgress(4, 30, (runs, d, n) => console.log(runs, d, n)); await runJobs(jobs, 2, watch(0).onDone, watch(0).onDay)
 */
export function runsProgress(total: number, days: number, report?: (label: string, day: number, days: number) => void) {
  const share = new Float64Array(total);
  let done = 0;
  const tell = () => report?.(`${done}/${total} runs`, Math.round(share.reduce((a, b) => a + b, 0) * days), total * days);
  return (first: number) => ({
    onDone: (_done: number, _total: number, job: number) => (done++, share[first + job] = 1, tell()),
    onDay: report && ((job: number, d: number, n: number) => (share[first + job] = Math.min(1, d / n), tell())),
  });
}
