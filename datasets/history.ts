/**
 * Customers' state at a cut-off date, from an imported history: orders, BG/NBD summary (x, t_x, T in
 * weeks), first/last purchase, tenure, value, RFM quintile scores, lifecycle stage and consents.
 * Struct-of-arrays (one typed array per attribute, index = customer index in History.ids) because a
 * million customers may pass; `stateTable` gives an arquero view for reports and notebooks.
 *
 * Conventions (they reproduce the published CDNOW summary exactly): the cut-off day is inclusive; a
 * repeat purchase is a distinct purchase day after the first (same-day orders merge); time in weeks is
 * days / 7; T runs from the first purchase day to the cut-off day.
 */
import { table } from "arquero";
import { DAY, formatDate, type Minutes } from "../engine/core/time.ts";
import { STAGES, stageOf } from "../engine/core/lifecycle.ts";
import type { History } from "./import.ts";

export interface CustomerState {
  cutoff: Minutes;
  length: number;
  /** 1 when the customer exists at the cut-off (purchased by then, or listed with signup ≤ cut-off) */
  known: Uint8Array;
  /** transaction rows up to the cut-off */
  orders: Int32Array;
  /** repeat purchase days (distinct purchase days after the first) */
  x: Int32Array;
  /** weeks from first to last purchase day */
  tx: Float64Array;
  /** weeks from first purchase day to the cut-off day */
  T: Float64Array;
  /** minutes; NaN without purchases */
  firstPurchase: Float64Array;
  lastPurchase: Float64Array;
  /** days from signup (else first purchase) to the cut-off; NaN when neither is known */
  tenureDays: Float64Array;
  /** total value up to the cut-off, net of returns (returns.handling: net), and its mean per order */
  value: Float64Array;
  /** value returned up to the cut-off (already subtracted from value) */
  returned: Float64Array;
  meanValue: Float64Array;
  /** mean value of the repeat purchase days (day totals), 0 when x = 0: the gamma-gamma input */
  meanRepeatValue: Float64Array;
  /** RFM quintile scores 1–5 (5 = most recent / frequent / valuable); 0 without purchases */
  recencyScore: Uint8Array;
  frequencyScore: Uint8Array;
  monetaryScore: Uint8Array;
  /** lifecycle stage index into STAGES */
  stage: Uint8Array;
  email: Uint8Array;
  sms: Uint8Array;
  /** repeat purchase days in (cut-off, holdoutEnd] when a holdout end is given */
  holdout?: Int32Array;
}

/**
 * Summarises every customer at the cut-off (default: the config's calibrationEnd).
 * @example const s = historyState(importHistory("datasets/cdnow.yaml")); s.x.reduce((a, b) => a + b) === 2457
 */
export function historyState(
  h: History,
  cutoff: Minutes = h.config.calibrationEnd,
  holdoutEnd: Minutes | undefined = h.config.holdoutEnd,
): CustomerState {
  const n = h.ids.length, t = h.transactions;
  const cutoffDay = Math.floor(cutoff / DAY);
  const endDay = holdoutEnd === undefined ? undefined : Math.floor(holdoutEnd / DAY);
  // Counting sort of transactions by customer: O(n), and each customer's slice is tiny to sort by day.
  const start = new Int32Array(n + 1);
  for (let i = 0; i < t.length; i++) start[t.customer[i] + 1]++;
  for (let c = 0; c < n; c++) start[c + 1] += start[c];
  const order = new Int32Array(t.length), fill = start.slice(0, n);
  for (let i = 0; i < t.length; i++) order[fill[t.customer[i]]++] = i;

  const s = allocate(n, cutoff);
  if (endDay !== undefined) s.holdout = new Int32Array(n);
  let days = new Float64Array(64), amounts = new Float64Array(64);
  for (let c = 0; c < n; c++) {
    const from = start[c], to = start[c + 1];
    if (to - from > days.length) days = new Float64Array(2 * (to - from)), amounts = new Float64Array(2 * (to - from));
    let k = 0, value = 0, orders = 0;
    for (let j = from; j < to; j++) {
      const i = order[j], day = Math.floor(t.time[i] / DAY);
      if (day <= cutoffDay) value += t.amount[i], orders++;
      insertSorted(days, amounts, k++, day, t.amount[i]);
    }
    // Walk distinct days: calibration days (≤ cut-off) then holdout days.
    let first = NaN, last = NaN, distinct = 0, firstDayValue = 0, holdout = 0;
    for (let j = 0; j < k; j++) {
      const day = days[j], isNew = j === 0 || day !== days[j - 1];
      if (day <= cutoffDay) {
        if (isNew) distinct++, last = day;
        if (distinct === 1) first = day, firstDayValue += amounts[j];
      } else if (endDay !== undefined && day <= endDay && isNew) holdout++;
    }
    const signup = h.customers.signup[c];
    s.known[c] = distinct > 0 || (h.customers.listed[c] && (Number.isNaN(signup) || signup < cutoff + DAY)) ? 1 : 0;
    s.orders[c] = orders, s.value[c] = value;
    s.email[c] = h.customers.email[c], s.sms[c] = h.customers.sms[c];
    if (s.holdout) s.holdout[c] = distinct > 0 ? holdout : 0; // only the calibration cohort is forecast
    const since = Number.isNaN(signup) ? first * DAY : Math.min(signup, Number.isNaN(first) ? Infinity : first * DAY);
    s.tenureDays[c] = Number.isFinite(since) ? Math.max(0, cutoffDay - Math.floor(since / DAY)) : NaN;
    if (distinct === 0) {
      s.firstPurchase[c] = s.lastPurchase[c] = NaN;
      s.stage[c] = stageOf(0, 0, false);
      continue;
    }
    s.x[c] = distinct - 1;
    s.tx[c] = (last - first) / 7;
    s.T[c] = (cutoffDay - first) / 7;
    s.firstPurchase[c] = first * DAY, s.lastPurchase[c] = last * DAY;
    s.meanValue[c] = value / orders;
    s.meanRepeatValue[c] = distinct > 1 ? (value - firstDayValue) / (distinct - 1) : 0;
    s.stage[c] = stageOf(orders, cutoffDay - last, false);
  }
  // Returns net against revenue only: they are not purchases (no day, no order) and, having no order to
  // attach to, leave the mean repeat value (the gamma-gamma input) as bought.
  const r = h.returns;
  for (let i = 0; i < r.length; i++) {
    if (Math.floor(r.time[i] / DAY) > cutoffDay) continue;
    const c = r.customer[i];
    s.returned[c] += r.amount[i], s.value[c] -= r.amount[i];
  }
  if (r.length) for (let c = 0; c < n; c++) if (s.orders[c]) s.meanValue[c] = s.value[c] / s.orders[c];
  scoreQuintiles(s, cutoffDay);
  return s;
}

/** Insertion into a sorted prefix: customers have few transactions, so this beats a general sort. */
function insertSorted(days: Float64Array, amounts: Float64Array, k: number, day: number, amount: number): void {
  let j = k;
  while (j > 0 && days[j - 1] > day) days[j] = days[j - 1], amounts[j] = amounts[j - 1], j--;
  days[j] = day, amounts[j] = amount;
}

function allocate(n: number, cutoff: Minutes): CustomerState {
  return {
    cutoff,
    length: n,
    known: new Uint8Array(n),
    orders: new Int32Array(n),
    x: new Int32Array(n),
    tx: new Float64Array(n),
    T: new Float64Array(n),
    firstPurchase: new Float64Array(n),
    lastPurchase: new Float64Array(n),
    tenureDays: new Float64Array(n),
    value: new Float64Array(n),
    returned: new Float64Array(n),
    meanValue: new Float64Array(n),
    meanRepeatValue: new Float64Array(n),
    recencyScore: new Uint8Array(n),
    frequencyScore: new Uint8Array(n),
    monetaryScore: new Uint8Array(n),
    stage: new Uint8Array(n),
    email: new Uint8Array(n),
    sms: new Uint8Array(n),
  };
}

/**
 * Quintile scores among purchasers. Ties share a score: a customer's score comes from the rank of the
 * first value equal to theirs (lower bound in the sorted values), so equal histories score equally.
 */
function scoreQuintiles(s: CustomerState, cutoffDay: number): void {
  const buyers: number[] = [];
  for (let c = 0; c < s.length; c++) if (s.orders[c] > 0) buyers.push(c);
  const m = buyers.length;
  if (m === 0) return;
  const score = (key: (c: number) => number, into: Uint8Array) => {
    const sorted = Float64Array.from(buyers, key).sort();
    for (const c of buyers) into[c] = 1 + Math.floor((5 * lowerBound(sorted, key(c))) / m);
  };
  score((c) => -(cutoffDay - s.lastPurchase[c] / DAY), s.recencyScore);
  score((c) => s.orders[c], s.frequencyScore);
  score((c) => s.value[c], s.monetaryScore);
}

function lowerBound(a: Float64Array, v: number): number {
  let lo = 0, hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** (x, t_x, T) of the customers who purchased by the cut-off: the BG/NBD fitting input. */
export function frequencyData(s: CustomerState): { x: Int32Array; tx: Float64Array; T: Float64Array; customers: Int32Array } {
  const idx: number[] = [];
  for (let c = 0; c < s.length; c++) if (s.orders[c] > 0) idx.push(c);
  const customers = Int32Array.from(idx);
  return {
    x: customers.map((c) => s.x[c]),
    tx: Float64Array.from(idx, (c) => s.tx[c]),
    T: Float64Array.from(idx, (c) => s.T[c]),
    customers,
  };
}

/** (x, mean repeat value) of repeat buyers with a positive mean: the gamma-gamma fitting input. */
export function spendData(s: CustomerState): { x: Int32Array; m: Float64Array; customers: Int32Array } {
  const idx: number[] = [];
  for (let c = 0; c < s.length; c++) if (s.x[c] > 0 && s.meanRepeatValue[c] > 0) idx.push(c);
  const customers = Int32Array.from(idx);
  return { x: customers.map((c) => s.x[c]), m: Float64Array.from(idx, (c) => s.meanRepeatValue[c]), customers };
}

/**
 * An arquero table of the known customers (one row each), for reports and notebooks.
 * @example stateTable(s, h.ids).orderby("id").print()
 */
export function stateTable(s: CustomerState, ids: readonly string[]) {
  const idx: number[] = [];
  for (let c = 0; c < s.length; c++) if (s.known[c]) idx.push(c);
  const date = (t: number) => (Number.isNaN(t) ? null : formatDate(t));
  const col = <T>(f: (c: number) => T) => idx.map(f);
  return table({
    id: col((c) => ids[c]),
    orders: col((c) => s.orders[c]),
    x: col((c) => s.x[c]),
    t_x: col((c) => s.tx[c]),
    T: col((c) => s.T[c]),
    first_purchase: col((c) => date(s.firstPurchase[c])),
    last_purchase: col((c) => date(s.lastPurchase[c])),
    tenure_days: col((c) => s.tenureDays[c]),
    value: col((c) => s.value[c]),
    returned: col((c) => s.returned[c]),
    mean_value: col((c) => s.meanValue[c]),
    mean_repeat_value: col((c) => s.meanRepeatValue[c]),
    R: col((c) => s.recencyScore[c]),
    F: col((c) => s.frequencyScore[c]),
    M: col((c) => s.monetaryScore[c]),
    stage: col((c) => STAGES[s.stage[c]]),
    email: col((c) => s.email[c] === 1),
    sms: col((c) => s.sms[c] === 1),
    ...(s.holdout ? { holdout_x: col((c) => s.holdout![c]) } : {}),
  });
}

export { dayData } from "./day-data.ts";
