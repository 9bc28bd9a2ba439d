/** `cadence live-demo [--plan FILE] [--customers N] [--days D] [--json]`: forecast, approve, promote, replay a simulated reality, print forecast vs actual. */
import { mkdtempSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { liveDemo } from "../live/demo.ts";
import { fmt, fmtActual, fmtInterval, isCount } from "../live/live-report.ts";
import { decimalFlag, intFlag, parseOptions, sizeFlag } from "./args.ts";
import { fmtInt } from "./format.ts";

const USAGE = "cadence live-demo [--plan scenarios/lifecycle.yaml] [--customers 5000] [--days 60] [--replications 3] [--seed 1] [--reality-seed 2] [--control-share 0.2] [--db FILE] [--json]";

export async function liveDemoCommand(args: string[]): Promise<number> {
  const { values } = parseOptions(args, {
    plan: { type: "string" }, customers: { type: "string" }, days: { type: "string" }, replications: { type: "string" },
    seed: { type: "string" }, "reality-seed": { type: "string" }, "control-share": { type: "string" }, db: { type: "string" }, json: { type: "boolean" },
  }, USAGE);
  const share = decimalFlag(values["control-share"], "control-share", 0.2, (x) => x > 0 && x < 0.9, "a share between 0 and 0.9");
  const o = {
    plan: values.plan ?? "scenarios/lifecycle.yaml",
    customers: intFlag(values.customers, "customers", 5000, 100, 100_000),
    days: intFlag(values.days, "days", 60, 7, 365),
    replications: intFlag(values.replications, "replications", 3, 2, 20),
    forecastSeed: sizeFlag(values.seed, "seed", 1),
    realitySeed: intFlag(values["reality-seed"], "reality-seed", 2, 0, 2 ** 31 - 1),
    start: "2026-01-01",
    controlShare: share,
    db: values.db ?? join(mkdtempSync(join(tmpdir(), "cadence-live-demo-")), "cadence.sqlite"),
    onStep: values.json ? undefined : (s: string) => console.log(`· ${s}`),
  };
  const r = await liveDemo(o);
  if (values.json) {
    console.log(JSON.stringify(r));
    return 0;
  }
  console.log(`\nforecast vs actual — ${r.plan.name}, ${r.period.from} → ${r.period.to}, ${fmtInt(r.population.treated)} treated + ${fmtInt(r.population.control)} control customers`);
  console.log(`${"metric".padEnd(20)}${"forecast".padStart(10)}  ${"95 % prediction interval".padEnd(26)}${"actual".padStart(10)}  inside`);
  for (const m of r.metrics) {
    const actual = fmtActual(m);
    console.log(`${m.name.padEnd(20)}${fmt(m.forecast.mean).padStart(10)}  ${fmtInterval(m.forecast.lo, m.forecast.hi, isCount(m)).padEnd(26)}${actual.padStart(10)}${m.actualInterval ? ` ${fmtInterval(m.actualInterval.lo, m.actualInterval.hi, false)}` : ""}  ${m.inside === null ? "—" : m.inside ? "yes" : "NO"}`);
  }
  return 0;
}
