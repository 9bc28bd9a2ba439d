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
  permute(rowOrder(rec.mTime, rec.mCust), [rec.mTime, rec.mCust, rec.mSend, rec.mStatus, rec.mRule, rec.mCost, rec.mAt, ...(why && why.length === rec.mTime.length ? [why] : [])]);
  permute(rowOrder(rec.eTime, rec.eCust), [rec.eTime, rec.eCust, rec.eType, rec.eChannel, rec.eProgram, rec.eSend, rec.eValue]);
}

/**
 * Row indices in (time, customer, row) order. Times are whole minutes of one run and customers places
 * in it: two stable counting sorts, by customer and then by time, give that order in linear time (a
 * comparator sort of a run's million rows took ≈ 0.3 s per table). Other values take the comparator.
 */
export function rowOrder(time: ArrayLike<number>, cust: ArrayLike<number>): Uint32Array {
  const n = time.length, idx = new Uint32Array(n);
  let tMin = Infinity, tMax = -Infinity, cMax = 0, whole = true;
  for (let i = 0; i < n; i++) {
    const t = time[i], c = cust[i];
    if (t !== Math.floor(t) || !(c >= 0) || c !== Math.floor(c)) whole = false;
    if (t < tMin) tMin = t;
    if (t > tMax) tMax = t;
    if (c > cMax) cMax = c;
  }
  if (!whole || tMax - tMin >= 2 ** 24 || cMax >= 2 ** 26) {
    for (let i = 0; i < n; i++) idx[i] = i;
    return idx.sort((a, b) => time[a] - time[b] || cust[a] - cust[b] || a - b);
  }
  const byCustomer = new Uint32Array(n), seen = new Uint32Array(cMax + 2);
  for (let i = 0; i < n; i++) seen[cust[i] + 1]++;
  for (let c = 1; c < seen.length; c++) seen[c] += seen[c - 1];
  for (let i = 0; i < n; i++) byCustomer[seen[cust[i]]++] = i;
  const at = new Uint32Array(n ? tMax - tMin + 2 : 1);
  for (let i = 0; i < n; i++) at[time[i] - tMin + 1]++;
  for (let t = 1; t < at.length; t++) at[t] += at[t - 1];
  for (let k = 0; k < n; k++) {
    const i = byCustomer[k];
    idx[at[time[i] - tMin]++] = i;
  }
  return idx;
}

/**
 * Row i of every column becomes its row idx[i], in place, one cycle of the permutation at a time: no
 * copy of the columns (a million rows each, and memory touched for the first time is slow here).
 */
function permute(idx: Uint32Array, columns: unknown[][]): void {
  const done = new Uint8Array(idx.length);
  for (let s = 0; s < idx.length; s++) {
    if (done[s]) continue;
    for (const col of columns) {
      const first = col[s];
      let j = s;
      for (let k = idx[j]; k !== s; j = k, k = idx[k]) col[j] = col[k];
      col[j] = first;
    }
    for (let j = s; !done[j]; j = idx[j]) done[j] = 1;
  }
}
