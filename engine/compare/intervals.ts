/** Means and t-intervals over replications. */
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

/** Mean and 95 % t-interval of the values (nulls, e.g. an undefined ROI, are left out). */
export function interval(values: (number | null)[], level = 0.95): Interval | null {
  const xs = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (!xs.length) return null;
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  if (xs.length < 2) return { mean, lo: null, hi: null };
  const half = tQuantile(xs.length - 1, level) * Math.sqrt(variance(xs) / xs.length);
  return { mean, lo: mean - half, hi: mean + half };
}
