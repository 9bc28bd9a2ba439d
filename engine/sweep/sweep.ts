/**
 * Parameter sweeps: run a grid of plan variants (values set by path) on one population and seed, so
 * the variants differ only by the knob (common random numbers), against one shared no-plan baseline.
 */
import * as aq from "arquero";
import { parseDate } from "../core/time.ts";
import { type LoadedPlan, parsePlan } from "../plan/load.ts";
import { syntheticPopulation } from "../sim/population.ts";
import { type RunOptions, runPlan, type Summary } from "../sim/run.ts";
import { simulate, type SimulationRun } from "../sim/simulate.ts";
import { baselinePlan, DEFAULT_START } from "../sim/run.ts";
import { worldWith } from "../sim/world-model.ts";
import { setPath } from "./set-path.ts";
import { Plot, renderSvg } from "../charts/render.ts";

export interface SweepSet {
  path: string;
  values: unknown[];
}

export interface Variant {
  label: string;
  values: Record<string, unknown>;
  summary: Summary;
  frontier: boolean; // on the Pareto frontier: no other variant has more margin with fewer unsubscribes
  knee: boolean; // the frontier point farthest from the chord between its ends
}

export interface SweepResult {
  variants: Variant[];
  table: aq.ColumnTable;
}

/** Every combination of the sets' values, first set varying slowest. */
export function grid(sets: SweepSet[]): Record<string, unknown>[] {
  let out: Record<string, unknown>[] = [{}];
  for (const s of sets) out = out.flatMap((row) => s.values.map((v) => ({ ...row, [s.path]: v })));
  return out;
}

/**
 * @example sweep(loadPlan("scenarios/lifecycle-capped.yaml"), [{ path: "pressure.rules.two-a-week.cap", values: [1, 2, 3] }], { customers: 20_000 })
 */
export function sweep(loaded: LoadedPlan, sets: SweepSet[], o: RunOptions & { onVariant?: (i: number, n: number, label: string) => void } = {}): SweepResult {
  const combos = grid(sets);
  const seed = o.seed ?? 1, days = o.days ?? 365, start = parseDate(o.start ?? DEFAULT_START)!;
  const world = worldWith(o.world);
  const baseline: SimulationRun = simulate(
    baselinePlan(loaded.plan),
    o.population ? o.population({ journeys: 0, seed, start, days, world }) : syntheticPopulation({ customers: o.customers ?? 10_000, seed, start, days, journeys: 0, world }),
    { seed, start, days, world },
  );
  const variants: Variant[] = combos.map((values, i) => {
    let doc: unknown = loaded.source;
    for (const [path, v] of Object.entries(values)) doc = setPath(doc, path, v);
    const label = Object.entries(values).map(([p, v]) => `${p.split(".").pop()}=${typeof v === "object" ? JSON.stringify(v) : v}`).join(", ");
    o.onVariant?.(i + 1, combos.length, label);
    const variant = parsePlan(JSON.stringify(doc), `${loaded.file} [${label}]`);
    const { summary } = runPlan(variant, { ...o, baseline, onDay: undefined });
    return { label, values, summary, frontier: false, knee: false };
  });
  markFrontier(variants);
  const table = aq.from(variants.map((v) => ({
    variant: v.label,
    ...Object.fromEntries(Object.entries(v.values).map(([k, x]) => [k, typeof x === "object" ? JSON.stringify(x) : x])),
    reach: v.summary.reach,
    contacts: v.summary.contacts,
    p90ContactsPerWeek: v.summary.contactsPerCustomerWeek.p90,
    unsubscribes: v.summary.unsubscribes,
    complaints: v.summary.complaints,
    incrementalRevenue: v.summary.incrementalRevenue,
    incrementalMargin: v.summary.incrementalMargin,
    cost: v.summary.cost,
    roi: v.summary.roi,
    suppressed: v.summary.suppressed,
    frontier: v.frontier,
    knee: v.knee,
  })));
  return { variants, table };
}

function markFrontier(vs: Variant[]): void {
  const m = (v: Variant) => v.summary.incrementalMargin, u = (v: Variant) => v.summary.unsubscribes;
  for (const v of vs) v.frontier = !vs.some((w) => w !== v && m(w) >= m(v) && u(w) <= u(v) && (m(w) > m(v) || u(w) < u(v)));
  const f = vs.filter((v) => v.frontier).sort((a, b) => u(a) - u(b));
  if (f.length < 3) {
    if (f.length) f[f.length - 1].knee = true;
    return;
  }
  // distance to the chord from the cheapest (fewest unsubscribes) to the richest end, in normalised units
  const [a, b] = [f[0], f[f.length - 1]];
  const su = Math.max(1, u(b) - u(a)), sm = Math.max(1e-9, Math.abs(m(b) - m(a)));
  let best = f[0], bestD = -Infinity;
  for (const v of f) {
    const x = (u(v) - u(a)) / su, y = (m(v) - m(a)) / sm;
    const d = y - x; // above the diagonal: more margin than the straight line for its unsubscribes
    if (d > bestD) bestD = d, best = v;
  }
  best.knee = true;
}

/** The frontier chart: incremental margin against unsubscribes, one dot per variant. */
export function frontierSvg(r: SweepResult, title = "Incremental margin against unsubscribes"): string {
  const rank = { dominated: 0, "on the frontier": 1, knee: 2 } as const;
  const rows = r.variants.map((v) => ({
    label: v.label,
    unsubscribes: v.summary.unsubscribes,
    margin: v.summary.incrementalMargin,
    kind: (v.knee ? "knee" : v.frontier ? "on the frontier" : "dominated") as keyof typeof rank,
  })).sort((a, b) => rank[a.kind] - rank[b.kind]); // frontier dots drawn over the dominated ones
  // variants landing on the same spot share one label
  const spots = new Map<string, { unsubscribes: number; margin: number; text: string[] }>();
  for (const x of rows) {
    const key = `${x.unsubscribes}:${Math.round(x.margin)}`;
    const spot = spots.get(key) ?? { unsubscribes: x.unsubscribes, margin: x.margin, text: [] };
    spot.text.unshift(x.kind === "knee" ? `${x.label} (knee)` : x.label);
    spots.set(key, spot);
  }
  const labels = [...spots.values()].map((s) => ({ ...s, text: s.text.join(" / ") }));
  const frontier = rows.filter((x) => x.kind !== "dominated").sort((a, b) => a.unsubscribes - b.unsubscribes);
  return renderSvg({
    title,
    subtitle: "One dot per variant; up and left is better. Blue: the frontier, red: its knee, grey: dominated.",
    width: 820,
    height: 460,
    marginLeft: 60,
    marginRight: 60,
    grid: true,
    x: { label: "unsubscribes →", nice: true },
    y: { label: null, nice: true, tickFormat: "~s" },
    color: { domain: ["knee", "on the frontier", "dominated"], range: ["#d62728", "#1f77b4", "#aaaaaa"] },
    marks: [
      Plot.line(frontier, { x: "unsubscribes", y: "margin", stroke: "#1f77b4", strokeOpacity: 0.6 }),
      Plot.dot(rows, { x: "unsubscribes", y: "margin", fill: "kind", r: 5 }),
      Plot.text(labels, { x: "unsubscribes", y: "margin", text: "text", dy: -10, fontSize: 10, fill: "#333" }),
      Plot.text(["incremental margin ↑"], { frameAnchor: "top-left", dx: 4, dy: 8, fontSize: 11, fill: "#555", textAnchor: "start" }),
    ],
  });
}
