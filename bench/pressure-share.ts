/**
 * What share of simulation time the pressure checks take: runs a plan under Deno's CPU profiler in a
 * child process and sums the samples inside `checkPressure` against those inside `simulate`.
 *
 *   ./node_modules/.bin/deno run -A bench/pressure-share.ts [--customers N] [--days D] [--plan scenarios/lifecycle-capped.yaml]
 */
import { benchArgs } from "./bench-args.ts";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const values = benchArgs(
  "./node_modules/.bin/deno run -A bench/pressure-share.ts [--customers N] [--days D] [--plan scenarios/lifecycle-capped.yaml]",
  {
    customers: { type: "string", default: "1000000" },
    days: { type: "string", default: "365" },
    plan: { type: "string", default: "scenarios/lifecycle-capped.yaml" },
    child: { type: "boolean", default: false },
  },
  ["customers", "days"],
);

if (values.child) {
  const { loadPlan } = await import("../engine/plan/load.ts");
  const { runPlan } = await import("../engine/sim/run.ts");
  const r = runPlan(loadPlan(values.plan!), { customers: Number(values.customers), days: Number(values.days), baseline: false });
  console.log(`contacts ${r.summary.contacts}, suppressed ${r.summary.suppressed}, events ${r.run.events}`);
} else {
  const dir = mkdtempSync(join(tmpdir(), "cadence-prof-"));
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--v8-flags=--max-old-space-size=4096", "--cpu-prof", `--cpu-prof-dir=${dir}`, new URL(import.meta.url).pathname, "--child", "--customers", values.customers!, "--days", values.days!, "--plan", values.plan!],
    stdout: "inherit",
    stderr: "inherit",
  }).outputSync();
  if (!child.success) Deno.exit(1);
  const file = readdirSync(dir).find((f) => f.endsWith(".cpuprofile"))!;
  const prof = JSON.parse(readFileSync(join(dir, file), "utf8")) as {
    nodes: { id: number; callFrame: { functionName: string }; children?: number[] }[];
    samples: number[];
    timeDeltas: number[];
  };
  const parent = new Map<number, number>();
  for (const n of prof.nodes) for (const ch of n.children ?? []) parent.set(ch, n.id);
  const name = new Map(prof.nodes.map((n) => [n.id, n.callFrame.functionName]));
  const inside = (id: number, fn: string) => {
    for (let x: number | undefined = id; x !== undefined; x = parent.get(x)) if (name.get(x) === fn) return true;
    return false;
  };
  let sim = 0, pressure = 0;
  prof.samples.forEach((id, i) => {
    const dt = prof.timeDeltas[i] ?? 0;
    if (inside(id, "simulate")) sim += dt, pressure += inside(id, "checkPressure") ? dt : 0;
  });
  console.log(JSON.stringify({ plan: values.plan, customers: Number(values.customers), days: Number(values.days), simulateSeconds: +(sim / 1e6).toFixed(2), pressureSeconds: +(pressure / 1e6).toFixed(2), pressureShare: +(pressure / sim).toFixed(3) }));
}
