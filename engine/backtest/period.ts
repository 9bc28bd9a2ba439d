/**
 * The period a backtest replays, as `cadence backtest` defaults it when --from or --to is not given:
 * from the day after the history config's calibrationEnd, to its holdoutEnd, else the last
 * transaction's day. From code a day is given as a date ("1997-10-01") or in minutes (parseDate's);
 * unchecked, a date's text or a missing day failed deep in the replay ("Invalid time value").
 */
import { DAY, formatDate, type Minutes, parseDate, YEARS } from "../core/time.ts";
import { InputError } from "../plan/errors.ts";
import { describe } from "../plan/fields.ts";
import type { History } from "../../datasets/import.ts";
import { transactionDays } from "../../datasets/cutoff.ts";

/** A day as backtest options give it. */
export type Day = Minutes | string;

/**
 * @example backtestPeriod(importHistory("datasets/cdnow-optin.yaml"), {}) // { from: calibrationEnd + 1 day, to: holdoutEnd }
 */
export function backtestPeriod(h: History, o: { from?: Day; to?: Day }): { from: Minutes; to: Minutes } {
  const from = day("from", o.from) ?? h.config.calibrationEnd + DAY;
  let to = day("to", o.to) ?? h.config.holdoutEnd;
  if (to === undefined) {
    const days = transactionDays(h);
    if (!days) throw new InputError(`to: the history has no holdoutEnd and no transactions to end the period with: give the last day, e.g. { to: "1998-06-30" }`);
    to = days.last;
  }
  if (to < from) throw new InputError(`to: ${formatDate(to)} is before from: ${formatDate(from)} (from defaults to the day after the history's calibrationEnd)`);
  return { from, to };
}

function day(name: string, v: Day | undefined): Minutes | undefined {
  if (v === undefined) return undefined;
  const t = typeof v === "string" ? parseDate(v) : Number.isFinite(v) ? v : null;
  if (t === null) throw new InputError(`${name}: expected a date such as "1997-10-01" (${YEARS}) or its minutes (parseDate("1997-10-01")), got ${describe(v)}`);
  return t;
}
