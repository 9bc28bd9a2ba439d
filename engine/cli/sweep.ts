/** `cadence sweep <plan.yaml> --set <path>=<values> [--set ...] [--customers N] [--days D] [--seed S] [--replications R] [--out DIR] [--csv DIR] [--json] [--workers N] [--no-cache]` */
import { existsSync } from "node:fs";
import { join, relative } from "node:path";
import { loadPlan } from "../plan/load.ts";
import { InputError } from "../plan/errors.ts";
import { checkSweep, FLAG_NAMING, frontierSvg, noKnee, SWEEP_METRICS, sweepInWorkers, type SweepResult, type SweepSet } from "../sweep/sweep.ts";
import { expandValues } from "../sweep/range.ts";
import { sweepPage } from "../sweep/sweep-page.ts";
import { writableFolder, writeWhole } from "../report/write-file.ts";
import { intervalRows, writeCsvFiles } from "../report/csv-export.ts";
import { tableCsv } from "../sim/csv-file.ts";
import type { Interval } from "../compare/intervals.ts";
import { outputFolder, parse, progress, sizeFlag } from "./args.ts";
import { percent, signedText } from "../report/html.ts";
import { fmtInt, table } from "./format.ts";
import { defaultWorkers } from "../parallel/pool.ts";

const USAGE = "cadence sweep <plan.yaml> --set <path>=<v1,v2,...|a..b|a..b:step|1d..7d> [--set ...] [--customers N] [--days D] [--seed S] [--replications R] [--out DIR] [--csv DIR] [--json] [--workers N] [--no-cache]";

const HELP = `usage: ${USAGE}

Runs every combination of the --set values on the same customers with the same random numbers
(one shared no-plan baseline per seed). Values: a comma list (1,2,3 or 7d,14d), a range of whole
numbers a..b (1..5 = 1,2,3,4,5), or a range with a step a..b:step (0.5..2:0.5 = 0.5,1,1.5,2; b is
included when it falls on the step), durations in one unit (1d..7d, 12h..48h:12h); ranges and
values mix (1..3,8).
--replications R repeats the grid over seeds S, S+1, …: every figure gets a 95 % interval and every
variant a paired difference against the first. Defaults: 10,000 customers, 365 days, seed 1, 1 replication.
--out DIR (default out/sweep-<plan>) gets sweep.csv, frontier.svg and frontier.html; --csv DIR the long
CSV tables (one row per variant × metric with mean, low, high).
--workers N spreads the runs over N workers (default: the machine's cores; same results for every N);
each seed's no-plan baseline is computed once and cached on disk (--no-cache to recompute it).`;

export function parseSet(text: string): SweepSet {
  const eq = text.indexOf("=");
  if (eq <= 0 || eq === text.length - 1) throw new InputError(`--set: expected <path>=<v1,v2,...> or <path>=<a..b> such as pressure.rules.two-a-week.cap=1..3, got '${text}'`);
  const path = text.slice(0, eq).trim();
  return { path, values: expandValues(text.slice(eq + 1), `--set ${path}`) };
}

/** The long CSV tables of a sweep: variants × metrics, and differences against the first variant. */
export function sweepCsv(r: SweepResult, dir: string): string[] {
  const items = (f: (v: SweepResult["variants"][number]) => Record<string, Interval | null>) =>
    r.variants.map((v) => ({ name: v.label, metrics: f(v), extra: { ...Object.fromEntries(Object.entries(v.values).map(([k, x]) => [k, typeof x === "object" ? JSON.stringify(x) : x as string | number])), frontier: v.frontier, knee: v.knee } }));
  return writeCsvFiles(dir, {
    "sweep-variants.csv": { rows: intervalRows(items((v) => v.metrics), SWEEP_METRICS, "variant") },
    "sweep-differences.csv": { rows: intervalRows(items((v) => v.difference).slice(1), SWEEP_METRICS, "variant").map((row) => ({ ...row, against: r.variants[0].label })) },
  });
}

/**
 * "1,234 ±56": the mean and the half-width of its 95 % interval (the sign, if any, on the mean only); an
 * interval that is not symmetric (engine/compare/intervals.ts: cut at 0 or 100 %, or the Poisson interval
 * of a count the same in every seed) is no longer mean ± half: "3 [0, 8]", "0 [0, 2]".
 */
const pm = (v: Interval | null, f: (x: number) => string, signed = false) => {
  if (!v) return "n/a";
  const mean = signedText(f, signed)(v.mean), g = signedText(f); // no "-0" or "+0"
  if (v.lo === null || v.hi === null) return mean;
  const symmetric = Math.abs(v.hi - v.mean - (v.mean - v.lo)) <= 1e-9 * Math.max(1, v.hi - v.lo);
  return symmetric ? `${mean} ±${f((v.hi - v.lo) / 2)}` : `${mean} [${g(v.lo)}, ${g(v.hi)}]`;
};

/**
 * A plan's name as one folder name for the default --out: letters (any script), digits, '_', '.' and '-'
 * kept, runs of anything else one '-'. A name is free text: '../../x' put the files in out/x, 'a/b' nested them.
 */
export function folderName(name: string): string {
  return name.replace(/[^\p{L}\p{N}_.-]+/gu, "-").replace(/^[.-]+|-+$/g, "") || "plan";
}

/**
 * While the runs go on in workers, Ctrl-C (SIGINT) or SIGTERM says what was done before the process ends
 * (130 or 143, as the default): a long sweep stopped with nothing said left the user to guess whether
 * the files in --out were this run's. Nothing of a stopped sweep is written; files there are an earlier
 * run's. With one worker the runs hold this thread, so no listener could answer: the default stop, at
 * once and silent, stays. Returns the function that removes the listeners (the writing after the runs
 * is stopped by the default, each file whole or not at all).
 */
function stopMessage(out: string, runs: () => string, newLine: string): () => void {
  const listeners = (["SIGINT", "SIGTERM"] as const).map((signal) => {
    const listener = () => {
      const earlier = existsSync(join(out, "sweep.csv")) ? `; the files in ${out} are an earlier run's` : ` to ${out}`;
      console.error(`${newLine}sweep stopped (${signal}) after ${runs().replace(/^(\d+)\/(\d+) runs$/, "$1 of its $2 runs")}: nothing written${earlier}`);
      Deno.exit(signal === "SIGINT" ? 130 : 143);
    };
    Deno.addSignalListener(signal, listener);
    return [signal, listener] as const;
  });
  return () => listeners.forEach(([signal, listener]) => Deno.removeSignalListener(signal, listener));
}

export async function sweepCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, {
    set: { type: "string", multiple: true },
    customers: { type: "string" },
    days: { type: "string" },
    seed: { type: "string" },
    replications: { type: "string" },
    out: { type: "string" },
    csv: { type: "string" },
    json: { type: "boolean" },
    help: { type: "boolean", short: "h" },
    workers: { type: "string" },
    "no-cache": { type: "boolean" },
  }, USAGE);
  if (values.help) return console.log(HELP), 0;
  if (positionals.length !== 1) throw new InputError(`expected one plan file, got ${positionals.length}\nusage: ${USAGE}`);
  const sets = ((values.set ?? []) as string[]).map(parseSet);
  if (!sets.length) throw new InputError(`${FLAG_NAMING.empty}\nusage: ${USAGE}`); // the library's words (a sweep of nothing is refused there too)
  const loaded = loadPlan(positionals[0]);
  const options = {
    workers: sizeFlag(values.workers, "workers", defaultWorkers()),
    cache: values["no-cache"] ? "off" as const : "disk" as const,
    customers: sizeFlag(values.customers, "customers", 10_000),
    days: sizeFlag(values.days, "days", 365),
    seed: sizeFlag(values.seed, "seed", 1),
    replications: sizeFlag(values.replications, "replications", 1),
  };
  checkSweep(loaded, sets, options, FLAG_NAMING); // every variant a valid plan; errors name the --set
  // the folders made once every input is checked (a bad plan, flag or variant leaves nothing behind), before the runs
  const out = outputFolder("--out", (values.out as string | undefined) ?? join("out", `sweep-${folderName(loaded.plan.name)}`));
  if (values.csv !== undefined) outputFolder("--csv", values.csv as string);
  const bar = progress("sweep"); // on a terminal only; with workers the runs end out of order: counted, not named
  // each seed's no-plan baseline and every variant on every seed, as the progress counts them
  let runsDone = `0/${options.replications * (1 + sets.reduce((n, s) => n * s.values.length, 1))} runs`;
  const stop = options.workers > 1 ? stopMessage(out, () => runsDone, bar ? "\n" : "") : undefined;
  const result = await sweepInWorkers(loaded, sets, {
    ...options,
    // the days of every run together (the baselines' too), moving while a long run goes on, then the runs finished
    onProgress: (runs, d, n) => (runsDone = runs, bar?.("runs", d, n, `days · ${runs}`)),
  }).finally(() => stop?.());
  const csvFiles = values.csv !== undefined ? sweepCsv(result, values.csv as string) : [];
  const svg = frontierSvg(result, `${loaded.plan.name}: incremental margin against unsubscribes`, loaded.plan.currency);
  writableFolder(out);
  writeWhole(join(out, "sweep.csv"), tableCsv(result.table) + "\n");
  writeWhole(join(out, "frontier.svg"), svg);
  writeWhole(join(out, "frontier.html"), sweepPage(result, loaded.plan.name, svg, loaded.plan.currency, csvFiles.map((f) => relative(out, f))));
  if (values.json) {
    console.log(JSON.stringify({ plan: loaded.plan.name, out, replications: result.replications, seeds: result.seeds, csv: csvFiles, variants: result.table.objects() }));
    return 0;
  }
  const reps = result.replications;
  console.log(reps > 1 ? `Means ±95 % half-interval over ${reps} seeds (${result.seeds[0]}–${result.seeds[reps - 1]}), or [low, high] where it is not symmetric (stopped at 0 or 100 %, or a count the same in every seed: its Poisson interval); Δ margin is paired against the first variant.\n` : "One seed: means only (--replications 5 for intervals).\n");
  console.log(table(
    result.variants.map((v, i) => [
      v.label + (v.knee ? "  ← knee" : v.frontier ? "  (frontier)" : ""),
      pm(v.metrics.contacts, fmtInt),
      pm(v.metrics.weeksAboveThreshold, percent),
      pm(v.metrics.unsubscribes, fmtInt),
      pm(v.metrics.incrementalMargin, fmtInt),
      pm(v.metrics.cost, fmtInt),
      pm(v.metrics.roi, (x) => x.toFixed(2)),
      i === 0 ? "—" : pm(v.difference.incrementalMargin, fmtInt, true),
    ]),
    ["variant", "contacts", "weeks > 2", "unsubs", "incr. margin", "cost", "ROI", "Δ margin"],
  ));
  const why = noKnee(result.variants);
  if (why) console.log(`\nNo knee: ${why}.`);
  console.log(`\nwrote ${[join(out, "sweep.csv"), join(out, "frontier.svg"), join(out, "frontier.html"), ...csvFiles].join(", ")}`);
  return 0;
}
