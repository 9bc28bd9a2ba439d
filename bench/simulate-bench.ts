/**
 * Simulation benchmark: the example plan on N customers × D days (default 1,000,000 × 365), single
 * thread, plan only. Each run is a fresh child process, so its peak RSS is its own; prints every run
 * and the medians: wall time, events/s, customers/s, peak RSS.
 *
 *   npx deno task bench [--customers N] [--days D] [--runs R] [--plan scenarios/lifecycle.yaml]
 */
import { parseArgs } from "node:util";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    customers: { type: "string", default: "1000000" },
    days: { type: "string", default: "365" },
    runs: { type: "string", default: "3" },
    plan: { type: "string", default: "scenarios/lifecycle.yaml" },
    seed: { type: "string", default: "1" },
    child: { type: "boolean", default: false },
  },
});
const customers = Number(values.customers), days = Number(values.days);

interface Run {
  wall: number;
  simulation: number;
  events: number;
  contacts: number;
  peakRss: number;
}

if (values.child) {
  const { loadPlan } = await import("../engine/plan/load.ts");
  const { runPlan } = await import("../engine/sim/run.ts");
  let peak = 0;
  const sample = setInterval(() => (peak = Math.max(peak, Deno.memoryUsage().rss)), 50);
  const t0 = performance.now();
  const r = runPlan(loadPlan(values.plan!), { customers, days, seed: Number(values.seed), baseline: false });
  const wall = (performance.now() - t0) / 1000;
  clearInterval(sample);
  peak = Math.max(peak, Deno.memoryUsage().rss);
  const run: Run = { wall, simulation: r.run.wallMs / 1000, events: r.run.events, contacts: r.summary.contacts, peakRss: peak };
  console.log(JSON.stringify(run));
} else {
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const runs: Run[] = [];
  for (let i = 0; i < Number(values.runs); i++) {
    const out = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--v8-flags=--max-old-space-size=4096", new URL(import.meta.url).pathname, "--child", "--customers", String(customers), "--days", String(days), "--plan", values.plan!, "--seed", values.seed!],
      stderr: "inherit",
    }).outputSync();
    if (!out.success) Deno.exit(1);
    const run = JSON.parse(new TextDecoder().decode(out.stdout).trim().split("\n").pop()!) as Run;
    runs.push(run);
    console.log(`run ${i + 1}: ${run.wall.toFixed(1)} s (population + simulation), simulation ${run.simulation.toFixed(1)} s, ${run.events.toLocaleString("en-US")} events, ${run.contacts.toLocaleString("en-US")} contacts, peak RSS ${Math.round(run.peakRss / 2 ** 20)} MiB`);
  }
  const sim = median(runs.map((r) => r.simulation)), wall = median(runs.map((r) => r.wall));
  console.log(JSON.stringify({
    plan: values.plan,
    customers,
    days,
    runs: runs.length,
    wallSeconds: +wall.toFixed(2),
    simulationSeconds: +sim.toFixed(2),
    eventsPerSecond: Math.round(runs[0].events / sim),
    customersPerSecond: Math.round(customers / wall),
    peakRssMiB: Math.round(median(runs.map((r) => r.peakRss)) / 2 ** 20),
  }));
}
