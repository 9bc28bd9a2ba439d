/** `cadence live-report --db FILE [--plan ID] [--out live-report.html] [--json]`: forecast vs actual of a live (or retired) plan, as an HTML page. */
import { writeFileSync } from "node:fs";
import { InputError } from "../plan/errors.ts";
import { forecastVsActual } from "../live/forecast-vs-actual.ts";
import { renderLiveReport } from "../live/live-report.ts";
import { SqliteStore } from "../live/sqlite-store.ts";
import { intFlag, parse } from "./args.ts";

const USAGE = "cadence live-report --db FILE [--plan ID] [--out live-report.html] [--json]";

export async function liveReportCommand(args: string[]): Promise<number> {
  const { values } = parse(args, { db: { type: "string" }, plan: { type: "string" }, out: { type: "string" }, json: { type: "boolean" } }, USAGE);
  const db = values.db ?? Deno.env.get("CADENCE_DB");
  if (!db) throw new InputError(`--db: which database? e.g. --db cadence.sqlite\nusage: ${USAGE}`);
  const store = new SqliteStore(db);
  try {
    store.migrate();
    const promoted = store.listPlans().filter((p) => p.promoted !== null);
    const id = intFlag(values.plan, "plan", promoted.at(-1)?.id ?? 0, 1, 2 ** 31 - 1);
    const plan = store.getPlan(id);
    if (!plan || plan.promoted === null) {
      throw new InputError(`--plan: ${values.plan ? `plan ${values.plan} was never promoted` : "no plan of this database was ever promoted"}; promoted plans: ${promoted.map((p) => p.id).join(", ") || "none"}`);
    }
    const now = Number(store.getMeta("watermark") ?? plan.promoted);
    const r = forecastVsActual(store, plan, now);
    if (values.json) return console.log(JSON.stringify(r)), 0;
    const out = values.out ?? "live-report.html";
    writeFileSync(out, renderLiveReport(r));
    console.log(`wrote ${out}: ${r.metrics.filter((m) => m.inside).length} of ${r.metrics.length} metrics inside the forecast`);
    return 0;
  } finally {
    store.close();
  }
}
