/**
 * What a backtest cannot show, said rather than left silent: campaigns with no send date inside the
 * replayed period (a plan written for 2026 replayed over 1997), journeys nobody entered because their
 * trigger never occurs in a purchase history (a backtest replays signups, purchases and inactivity, not
 * visits, carts or e-mail responses) or because their condition kept everyone out, and a history whose
 * currency differs from the plan's (the plan's costs and the history's revenue are then different money).
 */
import { campaignOccurrences } from "../core/campaign-schedule.ts";
import type { CompiledPlan } from "../core/compiled.ts";
import { EVENT_TYPES } from "../core/events.ts";
import { DAY, formatDate } from "../core/time.ts";
import type { BacktestSummary } from "./replay.ts";
import { currencyNote } from "../sim/currency-note.ts";

/** The event types a backtest replays, and how many of each the summary counted. */
const REPLAYED: Record<string, (s: BacktestSummary) => number> = {
  signup: (s) => s.signups,
  purchase: (s) => s.purchases,
  inactive: (s) => s.inactive,
};

export interface BacktestWarning {
  kind: "campaign-outside-period" | "journey-never-entered" | "currency" | "period-outside-data";
  program?: string;
  message: string;
}

/**
 * @param entered journey entries per program index (Metrics.programs[i].entered)
 * @param data the days of the history's first and last transactions, when it has any
 * @example backtestWarnings(r.plan, r.summary, r.metrics.programs.map((p) => p.entered), history.config.money, from, to, transactionDays(history))
 */
export function backtestWarnings(plan: CompiledPlan, s: BacktestSummary, entered: number[], historyCurrency: string, from: number, to: number, data?: { first: number; last: number }): BacktestWarning[] {
  const out: BacktestWarning[] = periodWarnings(from, to, data);
  const period = `${formatDate(from)} .. ${formatDate(to)}`;
  const occurrences = campaignOccurrences(plan, from, to + DAY);
  for (const cp of plan.campaigns) {
    if (occurrences.some((o) => o.campaign === cp.index)) continue;
    const id = plan.programs[cp.program].id;
    out.push({ kind: "campaign-outside-period", program: id, message: `campaign ${id}: no send date in the period ${period}; its schedule (${scheduleText(cp.schedule)}) falls outside it, so it sent nothing` });
  }
  for (const j of plan.journeys) {
    const id = plan.programs[j.program].id;
    if (entered[j.program] > 0) continue;
    const type = EVENT_TYPES[j.triggerEvent];
    const count = REPLAYED[type]?.(s);
    const why = count === undefined
      ? `its trigger '${type}' never occurs in a replayed history (a backtest replays signups, purchases and inactivity only)`
      : count === 0
      ? `its trigger '${type}' did not occur in the period`
      : `its trigger '${type}' occurred ${count.toLocaleString("en-US")} times, but its condition or re-entry rule let no one in`;
    out.push({ kind: "journey-never-entered", program: id, message: `journey ${id}: nobody entered; ${why}` });
  }
  const currency = currencyNote(historyCurrency, plan.plan.currency);
  if (currency) out.push({ kind: "currency", message: currency });
  return out;
}

/**
 * A period (days `from` .. `to`, inclusive) that runs past the history's transactions, or starts before
 * them: nothing is replayed there. Shared by `backtest` and `extract --history` (a one-day period).
 * @example periodWarnings(parseDate("1996-10-07")!, parseDate("1996-10-07")!, transactionDays(h))
 */
export function periodWarnings(from: number, to: number, data?: { first: number; last: number } | null): BacktestWarning[] {
  const out: BacktestWarning[] = [];
  // a period past the data replays nothing there: its days count as days without a purchase
  const days = (n: number) => `${Math.round(n / DAY).toLocaleString("en-US")} day${Math.round(n / DAY) === 1 ? "" : "s"}`;
  if (data && to > data.last + DAY) {
    out.push({ kind: "period-outside-data", message: `the period runs ${days(to - data.last)} past the history's last transaction (${formatDate(data.last)}): nothing is replayed after it, so those days show no purchase and their figures are not the brand's` });
  }
  if (data && from < data.first - DAY) {
    out.push({ kind: "period-outside-data", message: `the period starts ${days(data.first - from)} before the history's first transaction (${formatDate(data.first)}): nothing is replayed before it` });
  }
  return out;
}

function scheduleText(s: CompiledPlan["campaigns"][number]["schedule"]): string {
  const d = (t: number) => formatDate(t);
  switch (s.kind) {
    case "once":
      return `once ${d(s.at)}`;
    case "dates":
      return s.dates.length ? `dates ${d(Math.min(...s.dates))} .. ${d(Math.max(...s.dates))}` : "no dates";
    case "every":
      return `every ${s.every % (7 * DAY) === 0 ? `${s.every / (7 * DAY)}w` : `${s.every / DAY}d`}${s.start !== undefined && s.start !== null ? ` from ${d(s.start)}` : ""}`;
    default:
      return `${s.kind}${"start" in s && s.start !== undefined && s.start !== null ? ` from ${d(s.start)}` : ""}${"end" in s && s.end !== undefined && s.end !== null ? ` to ${d(s.end)}` : ""}`;
  }
}
