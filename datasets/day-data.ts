/**
 * The calibration cohort in days, for the seasonal purchase model (engine/fit/seasonality.ts): the
 * history's transactions sorted by (customer, day) once, with the same conventions as historyState
 * (the cut-off day inclusive; one repeat purchase per distinct day after the first).
 */
import { DAY, type Minutes } from "../engine/core/time.ts";
import type { History } from "./import.ts";

/**
 * The calibration cohort in days, for the seasonal fit (engine/fit/seasonality.ts): each purchaser's
 * first and last purchase day and repeat days x (same conventions as historyState), and the number of
 * repeat purchase days on each calendar day up to the cut-off.
 * @example const d = dayData(h, h.config.calibrationEnd); d.repeats.reduce((a, b) => a + b) === 2457 // CDNOW
 */
export function dayData(h: History, cutoff: Minutes = h.config.calibrationEnd) {
  const t = h.transactions, cut = Math.floor(cutoff / DAY);
  let min = Infinity;
  for (let i = 0; i < t.length; i++) min = Math.min(min, Math.floor(t.time[i] / DAY));
  const keys = new Float64Array(t.length);
  let n = 0;
  for (let i = 0; i < t.length; i++) {
    const day = Math.floor(t.time[i] / DAY);
    if (day <= cut) keys[n++] = t.customer[i] * 65536 + (day - min);
  }
  const sorted = keys.subarray(0, n).sort();
  const first: number[] = [], last: number[] = [], x: number[] = [], customers: number[] = [];
  const origin = Number.isFinite(min) ? min : cut;
  const repeats = new Float64Array(Math.max(1, cut - origin + 1));
  for (let i = 0; i < n;) {
    const c = Math.floor(sorted[i] / 65536), f = sorted[i] - c * 65536;
    let l = f, k = 0, j = i + 1;
    for (; j < n && Math.floor(sorted[j] / 65536) === c; j++) {
      const day = sorted[j] - c * 65536;
      if (day !== sorted[j - 1] - c * 65536) k++, l = day, repeats[day]++;
    }
    first.push(f + origin), last.push(l + origin), x.push(k), customers.push(c);
    i = j;
  }
  return {
    first: Int32Array.from(first), last: Int32Array.from(last), x: Int32Array.from(x), customers: Int32Array.from(customers),
    repeats, origin, cutoff: cut,
  };
}
