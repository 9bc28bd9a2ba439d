/**
 * Parameter sweeps: run a grid of plan variants (values set by path) on one population per seed, so
 * the variants differ only by the knob (common random numbers), against one shared no-plan baseline per
 * seed. With R replications (seeds seed, seed+1, …) every figure gets a mean and a 95 % t-interval, and
 * every variant a paired difference against the first variant (taken within a seed, then averaged), the
 * same maths as `compare` (engine/compare/intervals.ts).
 */
import * as aq from "arquero";
import { parseDate } from "../core/time.ts";
import { type LoadedPlan, parsePlan } from "../plan/load.ts";
import { type Population, syntheticPopulation } from "../sim/population.ts";
import { parsePopulation } from "../sim/population-spec.ts";
import { type BaselineFigures, checkRun, DEFAULT_START, RUN_OPTIONS, type RunOptions, runOptionsOf, runPlan, simulateBaseline, type Summary } from "../sim/run.ts";
import { baselineKey, cached } from "../sim/baseline-cache.ts";
import { defaultWorkers, runJobs, runsProgress } from "../parallel/pool.ts";
import { planWorld } from "../plan/world-section.ts";
import { METRIC_BOUNDS, METRICS, type Metric, metricsOf, pairedDifference } from "../compare/compare.ts";
import { type Interval, interval } from "../compare/intervals.ts";
import { checkSets, codeNaming, type SetNaming, show, type SweepSet, variantPlan } from "./variant-plans.ts";
export { frontierSvg } from "./frontier-chart.ts";
export { FLAG_NAMING } from "./variant-plans.ts";
export type { SetNaming, SweepSet };

export interface Variant {
  label: string;
  values: Record<string, unknown>;
  /** The first replication's summary (seed `seed`): digests, programs, rule tallies. */
  summary: Summary;
  /** Mean and 95 % interval of every metric over the replications (lo/hi null with one replication). */
  metrics: Record<Metric, Interval | null>;
  /** This variant minus the first variant, paired by seed. The first variant's own is all zeros. */
  difference: Record<Metric, Interval | null>;
  runs: Record<Metric, number | null>[];
  frontier: boolean; // on the Pareto frontier of the means: no other variant has more margin with fewer unsubscribes
  knee: boolean; // the frontier point farthest above the chord between its ends; only with ≥ 3 frontier points and one above the chord
}

export interface SweepResult {
  variants: Variant[];
  replications: number;
  seeds: number[];
  table: aq.ColumnTable;
}

export type SweepOptions = RunOptions & {
  replications?: number; // default 1
  onVariant?: (i: number, n: number, label: string) => void;
  /**
   * Progress as compare gives it: the runs finished as the label ("3/15 runs") and the days simulated by
   * every run together (each seed's no-plan baseline and each variant on each seed, those still running
   * included) out of runs × days.
   */
  onProgress?: (label: string, day: number, days: number) => void;
};

/**
 * Every combination of the sets' values, first set varying slowest.
 * @example grid([{ path: "a", values: [1, 2] }, { path: "b", values: ["x", "y"] }]) // [{ a: 1, b: "x" }, { a: 1, b: "y" }, { a: 2, b: "x" }, { a: 2, b: "y" }]
 */
export function grid(sets: SweepSet[]): Record<string, unknown>[] {
  let out: Record<string, unknown>[] = [{}];
  for (const s of sets) out = out.flatMap((row) => s.values.map((v) => ({ ...row, [s.path]: v })));
  return out;
}

/**
 * @example sweep(loadPlan("scenarios/lifecycle-capped.yaml"), [{ path: "pressure.rules.two-a-week.cap", values: [1, 2, 3] }], { customers: 20_000, replications: 5 })
 */
export function sweep(loaded: LoadedPlan, sets: SweepSet[], o: SweepOptions = {}): SweepResult {
  const ctx = sweepContext("sweep", loaded, sets, o, SWEEP_OPTIONS, codeNaming("sweep"));
  const seeds = ctx.seeds.length, watch = runsProgress(seeds * (1 + ctx.plans.length), ctx.days, o.onProgress)(0);
  // one run, numbered as sweepInWorkers numbers them (the baselines first): its days, then its end
  const counted = <T>(job: number, run: (onDay?: (d: number, n: number) => void) => T): T => {
    const out = run(watch.onDay && ((d, n) => watch.onDay!(job, d, n)));
    watch.onDone(0, 0, job);
    return out;
  };
  const baselines = ctx.seeds.map((seed, r) => counted(r, (onDay) => sweepBaseline(ctx, seed, onDay)));
  const runs = ctx.seeds.map((seed, r) =>
    ctx.plans.map((v, i) => {
      o.onVariant?.(r * ctx.plans.length + i + 1, ctx.plans.length * seeds, seeds > 1 ? `${v.label} (seed ${seed})` : v.label);
      return counted(seeds + r * ctx.plans.length + i, (onDay) => sweepRun(ctx, i, seed, baselines[r], true, onDay));
    })
  );
  return assembleSweep(ctx, runs);
}

/**
 * The same sweep with its runs spread over `workers` Deno workers (default: the machine's cores): first
 * each seed's no-plan baseline, then every variant on every seed. Identical results for every count.
 * `o.population` cannot cross to a worker: give `populationSpec` (engine/sim/population-spec.ts) instead.
 * @example const r = await sweepInWorkers(loadPlan("scenarios/lifecycle-capped.yaml"), [{ path: "pressure.rules.two-a-week.cap", values: [1, 2, 3] }], { customers: 20_000, workers: 2 }); r.variants.length // 3
 */
export async function sweepInWorkers(loaded: LoadedPlan, sets: SweepSet[], o: SweepOptions & { workers?: number; populationSpec?: string } = {}): Promise<SweepResult> {
  const ctx = sweepContext("sweepInWorkers", loaded, sets, o, SWEEP_IN_WORKERS, codeNaming("sweepInWorkers"));
  const { population: _hook, onVariant, onProgress, onDay: _onDay, recorder: _rec, workers, ...rest } = o;
  const spec: SweepJobSpec = { ...rest, plan: { text: JSON.stringify(loaded.source), file: loaded.file }, sets };
  const n = workers ?? defaultWorkers(), module = new URL("./sweep.ts", import.meta.url).href;
  // progress: the runs done, and the days simulated by every run together (baselines included), those still running included
  const watch = runsProgress(ctx.seeds.length * (1 + ctx.plans.length), ctx.days, onProgress);
  const b = watch(0), v = watch(ctx.seeds.length);
  const baselines = await runJobs<BaselineFigures>(ctx.seeds.map((seed) => ({ module, fn: "sweepBaselineJob", args: [spec, seed] })), n, b.onDone, b.onDay);
  const jobs = ctx.seeds.flatMap((seed, r) => ctx.plans.map((_, i) => ({ module, fn: "sweepRunJob", args: [spec, i, seed, r === 0, baselines[r]] })));
  const total = jobs.length;
  const flat = await runJobs<SweepRun>(jobs, n, (done, all, job) => (v.onDone(done, all, job), onVariant?.(done, total, `${done}/${total} runs`)), v.onDay);
  return assembleSweep(ctx, ctx.seeds.map((_, r) => flat.slice(r * ctx.plans.length, (r + 1) * ctx.plans.length)));
}

/**
 * What a sweep checks before its runs (sizes, world, every variant a valid plan), for a caller that
 * has something to do between the checks and the runs (the CLI makes its output folders). Errors name
 * the sets as `naming` says: from code by their index (`sweep: sets[0] (…)`), the CLI's as `--set …`.
 * @example checkSweep(loadPlan("plan.yaml"), [{ path: "pressure.rules[0].cap", values: [1, 2] }], { days: 90 })
 */
export function checkSweep(loaded: LoadedPlan, sets: SweepSet[], o: SweepOptions & { workers?: number; populationSpec?: string } = {}, naming: SetNaming = codeNaming("sweep")): void {
  sweepContext("sweep", loaded, sets, o, SWEEP_IN_WORKERS, naming);
}

interface SweepContext {
  loaded: LoadedPlan;
  plans: { label: string; values: Record<string, unknown>; plan: LoadedPlan }[];
  seeds: number[];
  days: number;
  o: SweepOptions;
}

interface SweepRun {
  metrics: Record<Metric, number | null>;
  summary: Summary | null; // the first seed's
}

/** What a worker needs to rebuild a sweep: JSON only. */
export interface SweepJobSpec extends Omit<SweepOptions, "population" | "onVariant" | "onProgress" | "onDay" | "recorder"> {
  plan: { text: string; file: string };
  sets: SweepSet[];
  populationSpec?: string;
}

const SWEEP_OPTIONS = [...RUN_OPTIONS, "replications", "onVariant", "onProgress"], SWEEP_IN_WORKERS = [...SWEEP_OPTIONS, "workers", "populationSpec"];

function sweepContext(fn: string, loaded: LoadedPlan, sets: SweepSet[], o: SweepOptions, known: readonly string[], naming: SetNaming): SweepContext {
  // the plan, the options' shape, sizes, world and start, as runPlan checks them, before the baseline runs:
  // a plan's file name was read as the plan ('(root) is a value'), options that were not an object as none
  checkRun(fn, loaded, o, known);
  const first = o.seed ?? 1, replications = o.replications ?? 1;
  // plans are built (and validated) once, before any simulation: a bad value fails fast
  const fields = checkSets(loaded, sets, naming);
  const plans = grid(sets).map((values, i) => {
    const label = Object.entries(values).map(([p, v]) => `${p.split(".").pop()}=${show(v)}`).join(", ");
    return { label, values, plan: variantPlan(loaded, values, fields, naming.variant(i, values)) };
  });
  // variants share one population and baseline per seed, drawn in the base plan's world (as in compare):
  // checkSets refused any path into world:, the only way a variant could change it
  return { loaded, plans, seeds: Array.from({ length: replications }, (_, i) => first + i), days: o.days ?? 365, o };
}

function populationOf(ctx: SweepContext, seed: number): (journeys: number) => Population {
  const o = ctx.o, days = ctx.days, start = parseDate(o.start ?? DEFAULT_START)!, world = planWorld(ctx.loaded, o.world);
  return (journeys: number) =>
    o.population ? o.population({ journeys, seed, start, days, world }) : syntheticPopulation({ customers: o.customers ?? 10_000, seed, start, days, journeys, world });
}

/** One seed's no-plan baseline, shared by every variant (cached by its population, engine/sim/baseline-cache.ts). */
function sweepBaseline(ctx: SweepContext, seed: number, onDay?: Days): BaselineFigures {
  const o = ctx.o, days = ctx.days, start = parseDate(o.start ?? DEFAULT_START)!, world = planWorld(ctx.loaded, o.world);
  const population = populationOf(ctx, seed)(0);
  return cached(baselineKey("run", population.describe, days), o.cache ?? "memory", () =>
    simulateBaseline(ctx.loaded.plan, population, { seed, start, days, world, onDay }));
}

function sweepRun(ctx: SweepContext, i: number, seed: number, baseline: BaselineFigures, keepSummary = true, onDay?: Days): SweepRun {
  const make = populationOf(ctx, seed);
  const res = runPlan(ctx.plans[i].plan, { ...runOptionsOf(ctx.o), seed, baseline, population: (p) => make(p.journeys), onDay: onDay && ((_phase, d, n) => onDay(d, n)) });
  return { metrics: metricsOf(res.summary, res.run), summary: keepSummary ? res.summary : null };
}

function assembleSweep(ctx: SweepContext, runsBySeed: SweepRun[][]): SweepResult {
  const runs = ctx.plans.map((_, i) => runsBySeed.map((r) => r[i].metrics));
  const variants: Variant[] = ctx.plans.map((p, i) => ({
    label: p.label,
    values: p.values,
    summary: runsBySeed[0][i].summary!,
    runs: runs[i],
    metrics: Object.fromEntries(METRICS.map((m) => [m, interval(runs[i].map((x) => x[m]), METRIC_BOUNDS[m])])) as Record<Metric, Interval | null>,
    difference: Object.fromEntries(METRICS.map((m) => [m, pairedDifference({ runs: runs[i] }, { runs: runs[0] }, m)])) as Record<Metric, Interval | null>,
    frontier: false,
    knee: false,
  }));
  markFrontier(variants);
  return { variants, replications: ctx.seeds.length, seeds: ctx.seeds, table: sweepTable(variants) };
}

// --- worker entry points (engine/parallel/worker.ts) ---
const contexts = new Map<string, SweepContext>();
function contextOf(spec: SweepJobSpec): SweepContext {
  const key = JSON.stringify(spec);
  let ctx = contexts.get(key);
  if (!ctx) {
    const pop = parsePopulation(spec.populationSpec);
    const { plan, sets, ...options } = spec;
    contexts.set(key, ctx = sweepContext("sweepInWorkers", parsePlan(plan.text, plan.file), sets, { ...options, population: pop.population }, SWEEP_IN_WORKERS, codeNaming("sweepInWorkers")));
  }
  return ctx;
}
// `onDay`: the run's simulated days, given by the pool when its caller shows progress (engine/parallel/pool.ts)
export const sweepBaselineJob = (spec: SweepJobSpec, seed: number, onDay?: Days): BaselineFigures => sweepBaseline(contextOf(spec), seed, onDay);
export const sweepRunJob = (spec: SweepJobSpec, i: number, seed: number, first: boolean, baseline: BaselineFigures, onDay?: Days): SweepRun =>
  sweepRun(contextOf(spec), i, seed, baseline, first, onDay);

type Days = (day: number, days: number) => void;

/**
 * Columns of the sweep table (CSV, JSON, HTML): the headline figures, each with low and high. Every
 * figure the console prints is one of them: its "weeks > 2" column was in no file (weeksAboveThreshold).
 */
export const SWEEP_METRICS: Metric[] = [
  "reach", "contacts", "contactsPerCustomerWeek", "contactsPerCustomerWeekP90", "weeksAboveThreshold", "unsubscribes", "complaints",
  "incrementalRevenue", "incrementalMargin", "cost", "roi", "suppressed",
];

/** One row per variant: its values, then per metric the mean, low and high (and the paired difference). */
function sweepTable(variants: Variant[]): aq.ColumnTable {
  return aq.from(variants.map((v) => {
    const row: Record<string, unknown> = { variant: v.label };
    for (const [k, x] of Object.entries(v.values)) row[k] = typeof x === "object" ? JSON.stringify(x) : x;
    for (const m of SWEEP_METRICS) {
      const iv = v.metrics[m], d = v.difference[m];
      row[m] = iv ? iv.mean : null;
      row[`${m}Low`] = iv?.lo ?? null;
      row[`${m}High`] = iv?.hi ?? null;
      row[`${m}VsFirst`] = d ? d.mean : null;
      row[`${m}VsFirstLow`] = d?.lo ?? null;
      row[`${m}VsFirstHigh`] = d?.hi ?? null;
    }
    // the name the first version of the table used
    row.p90ContactsPerWeek = row.contactsPerCustomerWeekP90;
    row.frontier = v.frontier;
    row.knee = v.knee;
    return row;
  }));
}

/**
 * The frontier of mean incremental margin against mean unsubscribes. The knee needs a bend: with one
 * or two frontier points, or none above the chord between the frontier's ends, no variant is called the knee.
 */
export function markFrontier(vs: Pick<Variant, "metrics" | "frontier" | "knee">[]): void {
  type V = typeof vs[number];
  const m = (v: V) => v.metrics.incrementalMargin?.mean ?? -Infinity, u = (v: V) => v.metrics.unsubscribes?.mean ?? Infinity;
  for (const v of vs) v.frontier = !vs.some((w) => w !== v && m(w) >= m(v) && u(w) <= u(v) && (m(w) > m(v) || u(w) < u(v)));
  const f = vs.filter((v) => v.frontier).sort((a, b) => u(a) - u(b));
  if (f.length < 3) return;
  // distance to the chord from the cheapest (fewest unsubscribes) to the richest end, in normalised units
  const [a, b] = [f[0], f[f.length - 1]];
  const su = Math.max(1e-9, u(b) - u(a)), sm = Math.max(1e-9, Math.abs(m(b) - m(a)));
  let best = f[0], bestD = 0;
  for (const v of f) {
    const x = (u(v) - u(a)) / su, y = (m(v) - m(a)) / sm;
    const d = y - x; // above the diagonal: more margin than the straight line for its unsubscribes
    if (d > bestD + 1e-9) bestD = d, best = v;
  }
  // no point above the chord (the margin bought per unsubscribe grows along the frontier): no bend, no
  // knee; the cheapest end was marked, its 0 beating the others' negative distances
  if (bestD > 0) best.knee = true;
}

/** Why a sweep marks no knee, as the console, the page and the chart say it; null when it marks one. */
export function noKnee(vs: Pick<Variant, "frontier" | "knee">[]): string | null {
  if (vs.some((v) => v.knee)) return null;
  return vs.filter((v) => v.frontier).length < 3
    ? "the frontier has fewer than three points"
    : "no frontier point lies above the line between the frontier's ends";
}
