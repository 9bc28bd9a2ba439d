/**
 * The synthetic population: customers with a past (signed up over the last years, some purchases,
 * consents, timezone) and latent traits (purchase rate and dropout in the BG/NBD sense, basket size,
 * channel affinities, fatigue sensitivity), all drawn from seeded per-customer streams.
 */
import { ALL_CONSENTS, CHANNELS } from "../core/channels.ts";
import { CustomerTable, NEVER } from "../core/customer-table.ts";
import { column, fieldViews, layout, PER2, PER4, PER8 } from "../core/record.ts";
import { DAY, WEEK } from "../core/time.ts";
import { MOVE, Streams, TRAITS } from "./random.ts";
import type { WorldModel } from "./world-model.ts";
import type { MoneyLevers } from "./money.ts";
import { checkPopulationOptions } from "./population-arguments.ts";

/**
 * Latent traits the world uses and the decision core never sees, and the customer's random-stream
 * counters: one 128-byte record a customer (two or three cache lines side by side, as the memory falls:
 * engine/core/record.ts), each field a view of `records` read as `traits.fatigue[c * TR8]`;
 * `affinity[c * TR4 + channel]` and `counters[c * TR4 + purpose − 1]` hold several values each.
 */
export interface Traits {
  records: Uint8Array; // TRAIT bytes a customer
  rate: Float64Array; // organic purchases per day while alive
  fatigue: Float64Array; // current fatigue level, decays with the world's half-life
  drop: Float32Array; // P(dropout after each organic purchase)
  spend: Float32Array; // scale of the customer's order values (gamma-gamma ν⁻¹ × shape)
  visitRate: Float32Array; // identified visits per day
  sensitivity: Float32Array; // fatigue added per unit contact weight
  fatigueAt: Int32Array; // time of the last fatigue update
  // the world's memory of messages (engine/sim/world.ts)
  dueAt: Int32Array; // time of the organic purchase already scheduled (0: none)
  cameSend: Int32Array; // send + 1 of the last message that brought the customer to the site (attribution)
  cameUntil: Int32Array; // end of that message's attribution window
  offerSend: Int32Array; // send + 1 of the last opened offer (discount)
  offerUntil: Int32Array; // end of its validity
  alive: Uint8Array; // organic purchasing still going on (BG/NBD "alive")
  absorbed: Uint8Array; // 1: a message pulled that purchase forward; when it comes due it is not made again
  affinity: Float32Array; // a response multiplier per built-in channel
  counters: Uint32Array; // the run's random streams: a counter per purpose (engine/sim/random.ts)
}

/** Bytes a customer's traits take; elements from one customer's value of a field to the next's for fields of 8, 4 and 1 bytes. */
export const TRAIT = 128, TR8 = TRAIT / 8, TR4 = TRAIT / 4, TR1 = TRAIT;

/** The traits' record fields (engine/core/record.ts), all zero for a new customer. */
export const TRAIT_FIELDS = layout({
  rate: { type: Float64Array, at: 0, initial: 0 },
  fatigue: { type: Float64Array, at: 8, initial: 0 },
  drop: { type: Float32Array, at: 16, initial: 0 },
  spend: { type: Float32Array, at: 20, initial: 0 },
  visitRate: { type: Float32Array, at: 24, initial: 0 },
  sensitivity: { type: Float32Array, at: 28, initial: 0 },
  fatigueAt: { type: Int32Array, at: 32, initial: 0 },
  dueAt: { type: Int32Array, at: 36, initial: 0 },
  cameSend: { type: Int32Array, at: 40, initial: 0 },
  cameUntil: { type: Int32Array, at: 44, initial: 0 },
  offerSend: { type: Int32Array, at: 48, initial: 0 },
  offerUntil: { type: Int32Array, at: 52, initial: 0 },
  alive: { type: Uint8Array, at: 56, initial: 0 },
  absorbed: { type: Uint8Array, at: 57, initial: 0 },
  affinity: { type: Float32Array, at: 64, initial: 0, count: CHANNELS.length },
  counters: { type: Uint32Array, at: 96, initial: 0, count: MOVE },
}, TRAIT);

/** The arrays traits keep their customers in (what a copy copies, a shard shares). */
export const TRAIT_STORAGE = ["records"] as const;

export interface Population {
  table: CustomerTable;
  traits: Traits;
  size: number;
  describe: string; // identifies the population in a digest
  /** What a run on it can change when its money passes what is summed exactly (engine/sim/money.ts); the synthetic population's when absent. */
  moneyLevers?: MoneyLevers;
}

export interface PopulationOptions {
  customers: number;
  seed: number;
  start: number; // minutes since epoch
  days: number;
  journeys: number; // journey slots per customer (from the compiled plan)
  world: WorldModel;
  /**
   * Only customers lo … hi−1 of the population (a shard of a run split across workers,
   * engine/parallel/): the same customers with the same draws as in the whole population, at table
   * index i − lo. `rfmCuts` gives the RFM quintile cuts of the whole population from this shard's
   * recency, frequency and monetary values (it exchanges them with the other shards).
   */
  shard?: {
    lo: number;
    hi: number;
    rfmCuts(rec: Float64Array, freq: Float64Array, mon: Float64Array): RfmCuts;
    /** Where this shard's table columns and traits live (memory shared with the coordinator: engine/parallel/shard-storage.ts), all zero. */
    storage?: { table: Record<string, ArrayLike<number>>; traits: Partial<Traits> };
  };
}

/** The four quintile cuts of recency, frequency and monetary value. */
export type RfmCuts = [rec: number[], freq: number[], mon: number[]];

/** @example const pop = syntheticPopulation({ customers: 1000, seed: 1, start, days: 365, journeys: 4, world: DEFAULT_WORLD }) */
export function syntheticPopulation(o: PopulationOptions): Population {
  checkPopulationOptions("syntheticPopulation", o);
  const n = o.customers, w = o.world, lo = o.shard?.lo ?? 0, hi = o.shard?.hi ?? n;
  const storage = o.shard?.storage;
  const table = new CustomerTable(hi - lo, o.journeys, storage && { columns: storage.table, fresh: true }), traits = newTraits(hi - lo, storage?.traits);
  // a draw depends on the customer's key, not on its index; only the TRAITS counters are used here
  const s = new Streams(o.seed, hi - lo, "", TRAITS);
  const width = String(n).length;
  for (let i = lo; i < hi; i++) {
    const c = table.add(`C${String(i + 1).padStart(Math.max(7, width), "0")}`);
    s.open(c, table.key[c * PER4], TRAITS); // every draw below is the customer's next TRAITS draw
    drawCustomer(s, c, table, traits, w, o.start, o.days);
    s.close();
  }
  scoreAndRfm(table, traits, o.start, o.shard?.rfmCuts ?? rfmCuts);
  return { table, traits, size: hi - lo, describe: syntheticDescribe(o) };
}

/** One synthetic customer's traits and past, from the open run of its TRAITS stream (the draw order is the population's identity: keep it). */
function drawCustomer(s: Streams, c: number, table: CustomerTable, traits: Traits, w: WorldModel, start: number, days: number): void {
  const { r, alpha, a, b } = w.purchase;
  const weeklyRate = s.nextGamma(r, 1 / alpha);
  traits.rate[c * TR8] = weeklyRate / 7;
  traits.drop[c * TR4] = s.nextBeta(a, b);
  // gamma-gamma: ν ~ Gamma(q, γ) rate; an order's value ~ Gamma(p, ν) → mean p/ν
  const nu = s.nextGamma(w.spend.q, 1 / w.spend.gamma);
  traits.spend[c * TR4] = w.spend.scale / nu;
  drawWorldTraits(s, c, table, traits, w, start);
  // A past: new signups arrive during the run as prospects; the others signed up earlier and bought.
  if (s.next() < w.newSignupShare) {
    table.signup[c * PER4] = start + Math.floor(s.next() * days * DAY);
    traits.alive[c * TR1] = 1;
    traits.rate[c * TR8] *= w.prospectRateFactor;
    return;
  }
  const signup = start - Math.floor(s.next() * w.tenureYears * 365 * DAY) - 1;
  table.signup[c * PER4] = signup;
  traits.alive[c * TR1] = 1;
  if (s.next() < w.prospectShare) {
    traits.rate[c * TR8] *= w.prospectRateFactor;
    return;
  }
  // BG/NBD past: a first purchase at signup, then exponential gaps, dropping out after each purchase.
  let t = signup, orders = 0, revenue = 0, last = NEVER;
  while (t < start) {
    orders++, revenue += s.nextGamma(w.spend.p, traits.spend[c * TR4]);
    last = t;
    if (s.next() < traits.drop[c * TR4]) {
      traits.alive[c * TR1] = 0;
      break;
    }
    // rate is per day and the clock counts minutes: the gap is drawn in days, then converted
    t += Math.max(1, Math.round((-Math.log(s.next()) / Math.max(traits.rate[c * TR8], 1e-9)) * DAY));
  }
  table.orders[c * PER4] = orders, table.revenue[c * PER8] = Math.round(revenue * 100) / 100, table.lastPurchase[c * PER4] = last;
}

/** What identifies a synthetic population (in a digest, a baseline's cache key), without drawing it. */
export function syntheticDescribe(o: Pick<PopulationOptions, "customers" | "seed" | "start" | "days" | "world">): string {
  return `synthetic:${o.customers}:${o.seed}:${o.start}:${o.days}:${JSON.stringify(o.world)}`;
}

/** Empty traits for n customers; `given`: arrays to use for TRAIT_STORAGE (all zero, or used as they are: engine/parallel/shard-storage.ts). */
export function newTraits(n: number, given: Partial<Pick<Traits, typeof TRAIT_STORAGE[number]>> = {}): Traits {
  const records = given.records ?? new Uint8Array(n * TRAIT);
  return { records, ...fieldViews(records, TRAIT_FIELDS, TRAIT) } as Traits;
}

/**
 * Trait `name` of customers 0 … n−1, as a plain array (reports, tests: not for a hot loop).
 * @example const { population } = runPlan(plan, { customers: 1000 }).run; traitColumn(population.traits, "fatigue", population.size) // each customer's fatigue at the run's end
 */
export function traitColumn(traits: Traits, name: keyof typeof TRAIT_FIELDS, n: number): number[] {
  return column(traits[name], TRAIT_FIELDS[name], n, TRAIT);
}

/** `traits` with its record fields made views of its `records` again (after they were replaced). */
export function bindTraits(traits: Traits): Traits {
  return Object.assign(traits, fieldViews(traits.records, TRAIT_FIELDS, TRAIT));
}

/**
 * The traits every population takes from the world's priors, drawn from the customer's TRAITS stream
 * after the purchase traits (rate must be set): visit rate, channel affinities, fatigue sensitivity,
 * consents, timezone, birthday and communication limit, from the open run of the customer's TRAITS
 * draws (`Streams.open`). Shared by the synthetic and historical populations; the draw order is part of the synthetic population's identity (golden runs): keep it.
 */
export function drawWorldTraits(s: Streams, c: number, table: CustomerTable, traits: Traits, w: WorldModel, start: number): void {
  // s: the open run of the customer's TRAITS stream (Streams.open)
  traits.visitRate[c * TR4] = traits.rate[c * TR8] * w.visitsPerPurchase + w.baseVisitsPerWeek / 7;
  for (let ch = 0; ch < CHANNELS.length; ch++) {
    traits.affinity[c * TR4 + ch] = Math.exp(w.affinitySigma * s.nextNormal() - w.affinitySigma ** 2 / 2);
  }
  traits.sensitivity[c * TR4] = Math.exp(w.sensitivitySigma * s.nextNormal() - w.sensitivitySigma ** 2 / 2);
  let consent = 0;
  for (let ch = 0; ch < CHANNELS.length; ch++) if (s.next() < w.consents[ch]) consent |= 1 << ch;
  table.consent[c * PER2] = table.consent0[c] = consent & ALL_CONSENTS;
  let acc = 0, tz = w.timezones[0][0];
  const z = s.next();
  for (const [off, share] of w.timezones) if (z < (acc += share)) { tz = off; break; }
  table.tz[c * PER2] = tz;
  table.birthday[c * PER2] = s.next() < w.birthdayKnown ? Math.floor(s.next() * 365) : -1;
  table.limit[c * PER4] = 2 + Math.floor(s.next() * 4);
  traits.fatigueAt[c * TR4] = start;
}

/** Propensity score (P(organic purchase within 30 days)) and RFM quintile cells at the start. */
function scoreAndRfm(t: CustomerTable, tr: Traits, now: number, cuts: NonNullable<PopulationOptions["shard"]>["rfmCuts"]): void {
  const n = t.size;
  for (let c = 0; c < n; c++) t.score[c * PER4] = tr.alive[c * TR1] ? 1 - Math.exp(-tr.rate[c * TR8] * 30) : 0;
  const rec = new Float64Array(n), freq = new Float64Array(n), mon = new Float64Array(n);
  for (let c = 0; c < n; c++) {
    rec[c] = t.lastPurchase[c * PER4] === NEVER ? -1e9 : -(now - t.lastPurchase[c * PER4]) / WEEK; // recent = high
    freq[c] = t.orders[c * PER4], mon[c] = t.revenue[c * PER8];
  }
  const [cr, cf, cm] = cuts(rec, freq, mon);
  for (let c = 0; c < n; c++) t.rfm[c * PER2] = quintile(cr, rec[c]) * 100 + quintile(cf, freq[c]) * 10 + quintile(cm, mon[c]);
}

/** 1 + how many of the cuts `v` is above: its quintile, 1 … 5. */
function quintile(cuts: number[], v: number): number {
  let q = 1;
  for (let i = 0; i < cuts.length; i++) if (v > cuts[i]) q++;
  return q;
}

/** The quintile cuts of the whole population's recency, frequency and monetary values. */
export function rfmCuts(rec: Float64Array, freq: Float64Array, mon: Float64Array): RfmCuts {
  return [quintileCuts(rec), quintileCuts(freq), quintileCuts(mon)];
}

/** The four values that cut the whole population's `values` into quintiles. */
export function quintileCuts(values: Float64Array): number[] {
  // the values at places ⌊qn/5⌋ of the sorted array, found by selection (O(n)) instead of a whole sort
  const a = values.slice(), n = values.length, cuts: number[] = [];
  let lo = 0;
  for (const q of [1, 2, 3, 4]) {
    const k = Math.floor((q * n) / 5);
    cuts.push(k < n ? selectNth(a, k, lo, n - 1) : a[k]); // a[n] of an empty array: undefined, as the sort gave
    lo = Math.min(k, n - 1); // everything before k is ≤ a[k]: the next place is at or after it
  }
  return cuts;
}

/** Hoare's quickselect: rearranges a[lo … hi] so that a[k] is the value a sort would put there; returns it. */
function selectNth(a: Float64Array, k: number, lo: number, hi: number): number {
  while (lo < hi) {
    const pivot = a[(lo + hi) >> 1];
    let i = lo, j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const x = a[i];
        a[i++] = a[j], a[j--] = x;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k];
  }
  return a[k];
}
