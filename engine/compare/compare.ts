/**
 * Plan comparison: every plan and the no-plan baseline run on the same population and seed in each
 * replication (common random numbers), over seeds seed, seed+1, …; each metric gets a mean and a 95 %
 * t-interval, and each plan a paired difference against the first plan (the difference is taken
 * within a replication, so the customers' shared organic life cancels out).
 */
import { CHANNELS } from "../core/channels.ts";
import { STAGES } from "../core/lifecycle.ts";
import { DAY, parseDate } from "../core/time.ts";
import type { LoadedPlan } from "../plan/load.ts";
import { type Population, syntheticPopulation } from "../sim/population.ts";
import { baselinePlan, DEFAULT_START, runPlan, summarise as summariseRun, type Summary } from "../sim/run.ts";
import { simulate, type SimulationRun } from "../sim/simulate.ts";
import { type WorldModel, worldWith } from "../sim/world-model.ts";
import { type Interval, interval } from "./intervals.ts";
import { suppressionSplit } from "./suppressions.ts";

/** The metrics a comparison reports, in report order. */
export const METRICS = [
  "reach", "contacts", "contactsPerCustomerWeek", "contactsPerCustomerWeekP90", "delivered", "opens", "clicks",
  "conversions", "revenue", "incrementalRevenue", "cost", "incrementalMargin", "roi", "unsubscribes", "complaints",
  "disengaged", "churned", "suppressed", "suppressedConsent", "suppressedWindowCapacity", "suppressedPressure",
  "weeksAboveThreshold", "contactsPer4WeeksMean", "contactsPer4WeeksP90", "contactsPer4WeeksP99", "contactsPer4WeeksMax",
] as const;
export type Metric = typeof METRICS[number];

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
  /** Progress: which plan of which replication, and the simulated day. */
  onProgress?: (label: string, day: number, days: number) => void;
}

/** What the HTML report draws for one plan, from the first replication (seed `seed`). */
export interface PlanDetail {
  summary: Summary;
  daily: Record<string, number[]>; // contacts per channel, unsubscribes, complaints, left, per day
  disengagedWeekly: { day: number; disengaged: number }[]; // customers with fatigue ≥ the threshold at each week's end
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
  currency: string; // the first plan's, for money labels
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
  if (!loaded.length) throw new Error("comparePlans needs at least one plan");
  const t0 = performance.now();
  const customers = o.customers ?? 10_000, days = o.days ?? 365, replications = o.replications ?? 5;
  const first = o.seed ?? 1, startText = o.start ?? DEFAULT_START;
  const start = parseDate(startText);
  if (start === null) throw new Error(`invalid start date: ${startText}`);
  const world = worldWith(o.world);
  const names = uniqueNames(loaded.map((l) => l.plan.name));
  const seeds = Array.from({ length: replications }, (_, i) => first + i);
  const runs: Record<Metric, number | null>[][] = loaded.map(() => []);
  const baselineRuns: Record<Metric, number | null>[] = [];
  const details: PlanDetail[] = [];
  let baselineDetail: PlanDetail | null = null;

  for (const [r, seed] of seeds.entries()) {
    const tag = replications > 1 ? ` (seed ${seed}, ${r + 1}/${replications})` : "";
    let population: Population | null = null;
    const makePopulation = (journeys: number) => {
      population = o.population
        ? o.population({ journeys, seed, start, days, world })
        : syntheticPopulation({ customers, seed, start, days, journeys, world });
      return population;
    };
    const watch = r === 0 ? disengagementWatch(() => population!, start, world) : null;
    const baseline: SimulationRun = simulate(baselinePlan(loaded[0].plan), makePopulation(0), {
      seed, start, days, world, onDay: (d, n) => o.onProgress?.(`no plan${tag}`, d, n),
    });
    for (const [i, l] of loaded.entries()) {
      watch?.reset();
      const res = runPlan(l, {
        customers, days, seed, start: startText, world: o.world, baseline,
        population: (p) => makePopulation(p.journeys),
        onDay: (_phase, d, n) => (watch?.onDay(d), o.onProgress?.(`${names[i]}${tag}`, d, n)),
      });
      runs[i].push(metricsOf(res.summary, res.run));
      if (r === 0) details.push(detailOf(res.summary, res.run, watch!.rows()));
    }
    const bs = baselineSummaryOf(baseline, loaded[0], startText, world);
    baselineRuns.push(metricsOf(bs, baseline));
    if (r === 0) baselineDetail = detailOf(bs, baseline, noDisengagement(days));
  }

  const summarise = (rs: Record<Metric, number | null>[]) =>
    Object.fromEntries(METRICS.map((m) => [m, interval(rs.map((x) => x[m]))])) as Record<Metric, Interval | null>;
  const plans: PlanComparison[] = loaded.map((l, i) => ({
    name: names[i], file: l.file, baseline: false, pressureRules: l.compiled.pressure.rules.map((r) => r.name), margin: l.plan.margin, metrics: summarise(runs[i]), runs: runs[i], detail: details[i],
  }));
  plans.push({ name: "no plan", file: "", baseline: true, pressureRules: [], margin: loaded[0].plan.margin, metrics: summarise(baselineRuns), runs: baselineRuns, detail: baselineDetail! });
  const differences: Difference[] = plans.slice(1).map((p) => ({
    name: p.name,
    against: plans[0].name,
    metrics: Object.fromEntries(METRICS.map((m) => [m, interval(p.runs.map((x, r) => paired(x[m], plans[0].runs[r][m])))])) as Record<Metric, Interval | null>,
  }));
  return { customers, days, start: startText, currency: loaded[0].plan.currency, population: o.populationLabel ?? "synthetic", world, replications, seeds, plans, differences, wallMs: performance.now() - t0 };
}

const paired = (a: number | null, b: number | null) => (a === null || b === null ? null : a - b);

function uniqueNames(names: string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((n) => {
    const k = (seen.get(n) ?? 0) + 1;
    seen.set(n, k);
    return k > 1 ? `${n} (${k})` : n;
  });
}

/** The baseline's own summary: a run without programs, compared with itself (incremental = 0). */
function baselineSummaryOf(run: SimulationRun, l: LoadedPlan, start: string, world: WorldModel): Summary {
  const bl: LoadedPlan = { ...l, compiled: run.plan, plan: run.plan.plan, hash: `${l.hash}:no-plan` };
  return summariseRun(bl, run, run, world, start);
}

/**
 * Counts disengaged customers (decayed fatigue ≥ the world's threshold, not gone, signed up) at the end
 * of every 7th simulated day, reading the population the run updates in place.
 */
function disengagementWatch(pop: () => Population, start: number, world: WorldModel) {
  let rows: { day: number; disengaged: number }[] = [];
  return {
    reset: () => void (rows = []),
    rows: () => rows,
    onDay(d: number) {
      if (d % 7 !== 0) return;
      rows.push({ day: d, disengaged: countDisengaged(pop(), start + d * DAY, world) });
    },
  };
}

function countDisengaged(p: Population, at: number, world: WorldModel): number {
  const t = p.table, tr = p.traits, halfLife = world.fatigueHalfLifeDays * DAY;
  let n = 0;
  for (let c = 0; c < p.size; c++) {
    if (t.gone[c] || t.signup[c] >= at || tr.fatigue[c] === 0) continue;
    if (tr.fatigue[c] * Math.pow(0.5, (at - tr.fatigueAt[c]) / halfLife) >= world.disengagedAt) n++;
  }
  return n;
}

/** The baseline sends nothing, so nobody tires of it. */
const noDisengagement = (days: number) => Array.from({ length: Math.floor(days / 7) }, (_, i) => ({ day: (i + 1) * 7, disengaged: 0 }));

function detailOf(summary: Summary, run: SimulationRun, disengagedWeekly: { day: number; disengaged: number }[]): PlanDetail {
  const m = run.metrics;
  const daily: Record<string, number[]> = {};
  for (const k of [...CHANNELS, "contacts", "unsubscribes", "complaints", "left", "revenue"] as const) daily[k] = Array.from(m.daily[k]);
  const cut = (a: ArrayLike<number>) => {
    const h = Array.from(a);
    while (h.length > 1 && h[h.length - 1] === 0) h.pop();
    return h;
  };
  const h = cut(m.weekHistogram);
  const programs = run.plan.names.programs;
  const stageContacts = programs.flatMap((program, p) =>
    STAGES.map((stage, s) => ({ program, stage, contacts: m.stageContacts[p * STAGES.length + s] }))
  );
  return { summary, daily, disengagedWeekly, weekHistogram: h, fourWeekHistogram: cut(m.fourWeekHistogram), stageContacts, stageReach: stageReachOf(run) };
}

/** Columns of the moments-of-truth matrix: the lifecycle stages at the start, then customers who joined during the run. */
export const START_STAGES = [...STAGES, "joined"] as const;

/** For each program and starting stage: how many of that stage's customers the program reached. */
function stageReachOf(run: SimulationRun): PlanDetail["stageReach"] {
  const t = run.population.table, m = run.metrics, programs = run.plan.names.programs, n = t.size;
  const joined = STAGES.length, size = new Float64Array(joined + 1), reached = new Float64Array(programs.length * (joined + 1));
  for (let c = 0; c < n; c++) {
    const s = t.signup[c] > run.start ? joined : run.stageStart[c];
    size[s]++;
    for (let p = 0; p < programs.length; p++) if (m.reachedBy(c, p)) reached[p * (joined + 1) + s]++;
  }
  return programs.flatMap((program, p) =>
    START_STAGES.map((stage, s) => {
      const r = reached[p * (joined + 1) + s];
      return { program, stage, customers: size[s], reached: r, share: size[s] ? r / size[s] : 0 };
    })
  );
}
