/**
 * The synthetic population: customers with a past (signed up over the last years, some purchases,
 * consents, timezone) and latent traits (purchase rate and dropout in the BG/NBD sense, basket size,
 * channel affinities, fatigue sensitivity), all drawn from seeded per-customer streams.
 */
import { ALL_CONSENTS, CHANNELS } from "../core/channels.ts";
import { CustomerTable, NEVER } from "../core/customer-table.ts";
import { DAY, WEEK } from "../core/time.ts";
import { Streams, TRAITS } from "./random.ts";
import type { WorldModel } from "./world-model.ts";
import type { MoneyLevers } from "./money.ts";
import { checkPopulationOptions } from "./population-arguments.ts";

/** Latent traits the world uses and the decision core never sees. Struct-of-arrays: millions pass. */
export interface Traits {
  rate: Float64Array; // organic purchases per day while alive
  drop: Float32Array; // P(dropout after each organic purchase)
  alive: Uint8Array; // organic purchasing still going on (BG/NBD "alive")
  spend: Float32Array; // scale of the customer's order values (gamma-gamma ν⁻¹ × shape)
  visitRate: Float32Array; // identified visits per day
  affinity: Float32Array; // N × channels response multipliers
  sensitivity: Float32Array; // fatigue added per unit contact weight
  fatigue: Float64Array; // current fatigue level, decays with the world's half-life
  fatigueAt: Int32Array; // time of the last fatigue update
  // the world's memory of messages (engine/sim/world.ts)
  dueAt: Int32Array; // time of the organic purchase already scheduled (0: none)
  absorbed: Uint8Array; // 1: a message pulled that purchase forward; when it comes due it is not made again
  cameSend: Int32Array; // send + 1 of the last message that brought the customer to the site (attribution)
  cameUntil: Int32Array; // end of that message's attribution window
  offerSend: Int32Array; // send + 1 of the last opened offer (discount)
  offerUntil: Int32Array; // end of its validity
}

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
    s.open(c, table.key[c], TRAITS); // every draw below is the customer's next TRAITS draw
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
  traits.rate[c] = weeklyRate / 7;
  traits.drop[c] = s.nextBeta(a, b);
  // gamma-gamma: ν ~ Gamma(q, γ) rate; an order's value ~ Gamma(p, ν) → mean p/ν
  const nu = s.nextGamma(w.spend.q, 1 / w.spend.gamma);
  traits.spend[c] = w.spend.scale / nu;
  drawWorldTraits(s, c, table, traits, w, start);
  // A past: new signups arrive during the run as prospects; the others signed up earlier and bought.
  if (s.next() < w.newSignupShare) {
    table.signup[c] = start + Math.floor(s.next() * days * DAY);
    traits.alive[c] = 1;
    traits.rate[c] *= w.prospectRateFactor;
    return;
  }
  const signup = start - Math.floor(s.next() * w.tenureYears * 365 * DAY) - 1;
  table.signup[c] = signup;
  traits.alive[c] = 1;
  if (s.next() < w.prospectShare) {
    traits.rate[c] *= w.prospectRateFactor;
    return;
  }
  // BG/NBD past: a first purchase at signup, then exponential gaps, dropping out after each purchase.
  let t = signup, orders = 0, revenue = 0, last = NEVER;
  while (t < start) {
    orders++, revenue += s.nextGamma(w.spend.p, traits.spend[c]);
    last = t;
    if (s.next() < traits.drop[c]) {
      traits.alive[c] = 0;
      break;
    }
    // rate is per day and the clock counts minutes: the gap is drawn in days, then converted
    t += Math.max(1, Math.round((-Math.log(s.next()) / Math.max(traits.rate[c], 1e-9)) * DAY));
  }
  table.orders[c] = orders, table.revenue[c] = Math.round(revenue * 100) / 100, table.lastPurchase[c] = last;
}

/** What identifies a synthetic population (in a digest, a baseline's cache key), without drawing it. */
export function syntheticDescribe(o: Pick<PopulationOptions, "customers" | "seed" | "start" | "days" | "world">): string {
  return `synthetic:${o.customers}:${o.seed}:${o.start}:${o.days}:${JSON.stringify(o.world)}`;
}

/** Empty traits for n customers; `given`: arrays to use for some (all zero, or used as they are: engine/parallel/shard-storage.ts). */
export function newTraits(n: number, given: Partial<Traits> = {}): Traits {
  return {
    rate: given.rate ?? new Float64Array(n),
    drop: given.drop ?? new Float32Array(n),
    alive: given.alive ?? new Uint8Array(n),
    spend: given.spend ?? new Float32Array(n),
    visitRate: given.visitRate ?? new Float32Array(n),
    affinity: given.affinity ?? new Float32Array(n * CHANNELS.length),
    sensitivity: given.sensitivity ?? new Float32Array(n),
    fatigue: given.fatigue ?? new Float64Array(n),
    fatigueAt: given.fatigueAt ?? new Int32Array(n),
    dueAt: given.dueAt ?? new Int32Array(n),
    absorbed: given.absorbed ?? new Uint8Array(n),
    cameSend: given.cameSend ?? new Int32Array(n),
    cameUntil: given.cameUntil ?? new Int32Array(n),
    offerSend: given.offerSend ?? new Int32Array(n),
    offerUntil: given.offerUntil ?? new Int32Array(n),
  };
}

/**
 * The traits every population takes from the world's priors, drawn from the customer's TRAITS stream
 * after the purchase traits (rate must be set): visit rate, channel affinities, fatigue sensitivity,
 * consents, timezone, birthday and communication limit, from the open run of the customer's TRAITS
 * draws (`Streams.open`). Shared by the synthetic and historical populations; the draw order is part of the synthetic population's identity (golden runs): keep it.
 */
export function drawWorldTraits(s: Streams, c: number, table: CustomerTable, traits: Traits, w: WorldModel, start: number): void {
  // s: the open run of the customer's TRAITS stream (Streams.open)
  traits.visitRate[c] = traits.rate[c] * w.visitsPerPurchase + w.baseVisitsPerWeek / 7;
  for (let ch = 0; ch < CHANNELS.length; ch++) {
    traits.affinity[c * CHANNELS.length + ch] = Math.exp(w.affinitySigma * s.nextNormal() - w.affinitySigma ** 2 / 2);
  }
  traits.sensitivity[c] = Math.exp(w.sensitivitySigma * s.nextNormal() - w.sensitivitySigma ** 2 / 2);
  let consent = 0;
  for (let ch = 0; ch < CHANNELS.length; ch++) if (s.next() < w.consents[ch]) consent |= 1 << ch;
  table.consent[c] = table.consent0[c] = consent & ALL_CONSENTS;
  let acc = 0, tz = w.timezones[0][0];
  const z = s.next();
  for (const [off, share] of w.timezones) if (z < (acc += share)) { tz = off; break; }
  table.tz[c] = tz;
  table.birthday[c] = s.next() < w.birthdayKnown ? Math.floor(s.next() * 365) : -1;
  table.limit[c] = 2 + Math.floor(s.next() * 4);
  traits.fatigueAt[c] = start;
}

/** Propensity score (P(organic purchase within 30 days)) and RFM quintile cells at the start. */
function scoreAndRfm(t: CustomerTable, tr: Traits, now: number, cuts: NonNullable<PopulationOptions["shard"]>["rfmCuts"]): void {
  const n = t.size;
  for (let c = 0; c < n; c++) t.score[c] = tr.alive[c] ? 1 - Math.exp(-tr.rate[c] * 30) : 0;
  const rec = new Float64Array(n), freq = new Float64Array(n), mon = new Float64Array(n);
  for (let c = 0; c < n; c++) {
    rec[c] = t.lastPurchase[c] === NEVER ? -1e9 : -(now - t.lastPurchase[c]) / WEEK; // recent = high
    freq[c] = t.orders[c], mon[c] = t.revenue[c];
  }
  const [cr, cf, cm] = cuts(rec, freq, mon);
  for (let c = 0; c < n; c++) t.rfm[c] = quintile(cr, rec[c]) * 100 + quintile(cf, freq[c]) * 10 + quintile(cm, mon[c]);
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
