/** `cadence demo [--customers N] [--days D] [--seed S]`: the example plans side by side against no plan. */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { loadPlan, SCENARIOS_DIR } from "../plan/load.ts";
import { runPlan, type Summary } from "../sim/run.ts";
import { intFlag, parse, progress } from "./args.ts";
import { fmtInt, fmtMoney, table } from "./format.ts";

export const DEMO_PLANS = ["batch-and-blast", "lifecycle", "lifecycle-capped"];

export async function demoCommand(args: string[]): Promise<number> {
  const { values } = parse(args, { customers: { type: "string" }, days: { type: "string" }, seed: { type: "string" } },
    "cadence demo [--customers N] [--days D] [--seed S]");
  const customers = intFlag(values.customers, "customers", 100_000, 1, 20_000_000);
  const days = intFlag(values.days, "days", 365, 1, 3650);
  const seed = intFlag(values.seed, "seed", 1, 0, 2 ** 31 - 1);
  const available = new Set(readdirSync(SCENARIOS_DIR).filter((f) => f.endsWith(".yaml")).map((f) => f.slice(0, -5)));
  const names = DEMO_PLANS.filter((p) => available.has(p));
  console.log(`Cadence demo: ${names.length} example plans, ${fmtInt(customers)} synthetic customers, ${days} days, seed ${seed}\n`);
  const summaries: Summary[] = [];
  for (const name of names) {
    const t0 = performance.now();
    const loaded = loadPlan(join(SCENARIOS_DIR, `${name}.yaml`));
    const { summary } = runPlan(loaded, { customers, days, seed, onDay: progress(name) });
    summaries.push(summary);
    console.log(`${name}: simulated in ${((performance.now() - t0) / 1000).toFixed(1)} s (plan and baseline), digest ${summary.digest.slice(0, 16)}`);
  }
  const b = summaries[0];
  console.log("\nForecast against the no-plan baseline (same customers, same seed):\n");
  const row = (label: string, f: (s: Summary) => string) => [label, ...summaries.map(f)];
  console.log(table([
    row("reach", (s) => fmtInt(s.reach)),
    row("contacts", (s) => fmtInt(s.contacts)),
    row("contacts / customer-week mean", (s) => s.contactsPerCustomerWeek.mean.toFixed(2)),
    row("contacts / customer-week p99", (s) => String(s.contactsPerCustomerWeek.p99)),
    row("contacts / customer-week max", (s) => String(s.contactsPerCustomerWeek.max)),
    row("conversions", (s) => fmtInt(s.conversions)),
    row("revenue", (s) => fmtMoney(s.revenue)),
    row("baseline revenue", (s) => fmtMoney(s.baselineRevenue)),
    row("incremental revenue", (s) => fmtMoney(s.incrementalRevenue)),
    row("cost", (s) => fmtMoney(s.cost)),
    row("incremental margin", (s) => fmtMoney(s.incrementalMargin)),
    row("ROI", (s) => (s.roi === null ? "n/a" : `${s.roi.toFixed(2)}x`)),
    row("unsubscribes", (s) => fmtInt(s.unsubscribes)),
    row("complaints", (s) => fmtInt(s.complaints)),
    row("disengaged", (s) => fmtInt(s.disengaged)),
    row("churned by fatigue", (s) => fmtInt(s.churned)),
    row("suppressed (consent, windows, rules)", (s) => fmtInt(s.suppressed)),
  ], ["", ...summaries.map((s) => s.plan)]));
  if (b) console.log(`\nBaseline (no plan): revenue ${fmtMoney(b.baselineRevenue)} from the same population.`);
  return 0;
}
