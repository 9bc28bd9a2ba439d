/**
 * Seasonality for the history's purchase model: BG/NBD in "operational time". A customer's purchase
 * rate on day d is λ · s(d), with s(d) = weekday factor × month factor × named-peak factors; BG/NBD then
 * holds in the warped clock τ(d) = Σ s(k) / 7 (operational weeks), where a quiet August week counts
 * less than a busy December one. With s ≡ 1 everything reduces to plain BG/NBD exactly.
 *
 * The factors are learned from the calibration period by backfitting: fit BG/NBD in the current clock,
 * compute the repeat purchases the fit expects on each calendar day for the cohort as it was acquired,
 * and move each factor by actual / expected over its days (weekdays, months, peak days), shrunk toward
 * no change by a pseudo-count; normalise, re-warp, refit. Month factors and peaks are only learned for
 * calendar periods the calibration period covers: the rest of the year keeps factor 1 (the calibration's
 * average) and a peak never seen keeps the lift the analyst gave (default 1), because nothing in the data
 * speaks for them. Defaults are generic (monthly bins, weekday factors, one round, pseudo-count 50):
 * nothing here is tuned to a particular file.
 */
import { DAY } from "../core/time.ts";
import { type BgnbdParams, bgnbdExpected, type FrequencyData, fitBgnbd } from "./bgnbd.ts";

/** A recurring yearly period (month-day to month-day, inclusive; may wrap the year end). */
export interface Peak {
  name: string;
  from: [number, number];
  to: [number, number];
  /** the factor to assume when the calibration period does not cover the peak (default 1: none) */
  lift?: number;
}

export interface SeasonalityOptions {
  weekly: boolean;
  yearly: boolean;
  peaks: Peak[];
  /**
   * backfitting rounds (default 1: the two-stage estimator — factors from the plain fit's residuals, then
   * one refit in the warped clock). More rounds climb toward the joint maximum likelihood, which is only
   * identified when the calibration covers a full year of staggered acquisitions: for one cohort observed
   * under a year, customer age and calendar month are confounded and the rounds drift along a flat ridge.
   */
  rounds?: number;
  /** pseudo-count of purchases shrinking each factor toward 1 (default 50) */
  shrink?: number;
}

export const DEFAULT_SEASONALITY: SeasonalityOptions = { weekly: true, yearly: true, peaks: [] };

export interface Seasonality {
  /** Monday … Sunday, mean 1 */
  weekday: number[];
  /** January … December; 1 for months the calibration does not cover */
  month: number[];
  /** months the calibration period covers */
  monthObserved: boolean[];
  peaks: { name: string; factor: number; observed: boolean }[];
}

/** The per-customer calibration data the fit needs, in days (integers, UTC days since epoch). */
export interface DayData {
  /** first purchase day of each calibration customer */
  first: Int32Array;
  /** last purchase day (≤ cut-off) */
  last: Int32Array;
  x: Int32Array;
  /** repeat purchase days per calendar day, index = day − origin (calibration cohort, days ≤ cut-off) */
  repeats: Float64Array;
  origin: number;
  cutoff: number;
}

const peakDays = (p: Peak, day: number): boolean => {
  const d = new Date(day * DAY * 60000), md = (d.getUTCMonth() + 1) * 100 + d.getUTCDate();
  const from = p.from[0] * 100 + p.from[1], to = p.to[0] * 100 + p.to[1];
  return from <= to ? md >= from && md <= to : md >= from || md <= to;
};

/** The intensity s(day) of a fitted seasonality (1 without one). */
export function intensity(s: Seasonality | null, peaks: Peak[], day: number): number {
  if (!s) return 1;
  const month = new Date(day * DAY * 60000).getUTCMonth();
  let v = s.weekday[(day + 3) % 7] * s.month[month];
  for (let k = 0; k < peaks.length; k++) if (peakDays(peaks[k], day)) v *= s.peaks[k].factor;
  return v;
}

/**
 * The operational clock: `at(day)` = operational weeks from `origin` to the end of `day` (each day
 * adds s(day) / 7), so a purchase on day d sits at at(d) and the cut-off at at(cutoff).
 */
export class Clock {
  private readonly cum: Float64Array;
  constructor(readonly origin: number, readonly end: number, s: (day: number) => number) {
    this.cum = new Float64Array(end - origin + 1);
    let acc = 0;
    for (let d = origin; d <= end; d++) this.cum[d - origin] = acc += s(d) / 7;
  }
  at(day: number): number {
    if (day < this.origin) return (day - this.origin + 1) / 7;
    if (day > this.end) return this.cum[this.cum.length - 1] + (day - this.end) / 7;
    return this.cum[day - this.origin];
  }
  /** the warped (x, t_x, T) of the calibration customers */
  frequency(d: DayData): FrequencyData {
    const n = d.first.length, tx = new Float64Array(n), T = new Float64Array(n);
    const cut = this.at(d.cutoff);
    for (let i = 0; i < n; i++) {
      const f = this.at(d.first[i]);
      tx[i] = Math.max(0, this.at(d.last[i]) - f), T[i] = Math.max(tx[i], cut - f);
    }
    return { x: d.x, tx, T };
  }
}

/**
 * Repeat purchases the model expects on each calibration day, for the cohort as acquired: Σ over
 * first-purchase days b of n_b · [E(τ(d) − τ(b)) − E(τ(d−1) − τ(b))]. E is tabulated on a grid of
 * operational time and interpolated: one 2F1 per grid point instead of one per (b, d) pair.
 */
function expectedByDay(p: BgnbdParams, clock: Clock, d: DayData): Float64Array {
  const days = d.cutoff - d.origin + 1, out = new Float64Array(days);
  const births = new Map<number, number>();
  for (const b of d.first) births.set(b, (births.get(b) ?? 0) + 1);
  const span = clock.at(d.cutoff) - clock.at(d.origin - 1), steps = 4000, h = span / steps;
  const grid = new Float64Array(steps + 2);
  for (let i = 0; i <= steps + 1; i++) grid[i] = bgnbdExpected(p, i * h);
  const E = (u: number) => {
    if (u <= 0) return 0;
    const k = Math.min(steps, Math.floor(u / h)), f = u / h - k;
    return grid[k] + f * (grid[k + 1] - grid[k]);
  };
  for (const [b, nb] of births) {
    const tb = clock.at(b);
    let prev = 0;
    for (let day = b + 1; day <= d.cutoff; day++) {
      const e = E(clock.at(day) - tb);
      out[day - d.origin] += nb * (e - prev);
      prev = e;
    }
  }
  return out;
}

export interface SeasonalFit {
  params: BgnbdParams;
  logLikelihood: number;
  seasonality: Seasonality;
  clock: Clock;
  /** warped calibration data (x, t_x, T in operational weeks) */
  frequency: FrequencyData;
}

/**
 * Fits BG/NBD with seasonality on the calibration data; `horizon` is the last day the clock must cover
 * (the holdout end, or later for simulation).
 * @example const fit = fitSeasonalBgnbd(dayData(h), h.config.holdoutEnd! / DAY, DEFAULT_SEASONALITY) // h = importHistory("datasets/cdnow.yaml")
 */
export function fitSeasonalBgnbd(d: DayData, horizon: number, o: SeasonalityOptions): SeasonalFit {
  const rounds = o.rounds ?? 1, m = o.shrink ?? 50;
  const month = (day: number) => new Date(day * DAY * 60000).getUTCMonth();
  const s: Seasonality = {
    weekday: [1, 1, 1, 1, 1, 1, 1],
    month: Array(12).fill(1),
    monthObserved: Array(12).fill(false),
    peaks: o.peaks.map((p) => ({ name: p.name, factor: 1, observed: false })),
  };
  // a month counts as observed when the calibration covers at least half of it
  const cover = Array(12).fill(0);
  for (let day = d.origin; day <= d.cutoff; day++) cover[month(day)]++;
  for (let k = 0; k < 12; k++) s.monthObserved[k] = cover[k] >= 15;
  const end = Math.max(horizon, d.cutoff);
  let clock = new Clock(d.origin, end, () => 1);
  let fit = fitBgnbd(clock.frequency(d));
  for (let round = 0; round < rounds; round++) {
    const expected = expectedByDay(fit.params, clock, d);
    const update = (group: (day: number) => number, factors: number[], active: (k: number) => boolean) => {
      const A = factors.map(() => 0), E = factors.map(() => 0);
      for (let day = d.origin; day <= d.cutoff; day++) {
        const k = group(day);
        if (k < 0) continue;
        A[k] += d.repeats[day - d.origin], E[k] += expected[day - d.origin];
      }
      // backfitting: the factor that makes its days' expected count (without its own factor) meet the
      // actual one, shrunk toward 1 by m pseudo-purchases
      for (let k = 0; k < factors.length; k++) if (active(k) && E[k] > 0) factors[k] = (A[k] + m) / (E[k] / factors[k] + m);
    };
    if (o.weekly) update((day) => (day + 3) % 7, s.weekday, () => true);
    if (o.yearly) update(month, s.month, (k) => s.monthObserved[k]);
    for (let p = 0; p < o.peaks.length; p++) {
      const f = [s.peaks[p].factor];
      let days = 0;
      update((day) => (peakDays(o.peaks[p], day) ? (days++, 0) : -1), f, () => days > 0);
      s.peaks[p].observed = days > 0;
      s.peaks[p].factor = days > 0 ? f[0] : o.peaks[p].lift ?? 1; // unobserved: the analyst's assumption, else none
    }
    normalise(s, d, month);
    clock = new Clock(d.origin, end, (day) => intensity(s, o.peaks, day));
    fit = fitBgnbd(clock.frequency(d), fit.params);
  }
  // The likelihood of the purchase times in calendar time: BG/NBD's in the warped clock times the
  // Jacobian Π s(day) over the repeat purchases (comparable with plain BG/NBD's log-likelihood).
  let jacobian = 0;
  for (let day = d.origin; day <= d.cutoff; day++) {
    const k = d.repeats[day - d.origin];
    if (k) jacobian += k * Math.log(intensity(s, o.peaks, day));
  }
  return { params: fit.params, logLikelihood: fit.logLikelihood + jacobian, seasonality: s, clock, frequency: clock.frequency(d) };
}

/** Weekday factors average 1; month factors average 1 over the calibration days (the scale is λ's). */
function normalise(s: Seasonality, d: DayData, month: (day: number) => number): void {
  const w = s.weekday.reduce((a, b) => a + b, 0) / 7;
  for (let k = 0; k < 7; k++) s.weekday[k] /= w;
  let sum = 0, n = 0;
  for (let day = d.origin; day <= d.cutoff; day++) sum += s.month[month(day)], n++;
  const mean = sum / n;
  for (let k = 0; k < 12; k++) if (s.monthObserved[k]) s.month[k] /= mean;
}
