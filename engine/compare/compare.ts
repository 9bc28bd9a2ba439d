/**
 * Plan comparison: every plan and the no-plan baseline run on the same population and seed in each
 * replication (common random numbers), over seeds seed, seed+1, …; each metric gets a mean and a 95 %
 * t-interval, and each plan a paired difference against the first plan (the difference is taken
 * within a replication, so the customers' shared organic life cancels out).
 */
import type { LoadedPlan } from "../plan/load.ts";
import type { Population } from "../sim/population.ts";
import type { Summary } from "../sim/run.ts";
import type { SimulationRun } from "../sim/simulate.ts";
import type { WorldModel } from "../sim/world-model.ts";
import { defaultWorkers, runJobs, runsProgress } from "../parallel/pool.ts";
import { type Bounds, EVENTS, type Interval, interval, NON_NEGATIVE, SHARE, UNBOUNDED } from "./intervals.ts";
import { suppressionSplit } from "./suppressions.ts";
import { currencyNote } from "../sim/currency-note.ts";
import {
  baselineRun,
  type BaselineRun,
  type CompareContext,
  compareContext,
  type CompareJobSpec,
  planRun,
  type PlanRun,
  weekEnds,
} from "./compare-runs.ts";

/** The metrics a comparison reports, in report order. */
export const METRICS = [
  "reach", "contacts", "contactsPerCustomerWeek", "contactsPerCustomerWeekP90", "delivered", "opens", "clicks",
  "conversions", "revenue", "incrementalRevenue", "cost", "incrementalMargin", "roi", "unsubscribes", "complaints",
  "disengaged", "churned", "suppressed", "suppressedConsent", "suppressedWindowCapacity", "suppressedPressure",
  "weeksAboveThreshold", "contactsPer4WeeksMean", "contactsPer4WeeksP90", "contactsPer4WeeksP99", "contactsPer4WeeksMax",
] as const;
export type Metric = typeof METRICS[number];

/**
 * The range each metric can take, which its interval is cut to (engine/compare/intervals.ts): counts,
 * revenue, cost and contacts per customer are ≥ 0; the share of weeks over the threshold is within
 * [0, 1]; incremental revenue and margin and ROI are differences against the no-plan baseline, either
 * sign. A paired difference between plans is never cut, whatever the metric. The customers' responses
 * to the plan that a strategist weighs (conversions, unsubscribes, complaints, disengaged, customers
 * who left) are chance events: the same count in every seed gets a Poisson interval, not one of zero
 * width (engine/compare/intervals.ts), except the no-plan baseline's, which are 0 by definition.
 */
export const METRIC_BOUNDS: Record<Metric, Bounds> = {
  ...(Object.fromEntries(METRICS.map((m) => [m, NON_NEGATIVE])) as Record<Metric, Bounds>),
  weeksAboveThreshold: SHARE,
  incrementalRevenue: UNBOUNDED,
  incrementalMargin: UNBOUNDED,
  roi: UNBOUNDED,
  conversions: EVENTS,
  unsubscribes: EVENTS,
  complaints: EVENTS,
  disengaged: EVENTS,
  churned: EVENTS,
};

/** A share (within 0 and 1): a difference of two is in percentage points, not % (docs/report.md). */
export const isShare = (m: Metric) => METRIC_BOUNDS[m] === SHARE;

/** The no-plan baseline's bounds: it sends nothing, so its responses are 0 by definition, not by chance. */
const BASELINE_BOUNDS = Object.fromEntries(METRICS.map((m) => [m, METRIC_BOUNDS[m].events ? NON_NEGATIVE : METRIC_BOUNDS[m]])) as Record<Metric, Bounds>;

/**
 * The pressure threshold of `weeksAboveThreshold`: a customer-week with more than this many contacts
 * counts as over-pressured. Two a week is the cap the example plans (and most CRM charters) use, and
 * it separates plans where the p90 of contacts per week does not (it is 1 for every example plan).
 */
export const WEEK_THRESHOLD = 2;

/**
 * A run's metrics. The pressure distribution (weeks above the threshold, 4-week contacts) is read
 * from the run's counters; without the run those are null.
 */
export function metricsOf(s: Summary, run?: SimulationRun | null): Record<Metric, number | null> {
  const four = run ? run.metrics.fourWeekly() : null;
  const split = suppressionSplit(s.suppressedByRule);
  return {
    suppressedConsent: split.consent, suppressedWindowCapacity: split.windowCapacity, suppressedPressure: split.pressure,
    weeksAboveThreshold: run ? run.metrics.shareWeeksAbove(WEEK_THRESHOLD) : null,
    contactsPer4WeeksMean: four && four.blocks ? four.mean : null, contactsPer4WeeksP90: four && four.blocks ? four.p90 : null,
    contactsPer4WeeksP99: four && four.blocks ? four.p99 : null, contactsPer4WeeksMax: four && four.blocks ? four.max : null,
    reach: s.reach, contacts: s.contacts, contactsPerCustomerWeek: s.contactsPerCustomerWeek.mean,
    contactsPerCustomerWeekP90: s.contactsPerCustomerWeek.p90, delivered: s.delivered, opens: s.opens, clicks: s.clicks,
    conversions: s.conversions, revenue: s.revenue, incrementalRevenue: s.incrementalRevenue, cost: s.cost,
    incrementalMargin: s.incrementalMargin, roi: s.roi, unsubscribes: s.unsubscribes, complaints: s.complaints,
    disengaged: s.disengaged, churned: s.churned, suppressed: s.suppressed,
  };
}

export interface CompareOptions {
  customers?: number; // default 10,000
  days?: number; // default 365
  replications?: number; // default 5
  seed?: number; // first seed, default 1
  start?: string;
  world?: Partial<WorldModel>;
  population?: (o: { journeys: number; seed: number; start: number; days: number; world: WorldModel }) => Population;
  /** What the population is, for the report's assumption lines (default "synthetic"). */
  populationLabel?: string;
  /** The currency the population's revenue is in: a history population's own (default: the plan's). */
  revenueCurrency?: string;
  /** Where each seed's no-plan baseline is cached (engine/sim/baseline-cache.ts); default "memory". */
  cache?: "memory" | "disk" | "off";
  /**
   * Progress: which plan of which replication, and the simulated day. comparePlansInWorkers, whose runs
   * go side by side: the runs finished as the label ("3/15 runs"), and the days simulated by every run
   * together (those still running included) out of runs × days.
   */
  onProgress?: (label: string, day: number, days: number) => void;
}

/** What the HTML report draws for one plan, from the first replication (seed `seed`). */
export interface PlanDetail {
  summary: Summary;
  daily: Record<string, number[]>; // contacts per channel, unsubscribes, complaints, left, per day
  disengagedWeekly: { day: number; disengaged: number }[]; // customers with fatigue ≥ the threshold at each week's end and at the run's end (the summary's figure)
  weekHistogram: number[]; // customer-weeks by number of contacts (index), trailing zeros cut
  fourWeekHistogram: number[]; // customer-4-week blocks by number of contacts (index), trailing zeros cut
  stageContacts: { program: string; stage: string; contacts: number }[];
  /** Moments of truth: per program and lifecycle stage at the start of the run ("joined" = signed up during it), customers reached. */
  stageReach: { program: string; stage: string; customers: number; reached: number; share: number }[];
}

export interface PlanComparison {
  name: string;
  file: string;
  baseline: boolean; // the no-plan baseline
  pressureRules: string[]; // the plan's pressure rule names (none: it cannot suppress by pressure)
  margin: number; // the plan's gross margin rate, used for incremental margin
  metrics: Record<Metric, Interval | null>;
  runs: Record<Metric, number | null>[]; // one per replication
  /**
   * Customers who left the brand so far (the engine's `left`, the summary's `churned`), at the end of
   * every 7th day and at the run's end: mean and interval over the replications, like `metrics`; the
   * last is `metrics.churned`.
   */
  leftWeekly: { day: number; left: Interval }[];
  detail: PlanDetail;
}

export interface Difference {
  name: string;
  against: string;
  metrics: Record<Metric, Interval | null>;
}

export interface Comparison {
  customers: number;
  days: number;
  start: string;
  currency: string; // revenue's: a history population's own, else the first plan's
  costCurrency: string; // message costs and discounts: the first plan's
  /** what the figures cannot show as they are (a history in another currency than the plan's), said rather than left silent */
  warnings: string[];
  population: string; // "synthetic" or "history:<config>"
  world: WorldModel; // the world parameters the runs used
  replications: number;
  seeds: number[];
  plans: PlanComparison[]; // the plans in the order given, then the no-plan baseline
  differences: Difference[]; // every other plan (and the baseline) minus the first plan, paired by seed
  wallMs: number;
}

/**
 * @example const c = comparePlans([loadPlan("scenarios/batch-and-blast.yaml"), loadPlan("scenarios/lifecycle.yaml")], { customers: 20_000, replications: 5 })
 */
export function comparePlans(loaded: LoadedPlan[], o: CompareOptions = {}): Comparison {
  const t0 = performance.now();
  const ctx = compareContext(loaded, o);
  const baselines = ctx.seeds.map((seed, r) => baselineRun(ctx, seed, r === 0, o.onProgress));
  const runs = ctx.seeds.map((seed, r) => loaded.map((_, i) => planRun(ctx, i, seed, r === 0, baselines[r].figures, o.onProgress)));
  return assemble(ctx, baselines, runs, performance.now() - t0);
}

/**
 * The same comparison with its runs (a baseline per seed, then each plan per seed) spread over
 * `workers` Deno workers (default: the machine's cores); identical results for every worker count. The
 * population is given as a spec (`synthetic` or `history:<config>`, engine/sim/population-spec.ts)
 * since a worker cannot receive a function.
 * @example const c = await comparePlansInWorkers([loadPlan("scenarios/lifecycle.yaml")], { replications: 4, workers: 2 })
 */
export async function comparePlansInWorkers(loaded: LoadedPlan[], o: CompareOptions & { workers?: number; populationSpec?: string } = {}): Promise<Comparison> {
  const t0 = performance.now();
  const ctx = compareContext(loaded, o, "comparePlansInWorkers"); // the plans and options checked before they are sent
  const { population: _hook, onProgress, workers, ...rest } = o;
  const spec: CompareJobSpec = { ...rest, plans: loaded.map((l) => ({ text: JSON.stringify(l.source), file: l.file })) };
  const n = workers ?? defaultWorkers(), module = new URL("./compare-runs.ts", import.meta.url).href;
  // progress: the runs done, and the days simulated by every run together, those still running included
  const watch = runsProgress(ctx.seeds.length * (1 + loaded.length), ctx.days, onProgress);
  const b = watch(0), p = watch(ctx.seeds.length);
  const baselines = await runJobs<BaselineRun>(ctx.seeds.map((seed, r) => ({ module, fn: "baselineJob", args: [spec, seed, r === 0] })), n, b.onDone, b.onDay);
  const jobs = ctx.seeds.flatMap((seed, r) => loaded.map((_, i) => ({ module, fn: "planJob", args: [spec, i, seed, r === 0, baselines[r].figures] })));
  const flat = await runJobs<PlanRun>(jobs, n, p.onDone, p.onDay);
  const runs = ctx.seeds.map((_, r) => flat.slice(r * loaded.length, (r + 1) * loaded.length));
  return assemble(ctx, baselines, runs, performance.now() - t0);
}

function assemble(ctx: CompareContext, baselines: BaselineRun[], runs: PlanRun[][], wallMs: number): Comparison {
  const { loaded, names } = ctx;
  const summarise = (rs: Record<Metric, number | null>[], bounds = METRIC_BOUNDS) =>
    Object.fromEntries(METRICS.map((m) => [m, interval(rs.map((x) => x[m]), bounds[m])])) as Record<Metric, Interval | null>;
  // customers who left so far: the last point is `churned`, with the same kind of interval
  const weekly = (rs: { left: number[] }[], bounds = METRIC_BOUNDS) => weekEnds(ctx.days).map((day, w) => ({ day, left: interval(rs.map((r) => r.left[w]), bounds.churned)! }));
  const plans: PlanComparison[] = loaded.map((l, i) => {
    const rs = runs.map((r) => r[i].metrics);
    return { name: names[i], file: l.file, baseline: false, pressureRules: l.compiled.pressure.rules.map((r) => r.name), margin: l.plan.margin, metrics: summarise(rs), runs: rs, leftWeekly: weekly(runs.map((r) => r[i])), detail: runs[0][i].detail! };
  });
  const baselineRuns = baselines.map((b) => b.metrics);
  plans.push({ name: "no plan", file: "", baseline: true, pressureRules: [], margin: loaded[0].plan.margin, metrics: summarise(baselineRuns, BASELINE_BOUNDS), runs: baselineRuns, leftWeekly: weekly(baselines, BASELINE_BOUNDS), detail: baselines[0].detail! });
  const differences: Difference[] = plans.slice(1).map((p) => ({
    name: p.name,
    against: plans[0].name,
    metrics: Object.fromEntries(METRICS.map((m) => [m, pairedDifference(p, plans[0], m)])) as Record<Metric, Interval | null>,
  }));
  const costCurrency = loaded[0].plan.currency, currency = ctx.revenueCurrency ?? costCurrency;
  const note = currencyNote(currency, costCurrency);
  return { customers: ctx.customers, days: ctx.days, start: ctx.startText, currency, costCurrency, warnings: note ? [note] : [], population: ctx.populationLabel, world: ctx.world, replications: ctx.seeds.length, seeds: ctx.seeds, plans, differences, wallMs };
}

/**
 * The paired difference a − b of one metric, seed by seed (the plans ran on the same customers and
 * seeds), never cut: the comparison's differences against the first plan, the verdict's against the runner-up.
 * @example pairedDifference(c.plans[1], c.plans[0], "incrementalMargin")
 */
export function pairedDifference(a: Pick<PlanComparison, "runs">, b: Pick<PlanComparison, "runs">, m: Metric): Interval | null {
  return interval(a.runs.map((x, r) => (x[m] === null || b.runs[r][m] === null ? null : x[m]! - b.runs[r][m]!)));
}

/**
 * The currency a money metric is in, for its label: revenue in the revenue's, cost in the plan's, and a
 * margin (revenue × rate − cost) in both when they differ; "" for a metric that is not money.
 * @example `incremental margin (${moneyUnit(c, "incrementalMargin")})` // "incremental margin (USD revenue − EUR cost)"
 */
export function moneyUnit(c: Pick<Comparison, "currency" | "costCurrency">, m: Metric): string {
  if (m === "revenue" || m === "incrementalRevenue") return c.currency;
  if (m === "cost") return c.costCurrency;
  if (m === "incrementalMargin") return c.currency === c.costCurrency ? c.currency : `${c.currency} revenue − ${c.costCurrency} cost`;
  return "";
}

export { START_STAGES } from "./compare-runs.ts";
