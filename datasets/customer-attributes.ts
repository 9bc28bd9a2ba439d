/**
 * Extra customer attributes from the customers file (segment, region, store, preferred channel,
 * loyalty tier...), typed, so plans can target them as `attr.region == "north"`:
 *
 *   customers:
 *     attributes:
 *       region: Region                          # text by default
 *       tier: { column: loyalty_tier, type: text }
 *       clv: { column: clv_eur, type: number }
 *       vip: { column: is_vip, type: boolean }
 *       last_store_visit: { column: visited, type: date }   # minutes, like lastPurchase: daysSince(attr.x)
 *
 * An empty cell is null (unknown), as for a customer not in the customers file. A value that does not
 * parse as its type stops the import with file:line, column and what is valid.
 */
import { closest, type Path, type Reporter } from "../engine/plan/errors.ts";
import type { ColumnRef } from "./history-config.ts";
import { columnRef } from "./line-items-config.ts";

export type AttrValue = string | number | boolean | null;
export const ATTRIBUTE_TYPES = ["text", "number", "boolean", "date"] as const;
export type AttributeType = typeof ATTRIBUTE_TYPES[number];

export interface AttributeSpec {
  name: string;
  column: ColumnRef;
  type: AttributeType;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === "object" && !Array.isArray(v) && !(v instanceof Date);

/** Validates `customers.attributes`. */
export function attributesOf(v: unknown, path: Path, r: Reporter): AttributeSpec[] {
  if (v === undefined) return [];
  if (!isObj(v)) {
    r.error(path, "expected a mapping of attribute name → column or {column, type}, e.g. {region: Region}");
    return [];
  }
  const out: AttributeSpec[] = [];
  for (const [name, spec] of Object.entries(v)) {
    const p = [...path, name];
    if (!NAME.test(name)) {
      r.error(p, `attribute names are identifiers (letters, digits, _; not starting with a digit) so plans can write attr.${name.replace(/\W/g, "_")}`);
      continue;
    }
    if (!isObj(spec)) {
      const column = columnRef(spec, p, r);
      if (column !== undefined) out.push({ name, column, type: "text" });
      continue;
    }
    for (const k of Object.keys(spec)) {
      if (k !== "column" && k !== "type") {
        const hint = closest(k, ["column", "type"]);
        r.error([...p, k], `unknown field${hint ? ` (did you mean ${hint}?)` : ""}; valid fields: column, type`);
      }
    }
    const column = columnRef(spec.column, [...p, "column"], r);
    let type: AttributeType = "text";
    if (spec.type !== undefined) {
      if ((ATTRIBUTE_TYPES as readonly unknown[]).includes(spec.type)) type = spec.type as AttributeType;
      else r.error([...p, "type"], `unknown type ${JSON.stringify(spec.type)}; expected text, number, boolean or date`);
    }
    if (column !== undefined) out.push({ name, column, type });
  }
  return out;
}

/** The attributes of every customer: name → values indexed by customer (null = unknown). */
export type Attributes = Map<string, AttrValue[]>;
