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
import { syntheticPopulation } from "../sim/population.ts";
import { type RunOptions, runPlan, type Summary } from "../sim/run.ts";
import { simulate, type SimulationRun } from "../sim/simulate.ts";
import { baselinePlan, DEFAULT_START } from "../sim/run.ts";
import { worldWith } from "../sim/world-model.ts";
import { METRICS, type Metric, metricsOf } from "../compare/compare.ts";
import { type Interval, interval } from "../compare/intervals.ts";
import { setPath } from "./set-path.ts";
export { frontierSvg } from "./frontier-chart.ts";

export interface SweepSet {
  path: string;
  values: unknown[];
}

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
  knee: boolean; // the frontier point farthest above the chord between its ends; only with ≥ 3 frontier points
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
};

/** Every combination of the sets' values, first set varying slowest. */
export function grid(sets: SweepSet[]): Record<string, unknown>[] {
  let out: Record<string, unknown>[] = [{}];
  for (const s of sets) out = out.flatMap((row) => s.values.map((v) => ({ ...row, [s.path]: v })));
  return out;
}

const show = (v: unknown) => (typeof v === "object" ? JSON.stringify(v) : String(v));

/**
 * @example sweep(loadPlan("scenarios/lifecycle-capped.yaml"), [{ path: "pressure.rules.two-a-week.cap", values: [1, 2, 3] }], { customers: 20_000, replications: 5 })
 */
export function sweep(loaded: LoadedPlan, sets: SweepSet[], o: SweepOptions = {}): SweepResult {
  const combos = grid(sets);
  const first = o.seed ?? 1, days = o.days ?? 365, start = parseDate(o.start ?? DEFAULT_START)!;
  const replications = o.replications ?? 1;
  const seeds = Array.from({ length: replications }, (_, i) => first + i);
  const world = worldWith(o.world);
  // plans are built (and validated) once, before any simulation: a bad value fails fast
  const plans = combos.map((values) => {
    let doc: unknown = loaded.source;
    for (const [path, v] of Object.entries(values)) doc = setPath(doc, path, v);
    const label = Object.entries(values).map(([p, v]) => `${p.split(".").pop()}=${show(v)}`).join(", ");
    return { label, values, plan: parsePlan(JSON.stringify(doc), `${loaded.file} [${label}]`) };
  });
  const runs: Record<Metric, number | null>[][] = plans.map(() => []);
  const firstSummaries: Summary[] = [];
  for (const [r, seed] of seeds.entries()) {
    const population = (journeys: number) =>
      o.population ? o.population({ journeys, seed, start, days, world }) : syntheticPopulation({ customers: o.customers ?? 10_000, seed, start, days, journeys, world });
    const baseline: SimulationRun = simulate(baselinePlan(loaded.plan), population(0), { seed, start, days, world });
    for (const [i, v] of plans.entries()) {
      o.onVariant?.(r * plans.length + i + 1, plans.length * replications, replications > 1 ? `${v.label} (seed ${seed})` : v.label);
      const res = runPlan(v.plan, { ...o, seed, baseline, onDay: undefined });
      runs[i].push(metricsOf(res.summary, res.run));
      if (r === 0) firstSummaries.push(res.summary);
    }
  }
  const variants: Variant[] = plans.map((p, i) => ({
    label: p.label,
    values: p.values,
    summary: firstSummaries[i],
    runs: runs[i],
    metrics: Object.fromEntries(METRICS.map((m) => [m, interval(runs[i].map((x) => x[m]))])) as Record<Metric, Interval | null>,
    difference: Object.fromEntries(METRICS.map((m) => [m, interval(runs[i].map((x, r) => diff(x[m], runs[0][r][m])))])) as Record<Metric, Interval | null>,
    frontier: false,
    knee: false,
  }));
  markFrontier(variants);
  return { variants, replications, seeds, table: sweepTable(variants) };
}

const diff = (a: number | null, b: number | null) => (a === null || b === null ? null : a - b);

/** Columns of the sweep table (CSV, JSON, HTML): the headline figures, each with low and high. */
export const SWEEP_METRICS: Metric[] = [
  "reach", "contacts", "contactsPerCustomerWeek", "contactsPerCustomerWeekP90", "unsubscribes", "complaints",
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
 * The frontier of mean incremental margin against mean unsubscribes. The knee needs a curve: with one
 * or two frontier points there is no bend to find, so no variant is called the knee.
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
  let best = f[0], bestD = -Infinity;
  for (const v of f) {
    const x = (u(v) - u(a)) / su, y = (m(v) - m(a)) / sm;
    const d = y - x; // above the diagonal: more margin than the straight line for its unsubscribes
    if (d > bestD) bestD = d, best = v;
  }
  best.knee = true;
}
