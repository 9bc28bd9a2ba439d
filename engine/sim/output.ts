/**
 * Writes a run's files: daily/messages/events/customers as CSV and Arrow IPC, then summary.json. Each file
 * is written whole or not at all (engine/report/write-file.ts), and summary.json last: a folder holding a
 * summary.json holds the run's every file. The previous run's files are removed first, so a run stopped
 * while writing never leaves its files beside an older run's under the same names.
 */
import * as aq from "arquero";
import { rmSync } from "node:fs";
import { join } from "node:path";
import type { RunResult } from "./run.ts";
import { customersTable, dailyTable, eventsTable, messagesTable } from "./tables.ts";
import { writeCSV } from "./csv-file.ts";
import { PARTIAL, writableFolder, writeProblem, writeWhole } from "../report/write-file.ts";
import { InputError } from "../plan/errors.ts";

/** Every file a run may write, summary.json last. */
const NAMES = ["daily", "messages", "events", "customers"].flatMap((n) => [`${n}.csv`, `${n}.arrow`]).concat("summary.json");

/**
 * @param onFile told before each file is written (files written so far, of how many): the progress of
 *   writing, a minute of it at a million customers
 * @returns the paths written
 * @example writeRun(runPlan(plan, { customers: 1000, days: 30, record: true }), "out/run") // daily.csv, daily.arrow, messages.csv, … summary.json
 */
export function writeRun(result: RunResult, dir: string, onFile?: (done: number, total: number) => void): string[] {
  writableFolder(dir);
  for (const name of NAMES) {
    for (const f of [join(dir, name), join(dir, name + PARTIAL)]) {
      try {
        rmSync(f, { force: true });
      } catch (e) {
        throw new InputError(`cannot replace ${f} (${writeProblem(e)})`);
      }
    }
  }
  const written: string[] = [];
  // each table made when its files are written, and dropped after: a run's messages and events are
  // millions of rows, whose tables are not all held at once
  const recorded = result.recorder;
  const tables: [string, () => aq.ColumnTable][] = [["daily", () => dailyTable(result.run, result.baseline)]];
  if (recorded) tables.push(["messages", () => messagesTable(result.run, recorded)], ["events", () => eventsTable(result.run, recorded)]);
  tables.push(["customers", () => customersTable(result.run)]);
  const total = 2 * tables.length + 1; // CSV and Arrow of each table, and summary.json
  const put = (name: string, data: string | Uint8Array | ((partial: string) => void)) => {
    onFile?.(written.length, total);
    written.push(writeWhole(join(dir, name), data));
  };
  for (const [name, make] of tables) {
    const table = make();
    put(`${name}.csv`, (partial) => writeCSV(partial, table));
    put(`${name}.arrow`, aq.toArrowIPC(table) as Uint8Array);
  }
  put("summary.json", JSON.stringify(result.summary, null, 2) + "\n"); // last: the run's files are all there
  onFile?.(written.length, total);
  return written;
}
