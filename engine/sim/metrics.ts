/**
 * Counters a simulation run fills as it goes: totals, daily series, per-program and per-channel
 * figures, suppressions by rule, and per-customer tallies. Typed arrays where customers are counted.
 */
import { CHANNELS } from "../core/channels.ts";
import { STAGES } from "../core/lifecycle.ts";
import { units } from "./money.ts";
import { WEEK } from "../core/time.ts";
import type { CustomerTable } from "../core/customer-table.ts";
import { column, fieldViews, layout, PER4 } from "../core/record.ts";

/**
 * A customer's tallies as one 32-byte record (engine/core/record.ts): a contact or a purchase updates
 * one cache line (two side by side one time in two, as the memory falls), not four scattered ones. Read as `metrics.contactsOf[c * T4]`: T8, T4 and T2 are the elements from
 * one customer's value to the next's for fields of 8, 4 and 2 bytes.
 */
export const TALLY = 32, T8 = TALLY / 8, T4 = TALLY / 4, T2 = TALLY / 2;
/** Where a tally record's program bits start (engine/sim/metrics.ts `reachedBy`): 10 bytes, 80 programs. */
const PROGRAM_BITS = 22;
const TALLY_FIELDS = layout({
  revenueOf: { type: Float64Array, at: 0, initial: 0 },
  contactsOf: { type: Uint32Array, at: 8, initial: 0 },
  purchasesOf: { type: Uint32Array, at: 12, initial: 0 },
  channelsOf: { type: Uint16Array, at: 16, initial: 0 },
  week: { type: Uint16Array, at: 18, initial: 0 },
  fourWeeks: { type: Uint16Array, at: 20, initial: 0 },
}, TALLY);

export const SERIES = [
  "contacts", "email", "sms", "push", "mail", "call", "delivered", "opens", "clicks", "conversions",
  "purchases", "revenue", "messageRevenue", "cost", "unsubscribes", "complaints", "suppressed", "left",
] as const;
export type Series = typeof SERIES[number];

export interface ProgramCounters {
  contacts: number; suppressed: number; deferred: number; delayed: number; cancelled: number; holdout: number; entered: number;
  opens: number; clicks: number; conversions: number; revenue: number; cost: number; reach: number;
}

const newProgram = (): ProgramCounters => ({
  contacts: 0, suppressed: 0, deferred: 0, delayed: 0, cancelled: 0, holdout: 0, entered: 0, opens: 0, clicks: 0, conversions: 0, revenue: 0,
  cost: 0, reach: 0,
});

/** The run's totals: every one a sum over customers. */
const TOTALS = [
  "contacts", "delivered", "opens", "clicks", "conversions", "purchases", "organicPurchases", "revenue", "organicRevenue", "messageRevenue",
  "messageCost", "discountCost", "unsubscribes", "complaints", "left", "suppressed", "deferred", "delayed", "cancelled", "holdout", "reach",
] as const;

type TallyEntry = { rule: string; program: string; channel: string; count: number };
type Tally = Map<string, TallyEntry>;

/**
 * Counts one (rule, program, channel) in `map`, keyed by a string built once per triple: `cache`
 * finds the entry by rule and (program index, channel) afterwards, so a suppression builds no string.
 * The map's entries and their order are the same as without the cache (the summary lists them so).
 */
function tally(map: Tally, cache: Map<string, (TallyEntry | undefined)[]>, rule: string, program: string, programIndex: number, channel: number, names: readonly string[]): void {
  let byRule = cache.get(rule);
  if (!byRule) cache.set(rule, byRule = []);
  const at = programIndex * names.length + channel, hit = byRule[at];
  if (hit) return void hit.count++;
  const key = `${rule}\u0000${program}\u0000${channel}`;
  let s = map.get(key);
  if (s) s.count++;
  else map.set(key, s = { rule, program, channel: names[channel], count: 1 });
  byRule[at] = s;
}

export class Metrics {
  /** SERIES, then one series per custom channel of the plan, named after it. */
  readonly daily: Record<Series, Float64Array> & Record<string, Float64Array>;
  readonly programs: ProgramCounters[];
  readonly channels: { contacts: number; reach: number; cost: number; unsubscribes: number; complaints: number; delivered: number; delayed: number }[];
  readonly suppressedBy = new Map<string, { rule: string; program: string; channel: string; count: number }>();
  readonly deferredBy = new Map<string, { rule: string; program: string; channel: string; count: number }>();
  private readonly suppressedCache = new Map<string, (TallyEntry | undefined)[]>();
  private readonly deferredCache = new Map<string, (TallyEntry | undefined)[]>();
  private readonly channelSeries: Float64Array[]; // daily[channelNames[ch]] by channel index: no string key per contact
  contacts = 0; delivered = 0; opens = 0; clicks = 0; conversions = 0;
  purchases = 0; organicPurchases = 0; revenue = 0; organicRevenue = 0; messageRevenue = 0;
  messageCost = 0; discountCost = 0; unsubscribes = 0; complaints = 0; left = 0; suppressed = 0; deferred = 0; delayed = 0; cancelled = 0; holdout = 0;
  reach = 0;
  // per customer: a TALLY record each (the fields below are views of it)
  readonly tallies: Uint8Array;
  readonly revenueOf!: Float64Array;
  readonly contactsOf!: Uint32Array;
  readonly purchasesOf!: Uint32Array;
  readonly channelsOf!: Uint16Array; // bit per channel contacted
  private readonly week!: Uint16Array; // contacts in the current week
  // bit per (customer, program) contacted: customer c's bits from byte c * programRow, in its tally record
  // (bytes 22 … 31: up to 80 programs) or, for a plan with more, in an array of their own
  private readonly programOf: Uint8Array;
  private readonly programRow: number;
  readonly weekHistogram = new Float64Array(1024); // customer-weeks by contact count (last bucket: ≥ 1023)
  /** Contacts in the current 4-week block, and customer-4-week blocks by contact count (complete blocks only). */
  private readonly fourWeeks!: Uint16Array;
  readonly fourWeekHistogram = new Float64Array(4096);
  private weeksClosed = 0;
  /** Contacts by program and the customer's lifecycle stage when contacted: [program × STAGES.length + stage]. */
  readonly stageContacts: Float64Array;

  /** `channelNames`: the plan's channels by index (CompiledPlan.names.channels); the five built-in ones by default. */
  constructor(readonly customers: number, readonly days: number, readonly programNames: string[], readonly channelNames: readonly string[] = CHANNELS) {
    const custom = channelNames.slice(CHANNELS.length);
    this.daily = Object.fromEntries([...SERIES, ...custom].map((s) => [s, new Float64Array(days)])) as Metrics["daily"];
    this.channelSeries = channelNames.map((ch) => this.daily[ch]);
    this.channels = channelNames.map(() => ({ contacts: 0, reach: 0, cost: 0, unsubscribes: 0, complaints: 0, delivered: 0, delayed: 0 }));
    this.programs = programNames.map(newProgram);
    this.tallies = new Uint8Array(customers * TALLY);
    Object.assign(this, fieldViews(this.tallies, TALLY_FIELDS, TALLY));
    const bytes = Math.ceil(programNames.length / 8);
    if (bytes <= TALLY - PROGRAM_BITS) {
      const t = this.tallies;
      this.programOf = customers ? new Uint8Array(t.buffer, t.byteOffset + PROGRAM_BITS, t.length - PROGRAM_BITS) : new Uint8Array(0);
      this.programRow = TALLY;
    }
    else this.programOf = new Uint8Array(customers * bytes), this.programRow = bytes;
    this.stageContacts = new Float64Array(Math.max(1, programNames.length) * STAGES.length);
  }

  /** Money is counted in units until the run settles it (engine/sim/money.ts). */
  contact(c: number, day: number, program: number, channel: number, amount: number): void {
    const cost = units(amount);
    this.contacts++, this.messageCost += cost;
    this.daily.contacts[day]++, this.channelSeries[channel][day]++, this.daily.cost[day] += cost;
    const p = this.programs[program];
    p.contacts++, p.cost += cost;
    const ch = this.channels[channel];
    ch.contacts++, ch.cost += cost;
    if (this.contactsOf[c * T4]++ === 0) this.reach++;
    if (!(this.channelsOf[c * T2] & (1 << channel))) this.channelsOf[c * T2] |= 1 << channel, ch.reach++;
    const at = c * this.programRow + (program >> 3), bit = 1 << (program & 7);
    if (!(this.programOf[at] & bit)) this.programOf[at] |= bit, p.reach++;
    if (this.week[c * T2] < 65535) this.week[c * T2]++;
  }

  suppress(day: number, program: string, programIndex: number, channel: number, rule: string): void {
    this.suppressed++, this.daily.suppressed[day]++, this.programs[programIndex].suppressed++;
    tally(this.suppressedBy, this.suppressedCache, rule, program, programIndex, channel, this.channelNames);
  }

  /** A message held by its channel's send window (accepted, sent later): not a pressure deferral. */
  delay(programIndex: number, channel: number): void {
    this.delayed++, this.programs[programIndex].delayed++, this.channels[channel].delayed++;
  }

  /** A held message cancelled because its journey ended or the customer left. */
  cancel(programIndex: number): void {
    this.cancelled++, this.programs[programIndex].cancelled++;
  }

  defer(program: string, programIndex: number, channel: number, rule: string): void {
    this.deferred++, this.programs[programIndex].deferred++;
    tally(this.deferredBy, this.deferredCache, rule, program, programIndex, channel, this.channelNames);
  }

  purchase(c: number, day: number, amount: number, program: number): void {
    const value = units(amount); // summed in units (engine/sim/money.ts); a customer's own revenue in currency
    this.purchases++, this.revenue += value, this.daily.purchases[day]++, this.daily.revenue[day] += value;
    this.purchasesOf[c * T4]++, this.revenueOf[c * T8] += amount;
    if (program < 0) this.organicPurchases++, this.organicRevenue += value;
    else {
      this.conversions++, this.messageRevenue += value, this.daily.conversions[day]++, this.daily.messageRevenue[day] += value;
      this.programs[program].conversions++, this.programs[program].revenue += value;
    }
  }

  /**
   * Closes a week: every customer who existed during it (signed up before its end: `existing` of them,
   * WeekExistence below) is one customer-week in the histogram. A customer contacted in the week existed,
   * so the contacted ones go to their counts and the rest (`existing` less them) to 0: the loop reads the
   * tallies alone (reading each customer's signup too, its table record, doubled the memory it streams
   * every week; a callback per customer made it 3 % of a run).
   */
  closeWeek(existing: number): void {
    const h = this.weekHistogram, w = this.week, f = this.fourWeeks, h4 = this.fourWeekHistogram;
    // every 4th week also closes a 4-week block: a customer counts if they existed in its last week
    const block = ++this.weeksClosed % 4 === 0;
    let contacted = 0, contacted4 = 0;
    for (let c = 0; c < this.customers; c++) {
      const at = c * T2, n = w[at];
      if (n) h[Math.min(n, h.length - 1)]++, contacted++, f[at] = Math.min(65535, f[at] + n), w[at] = 0;
      if (block && f[at]) h4[Math.min(f[at], h4.length - 1)]++, contacted4++, f[at] = 0;
    }
    h[0] += existing - contacted;
    if (block) h4[0] += existing - contacted4;
  }

  /**
   * Adds a shard's metrics (engine/parallel/merge-shards.ts): its customers are this run's `offset`…;
   * `part` is a structured clone (no methods). Counts and money (still in units) add exactly; tallies
   * are kept in key order, the same whichever shard saw a rule first.
   */
  absorb(part: Metrics, offset: number): void {
    const add = <T extends object>(into: T, from: T) => {
      for (const k of Object.keys(into) as (keyof T)[]) if (typeof into[k] === "number") (into[k] as number) += from[k] as number;
    };
    for (const k of TOTALS) this[k] += part[k];
    // every daily series, the custom channels' ones too (named after the channel)
    for (const s of Object.keys(this.daily)) for (let d = 0; d < this.days; d++) this.daily[s][d] += part.daily[s][d];
    this.programs.forEach((p, i) => add(p, part.programs[i]));
    this.channels.forEach((ch, i) => add(ch, part.channels[i]));
    for (const [mine, theirs] of [[this.suppressedBy, part.suppressedBy], [this.deferredBy, part.deferredBy]] as const) {
      for (const [key, e] of theirs) {
        const hit = mine.get(key);
        if (hit) hit.count += e.count;
        else mine.set(key, { ...e });
      }
      const sorted = [...mine].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      mine.clear();
      for (const [k, e] of sorted) mine.set(k, e);
    }
    this.tallies.set(part.tallies, offset * TALLY);
    if (this.programRow !== TALLY) this.programOf.set(part.programOf, offset * this.programRow); // else in the tallies
    for (const [mine, theirs] of [[this.weekHistogram, part.weekHistogram], [this.fourWeekHistogram, part.fourWeekHistogram], [this.stageContacts, part.stageContacts]]) {
      for (let i = 0; i < mine.length; i++) mine[i] += theirs[i];
    }
    this.weeksClosed = part.weeksClosed; // every shard closed the same weeks
  }

  /** Tally `name` of every customer, as a plain array (tables, reports, tests: not for a hot loop). */
  column(name: "revenueOf" | "contactsOf" | "purchasesOf" | "channelsOf"): number[] {
    return column(this[name], TALLY_FIELDS[name], this.customers, TALLY);
  }

  /** Whether the program contacted the customer at least once during the run. */
  reachedBy(c: number, program: number): boolean {
    return (this.programOf[c * this.programRow + (program >> 3)] & (1 << (program & 7))) !== 0;
  }

  /** Mean and percentiles of contacts per customer per complete 4-week block (weeks 1–4, 5–8, …). */
  fourWeekly(): { mean: number; p50: number; p90: number; p99: number; max: number; blocks: number } {
    const s = histogramStats(this.fourWeekHistogram);
    return { mean: s.mean, p50: s.p50, p90: s.p90, p99: s.p99, max: s.max, blocks: s.n };
  }

  /** Share of customer-weeks with more than `threshold` contacts. */
  shareWeeksAbove(threshold: number): number {
    const h = this.weekHistogram;
    let n = 0, above = 0;
    for (let k = 0; k < h.length; k++) n += h[k], above += k > threshold ? h[k] : 0;
    return n ? above / n : 0;
  }

  /** Mean and percentiles of contacts per customer per week. */
  weekly(): { mean: number; p50: number; p90: number; p99: number; max: number; customerWeeks: number } {
    const { n, ...stats } = histogramStats(this.weekHistogram);
    return { ...stats, customerWeeks: n };
  }
}

/**
 * A run's metrics without the per-customer tallies (contacts, purchases, revenue, channels and programs
 * of each customer, the current week's counts): a summary reads only the totals, series, tallies by
 * rule and histograms, which Metrics.absorb adds up, so this is all a shard sends of them
 * (engine/parallel/shard.ts). Every tally field's view is emptied with its record: a view left behind
 * would carry its whole buffer across.
 */
export function withoutCustomers(m: Metrics): Metrics {
  const none = {
    customers: 0, tallies: new Uint8Array(0), ...fieldViews(new Uint8Array(0), TALLY_FIELDS, TALLY), programOf: new Uint8Array(0),
    suppressedCache: null, deferredCache: null, channelSeries: null,
  };
  return { ...m, ...none } as unknown as Metrics;
}

/**
 * How many of a table's customers exist (signed up) before each week's end of a run from `start`, the
 * weeks' ends `start + k · WEEK` (k ≥ 1): counted once from the signups, for `Metrics.closeWeek`.
 */
export class WeekExistence {
  private readonly existing: Int32Array;

  constructor(table: Pick<CustomerTable, "signup" | "size">, private readonly start: number, weeks: number) {
    // customer c counts from week k = 1 + ⌊(signup − start) / WEEK⌋ on (every week if it signed up before the start)
    const count = new Int32Array(weeks + 2);
    for (let c = 0; c < table.size; c++) {
      const signup = table.signup[c * PER4];
      count[signup < start ? 0 : Math.min(weeks + 1, Math.floor((signup - start) / WEEK) + 1)]++;
    }
    for (let k = 1; k < count.length; k++) count[k] += count[k - 1];
    this.existing = count;
  }

  /** Customers signed up before `weekEnd`, one of the run's weeks' ends. */
  before(weekEnd: number): number {
    const k = Math.round((weekEnd - this.start) / WEEK);
    if (k < 1 || k >= this.existing.length - 1 || this.start + k * WEEK !== weekEnd) throw new RangeError(`week end ${weekEnd}: not one of the run's (from ${this.start}, ${this.existing.length - 2} weeks)`);
    return this.existing[k];
  }
}

/** Mean and percentiles of a histogram (index = count, value = how many). */
export function histogramStats(h: ArrayLike<number>): { mean: number; p50: number; p90: number; p99: number; max: number; n: number } {
  let n = 0, sum = 0, max = 0;
  for (let k = 0; k < h.length; k++) if (h[k]) n += h[k], sum += k * h[k], max = k;
  const q = (p: number) => {
    let acc = 0;
    for (let k = 0; k < h.length; k++) if ((acc += h[k]) >= p * n) return k;
    return max;
  };
  return { mean: n ? sum / n : 0, p50: q(0.5), p90: q(0.9), p99: q(0.99), max, n };
}
