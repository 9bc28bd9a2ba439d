/**
 * Re-simulation for tuning (issue 14 #4): lifecycle-capped on N customers × D days (default 50,000 ×
 * 365), the two-a-week cap moved as a slider would, baseline cached and population drawn once
 * (engine/sim/tuner.ts), on one thread and split across workers that stay (engine/parallel/sharded-tuner.ts),
 * in the same session. Each move sets a cap not run before (1, 3, 4, 5, …: the plan's own is 2), so
 * every move is a real re-simulation; then one move back to the first value (a slider moved back:
 * the sharded tuner remembers it). Prints the opening cost (workers, population, baseline, the
 * sharded tuner's warm-up run), each move, and per worker count the first move, the median of the
 * new values' moves, the median CPU time of a move (every thread of the process: the work a move
 * costs, which the machine's load does not change) and the move back.
 *
 *   ./node_modules/.bin/deno run -A bench/tuning-bench.ts [--customers N] [--days D] [--runs R] [--workers 1,2]
 */
import process from "node:process";
import { benchArgs, median } from "./bench-args.ts";
import { loadPlan } from "../engine/plan/load.ts";
import { tuner } from "../engine/sim/tuner.ts";
import { shardedTuner } from "../engine/parallel/sharded-tuner.ts";

const values = benchArgs(
  "./node_modules/.bin/deno run -A bench/tuning-bench.ts [--customers N] [--days D] [--runs R] [--workers 1,2]",
  {
    customers: { type: "string", default: "50000" },
    days: { type: "string", default: "365" },
    runs: { type: "string", default: "5" },
    workers: { type: "string", default: "1,2" },
  },
  ["customers", "days", "runs"],
  ["workers"],
);
const customers = Number(values.customers), days = Number(values.days), runs = Number(values.runs);
const plan = loadPlan("scenarios/lifecycle-capped.yaml");
const seconds = (from: number) => +((performance.now() - from) / 1000).toFixed(3);
/** CPU time of the whole process (every thread: the workers' too), user and system: what a move costs whatever the load. */
const cpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
for (const workers of values.workers!.split(",").map(Number)) {
  const t0 = performance.now();
  // one thread: the tuner; more: the same customers split across workers that stay (engine/parallel/sharded-tuner.ts)
  const o = { customers, days, seed: 1, cache: "off" as const };
  const t = workers > 1 ? await shardedTuner(plan, { ...o, workers }) : tuner(plan, o);
  const open = seconds(t0);
  console.log(`${workers} worker(s): opened (population drawn, baseline simulated${workers > 1 ? ", warm-up run" : ""}) in ${open.toFixed(2)} s`);
  const cpu: number[] = [];
  const move = async (cap: number) => {
    const s = performance.now(), c = cpuSeconds(), r = await t.run({ "pressure.rules.two-a-week.cap": cap }), took = seconds(s);
    cpu.push(cpuSeconds() - c);
    console.log(`cap=${cap}: ${took.toFixed(2)} s (CPU ${cpu.at(-1)!.toFixed(2)} s), ${r.run.events.toLocaleString("en-US")} events, incremental margin ${Math.round(r.summary.incrementalMargin).toLocaleString("en-US")}`);
    return took;
  };
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await move(i === 0 ? 1 : i + 2)); // 1, 3, 4, 5…: never the plan's 2
  const back = await move(1);
  if ("close" in t) t.close();
  console.log(JSON.stringify({
    customers, days, runs, workers, openSeconds: open, firstMoveSeconds: times[0], medianSeconds: median(times), medianCpuSeconds: +median(cpu.slice(0, runs)).toFixed(3), moveBackSeconds: back,
    load: Deno.loadavg()[0],
  }));
}
