/** `cadence extract --db FILE --date YYYY-MM-DD [--out DIR] [--confirm]`: the day's target lists from a live server's database, one CSV per program and channel. */
import { InputError } from "../plan/errors.ts";
import { parseDate } from "../core/time.ts";
import { parsePlan } from "../plan/load.ts";
import { extractDay } from "../live/extract.ts";
import { SqliteStore } from "../live/sqlite-store.ts";
import { parse } from "./args.ts";

const USAGE = "cadence extract --db FILE --date YYYY-MM-DD [--out DIR] [--confirm]";

export async function extractCommand(args: string[]): Promise<number> {
  const { values } = parse(args, { db: { type: "string" }, date: { type: "string" }, out: { type: "string" }, confirm: { type: "boolean" } }, USAGE);
  const db = values.db ?? Deno.env.get("CADENCE_DB");
  if (!db) throw new InputError(`--db: which database? e.g. --db cadence.sqlite\nusage: ${USAGE}`);
  const date = values.date === undefined ? null : parseDate(values.date);
  if (date === null || !/^\d{4}-\d{2}-\d{2}$/.test(values.date ?? "")) throw new InputError(`--date: expected a day such as 2026-03-02, got ${values.date ? `'${values.date}'` : "nothing"}\nusage: ${USAGE}`);
  const store = new SqliteStore(db);
  try {
    store.migrate();
    const live = store.listPlans().filter((p) => p.state === "live" || p.state === "paused").at(-1);
    // the day is the plan's: its local midnight in the plan's timezone
    const tz = live ? parsePlan(live.source, `plan ${live.id}`).plan.timezone : 0;
    const out = values.out ?? `extract-${values.date}`;
    const r = extractDay(store, values.date!, date - tz, out, values.confirm === true, "cli", date);
    for (const f of r.files) console.log(`${f.file}\t${f.messages} messages (${f.program}, ${f.channel})`);
    console.log(`${r.messages} messages for ${r.day} in ${r.files.length} files${r.confirmed ? "; recorded as sent" : values.confirm ? "" : "; not recorded as sent (add --confirm once they are sent)"}`);
    return 0;
  } finally {
    store.close();
  }
}
