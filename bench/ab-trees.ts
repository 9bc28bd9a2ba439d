/**
 * Two (or more) checkouts of the engine compared in one process: each tree's `runPlan` is imported from
 * its own path and the trees take turns, plan only, on the same population size; each run's CPU time
 * (user + system of the process) and simulation wall time are printed, then the medians. On this
 * shared machine, separate processes timed one after the other differ by up to 2× with the load, and
 * runs alternated within one process are the fairer comparison (docs/performance.md, "Third session").
 * The order flips every round: a tree always run second would pay for the other's garbage. Every run
 * prints its digest, so a change that is meant to keep results byte-identical shows it did.
 *
 *   git worktree add --detach /tmp/base <commit> && ln -s "$PWD/node_modules" /tmp/base/node_modules
 *   ./node_modules/.bin/deno run -A bench/ab-trees.ts --customers 200000 --rounds 6 /tmp/base .
 */
import process from "node:process";
import { resolve } from "node:path";
import { benchArgs, median } from "./bench-args.ts";
import { parse } from "../engine/cli/args.ts";

const usage = "deno run -A bench/ab-trees.ts [--customers N] [--days D] [--rounds R] [--plan scenarios/lifecycle.yaml] TREE TREE...";
const options = {
  customers: { type: "string", default: "100000" },
  days: { type: "string", default: "365" },
  rounds: { type: "string", default: "6" },
  plan: { type: "string", default: "scenarios/lifecycle.yaml" },
} as const;
const values = benchArgs(usage, options, ["customers", "days", "rounds"]); // exits with the usage on a bad flag
const trees = parse(Deno.args, options, usage).positionals;
if (trees.length < 2) console.error(`expected two trees or more, got ${trees.length}\nusage: ${usage}`), Deno.exit(2);

const customers = Number(values.customers), days = Number(values.days), rounds = Number(values.rounds);
const entries = [];
for (const tree of trees) {
  const root = resolve(tree);
  try {
    Deno.statSync(`${root}/engine/sim/run.ts`);
  } catch {
    console.error(`${tree}: not a Cadence checkout (no engine/sim/run.ts)\nusage: ${usage}`), Deno.exit(2);
  }
  const { loadPlan } = await import(`${root}/engine/plan/load.ts`), { runPlan } = await import(`${root}/engine/sim/run.ts`);
  entries.push({ name: tree, plan: loadPlan(`${root}/${values.plan}`), runPlan, cpu: [] as number[], sim: [] as number[] });
}
for (let r = 0; r < rounds; r++) {
  for (const e of r % 2 ? [...entries].reverse() : entries) {
    const before = process.cpuUsage();
    const run = e.runPlan(e.plan, { customers, days, baseline: false });
    const used = process.cpuUsage(before), cpu = (used.user + used.system) / 1e6, sim = run.run.wallMs / 1000;
    e.cpu.push(cpu), e.sim.push(sim);
    console.log(`${e.name} round ${r + 1}: cpu ${cpu.toFixed(2)} s, simulation ${sim.toFixed(2)} s, ${run.run.events} events, digest ${run.summary.digest.slice(0, 12)}, load ${Deno.loadavg()[0].toFixed(1)}`);
  }
}
for (const e of entries) console.log(`${e.name}: median cpu ${median(e.cpu).toFixed(2)} s, median simulation ${median(e.sim).toFixed(2)} s`);
const first = entries[0];
for (const e of entries.slice(1)) {
  const ratios = e.cpu.map((c, i) => c / first.cpu[i]);
  console.log(`${e.name} / ${first.name}: cpu ratio per round ${ratios.map((x) => x.toFixed(2)).join(", ")}; median ${median(ratios).toFixed(2)}`);
}
