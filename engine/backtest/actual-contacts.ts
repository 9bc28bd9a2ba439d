/**
 * What was actually sent over a backtest's period, from the history's contact export, in the backtest
 * summary's own terms (contacts, reach, by channel, contacts per customer-week), so the report can set
 * what the plan would have sent beside it. A customer-week counts when the customer existed by the end
 * of the week (signup, else first purchase), as in the backtest's metrics; complete weeks only.
 */
import { CHANNELS } from "../core/channels.ts";
import { DAY, HOUR, type Minutes, WEEK } from "../core/time.ts";
import { histogramStats } from "../sim/metrics.ts";
import type { History } from "../../datasets/import.ts";
import type { BacktestSummary } from "./replay.ts";
import { fmtInt, table } from "../cli/format.ts";

export interface ActualContacts {
  contacts: number;
  reach: number;
  contactsByChannel: Record<string, number>;
  /** the most-sent programs (campaigns) of the export, at most 10 */
  topPrograms: { program: string; contacts: number }[];
  contactsPerCustomerWeek: { mean: number; p50: number; p90: number; p99: number; max: number };
}

/**
 * @param from first day (00:00 UTC) @param to last day, inclusive
 * @example actualContacts(importHistory("out/retail/retail.yaml"), parseDate("2011-09-01")!, parseDate("2011-11-30")!)
 */
export function actualContacts(h: History, from: Minutes, to: Minutes): ActualContacts | null {
  const k = h.contacts;
  if (!k) return null;
  const start = Math.floor(from / DAY) * DAY, end = (Math.floor(to / DAY) + 1) * DAY, n = h.ids.length;
  const weeks = Math.floor((end - start) / WEEK);
  const since = Float64Array.from(h.customers.signup, (s) => (Number.isNaN(s) ? Infinity : s));
  const tx = h.transactions;
  for (let i = 0; i < tx.length; i++) {
    const t = tx.time[i] % DAY === 0 ? tx.time[i] + 12 * HOUR : tx.time[i]; // the backtest's placement
    if (t < since[tx.customer[i]]) since[tx.customer[i]] = t;
  }
  const perWeek = new Uint16Array(n * Math.max(1, weeks)), reached = new Uint8Array(n);
  const byChannel = CHANNELS.map(() => 0), byProgram = new Map<number, number>();
  let contacts = 0, reach = 0;
  for (let i = 0; i < k.length; i++) {
    const t = k.time[i];
    if (t < start || t >= end) continue;
    const c = k.customer[i];
    contacts++, byChannel[k.channel[i]]++;
    if (!reached[c]) reached[c] = 1, reach++;
    if (k.program[i] >= 0) byProgram.set(k.program[i], (byProgram.get(k.program[i]) ?? 0) + 1);
    const w = Math.floor((t - start) / WEEK);
    if (w < weeks && perWeek[c * weeks + w] < 65535) perWeek[c * weeks + w]++;
  }
  const histogram: number[] = [];
  for (let w = 0; w < weeks; w++) {
    const weekEnd = start + (w + 1) * WEEK;
    for (let c = 0; c < n; c++) {
      if (since[c] >= weekEnd) continue;
      const v = perWeek[c * weeks + w];
      histogram[v] = (histogram[v] ?? 0) + 1;
    }
  }
  const s = histogramStats(Array.from(histogram, (v) => v ?? 0));
  return {
    contacts,
    reach,
    contactsByChannel: Object.fromEntries(CHANNELS.map((ch, i) => [ch, byChannel[i]])),
    topPrograms: [...byProgram].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, 10).map(([p, v]) => ({ program: k.programs[p], contacts: v })),
    contactsPerCustomerWeek: { mean: Math.round(s.mean * 1e4) / 1e4, p50: s.p50, p90: s.p90, p99: s.p99, max: s.max },
  };
}

/** The plan beside what was sent, for the backtest's readable report. */
export function formatPlanVsActual(s: BacktestSummary, a: ActualContacts): string {
  const w = (x: ActualContacts["contactsPerCustomerWeek"]) => `${x.mean.toFixed(2)} / ${x.p50} / ${x.p90} / ${x.p99} / ${x.max}`;
  const rows = [
    ["contacts", fmtInt(s.contacts), fmtInt(a.contacts)],
    ["reach (customers contacted)", fmtInt(s.reach), fmtInt(a.reach)],
    // the plan's custom channels after the built-in ones (a contact history holds built-in channels only)
    ...[...new Set([...CHANNELS, ...Object.keys(s.contactsByChannel)])].filter((ch) => (s.contactsByChannel[ch] ?? 0) + (a.contactsByChannel[ch] ?? 0) > 0)
      .map((ch) => [`  ${ch}`, fmtInt(s.contactsByChannel[ch] ?? 0), fmtInt(a.contactsByChannel[ch] ?? 0)]),
    ["per customer-week mean / p50 / p90 / p99 / max", w(s.contactsPerCustomerWeek), w(a.contactsPerCustomerWeek)],
  ];
  const out = ["", "the plan beside what was actually sent (contact history):", table(rows, ["", "plan", "actual"])];
  if (a.topPrograms.length) {
    out.push("", "most-sent campaigns actually:", table(a.topPrograms.map((p) => [p.program, fmtInt(p.contacts)]), ["campaign", "contacts"]));
  }
  return out.join("\n");
}
