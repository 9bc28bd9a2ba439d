/**
 * The parts of a transactions mapping that line-item exports need: an amount computed from two columns
 * (`amount: { multiply: [Quantity, UnitPrice] }`), how returns are recognised and handled, and filters
 * on other columns. Validated here so history-config.ts stays about files and columns.
 */
import { closest, type Path, type Reporter } from "../engine/plan/errors.ts";
import type { ColumnRef } from "./history-config.ts";

export const RETURN_HANDLING = ["net", "drop"] as const;
export type ReturnHandling = typeof RETURN_HANDLING[number];

export interface ReturnsSpec {
  /**
   * net (default): a return (negative quantity or amount, or an order id with the prefix) is not a
   * purchase; its value is subtracted from the customer's revenue. drop: returns are skipped (counted).
   */
  handling: ReturnHandling;
  /** order ids starting with this are returns or cancellations (e.g. "C"); none by default */
  prefix: string | null;
}

/** Keep a row when its column's value is in `values` (or, with `exclude`, when it is not). */
export interface FilterSpec {
  column: ColumnRef;
  values: string[];
  exclude: boolean;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === "object" && !Array.isArray(v) && !(v instanceof Date);

/** A column name or 1-based position, else an error at `path`. */
export function columnRef(v: unknown, path: Path, r: Reporter): ColumnRef | undefined {
  if (typeof v === "number" && Number.isInteger(v) && v >= 1) return v;
  if (typeof v === "string" && v !== "") return v;
  r.error(path, `expected a column name or a 1-based position, got ${JSON.stringify(v)}`);
  return undefined;
}

/** `{ multiply: [a, b] }` → the two factor columns. */
export function multiplyOf(v: unknown, path: Path, r: Reporter): [ColumnRef, ColumnRef] | undefined {
  if (!isObj(v) || Object.keys(v).length !== 1 || !Array.isArray(v.multiply) || v.multiply.length !== 2) {
    const key = isObj(v) ? Object.keys(v).find((k) => k !== "multiply") : undefined;
    const hint = key ? ` (unknown key ${JSON.stringify(key)}${closest(key, ["multiply"]) ? "; did you mean multiply?" : ""})` : "";
    r.error(path, `expected a column, or { multiply: [<quantity column>, <unit price column>] }${hint}`);
    return undefined;
  }
  const a = columnRef(v.multiply[0], [...path, "multiply", 0], r), b = columnRef(v.multiply[1], [...path, "multiply", 1], r);
  return a !== undefined && b !== undefined ? [a, b] : undefined;
}

export function returnsOf(v: unknown, path: Path, r: Reporter): ReturnsSpec {
  const spec: ReturnsSpec = { handling: "net", prefix: null };
  if (v === undefined) return spec;
  if (!isObj(v)) {
    r.error(path, "expected a mapping such as {handling: net, prefix: C}");
    return spec;
  }
  for (const k of Object.keys(v)) {
    if (k !== "handling" && k !== "prefix") {
      const hint = closest(k, ["handling", "prefix"]);
      r.error([...path, k], `unknown field${hint ? ` (did you mean ${hint}?)` : ""}; valid fields: handling, prefix`);
    }
  }
  if (v.handling !== undefined) {
    if (v.handling === "net" || v.handling === "drop") spec.handling = v.handling;
    else r.error([...path, "handling"], `unknown handling ${JSON.stringify(v.handling)}; expected net (subtract returns from revenue) or drop (skip them, counted)`);
  }
  if (v.prefix !== undefined) {
    if (typeof v.prefix === "string" && v.prefix !== "") spec.prefix = v.prefix;
    else r.error([...path, "prefix"], `expected the text that starts a return's order id, such as C, got ${JSON.stringify(v.prefix)}`);
  }
  return spec;
}

/**
 * `filter: { Country: United Kingdom, StockCode: { not: [POST, DOT] } }`: keys are column names,
 * values one text or a list (keep rows whose value is listed), or `{ not: … }` (drop them).
 */
export function filtersOf(v: unknown, path: Path, r: Reporter): FilterSpec[] {
  if (v === undefined) return [];
  if (!isObj(v)) {
    r.error(path, "expected a mapping of column → value, [values] or {not: [values]}, e.g. {Country: United Kingdom}");
    return [];
  }
  const out: FilterSpec[] = [];
  const texts = (x: unknown, p: Path): string[] | undefined => {
    const list = Array.isArray(x) ? x : [x];
    if (list.length > 0 && list.every((e) => typeof e === "string" || typeof e === "number" || typeof e === "boolean")) return list.map(String);
    r.error(p, `expected a value or a list of values, got ${JSON.stringify(x)}`);
    return undefined;
  };
  for (const [column, spec] of Object.entries(v)) {
    const p = [...path, column];
    const exclude = isObj(spec);
    if (exclude && (Object.keys(spec).length !== 1 || !("not" in spec))) {
      r.error(p, "expected {not: value or [values]} to exclude rows");
      continue;
    }
    const values = exclude ? texts(spec.not, [...p, "not"]) : texts(spec, p);
    if (values) out.push({ column: /^\d+$/.test(column) ? Number(column) : column, values, exclude });
  }
  return out;
}
