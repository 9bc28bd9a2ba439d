// Known truth, live: `cadence live-demo`'s server on 127.0.0.1 (manual clock, a simulated reality replayed
// through the API) beside what the simulator knows of the same world: the treated customers' increment.
// Usage: bench/increment-live-check.ts [plan] [customers] [days] [control share] [reality seed]
import { mkdtempSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { liveDemo } from "../engine/live/demo.ts";
import { inControl } from "../engine/live/control-group.ts";
import { loadPlan } from "../engine/plan/load.ts";
import { baselinePlan, runPlan } from "../engine/sim/run.ts";
import { DEFAULT_WORLD } from "../engine/sim/world-model.ts";
import { T8 } from "../engine/sim/metrics.ts";

const plan = Deno.args[0] ?? "scenarios/lifecycle.yaml", customers = Number(Deno.args[1] ?? 3000), days = Number(Deno.args[2] ?? 30), share = Number(Deno.args[3] ?? 0.2), seed = Number(Deno.args[4] ?? 2);
const o = { plan, customers, days, start: "2026-01-01", replications: 3, forecastSeed: 1, realitySeed: seed, controlShare: share, db: join(mkdtempSync(join(tmpdir(), "h21-")), "c.sqlite") };
const control = { share, salt: "live-demo" };
// the truth: the same two runs the demo's reality is made of
const loaded = loadPlan(plan);
const world = { channels: DEFAULT_WORLD.channels.map((c) => ({ ...c, hardBounce: 0 })) };
const run = (l: typeof loaded) => runPlan(l, { customers, days, seed, start: o.start, record: true, baseline: false, world });
const a = run(loaded), b = run({ ...loaded, compiled: baselinePlan(loaded.plan) });
const ids = a.run.population.table.ids;
let truthTreated = 0, nT = 0, revT = 0, revC = 0, nC = 0, truthAll = 0;
for (let c = 0; c < a.run.population.table.size; c++) {
  const d = a.run.metrics.revenueOf[c * T8] - b.run.metrics.revenueOf[c * T8];
  truthAll += d;
  if (inControl(control, ids[c])) nC++, revC += b.run.metrics.revenueOf[c * T8];
  else nT++, truthTreated += d, revT += a.run.metrics.revenueOf[c * T8];
}
console.log(`simulator: ${nT} treated, ${nC} control; true increment on the treated ${truthTreated.toFixed(0)} (all customers ${truthAll.toFixed(0)}); treated revenue ${revT.toFixed(0)}, control revenue ${revC.toFixed(0)}; plug-in estimate ${((revT / nT - revC / nC) * nT).toFixed(0)}`);
const r = await liveDemo(o);
const m = r.metrics.find((x) => x.name === "incrementalRevenue")!;
console.log(`server: ${r.population.treated} treated, ${r.population.control} control; ${JSON.stringify(m)}`);
for (const x of r.metrics) console.log(`  ${x.name}: actual ${x.actual} forecast ${x.forecast.mean.toFixed(1)} [${x.forecast.lo.toFixed(1)}, ${x.forecast.hi.toFixed(1)}] inside ${x.inside}`);
