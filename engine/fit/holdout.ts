/**
 * Holdout check of a BG/NBD fit: expected repeat purchases in the holdout period for each calibration
 * customer, against what they actually did, in total and by calibration frequency (0 … 6, 7+) — the
 * comparison of Fader, Hardie & Lee (2005), figure 4.
 */
import { type BgnbdParams, bgnbdConditionalExpected } from "./bgnbd.ts";

export interface HoldoutRow {
  /** calibration repeat purchases; the last row is "7+" (x ≥ 7) */
  x: string;
  customers: number;
  predicted: number;
  actual: number;
  /** (predicted − actual) / actual, in %; NaN when actual is 0 */
  errorPct: number;
}

export interface HoldoutComparison {
  /** holdout length, same unit as T */
  t: number;
  predicted: number;
  actual: number;
  errorPct: number;
  byFrequency: HoldoutRow[];
}

/**
 * @param t holdout length (weeks when x, tx, T are in weeks)
 * @param actual repeat purchases each customer made in the holdout
 * @example compareHoldout(fit.params, 39, d.x, d.tx, d.T, actual).errorPct
 */
export function compareHoldout(
  params: BgnbdParams,
  t: number,
  x: ArrayLike<number>,
  tx: ArrayLike<number>,
  T: ArrayLike<number>,
  actual: ArrayLike<number>,
  topBucket = 7,
): HoldoutComparison {
  const rows: HoldoutRow[] = Array.from({ length: topBucket + 1 }, (_, k) => ({
    x: k === topBucket ? `${k}+` : String(k),
    customers: 0,
    predicted: 0,
    actual: 0,
    errorPct: NaN,
  }));
  // Customers sharing (x, t_x, T) share a prediction: memoise, since the 2F1 series is the costly part.
  const memo = new Map<string, number>();
  let predicted = 0, total = 0;
  for (let i = 0; i < x.length; i++) {
    const key = `${x[i]},${tx[i]},${T[i]}`;
    let e = memo.get(key);
    if (e === undefined) memo.set(key, e = bgnbdConditionalExpected(params, t, x[i], tx[i], T[i]));
    const row = rows[Math.min(x[i], topBucket)];
    row.customers++, row.predicted += e, row.actual += actual[i];
    predicted += e, total += actual[i];
  }
  const pct = (p: number, a: number) => (a > 0 ? (100 * (p - a)) / a : NaN);
  for (const r of rows) r.errorPct = pct(r.predicted, r.actual);
  return { t, predicted, actual: total, errorPct: pct(predicted, total), byFrequency: rows };
}
