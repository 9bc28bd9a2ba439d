/** Writes a run's files: summary.json, daily/messages/events/customers as CSV and Arrow IPC. */
import * as aq from "arquero";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { RunResult } from "./run.ts";
import { customersTable, dailyTable, eventsTable, messagesTable } from "./tables.ts";
import { writeCSV } from "./csv-file.ts";

/** @returns the paths written */
export function writeRun(result: RunResult, dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  const put = (name: string, data: string | Uint8Array) => {
    const p = join(dir, name);
    writeFileSync(p, data);
    written.push(p);
  };
  put("summary.json", JSON.stringify(result.summary, null, 2) + "\n");
  // each table made when its files are written, and dropped after: a run's messages and events are
  // millions of rows, whose tables are not all held at once
  const recorded = result.recorder;
  const tables: [string, () => aq.ColumnTable][] = [["daily", () => dailyTable(result.run, result.baseline)]];
  if (recorded) tables.push(["messages", () => messagesTable(result.run, recorded)], ["events", () => eventsTable(result.run, recorded)]);
  tables.push(["customers", () => customersTable(result.run)]);
  for (const [name, make] of tables) {
    const table = make();
    writeCSV(join(dir, `${name}.csv`), table), written.push(join(dir, `${name}.csv`));
    put(`${name}.arrow`, aq.toArrowIPC(table) as Uint8Array);
  }
  return written;
}
