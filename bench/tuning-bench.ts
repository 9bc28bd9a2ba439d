/**
 * Re-simulation for tuning (issue 14 #4): lifecycle-capped on N customers × D days (default 50,000 ×
 * 365), the two-a-week cap moved as a slider would, baseline cached and population drawn once
 * (engine/sim/tuner.ts), on one thread and split across workers that stay (engine/parallel/sharded-tuner.ts),
 * in the same session. Prints each re-simulation and the median per worker count.
 *
 *   ./node_modules/.bin/deno run -A bench/tuning-bench.ts [--customers N] [--days D] [--runs R] [--workers 1,2]
 */
import { benchArgs } from "./bench-args.ts";
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
);
const customers = Number(values.customers), days = Number(values.days), runs = Number(values.runs);
const plan = loadPlan("scenarios/lifecycle-capped.yaml");
for (const workers of values.workers!.split(",").map(Number)) {
  const t0 = performance.now();
  // one thread: the tuner; more: the same customers split across workers that stay (engine/parallel/sharded-tuner.ts)
  const o = { customers, days, seed: 1, cache: "off" as const };
  const t = workers > 1 ? await shardedTuner(plan, { ...o, workers }) : tuner(plan, o);
  console.log(`${workers} worker(s): prepared (population drawn, baseline simulated) in ${((performance.now() - t0) / 1000).toFixed(2)} s`);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const cap = 1 + (i % 4), s = performance.now();
    const r = await t.run({ "pressure.rules.two-a-week.cap": cap });
    times.push((performance.now() - s) / 1000);
    console.log(`cap=${cap}: ${times.at(-1)!.toFixed(2)} s, ${r.run.events.toLocaleString("en-US")} events, incremental margin ${Math.round(r.summary.incrementalMargin).toLocaleString("en-US")}`);
  }
  if ("close" in t) t.close();
  const median = [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)];
  console.log(JSON.stringify({ customers, days, runs, workers, medianSeconds: +median.toFixed(3) }));
}
