/**
 * `cadence contributions <plan> [--customers N --days D --replications R --seed S --json]`: each
 * program's marginal contribution (the plan with and without it, common random numbers) and the
 * library templates missing from the plan ranked by incremental margin per contact.
 */
import { contributions } from "../compare/contributions.ts";
import { contributionsCsv } from "../report/contributions-csv.ts";
import type { Interval } from "../compare/intervals.ts";
import { InputError } from "../plan/errors.ts";
import { loadPlan } from "../plan/load.ts";
import { signedText } from "../report/html.ts";
import { outputFolder, parse, sizeFlag } from "./args.ts";
import { fmtInt } from "./format.ts";

const USAGE = "cadence contributions <plan> [--customers N] [--days D] [--replications R] [--seed S] [--json] [--csv DIR]";

const fmt = signedText((x: number) => (Math.abs(x) >= 100 ? x.toFixed(0) : x.toFixed(2))); // no "-0.00"
const show = (v: Interval) => `${fmt(v.mean)}${v.lo === null ? "" : ` [${fmt(v.lo)}, ${fmt(v.hi!)}]`}`;

export async function contributionsCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, {
    customers: { type: "string" },
    days: { type: "string" },
    replications: { type: "string" },
    seed: { type: "string" },
    json: { type: "boolean" },
    csv: { type: "string" },
  }, USAGE);
  if (positionals.length !== 1) throw new InputError(`contributions: give exactly one plan file (got ${positionals.length})\nusage: ${USAGE}`);
  const plan = loadPlan(positionals[0]);
  const o = {
    customers: sizeFlag(values.customers, "customers", 5000), // the limits of every other command (it took 100 to 10,000,000)
    days: sizeFlag(values.days, "days", 365),
    replications: sizeFlag(values.replications, "replications", 3),
    seed: sizeFlag(values.seed, "seed", 1),
  };
  // once every input is checked (a bad plan or flag leaves nothing behind), before the runs
  if (values.csv !== undefined) outputFolder("--csv", values.csv as string);
  const r = contributions(plan, o);
  const csv = values.csv !== undefined ? contributionsCsv(r, values.csv as string) : []; // engine/report/csv-export.ts's format
  if (values.json) {
    console.log(JSON.stringify({ programs: r.programs, missing: r.missing.map(({ template, incrementalMargin, perContact }) => ({ template, incrementalMargin, perContact })), notTried: r.skipped }, null, 2));
    return 0;
  }
  console.log(`contributions: ${plan.plan.name} · ${fmtInt(o.customers)} customers · ${fmtInt(o.days)} days · ${o.replications} replication(s) from seed ${o.seed}`);
  console.log("\nEach program: the plan with it − the plan without it (same customers, same seeds), mean [95 %]:\n");
  const w = Math.max(7, ...r.programs.map((p) => p.id.length), ...r.missing.map((m) => m.template.length));
  console.log(`${"program".padEnd(w)}  ${"contacts".padStart(10)}  incremental margin        unsubscribes`);
  for (const p of r.programs) console.log(`${p.id.padEnd(w)}  ${fmtInt(p.contacts).padStart(10)}  ${show(p.incrementalMargin).padEnd(24)}  ${show(p.unsubscribes)}`);
  if (r.missing.length) {
    console.log("\nLibrary programs missing from the plan, if added (ranked by incremental margin per contact):\n");
    console.log(`${"template".padEnd(w)}  ${"per contact".padStart(11)}  incremental margin`);
    for (const m of r.missing) console.log(`${m.template.padEnd(w)}  ${(m.perContact === null ? "n/a" : m.perContact.toFixed(3)).padStart(11)}  ${show(m.incrementalMargin)}`);
  }
  for (const s of r.skipped) console.log(`(not tried: ${s.template}: ${s.reason})`);
  if (csv.length) console.log(`\nwrote ${csv.length} file(s): ${csv.join(", ")}`);
  return await Promise.resolve(0);
}
