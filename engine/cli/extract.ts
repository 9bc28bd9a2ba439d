/**
 * `cadence extract --db FILE --date YYYY-MM-DD [--out DIR] [--confirm]`: the day's target lists from a live
 * server's database, one CSV per program and channel; or `--history CONFIG --plan PLAN`: from a brand's own
 * exports (engine/backtest/extract.ts).
 */
import { InputError } from "../plan/errors.ts";
import { parseDate, YEARS } from "../core/time.ts";
import { parsePlan } from "../plan/load.ts";
import { extractDay } from "../live/extract.ts";
import { openLiveDb } from "./live-db.ts";
import { outputFolder, parseOptions, sizeFlag } from "./args.ts";
import { fmtInt } from "./format.ts";
import { loadPlan } from "../plan/load.ts";
import { importHistory } from "../../datasets/import.ts";
import { extractFromHistory } from "../backtest/extract.ts";
import { periodWarnings } from "../backtest/warnings.ts";
import { transactionDays } from "../../datasets/cutoff.ts";

const USAGE = "cadence extract --db FILE --date YYYY-MM-DD [--out DIR] [--confirm]\n       cadence extract --history CONFIG.yaml --plan PLAN.yaml --date YYYY-MM-DD [--out DIR] [--seed S]";

export async function extractCommand(args: string[]): Promise<number> {
  const { values } = parseOptions(args, {
    db: { type: "string" }, date: { type: "string" }, out: { type: "string" }, confirm: { type: "boolean" },
    history: { type: "string" }, plan: { type: "string" }, seed: { type: "string" },
  }, USAGE);
  if (values.history !== undefined) return fromHistory(values);
  // a flag of the other form would change nothing here: refused rather than ignored (--plan with --db
  // wrote the live plan's lists, not the plan named)
  for (const flag of ["plan", "seed"] as const) {
    if (values[flag] !== undefined) throw new InputError(`--${flag}: goes with --history CONFIG.yaml (lists from a brand's own exports); from a live database (--db) the lists are the live plan's, and it takes --date, --out and --confirm only\nusage: ${USAGE}`);
  }
  const date = values.date === undefined ? null : parseDate(values.date);
  if (date === null || !/^\d{4}-\d{2}-\d{2}$/.test(values.date ?? "")) throw new InputError(`--date: expected a day such as 2026-03-02 (${YEARS}), got ${values.date ? `'${values.date}'` : "nothing"}\nusage: ${USAGE}`);
  const store = openLiveDb(values.db, USAGE, values.confirm ? "write" : "read"); // without --confirm it only reads
  try {
    const live = store.listPlans().filter((p) => p.state === "live" || p.state === "paused").at(-1);
    // the day is the plan's: its local midnight in the plan's timezone
    const tz = live ? parsePlan(live.source, `plan ${live.id}`).plan.timezone : 0;
    const out = outputFolder("--out", values.out ?? `extract-${values.date}`);
    const r = extractDay(store, values.date!, date - tz, out, values.confirm === true, "cli", date);
    for (const f of r.files) console.log(`${f.file}\t${fmtInt(f.messages)} messages (${f.program}, ${f.channel})`);
    console.log(`${fmtInt(r.messages)} messages for ${r.day} in ${r.files.length} files${r.confirmed ? "; recorded as sent" : values.confirm ? "" : "; not recorded as sent (add --confirm once they are sent)"}`);
    return 0;
  } finally {
    store.close();
  }
}

/** The day's lists from a history config: the plan replayed over that day from the history's state. */
function fromHistory(values: Record<string, string | boolean | undefined>): number {
  if (values.db !== undefined) throw new InputError(`--db and --history: give one source, a live database or a history config\nusage: ${USAGE}`);
  if (values.plan === undefined) throw new InputError(`--plan: which plan decides the lists? e.g. --plan scenarios/lifecycle.yaml\nusage: ${USAGE}`);
  if (values.confirm) {
    throw new InputError(`--confirm: a history config is read-only; once the lists are sent, append their rows to the contact history export its config maps (the files have its columns: docs/history.md), and the next extraction counts them`);
  }
  const text = values.date as string | undefined, date = text === undefined ? null : parseDate(text);
  if (date === null || !/^\d{4}-\d{2}-\d{2}$/.test(text ?? "")) throw new InputError(`--date: expected a day such as 2011-06-01 (${YEARS}), got ${text ? `'${text}'` : "nothing"}\nusage: ${USAGE}`);
  const out = outputFolder("--out", (values.out as string | undefined) ?? `extract-${text}`); // before the replay: a bad path fails now
  const h = importHistory(values.history as string);
  const r = extractFromHistory(loadPlan(values.plan as string), h, date, out, sizeFlag(values.seed as string | undefined, "seed", 1));
  // a day outside the data replays nothing: say so, as backtest does, rather than a bare "0 messages"
  const warnings = periodWarnings(date, date, transactionDays(h));
  for (const f of r.files) console.log(`${f.file}\t${fmtInt(f.messages)} messages (${f.program}, ${f.channel})`);
  console.log(`${fmtInt(r.messages)} messages for ${r.day} in ${r.files.length} files (after consent, windows, pressure rules and holdouts; from the history up to the day before)`);
  if (warnings.length) console.log(`\nwarnings (${warnings.length}):\n${warnings.map((w) => `  - ${w.message}`).join("\n")}`);
  return 0;
}
