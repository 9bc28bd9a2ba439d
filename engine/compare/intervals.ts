/**
 * Means and t-intervals over replications. An interval never leaves the range its quantity can take: a
 * count, an amount of money earned or spent, a contacts-per-customer figure is never below 0, a share
 * never above 1, so the t-interval (symmetric about the mean) is cut there: the true mean lies in the
 * range, so the cut interval covers it as often as the uncut one. Differences (paired, incremental,
 * ROI) can be negative and are never cut. docs/report.md says so for readers.
 */
import { betaIInv } from "../fit/math.ts";

export interface Interval {
  mean: number;
  lo: number | null; // null with a single replication: no spread to estimate
  hi: number | null;
}

/** Two-sided Student t quantile: t such that P(|T| ≤ t) = level, with df degrees of freedom. */
export function tQuantile(df: number, level = 0.95): number {
  if (!(df >= 1)) throw new Error(`degrees of freedom must be ≥ 1, got ${df}`);
  // P(|T| > t) = I_{df/(df+t²)}(df/2, 1/2)
  const x = betaIInv(df / 2, 0.5, 1 - level);
  return Math.sqrt((df * (1 - x)) / x);
}

export function variance(xs: number[]): number {
  if (xs.length < 2) return 0;
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  return xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1);
}

/** The range a quantity can take: a count or an amount ({ min: 0 }), a share ({ min: 0, max: 1 }), a difference ({}). */
export interface Bounds {
  min?: number;
  max?: number;
}
export const NON_NEGATIVE: Bounds = { min: 0 }, SHARE: Bounds = { min: 0, max: 1 }, UNBOUNDED: Bounds = {};

/**
 * Mean and 95 % t-interval of the values (nulls, e.g. an undefined ROI, are left out), cut to `bounds`.
 * @example interval([0, 0, 1], NON_NEGATIVE) // { mean: 0.33, lo: 0, hi: 1.77 }: not lo -1.1 for a count
 */
export function interval(values: (number | null)[], bounds: Bounds = UNBOUNDED, level = 0.95): Interval | null {
  const xs = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (!xs.length) return null;
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  if (xs.length < 2) return { mean, lo: null, hi: null };
  const half = tQuantile(xs.length - 1, level) * Math.sqrt(variance(xs) / xs.length);
  return { mean, lo: Math.max(mean - half, bounds.min ?? -Infinity), hi: Math.min(mean + half, bounds.max ?? Infinity) };
}
