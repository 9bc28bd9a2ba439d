/** `cadence sweep <plan.yaml> --set <path>=<v1,v2,...> [--set ...] [--customers N] [--days D] [--seed S] [--out DIR] [--json]` */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as aq from "arquero";
import { parse as parseYaml } from "yaml";
import { loadPlan } from "../plan/load.ts";
import { InputError } from "../plan/errors.ts";
import { frontierSvg, sweep, type SweepSet } from "../sweep/sweep.ts";
import { htmlPage } from "../charts/render.ts";
import { intFlag, parse } from "./args.ts";
import { fmtInt, fmtMoney, table } from "./format.ts";

const USAGE = "cadence sweep <plan.yaml> --set <path>=<v1,v2,...> [--set ...] [--customers N] [--days D] [--seed S] [--out DIR] [--json]";

export function parseSet(text: string): SweepSet {
  const eq = text.indexOf("=");
  if (eq <= 0 || eq === text.length - 1) throw new InputError(`--set: expected <path>=<v1,v2,...> such as pressure.rules.two-a-week.cap=1,2,3, got '${text}'`);
  const values = text.slice(eq + 1).split(",").map((v) => v.trim()).filter(Boolean).map((v) => {
    try {
      return parseYaml(v);
    } catch {
      return v;
    }
  });
  return { path: text.slice(0, eq).trim(), values };
}

export async function sweepCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, {
    set: { type: "string", multiple: true },
    customers: { type: "string" },
    days: { type: "string" },
    seed: { type: "string" },
    out: { type: "string" },
    json: { type: "boolean" },
  }, USAGE);
  if (positionals.length !== 1) throw new InputError(`expected one plan file, got ${positionals.length}\nusage: ${USAGE}`);
  const sets = ((values.set ?? []) as string[]).map(parseSet);
  if (!sets.length) throw new InputError(`--set: give at least one, e.g. --set pressure.rules[0].cap=1,2,3\nusage: ${USAGE}`);
  const loaded = loadPlan(positionals[0]);
  const out = (values.out as string | undefined) ?? join("out", `sweep-${loaded.plan.name}`);
  const tty = (() => {
    try {
      return Deno.stderr.isTerminal();
    } catch {
      return false;
    }
  })();
  const result = sweep(loaded, sets, {
    customers: intFlag(values.customers, "customers", 10_000, 1, 20_000_000),
    days: intFlag(values.days, "days", 365, 1, 3650),
    seed: intFlag(values.seed, "seed", 1, 0, 2 ** 31 - 1),
    onVariant: tty ? (i, n, label) => console.error(`variant ${i}/${n}: ${label}`) : undefined,
  });
  mkdirSync(out, { recursive: true });
  const svg = frontierSvg(result, `${loaded.plan.name}: incremental margin against unsubscribes`);
  writeFileSync(join(out, "sweep.csv"), aq.toCSV(result.table) + "\n");
  writeFileSync(join(out, "frontier.svg"), svg);
  writeFileSync(join(out, "frontier.html"), htmlPage(`${loaded.plan.name} sweep`, `<h1>${loaded.plan.name}: sweep</h1><figure>${svg}</figure>${aq.toHTML(result.table)}`));
  if (values.json) {
    console.log(JSON.stringify({ plan: loaded.plan.name, out, variants: result.table.objects() }));
    return 0;
  }
  console.log(table(
    result.variants.map((v) => [v.label + (v.knee ? "  ← knee" : v.frontier ? "  (frontier)" : ""), fmtInt(v.summary.reach), fmtInt(v.summary.contacts), String(v.summary.contactsPerCustomerWeek.p90), fmtInt(v.summary.unsubscribes), fmtInt(v.summary.complaints), fmtMoney(v.summary.incrementalRevenue), fmtMoney(v.summary.incrementalMargin), fmtMoney(v.summary.cost), v.summary.roi === null ? "n/a" : v.summary.roi.toFixed(2)]),
    ["variant", "reach", "contacts", "p90/wk", "unsubs", "complaints", "incr. revenue", "incr. margin", "cost", "ROI"],
  ));
  console.log(`\nwrote ${join(out, "sweep.csv")}, ${join(out, "frontier.svg")} and ${join(out, "frontier.html")}`);
  return 0;
}
