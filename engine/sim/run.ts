/**
 * One whole job: run a plan and the no-plan baseline on the same population and seed (common random
 * numbers), and summarise them with incremental figures and a digest that identifies the run.
 */
import { createHash } from "node:crypto";
import type { CompiledPlan } from "../core/compiled.ts";
import { parseDate, YEARS } from "../core/time.ts";
import { compilePlan } from "../plan/compile.ts";
import { canonical, hashJson, type LoadedPlan } from "../plan/load.ts";
import { planWorld } from "../plan/world-section.ts";
import type { Plan } from "../plan/types.ts";
import { ENGINE_VERSION } from "../version.ts";
import { type Population, syntheticPopulation } from "./population.ts";
import { checkOptionNames, checkRunSizes, InputError } from "../plan/errors.ts";
// checkOptionNames lives in plan/errors.ts, beside checkRunSizes (population-arguments.ts, below run.ts, uses it too); engine/calibration/measure.ts reads it from here
export { checkOptionNames };
import { describe } from "../plan/fields.ts";
import { checkWorldOption } from "./world-option.ts";
import { checkOptionTypes } from "./option-types.ts";
import { copyPopulation } from "./population-copy.ts";
import { Recorder } from "./recorder.ts";
import { sortRecorder } from "./recorder-order.ts";
import { type ExternalContacts, resolveExternalContacts } from "./external-contacts.ts";
import { baselineKey, cached, type CacheMode } from "./baseline-cache.ts";
import { simulate, type SimulateOptions, type SimulationRun } from "./simulate.ts";
import type { WorldModel } from "./world-model.ts";
import { worldCounters } from "./world-metrics.ts";
import { type EndFigures, endFigures } from "./end-figures.ts";

export interface RunOptions {
  customers?: number; // default 10,000
  days?: number; // default 365
  seed?: number; // default 1
  start?: string; // first day, default 2026-01-01
  world?: Partial<WorldModel>;
  record?: boolean; // keep per-message and per-event rows (for --out)
  /** The recorder to fill instead of a new one (engine/explain/observer.ts adds a "why" column); implies record. */
  recorder?: Recorder;
  baseline?: boolean | SimulationRun | BaselineFigures; // run the no-plan baseline (default true), or reuse one of the same population and seed
  /** Contacts made outside the plan (a file read by engine/sim/external-contacts.ts); the plan's run counts them. */
  external?: ExternalContacts;
  /** Where the no-plan baseline is cached (engine/sim/baseline-cache.ts): default "memory"; the CLI uses "disk". */
  cache?: CacheMode;
  population?: (o: { journeys: number; seed: number; start: number; days: number; world: WorldModel }) => Population;
  onDay?: (phase: string, day: number, days: number) => void;
  /** Customers per queue lane (engine/sim/lanes.ts); results do not depend on it (tests vary it). */
  laneWidth?: number;
}

export interface Summary {
  digest: string;
  plan: string;
  planHash: string;
  engine: string;
  seed: number;
  customers: number;
  days: number;
  start: string;
  reach: number;
  reachByChannel: Record<string, number>;
  contacts: number;
  contactsByChannel: Record<string, number>;
  contactsPerCustomerWeek: { mean: number; p50: number; p90: number; p99: number; max: number };
  delivered: number;
  opens: number;
  clicks: number;
  conversions: number;
  purchases: number;
  revenue: number;
  baselineRevenue: number;
  incrementalRevenue: number;
  /** Revenue the programs are credited with, as a platform attributes it (≥ what they caused: docs/world-model.md). */
  attributedRevenue: number;
  messageCost: number;
  discountCost: number;
  cost: number;
  margin: number;
  incrementalMargin: number;
  roi: number | null;
  unsubscribes: number;
  complaints: number;
  disengaged: number;
  churned: number;
  suppressed: number;
  suppressedByRule: Record<string, number>;
  /** Suppressions and deferrals by rule, program and channel. */
  pressureLog: { rule: string; program: string; channel: string; suppressed: number; deferred: number }[];
  deferred: number;
  /** Accepted messages the channel's send window held for later (sent then, unless stopped): not deferrals. */
  delayedBySendWindow: number;
  /** Held messages that never went: their journey ended (goal reached) or the customer left first. */
  cancelled: number;
  /** Expression values the core could not use as they were, by program or rule and fallback (engine/core/coercions.ts). */
  coercions: Record<string, number>;
  holdout: number;
  lifecycleEnd: Record<string, number>;
  programs: { program: string; kind: string; contacts: number; reach: number; suppressed: number; holdout: number; opens: number; clicks: number; conversions: number; revenue: number; cost: number;
    /** attributed = revenue; incremental = what the world knows the program caused, net of discounts given to buyers anyway */
    attributedRevenue: number; incrementalRevenue: number; pulledForward: number; redeemedAnyway: number }[];
  events: number;
}

/** What a plan's summary needs of its no-plan baseline: cached and shared across plans, variants and workers. */
export interface BaselineFigures {
  revenue: number;
  dailyRevenue: number[];
  events: number;
}

/** The figures of a baseline run (or of already extracted figures). */
export function baselineFigures(b: SimulationRun | BaselineFigures): BaselineFigures {
  if (!("metrics" in b)) return b;
  return { revenue: b.metrics.revenue, dailyRevenue: Array.from(b.metrics.daily.revenue), events: b.events };
}

export interface RunResult {
  summary: Summary;
  run: SimulationRun;
  baseline: BaselineFigures | null;
  recorder: Recorder | null;
  world: WorldModel;
}

export const DEFAULT_START = "2026-01-01";

/**
 * The no-plan baseline: the same channels, no programs, no rules.
 * @example baselinePlan(loadPlan("scenarios/lifecycle.yaml").plan).programs.length // 0: the same channels, no programs
 */
export function baselinePlan(plan: Plan): CompiledPlan {
  return compilePlan({ ...plan, name: `${plan.name} (no plan)`, programs: [], pressure: null });
}

/** The no-plan baseline's figures for `plan`'s channels, simulated on `population` (updated in place: pass a copy to keep it). */
export function simulateBaseline(plan: Plan, population: Population, o: SimulateOptions): BaselineFigures {
  return baselineFigures(simulate(baselinePlan(plan), population, { ...o, revenueOnly: true }));
}

/**
 * The arguments of a run asked from code (a notebook), checked before anything is drawn, so a wrong one
 * fails at once with what was expected instead of deep in the simulator: the plan (loaded, not its file
 * name), the options object, its sizes (LIMITS), its world (engine/sim/world-option.ts) and its start.
 * `fn` names the function called, as the message does. Returns the first day, in minutes.
 * @example const start = checkRun("runPlan", loaded, o)
 */
export function checkRun(fn: string, loaded: unknown, o: unknown, known: readonly string[] = RUN_OPTIONS): number {
  checkLoaded(fn, loaded);
  if (o !== undefined && !(o !== null && typeof o === "object" && !Array.isArray(o))) {
    throw new InputError(`${fn}: options: expected an object such as { customers: 10_000, days: 365, seed: 1 } (or nothing, for those defaults), got ${o === null ? "null" : describe(o)}`);
  }
  checkOptionNames(fn, o, known);
  const opts = (o ?? {}) as RunOptions;
  checkRunSizes(opts);
  checkOptionTypes(fn, opts as Record<string, unknown>);
  checkWorldOption(opts.world);
  return runStart(opts.start);
}

/** RunOptions' names, which `runPlan` takes (checkRun refuses any other). */
export const RUN_OPTIONS = [
  "customers", "days", "seed", "start", "world", "record", "recorder", "baseline", "external", "cache", "population", "onDay", "laneWidth",
] as const satisfies readonly (keyof RunOptions)[];
// every option of RunOptions is listed: adding one there without it here fails type checking
const _everyRunOption: Exclude<keyof RunOptions, typeof RUN_OPTIONS[number]> extends never ? true : never = true;

/** Only the RunOptions among `o` (an entry point's own options, such as `workers`, are not passed on to `runPlan`). */
export function runOptionsOf(o: RunOptions): RunOptions {
  const picked: Record<string, unknown> = {};
  for (const k of RUN_OPTIONS) if (k in o) picked[k] = o[k];
  return picked as RunOptions;
}

/** Refuses anything but a plan from loadPlan or parsePlan (a file name, a plain object) naming what was given. */
export function checkLoaded(fn: string, loaded: unknown): asserts loaded is LoadedPlan {
  const l = loaded as Partial<LoadedPlan> | null;
  if (l && typeof l === "object" && l.plan && l.compiled && typeof l.hash === "string" && "source" in l) return;
  const how = `a plan file is read by loadPlan("scenarios/lifecycle.yaml"), a plan's text by parsePlan(text, "name.yaml")`;
  if (typeof loaded === "string") {
    throw new InputError(`${fn}: expected a loaded plan, got the text '${loaded.length > 60 ? loaded.slice(0, 57) + "..." : loaded}': ${/\.(ya?ml|json)$/i.test(loaded) ? `load it first, ${fn}(loadPlan("${loaded}"), …)` : how}`);
  }
  throw new InputError(`${fn}: expected a loaded plan, got ${describe(loaded)}${l && typeof l === "object" && !Array.isArray(l) ? ` with ${Object.keys(l).slice(0, 5).join(", ") || "no fields"}` : ""}: ${how}`);
}

/** RunOptions.start (default DEFAULT_START) in minutes, or an InputError naming it. */
export function runStart(text: unknown = DEFAULT_START): number {
  const start = typeof text === "string" ? parseDate(text) : null;
  if (start === null) throw new InputError(`start: expected a date such as 2026-01-01 (${YEARS}), got ${typeof text === "string" ? `'${text}'` : describe(text)}`);
  return start;
}

/**
 * Runs a plan against its no-plan baseline.
 * @example const { summary } = runPlan(loadPlan("scenarios/lifecycle.yaml"), { customers: 10_000 })
 */
export function runPlan(loaded: LoadedPlan, o: RunOptions = {}): RunResult {
  const start = checkRun("runPlan", loaded, o);
  const customers = o.customers ?? 10_000, days = o.days ?? 365, seed = o.seed ?? 1;
  const startText = o.start ?? DEFAULT_START;
  const world = planWorld(loaded, o.world); // the plan's world: section, then o.world over it
  const recorder = o.recorder ?? (o.record ? new Recorder() : null);
  const compiled = loaded.compiled, journeys = compiled.journeys.length;
  const population = o.population
    ? o.population({ journeys, seed, start, days, world })
    : syntheticPopulation({ customers, seed, start, days, journeys, world });
  const describe = population.describe; // the baseline's cache key names the population it starts from
  const external = o.external ? resolveExternalContacts(o.external, compiled, population.table.ids) : undefined;
  // the no-plan baseline first, on a copy of the customers without their journey columns (copying is far
  // cheaper than drawing them again), then the plan on the customers themselves
  let baseline: BaselineFigures | null = typeof o.baseline === "object" ? baselineFigures(o.baseline) : null;
  if (o.baseline === undefined || o.baseline === true) {
    baseline = cached(baselineKey("run", describe, days), o.cache ?? "memory", () =>
      simulateBaseline(loaded.plan, copyPopulation(population, 0), {
        seed, start, days, world, onDay: (d, n) => o.onDay?.("baseline", d, n), laneWidth: o.laneWidth,
      }));
  }
  const run = simulate(compiled, population, {
    seed, start, days, world, recorder: recorder ?? undefined, onDay: (d, n) => o.onDay?.("plan", d, n), external, laneWidth: o.laneWidth,
  });
  if (recorder) sortRecorder(recorder);
  const summary = summarise(loaded, run, baseline, world, startText);
  return { summary, run, baseline, recorder, world };
}

const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

/**
 * A run's figures without its customers: what a tuner's workers send back (engine/parallel/merge-figures.ts);
 * `end` holds what `summarise` would otherwise count in the customer table.
 */
export type FiguresRun = Omit<SimulationRun, "population" | "stageStart"> & { population: { describe: string }; end: EndFigures };

export function summarise(loaded: LoadedPlan, run: SimulationRun | FiguresRun, baselineRun: SimulationRun | BaselineFigures | null, world: WorldModel, start: string): Summary {
  const baseline = baselineRun ? baselineFigures(baselineRun) : null;
  const wc = worldCounters(run.metrics);
  const m = run.metrics, plan = run.plan;
  const { customers, disengaged, lifecycleEnd } = "end" in run ? run.end : endFigures(run.population, run.start, run.days, world);
  const bySuppressions = [...m.suppressedBy.values()].sort((a, b) => a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0);
  const baselineRevenue = baseline ? baseline.revenue : m.organicRevenue;
  const cost = m.messageCost + m.discountCost;
  const incrementalRevenue = m.revenue - baselineRevenue;
  const incrementalMargin = incrementalRevenue * plan.plan.margin - cost;
  const suppressedByRule: Record<string, number> = {};
  for (const s of bySuppressions) suppressedByRule[s.rule] = (suppressedByRule[s.rule] ?? 0) + s.count;
  const log = new Map<string, Summary["pressureLog"][number]>();
  for (const [map, field] of [[m.suppressedBy, "suppressed"], [m.deferredBy, "deferred"]] as const) {
    for (const [key, s] of map) {
      const row = log.get(key) ?? { rule: s.rule, program: s.program, channel: s.channel, suppressed: 0, deferred: 0 };
      row[field] += s.count;
      log.set(key, row);
    }
  }
  const pressureLog = [...log.values()].sort((a, b) => a.rule.localeCompare(b.rule) || a.program.localeCompare(b.program) || a.channel.localeCompare(b.channel));
  const w = m.weekly();
  const body: Omit<Summary, "digest"> = {
    plan: plan.plan.name,
    planHash: loaded.hash,
    engine: ENGINE_VERSION,
    seed: run.seed,
    customers,
    days: run.days,
    start,
    reach: m.reach,
    reachByChannel: Object.fromEntries(plan.names.channels.map((ch, i) => [ch, m.channels[i].reach])),
    contacts: m.contacts,
    contactsByChannel: Object.fromEntries(plan.names.channels.map((ch, i) => [ch, m.channels[i].contacts])),
    contactsPerCustomerWeek: { mean: round(w.mean, 4), p50: w.p50, p90: w.p90, p99: w.p99, max: w.max },
    delivered: m.delivered,
    opens: m.opens,
    clicks: m.clicks,
    conversions: m.conversions,
    purchases: m.purchases,
    revenue: round(m.revenue),
    baselineRevenue: round(baselineRevenue),
    incrementalRevenue: round(incrementalRevenue),
    attributedRevenue: round(m.programs.reduce((a, p) => a + p.revenue, 0)),
    messageCost: round(m.messageCost),
    discountCost: round(m.discountCost),
    cost: round(cost),
    margin: round(m.revenue * plan.plan.margin - cost),
    incrementalMargin: round(incrementalMargin),
    roi: cost > 0 ? round(incrementalMargin / cost, 4) : null,
    unsubscribes: m.unsubscribes,
    complaints: m.complaints,
    disengaged,
    churned: m.left,
    suppressed: m.suppressed,
    suppressedByRule,
    pressureLog,
    deferred: m.deferred,
    delayedBySendWindow: m.delayed,
    cancelled: m.cancelled,
    coercions: run.coercions,
    holdout: m.holdout,
    lifecycleEnd,
    programs: plan.programs.map((p, i) => {
      const c = m.programs[i];
      return {
        program: p.id, kind: p.kind, contacts: c.contacts, reach: c.reach, suppressed: c.suppressed, holdout: c.holdout,
        opens: c.opens, clicks: c.clicks, conversions: c.conversions, revenue: round(c.revenue), cost: round(c.cost),
        attributedRevenue: round(c.revenue), incrementalRevenue: round(wc.programs[i].incrementalRevenue),
        pulledForward: wc.programs[i].pulledForward, redeemedAnyway: wc.programs[i].redeemedAnyway,
      };
    }),
    events: run.events + (baseline?.events ?? 0),
  };
  const populationHash = createHash("sha256").update(run.population.describe).digest("hex");
  const digest = hashJson({ engine: ENGINE_VERSION, plan: loaded.hash, population: populationHash, seed: run.seed, results: JSON.parse(canonical(body)) });
  return { digest, ...body };
}
