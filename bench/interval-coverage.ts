/**
 * Do `compare`'s 95 % intervals cover the truth 95 % of the time? Runs two plans on many seeds, takes
 * each metric's "truth" as its mean over `--truth` seeds, then forms `--groups` intervals of `--r`
 * replications each on other, disjoint seeds, with compare's own functions (`interval`, `pairedDifference`,
 * `METRIC_BOUNDS`), and counts how many hold the truth. Prints the coverage with its own 95 % (Wilson)
 * interval, the misses below and above, and how many intervals had zero width. Figures: docs/report.md#intervals.
 *
 *   ./node_modules/.bin/deno run -A bench/interval-coverage.ts [--customers 2000] [--days 90] [--groups 100] [--r 5] [--truth 200]
 *     [--plans scenarios/lifecycle.yaml,scenarios/batch-and-blast.yaml] [--save runs.json | --load runs.json]
 *
 * A replication is one seed: the seed draws the synthetic customers and every event of their lives, so
 * the truth is the expectation over seeds for this population size, this length and this world.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { benchArgs } from "./bench-args.ts";
import { loadPlan } from "../engine/plan/load.ts";
import { comparePlans, type Metric, METRIC_BOUNDS, METRICS, pairedDifference } from "../engine/compare/compare.ts";
import { type Interval, interval } from "../engine/compare/intervals.ts";

const values = benchArgs(
  "./node_modules/.bin/deno run -A bench/interval-coverage.ts [--customers 2000] [--days 90] [--groups 100] [--r 5] [--truth 200] [--seed 1] [--plans a.yaml,b.yaml] [--save FILE | --load FILE] [--all]",
  {
    customers: { type: "string", default: "2000" },
    days: { type: "string", default: "90" },
    groups: { type: "string", default: "100" },
    r: { type: "string", default: "5" },
    truth: { type: "string", default: "200" },
    seed: { type: "string", default: "1" },
    plans: { type: "string", default: "scenarios/lifecycle.yaml,scenarios/batch-and-blast.yaml" },
    save: { type: "string", default: "" },
    load: { type: "string", default: "" },
    all: { type: "boolean", default: false }, // every metric, not only the headline ones
  },
  ["customers", "days", "groups", "r", "truth", "seed"],
);

type Runs = Record<Metric, number | null>[];
interface Data {
  customers: number;
  days: number;
  seeds: number[];
  plans: { name: string; runs: Runs }[]; // the plans given, then "no plan"
}

const groups = Number(values.groups), R = Number(values.r), truthSeeds = Number(values.truth);
const data: Data = values.load ? JSON.parse(readFileSync(values.load, "utf8")) : collect();
if (values.save) writeFileSync(values.save, JSON.stringify(data));
if (data.seeds.length < groups * R + truthSeeds) {
  console.error(`--load: ${values.load} holds ${data.seeds.length} seeds, fewer than --groups × --r + --truth = ${groups * R + truthSeeds}`), Deno.exit(2);
}

/** One comparison per chunk of seeds (baselines not cached: every seed is new), with progress on stderr. */
function collect(): Data {
  const loaded = values.plans.split(",").map((f) => loadPlan(f));
  const customers = Number(values.customers), days = Number(values.days), first = Number(values.seed);
  const total = groups * R + truthSeeds, chunk = 50, t0 = performance.now();
  const out: Data = { customers, days, seeds: [], plans: [] };
  for (let s = 0; s < total; s += chunk) {
    const c = comparePlans(loaded, { customers, days, seed: first + s, replications: Math.min(chunk, total - s), cache: "off" });
    out.seeds.push(...c.seeds);
    c.plans.forEach((p, i) => (out.plans[i] ??= { name: p.name, runs: [] }).runs.push(...p.runs));
    const done = Math.min(s + chunk, total);
    console.error(`${done}/${total} seeds, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  }
  return out;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: number[]) => Math.sqrt(xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / (xs.length - 1));

/** Wilson's 95 % interval for k successes out of n. */
function wilson(k: number, n: number): [number, number] {
  const z = 1.959964, p = k / n, d = 1 + (z * z) / n;
  const c = (p + (z * z) / (2 * n)) / d, h = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / d;
  return [c - h, c + h];
}

interface Row {
  label: string;
  truth: number;
  truthSe: number;
  n: number;
  covered: number;
  below: number; // intervals wholly below the truth
  above: number;
  zeroWidth: number;
  worstMiss: number; // the largest distance from a missing interval to the truth, in the metric's unit
  meanHalf: number; // mean half-width, in the metric's unit
}

function coverage(label: string, perSeed: (number | null)[], form: (r0: number) => Interval | null): Row | null {
  const truthValues = perSeed.slice(groups * R, groups * R + truthSeeds).filter((v): v is number => v !== null);
  if (truthValues.length < 2) return null;
  const truth = mean(truthValues), row: Row = { label, truth, truthSe: sd(truthValues) / Math.sqrt(truthValues.length), n: 0, covered: 0, below: 0, above: 0, zeroWidth: 0, worstMiss: 0, meanHalf: 0 };
  for (let g = 0; g < groups; g++) {
    const iv = form(g * R);
    if (!iv || iv.lo === null || iv.hi === null) continue;
    row.n++, row.meanHalf += (iv.hi - iv.lo) / 2;
    if (iv.hi === iv.lo) row.zeroWidth++;
    if (iv.hi < truth) row.below++, row.worstMiss = Math.max(row.worstMiss, truth - iv.hi);
    else if (iv.lo > truth) row.above++, row.worstMiss = Math.max(row.worstMiss, iv.lo - truth);
    else row.covered++;
  }
  row.meanHalf /= row.n || 1;
  return row;
}

const headline: Metric[] = ["incrementalRevenue", "incrementalMargin", "revenue", "unsubscribes", "complaints", "churned", "weeksAboveThreshold"];
const metrics = values.all ? [...METRICS] : headline;
const plans = data.plans.filter((p) => p.name !== "no plan"), rows: Row[] = [];
for (const p of plans) {
  for (const m of metrics) {
    const row = coverage(`${p.name}: ${m}`, p.runs.map((x) => x[m]), (r0) => interval(p.runs.slice(r0, r0 + R).map((x) => x[m]), METRIC_BOUNDS[m]));
    if (row) rows.push(row);
  }
}
for (const p of plans.slice(1)) {
  for (const m of metrics) {
    const a = p.runs, b = plans[0].runs;
    const diff = a.map((x, r) => (x[m] === null || b[r][m] === null ? null : x[m]! - b[r][m]!));
    const row = coverage(`${p.name} − ${plans[0].name}: ${m}`, diff, (r0) => pairedDifference({ runs: a.slice(r0, r0 + R) }, { runs: b.slice(r0, r0 + R) }, m));
    if (row) rows.push(row);
  }
}

const f = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 1 ? x.toFixed(2) : x.toPrecision(3));
console.log(`${data.customers} customers × ${data.days} days; ${groups} intervals of R = ${R} seeds (${data.seeds[0]}–${data.seeds[groups * R - 1]}); truth: mean over ${truthSeeds} other seeds (${data.seeds[groups * R]}–${data.seeds[groups * R + truthSeeds - 1]})`);
console.log(["metric", "truth ± se", "covered", "coverage [95 % Wilson]", "below", "above", "zero width", "worst miss", "mean half-width"].join(" | "));
for (const r of rows) {
  const [lo, hi] = wilson(r.covered, r.n);
  // a figure the same in every seed (no pressure rules: 0 suppressed by pressure) has nothing to estimate
  const constant = r.truthSe === 0 && r.zeroWidth === r.n;
  const flag = constant ? "  (the same in every seed)" : r.covered / r.n < 0.88 || r.covered / r.n > 0.995 ? "  <-- off" : "";
  console.log(`${r.label} | ${f(r.truth)} ± ${f(r.truthSe)} | ${r.covered}/${r.n} | ${(100 * r.covered / r.n).toFixed(0)} % [${(100 * lo).toFixed(0)}, ${(100 * hi).toFixed(0)}] | ${r.below} | ${r.above} | ${r.zeroWidth} | ${f(r.worstMiss)} | ${f(r.meanHalf)}${flag}`);
}
const all = rows.reduce((a, r) => [a[0] + r.covered, a[1] + r.n], [0, 0]);
console.log(`all rows: ${all[0]}/${all[1]} = ${(100 * all[0] / all[1]).toFixed(1)} % (rows are not independent: they share seeds)`);
