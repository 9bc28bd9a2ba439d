/**
 * Reads the mapped columns of one history file (delimited text or Arrow IPC), row by row, as strings,
 * with the line each came from; and collects input problems naming file:line, column and value.
 */
import { readFileSync, statSync } from "node:fs";
import { fromArrow } from "arquero";
import { InputError, type Problem } from "../engine/plan/errors.ts";
import { eachRecord, LineError } from "./csv.ts";
import type { ColumnRef, TableSpec } from "./history-config.ts";
import { closest } from "../engine/plan/errors.ts";
import { quoted } from "./values.ts";
import { originalText } from "../engine/report/spreadsheet-text.ts";

const MAX_PROBLEMS = 20;

/** Character, delimiter name, how to say it: for the hint when a header was not split. */
const DELIMITER_HINTS: [string, string, string][] = [[";", "semicolon", "semicolons"], ["\t", "tab", "tabs"], [",", "comma", "commas"]];

/** Problems of one file; throws once there are too many to be worth listing. */
export class FileProblems {
  readonly problems: Problem[] = [];
  constructor(readonly file: string) {}
  add(line: number | undefined, column: string, message: string): void {
    this.problems.push({ path: [column], message, line });
    if (this.problems.length >= MAX_PROBLEMS) this.throw(`(stopped after ${MAX_PROBLEMS} problems)`);
  }
  throwIfAny(): void {
    if (this.problems.length) this.throw();
  }
  private throw(tail?: string): never {
    const lines = this.problems.map((p) => `${this.file}${p.line ? `:${p.line}` : ""}: ${p.path[0] ? `${p.path[0]}: ` : ""}${p.message}`);
    if (tail) lines.push(tail);
    throw new InputError(lines.join("\n"), this.problems);
  }
}

/** How a mapped column is named in messages: `date (column 3)` or `amount (column "usd")`. */
export function columnLabel(key: string, ref: ColumnRef): string {
  return typeof ref === "number" ? `${key} (column ${ref})` : `${key} (column "${ref}")`;
}

/**
 * Calls `onRow(values, line, text)` with the wanted columns' values in `keys` order ("" for an unmapped
 * optional column) and the row's whole text ("" for Arrow). The `values` array is reused between rows:
 * copy what you keep. A row with more fields than the header, and a mapped name the header holds twice,
 * are refused (file:line).
 */
export function readMappedColumns<C extends string>(
  spec: TableSpec<C>,
  keys: readonly C[],
  problems: FileProblems,
  onRow: (values: string[], line: number, text: string) => void,
): void {
  let size: number;
  try {
    size = statSync(spec.file).size;
  } catch (e) {
    throw new InputError(`${spec.file}: cannot read the file (${(e as Error).message.split("\n")[0]})`);
  }
  const wanted = keys.filter((k) => spec.columns[k] !== undefined);
  const expect = `expected columns: ${wanted.map((k) => columnLabel(k, spec.columns[k]!)).join(", ")}`;
  if (size === 0) {
    problems.add(undefined, "", `empty file; ${spec.header ? "expected a header line, then one row per record" : "expected one row per record"} (${expect})`);
    problems.throwIfAny();
  }
  if (spec.format === "arrow") return readArrow(spec, keys, problems, onRow);

  const idx = new Int32Array(keys.length).fill(-1);
  const values = keys.map(() => "");
  let resolved = false, rows = 0, width = Infinity; // width: the header's fields (a row with more is refused)
  const resolve = (names: string[] | null, line: number) => {
    // a header read with the wrong delimiter is one long name: say which delimiter it seems to use
    const other = names?.length === 1 ? DELIMITER_HINTS.find(([ch, d]) => d !== spec.delimiter && names[0].includes(ch)) : undefined;
    const delimiterHint = other ? ` (the header contains ${other[2]}: set delimiter: ${other[1]} in the config?)` : "";
    keys.forEach((k, i) => {
      const ref = spec.columns[k];
      if (ref === undefined) return;
      if (typeof ref === "number") idx[i] = ref - 1;
      else {
        idx[i] = names ? names.indexOf(ref) : -1;
        if (idx[i] < 0) {
          const hint = names ? closest(ref, names) : undefined;
          problems.add(line, columnLabel(k, ref), `no such column in the header${hint ? ` (did you mean "${hint}"?)` : ""}; the header has ${names?.map(quoted).join(", ")}${delimiterHint}`);
        } else if (names!.indexOf(ref, idx[i] + 1) >= 0) {
          problems.add(line, columnLabel(k, ref), `the header names "${ref}" more than once (columns ${names!.flatMap((n, j) => (n === ref ? [j + 1] : [])).join(" and ")}): which one is meant? rename one in the file`);
        }
      }
    });
    problems.throwIfAny();
    if (names) width = names.length;
    resolved = true;
  };
  let maxIdx = -1;
  try {
    readText();
  } catch (e) {
    if (e instanceof InputError) throw e;
    if (e instanceof LineError) { // not UTF-8 text
      problems.add(e.line, "", e.message);
      problems.throwIfAny();
    }
    // a corrupt gzip stream, a folder, a file we may not open: the file cannot be read at all
    throw new InputError(`${spec.file}: cannot read the file (${(e as Error).message.split("\n")[0]})`);
  }
  if (rows === 0 && problems.problems.length === 0) problems.add(undefined, "", `no data rows${spec.header ? " after the header" : ""} (${expect})`);
  problems.throwIfAny();

  function readText(): void {
  eachRecord(spec.file, spec.delimiter, (fields, line, text) => {
    if (!resolved) {
      resolve(spec.header ? fields.map((f) => f.trim()) : null, line);
      for (const i of idx) maxIdx = Math.max(maxIdx, i);
      if (spec.header) return;
    }
    rows++;
    if (fields.length <= maxIdx) {
      const missing = keys.filter((_, i) => idx[i] >= fields.length).map((k) => columnLabel(k, spec.columns[k]!));
      problems.add(line, missing[0], `the row has ${fields.length} field${fields.length === 1 ? "" : "s"} (delimiter ${spec.delimiter}), so ${missing.join(", ")} ${missing.length > 1 ? "are" : "is"} missing`);
      return;
    }
    if (fields.length > width) {
      // an unquoted delimiter inside a value shifts the columns after it: refuse rather than misread
      // rows that end with a delimiter the header lacks (some exports): say so, the quoting hint misleads there
      const trailing = fields.slice(width).every((f) => f.trim() === "");
      problems.add(line, "", `the row has ${fields.length} fields, the header ${width} (delimiter ${spec.delimiter}): ${trailing ? `it ends with ${fields.length - width} empty field${fields.length - width === 1 ? "" : "s"} past the header's (a trailing delimiter): end the header line with the same delimiter, or remove it from the rows` : `a value containing the delimiter must be quoted ("a, b")`}`);
      return;
    }
    // a cell written '=… by a spreadsheet-safe export (Cadence's extract lists, and other tools') reads as =…
    for (let i = 0; i < idx.length; i++) values[i] = idx[i] < 0 ? "" : originalText(fields[idx[i]]).trim();
    onRow(values, line, text);
  }, { onBadLine: (e) => problems.add(e.line, "", e.message) });
  }
}

/** Arrow IPC through arquero: `line` is the 1-based row; dates become ISO strings. */
function readArrow<C extends string>(
  spec: TableSpec<C>,
  keys: readonly C[],
  problems: FileProblems,
  onRow: (values: string[], line: number, text: string) => void,
): void {
  let table;
  try {
    table = fromArrow(readFileSync(spec.file));
  } catch (e) {
    throw new InputError(`${spec.file}: not a readable Arrow IPC file (${(e as Error).message.split("\n")[0]})`);
  }
  const names = table.columnNames() as string[];
  const cols = keys.map((k) => {
    const ref = spec.columns[k];
    if (ref === undefined) return null;
    const name: string | undefined = typeof ref === "number" ? names[ref - 1] : String(ref);
    if (name === undefined || !names.includes(name)) {
      const hint = typeof ref === "string" ? closest(ref, names) : undefined;
      problems.add(undefined, columnLabel(k, ref), `no such column${hint ? ` (did you mean "${hint}"?)` : ""}; the file has ${names.map(quoted).join(", ")}`);
      return null;
    }
    return table.column(name)!;
  });
  problems.throwIfAny();
  const values = keys.map(() => "");
  const n = table.numRows();
  if (n === 0) problems.add(undefined, "", "no data rows");
  for (let row = 0; row < n; row++) {
    for (let i = 0; i < cols.length; i++) {
      const v = cols[i]?.at(row);
      values[i] = v == null ? "" : v instanceof Date ? v.toISOString() : String(v);
    }
    onRow(values, row + 1, values.join("\u001f")); // Arrow has no line text: the mapped values stand for it
  }
  problems.throwIfAny();
}
