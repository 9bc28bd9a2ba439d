/**
 * The cut-off against the data: a cut-off before every purchase leaves no customer to fit (refused,
 * naming what set it and the first transaction's day), and one after the last purchase leaves a
 * calibration period that ends in silence (a warning: T grows for everyone, read as dropout).
 */
import { DAY, formatDate, type Minutes } from "../engine/core/time.ts";
import { InputError } from "../engine/plan/errors.ts";
import type { History } from "./import.ts";

/** The days (00:00 UTC) of the first and last purchases, or null without any. */
export function transactionDays(h: History): { first: Minutes; last: Minutes } | null {
  const t = h.transactions.time;
  if (t.length === 0) return null;
  let first = Infinity, last = -Infinity;
  for (let i = 0; i < t.length; i++) first = Math.min(first, t[i]), last = Math.max(last, t[i]);
  return { first: Math.floor(first / DAY) * DAY, last: Math.floor(last / DAY) * DAY };
}

/**
 * Refuses a cut-off (inclusive day) by which nobody has purchased: there would be no customer to fit.
 * `by` says what set it: the config's calibrationEnd, or a run's start (the cut-off is the day before).
 * @example requirePurchasesBy(h, "datasets/cdnow.yaml", parseDate("1996-12-31")!, "calibrationEnd")
 */
export function requirePurchasesBy(h: History, file: string, cutoff: Minutes, by: "calibrationEnd" | "start"): void {
  const days = transactionDays(h);
  if (days && days.first <= cutoff) return;
  const where = by === "calibrationEnd" ? `${file}: calibrationEnd ${formatDate(cutoff)}` : `--start ${formatDate(cutoff + DAY)}`;
  const nobody = by === "calibrationEnd" ? "no customer has purchased by then" : `no customer of ${file} has purchased by the day before (${formatDate(cutoff)}, the cut-off of the state and the fit)`;
  if (!days) throw new InputError(`${where}: ${nobody}: the history has no purchases at all (every row skipped or a return); nothing to fit`);
  const fix = by === "calibrationEnd" ? `set calibrationEnd on or after ${formatDate(days.first)}` : `start on ${formatDate(days.first + DAY)} or later`;
  throw new InputError(`${where}: ${nobody}; the first transaction is on ${formatDate(days.first)}, so there is nothing to fit: ${fix}`);
}

/**
 * A calibration period that ends after the last purchase: every customer is silent from the data's end
 * to the cut-off, which BG/NBD reads as dropout (T grows, x does not).
 * @example cutoffWarnings(importHistory("h.yaml")) // ["calibrationEnd 2030-09-30 is 2,200 days after …"]
 */
export function cutoffWarnings(h: History, cutoff: Minutes = h.config.calibrationEnd): string[] {
  const days = transactionDays(h);
  if (!days || cutoff <= days.last) return [];
  const gap = Math.round((cutoff - days.last) / DAY);
  return [`calibrationEnd ${formatDate(cutoff)} is ${gap.toLocaleString("en-US")} day${gap === 1 ? "" : "s"} after the last transaction (${formatDate(days.last)}): the calibration period ends after the data, so every customer looks silent for that long and the fit reads it as dropout; set calibrationEnd on or before ${formatDate(days.last)}`];
}
