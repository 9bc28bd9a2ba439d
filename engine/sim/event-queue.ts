/**
 * The simulator's event queue: events live in a struct-of-arrays pool; future days are plain buckets
 * (appending is O(1)); the current day is a binary heap. Order is total and explicit:
 * (time, kind, customer, sequence) — kind ranks are engine/sim/kinds.ts, the sequence is global.
 */
import { DAY } from "../core/time.ts";

export class EventQueue {
  private cap = 1 << 16;
  time = new Int32Array(this.cap);
  kind = new Uint8Array(this.cap);
  cust = new Int32Array(this.cap);
  a = new Int32Array(this.cap); // kind-specific integer (send, journey, days...)
  b = new Float64Array(this.cap); // kind-specific number (value, priority...)
  d = new Int32Array(this.cap); // kind-specific integer (generation, deadline...)
  e = new Int32Array(this.cap); // kind-specific integer (journey instance of a held message)
  private seq = new Float64Array(this.cap);
  // (time − start, kind, customer) packed into one exact integer: most comparisons read one number
  private order = new Float64Array(this.cap);
  private free: number[] = [];
  private used = 0;
  private nextSeq = 0;
  private readonly buckets = new Map<number, number[]>();
  private heap: number[] = [];
  private day: number;
  size = 0;
  pushed = 0;

  constructor(readonly start: number, readonly end: number) {
    this.day = Math.floor(start / DAY);
  }

  /** Queues an event; events at or after `end` are dropped (returns -1). */
  push(time: number, kind: number, cust: number, a = 0, b = 0, d = 0, e = 0): number {
    if (time >= this.end) return -1;
    const id = this.alloc();
    this.time[id] = time, this.kind[id] = kind, this.cust[id] = cust;
    this.a[id] = a, this.b[id] = b, this.d[id] = d, this.e[id] = e, this.seq[id] = this.nextSeq++;
    this.order[id] = ((time - this.start) * 16 + kind) * 33554432 + cust; // < 2^53 for runs up to 10 years and 2^25 customers
    this.size++, this.pushed++;
    const day = Math.floor(time / DAY);
    if (day <= this.day) this.heapPush(id);
    else {
      let bucket = this.buckets.get(day);
      if (!bucket) this.buckets.set(day, bucket = []);
      bucket.push(id);
    }
    return id;
  }

  /** The next event's id in order if it is before `limit`, else -1. Call `release(id)` when done with it. */
  popBefore(limit: number): number {
    for (;;) {
      if (this.heap.length) {
        const top = this.heap[0];
        if (this.time[top] >= limit) return -1;
        const last = this.heap.pop()!;
        if (this.heap.length) {
          this.heap[0] = last;
          this.down(0);
        }
        this.size--;
        return top;
      }
      if (this.size === 0 || (this.day + 1) * DAY >= limit) return -1;
      this.day++;
      const bucket = this.buckets.get(this.day);
      if (bucket) {
        this.buckets.delete(this.day);
        this.heap = bucket;
        for (let i = (bucket.length >> 1) - 1; i >= 0; i--) this.down(i);
      }
    }
  }

  release(id: number): void {
    this.free.push(id);
  }

  private alloc(): number {
    if (this.free.length) return this.free.pop()!;
    if (this.used === this.cap) this.grow();
    return this.used++;
  }

  private grow(): void {
    const cap = this.cap * 2;
    const g = <T extends Int32Array | Uint8Array | Float64Array>(x: T, make: new (n: number) => T): T => {
      const y = new make(cap);
      y.set(x);
      return y;
    };
    this.time = g(this.time, Int32Array), this.kind = g(this.kind, Uint8Array), this.cust = g(this.cust, Int32Array);
    this.a = g(this.a, Int32Array), this.b = g(this.b, Float64Array), this.d = g(this.d, Int32Array);
    this.e = g(this.e, Int32Array);
    this.seq = g(this.seq, Float64Array);
    this.order = g(this.order, Float64Array);
    this.cap = cap;
  }

  private less(x: number, y: number): boolean {
    const ox = this.order[x], oy = this.order[y];
    return ox !== oy ? ox < oy : this.seq[x] < this.seq[y];
  }

  private heapPush(id: number): void {
    const h = this.heap;
    let i = h.push(id) - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i], h[p])) break;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
  }

  private down(i: number): void {
    const h = this.heap, n = h.length;
    for (;;) {
      const l = 2 * i + 1, r = l + 1;
      let m = i;
      if (l < n && this.less(h[l], h[m])) m = l;
      if (r < n && this.less(h[r], h[m])) m = r;
      if (m === i) return;
      [h[i], h[m]] = [h[m], h[i]];
      i = m;
    }
  }
}
