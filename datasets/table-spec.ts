/**
 * One table of a history config (transactions, customers or contacts): its file (with `${CADENCE_DATA}`
 * expanded and relative paths resolved against the config's folder), format, delimiter, header, date
 * format, decimal mark, time zone and column mapping, validated with the config's line numbers.
 */
import { dirname, isAbsolute, resolve } from "node:path";
import process from "node:process";
import { closest, oneOf, type Path, type Reporter } from "../engine/plan/errors.ts";
import { DATE_FORMATS } from "./date-format.ts";
import { DELIMITERS } from "./csv.ts";
import { DECIMALS, isTimeZone } from "./values.ts";
import { type ColumnRef, FILE_FORMATS, type TableSpec } from "./history-config.ts";

export const TABLE_FIELDS = ["file", "format", "delimiter", "header", "dateFormat", "decimal", "timeZone", "columns"];

type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj => !!v && typeof v === "object" && !Array.isArray(v) && !(v instanceof Date);

export function checkFields(o: Obj, valid: readonly string[], path: Path, r: Reporter): void {
  for (const k of Object.keys(o)) {
    if (valid.includes(k)) continue;
    const hint = closest(k, valid);
    r.error([...path, k], `unknown field${hint ? ` (did you mean ${hint}?)` : ""}; valid fields: ${valid.join(", ")}`);
  }
}

const PROJECT_ROOT = resolve(dirname(new URL(import.meta.url).pathname), "..");

/** Where `${CADENCE_DATA}` points: the env var, else `<project root>/../shared/data`. */
export function dataDir(): string {
  return process.env.CADENCE_DATA || resolve(PROJECT_ROOT, "../shared/data");
}

/** A table mapping; undefined (with the problems reported) when it cannot be used. */
export function table<C extends string>(
  raw: unknown,
  path: Path,
  columnNames: readonly C[],
  required: readonly C[],
  r: Reporter,
  baseDir: string,
  fields: readonly string[] = TABLE_FIELDS,
): TableSpec<C> | undefined {
  if (raw === undefined) {
    r.error(path, `missing: a mapping with file and columns (${required.join(", ")})`);
    return undefined;
  }
  if (!isObj(raw)) {
    r.error(path, "expected a mapping with file, delimiter, header, dateFormat and columns");
    return undefined;
  }
  checkFields(raw, fields, path, r);
  let file: string | undefined;
  if (typeof raw.file !== "string" || raw.file.trim() === "") r.error([...path, "file"], "missing: the path of the file");
  else file = expandPath(raw.file, baseDir, [...path, "file"], r);
  const pick = <T extends string>(key: string, valid: readonly T[], fallback: T): T => {
    const v = raw[key];
    if (v === undefined) return fallback;
    if (typeof v === "string" && (valid as readonly string[]).includes(v)) return v as T;
    const hint = typeof v === "string" ? closest(v, valid) : undefined;
    r.error([...path, key], `unknown ${key} ${JSON.stringify(v)}${hint ? ` (did you mean ${hint}?)` : ""}; expected ${oneOf(valid)}`);
    return fallback;
  };
  const format = pick("format", FILE_FORMATS, file && /\.(arrow|feather|ipc)$/i.test(file) ? "arrow" : "text");
  if (file && /\.parquet$/i.test(file)) {
    r.error([...path, "file"], "Parquet is not readable here (arquero reads CSV and Arrow IPC): convert it to .arrow or CSV");
  }
  const delimiter = pick("delimiter", DELIMITERS, file && /\.tsv$/i.test(file) ? "tab" : "comma");
  const dateFormat = pick("dateFormat", DATE_FORMATS, "YYYY-MM-DD");
  const decimal = pick("decimal", DECIMALS, "point");
  let timeZone = "UTC";
  if (raw.timeZone !== undefined) {
    if (typeof raw.timeZone === "string" && isTimeZone(raw.timeZone)) timeZone = raw.timeZone;
    else r.error([...path, "timeZone"], `unknown time zone ${JSON.stringify(raw.timeZone)}; expected an IANA name such as Europe/London or UTC`);
  }
  let header = true;
  if (raw.header !== undefined) {
    if (typeof raw.header === "boolean") header = raw.header;
    else r.error([...path, "header"], `expected true or false, got ${JSON.stringify(raw.header)}`);
  }
  const columns: Partial<Record<C, ColumnRef>> = {};
  if (!isObj(raw.columns)) {
    r.error([...path, "columns"], `missing: a mapping of ${required.join(", ")} to column names or 1-based positions`);
  } else {
    checkFields(raw.columns, columnNames, [...path, "columns"], r);
    for (const k of columnNames) {
      const v = raw.columns[k];
      if (v === undefined) {
        if (required.includes(k)) r.error([...path, "columns", k], `missing: the column holding the ${k}`);
        continue;
      }
      if (typeof v === "number" && Number.isInteger(v) && v >= 1) columns[k] = v;
      else if (typeof v === "string" && v !== "") {
        if (!header && format === "text") {
          r.error([...path, "columns", k], `column names need header: true; without a header give a 1-based position`);
        }
        columns[k] = v;
      } else r.error([...path, "columns", k], `expected a column name or a 1-based position, got ${JSON.stringify(v)}`);
    }
  }
  if (!file) return undefined;
  return { file, format, delimiter, header: format === "arrow" ? true : header, dateFormat, decimal, timeZone, columns };
}

/** `${CADENCE_DATA}` expansion, then resolution against the config's folder. */
function expandPath(text: string, baseDir: string, path: Path, r: Reporter): string | undefined {
  let bad = false;
  const expanded = text.replace(/\$\{(\w+)\}/g, (_, name: string) => {
    if (name === "CADENCE_DATA") return dataDir();
    bad = true;
    r.error(path, `unknown variable \${${name}}; only \${CADENCE_DATA} is expanded`);
    return "";
  });
  if (bad) return undefined;
  return isAbsolute(expanded) ? expanded : resolve(baseDir, expanded);
}

