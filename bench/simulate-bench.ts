/**
 * Simulation benchmark: the example plan on N customers × D days (default 1,000,000 × 365), single
 * thread. Prints wall time, events/s, customers/s and peak RSS, as the median of --runs runs.
 *
 *   npx deno task bench [--customers N] [--days D] [--runs R] [--plan scenarios/lifecycle.yaml]
 */
import { parseArgs } from "node:util";
import { loadPlan } from "../engine/plan/load.ts";
import { runPlan } from "../engine/sim/run.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    customers: { type: "string", default: "1000000" },
    days: { type: "string", default: "365" },
    runs: { type: "string", default: "1" },
    plan: { type: "string", default: "scenarios/lifecycle.yaml" },
    seed: { type: "string", default: "1" },
  },
});
const customers = Number(values.customers), days = Number(values.days), runs = Number(values.runs);
const loaded = loadPlan(values.plan!);
let peak = 0;
const sample = setInterval(() => (peak = Math.max(peak, Deno.memoryUsage().rss)), 50);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const walls: number[] = [], planWalls: number[] = [], eventsPerRun: number[] = [];
for (let i = 0; i < runs; i++) {
  const t0 = performance.now();
  const r = runPlan(loaded, { customers, days, seed: Number(values.seed), baseline: false });
  const wall = (performance.now() - t0) / 1000;
  walls.push(wall);
  planWalls.push(r.run.wallMs / 1000);
  eventsPerRun.push(r.run.events);
  peak = Math.max(peak, Deno.memoryUsage().rss);
  console.log(`run ${i + 1}: ${wall.toFixed(1)} s total (population + simulation), simulation ${(r.run.wallMs / 1000).toFixed(1)} s, ${r.run.events.toLocaleString("en-US")} events, contacts ${r.summary.contacts.toLocaleString("en-US")}`);
}
clearInterval(sample);
const wall = median(walls), sim = median(planWalls), events = median(eventsPerRun);
console.log(JSON.stringify({
  plan: loaded.plan.name,
  customers,
  days,
  runs,
  wallSeconds: Number(wall.toFixed(2)),
  simulationSeconds: Number(sim.toFixed(2)),
  eventsPerSecond: Math.round(events / sim),
  customersPerSecond: Math.round(customers / wall),
  peakRssMiB: Math.round(peak / 2 ** 20),
}));
