/**
 * The runs a comparison is made of — the no-plan baseline of each seed, and each plan on each seed —
 * as functions of plain data, so that `comparePlans` runs them in order and `comparePlansInWorkers`
 * spreads them over workers (engine/parallel/pool.ts) with the same results. Each run rebuilds its
 * seed's population (the population is updated in place by a run), so runs share nothing.
 */
import { STAGES } from "../core/lifecycle.ts";
import { DAY } from "../core/time.ts";
import { canonical, type LoadedPlan, parsePlan } from "../plan/load.ts";
import { type Population, syntheticPopulation, TR4, TR8 } from "../sim/population.ts";
import { parsePopulation, type PopulationHook } from "../sim/population-spec.ts";
import { type BaselineFigures, baselineFigures, baselinePlan, checkLoaded, DEFAULT_START, runPlan, runStart, summarise as summariseRun, type Summary } from "../sim/run.ts";
import { simulate, type SimulationRun } from "../sim/simulate.ts";
import type { WorldModel } from "../sim/world-model.ts";
import { checkOptionNames, checkRunSizes, InputError } from "../plan/errors.ts";
import { describe } from "../plan/fields.ts";
import { checkWorldOption } from "../sim/world-option.ts";
import { checkOptionTypes } from "../sim/option-types.ts";
import { planWorld } from "../plan/world-section.ts";
import { baselineKey, cached, type CacheMode } from "../sim/baseline-cache.ts";
import { type CompareOptions, type Metric, metricsOf, type PlanDetail } from "./compare.ts";
import { PER1, PER4 } from "../core/record.ts";

/** What a worker needs to rebuild a comparison's context: JSON only. */
export interface CompareJobSpec extends Omit<CompareOptions, "population" | "onProgress"> {
  plans: { text: string; file: string }[];
  populationSpec?: string; // "synthetic" (default) or "history:<config>"
  cache?: CacheMode;
}

export interface CompareContext {
  loaded: LoadedPlan[];
  names: string[];
  customers: number;
  days: number;
  startText: string;
  start: number;
  world: WorldModel;
  seeds: number[];
  population: PopulationHook | undefined;
  populationLabel: string;
  revenueCurrency: string | undefined;
  cache: CacheMode;
}

export interface BaselineRun {
  figures: BaselineFigures;
  metrics: Record<Metric, number | null>;
  left: number[]; // customers who left the brand so far, at each of weekEnds(days)
  detail: PlanDetail | null; // the first seed's, for the report
}

export interface PlanRun {
  metrics: Record<Metric, number | null>;
  left: number[]; // customers who left the brand so far, at each of weekEnds(days)
  detail: PlanDetail | null;
}

/** CompareOptions' names (compareContext refuses any other; comparePlansInWorkers also takes workers and populationSpec). */
const COMPARE_OPTIONS = ["customers", "days", "replications", "seed", "start", "world", "population", "populationLabel", "revenueCurrency", "cache", "onProgress"] as const satisfies readonly (keyof CompareOptions)[];

export function compareContext(loaded: LoadedPlan[], o: CompareOptions & { cache?: CacheMode } = {}, fn = "comparePlans"): CompareContext {
  // plan file names were read as plans ("Cannot read properties of undefined (reading 'currency')")
  if (!Array.isArray(loaded) || !loaded.length) {
    throw new InputError(`${fn}: expected a list of one or more loaded plans, e.g. ${fn}([loadPlan("scenarios/batch-and-blast.yaml"), loadPlan("scenarios/lifecycle.yaml")]), got ${Array.isArray(loaded) ? "an empty list" : describe(loaded)}`);
  }
  for (const l of loaded) checkLoaded(fn, l);
  if (!(o !== null && typeof o === "object" && !Array.isArray(o))) {
    throw new InputError(`${fn}: options: expected an object such as { customers: 10_000, replications: 5 } (or nothing, for the defaults), got ${o === null ? "null" : describe(o)}`);
  }
  checkOptionNames(fn, o, fn === "comparePlansInWorkers" ? [...COMPARE_OPTIONS, "workers", "populationSpec"] : COMPARE_OPTIONS);
  const startText = o.start ?? DEFAULT_START, start = runStart(startText);
  checkRunSizes(o);
  checkOptionTypes(fn, o as Record<string, unknown>);
  checkOneCurrency(loaded);
  const replications = o.replications ?? 5, first = o.seed ?? 1;
  return {
    loaded,
    names: uniqueNames(loaded.map((l) => l.plan.name)),
    customers: o.customers ?? 10_000,
    days: o.days ?? 365,
    startText,
    start,
    world: commonWorld(loaded, o.world),
    seeds: Array.from({ length: replications }, (_, i) => first + i),
    population: o.population,
    populationLabel: o.populationLabel ?? "synthetic",
    revenueCurrency: o.revenueCurrency,
    cache: o.cache ?? "memory",
  };
}

/** Money is set side by side and differenced across the plans, and reported in the first plan's currency: one currency. */
function checkOneCurrency(loaded: LoadedPlan[]): void {
  const currency = loaded[0].plan.currency, other = loaded.find((l) => l.plan.currency !== currency);
  if (other) {
    throw new InputError(`${other.file}: currency: ${other.plan.currency}, where ${loaded[0].file} is in ${currency}; plans compared together have their costs and margins set side by side and differenced, so they must share one currency (convert the costs, or compare them separately)`);
  }
}

/**
 * The one world every plan of a comparison runs in. Plans share each seed's population and no-plan
 * baseline (common random numbers), and the population is drawn from the world's priors: plans whose
 * `world:` sections lead to different worlds cannot be compared on one population, so they are refused.
 */
function commonWorld(loaded: LoadedPlan[], over: CompareOptions["world"]): WorldModel {
  checkWorldOption(over);
  const worlds = loaded.map((l) => planWorld(l, over)), first = canonical(worlds[0]);
  const odd = loaded.filter((_, i) => canonical(worlds[i]) !== first);
  if (odd.length) {
    throw new InputError(`${odd[0].file}: world: this plan's world differs from ${loaded[0].file}'s; plans compared together run on one population and must share their world parameters (give them the same world: section, or compare them separately)`);
  }
  return worlds[0];
}

type Progress = CompareOptions["onProgress"];

function populationMaker(ctx: CompareContext, seed: number) {
  const { customers, start, days, world } = ctx;
  let population: Population | null = null;
  return {
    make(journeys: number): Population {
      population = ctx.population
        ? ctx.population({ journeys, seed, start, days, world })
        : syntheticPopulation({ customers, seed, start, days, journeys, world });
      return population;
    },
    current: () => population!,
  };
}

const tagOf = (ctx: CompareContext, seed: number) =>
  ctx.seeds.length > 1 ? ` (seed ${seed}, ${ctx.seeds.indexOf(seed) + 1}/${ctx.seeds.length})` : "";

/** The no-plan baseline of one seed: its figures (shared by every plan of the seed), metrics and detail. */
export function baselineRun(ctx: CompareContext, seed: number, first: boolean, onProgress?: Progress): BaselineRun {
  const pop = populationMaker(ctx, seed), population = pop.make(0);
  // the baseline's summary carries the first plan's name and hash: part of the key; "end" since its
  // detail's disengagement series ends with the run's end (a detail cached before lacks that point);
  // "lean" since its figures are the lean run's (one cached before counted the full world's events);
  // "left" since it carries the weekly series of customers who left (one cached before lacks it)
  const key = baselineKey(`compare:lean:end:left:${ctx.loaded[0].hash}:${first}`, population.describe, ctx.days);
  return cached(key, ctx.cache, () => {
    const { start, days, world, startText } = ctx;
    // the baseline as runPlan runs it (simulateBaseline: without the carts and birthdays no program
    // hears, the same revenue day by day): its figures are part of each plan's summary, `events` and so
    // the digest too, which then is the digest `cadence simulate` gives the same plan, population and seed
    const run = simulate(baselinePlan(ctx.loaded[0].plan), population, {
      seed, start, days, world, revenueOnly: true, onDay: (d, n) => onProgress?.(`no plan${tagOf(ctx, seed)}`, d, n),
    });
    const bs = baselineSummaryOf(run, ctx.loaded[0], startText, world);
    return { figures: baselineFigures(run), metrics: metricsOf(bs, run), left: leftByWeek(run), detail: first ? detailOf(bs, run, noDisengagement(days)) : null };
  });
}

/** Plan `i` on one seed against that seed's baseline figures. */
export function planRun(ctx: CompareContext, i: number, seed: number, first: boolean, baseline: BaselineFigures, onProgress?: Progress): PlanRun {
  const pop = populationMaker(ctx, seed);
  const watch = first ? disengagementWatch(pop.current, ctx.start, ctx.world) : null;
  const res = runPlan(ctx.loaded[i], {
    customers: ctx.customers, days: ctx.days, seed, start: ctx.startText, world: ctx.world, baseline,
    population: (p) => pop.make(p.journeys),
    onDay: (_phase, d, n) => (watch?.onDay(d, n), onProgress?.(`${ctx.names[i]}${tagOf(ctx, seed)}`, d, n)),
  });
  return { metrics: metricsOf(res.summary, res.run), left: leftByWeek(res.run), detail: first ? detailOf(res.summary, res.run, watch!.rows()) : null };
}

// --- worker entry points (engine/parallel/worker.ts): the context rebuilt from JSON, once per worker ---
const contexts = new Map<string, CompareContext>();

function contextOf(spec: CompareJobSpec): CompareContext {
  const key = JSON.stringify(spec);
  let ctx = contexts.get(key);
  if (!ctx) {
    const pop = parsePopulation(spec.populationSpec);
    const loaded = spec.plans.map((p) => parsePlan(p.text, p.file));
    const { plans: _plans, ...options } = spec;
    ctx = compareContext(loaded, { ...options, population: pop.population, populationLabel: spec.populationLabel ?? pop.label }, "comparePlansInWorkers");
    contexts.set(key, ctx);
  }
  return ctx;
}

// `onDay`: the run's simulated days, given by the pool when its caller shows progress (engine/parallel/pool.ts)
type Days = (day: number, days: number) => void;

export const baselineJob = (spec: CompareJobSpec, seed: number, first: boolean, onDay?: Days): BaselineRun =>
  baselineRun(contextOf(spec), seed, first, onDay && ((_label, d, n) => onDay(d, n)));

export const planJob = (spec: CompareJobSpec, i: number, seed: number, first: boolean, baseline: BaselineFigures, onDay?: Days): PlanRun =>
  planRun(contextOf(spec), i, seed, first, baseline, onDay && ((_label, d, n) => onDay(d, n)));

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
 * of every 7th simulated day and at the run's end, reading the population the run updates in place. The
 * last point is the summary's "disengaged at the end" (engine/sim/end-figures.ts counts the same
 * customers at the same instant): without it, a blast on the last day showed in the table and not in
 * the chart, whose last weekly point came before it.
 */
function disengagementWatch(pop: () => Population, start: number, world: WorldModel) {
  let rows: { day: number; disengaged: number }[] = [];
  return {
    reset: () => void (rows = []),
    rows: () => rows,
    onDay(d: number, days: number) {
      // a plan in a timezone ahead of UTC reports its last, partial day as `days` too: one point per day
      if ((d % 7 !== 0 && d !== days) || rows.at(-1)?.day === d) return;
      rows.push({ day: d, disengaged: countDisengaged(pop(), start + d * DAY, world) });
    },
  };
}

function countDisengaged(p: Population, at: number, world: WorldModel): number {
  const t = p.table, tr = p.traits, halfLife = world.fatigueHalfLifeDays * DAY;
  let n = 0;
  for (let c = 0; c < p.size; c++) {
    if (t.gone[c * PER1] || t.signup[c * PER4] >= at || tr.fatigue[c * TR8] === 0) continue;
    if (tr.fatigue[c * TR8] * Math.pow(0.5, (at - tr.fatigueAt[c * TR4]) / halfLife) >= world.disengagedAt) n++;
  }
  return n;
}

/** The days a weekly series is read at: the end of every 7th day from the start, and the run's end. @example weekEnds(16) // [7, 14, 16] */
export const weekEnds = (days: number) => [...Array.from({ length: Math.floor(days / 7) }, (_, i) => (i + 1) * 7), ...(days % 7 ? [days] : [])];

/** The baseline sends nothing, so nobody tires of it: zero at each week's end and at the run's end. */
const noDisengagement = (days: number) => weekEnds(days).map((day) => ({ day, disengaged: 0 }));

/**
 * Customers who left the brand so far at each of weekEnds(days), summed from the run's daily `left`
 * (day d holds days d·24 h to (d+1)·24 h after the start): the last is the summary's `churned`.
 */
function leftByWeek(run: SimulationRun): number[] {
  const daily = run.metrics.daily.left;
  let sum = 0, d = 0;
  return weekEnds(daily.length).map((end) => {
    for (; d < end; d++) sum += daily[d];
    return sum;
  });
}

/** The daily series a plan detail has beside one per channel. */
export const DETAIL_TOTALS = ["contacts", "unsubscribes", "complaints", "left", "revenue"];

export function detailOf(summary: Summary, run: SimulationRun, disengagedWeekly: { day: number; disengaged: number }[]): PlanDetail {
  const m = run.metrics;
  const daily: Record<string, number[]> = {};
  // the plan's channels (built-in, then custom: engine/report/charts.ts reads them so), then the totals
  for (const k of [...run.plan.names.channels, ...DETAIL_TOTALS]) daily[k] = Array.from(m.daily[k]);
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
    const s = t.signup[c * PER4] > run.start ? joined : run.stageStart[c];
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
