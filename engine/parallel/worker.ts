/** A pool worker (engine/parallel/pool.ts): runs one job per message and posts its result or error. */
import { InputError } from "../plan/errors.ts";
import type { Job } from "./pool.ts";

// deno-lint-ignore no-explicit-any
const self_ = globalThis as any;
self_.onmessage = async (e: MessageEvent) => {
  const job = e.data as Job;
  try {
    const mod = await import(job.module);
    self_.postMessage({ result: await mod[job.fn](...job.args) });
  } catch (err) {
    self_.postMessage({ error: { message: (err as Error).message ?? String(err), input: err instanceof InputError } });
  }
};
