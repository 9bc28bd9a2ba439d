/**
 * A table written to a CSV file as it is formatted, a few hundred kilobytes at a time: the same bytes
 * as arquero's `toCSV(table)` (each row, the last one too, ends with a line break), without building
 * the whole text first. A run's
 * messages and events are millions of rows (80 MB of CSV at 50,000 customers × 365 days): one string
 * of them, then its UTF-8 copy, cost half the time of writing a run's files and their peak memory.
 * One difference from `toCSV`: a text a spreadsheet would run as a formula (`=…`, `+…`, `-…`, `@…`: a
 * customer id from a history, a message name) gets a leading `'` (engine/report/spreadsheet-text.ts).
 */
import * as aq from "arquero";
import { closeSync, ftruncateSync, openSync, writeSync } from "node:fs";
import { spreadsheetText } from "../report/spreadsheet-text.ts";

const QUOTED = /[",\n\r]/; // what makes toCSV quote a value (with its default delimiter)
const CHUNK = 1 << 18; // characters formatted before they are written

const DATE = new Error("a date"); // toCSV formats dates its own way: the table is then left to it

/** A value as toCSV writes it: empty for null, quoted when it holds a comma, a quote or a line break. */
function cell(v: unknown): string {
  if (v == null) return "";
  if (typeof v === "number") return String(v); // digits, sign, point, exponent, NaN, Infinity: never quoted
  if (v instanceof Date) throw DATE;
  const s = typeof v === "string" ? spreadsheetText(v) : String(v);
  return QUOTED.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}

/**
 * `aq.toCSV(table)` with its text cells through `spreadsheetText`: for the tables `writeCSV` leaves to
 * arquero (dates, views), and for a whole file held as one string (sweep --out's sweep.csv).
 */
export function tableCsv(table: aq.ColumnTable): string {
  const names = table.columnNames();
  if (names.length === 0) return aq.toCSV(table);
  const safe = (v: unknown) => (typeof v === "string" ? spreadsheetText(v) : v);
  // the header too: a column can be named after a user's path or attribute
  return names.map(cell).join(",") + "\n" + aq.toCSV(table, { header: false, format: Object.fromEntries(names.map((name) => [name, safe])) });
}

/** Writes `tableCsv(table)` to `path`. */
export function writeCSV(path: string, table: aq.ColumnTable): void {
  const names = table.columnNames(), rows = table.numRows();
  const columns = names.map((name) => table.column(name)!);
  const fd = openSync(path, "w");
  try {
    // a view of another table (filtered, ordered), or no columns: toCSV itself
    if (table.isFiltered() || table.isOrdered() || names.length === 0) return void put(fd, tableCsv(table));
    let lines: string[] = [names.map(cell).join(",")], size = 0;
    for (let r = 0; r < rows; r++) {
      let line = cell(columns[0].at(r));
      for (let k = 1; k < columns.length; k++) line += "," + cell(columns[k].at(r));
      lines.push(line), size += line.length;
      if (size >= CHUNK) put(fd, lines.join("\n") + "\n"), lines = [], size = 0;
    }
    if (lines.length) put(fd, lines.join("\n") + "\n");
  } catch (e) {
    if (e !== DATE) throw e;
    ftruncateSync(fd, 0);
    put(fd, tableCsv(table), 0);
  } finally {
    closeSync(fd);
  }
}

const encoder = new TextEncoder();
let bytes = new Uint8Array(3 * CHUNK);

/** Writes `text` as UTF-8 at the file's current end, or at byte `position`. */
function put(fd: number, text: string, position?: number): void {
  if (bytes.length < 3 * text.length) bytes = new Uint8Array(3 * text.length); // at most 3 bytes per UTF-16 unit
  const { written } = encoder.encodeInto(text, bytes);
  for (let at = 0; at < written;) at += writeSync(fd, bytes, at, written - at, position === undefined ? null : position + at);
}
