/**
 * The values of a `--set path=...` list: comma-separated values, each a YAML scalar (1, 2.5, true,
 * "7d", …) or a numeric range. `a..b` is every integer from a to b inclusive (a and b whole numbers,
 * step 1); `a..b:s` steps by s from a, up to b inclusive when b is on the grid (0.5..2:0.5 → 0.5, 1,
 * 1.5, 2). Ranges and single values mix: `1..3,8` → 1, 2, 3, 8. Durations range in one unit: `1d..4d` → 1d, 2d,
 * 3d, 4d; `12h..48h:12h` → 12h, 24h, 36h, 48h.
 */
import { parse as parseYaml } from "yaml";
import { InputError } from "../plan/errors.ts";
import { describe } from "../plan/fields.ts";

const RANGE = /^(-?\d+(?:\.\d+)?)\.\.(-?\d+(?:\.\d+)?)(?::(\d+(?:\.\d+)?))?$/;
/** A range of durations, one unit throughout: `1d..7d`, `12h..72h:12h` (a window or half-life swept by its length). */
const DURATION_RANGE = /^(\d+(?:\.\d+)?)(m|min|h|d|w)\.\.(\d+(?:\.\d+)?)(m|min|h|d|w)(?::(\d+(?:\.\d+)?)(m|min|h|d|w)?)?$/;
export const MAX_RANGE_VALUES = 1000;

const decimals = (s: string) => (s.includes(".") ? s.split(".")[1].length : 0);

/** Expands one item: a range into its numbers (or durations), anything else into one parsed scalar. `where` heads an error. */
export function expandItem(item: string, where: string): unknown[] {
  const dr = DURATION_RANGE.exec(item);
  if (dr) {
    const [, a, unit, b, bUnit, step, stepUnit] = dr;
    if (bUnit !== unit || (stepUnit !== undefined && stepUnit !== unit)) {
      throw new InputError(`${where}: the range '${item}' mixes units: write both ends and the step in one unit, e.g. ${a}${unit}..${b}${unit}`);
    }
    // the numbers' range, then each with the unit: 1d..7d is 1d, 2d, …, 7d
    return numberRange(item, a, b, step, where, unit).map((n) => `${n}${unit}`);
  }
  const m = RANGE.exec(item);
  if (!m) {
    if (item.includes("..")) throw new InputError(`${where}: cannot read the range '${item}': write a..b (whole numbers, step 1) or a..b:step, e.g. 1..5 or 0.5..2:0.5, or durations in one unit, e.g. 1d..7d or 12h..72h:12h`);
    try {
      return [parseYaml(item)];
    } catch {
      return [item];
    }
  }
  return numberRange(item, m[1], m[2], m[3], where, "");
}

/** The numbers of the range `item` (ends and step as written, without their unit); the fixes its errors suggest carry the unit. */
function numberRange(item: string, aText: string, bText: string, stepText: string | undefined, where: string, unit: string): number[] {
  const a = Number(aText), b = Number(bText);
  if (stepText === undefined && (!Number.isInteger(a) || !Number.isInteger(b))) {
    throw new InputError(`${where}: the range '${item}' has decimals: give a step, e.g. ${aText}${unit}..${bText}${unit}:0.5${unit}`);
  }
  const step = stepText === undefined ? 1 : Number(stepText);
  if (!(step > 0)) throw new InputError(`${where}: the range '${item}' needs a step above 0`);
  if (b < a) throw new InputError(`${where}: the range '${item}' runs backwards: write the smaller value first (${bText}${unit}..${aText}${unit})`);
  const n = Math.floor((b - a) / step + 1e-9) + 1;
  if (n > MAX_RANGE_VALUES) throw new InputError(`${where}: the range '${item}' has ${n} values; at most ${MAX_RANGE_VALUES}`);
  const d = Math.max(decimals(aText), decimals(bText), stepText ? decimals(stepText) : 0);
  return Array.from({ length: n }, (_, i) => Number((a + i * step).toFixed(d)));
}

/**
 * Expands a comma-separated list of values and ranges; an empty item (`1,,2`, `1,`) is refused, not
 * skipped. `where` heads an error: the function's name from code, the command line's `--set <path>`.
 * @example sweep(plan, [{ path: "pressure.rules.two-a-week.cap", values: expandValues("1..3,8") }]) // values 1, 2, 3, 8
 */
export function expandValues(text: string, where = "expandValues"): unknown[] {
  if (typeof text !== "string") {
    const list = Array.isArray(text) ? " (a list of values is given to sweep as it is, { path, values: [1, 2, 3] })" : "";
    throw new InputError(`${where}: expected the text of a list of values and ranges such as "1..3,8" or "0.5..2:0.5", got ${describe(text)}${list}`);
  }
  const items = text.split(",").map((v) => v.trim());
  if (items.some((v) => !v)) throw new InputError(`${where}: an empty value in '${text}'; write the values between commas, e.g. 1,2,3`);
  return items.flatMap((v) => expandItem(v, where));
}
