/** `cadence live-report --db FILE [--plan ID] [--out live-report.html] [--json]`: forecast vs actual of a live (or retired) plan, as an HTML page. */
import { writeWhole } from "../report/write-file.ts";
import { InputError } from "../plan/errors.ts";
import { forecastVsActual } from "../live/forecast-vs-actual.ts";
import { renderLiveReport } from "../live/live-report.ts";
import { openLiveDb } from "./live-db.ts";
import { intFlag, outputFile, parseOptions } from "./args.ts";

const USAGE = "cadence live-report --db FILE [--plan ID] [--out live-report.html] [--json]";

export async function liveReportCommand(args: string[]): Promise<number> {
  const { values } = parseOptions(args, { db: { type: "string" }, plan: { type: "string" }, out: { type: "string" }, json: { type: "boolean" } }, USAGE);
  const store = openLiveDb(values.db, USAGE);
  try {
    const promoted = store.listPlans().filter((p) => p.promoted !== null);
    const id = intFlag(values.plan, "plan", promoted.at(-1)?.id ?? 0, 1, 2 ** 31 - 1);
    const plan = store.getPlan(id);
    if (!plan || plan.promoted === null) {
      // without --plan, the message named a flag the user had not typed, and no next step
      throw new InputError(values.plan
        ? `--plan: plan ${values.plan} was never promoted; promoted plans: ${promoted.map((p) => p.id).join(", ") || "none"}`
        : `${values.db === undefined ? `CADENCE_DB=${store.path}` : `--db ${values.db}`}: no plan of this database was ever promoted, so nothing happened live yet; promote one (POST /v1/plans/{id}/promote), then run live-report again`);
    }
    const now = Number(store.getMeta("watermark") ?? plan.promoted);
    const r = forecastVsActual(store, plan, now);
    if (values.json) return console.log(JSON.stringify(r)), 0;
    const out = outputFile("--out", values.out ?? "live-report.html");
    writeWhole(out, renderLiveReport(r));
    const notes = r.metrics.filter((m) => m.note).map((m) => `; ${m.name}: ${m.note}`).join("");
    console.log(`wrote ${out}: ${r.metrics.filter((m) => m.inside).length} of ${r.metrics.length} metrics inside the forecast${notes}`);
    return 0;
  } finally {
    store.close();
  }
}
