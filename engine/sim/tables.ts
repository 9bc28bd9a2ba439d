/**
 * A run's results as arquero tables: the shape notebooks, reports and the CLI's files share.
 */
import * as aq from "arquero";
import { BUILTIN_CHANNELS } from "../core/channels.ts";
import { inHoldout } from "../core/decide.ts";
import { EVENT_TYPES } from "../core/events.ts";
import { STAGES, stageAt } from "../core/lifecycle.ts";
import { DAY, formatDate, formatTime } from "../core/time.ts";
import { SERIES } from "./metrics.ts";
import type { BaselineFigures } from "./run.ts";
import { type Recorder, STATUS } from "./recorder.ts";
import type { SimulationRun } from "./simulate.ts";
import type { Summary } from "./run.ts";
import { checkTableRecorder, checkTableRun, checkTableSummaries } from "./table-arguments.ts";
import { PER2, PER4 } from "../core/record.ts";

const consents = (names: readonly string[], bits: number) => names.filter((_, i) => bits & (1 << i)).join("|");

/**
 * One row per day: every series of engine/sim/metrics.ts, plus the baseline's revenue when given.
 * @example const result = runPlan(plan, { customers: 1000, days: 30 }); dailyTable(result.run, result.baseline).numRows() // 30
 */
export function dailyTable(run: SimulationRun, baseline?: BaselineFigures | null): aq.ColumnTable {
  checkTableRun("dailyTable", run);
  const cols: Record<string, unknown[]> = { date: [] };
  for (let d = 0; d < run.days; d++) cols.date.push(formatDate(run.start + d * DAY));
  // the plan's custom channels' series come after the fixed ones (engine/sim/metrics.ts)
  for (const s of [...SERIES, ...run.plan.names.channels.slice(BUILTIN_CHANNELS)]) cols[s] = Array.from(run.metrics.daily[s], (x) => Math.round(x * 100) / 100);
  if (baseline) cols.baselineRevenue = baseline.dailyRevenue.map((x) => Math.round(x * 100) / 100);
  return aq.table(cols);
}

const whyOf = (rec: Recorder): string[] | null => {
  const why = (rec as Recorder & { why?: string[] }).why;
  return why && why.length === rec.mTime.length ? why : null;
};

/**
 * formatTime, each distinct minute formatted once: rows of one minute share one string, which a file's
 * dictionary (Arrow) hashes once, and a million rows hold a string per minute, not per row.
 */
function minuteTexts(): (t: number) => string {
  const known = new Map<number, string>();
  return (t) => {
    let text = known.get(t);
    if (text === undefined) known.set(t, text = formatTime(t));
    return text;
  };
}

/**
 * One row per message decision: sent, suppressed (with the rule) or holdout.
 * @example const r = runPlan(plan, { customers: 1000, days: 30, record: true });
 * messagesTable(r.run, r.recorder!).filter((d: { status: string }) => d.status === "sent").numRows() // r.summary.contacts
 */
export function messagesTable(run: Pick<SimulationRun, "plan"> & { population: { table: { ids: string[] } } }, rec: Recorder): aq.ColumnTable {
  checkTableRun("messagesTable", run), checkTableRecorder("messagesTable", rec);
  const p = run.plan, ids = run.population.table.ids, text = minuteTexts();
  return aq.table({
    time: rec.mTime.map(text),
    customer: rec.mCust.map((c) => ids[c]),
    program: rec.mSend.map((s) => p.names.programs[p.sends[s].program]),
    message: rec.mSend.map((s) => p.sends[s].message),
    channel: rec.mSend.map((s) => p.names.channels[p.sends[s].channel]),
    category: rec.mSend.map((s) => p.names.categories[p.sends[s].category]),
    status: rec.mStatus.map((s) => STATUS[s]),
    rule: rec.mRule,
    cost: rec.mCost,
    at: rec.mAt.map(text),
    // an explaining recorder (engine/explain/observer.ts) adds why each message was not sent as decided
    ...(whyOf(rec) ? { why: whyOf(rec) } : {}),
  });
}

/**
 * The simulated world's event stream in time order: what a live server would have been sent.
 * @example const r = runPlan(plan, { customers: 1000, days: 30, record: true }); eventsTable(r.run, r.recorder!) // time, customer, type, channel, program, message, value
 */
export function eventsTable(run: SimulationRun, rec: Recorder): aq.ColumnTable {
  checkTableRun("eventsTable", run), checkTableRecorder("eventsTable", rec);
  const p = run.plan, ids = run.population.table.ids, order = rec.eventOrder(), text = minuteTexts();
  const col = <T>(f: (i: number) => T) => Array.from(order, f);
  return aq.table({
    time: col((i) => text(rec.eTime[i])),
    customer: col((i) => ids[rec.eCust[i]]),
    type: col((i) => (rec.eType[i] < 0 ? "left" : EVENT_TYPES[rec.eType[i]])),
    channel: col((i) => (rec.eChannel[i] >= 0 ? p.names.channels[rec.eChannel[i]] : "")),
    program: col((i) => (rec.eProgram[i] >= 0 ? p.names.programs[rec.eProgram[i]] : "")),
    message: col((i) => (rec.eSend[i] >= 0 ? p.sends[rec.eSend[i]].message : "")),
    value: col((i) => Math.round(rec.eValue[i] * 100) / 100),
  });
}

/**
 * One row per customer: who they were at the start and at the end, and what the plan did to them.
 * @example customersTable(runPlan(plan, { customers: 1000, days: 30 }).run).numRows() // 1000
 */
export function customersTable(run: SimulationRun): aq.ColumnTable {
  checkTableRun("customersTable", run);
  const t = run.population.table, m = run.metrics, n = t.size, end = run.start + run.days * DAY;
  const rows = Array.from({ length: n }, (_, c) => c);
  const holdouts = run.plan.programs.filter((p) => p.holdout > 0);
  return aq.table({
    id: t.ids.slice(0, n),
    timezone: rows.map((c) => t.tz[c * PER2]),
    signup: rows.map((c) => formatDate(t.signup[c * PER4])),
    lifecycleStart: rows.map((c) => (t.signup[c * PER4] > run.start ? "" : STAGES[run.stageStart[c]])),
    lifecycleEnd: rows.map((c) => STAGES[stageAt(t, c, end)]),
    consentsStart: rows.map((c) => consents(run.plan.names.channels, t.consent0[c])),
    consentsEnd: rows.map((c) => consents(run.plan.names.channels, t.consent[c * PER2])),
    holdouts: rows.map((c) => holdouts.filter((p) => inHoldout(run.seed, t.key[c * PER4], p)).map((p) => p.id).join("|")),
    contacts: m.column("contactsOf"),
    purchases: m.column("purchasesOf"),
    revenue: m.column("revenueOf").map((x) => Math.round(x * 100) / 100),
  });
}

/**
 * One row per program: contacts, reach, suppressions, holdouts, opens, clicks, conversions, revenue, cost.
 * @example programsTable(runPlan(loadPlan("scenarios/lifecycle.yaml")).summary).numRows() // 13, the plan's programs
 */
export function programsTable(summary: Summary): aq.ColumnTable {
  checkTableSummaries("programsTable", summary);
  return aq.from(summary.programs);
}

/**
 * The headline figures of one or more runs, one row per plan, as an arquero table.
 * @example totalsTable([runPlan(loadPlan("scenarios/lifecycle.yaml")).summary, runPlan(loadPlan("scenarios/lifecycle-capped.yaml")).summary]) // 2 rows
 */
export function totalsTable(summaries: Summary[]): aq.ColumnTable {
  checkTableSummaries("totalsTable", summaries);
  return aq.from(summaries.map((s) => ({
    plan: s.plan,
    customers: s.customers,
    reach: s.reach,
    contacts: s.contacts,
    contactsPerWeekMean: s.contactsPerCustomerWeek.mean,
    contactsPerWeekP90: s.contactsPerCustomerWeek.p90,
    contactsPerWeekP99: s.contactsPerCustomerWeek.p99,
    opens: s.opens,
    clicks: s.clicks,
    conversions: s.conversions,
    revenue: s.revenue,
    baselineRevenue: s.baselineRevenue,
    incrementalRevenue: s.incrementalRevenue,
    cost: s.cost,
    incrementalMargin: s.incrementalMargin,
    roi: s.roi,
    unsubscribes: s.unsubscribes,
    complaints: s.complaints,
    disengaged: s.disengaged,
    churned: s.churned,
    suppressed: s.suppressed,
    deferred: s.deferred,
  })));
}
