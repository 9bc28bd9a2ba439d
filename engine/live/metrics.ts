/**
 * GET /v1/metrics/live: what the live plan did since its promotion, treated customers beside the global
 * control group (engine/live/control-group.ts) — sends, suppressions by rule, conversions and revenue
 * per program and in total — and the incremental revenue per customer (treated − control) with a 95 %
 * interval (Welch's normal approximation on per-customer revenue since promotion).
 */
import { formatTime } from "../core/time.ts";
import type { LiveDriver } from "./driver.ts";
import type { Store } from "./store.ts";

interface Group {
  customers: number;
  sends: number;
  suppressed: number;
  holdout: number;
  conversions: number;
  purchasers: number;
  revenue: number;
  revenuePerCustomer: number;
}

/** Per-customer revenue of the two groups since `since`: n, mean, variance. */
export function revenueStats(store: Store, since: number) {
  const rows = store.query<{ control: number; v: number }>(
    // events are not indexed by customer (migration 7): one pass over them, summed per customer, then joined
    `SELECT c.control AS control, coalesce(p.v, 0) AS v FROM customers c
     LEFT JOIN (SELECT customer, sum(value) AS v FROM events WHERE type = 'purchase' AND processed >= ? GROUP BY customer) p ON p.customer = c.id`, since,
  );
  const stat = (ctl: number) => {
    const xs = rows.filter((r) => r.control === ctl).map((r) => r.v);
    const n = xs.length, mean = n ? xs.reduce((a, b) => a + b, 0) / n : 0;
    const variance = n > 1 ? xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1) : 0;
    return { n, mean, variance };
  };
  return { treated: stat(0), control: stat(1) };
}

/** Difference of means with a 95 % normal interval; null when a group is empty. */
export function difference(a: { n: number; mean: number; variance: number }, b: { n: number; mean: number; variance: number }) {
  if (!a.n || !b.n) return null;
  const d = a.mean - b.mean, se = Math.sqrt(a.variance / a.n + b.variance / b.n);
  return { difference: d, lo: d - 1.96 * se, hi: d + 1.96 * se };
}

export function liveMetrics(store: Store, driver: LiveDriver) {
  const plan = driver.planRow;
  // delivery states of the whole outbox: `unknown` messages wait for an operator (docs/live.md, "Delivery")
  const delivery = { pending: 0, sending: 0, delivered: 0, unknown: 0, dead: 0, cancelled: 0, ...store.outboxCounts() };
  if (!plan) return { plan: null, message: "no plan is live", delivery };
  const since = plan.promoted ?? 0;
  const dec = store.query<{ program: string; control: number; status: string; rule: string; n: number }>(
    "SELECT program, control, status, rule, count(*) AS n FROM decisions WHERE plan = ? GROUP BY program, control, status, rule", plan.id,
  );
  const conv = store.query<{ program: string; control: number; n: number; revenue: number }>(
    `SELECT e.program AS program, c.control AS control, count(*) AS n, sum(e.value) AS revenue FROM events e JOIN customers c ON c.id = e.customer
     WHERE e.type = 'purchase' AND e.program != '' AND e.processed >= ? GROUP BY e.program, c.control`, since,
  );
  const stats = revenueStats(store, since);
  const purchasers = store.query<{ control: number; n: number }>(
    `SELECT c.control AS control, count(DISTINCT e.customer) AS n FROM events e JOIN customers c ON c.id = e.customer
     WHERE e.type = 'purchase' AND e.processed >= ? GROUP BY c.control`, since,
  );
  const group = (ctl: number, program?: string): Group => {
    const d = dec.filter((r) => r.control === ctl && (program === undefined || r.program === program));
    const cv = conv.filter((r) => r.control === ctl && (program === undefined || r.program === program));
    const sum = (xs: { n: number }[]) => xs.reduce((a, r) => a + r.n, 0);
    const s = ctl ? stats.control : stats.treated;
    return {
      customers: s.n,
      sends: sum(d.filter((r) => r.status === "sent")),
      suppressed: sum(d.filter((r) => r.status === "suppressed")),
      holdout: sum(d.filter((r) => r.status === "holdout")),
      conversions: sum(cv),
      purchasers: program === undefined ? purchasers.find((p) => p.control === ctl)?.n ?? 0 : 0,
      revenue: program === undefined ? s.mean * s.n : cv.reduce((a, r) => a + r.revenue, 0),
      revenuePerCustomer: program === undefined ? s.mean : 0,
    };
  };
  const byRule: Record<string, number> = {};
  for (const r of dec) if (r.status === "suppressed") byRule[r.rule] = (byRule[r.rule] ?? 0) + r.n;
  const programs = [...new Set(dec.map((r) => r.program))].sort();
  const diff = difference(stats.treated, stats.control);
  return {
    plan: { id: plan.id, name: plan.name, hash: plan.hash, engine: plan.engine, state: plan.state, promoted: formatTime(since) },
    controlShare: driver.control.share,
    delivery,
    total: {
      treated: group(0),
      control: group(1),
      incrementalRevenuePerCustomer: diff,
      incrementalRevenue: diff ? { mean: diff.difference * stats.treated.n, lo: diff.lo * stats.treated.n, hi: diff.hi * stats.treated.n } : null,
    },
    suppressedByRule: byRule,
    programs: programs.map((p) => ({ program: p, treated: group(0, p), control: group(1, p) })),
  };
}
