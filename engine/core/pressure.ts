/**
 * Pressure rules at run time: caps, spacing and weighted pressure over a customer's contact ledger, in
 * the decision core. Semantics (docs/pressure-rules.md): a candidate passes a rule when the contacts it
 * counts — those sent (time ≤ now) and those pending (time > now) of higher priority, or of equal
 * priority and no later — stay under the limit. Re-checked at each contact's own send time, this
 * guarantees that no window or bucket ever holds more than the cap, no spacing is violated and the
 * weighted sum never exceeds its threshold.
 *
 * Only the compiled form lives here; validation and compilation of the `pressure:` section is in
 * engine/plan/pressure-rules.ts, so the core imports nothing outside engine/core/.
 */
import type { Contact } from "./ledger.ts";
import { isSent, L_CATEGORY, L_CHANNEL, L_PRIORITY, L_PROGRAM, STRIDE } from "./ledger.ts";
import { DAY, type Minutes } from "./time.ts";

type Value = number | string | boolean | null;

export interface PressureEnv<C> {
  ctx: C;
  tzOffset: number; // the customer's UTC offset, minutes
  setMessage(program: number, channel: number, category: number): void;
  /** An expression's value was unusable and a fallback was used: counted by the driver (engine/core/coercions.ts). */
  coerced?(rule: string, what: string): void;
}

/** Which messages a rule counts or applies to: bitmasks per channel and category, a flag per program. */
export interface Filter {
  channels: number;
  categories: number;
  programs: Uint8Array | null; // null = every program
}

export const CALENDARS = ["day", "week", "month", "quarter"] as const;
export type Calendar = typeof CALENDARS[number];

export type Decay =
  | { kind: "halfLife"; halfLife: Minutes }
  | { kind: "linear"; horizon: Minutes }
  | { kind: "bands"; bands: [Minutes, number][] };

export interface CompiledRule<C> {
  name: string;
  kind: "cap" | "spacing" | "weighted";
  counts: Filter;
  applies: Filter;
  threshold: number | ((ctx: C) => Value);
  window: Minutes; // rolling window (0 = none)
  calendar: Calendar | null;
  timezone: number | null; // null = the customer's
  lookahead: boolean;
  spacing: Minutes;
  channelWeights: Float64Array;
  categoryWeights: Float64Array;
  weight: ((ctx: C) => Value) | null;
  decay: Decay;
}

export interface CompiledPressure<C> {
  rules: CompiledRule<C>[];
  exempt: Filter | null;
}

export interface Verdict {
  ok: boolean;
  rule: number; // index of the blocking rule, -1 when ok
  retryAt: number; // earliest time the blocking rule could let the message through (Infinity: never)
}

export function matches(f: Filter, program: number, channel: number, category: number): boolean {
  return (f.channels & (1 << channel)) !== 0 && (f.categories & (1 << category)) !== 0 &&
    (f.programs === null || f.programs[program] === 1);
}

/**
 * A half-life decay is 0 from this many half-lives on (under 0.1 % of the weight): the ledger forgets
 * contacts past the longest rule's horizon (`pressureHorizon`), and a contact must not weigh 2^-12 when
 * another rule's 30-day window keeps it and nothing when none does (found by the audit of whole runs,
 * test/core/decay-horizon.test.ts).
 */
export const HALF_LIVES = 10;

export function decayAt(d: Decay, age: Minutes): number {
  if (age < 0) return 1; // a pending contact weighs fully
  switch (d.kind) {
    case "halfLife": {
      if (age >= HALF_LIVES * d.halfLife) return 0;
      // halved once per whole half-life (exact: a power of two), the rest within one: a table of one
      // half-life then gives these numbers (decayTable), small enough to stay in the CPU's cache
      const q = Math.floor(age / d.halfLife);
      return Math.pow(0.5, (age - q * d.halfLife) / d.halfLife) * Math.pow(2, -q);
    }
    case "linear":
      return age >= d.horizon ? 0 : 1 - age / d.horizon;
    case "bands":
      for (const [limit, f] of d.bands) if (age < limit) return f;
      return 0;
  }
}

// decayAt per whole minute of age, computed once per decay: a weighted rule's retry search reads it ~20
// times per counted contact, and Math.pow was a tenth of a capped plan's pressure time.
// Kept by the decay object (read per check), and by its numbers: a tuner compiles a variant per slider
// move with the same decay, whose table is then not built again
const decayTables = new WeakMap<Decay, Float64Array>(), byNumbers = new Map<string, Float64Array>();
const MAX_DECAY_TABLE = 1 << 20; // minutes (~2 years, 8 MiB); older ages are computed
// 2^-q, as decayAt has it; from HALF_LIVES half-lives on decayAt gives 0
const HALVINGS = HALF_LIVES, HALF = Float64Array.from({ length: HALVINGS }, (_, q) => Math.pow(2, -q));

/**
 * decayAt(d, age) for whole minutes of age, read by `decayed`. A half-life in whole minutes: one
 * half-life of them (7 days: 80 KiB, where a table of every age the retry search reads was 1.6 MiB and
 * its reads missed the cache); another decay: every minute in [0, 2 × horizon + 2 days] (the retry
 * search reads up to a horizon past the send time, of contacts up to a horizon before the decision).
 */
export function decayTable(d: Decay): Float64Array {
  let table = decayTables.get(d);
  if (table) return table;
  const key = JSON.stringify(d);
  table = byNumbers.get(key);
  if (!table) {
    const size = d.kind === "halfLife" ? (Number.isInteger(d.halfLife) ? d.halfLife : 0) : Math.ceil(2 * decayHorizon(d) + 2 * DAY) + 1;
    table = new Float64Array(Math.min(MAX_DECAY_TABLE, Math.max(0, size)));
    for (let age = 0; age < table.length; age++) table[age] = decayAt(d, age);
    if (byNumbers.size >= 16) byNumbers.delete(byNumbers.keys().next().value!); // a few MiB each at most
    byNumbers.set(key, table);
  }
  decayTables.set(d, table);
  return table;
}

/** decayAt(decay, age), read from the decay's table (`decayTable`) for a whole minute within it: always, in a simulation. */
export function decayed(decay: Decay, table: Float64Array, age: Minutes): number {
  if (age < 0 || age !== Math.floor(age)) return decayAt(decay, age);
  if (decay.kind !== "halfLife") return age < table.length ? table[age] : decayAt(decay, age);
  const h = table.length, q = Math.floor(age / h);
  return h === decay.halfLife && q < HALVINGS ? table[age - q * h] * HALF[q] : decayAt(decay, age);
}

function decayHorizon(d: Decay): Minutes {
  return d.kind === "halfLife" ? HALF_LIVES * d.halfLife : d.kind === "linear" ? d.horizon : d.bands[d.bands.length - 1]?.[0] ?? 0;
}

/** How far back the ledger must remember contacts for these rules. */
export function pressureHorizon<C>(p: CompiledPressure<C>): Minutes {
  let h = 0;
  for (const r of p.rules) {
    h = Math.max(h, r.window, r.spacing, r.calendar ? (r.calendar === "quarter" ? 92 : r.calendar === "month" ? 31 : r.calendar === "week" ? 7 : 1) * DAY : 0);
    if (r.kind === "weighted") h = Math.max(h, decayHorizon(r.decay));
  }
  return h;
}

// The bucket setBucket() found last: evaluate() reads it without allocating a pair per check.
let bucketStart = 0, bucketEnd = 0;

/** Sets bucketStart and bucketEnd to [start, end) of the calendar bucket holding t, for a UTC offset. */
function setBucket(cal: Calendar, t: Minutes, tz: number): void {
  const local = t + tz;
  const day = Math.floor(local / DAY);
  switch (cal) {
    case "day":
      bucketStart = day * DAY - tz, bucketEnd = (day + 1) * DAY - tz;
      return;
    case "week": {
      const monday = day - ((day + 3) % 7); // 1970-01-01 was a Thursday
      bucketStart = monday * DAY - tz, bucketEnd = (monday + 7) * DAY - tz;
      return;
    }
    default: {
      const d = new Date(local * 60000);
      const months = cal === "month" ? 1 : 3;
      const m = cal === "month" ? d.getUTCMonth() : d.getUTCMonth() - (d.getUTCMonth() % 3);
      const start = Date.UTC(d.getUTCFullYear(), m, 1) / 60000, end = Date.UTC(d.getUTCFullYear(), m + months, 1) / 60000;
      bucketStart = start - tz, bucketEnd = end - tz;
    }
  }
}

/** [start, end) of the calendar bucket holding t, for a UTC offset. */
export function bucket(cal: Calendar, t: Minutes, tz: number): [Minutes, Minutes] {
  setBucket(cal, t, tz);
  return [bucketStart, bucketEnd];
}

const PASS: Verdict = { ok: true, rule: -1, retryAt: 0 };

/**
 * Checks a candidate contact against every rule in order; the first rule that blocks decides.
 * @example checkPressure(plan.pressure, ledger, { time, program, channel, category, priority }, now, env)
 */
export function checkPressure<C>(p: CompiledPressure<C>, ledger: number[], cand: Contact, now: Minutes, env: PressureEnv<C>): Verdict {
  if (p.rules.length === 0) return PASS;
  if (p.exempt && matches(p.exempt, cand.program, cand.channel, cand.category)) return PASS;
  reserve(ledger); // the rules' scratch arrays hold every entry (exactRetry's evaluations read the same ledger)
  for (let k = 0; k < p.rules.length; k++) {
    const rule = p.rules[k];
    if (!matches(rule.applies, cand.program, cand.channel, cand.category)) continue;
    const retryAt = evaluate(rule, ledger, cand, now, env);
    if (retryAt !== 0) return { ok: false, rule: k, retryAt: exactRetry(rule, ledger, cand, now, env, retryAt) };
  }
  return PASS;
}

const later: Contact = { time: 0, program: 0, channel: 0, category: 0, priority: 0 }; // exactRetry's candidate, reused

/**
 * evaluate() bounds the retry by the contacts that block at T; at that later time, pending contacts
 * between T and it (or, with lookahead, after it) may block again. Re-evaluating at each bound until the
 * rule passes gives the first time it really lets the message through on this ledger (each step is
 * strictly later; a long run of steps stops at a still-valid lower bound).
 */
function exactRetry<C>(rule: CompiledRule<C>, ledger: number[], cand: Contact, now: Minutes, env: PressureEnv<C>, first: number): number {
  let at = first;
  later.program = cand.program, later.channel = cand.channel, later.category = cand.category, later.priority = cand.priority;
  for (let n = 0; n < 64 && Number.isFinite(at); n++) {
    later.time = at;
    const next = evaluate(rule, ledger, later, now, env);
    if (next === 0) return at;
    at = next;
  }
  return at;
}

/** Does the ledger entry at i count for this candidate? Sent always; pending by priority. (Also used by engine/explain.) */
export function counted<C>(rule: CompiledRule<C>, ledger: number[], i: number, cand: Contact, now: Minutes): boolean {
  if (!matches(rule.counts, ledger[i + L_PROGRAM], ledger[i + L_CHANNEL], ledger[i + L_CATEGORY])) return false;
  if (isSent(ledger, i, now)) return true;
  const pr = ledger[i + L_PRIORITY];
  return pr > cand.priority || (pr === cand.priority && ledger[i] <= cand.time);
}

/** The rule's threshold for the customer in `env` (an unusable value is counted and read as 0). */
export function limitOf<C>(rule: CompiledRule<C>, env: PressureEnv<C>): number {
  if (typeof rule.threshold === "number") return rule.threshold;
  const v = rule.threshold(env.ctx);
  if (typeof v === "number" && Number.isFinite(v)) return v;
  env.coerced?.(rule.name, "threshold not a number, read as 0 (blocks)");
  return 0;
}

// Scratch space for one evaluation (counted times; weights), reused: the checks run millions of times.
let times = new Float64Array(64), weights = new Float64Array(64), sorted = new Float64Array(64);

function reserve(ledger: number[]): void {
  const n = ledger.length / STRIDE;
  if (n > times.length) {
    const size = Math.max(n, 2 * times.length);
    times = new Float64Array(size), weights = new Float64Array(size), sorted = new Float64Array(size);
  }
}

/** 0 when the rule passes, else the earliest time it could pass (Infinity: never). */
function evaluate<C>(rule: CompiledRule<C>, ledger: number[], cand: Contact, now: Minutes, env: PressureEnv<C>): number {
  switch (rule.kind) {
    case "cap": {
      const limit = limitOf(rule, env);
      if (limit <= 0) return Infinity;
      let retry = 0;
      if (rule.window > 0) retry = windowRetry(rule, ledger, cand, now, limit);
      if (rule.calendar) {
        const T = cand.time;
        setBucket(rule.calendar, T, rule.timezone ?? env.tzOffset);
        const start = bucketStart, end = bucketEnd;
        let n = 0;
        for (let i = firstFrom(ledger, start); i < ledger.length; i += STRIDE) {
          const t = ledger[i];
          if (t < start || t >= end || (t > T && !rule.lookahead)) continue;
          if (counted(rule, ledger, i, cand, now)) n++;
        }
        if (n >= limit) retry = Math.max(retry, end);
      }
      return retry;
    }
    case "spacing": {
      const S = rule.spacing, T = cand.time;
      let retry = 0;
      for (let i = firstAfter(ledger, T - S); i < ledger.length; i += STRIDE) {
        const t = ledger[i];
        if (t <= T - S || t >= T + S || (t > T && !rule.lookahead)) continue;
        if (counted(rule, ledger, i, cand, now)) retry = Math.max(retry, t + S);
      }
      return retry;
    }
    case "weighted":
      return weightedRetry(rule, ledger, cand, now, env);
  }
}

/**
 * The first ledger entry at or after time `from`, found from the end: the ledger is sorted by time and
 * holds the longest rule's horizon (weeks for a weighted rule), while a window, a calendar bucket or a
 * spacing looks at its last days only. The loops start there, in the same order as from the first entry.
 */
function firstFrom(ledger: number[], from: Minutes): number {
  let i = ledger.length;
  while (i > 0 && ledger[i - STRIDE] >= from) i -= STRIDE;
  return i;
}

/** The first ledger entry after time `t` (as `firstFrom`). */
function firstAfter(ledger: number[], t: Minutes): number {
  let i = ledger.length;
  while (i > 0 && ledger[i - STRIDE] > t) i -= STRIDE;
  return i;
}

/** A rolling-window cap: 0 when it passes, else when the busiest window holding T frees up. */
function windowRetry<C>(rule: CompiledRule<C>, ledger: number[], cand: Contact, now: Minutes, limit: number): number {
  const W = rule.window, T = cand.time;
  let n = 0;
  for (let i = firstAfter(ledger, T - W); i < ledger.length; i += STRIDE) {
    const t = ledger[i];
    if (t <= T - W || (t > T && (!rule.lookahead || t >= T + W))) continue;
    if (counted(rule, ledger, i, cand, now)) times[n++] = t;
  }
  // the busiest window of length W holding T: windows (a, a + W] with a = T − W or a = t − W for a pending t
  let worstStart = T - W, worst = countIn(n, worstStart, W);
  for (let k = 0; k < n; k++) {
    const t = times[k];
    if (t > T && t - W < T) {
      const m = countIn(n, t - W, W);
      if (m > worst) worst = m, worstStart = t - W;
    }
  }
  if (worst < limit) return 0;
  // the window frees up when enough of its earliest contacts age out
  let m = 0;
  for (let k = 0; k < n; k++) {
    const t = times[k];
    if (t > worstStart && t <= worstStart + W && t <= T) {
      let j = m++; // insertion sort: the ledger is sorted already, so this rarely moves anything
      while (j > 0 && sorted[j - 1] > t) sorted[j] = sorted[j - 1], j--;
      sorted[j] = t;
    }
  }
  const k = worst - limit;
  return m === 0 || k >= m ? Infinity : Math.max(T + 1, sorted[k] + W);
}

/** How many of the n counted times fall in (a, a + W]. */
function countIn(n: number, a: number, W: number): number {
  let c = 0;
  for (let k = 0; k < n; k++) if (times[k] > a && times[k] <= a + W) c++;
  return c;
}

/** A weighted rule: 0 when the pressure at T plus the candidate's weight stays under the threshold, else the first minute it does. */
function weightedRetry<C>(rule: CompiledRule<C>, ledger: number[], cand: Contact, now: Minutes, env: PressureEnv<C>): number {
  const T = cand.time, limit = limitOf(rule, env);
  const own = weightOf(rule, env, cand.program, cand.channel, cand.category);
  const table = decayTable(rule.decay);
  // the counted contacts and their weights do not depend on when the pressure is read: collected once
  let n = 0, atT = 0;
  coercedWeights = 0;
  for (let i = 0; i < ledger.length; i += STRIDE) {
    const t = ledger[i];
    if (t > T && !rule.lookahead) continue;
    if (!counted(rule, ledger, i, cand, now)) continue;
    const w = weightOf(rule, env, ledger[i + L_PROGRAM], ledger[i + L_CHANNEL], ledger[i + L_CATEGORY]);
    times[n] = t, weights[n++] = w;
  }
  atT = pressureAt(times, weights, n, T, rule.decay, table);
  const unusable = coercedWeights, eps = 1e-9;
  let reads = 1, retry: number;
  if (atT + own <= limit + eps) retry = 0;
  else if (own > limit + eps) retry = Infinity;
  else if (unusable === 0 && rule.decay.kind !== "bands") {
    // the same minute as the bisection, in a few reads instead of ~20 (and no coercion to count per read)
    retry = firstLowEnough(times, weights, n, T, decayHorizon(rule.decay), own, limit + eps, rule.decay, table, atT);
  } else {
    const found = bisectLowEnough(times, weights, n, T, decayHorizon(rule.decay), own, limit + eps, rule.decay, table);
    retry = found.at, reads += found.reads;
  }
  // each read used to weigh every contact again: an unusable weight is counted as often as before
  for (let r = 1; r < reads; r++) for (let k = 0; k < unusable; k++) env.coerced?.(rule.name, "weight not a number, read as 0");
  return retry;
}

/**
 * The first minute in (T, T + horizon + 1] at which the pressure of contacts (times, weights)[0 … n)
 * plus `own` is at most `limit`, or Infinity; at T it is above. Decay never increases pressure:
 * bisection over the whole horizon, ~20 reads. Returns the minute and the reads it took.
 */
export function bisectLowEnough(times: Float64Array, weights: Float64Array, n: number, T: Minutes, horizon: Minutes, own: number, limit: number, decay: Decay, table: Float64Array): { at: number; reads: number } {
  let lo = T, hi = T + horizon + 1, reads = 1;
  if (pressureAt(times, weights, n, hi, decay, table) + own > limit) return { at: Infinity, reads };
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    reads++;
    if (pressureAt(times, weights, n, mid, decay, table) + own <= limit) hi = mid;
    else lo = mid;
  }
  return { at: hi, reads };
}

/**
 * `bisectLowEnough`'s minute. With a half-life or linear decay the pressure never
 * rises with time (each term falls or stays, pending contacts weigh fully until sent, and a rounded sum
 * of terms that do not rise does not rise), so that minute is the one the bisection over the whole
 * horizon finds; here it is found from a guess — when the pressure at T would fall to `limit − own` if
 * it all decayed from T — by steps that double away from it, then bisection between the last two: a handful of
 * reads when the guess is close, as it is unless pending contacts hold the pressure up.
 */
export function firstLowEnough(times: Float64Array, weights: Float64Array, n: number, T: Minutes, horizon: Minutes, own: number, limit: number, decay: Decay, table: Float64Array, p: number): number {
  // p: the pressure at T, which the caller summed while collecting the contacts (pressureAt's terms and order)
  const last = T + horizon + 1, low = (t: number) => pressureAt(times, weights, n, t, decay, table) + own <= limit;
  if (!low(last)) return Infinity;
  const room = limit - own;
  const guess = decay.kind === "halfLife" && room > 0 ? T + Math.ceil(decay.halfLife * Math.log2(p / room)) : T + 1;
  let lo = T, hi = last; // pressure + own above `limit` at lo, at most `limit` at hi
  let at = Math.min(last, Math.max(T + 1, guess));
  if (low(at)) {
    hi = at;
    for (let step = 1; hi - step > lo; step *= 2) { // down from the guess
      if (!low(hi - step)) {
        lo = hi - step;
        break;
      }
      hi -= step;
    }
  } else {
    lo = at;
    for (let step = 1; lo + step < hi; step *= 2) { // up from the guess
      at = lo + step;
      if (low(at)) {
        hi = at;
        break;
      }
      lo = at;
    }
  }
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (low(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** The decayed pressure at `at` of the n collected contacts (times, weights), summed in ledger order. */
export function pressureAt(times: Float64Array, weights: Float64Array, n: number, at: Minutes, decay: Decay, table: Float64Array): number {
  let sum = 0;
  if (halfLifeTable(decay, table)) {
    // `decayed`'s numbers with its tests on the decay done once: a retry search reads this a few times per check
    const h = table.length;
    for (let k = 0; k < n; k++) {
      const age = at - times[k], q = Math.floor(age / h);
      sum += weights[k] * (age >= 0 && age === Math.floor(age) && q < HALVINGS ? table[age - q * h] * HALF[q] : decayAt(decay, age));
    }
    return sum;
  }
  for (let k = 0; k < n; k++) sum += weights[k] * decayed(decay, table, at - times[k]);
  return sum;
}

/** A half-life's table of one half-life of whole minutes (`decayTable`), from which `decayed` reads every whole age. */
const halfLifeTable = (decay: Decay, table: Float64Array): boolean => decay.kind === "halfLife" && table.length === decay.halfLife && table.length > 0;

let coercedWeights = 0; // unusable weight values seen since weightedRetry reset it

/** A contact's weight under a weighted rule (an unusable value is counted and read as 0). */
export function weightOf<C>(rule: CompiledRule<C>, env: PressureEnv<C>, program: number, channel: number, category: number): number {
  if (rule.weight) {
    env.setMessage(program, channel, category);
    const v = rule.weight(env.ctx);
    env.setMessage(-1, -1, -1);
    if (typeof v === "number" && Number.isFinite(v)) return v > 0 ? v : 0;
    coercedWeights++;
    env.coerced?.(rule.name, "weight not a number, read as 0");
    return 0;
  }
  return rule.channelWeights[channel] * rule.categoryWeights[category];
}
