/**
 * What the machine allows a 2-worker split (docs/performance.md, "Twelfth session"): the plan alone on
 * half the customers in one process, first alone, then two such processes at once. Nothing couples the
 * two (no barrier, no exchange, no merge), so their slowdown when run together is the hardware's: two
 * cores sharing one last-level cache and one memory. A split run's worker (`npx deno task bench --cases
 * plan/2`, which prints each worker's simulation) cannot do better than one of these pairs; what it takes
 * beyond that is the split's own cost. Each process is a fresh child; the order alternates.
 *
 *   ./node_modules/.bin/deno run -A bench/split-bound.ts [--customers 1000000] [--runs 3] [--plan scenarios/lifecycle.yaml]
 */
import { benchArgs, median } from "./bench-args.ts";

const USAGE = "./node_modules/.bin/deno run -A bench/split-bound.ts [--customers 1000000] [--runs 3] [--plan scenarios/lifecycle.yaml]";
const values = benchArgs(
  USAGE,
  {
    customers: { type: "string", default: "1000000" },
    runs: { type: "string", default: "3" },
    plan: { type: "string", default: "scenarios/lifecycle.yaml" },
    child: { type: "boolean", default: false },
  },
  ["customers", "runs"],
);

if (values.child) {
  const { loadPlan } = await import("../engine/plan/load.ts");
  const { runPlan } = await import("../engine/sim/run.ts");
  const r = runPlan(loadPlan(values.plan), { customers: Number(values.customers), days: 365, seed: 1, baseline: false });
  console.log(JSON.stringify({ simulation: r.run.wallMs / 1000, events: r.run.events }));
} else {
  const half = Math.floor(Number(values.customers) / 2);
  /** One child process on half the customers: its simulation's seconds. */
  const child = async (): Promise<number> => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", new URL(import.meta.url).pathname, "--child", "--customers", String(half), "--plan", values.plan],
      stderr: "inherit",
    }).output();
    if (!out.success) Deno.exit(1);
    return JSON.parse(new TextDecoder().decode(out.stdout).trim().split("\n").pop()!).simulation;
  };
  const alone: number[] = [], together: number[] = [];
  for (let i = 0; i < Number(values.runs); i++) {
    const runAlone = async () => alone.push(await child());
    const runTogether = async () => together.push(...await Promise.all([child(), child()]));
    if (i % 2) await runTogether(), await runAlone();
    else await runAlone(), await runTogether();
    console.log(`round ${i + 1}: ${half.toLocaleString("en-US")} customers alone ${alone.at(-1)!.toFixed(2)} s, two at once ${together.slice(-2).map((s) => s.toFixed(2)).join(" and ")} s`);
  }
  const a = median(alone), t = median(together);
  console.log(JSON.stringify({ customers: half, runs: alone.length, aloneSeconds: +a.toFixed(2), togetherSeconds: +t.toFixed(2), slowdownTogether: +(t / a).toFixed(2) }));
}
