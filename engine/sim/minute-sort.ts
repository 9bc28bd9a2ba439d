/**
 * One minute's events in the queue's order (engine/sim/event-queue.ts). They share a time, so the order
 * is (kind, customer, sequence); and a minute's bucket holds its events in the order they were pushed,
 * so an event's place in the bucket stands for its sequence. Each event's key packs (kind, customer,
 * place) into one exact integer below 2^53 (4, 25 and 24 bits): the keys are plain numbers, sorted with
 * no comparator, and a minute is ordered once instead of through a heap, event by event.
 */
const CUSTOMERS = 33_554_432; // 2^25: customers per run the packed key has room for
const PLACES = 16_777_216; // 2^24: events per minute the packed key has room for
const SMALL = 24; // up to this many events, an insertion sort in place beats the runtime's sort call

/**
 * Writes the first `n` ids of `bucket` to `out` in (kind, customer, place) order. An event's kind and customer are
 * `records[id * stride + kind]` and `records[id * stride + cust]` (the queue's records); `keys` is
 * scratch of at least `bucket.length` numbers. `out` and `keys` belong to the caller, reused from minute to minute.
 */
export function sortMinute(
  bucket: Int32Array,
  records: Int32Array,
  stride: number,
  kind: number,
  cust: number,
  keys: Float64Array,
  out: Int32Array,
  n = bucket.length,
): void {
  if (n >= PLACES) return sortLarge(bucket, records, stride, kind, cust, out, n);
  for (let i = 0; i < n; i++) {
    const at = bucket[i] * stride, c = records[at + cust];
    // a population past the key's room (2^25 customers) takes the comparator sort
    if (c >= CUSTOMERS) return sortLarge(bucket, records, stride, kind, cust, out, n);
    keys[i] = (records[at + kind] * CUSTOMERS + c) * PLACES + i;
  }
  if (n <= SMALL) {
    for (let i = 1; i < n; i++) {
      const k = keys[i];
      let j = i - 1;
      for (; j >= 0 && keys[j] > k; j--) keys[j + 1] = keys[j];
      keys[j + 1] = k;
    }
  } else keys.subarray(0, n).sort();
  for (let i = 0; i < n; i++) {
    const k = keys[i];
    out[i] = bucket[k - Math.floor(k / PLACES) * PLACES];
  }
}

/** A minute of 2^24 events or more, or of customers past 2^25 (no run has either yet): a stable sort by (kind, customer) keeps the pushed order of ties. */
export function sortLarge(bucket: Int32Array, records: Int32Array, stride: number, kind: number, cust: number, out: Int32Array, n = bucket.length): void {
  const field = (id: number, f: number) => records[id * stride + f];
  out.set(Array.from(bucket.subarray(0, n)).sort((x, y) => field(x, kind) - field(y, kind) || field(x, cust) - field(y, cust)));
}
