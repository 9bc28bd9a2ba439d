// How often the live control-group interval (engine/live/metrics.ts, difference) holds the true increment:
// in each simulated world the treated customers live a run of the plan and the control customers a run
// without it (as `cadence live-demo` replays); the truth is the treated customers' revenue with the plan
// minus without. Usage: bench/increment-coverage.ts [plan] [customers] [days] [control share] [worlds]
// e.g. scenarios/lifecycle.yaml 300 30 0.01 100 (docs/live.md, "What the increment estimates").
import { inControl } from "../engine/live/control-group.ts";
import { difference, sampleStats } from "../engine/live/metrics.ts";
import { loadPlan } from "../engine/plan/load.ts";
import { baselinePlan, runPlan } from "../engine/sim/run.ts";
import { DEFAULT_WORLD } from "../engine/sim/world-model.ts";
import { T8 } from "../engine/sim/metrics.ts";

const plan = Deno.args[0] ?? "scenarios/lifecycle.yaml", customers = Number(Deno.args[1] ?? 300), days = Number(Deno.args[2] ?? 30), share = Number(Deno.args[3] ?? 0.01), seeds = Number(Deno.args[4] ?? 100);
const loaded = loadPlan(plan);
const world = { channels: DEFAULT_WORLD.channels.map((c) => ({ ...c, hardBounce: 0 })) };
let widthSum = 0, purch0 = 0, covered = 0, nulls = 0, zeroVarControl = 0, tried = 0;
for (let seed = 1; seed <= seeds; seed++) {
  const run = (l: typeof loaded) => runPlan(l, { customers, days, seed, start: "2026-01-01", baseline: false, world });
  const a = run(loaded), b = run({ ...loaded, compiled: baselinePlan(loaded.plan) });
  const ids = a.run.population.table.ids, control = { share, salt: `s${seed}` };
  const T: number[] = [], C: number[] = [];
  let truth = 0;
  for (let c = 0; c < a.run.population.table.size; c++) {
    if (inControl(control, ids[c])) C.push(b.run.metrics.revenueOf[c * T8]);
    else T.push(a.run.metrics.revenueOf[c * T8]), truth += a.run.metrics.revenueOf[c * T8] - b.run.metrics.revenueOf[c * T8];
  }
  tried++;
  const t = sampleStats(T), c = sampleStats(C), d = difference(t, c);
  if (!d) { nulls++; continue; }
  if (c.variance === 0) zeroVarControl++;
  if (d.lo * t.n <= truth && truth <= d.hi * t.n) covered++;
  widthSum += (d.hi - d.lo) * t.n / 2;
  const buyers = C.filter((x) => x > 0).length;
  if (buyers === 0) purch0++;
}
console.log(`${plan} ${customers} customers × ${days} days, control share ${share}: ${tried} realities; no interval (empty group) ${nulls}; control variance 0 in ${zeroVarControl}; interval holds the truth in ${covered} / ${tried - nulls} (mean half-width ${(widthSum / (tried - nulls)).toFixed(0)}); control group without a buyer in ${purch0}`);
