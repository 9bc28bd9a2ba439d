/**
 * `cadence demo [--customers N] [--days D] [--seed S] [--replications R] [--report FILE]`: the example
 * plans compared with each other and with no plan (cadence compare), with the HTML report.
 */
import { existsSync } from "node:fs";
import { join, relative } from "node:path";
import { SCENARIOS_DIR } from "../plan/load.ts";
import { parseOptions, sizeFlag } from "./args.ts";
import { compareCommand } from "./compare.ts";
import { fmtInt } from "./format.ts";

export const DEMO_PLANS = ["batch-and-blast", "lifecycle", "lifecycle-capped"];

export async function demoCommand(args: string[]): Promise<number> {
  const { values } = parseOptions(args, {
    customers: { type: "string" },
    days: { type: "string" },
    seed: { type: "string" },
    replications: { type: "string" },
    report: { type: "string" },
  }, "cadence demo [--customers N] [--days D] [--seed S] [--replications R] [--report FILE]");
  const customers = sizeFlag(values.customers, "customers", 100_000);
  const days = sizeFlag(values.days, "days", 365);
  const seed = sizeFlag(values.seed, "seed", 1);
  const replications = sizeFlag(values.replications, "replications", 3);
  const report = (values.report as string | undefined) ?? join("out", "demo", "report.html");
  const files = DEMO_PLANS.map((p) => relative(".", join(SCENARIOS_DIR, `${p}.yaml`))).filter((f) => existsSync(f));
  console.log(`Cadence demo: ${files.length} example plans and no plan, ${fmtInt(customers)} synthetic customers, ${days} days, ${replications} replication(s) from seed ${seed}\n`);
  return await compareCommand([...files, "--customers", String(customers), "--days", String(days), "--seed", String(seed), "--replications", String(replications), "--report", report]);
}
