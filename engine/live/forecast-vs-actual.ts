/**
 * The closed loop: what happened live over the plan's period — from its promotion to its retirement,
 * or to now while it runs (engine/live/metrics.ts, periodOf) — beside what the stored forecast predicted
 * for the same period and population size. Counts are the treated customers' (control customers still
 * get transactional messages, and the forecast is scaled to the treated ones); conversions are purchases
 * attributed to the plan's own programs. The forecast (engine/live/plan-lifecycle.ts) is for `customers`
 * over `days`; it is taken pro rata to the treated customers and the days it ran — elapsed less paused: a
 * paused plan sends nothing, and the forecast ran it every day (reach is not linear
 * in time: the pro-rata reach is an approximation, said in docs/live.md). The forecast's interval is a
 * 95 % *prediction* interval for one run (mean ± t·sd·√(1 + 1/n), from the replications' interval),
 * since the actual is one realisation, not a mean of replications. The actual incremental revenue is
 * itself an estimate (treated − control per customer, times the treated customers) with a 95 % interval;
 * it is "inside" when that interval meets the forecast's. A count's interval is widened to whole
 * numbers, since its actual is one.
 */
import { DAY, formatTime } from "../core/time.ts";
import { ApiError } from "./errors.ts";
import { parsePlan } from "../plan/load.ts";
import { difference, eventTally, membership, periodOf, revenueStats, unmeasured } from "./metrics.ts";
import type { Forecast } from "./plan-lifecycle.ts";
import type { PlanRow, Store } from "./store.ts";

export const COMPARED = ["contacts", "reach", "unsubscribes", "complaints", "conversions", "incrementalRevenue"] as const;

export interface ComparedMetric {
  name: typeof COMPARED[number];
  forecast: { mean: number; lo: number; hi: number };
  actual: number | null;
  /** incrementalRevenue only: the actual's own 95 % interval (treated − control is an estimate too). */
  actualInterval?: { lo: number; hi: number } | null;
  /** incrementalRevenue only, when its actual is null: why it is not measured (no control group...), in words. */
  note?: string;
  inside: boolean | null;
}

/**
 * The half-width of a one-run prediction interval from a forecast's 95 % interval of the mean over
 * `replications` runs: the interval's own half-width × √(n + 1). Read from its upper end, which is never
 * cut: a count's lower end stops at 0 (docs/report.md, "Intervals"), and (hi − lo) / 2 of a cut interval
 * was too narrow.
 */
export function predictionHalfWidth(iv: { mean: number; lo: number | null; hi: number | null } | null | undefined, replications: number): number {
  return iv && iv.lo !== null && iv.hi !== null ? (iv.hi - iv.mean) * Math.sqrt(replications + 1) : 0;
}

export function forecastVsActual(store: Store, plan: PlanRow, now: number) {
  if (!plan.forecast) {
    throw new ApiError(409, `plan ${plan.id} has no forecast${plan.state === "retired" ? " and was retired without one: there is nothing to compare" : `: POST /v1/plans/${plan.id}/forecast, approve and promote it; then this compares what happens live with that forecast`}`);
  }
  if (plan.promoted === null) {
    throw new ApiError(409, `plan ${plan.id} was never promoted: nothing happened live yet${plan.state === "retired" ? " (it was retired before)" : `; it is ${plan.state}: ${plan.state === "approved" ? `POST /v1/plans/${plan.id}/promote` : `approve it, then promote it`}`}`);
  }
  const f = JSON.parse(plan.forecast) as Forecast;
  const period = periodOf(plan, now), end = plan.retired ?? now;
  const days = Math.max(1 / DAY, (end - period.from) / DAY);
  // the forecast ran the plan every day: the days it was paused (it sent nothing then) are not the forecast's
  const paused = pausedMinutes(store, plan.id, period.from, end) / DAY;
  const running = Math.max(1 / DAY, days - paused);
  const isControl = membership(plan);
  const stats = revenueStats(store, period, isControl);
  const treated = stats.treated.n;
  // the forecast ran the plan on every customer: it is set beside the treated customers' figures only
  const scale = (treated / f.customers) * (running / f.days);
  const loaded = parsePlan(plan.source, `plan ${plan.id}`);
  const tally = eventTally(store, period, isControl, loaded.compiled.names.programs).treated;
  // the treated customers' messages, those retention deleted included (engine/live/sqlite-prune.ts)
  const one = (sql: string) => Number(store.query<{ n: number }>(sql, plan.id)[0]?.n ?? 0);
  const contacts = one(`SELECT (SELECT count(*) FROM decisions WHERE plan = ?1 AND status = 'sent' AND control = 0)
    + (SELECT coalesce(sum(n), 0) FROM pruned_decisions WHERE plan = ?1 AND status = 'sent' AND control = 0) AS n`);
  const reach = one(`SELECT count(*) AS n FROM (SELECT customer FROM decisions WHERE plan = ?1 AND status = 'sent' AND control = 0
    UNION SELECT customer FROM pruned_reach WHERE plan = ?1)`);
  const diff = difference(stats.treated, stats.control);
  const actual: Record<typeof COMPARED[number], number | null> = {
    contacts,
    reach,
    unsubscribes: tally.unsubscribes,
    complaints: tally.complaints,
    conversions: [...tally.programs.values()].reduce((a, p) => a + p.conversions, 0),
    incrementalRevenue: diff ? diff.difference * treated : null,
  };
  const metrics: ComparedMetric[] = COMPARED.map((name) => {
    const iv = f.metrics[name];
    const mean = (iv?.mean ?? 0) * scale;
    const half = predictionHalfWidth(iv, f.replications) * scale;
    const a = actual[name];
    if (name !== "incrementalRevenue") {
      // a count is a whole number: its interval is widened to whole numbers (and cannot go below zero),
      // so that 0 purchases against [0.00008, 0.3] is inside, as the interval printed [0, 1] says
      const lo = Math.max(0, Math.floor(mean - half)), hi = Math.ceil(mean + half);
      return { name, forecast: { mean, lo, hi }, actual: a, inside: a === null ? null : a >= lo && a <= hi };
    }
    // money can go below zero; the measured increment has its own sampling error: inside when the two intervals overlap
    const lo = mean - half, hi = mean + half;
    const ai = diff ? { lo: diff.lo * treated, hi: diff.hi * treated } : null;
    const note = diff ? {} : { note: unmeasured(plan, treated, stats.control.n)! };
    return { name, forecast: { mean, lo, hi }, actual: a, actualInterval: ai, inside: ai === null ? null : ai.hi >= lo && ai.lo <= hi, ...note };
  });
  return {
    plan: { id: plan.id, name: plan.name, hash: plan.hash, engine: plan.engine, state: plan.state, currency: loaded.plan.currency },
    period: { from: formatTime(period.from), to: formatTime(end), days: Math.round(days * 1000) / 1000, pausedDays: Math.round(paused * 1000) / 1000 },
    population: { treated, control: stats.control.n, forecastCustomers: f.customers, forecastDays: f.days, scale },
    metrics,
  };
}

/** Minutes of [from, end) the plan spent paused, from its audited pauses and resumes (a pause still open runs to `end`). */
function pausedMinutes(store: Store, plan: number, from: number, end: number): number {
  const rows = store.query<{ at: number; action: string }>(
    "SELECT at, action FROM audit WHERE target = ? AND action IN ('plan.pause', 'plan.resume') ORDER BY id", `plan ${plan}`,
  );
  let total = 0, since: number | null = null;
  for (const r of rows) {
    if (r.action === "plan.pause") since ??= r.at;
    else if (since !== null) total += Math.max(0, Math.min(r.at, end) - Math.max(since, from)), since = null;
  }
  if (since !== null) total += Math.max(0, end - Math.max(since, from));
  return total;
}
