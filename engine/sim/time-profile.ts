/**
 * When organic life happens: a time-of-day profile, a weekday effect, monthly seasonality and named
 * peaks (sales, Black Friday, Christmas), all in the customer's local time (docs/world-model.md, "Time").
 * Organic events follow a Poisson process whose intensity is the customer's rate × this profile; the
 * gaps are drawn as before (an exponential in "standard days") and mapped through the cumulative
 * profile, so the same draws give the same life on every plan (common random numbers) and the mean
 * rate over a calendar year is unchanged (the profile is normalised to mean 1 over a year).
 */
import { DAY, HOUR } from "../core/time.ts";

export interface Peak {
  name: string;
  start: string; // "MM-DD", or "black-friday" (the Friday after the fourth Thursday of November)
  days: number;
  factor: number;
}

export interface Seasonality {
  hours: number[]; // 24 weights, local hour 0–23
  weekdays: number[]; // 7 weights, Monday … Sunday
  months: number[]; // 12 weights, January … December
  peaks: Peak[];
}

/** Flat: every hour alike (the world before issue 11, and Hillstrom's two measured weeks). */
export const FLAT: Seasonality = { hours: Array(24).fill(1), weekdays: Array(7).fill(1), months: Array(12).fill(1), peaks: [] };

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

function peakStart(p: Peak, year: number): number {
  if (p.start === "black-friday") {
    const nov1 = new Date(Date.UTC(year, 10, 1)).getUTCDay(); // 0 = Sunday
    const firstThursday = 1 + ((4 - nov1 + 7) % 7);
    return Date.UTC(year, 10, firstThursday + 21 + 1) / 60000;
  }
  const [m, d] = p.start.split("-").map(Number);
  return Date.UTC(year, m - 1, d) / 60000;
}

/** The day's weight (month × peaks), not normalised; `day` in minutes at local midnight. */
function dayWeight(s: Seasonality, t: number): number {
  const date = new Date(t * 60000), year = date.getUTCFullYear();
  let w = s.months[date.getUTCMonth()] * s.weekdays[(date.getUTCDay() + 6) % 7];
  for (const p of s.peaks) {
    const from = peakStart(p, year);
    if (t >= from && t < from + p.days * DAY) w *= p.factor;
  }
  return w;
}

/** Checks a seasonality's shape; returns the problems (empty when valid). */
export function seasonalityProblems(s: Seasonality): string[] {
  const out: string[] = [];
  if (s.hours.length !== 24) out.push(`hours: expected 24 weights, got ${s.hours.length}`);
  if (s.weekdays.length !== 7) out.push(`weekdays: expected 7 weights (Monday … Sunday), got ${s.weekdays.length}`);
  if (s.months.length !== 12) out.push(`months: expected 12 weights, got ${s.months.length}`);
  for (const [k, xs] of [["hours", s.hours], ["weekdays", s.weekdays], ["months", s.months]] as const) {
    if (xs.some((x) => !(x >= 0)) || !(mean(xs) > 0)) out.push(`${k}: weights must be ≥ 0 and not all 0`);
  }
  for (const p of s.peaks) {
    if (p.start !== "black-friday" && !/^\d\d-\d\d$/.test(p.start)) out.push(`peaks.${p.name}.start: expected MM-DD or black-friday, got ${p.start}`);
    if (!(p.days >= 1) || !(p.factor >= 0)) out.push(`peaks.${p.name}: days ≥ 1 and factor ≥ 0`);
  }
  return out;
}

/**
 * A calendar year the profile cannot be normalised over, or null: every day of it weighing 0 (peaks of
 * factor 0 over every day its months and weekdays leave) made the mean 0 and the organic clock NaN, an
 * event every minute (79 million in a 1,000 × 60 run); weights multiplying beyond a double made it ∞/∞.
 * Checked over 28 years, the cycle of weekdays and leap years (1901–2099), so every year a run may
 * cover is one of them. For validation only (≈ 10,000 day weights): a run's profile trusts it.
 */
export function seasonalityYearProblem(s: Seasonality): string | null {
  // the common case without the loop: a month's and a weekday's heaviest meet on some day of every month,
  // and all peaks together can neither drown that day (factors below 1) nor overflow a year's sum (above)
  const top = Math.max(...s.months) * Math.max(...s.weekdays);
  const low = s.peaks.reduce((a, p) => a * Math.min(1, p.factor), top), high = s.peaks.reduce((a, p) => a * Math.max(1, p.factor), top);
  if (low > 0 && Number.isFinite(366 * high)) return null;
  for (let year = 2001; year < 2001 + 28; year++) {
    let sum = 0;
    for (let t = Date.UTC(year, 0, 1) / 60000; t < Date.UTC(year + 1, 0, 1) / 60000; t += DAY) sum += dayWeight(s, t);
    if (sum === 0) return `every day of ${year} weighs 0 (months × weekdays × peaks): peaks of factor 0 cover every day the months and weekdays leave, and organic purchases, carts and visits need some day of each year`;
    if (!Number.isFinite(sum)) return `the days of ${year} weigh more than a number holds (months × weekdays × peaks): overlapping peaks multiply their factors; give smaller weights`;
  }
  return null;
}

/**
 * Cumulative tables already built, by seasonality, grid and offset: read, never written, so every run
 * of a process shares them (a tuner's moves and a sweep's variants rebuilt them per run: ≈ 1–2 % of a
 * move). At most BUILT_TABLES (70 KB each for a year).
 */
const built = new Map<string, Float64Array>();
const BUILT_TABLES = 64;

/** Whole-hour UTC offsets run from −12 to +14 hours: an offset's table is at `offset + OFFSET_BASE`. */
const OFFSET_BASE = 24; // any offset still works below that: a negative index is a slower property, the same table

/**
 * The cumulative profile over a run, one table per whole-hour UTC offset. `advance(after, gapDays, tz)`
 * is the time at which `gapDays` standard days of intensity have passed since `after`.
 */
export class TimeProfile {
  private readonly origin: number; // first hour of the grid (minutes)
  private readonly hours: number;
  // by whole-hour offset + OFFSET_BASE: an array, not a Map, since every scheduled organic event reads it
  private readonly cum: (Float64Array | undefined)[] = [];
  private readonly weekdayWeight: number[]; // by day of week: its weight over the week's mean, divided once
  readonly flat: boolean;
  private readonly id: string; // what a table depends on besides the offset: the key of `built`

  constructor(private readonly s: Seasonality, start: number, end: number) {
    const problems = seasonalityProblems(s);
    if (problems.length) throw new Error(`world.seasonality: ${problems.join("; ")}`);
    this.flat = s.hours.every((h) => h === s.hours[0]) && s.weekdays.every((x) => x === s.weekdays[0]) &&
      s.months.every((x) => x === s.months[0]) && s.peaks.length === 0;
    this.origin = Math.floor(start / HOUR) * HOUR - DAY; // a day of margin for offsets
    this.hours = Math.ceil((end - this.origin) / HOUR) + 48;
    this.weekdayWeight = s.weekdays.map((x) => x / mean(s.weekdays));
    this.id = `${this.origin}:${this.hours}:${JSON.stringify(s)}`;
  }

  /** Normalisation: the mean day weight over the calendar year of `t` (so a year keeps its mean rate). */
  private yearMean(year: number): number {
    let sum = 0, n = 0;
    for (let t = Date.UTC(year, 0, 1) / 60000; t < Date.UTC(year + 1, 0, 1) / 60000; t += DAY) sum += dayWeight(this.s, t), n++;
    return sum / n;
  }

  private table(tz: number): Float64Array {
    const key = Math.round(tz / 60);
    let c = this.cum[key + OFFSET_BASE] ?? built.get(`${key}:${this.id}`);
    if (c) return this.cum[key + OFFSET_BASE] = c;
    c = new Float64Array(this.hours + 1);
    const hm = mean(this.s.hours), years = new Map<number, number>();
    let day = NaN, dw = 0;
    for (let h = 0; h < this.hours; h++) {
      const local = this.origin + h * HOUR + key * 60, d = Math.floor(local / DAY);
      if (d !== day) {
        day = d;
        const y = new Date(d * DAY * 60000).getUTCFullYear();
        if (!years.has(y)) years.set(y, this.yearMean(y));
        dw = dayWeight(this.s, d * DAY) / years.get(y)!;
      }
      const hour = Math.floor((local - d * DAY) / HOUR);
      c[h + 1] = c[h] + (dw * this.s.hours[hour]) / hm / 24; // in standard days
    }
    this.cum[key + OFFSET_BASE] = c;
    if (built.size >= BUILT_TABLES) built.delete(built.keys().next().value!);
    built.set(`${key}:${this.id}`, c);
    return c;
  }

  private at(c: Float64Array, t: number): number {
    const x = (t - this.origin) / HOUR, h = Math.min(this.hours - 1, Math.max(0, Math.floor(x)));
    return c[h] + (c[h + 1] - c[h]) * (x - h);
  }

  /** The weekday's weight at time t in the customer's local time (mean 1 over a week): responses follow it too. */
  weekday(t: number, tz: number): number {
    if (this.flat) return 1;
    const local = t + tz, dow = (Math.floor(local / DAY) + 3) % 7; // 1970-01-01 was a Thursday
    return this.weekdayWeight[dow];
  }

  /** The time (minutes, ≥ after + 1) when `gapDays` standard days of intensity have passed since `after`. */
  advance(after: number, gapDays: number, tz: number): number {
    if (this.flat) return after + 1 + Math.floor(gapDays * DAY);
    const c = this.table(tz), target = this.at(c, after) + gapDays;
    if (target >= c[this.hours]) return this.origin + this.hours * HOUR + DAY; // beyond the run
    let lo = 0, hi = this.hours;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (c[mid] <= target) lo = mid;
      else hi = mid;
    }
    const frac = c[lo + 1] > c[lo] ? (target - c[lo]) / (c[lo + 1] - c[lo]) : 0;
    return Math.max(after + 1, this.origin + lo * HOUR + Math.floor(frac * HOUR));
  }
}
