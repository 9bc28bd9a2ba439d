import { loadPlan } from "/work/wt-shard/engine/plan/load.ts";
import { runPlanSharded } from "/work/wt-shard/engine/parallel/sharded-run.ts";
import { runPlan } from "/work/wt-shard/engine/sim/run.ts";
const plan = loadPlan("scenarios/lifecycle.yaml");
const customers = Number(Deno.args[0] ?? 50000), days = Number(Deno.args[1] ?? 90);
for (const w of [1, 2, 1, 2]) {
  const t0 = performance.now();
  const r = w === 1 ? runPlan(plan, { customers, days, baseline: false }) : await runPlanSharded(plan, { customers, days, workers: w, baseline: false });
  console.log(w, ((performance.now() - t0) / 1000).toFixed(2), r.summary.digest.slice(0, 8), r.run.shardMemory);
}
