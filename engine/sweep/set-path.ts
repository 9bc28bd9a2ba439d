/**
 * Setting a value deep inside a plan by a path such as `pressure.rules.two-a-week.cap`,
 * `pressure.rules[0].window` or `programs.newsletter.holdout`: a list element is chosen by index or by
 * its `name` / `id`. The last segment may add a field to an existing mapping; the rest must exist.
 */
import { InputError } from "../plan/errors.ts";
import { describe } from "../plan/fields.ts";

/** How an error names the path it could not follow: the command line's flag by default; a tuner names itself. */
export type PathLabel = (path: string) => string;
const SET_FLAG: PathLabel = (path) => `--set ${path}`;

export function parsePath(path: string, label: PathLabel = SET_FLAG): (string | number)[] {
  const out: (string | number)[] = [];
  for (const part of path.split(".")) {
    const m = /^([^[\]]*)((\[\d+\])*)$/.exec(part);
    if (!m || (!m[1] && !m[2])) throw new InputError(`${label(path)}: cannot read this path: use dots and [n], e.g. pressure.rules[0].cap or pressure.rules.weekly-cap.cap`);
    if (m[1]) out.push(/^\d+$/.test(m[1]) ? Number(m[1]) : m[1]);
    for (const idx of m[2].matchAll(/\[(\d+)\]/g)) out.push(Number(idx[1]));
  }
  return out;
}

/**
 * Refuses a value the plan's text cannot hold: undefined (the path was dropped, and the plan kept its
 * own value or lost the field) and a number that is not finite (JSON writes NaN and ±Infinity as null,
 * so the plan's validation reported 'got null' for a NaN the user gave).
 */
export function checkValue(where: string, v: unknown): void {
  if (v === undefined) throw new InputError(`${where}: no value (undefined); give the value to set, e.g. a number such as 3`);
  if (typeof v === "number" && !Number.isFinite(v)) throw new InputError(`${where}: expected a finite number, got ${v}`);
}

/**
 * Returns a deep copy of `doc` (a plan's `source`, as written) with the value at `path` replaced. Called
 * from code, its errors name it (`setPath: pressure.rules.two-a-wek.cap: no element …`), not the command
 * line's --set.
 * @example const doc = setPath(plan.source, "pressure.rules.two-a-week.cap", 3); const capped = parsePlan(JSON.stringify(doc), plan.file)
 */
export function setPath(doc: unknown, path: string, value: unknown): unknown {
  // a loaded plan holds compiled functions: structuredClone failed on them with a DataCloneError
  if (doc && typeof doc === "object" && "compiled" in doc && "source" in doc) {
    throw new InputError(`setPath: expected a plan's source (plan.source), got a loaded plan: setPath(plan.source, ${JSON.stringify(path)}, …), then parsePlan(JSON.stringify(doc), plan.file)`);
  }
  if (typeof path !== "string") throw new InputError(`setPath: path: expected a plan path such as "pressure.rules.two-a-week.cap", got ${describe(path)}`);
  checkValue(`setPath: ${path}`, value);
  const copy = structuredClone(doc);
  const { parent, key } = locate(copy, path, (p) => `setPath: ${p}`);
  (parent as Record<string | number, unknown>)[key] = value;
  return copy;
}

/**
 * The field a path names, as validation names it: list elements by index, so that
 * `pressure.rules.two-a-week.cap` and `pressure.rules[1].cap` both give ["pressure", "rules", 1, "cap"].
 */
export function resolvePath(doc: unknown, path: string, label: PathLabel = SET_FLAG): (string | number)[] {
  return locate(doc, path, label).resolved;
}

/** Walks `path` in `doc` to the mapping or list that holds its last segment; InputError when it cannot. */
function locate(doc: unknown, path: string, label: PathLabel = SET_FLAG): { parent: object; key: string | number; resolved: (string | number)[] } {
  const parts = parsePath(path, label), resolved: (string | number)[] = [];
  let node: unknown = doc;
  for (let i = 0; i < parts.length; i++) {
    const key = parts[i], last = i === parts.length - 1, at = parts.slice(0, i).join(".") || "(root)";
    if (Array.isArray(node)) {
      const idx = typeof key === "number" ? key : node.findIndex((x) => x && typeof x === "object" && ((x as Record<string, unknown>).name === key || (x as Record<string, unknown>).id === key));
      if (idx < 0 || idx >= node.length) {
        const names = node.map((x, k) => (x && typeof x === "object" ? (x as Record<string, unknown>).name ?? (x as Record<string, unknown>).id ?? k : k));
        throw new InputError(`${label(path)}: no element '${key}' in ${at}; valid: ${names.join(", ")}`);
      }
      resolved.push(idx);
      if (last) return { parent: node, key: idx, resolved };
      node = node[idx];
    } else if (node && typeof node === "object") {
      const o = node as Record<string, unknown>;
      resolved.push(String(key));
      if (last) return { parent: o, key: String(key), resolved };
      if (!(String(key) in o)) throw new InputError(`${label(path)}: no field '${key}' in ${at}; valid: ${Object.keys(o).join(", ")}`);
      node = o[String(key)];
    } else throw new InputError(`${label(path)}: ${at} is a value, not a mapping or a list`);
  }
  throw new InputError(`${label(path)}: cannot read this path`); // parsePath gives at least one segment
}
