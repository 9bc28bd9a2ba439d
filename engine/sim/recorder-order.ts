/**
 * The canonical order of a run's recorded rows: time, then customer (its place in the whole
 * population), then the order the customer's own rows were logged in. One customer's rows are logged in
 * the same order however the run is split across workers, but rows of different customers at the same
 * minute interleave by each worker's queue; sorted so, `messages` and `events` are the same files for
 * every worker count (engine/parallel/sharded-run.ts). Applied to every run that records, one thread too.
 */
import type { Recorder } from "./recorder.ts";

/** Sorts the recorder's message rows and event rows in place. */
export function sortRecorder(rec: Recorder): void {
  const why = (rec as Recorder & { why?: string[] }).why;
  permute(order(rec.mTime, rec.mCust), [rec.mTime, rec.mCust, rec.mSend, rec.mStatus, rec.mRule, rec.mCost, rec.mAt, ...(why && why.length === rec.mTime.length ? [why] : [])]);
  permute(order(rec.eTime, rec.eCust), [rec.eTime, rec.eCust, rec.eType, rec.eChannel, rec.eProgram, rec.eSend, rec.eValue]);
}

function order(time: number[], cust: number[]): Uint32Array {
  const idx = new Uint32Array(time.length);
  for (let i = 0; i < idx.length; i++) idx[i] = i;
  return idx.sort((a, b) => time[a] - time[b] || cust[a] - cust[b] || a - b);
}

function permute(idx: Uint32Array, columns: unknown[][]): void {
  for (const col of columns) {
    const copy = col.slice();
    for (let i = 0; i < idx.length; i++) col[i] = copy[idx[i]];
  }
}
