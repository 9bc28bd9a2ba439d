/**
 * A sweep's variants as plans. The sets (`--set`s) are checked against the base plan first: each field set
 * once (`cap=1,2 --set cap=3,4` kept only the second), each value once (`cap=1,1` ran one variant
 * twice), never the world section (the variants share one population and baseline). Then each
 * combination is written into the plan and validated; a problem names the field's line in the plan
 * file (the variant's plan has the file's shape, only the set values differ), or no line.
 */
import { readFileSync } from "node:fs";
import { parseDuration } from "../core/time.ts";
import { formatPath, InputError, type Path, type Problem } from "../plan/errors.ts";
import { describe } from "../plan/fields.ts";
import { type LoadedPlan, parsePlan } from "../plan/load.ts";
import { parseYaml } from "../plan/yaml.ts";
import { checkValue, parsePath, resolvePath, setPath } from "./set-path.ts";

export interface SweepSet {
  path: string;
  values: unknown[];
}

export const show = (v: unknown) => (typeof v === "object" ? JSON.stringify(v) : String(v));

/**
 * What a value sets, for telling two values apart: a duration by its minutes (`7d`, `1w` and `168h` are one
 * window: the plan keeps the text and the core reads all three as 10,080 minutes, so they ran one variant
 * three times), anything else by its JSON.
 */
function sameValue(v: unknown): string {
  const minutes = typeof v === "string" && /[a-z]$/.test(v.trim()) ? parseDuration(v) : null;
  return minutes === null ? JSON.stringify(v) : `${minutes} minutes`;
}
const durationText = (key: string) => `${Number(key.split(" ")[0]).toLocaleString("en-US")} minutes`;

const EXAMPLE = `[{ path: "pressure.rules.two-a-week.cap", values: [1, 2, 3] }]`;

/**
 * Refuses sets that are not a list of { path, values } (from code, a notebook: a mapping of paths, a
 * set without its path, values as one text), or none, with what to write instead, before any is read.
 */
function checkSetShapes(sets: unknown, naming: SetNaming): asserts sets is SweepSet[] {
  const example = EXAMPLE;
  if (!Array.isArray(sets)) throw new InputError(`sweep: sets: expected a list of { path, values }, such as ${example}, got ${describe(sets)}`);
  // a sweep of nothing is a slip (a list filtered to empty, a forgotten set), not a way to run the plan
  if (!sets.length) throw new InputError(naming.empty);
  sets.forEach((s, i) => {
    const set = s as Partial<SweepSet> | null;
    if (!set || typeof set !== "object" || Array.isArray(set)) throw new InputError(`sweep: sets[${i}]: expected { path, values }, such as ${example.slice(1, -1)}, got ${describe(s)}`);
    if (typeof set.path !== "string") throw new InputError(`sweep: sets[${i}].path: expected a plan path such as "pressure.rules.two-a-week.cap", got ${describe(set.path)}`);
    if (!Array.isArray(set.values)) {
      const text = typeof set.values === "string" ? ` (the text of a --set list is read by expandValues(${JSON.stringify(set.values)}))` : "";
      throw new InputError(`sweep: sets[${i}].values (${set.path}): expected a list of values, such as [1, 2, 3], got ${describe(set.values)}${text}`);
    }
  });
}

/**
 * How a sweep's errors name a set, the values of one set and a variant: as the caller wrote them. The
 * command line's `--set path=1,2`; from code, the function and the set's index in its list
 * (`sweep: sets[1] (pressure.rules.two-a-week.cap)`), since a notebook's analyst never typed `--set`.
 */
export interface SetNaming {
  /** A set as the head of its own error, and as another set's error mentions it (`other`). */
  set(i: number, path: string, other?: boolean): string;
  /** What a set is called ("--set"), and one set holding these values, to write instead. */
  noun: string;
  merged(path: string, values: unknown[]): string;
  /** The head of variant `i`'s error: the values it sets. */
  variant(i: number, values: Record<string, unknown>): string;
  /** No set at all: what a sweep takes. */
  empty: string;
  /** The sets together, as the head of an error about the whole grid. */
  all: string;
}

export const FLAG_NAMING: SetNaming = {
  set: (_i, path) => `--set ${path}`,
  noun: "--set",
  merged: (path, values) => `--set ${path}=${values.map(show).join(",")}`,
  variant: (_i, values) => Object.entries(values).map(([path, v]) => `--set ${path}=${show(v)}`).join(" "),
  empty: "--set: give at least one, e.g. --set pressure.rules.two-a-week.cap=1..3",
  all: "--set",
};

/** @example codeNaming("sweep").set(1, "pressure.rules.two-a-week.cap") // "sweep: sets[1] (pressure.rules.two-a-week.cap)" */
export const codeNaming = (fn: string): SetNaming => ({
  set: (i, path, other) => `${other ? "" : `${fn}: `}sets[${i}] (${path})`,
  noun: "set",
  merged: (path, values) => `{ path: ${JSON.stringify(path)}, values: [${values.map((v) => JSON.stringify(v)).join(", ")}] }`,
  variant: (i, values) => `${fn}: variants[${i}] (${Object.entries(values).map(([p, v]) => `${JSON.stringify(p)}: ${show(v)}`).join(", ")})`,
  empty: `${fn}: sets: an empty list; a sweep takes at least one { path, values }, such as ${EXAMPLE} (to run the plan alone: runPlan)`,
  all: `${fn}: sets`,
});

/**
 * The most variants one sweep runs. Every variant is a plan validated and held before the first run, a
 * row of the table and a dot of the chart: 100 × 100 values (10,000 variants of 200 customers × 7
 * days) had not finished after 5 minutes and held 2.6 GB, with nothing said. Past a few hundred the
 * chart and the table are no longer read: a coarse grid, then a finer one around its knee, is the way.
 */
export const MAX_VARIANTS = 1000;

/**
 * Refuses sets that would run a variant twice or drop values, and an empty list (a sweep of nothing ran
 * the plan alone, as one variant named ''); returns each set's field, list elements by index.
 */
export function checkSets(loaded: LoadedPlan, sets: SweepSet[], naming: SetNaming): Path[] {
  checkSetShapes(sets, naming);
  const fields: Path[] = [];
  sets.forEach((s, i) => {
    const head = naming.set(i, s.path), label = () => head;
    if (parsePath(s.path, label)[0] === "world") {
      throw new InputError(`${head}: a sweep cannot change the world section: its variants share one population and no-plan baseline per seed, drawn in the plan's world; simulate each world separately (a world: section in each plan)`);
    }
    if (!s.values.length) throw new InputError(`${head}: no values; give at least one, e.g. ${naming.merged(s.path, [1, 2])}`);
    const seen = new Map<string, unknown>();
    for (const v of s.values) {
      checkValue(head, v);
      const key = sameValue(v), first = seen.get(key);
      if (seen.has(key) && show(first) === show(v)) throw new InputError(`${head}: the value ${show(v)} is given twice; give each value once (the same value twice runs the same variant twice)`);
      if (seen.has(key)) throw new InputError(`${head}: the value ${show(v)} is ${show(first)} written another way (${durationText(key)}); give each value once (the same value twice runs the same variant twice)`);
      seen.set(key, v);
    }
    const field = resolvePath(loaded.source, s.path, label);
    sets.slice(0, i).forEach((earlier, j) => {
      const other = fields[j], n = Math.min(field.length, other.length);
      if (field.slice(0, n).some((k, m) => k !== other[m])) return;
      if (field.length === other.length) {
        const what = s.path === earlier.path ? " given twice" : `: the same field as ${naming.set(j, earlier.path, true)} (${formatPath(field)})`;
        throw new InputError(`${head}${what}; give all its values in one ${naming.noun}, e.g. ${naming.merged(earlier.path, [...earlier.values, ...s.values])}`);
      }
      const [inner, outer] = field.length > other.length ? [[i, s] as const, [j, earlier] as const] : [[j, earlier] as const, [i, s] as const];
      throw new InputError(`${naming.set(inner[0], inner[1].path)}: inside ${formatPath(field.length > other.length ? other : field)}, which ${naming.set(outer[0], outer[1].path, true)} replaces; sweep one of the two`);
    });
    fields.push(field);
  });
  const variants = sets.reduce((n, s) => n * s.values.length, 1);
  if (variants > MAX_VARIANTS) {
    const sizes = sets.map((s) => s.values.length.toLocaleString("en-US")).join(" × ");
    throw new InputError(`${naming.all}: ${variants.toLocaleString("en-US")} variants (${sizes} values); a sweep runs at most ${MAX_VARIANTS.toLocaleString("en-US")}: give fewer values, e.g. a coarse grid with a step (1..100:10), then a finer one around its knee`);
  }
  return fields;
}

/**
 * The variant of `loaded` with `values` (path → value) set, validated. An invalid variant throws an
 * InputError headed by `head` (its values as the caller wrote them: SetNaming.variant, a tuner's
 * move), each problem at its line in the plan file: a problem at or under a set field at that field's
 * line, any other at its own.
 */
export function variantPlan(loaded: LoadedPlan, values: Record<string, unknown>, fields: Path[], head: string): LoadedPlan {
  let doc: unknown = loaded.source;
  for (const [path, v] of Object.entries(values)) doc = setPath(doc, path, v);
  try {
    return parsePlan(JSON.stringify(doc), loaded.file);
  } catch (e) {
    if (!(e instanceof InputError) || !e.problems.length) throw e;
    const lineOf = fileLines(loaded.file);
    const lineFor = (path: Path) => lineOf(fields.find((f) => f.every((k, i) => path[i] === k)) ?? path);
    const problems: Problem[] = e.problems.map((p) => ({ ...p, line: lineFor(p.path) }));
    const lines = problems.map((p) => `${loaded.file}${p.line ? `:${p.line}` : ""}: ${formatPath(p.path)}: ${p.message}`);
    throw new InputError(`${head}: the variant is not a valid plan:\n${lines.join("\n")}`, problems);
  }
}

/** The plan file's lines by field path; none when it cannot be read again (a plan given as text). */
function fileLines(file: string): (path: Path) => number | undefined {
  try {
    return parseYaml(readFileSync(file, "utf8"), file).lineOf;
  } catch {
    return () => undefined;
  }
}
