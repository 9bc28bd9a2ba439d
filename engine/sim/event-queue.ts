/**
 * The simulator's event queue: events live in a pool of records (below). Future days are buckets, the
 * current day's later minutes are buckets too, and the current minute is its bucket sorted once when
 * the minute starts (engine/sim/minute-sort.ts), read in order, plus a small heap for the events pushed
 * into the current minute while it is drained (a calendar queue). Order is total and explicit:
 * (time, kind, customer, sequence) — kind ranks are engine/sim/kinds.ts, the sequence is the order of
 * pushes, which a bucket keeps: an event's place in its minute's bucket stands for its sequence.
 *
 * An event is one 32-byte record (`SLOT` integers: time, kind, customer, a, d, e; then b, a float64, in
 * the last 8 bytes): popping an event pushed hours or days earlier reads one cache line, not one per
 * field, which matters at a million customers, where the pool is far beyond the CPU caches.
 *
 * Nothing is allocated per event at steady state: a day's bucket is an Int32Array of ids, reused for a
 * later day once spread (growing plain arrays made garbage, a share of the collector's time); a day is
 * spread over its minutes by a counting sort into one array, and events pushed during the day for its
 * later minutes are chained in a log (1,440 arrays a lane cost two reads of cold memory a push); free
 * slots are a stack of ids apart, the last released reused first (a list threaded through the records
 * read a cold record to take a slot: docs/performance.md, "Thirteenth session"). Buckets are arrays
 * rather than linked lists through the pool so that a day or a minute is read in sequence: chasing links
 * from slot to slot made every read wait for the one before (slower at a million customers); the day's
 * log chains through a few kilobytes the lane has in cache.
 */
import { DAY } from "../core/time.ts";
import { sortMinute } from "./minute-sort.ts";

// a record's fields, as Int32Array offsets; b is the Float64Array element 3 of the record (bytes 24–31)
const SLOT = 8, TIME = 0, KIND = 1, CUST = 2, A = 3, D = 4, E = 5, B = 3;

/**
 * Reads what the events `ids[from … to−1]` will read, before they run: a hook of the driver, which knows
 * where its customers' state is (engine/sim/prefetch.ts). Event `id`'s record is `ints[id * EVENT_SLOT …]`:
 * its kind at EVENT_KIND, its customer at EVENT_CUST, its `a` at EVENT_A.
 */
export type Prefetch = (ints: Int32Array, ids: Int32Array, from: number, to: number) => void;
export const EVENT_SLOT = SLOT, EVENT_KIND = KIND, EVENT_CUST = CUST, EVENT_A = A;

/**
 * Spread day buckets kept for reuse: at most SPARES, of at most SPARE_MAX ids; others are left to the
 * collector. The first days' buckets grow large (every customer's first events are queued at the start),
 * and most days already have a bucket when they come near (an event pushed months ahead made it): kept
 * and reused without bounds, they held 134 MiB at 1,000,000 customers where the days need ≈ 10
 * (docs/performance.md, "Fourteenth session").
 */
const SPARES = 4, SPARE_MAX = 4096;
/** A new day bucket's room, in ids: a day far ahead (a birthday, an inactivity check) holds a few; a near one grows by doubling. */
const FIRST_BUCKET = 128;

/** Events of a day read ahead of the one that runs (engine/sim/prefetch.ts): 64 to 1,024 measured alike at a million customers. */
export const AHEAD = 256;

export class EventQueue {
  private cap: number;
  private ints: Int32Array; // the records, SLOT integers each
  private nums: Float64Array; // the same memory, for b
  private free: Int32Array; // released slots, a stack: the last released is reused first
  private freeCount = 0;
  private used = 0;
  private readonly firstDay: number;
  private readonly dayIds: (Int32Array | undefined)[]; // per day from the first: its bucket's ids
  private readonly dayCount: Int32Array; // how many ids each day's bucket holds
  private readonly spare: Int32Array[] = []; // spread day buckets, for reuse
  // The current day's events pushed before it began, in minute order (a counting sort of its bucket when
  // the day begins, pushed order kept within a minute): minute m's are spread[spreadAt[m] … spreadAt[m + 1]).
  // One array read in sequence, where a bucket per minute made two scattered reads of cold memory per event.
  private spread = new Int32Array(1024);
  private readonly spreadAt = new Int32Array(DAY + 1);
  private minuteOf = new Int32Array(1024); // scratch: each bucket id's minute, read once from its record
  // Events pushed during the current day into its later minutes, after the minute's spread ones: a log in
  // push order, each minute's entries chained from lateHead[m] through lateNext (-1 ends a chain), and
  // lateCount[m] of them. A chain is read in a few kilobytes the lane has in cache; an array per minute
  // (1,440 a lane) cost two reads of cold memory per push, its header and its elements.
  private lateIds = new Int32Array(1024);
  private lateNext = new Int32Array(1024);
  private lateLength = 0;
  private readonly lateHead = new Int32Array(DAY).fill(-1);
  private readonly lateTail = new Int32Array(DAY);
  private readonly lateCount = new Int32Array(DAY);
  private readonly filled = new Int32Array(DAY / 32); // a bit per minute holding events (spread or pushed): found without reading 1,440 arrays
  private minute = -1; // the current minute of the current day (its bucket is in `sorted`)
  private sorted = new Int32Array(1024); // the current minute's ids in order, read from `at` to `count`
  private keys = new Float64Array(1024); // sortMinute's scratch
  private input = new Int32Array(1024); // the minute's ids as pushed, sortMinute's input
  private at = 0;
  private count = 0;
  // Events pushed into the current minute (or, never in a simulation, the past) after it was sorted: a
  // heap of ids with their packed (time − start, kind, customer) keys and their sequence numbers. They
  // were all pushed after every event of `sorted`, so on equal keys `sorted` goes first.
  private heap: number[] = [];
  private heapKey: number[] = [];
  private heapSeq: number[] = [];
  private nextSeq = 0;
  private day: number;
  size = 0;
  pushed = 0;
  /** Called with the day's events a window ahead of the one that runs (`AHEAD`): none by default. */
  prefetch: Prefetch | null = null;
  private spreadCount = 0; // events in `spread`
  private prefetched = 0; // `spread`'s events handed to `prefetch` so far

  /**
   * `capacity`: the slots to allocate up front, e.g. a few per customer (engine/sim/simulate.ts); the
   * pool grows past it when needed, but each growth copies it.
   */
  constructor(readonly start: number, readonly end: number, capacity = 1 << 16) {
    this.day = this.firstDay = Math.floor(start / DAY);
    this.dayCount = new Int32Array(Math.max(0, Math.floor((end - 1) / DAY) - this.firstDay) + 1);
    this.dayIds = Array.from(this.dayCount, () => undefined);
    this.cap = Math.max(1024, Math.ceil(capacity));
    this.ints = new Int32Array(this.cap * SLOT);
    this.nums = new Float64Array(this.ints.buffer);
    this.free = new Int32Array(this.cap);
  }

  // an event's fields, by id (valid from push until release)
  time(id: number): number {
    return this.ints[id * SLOT + TIME];
  }
  kind(id: number): number {
    return this.ints[id * SLOT + KIND];
  }
  cust(id: number): number {
    return this.ints[id * SLOT + CUST];
  }
  /** Kind-specific integer (send, journey, days...). */
  a(id: number): number {
    return this.ints[id * SLOT + A];
  }
  /** Kind-specific number (value, priority...). */
  b(id: number): number {
    return this.nums[id * (SLOT / 2) + B];
  }
  /** Kind-specific integer (generation, deadline...). */
  d(id: number): number {
    return this.ints[id * SLOT + D];
  }
  /** Kind-specific integer (journey instance of a held message). */
  e(id: number): number {
    return this.ints[id * SLOT + E];
  }

  /** Queues an event; events at or after `end` are dropped (returns -1). */
  push(time: number, kind: number, cust: number, a = 0, b = 0, d = 0, e = 0): number {
    if (time >= this.end) return -1;
    const id = this.alloc(), ints = this.ints, at = id * SLOT;
    ints[at + TIME] = time, ints[at + KIND] = kind, ints[at + CUST] = cust;
    ints[at + A] = a, ints[at + D] = d, ints[at + E] = e, this.nums[id * (SLOT / 2) + B] = b;
    this.size++, this.pushed++;
    const day = Math.floor(time / DAY);
    if (day > this.day) {
      const k = day - this.firstDay, n = this.dayCount[k];
      let ids = this.dayIds[k] ?? (this.dayIds[k] = this.spare.pop() ?? new Int32Array(FIRST_BUCKET));
      if (n === ids.length) {
        const more = new Int32Array(2 * n);
        more.set(ids);
        this.dayIds[k] = ids = more;
      }
      ids[n] = id, this.dayCount[k] = n + 1;
    } else {
      const m = time - this.day * DAY;
      if (m > this.minute) this.toMinute(m, id);
      else this.heapPush(id); // this minute (or, never in a simulation, the past): ordered now
    }
    return id;
  }

  /** The next event's id in order if it is before `limit`, else -1. Call `release(id)` when done with it. */
  popBefore(limit: number): number {
    for (;;) {
      const late = this.heap.length > 0;
      if (this.at < this.count) {
        const id = this.sorted[this.at];
        if (!late || this.heapKey[0] >= this.packed(id)) {
          if (this.ints[id * SLOT + TIME] >= limit) return -1;
          this.at++, this.size--;
          return id;
        }
      }
      if (late) {
        const top = this.heap[0];
        if (this.ints[top * SLOT + TIME] >= limit) return -1;
        this.heapPop();
        this.size--;
        return top;
      }
      if (this.size === 0) return -1;
      // the next minute of this day with events, if it starts before the limit
      const dayStart = this.day * DAY;
      const m = this.nextFilled(this.minute + 1);
      if (m < DAY) {
        if (dayStart + m >= limit) return -1;
        this.minute = m;
        this.sortBucket(m);
        this.filled[m >> 5] &= ~(1 << (m & 31));
        continue;
      }
      if (dayStart + DAY >= limit) {
        this.minute = DAY - 1;
        return -1;
      }
      this.day++, this.minute = -1, this.lateLength = 0; // every chain of the day before was read
      this.spreadCount = 0, this.prefetched = 0;
      const k = this.day - this.firstDay, ids = this.dayIds[k];
      this.spreadAt.fill(0);
      if (ids) {
        this.spreadDay(ids, this.dayCount[k]);
        this.dayIds[k] = undefined, this.dayCount[k] = 0;
        if (ids.length <= SPARE_MAX && this.spare.length < SPARES) this.spare.push(ids);
      }
    }
  }

  /** The day's bucket (its first n ids) into `spread` in minute order, by counting: pushed order kept within a minute. */
  private spreadDay(ids: Int32Array, n: number): void {
    if (n > this.spread.length) this.spread = new Int32Array(2 * n), this.minuteOf = new Int32Array(2 * n);
    const start = this.day * DAY, ints = this.ints, at = this.spreadAt, minuteOf = this.minuteOf, spread = this.spread;
    for (let i = 0; i < n; i++) {
      const m = ints[ids[i] * SLOT + TIME] - start;
      minuteOf[i] = m, at[m + 1]++;
    }
    for (let m = 0; m < DAY; m++) {
      if (at[m + 1] > 0) this.filled[m >> 5] |= 1 << (m & 31);
      at[m + 1] += at[m];
    }
    // place each id at its minute's next free place; `at[m]` runs to the minute's end, then is set back
    for (let i = 0; i < n; i++) spread[at[minuteOf[i]]++] = ids[i];
    for (let m = DAY; m > 0; m--) at[m] = at[m - 1];
    at[0] = 0;
    this.spreadCount = n;
  }

  private toMinute(m: number, id: number): void {
    const i = this.lateLength++;
    if (i === this.lateIds.length) {
      const ids = new Int32Array(2 * i), next = new Int32Array(2 * i);
      ids.set(this.lateIds), next.set(this.lateNext);
      this.lateIds = ids, this.lateNext = next;
    }
    this.lateIds[i] = id, this.lateNext[i] = -1;
    if (this.lateCount[m]++ === 0) this.lateHead[m] = i;
    else this.lateNext[this.lateTail[m]] = i;
    this.lateTail[m] = i, this.filled[m >> 5] |= 1 << (m & 31);
  }

  /** The first minute at or after `from` whose bucket holds events, or DAY. */
  private nextFilled(from: number): number {
    const filled = this.filled;
    for (let w = from >> 5; w < filled.length; w++) {
      const bits = w === from >> 5 ? filled[w] & (-1 << (from & 31)) : filled[w];
      if (bits !== 0) return (w << 5) + 31 - Math.clz32(bits & -bits);
    }
    return DAY;
  }

  /** The room its day buckets and their spares hold, in ids (a test's view of the queue's memory). */
  bucketRoom(): number {
    let n = 0;
    for (const ids of this.dayIds) n += ids?.length ?? 0;
    for (const ids of this.spare) n += ids.length;
    return n;
  }

  release(id: number): void {
    this.free[this.freeCount++] = id;
  }

  /**
   * Orders minute m's events into `sorted` (engine/sim/minute-sort.ts): its spread ones, then those pushed
   * during the day (its late chain, in push order); the scratch grown to fit. The minute's chain is emptied.
   */
  private sortBucket(m: number): void {
    const from = this.spreadAt[m], spread = this.spreadAt[m + 1] - from, late = this.lateCount[m], n = spread + late;
    this.at = 0, this.count = n, this.lateCount[m] = 0;
    // the day's events up to AHEAD past this minute's end handed to `prefetch` whenever fewer than AHEAD / 2
    // are left ahead: their customers' records fetched by one loop of independent reads, not one wait each
    const ahead = this.spreadAt[m + 1] + (AHEAD >> 1);
    if (this.prefetch && this.prefetched < this.spreadCount && this.prefetched < ahead) {
      const to = Math.min(this.spreadCount, ahead + (AHEAD >> 1));
      this.prefetch(this.ints, this.spread, this.prefetched, to);
      this.prefetched = to;
    }
    if (n > this.sorted.length) {
      const size = Math.max(n, 2 * this.sorted.length);
      this.sorted = new Int32Array(size), this.keys = new Float64Array(size), this.input = new Int32Array(size);
    }
    if (n === 1) return void (this.sorted[0] = spread ? this.spread[from] : this.lateIds[this.lateHead[m]]); // most minutes of a lane hold one event
    const input = this.input, ids = this.lateIds, next = this.lateNext;
    input.set(this.spread.subarray(from, from + spread));
    for (let i = spread, at = late ? this.lateHead[m] : -1; at >= 0; at = next[at]) input[i++] = ids[at];
    sortMinute(input, this.ints, SLOT, KIND, CUST, this.keys, this.sorted, n);
  }

  /** (time − start, kind, customer) packed into one exact integer (< 2^53 for runs up to 10 years and 2^25 customers). */
  private packed(id: number): number {
    const at = id * SLOT;
    return ((this.ints[at + TIME] - this.start) * 16 + this.ints[at + KIND]) * 33554432 + this.ints[at + CUST];
  }

  private alloc(): number {
    if (this.freeCount > 0) return this.free[--this.freeCount];
    if (this.used === this.cap) this.grow();
    return this.used++;
  }

  private grow(): void {
    const cap = Math.ceil(this.cap * 1.5); // not 2: the pool is a large share of a run's memory, and a last doubling could leave half of it unused
    const ints = new Int32Array(cap * SLOT);
    ints.set(this.ints);
    const free = new Int32Array(cap);
    free.set(this.free);
    this.ints = ints, this.nums = new Float64Array(ints.buffer), this.free = free, this.cap = cap;
  }

  // --- the heap of late pushes: ordered by (packed key, sequence); the keys are unique ------------
  private heapPush(id: number): void {
    const h = this.heap, hk = this.heapKey, hs = this.heapSeq, k = this.packed(id), s = this.nextSeq++;
    let i = h.length;
    h.push(id), hk.push(k), hs.push(s);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(k, s, hk[p], hs[p])) break;
      h[i] = h[p], hk[i] = hk[p], hs[i] = hs[p];
      i = p;
    }
    h[i] = id, hk[i] = k, hs[i] = s;
  }

  private heapPop(): void {
    const h = this.heap, hk = this.heapKey, hs = this.heapSeq;
    const x = h.pop()!, kx = hk.pop()!, sx = hs.pop()!, n = h.length;
    if (n === 0) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1, at = r < n && before(hk[r], hs[r], hk[l], hs[l]) ? r : l;
      if (!before(hk[at], hs[at], kx, sx)) break;
      h[i] = h[at], hk[i] = hk[at], hs[i] = hs[at];
      i = at;
    }
    h[i] = x, hk[i] = kx, hs[i] = sx;
  }
}

/** The heap's order: the packed (time, kind, customer) key, then the sequence number. */
function before(order: number, seq: number, otherOrder: number, otherSeq: number): boolean {
  return order !== otherOrder ? order < otherOrder : seq < otherSeq;
}
