/** A pool worker (engine/parallel/pool.ts): runs one job per message and posts its result or error (and, if asked, its days). */
import { InputError } from "../plan/errors.ts";
import type { Job } from "./pool.ts";

// deno-lint-ignore no-explicit-any
const self_ = globalThis as any;
self_.onmessage = async (e: MessageEvent) => {
  const job = e.data as Job & { progress?: boolean };
  // with `progress`, the job's function takes a last argument: its simulated days, posted as they pass
  const onDay = (day: number, days: number) => self_.postMessage({ progress: [day, days] });
  try {
    const mod = await import(job.module);
    self_.postMessage({ result: await mod[job.fn](...job.args, ...(job.progress ? [onDay] : [])) });
  } catch (err) {
    self_.postMessage({ error: { message: (err as Error).message ?? String(err), input: err instanceof InputError } });
  }
};
