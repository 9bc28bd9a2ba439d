/**
 * Simulation benchmark: the example plan on N customers × D days (default 1,000,000 × 365). Each run is
 * a fresh child process, so its peak RSS is its own (workers are threads of that process). Four cases,
 * R runs each (default 3), in the same session so their ratios are fair:
 *   plan/1      the plan alone, one thread (the engine's speed: events/s); `plan` is the same case;
 *   plan/2      the plan alone, its customers split across 2 workers (engine/parallel/sharded-run.ts);
 *   simulate/1  what `cadence simulate` (without --out) does with --workers 1: plan, then its no-plan baseline;
 *   simulate/2  with --workers 2: the baseline, then the plan, each split across 2 workers (nothing cached),
 *               the workers sending back their figures, not their customers;
 *   cached/N    (not run by default) `cadence simulate` again, its baseline cached: the plan alone as the
 *               command runs it (figures back, nothing merged per customer); the baseline is computed
 *               first in the same process and not timed (its peak RSS still counts what that left).
 *   out/N       (not run by default) `cadence simulate --out DIR` with N workers: the plan and its
 *               baseline, every row recorded, and the nine files written (to a temporary directory,
 *               removed after); every row is held in memory, so run it on tens of thousands of customers.
 * Prints every run and the medians: wall time, events/s, customers/s, peak RSS of the process, each
 * worker's peak (V8 heap in use + array buffers), and the 2-worker cases' speed-ups over 1 worker; for
 * a split run, each worker's time: drawing its customers, its simulation, and within it the waits for the
 * other workers and the targeted campaigns' rankings that every worker repeats (engine/parallel/shard.ts).
 *
 *   npx deno task bench [--customers N] [--days D] [--runs R] [--plan scenarios/lifecycle.yaml] [--cases plan/1,plan/2,simulate/1,simulate/2,cached/2,out/1]
 */
import type { ShardTimes } from "../engine/parallel/shard.ts";
import { benchArgs, median } from "./bench-args.ts";

const USAGE = "npx deno task bench [--customers N] [--days D] [--runs R] [--plan scenarios/lifecycle.yaml] [--cases plan/1,plan/2,simulate/1,simulate/2,cached/2,out/1]";
const values = benchArgs(
  USAGE,
  {
    customers: { type: "string", default: "1000000" },
    days: { type: "string", default: "365" },
    runs: { type: "string", default: "3" },
    plan: { type: "string", default: "scenarios/lifecycle.yaml" },
    seed: { type: "string", default: "1" },
    cases: { type: "string", default: "plan/1,plan/2,simulate/1,simulate/2" },
    case: { type: "string", default: "plan" },
    child: { type: "boolean", default: false },
  },
  ["customers", "days", "runs"],
);
const customers = Number(values.customers), days = Number(values.days);
// a case is a kind and a worker count: anything else would have run `simulate` under another name
for (const c of values.child ? [values.case!] : values.cases!.split(",")) {
  if (!/^(plan|simulate|cached|out)(\/[1-9]\d*)?$/.test(c)) {
    console.error(`--cases: unknown case '${c}'; expected plan/N, simulate/N, cached/N or out/N (N workers ≥ 1)\nusage: ${USAGE}`);
    Deno.exit(2);
  }
}

interface Run {
  wall: number;
  simulation: number;
  events: number;
  contacts: number;
  peakRss: number;
  workerPeaks: number[]; // bytes, per worker of a split run
  workerTimes: ShardTimes[]; // ms, per worker of a split run: where its time went (engine/parallel/shard.ts)
}

/** `cadence simulate --out DIR`'s run and files (engine/parallel/run-plan.ts recordedRun), into a directory removed after. */
async function writtenRun(plan: import("../engine/plan/load.ts").LoadedPlan, o: { customers: number; days: number; seed: number; workers: number }) {
  const { recordedRun } = await import("../engine/parallel/run-plan.ts");
  const { writeRun } = await import("../engine/sim/output.ts");
  const r = await recordedRun(plan, { ...o, cache: "off" }), dir = Deno.makeTempDirSync({ prefix: "cadence-bench-out-" });
  try {
    writeRun(r, dir);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
  return r;
}

if (values.child) {
  const { loadPlan } = await import("../engine/plan/load.ts");
  const { runPlan } = await import("../engine/sim/run.ts");
  const { summaryInWorkers } = await import("../engine/parallel/run-plan.ts");
  let peak = 0;
  let sample = setInterval(() => (peak = Math.max(peak, Deno.memoryUsage().rss)), 50);
  const t0 = performance.now();
  const plan = loadPlan(values.plan!), o = { customers, days, seed: Number(values.seed) };
  const { runPlanSharded } = await import("../engine/parallel/sharded-run.ts");
  const [kind, n = "1"] = values.case!.split("/"), workers = Number(n);
  if (kind === "cached") { // the baseline computed and cached in memory first, not timed
    clearInterval(sample);
    await summaryInWorkers(plan, { ...o, cache: "memory", workers });
    peak = 0;
  }
  const t1 = performance.now();
  if (kind === "cached") sample = setInterval(() => (peak = Math.max(peak, Deno.memoryUsage().rss)), 50);
  const r = kind === "plan"
    ? (workers > 1 ? await runPlanSharded(plan, { ...o, workers, baseline: false }) : runPlan(plan, { ...o, baseline: false }))
    : kind === "out"
    ? await writtenRun(plan, { ...o, workers }) // as `cadence simulate --out DIR`
    : await summaryInWorkers(plan, { ...o, cache: kind === "cached" ? "memory" : "off", workers }); // as `cadence simulate` without --out
  const wall = (performance.now() - (kind === "cached" ? t1 : t0)) / 1000;
  clearInterval(sample);
  peak = Math.max(peak, Deno.memoryUsage().rss);
  const run: Run = { wall, simulation: r.run.wallMs / 1000, events: r.run.events, contacts: r.summary.contacts, peakRss: peak, workerPeaks: r.run.shardMemory ?? [], workerTimes: r.run.shardTimes ?? [] };
  console.log(JSON.stringify(run));
} else {
  const mib = (b: number) => Math.round(b / 2 ** 20);
  const sec = (ms: number) => (ms / 1000).toFixed(2);
  // a split run's worker: its customers drawn, then its simulation, of which the waits for the other workers and the rankings every worker repeats
  const workerTimeText = (t: ShardTimes) =>
    `customers drawn ${sec(t.draw)} s, simulation ${sec(t.simulate)} s (waiting at barriers ${sec(t.barrier)} s, for reputation counts ${sec(t.reputation)} s; ranking targeted audiences ${sec(t.ranking)} s)`;
  const results: Record<string, unknown>[] = [];
  for (const c of values.cases!.split(",")) {
    const runs: Run[] = [];
    for (let i = 0; i < Number(values.runs); i++) {
      const out = new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", "--v8-flags=--max-old-space-size=4096", new URL(import.meta.url).pathname, "--child", "--case", c, "--customers", String(customers), "--days", String(days), "--plan", values.plan!, "--seed", values.seed!],
        stderr: "inherit",
      }).outputSync();
      if (!out.success) Deno.exit(1);
      const run = JSON.parse(new TextDecoder().decode(out.stdout).trim().split("\n").pop()!) as Run;
      runs.push(run);
      console.log(`${c} run ${i + 1}: ${run.wall.toFixed(1)} s (population + simulation), simulation ${run.simulation.toFixed(1)} s, ${run.events.toLocaleString("en-US")} events, ${run.contacts.toLocaleString("en-US")} contacts, peak RSS ${mib(run.peakRss)} MiB${run.workerPeaks.length ? ` (workers ${run.workerPeaks.map(mib).join(", ")} MiB)` : ""}`);
      run.workerTimes.forEach((t, w) => console.log(`  worker ${w + 1}, the plan's run: ${workerTimeText(t)}`));
    }
    const sim = median(runs.map((r) => r.simulation)), wall = median(runs.map((r) => r.wall));
    results.push({
      case: c,
      plan: values.plan,
      customers,
      days,
      runs: runs.length,
      wallSeconds: +wall.toFixed(2),
      simulationSeconds: +sim.toFixed(2),
      eventsPerSecond: Math.round(runs[0].events / sim),
      customersPerSecond: Math.round(customers / wall),
      peakRssMiB: mib(median(runs.map((r) => r.peakRss))),
      ...(runs[0].workerPeaks.length ? { workerPeakMiB: runs[0].workerPeaks.map((_, i) => mib(median(runs.map((r) => r.workerPeaks[i])))) } : {}),
    });
    console.log(JSON.stringify(results.at(-1)));
  }
  const w = (c: string) => results.find((r) => r.case === c || (c === "plan/1" && r.case === "plan"))?.wallSeconds as number | undefined;
  for (const kind of ["plan", "simulate", "cached", "out"]) {
    const one = w(`${kind}/1`), two = w(`${kind}/2`);
    if (one && two) console.log(JSON.stringify({ case: kind, speedupTwoWorkers: +(one / two).toFixed(2) }));
  }
}
