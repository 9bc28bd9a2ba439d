/**
 * The simulator's event queue: events live in a struct-of-arrays pool. Future days are buckets, the
 * current day's later minutes are buckets too, and the current minute is a small binary heap (tens of
 * events, not the day's tens of thousands: a calendar queue). Order is total and explicit:
 * (time, kind, customer, sequence) — kind ranks are engine/sim/kinds.ts, the sequence is global — so
 * the order of events inside a bucket never matters.
 *
 * Nothing is allocated per event at steady state: a day's bucket is an Int32Array of ids, reused for a
 * later day once spread (growing plain arrays made garbage, a share of the collector's time); the
 * minute buckets are 1,440 arrays kept from day to day; free slots are a list threaded through the pool
 * (`next`). Buckets are arrays rather than linked lists so that a day or a minute is read in sequence:
 * chasing links from slot to slot made every read wait for the one before (slower at a million customers).
 */
import { DAY } from "../core/time.ts";

const NONE = -1;

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
  private next = new Int32Array(this.cap); // a free slot's link to the next free slot
  private freeHead = NONE;
  private used = 0;
  private nextSeq = 0;
  private readonly firstDay: number;
  private readonly dayIds: (Int32Array | undefined)[]; // per day from the first: its bucket's ids
  private readonly dayCount: Int32Array; // how many ids each day's bucket holds
  private readonly spare: Int32Array[] = []; // spread day buckets, for reuse
  private readonly minutes: number[][] = Array.from({ length: DAY }, () => []); // the current day's later minutes
  private minute = -1; // the current minute of the current day (its events are in the heap)
  private heap: number[] = [];
  private day: number;
  size = 0;
  pushed = 0;

  constructor(readonly start: number, readonly end: number) {
    this.day = this.firstDay = Math.floor(start / DAY);
    this.dayCount = new Int32Array(Math.max(0, Math.floor((end - 1) / DAY) - this.firstDay) + 1);
    this.dayIds = Array.from(this.dayCount, () => undefined);
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
    if (day > this.day) {
      const k = day - this.firstDay, n = this.dayCount[k];
      let ids = this.dayIds[k] ?? (this.dayIds[k] = this.spare.pop() ?? new Int32Array(1024));
      if (n === ids.length) {
        const more = new Int32Array(2 * n);
        more.set(ids);
        this.dayIds[k] = ids = more;
      }
      ids[n] = id, this.dayCount[k] = n + 1;
    } else {
      const m = time - this.day * DAY;
      if (m > this.minute) this.minutes[m].push(id);
      else this.heapPush(id); // this minute (or, never in a simulation, the past): ordered now
    }
    return id;
  }

  /** The next event's id in order if it is before `limit`, else -1. Call `release(id)` when done with it. */
  popBefore(limit: number): number {
    for (;;) {
      const h = this.heap;
      if (h.length) {
        const top = h[0];
        if (this.time[top] >= limit) return -1;
        const last = h.pop()!;
        if (h.length) {
          h[0] = last;
          this.down(0);
        }
        this.size--;
        return top;
      }
      if (this.size === 0) return -1;
      // the next minute of this day with events, if it starts before the limit
      const dayStart = this.day * DAY, minutes = this.minutes;
      let m = this.minute + 1;
      while (m < DAY && minutes[m].length === 0) m++;
      if (m < DAY) {
        if (dayStart + m >= limit) return -1;
        this.minute = m;
        const bucket = minutes[m];
        minutes[m] = h; // the empty heap array is reused as that minute's bucket
        this.heap = bucket;
        for (let i = (bucket.length >> 1) - 1; i >= 0; i--) this.down(i);
        continue;
      }
      if (dayStart + DAY >= limit) {
        this.minute = DAY - 1;
        return -1;
      }
      this.day++, this.minute = -1;
      const k = this.day - this.firstDay, ids = this.dayIds[k];
      if (ids) {
        // spread the day's bucket over its minutes
        const start = this.day * DAY, time = this.time, n = this.dayCount[k];
        for (let i = 0; i < n; i++) {
          const id = ids[i], m = time[id] - start;
          minutes[m].push(id);
        }
        this.dayIds[k] = undefined, this.dayCount[k] = 0;
        this.spare.push(ids);
      }
    }
  }

  release(id: number): void {
    this.next[id] = this.freeHead, this.freeHead = id;
  }

  private alloc(): number {
    const id = this.freeHead;
    if (id !== NONE) {
      this.freeHead = this.next[id];
      return id;
    }
    if (this.used === this.cap) this.grow();
    return this.used++;
  }

  private grow(): void {
    const cap = Math.ceil(this.cap * 1.5); // not 2: the pool is a large share of a run's memory, and a last doubling could leave half of it unused
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
    this.next = g(this.next, Int32Array);
    this.cap = cap;
  }

  private heapPush(id: number): void {
    const h = this.heap, order = this.order, seq = this.seq, o = order[id], s = seq[id];
    let i = h.push(id) - 1;
    while (i > 0) {
      const p = (i - 1) >> 1, hp = h[p];
      if (!before(o, s, order[hp], seq[hp])) break;
      h[i] = hp;
      i = p;
    }
    h[i] = id;
  }

  /**
   * Sifts h[i] down. The sifted event's key is read once and the arrays are held in locals: this runs for
   * every event popped. The keys are unique (the sequence breaks every tie), so the order is total.
   */
  private down(i: number): void {
    const h = this.heap, n = h.length, x = h[i], order = this.order, seq = this.seq, ox = order[x], sx = seq[x];
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      let at = l, m = h[l], om = order[m];
      const r = l + 1;
      if (r < n) {
        const hr = h[r], or = order[hr];
        if (before(or, seq[hr], om, seq[m])) at = r, m = hr, om = or;
      }
      if (!before(om, seq[m], ox, sx)) break;
      h[i] = m;
      i = at;
    }
    h[i] = x;
  }
}

/** The queue's order: the packed (time, kind, customer) key, then the sequence number. */
function before(order: number, seq: number, otherOrder: number, otherSeq: number): boolean {
  return order !== otherOrder ? order < otherOrder : seq < otherSeq;
}
