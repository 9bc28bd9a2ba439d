/**
 * Computing or waiting for memory (docs/performance.md, "Ninth session"): the plan alone on one thread,
 * run R times in one process for each population size and lane width, printing each run's events/s.
 * A small population's whole state stays in the CPU's caches once the code is warm (its last runs are
 * the engine's computation alone); a large one's does not (the difference is the wait for memory).
 *
 *   ./node_modules/.bin/deno run -A bench/cache-bench.ts [--customers 5000,200000] [--lanes 16384] [--runs 6] [--plan scenarios/lifecycle.yaml]
 */
import { benchArgs, median } from "./bench-args.ts";
import { loadPlan } from "../engine/plan/load.ts";
import { runPlan } from "../engine/sim/run.ts";

const USAGE = "./node_modules/.bin/deno run -A bench/cache-bench.ts [--customers 5000,200000] [--lanes 16384] [--runs 6] [--plan scenarios/lifecycle.yaml]";
const values = benchArgs(
  USAGE,
  {
    customers: { type: "string", default: "5000,200000" },
    lanes: { type: "string", default: "16384" },
    runs: { type: "string", default: "6" },
    plan: { type: "string", default: "scenarios/lifecycle.yaml" },
  },
  ["runs"],
  ["customers", "lanes"],
);
const plan = loadPlan(values.plan!), runs = Number(values.runs);
for (const customers of values.customers!.split(",").map(Number)) {
  for (const laneWidth of values.lanes!.split(",").map(Number)) {
    const rates: number[] = [];
    for (let i = 0; i < runs; i++) {
      // a seed per run: the same work, not the same answers cached anywhere
      const r = runPlan(plan, { customers, days: 365, seed: 1 + i, baseline: false, laneWidth });
      rates.push(r.run.events / r.run.wallMs / 1000);
      console.log(`${customers} customers, lanes of ${laneWidth}, run ${i + 1}: ${r.run.events.toLocaleString("en-US")} events in ${(r.run.wallMs / 1000).toFixed(2)} s, ${rates.at(-1)!.toFixed(3)} M events/s`);
    }
    // the last half of the runs: the code warm
    console.log(JSON.stringify({ customers, laneWidth, runs, warmMedianMEventsPerSecond: +median(rates.slice(Math.floor(runs / 2))).toFixed(3) }));
  }
}
