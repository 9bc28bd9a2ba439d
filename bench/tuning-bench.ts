/**
 * Re-simulation for tuning (issue 14 #4): lifecycle-capped on N customers × D days (default 50,000 ×
 * 365), the two-a-week cap moved as a slider would, baseline cached and population drawn once
 * (engine/sim/tuner.ts). Prints each re-simulation and the median.
 *
 *   ./node_modules/.bin/deno run -A bench/tuning-bench.ts [--customers N] [--days D] [--runs R]
 */
import { parseArgs } from "node:util";
import { loadPlan } from "../engine/plan/load.ts";
import { tuner } from "../engine/sim/tuner.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: { customers: { type: "string", default: "50000" }, days: { type: "string", default: "365" }, runs: { type: "string", default: "5" } },
});
const customers = Number(values.customers), days = Number(values.days), runs = Number(values.runs);
const t0 = performance.now();
const t = tuner(loadPlan("scenarios/lifecycle-capped.yaml"), { customers, days, seed: 1 });
console.log(`prepared (population drawn, baseline simulated) in ${((performance.now() - t0) / 1000).toFixed(2)} s`);
const times: number[] = [];
for (let i = 0; i < runs; i++) {
  const cap = 1 + (i % 4), s = performance.now();
  const r = t.run({ "pressure.rules.two-a-week.cap": cap });
  times.push((performance.now() - s) / 1000);
  console.log(`cap=${cap}: ${times.at(-1)!.toFixed(2)} s, ${r.run.events.toLocaleString("en-US")} events, incremental margin ${Math.round(r.summary.incrementalMargin).toLocaleString("en-US")}`);
}
const median = [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)];
console.log(JSON.stringify({ customers, days, runs, medianSeconds: +median.toFixed(3) }));
