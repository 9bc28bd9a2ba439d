/**
 * `cadence compare <plan.yaml>... [--customers N] [--days D] [--replications R] [--seed S] [--json] [--report out.html [--contributions]] [--csv DIR] [--world FILE]`
 */
import { dirname, relative } from "node:path";
import { loadPlan } from "../plan/load.ts";
import { InputError } from "../plan/errors.ts";
import { type Comparison, comparePlansInWorkers, isShare, type Metric, type PlanComparison, WEEK_THRESHOLD } from "../compare/compare.ts";
import { renderReport } from "../report/report.ts";
import { writeWhole } from "../report/write-file.ts";
import { compareCsv } from "../report/compare-csv.ts";
import { contributions } from "../compare/contributions.ts";
import { outputFile, outputFolder, parse, progress, sizeFlag } from "./args.ts";
import { fmtInt, wrap } from "./format.ts";
import { verdictText } from "../report/verdict.ts";
import { fixed, percent, points } from "../report/html.ts";
import { fitTable } from "./fit-table.ts";
import { checkPlanAttributes, parsePopulation } from "../sim/population-spec.ts";
import { defaultWorkers } from "../parallel/pool.ts";
import { commandWorld } from "./world-file.ts";

const USAGE = "cadence compare <plan.yaml>... [--population synthetic|history:<config.yaml>] [--customers N] [--days D] [--replications R] [--seed S] [--json] [--report out.html [--contributions]] [--csv DIR] [--world FILE] [--workers N] [--no-cache]";

/** The rows of the terminal table and the report's summary table: label, metric, format. */
export const SHOWN: [string, Metric, (x: number) => string][] = [
  ["reach", "reach", fmtInt],
  ["contacts", "contacts", fmtInt],
  ["contacts / customer-week", "contactsPerCustomerWeek", fixed(2)],
  ["contacts / customer-week p90", "contactsPerCustomerWeekP90", (x) => x.toFixed(1)],
  ["conversions", "conversions", fmtInt],
  ["revenue", "revenue", fmtInt],
  ["incremental revenue", "incrementalRevenue", fmtInt],
  ["cost", "cost", fmtInt],
  ["incremental margin", "incrementalMargin", fmtInt],
  ["ROI", "roi", (x) => x.toFixed(2)],
  ["unsubscribes", "unsubscribes", fmtInt],
  ["complaints", "complaints", fmtInt],
  ["disengaged", "disengaged", fmtInt],
  ["churned by fatigue", "churned", fmtInt],
  ["weeks > 2 contacts", "weeksAboveThreshold", percent],
  ["contacts / 4 weeks p99", "contactsPer4WeeksP99", fmtInt],
  ["suppressed: consent", "suppressedConsent", fmtInt],
  ["suppressed: window/capacity", "suppressedWindowCapacity", fmtInt],
  ["suppressed: pressure rules", "suppressedPressure", fmtInt],
];


/**
 * The JSON a script reads: plans with mean/lo/hi per metric, the customers who left week by week (the
 * report's chart), the pressure distributions, paired differences, the run's settings.
 */
export function comparisonJson(c: Comparison) {
  return {
    customers: c.customers,
    days: c.days,
    start: c.start,
    currency: c.currency,
    costCurrency: c.costCurrency,
    warnings: c.warnings,
    replications: c.replications,
    seeds: c.seeds,
    plans: c.plans.map((p) => ({ name: p.name, file: p.file, baseline: p.baseline, digest: p.detail.summary.digest, metrics: p.metrics, leftWeekly: p.leftWeekly, pressure: pressureJson(p) })),
    differences: c.differences,
  };
}

/**
 * The pressure distribution chart's figures (first replication): customer-weeks by contacts received,
 * with shares, the same for 4-week blocks, and the threshold of `weeksAboveThreshold`.
 */
export function pressureJson(p: PlanComparison) {
  const rows = (h: number[], unit: string) => {
    const total = h.reduce((a, b) => a + b, 0);
    return h.map((n, k) => ({ contacts: k, [unit]: n, share: total ? n / total : 0 }));
  };
  return {
    weekThreshold: WEEK_THRESHOLD,
    seed: p.detail.summary.seed,
    perWeek: rows(p.detail.weekHistogram, "customerWeeks"),
    per4Weeks: rows(p.detail.fourWeekHistogram, "customerBlocks"),
  };
}

export async function compareCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, {
    customers: { type: "string" },
    days: { type: "string" },
    replications: { type: "string" },
    seed: { type: "string" },
    json: { type: "boolean" },
    report: { type: "string" },
    contributions: { type: "boolean" },
    csv: { type: "string" },
    help: { type: "boolean", short: "h" },
    population: { type: "string" },
    workers: { type: "string" },
    "no-cache": { type: "boolean" },
    world: { type: "string" },
  }, USAGE);
  if (values.help) {
    console.log(`usage: ${USAGE}\n\nRuns every plan and the no-plan baseline on the same customers with the same random numbers,\nover R seeds (S, S+1, …); prints each metric's mean and 95 % interval, and each plan's paired\ndifference against the first plan. Defaults: 10,000 customers, 365 days, 5 replications, seed 1.`);
    return 0;
  }
  if (!positionals.length) throw new InputError(`expected at least one plan file\nusage: ${USAGE}`);
  if (values.contributions && values.report === undefined) throw new InputError(`--contributions adds a section to the report: give --report out.html too\nusage: ${USAGE}`);
  const loaded = positionals.map((f) => loadPlan(f));
  const bar = progress("compare");
  const pop = parsePopulation(values.population); // history: starts after its cut-off, runs over its holdout
  loaded.forEach((l, i) => checkPlanAttributes(l.source, pop, positionals[i]));
  // world parameters of one's own (as cadence fit --world-out writes them), the history's calendar over them
  const world = commandWorld(values.world as string | undefined, pop, loaded.map((l, i) => ({ loaded: l, file: positionals[i] })));
  const sizes = {
    customers: pop.customers ?? sizeFlag(values.customers, "customers", 10_000),
    days: sizeFlag(values.days, "days", pop.days ?? 365),
    workers: sizeFlag(values.workers, "workers", defaultWorkers()),
    replications: sizeFlag(values.replications, "replications", 5),
    seed: sizeFlag(values.seed, "seed", 1),
  };
  // where the files go, made once every input is checked (a bad plan or flag leaves nothing behind) and
  // before the runs (a bad path fails now, not after them)
  if (values.report !== undefined) outputFile("--report", values.report as string);
  if (values.csv !== undefined) outputFolder("--csv", values.csv as string);
  const c = await comparePlansInWorkers(loaded, {
    ...sizes,
    start: pop.start,
    populationSpec: values.population,
    world,
    populationLabel: pop.label,
    revenueCurrency: pop.currency, // a history's revenue is in its own currency
    cache: values["no-cache"] ? "off" : "disk",
    // the days of every run together, moving while a long run goes on, then the runs finished
    onProgress: bar ? (runs, d, n) => bar("runs", d, n, `days · ${runs}`) : undefined,
  });
  const csvFiles = values.csv !== undefined ? compareCsv(c, values.csv as string) : [];
  // per-program contributions: one run per program and library template per replication, so opt-in (docs/report.md)
  const contrib = values.contributions
    ? loaded.map((l, i) => ({ plan: c.plans.filter((p) => !p.baseline)[i].name, result: contributions(l, { customers: c.customers, days: c.days, replications: c.replications, seed: c.seeds[0], start: c.start, world, population: pop.population }) }))
    : undefined;
  if (values.report !== undefined) {
    const file = values.report as string;
    // the report links to the CSV files by paths relative to itself
    writeWhole(file, renderReport(c, { csv: csvFiles.map((f) => relative(dirname(file), f)), contributions: contrib }));
  }
  if (values.json) {
    console.log(JSON.stringify(comparisonJson(c)));
    return 0;
  }
  console.log(`compare: ${c.plans.length - 1} plan(s) and the no-plan baseline · ${fmtInt(c.customers)} customers (${c.population}) · ${c.days} days from ${c.start}\n${c.replications} replication(s), seeds ${c.seeds[0]}–${c.seeds[c.seeds.length - 1]} · ${(c.wallMs / 1000).toFixed(1)} s\n`);
  if (c.warnings.length) console.log(`warnings (${c.warnings.length}):\n${c.warnings.map((w) => `  - ${w}`).join("\n")}\n`);
  console.log(c.currency === c.costCurrency ? `money in ${c.currency}\n` : `money: revenue in ${c.currency}, costs in ${c.costCurrency} (not converted)\n`);
  console.log(c.replications > 1 ? "Mean [95 % interval] over replications:\n" : "One replication: means only (use --replications 2 or more for intervals).\n");
  const labels = SHOWN.map(([label, , f]) => [label, f] as [string, (x: number) => string]);
  console.log(fitTable(labels, c.plans.map((p) => ({ name: p.name, cells: SHOWN.map(([, m]) => p.metrics[m]) }))));
  if (c.differences.length > 1 || (c.differences.length === 1 && !c.differences[0].name.startsWith("no plan"))) {
    console.log(`\nPaired difference against ${c.plans[0].name} (same customers, same seeds):\n`);
    const diffs = c.differences.filter((d) => d.name !== "no plan");
    const differenceLabels = SHOWN.map(([label, m, f]) => [label, isShare(m) ? points : f] as [string, (x: number) => string]);
    console.log(fitTable(differenceLabels, diffs.map((d) => ({ name: `${d.name} − ${d.against}`, cells: SHOWN.map(([, m]) => d.metrics[m]) })), { signed: true }));
  }
  // the report's verdict, in words (a strategist reading the console had the tables only)
  const verdict = verdictText(c, contrib); // with --contributions, its program sentence too
  if (verdict.length) console.log(`\nVerdict (as the report says it):\n${verdict.map((l) => `- ${wrap(l, 118, "  ")}`).join("\n")}`);
  const wrote = [...(values.report !== undefined ? [values.report as string] : []), ...csvFiles];
  if (wrote.length) console.log(`\nwrote ${wrote.length} file(s): ${wrote.join(", ")}`);
  return 0;
}
