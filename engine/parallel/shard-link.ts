/**
 * What the shards of one run (workers, each simulating a contiguous range of the population's
 * customers: engine/parallel/sharded-run.ts) share: a barrier, and shared memory to exchange what
 * couples customers. They meet at the same points of the run in the same order, every shard doing the
 * same computation on the same exchanged numbers, so every shard reaches the same answer and the answer
 * does not depend on how many shards there are:
 *  - after drawing the population: recency, frequency and value, for the RFM quintiles of everyone;
 *  - at each targeted campaign: the audience's scores, for the best share of everyone (ties: key, place);
 *  - at each day's end: the day's e-mail deliveries and complaints, for the sender reputation. It lags
 *    `reputation.lagDays` days (engine/sim/world-model.ts): a day's end needs every shard's counts of
 *    lagDays − 1 days before, not a barrier, so a shard may run up to lagDays − 1 days ahead of the
 *    others instead of waiting each day for the slowest (docs/performance.md, "Fifth session").
 * The barrier is Atomics.wait on a SharedArrayBuffer (allowed in workers; the drain loop is synchronous).
 */
import { type PickBest, selectBest } from "../core/audience.ts";
import type { CustomerTable } from "../core/customer-table.ts";
import { quintileCuts, type RfmCuts } from "../sim/population.ts";
import { MAX_LAG_DAYS } from "../sim/world-model.ts";
import type { ShardStorage } from "./shard-storage.ts";
import { PER4 } from "../core/record.ts";

/**
 * Days of counts the ring keeps per shard: a shard reads a day lagDays − 1 days back, and may be
 * lagDays − 1 days ahead of the slowest, whose day it reads may be 2·lagDays − 1 days behind the newest written.
 */
const RING = 2 * MAX_LAG_DAYS;

export interface LinkBuffers {
  control: SharedArrayBuffer; // Int32: arrived, generation, aborted
  scratch: SharedArrayBuffer; // Float64 × n: an RFM measure, then a targeted campaign's audience scores
  keys: SharedArrayBuffer; // Uint32 × n: every customer's key
  day: SharedArrayBuffer; // Float64 × RING days × shards × 2: a day's deliveries and complaints per shard
  published: SharedArrayBuffer; // Int32 × shards: the days of counts each shard has written on this link
  /** Where the shards draw their customers, when the run's merge reads them in place (engine/parallel/shard-storage.ts). */
  storage?: ShardStorage;
}

export function newLinkBuffers(shards: number, n: number, storage?: ShardStorage): LinkBuffers {
  return {
    storage,
    control: new SharedArrayBuffer(3 * 4),
    scratch: new SharedArrayBuffer(n * 8),
    keys: new SharedArrayBuffer(n * 4),
    day: new SharedArrayBuffer(RING * shards * 2 * 8),
    published: new SharedArrayBuffer(shards * 4),
  };
}

/** Called by the coordinator when a shard failed: every shard waiting at the barrier throws. */
export function abortLink(b: LinkBuffers): void {
  const ctl = new Int32Array(b.control), published = new Int32Array(b.published);
  Atomics.store(ctl, 2, 1);
  Atomics.notify(ctl, 1);
  for (let s = 0; s < published.length; s++) Atomics.notify(published, s);
}

/**
 * Where a shard's time went besides its own customers' events, milliseconds summed over the link's life:
 * waiting at the barriers (the RFM cuts, each targeted campaign's ranking), waiting for another shard's
 * day of reputation counts, and ranking a targeted campaign's whole audience (every shard ranks all of it).
 */
export interface LinkTimes {
  barrier: number;
  reputation: number;
  ranking: number;
}

export class ShardLink {
  private readonly ctl: Int32Array;
  private readonly scratch: Float64Array;
  private readonly keys: Uint32Array;
  private readonly day: Float64Array;
  private readonly published: Int32Array;
  /** Days of counts this shard has written on this link, over all its runs (every shard writes as many in a run). */
  private days = 0;
  private runStart = 0;
  private lag = 1;
  readonly times: LinkTimes = { barrier: 0, reputation: 0, ranking: 0 };

  constructor(b: LinkBuffers, readonly shard: number, readonly shards: number, readonly lo: number, readonly hi: number, readonly n: number) {
    this.ctl = new Int32Array(b.control);
    this.scratch = new Float64Array(b.scratch);
    this.keys = new Uint32Array(b.keys);
    this.day = new Float64Array(b.day);
    this.published = new Int32Array(b.published);
  }

  /** Waits until every shard has arrived here (a sense-reversing barrier: the last one in lets all go). */
  wait(): void {
    const ctl = this.ctl, generation = Atomics.load(ctl, 1), t0 = performance.now();
    if (Atomics.add(ctl, 0, 1) === this.shards - 1) {
      Atomics.store(ctl, 0, 0);
      Atomics.add(ctl, 1, 1);
      Atomics.notify(ctl, 1);
    } else {
      while (Atomics.load(ctl, 1) === generation && !Atomics.load(ctl, 2)) Atomics.wait(ctl, 1, generation, 1000);
    }
    this.times.barrier += performance.now() - t0;
    if (Atomics.load(ctl, 2)) throw new Error("another shard of this run failed");
  }

  /**
   * This shard's customer keys, read by the targeted campaigns' ranking (after the next barrier); `keys`:
   * the shard's table's key field (a record field: customer c's at c * PER4).
   */
  shareKeys(keys: Uint32Array): void {
    for (let c = 0; c < this.hi - this.lo; c++) this.keys[this.lo + c] = keys[c * PER4];
  }

  /** The whole population's RFM quintile cuts from this shard's values: one measure at a time, in one array of n. */
  rfmCuts = (rec: Float64Array, freq: Float64Array, mon: Float64Array): RfmCuts => {
    const whole = (values: Float64Array) => {
      this.scratch.set(values, this.lo);
      this.wait();
      const cut = quintileCuts(this.scratch);
      this.wait(); // nobody writes the scratch again before everyone has read it
      return cut;
    };
    return [whole(rec), whole(freq), whole(mon)];
  };

  /** A run starts on this link (a pool's workers run many): its reputation lags `lagDays` days (checked by `reputationLag`). */
  startRun = (lagDays: number): void => {
    this.runStart = this.days, this.lag = lagDays;
  };

  /**
   * This shard's deliveries and complaints of the day ending → every shard's, summed (integers: exact in
   * any order), of the day lagDays − 1 days before this one; 0, 0 before the run's first such day.
   * Waits only for shards that have not yet written that day.
   */
  sumDay = (delivered: number, complaints: number): [number, number] => {
    const g = this.days++, S = this.shards, d = this.day, at = (g % RING) * S * 2;
    d[at + 2 * this.shard] = delivered, d[at + 2 * this.shard + 1] = complaints;
    Atomics.store(this.published, this.shard, g + 1); // after the counts: a shard that reads this sees them
    Atomics.notify(this.published, this.shard);
    const want = g - (this.lag - 1);
    if (want < this.runStart) return [0, 0];
    const t0 = performance.now();
    for (let s = 0; s < S; s++) this.waitFor(s, want + 1);
    this.times.reputation += performance.now() - t0;
    const from = (want % RING) * S * 2;
    let a = 0, b = 0;
    for (let s = 0; s < S; s++) a += d[from + 2 * s], b += d[from + 2 * s + 1];
    return [a, b];
  };

  /** Waits until shard s has written `days` days of counts. */
  private waitFor(s: number, days: number): void {
    const published = this.published, ctl = this.ctl;
    for (let seen = Atomics.load(published, s); seen < days; seen = Atomics.load(published, s)) {
      if (Atomics.load(ctl, 2)) throw new Error("another shard of this run failed");
      Atomics.wait(published, s, seen, 1000);
    }
  }

  /**
   * A targeted campaign's best share over every shard: each shard publishes its audience's scores at
   * its customers' places (NaN: not in the audience), then every shard ranks the whole audience as
   * `pickBest` does in one table (score, then key, then place) and keeps its own chosen.
   */
  pickBest: PickBest = (audience: Int32Array, scores: Float64Array, _table: CustomerTable, share: number): Int32Array => {
    const s = this.scratch, n = this.n, lo = this.lo, keys = this.keys; // n = s.length
    s.fill(NaN, lo, this.hi);
    for (let i = 0; i < audience.length; i++) s[lo + audience[i]] = scores[i];
    this.wait();
    const t0 = performance.now();
    let m = 0;
    for (let g = 0; g < n; g++) if (s[g] === s[g]) m++;
    const all = new Int32Array(m);
    for (let g = 0, i = 0; g < n; g++) if (s[g] === s[g]) all[i++] = g;
    const take = Math.ceil(share * m);
    const best = (x: number, y: number): boolean => {
      const a = all[x], b = all[y];
      return s[a] !== s[b] ? s[a] > s[b] : keys[a] !== keys[b] ? keys[a] < keys[b] : a < b;
    };
    const order = new Int32Array(m);
    for (let i = 0; i < m; i++) order[i] = i;
    selectBest(order, take, best);
    const mine: number[] = [];
    for (let i = 0; i < take && i < m; i++) {
      const g = all[order[i]];
      if (g >= lo && g < this.hi) mine.push(g - lo);
    }
    this.times.ranking += performance.now() - t0;
    this.wait(); // nobody overwrites the scores before everyone has ranked them
    return Int32Array.from(mine).sort();
  };
}
