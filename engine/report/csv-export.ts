/**
 * CSV files a spreadsheet opens correctly, shared by `compare --csv`, `sweep --csv` and
 * `contributions --csv`. The choices (docs/exports.md): UTF-8 with a byte-order mark (Excel otherwise
 * reads UTF-8 as the system code page and mangles "€" or "é"), comma delimiter, dot decimal point, no
 * thousands separators, CRLF line ends (RFC 4180), a field quoted when it holds a comma, quote, or line
 * break, a text that a spreadsheet would run as a formula (`=…`, `+…`, `-…`, `@…`) written with a leading
 * `'` (spreadsheet-text.ts). Figures are "long": one row per plan × metric with mean, low and high, so a
 * pivot table or a filter works without reshaping; an empty low/high means one replication (no interval).
 */
import { join } from "node:path";
import { writableFolder, writeWhole } from "./write-file.ts";
import type { Interval } from "../compare/intervals.ts";
import { spreadsheetText } from "./spreadsheet-text.ts";

export const BOM = "\uFEFF";
export type Cell = string | number | boolean | null | undefined;

/** A number as a spreadsheet reads it: at most 6 decimals, no exponent for ordinary magnitudes. */
export function csvNumber(x: number): string {
  if (!Number.isFinite(x)) return "";
  const r = Math.round(x * 1e6) / 1e6;
  return Object.is(r, -0) ? "0" : String(r);
}

/** One cell: a number as `csvNumber`, a text safe to open in a spreadsheet, quoted when it needs to be. */
export function csvField(v: Cell): string {
  if (v === null || v === undefined) return "";
  const s = typeof v === "number" ? csvNumber(v) : typeof v === "string" ? spreadsheetText(v) : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * The text of a CSV file (with its BOM): a header row, then one row per object, in `columns` order.
 * @example toCsv([{ plan: "lifecycle", contacts: 3 }]) // "\uFEFFplan,contacts\r\nlifecycle,3\r\n"
 */
export function toCsv(rows: Record<string, Cell>[], columns: string[] = rows.length ? Object.keys(rows[0]) : []): string {
  const lines = [columns.map(csvField).join(","), ...rows.map((r) => columns.map((c) => csvField(r[c])).join(","))];
  return BOM + lines.join("\r\n") + "\r\n";
}

/** One row per name × metric: mean, low, high (low/high empty with one replication). */
export function intervalRows(
  items: { name: string; metrics: Record<string, Interval | null>; extra?: Record<string, Cell> }[],
  metrics: readonly string[],
  nameColumn = "plan",
): Record<string, Cell>[] {
  return items.flatMap((it) =>
    metrics.map((m) => {
      const v = it.metrics[m];
      return { [nameColumn]: it.name, ...(it.extra ?? {}), metric: m, mean: v?.mean ?? null, low: v?.lo ?? null, high: v?.hi ?? null };
    })
  );
}

/**
 * Writes the files into `dir` (created if needed); returns their paths in order.
 * @example writeCsvFiles("out/csv", { "totals.csv": { rows: totalsTable([result.summary]).objects() } }) // ["out/csv/totals.csv"]
 */
export function writeCsvFiles(dir: string, files: Record<string, { rows: Record<string, Cell>[]; columns?: string[] }>): string[] {
  writableFolder(dir);
  // each file whole or not at all (a stopped run leaves no CSV cut in the middle)
  return Object.entries(files).map(([name, f]) => writeWhole(join(dir, name), toCsv(f.rows, f.columns)));
}
