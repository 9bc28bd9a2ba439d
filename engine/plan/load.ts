/**
 * Reading a plan file: YAML → plain values (with a line for every field path, so errors point into the
 * file), program templates included by `use:`, then validation. Throws InputError listing every problem.
 */
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { createHash } from "node:crypto";
import { InputError, type Path, Reporter } from "./errors.ts";
import { parseYaml } from "./yaml.ts";
import { validatePlan } from "./validate.ts";
import type { Plan } from "./types.ts";
import { compilePlan } from "./compile.ts";
import { validateWorld, type WorldSection } from "./world-section.ts";
import { deepMerge } from "./merge.ts";
import { describe, isMapping } from "./fields.ts";
import type { CompiledPlan } from "../core/compiled.ts";

/** Where `use: programs/<name>` templates are looked up after the plan's own folder. */
export const SCENARIOS_DIR = resolve(dirname(new URL(import.meta.url).pathname), "../../scenarios");

export interface LoadedPlan {
  plan: Plan;
  compiled: CompiledPlan;
  source: unknown; // the plan as plain data, templates expanded
  hash: string; // sha256 of the canonical JSON of `source`
  file: string;
  world?: WorldSection; // the plan's `world:` section, validated (engine/plan/world-section.ts; planWorld applies it)
  /** Per program, the template it was included from (`use: programs/promotion` → "programs/promotion"), whatever its id. */
  templates?: (string | null)[];
}

/** Loads and validates a plan file. @example const { plan } = loadPlan("scenarios/lifecycle.yaml") */
export function loadPlan(file: string): LoadedPlan {
  if (typeof file !== "string") throw new InputError(`loadPlan: expected a plan file's path such as "scenarios/lifecycle.yaml", got ${describe(file)}${file && typeof file === "object" && "compiled" in file ? ": this plan is loaded already" : ""}`);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new InputError(`${file}: cannot read the plan file (${(e as Error).message})`);
  }
  return parsePlan(text, file);
}

/**
 * Parses plan text (YAML or JSON); `file` names it in errors and anchors relative `use:` paths.
 * @example const mine = parsePlan("name: mine\nchannels: { email: {} }\n", "mine.yaml"); mine.plan.name // "mine"
 */
export function parsePlan(text: string, file = "<plan>"): LoadedPlan {
  // a plan object was read as text ('source is not a string'): a plan is parsed from its YAML or JSON text
  if (typeof text !== "string") throw new InputError(`parsePlan: expected a plan's text (YAML or JSON), got ${describe(text)}: a plan object is given as parsePlan(JSON.stringify(plan), "name.yaml"), a file is read by loadPlan("scenarios/lifecycle.yaml")`);
  if (typeof file !== "string") throw new InputError(`parsePlan: the file name, when given, is text such as "scenarios/mine.yaml" (it names the plan in errors and anchors its use: paths), got ${describe(file)}`);
  // a file's path read as a plan's text gave "(root): expected a mapping with one of name, …, got string 'scenarios/x.yaml'"
  const t = text.trim();
  if (/\.(ya?ml|json)$/i.test(t) && !/[\n{}]|:\s/.test(t)) {
    throw new InputError(`parsePlan: expected a plan's text (YAML or JSON), got the file name '${t}': did you mean loadPlan(${JSON.stringify(t)})? (parsePlan reads a plan's text, loadPlan its file)`);
  }
  const { value: raw, lineOf } = parseYaml(text, file);
  const r = new Reporter(file, lineOf);
  const templates: (string | null)[] = [], params: ParamUse[] = [];
  const source = expandTemplates(raw, file, r, templates, params);
  if (!r.ok) throw new InputError(r.format(), r.problems); // a missing or broken template: not cascades of "missing type"
  const plan = validatePlan(source, r);
  const world = validateWorld(r, source && typeof source === "object" ? (source as Record<string, unknown>).world : undefined);
  if (!r.ok) throw new InputError(blameParams(r, params, lineOf), r.problems);
  const compiled = compilePlan(plan, r); // expressions and pressure rules, reported with their lines
  if (!r.ok) throw new InputError(blameParams(r, params, lineOf), r.problems);
  if (source && typeof source === "object") sourceLines.set(source, lineOf);
  return { plan, compiled, source, hash: hashJson(source), file, templates, ...(world ? { world } : {}) };
}

// The line of each field path of a loaded plan's `source`, for checks made after loading (the attributes
// a population must have: engine/sim/population-spec.ts) that are handed the source alone. Kept beside the
// object, not in it, so the source stays plain data (hashed, cloned, sent to workers).
const sourceLines = new WeakMap<object, (path: Path) => number | undefined>();

/** The source line of a field path in a plan's `source` (LoadedPlan.source), when it came from a file. */
export function lineInSource(source: unknown, path: Path): number | undefined {
  return source && typeof source === "object" ? sourceLines.get(source)?.(path) : undefined;
}

/** A template's parameter put into a program's field: `path` (from the plan's root) holds its value. */
interface ParamUse {
  path: Path;
  program: number;
  param: string;
  given: boolean; // set by the program's `with:` (else the template's default)
  whole: boolean; // the field is the parameter (else the parameter is part of its text)
  value: unknown;
}

/**
 * The problems found in fields that a template's parameter filled, said so: a `with:` value at its own
 * line (they were reported at the `use:` line, under the template's field, e.g. `steps[0].wait`), a
 * default with how to set another. Returns the report's text.
 */
function blameParams(r: Reporter, params: ParamUse[], lineOf: (path: Path) => number | undefined): string {
  for (const problem of r.problems) {
    const use = params.find((u) => u.path.every((k, i) => problem.path[i] === k));
    if (!use) continue;
    const what = `this field ${use.whole ? "is" : "uses"} the template's parameter '${use.param}'`;
    if (use.given) {
      problem.line = lineOf(["programs", use.program, "with", use.param]) ?? problem.line;
      problem.message += ` (${what}, set by with.${use.param})`;
    } else problem.message += ` (${what}, by default ${JSON.stringify(use.value)}: set another with with.${use.param})`;
  }
  return r.format();
}

/** The plan with its `use:` programs replaced by their templates; `uses` gets each program's template name (or null), `params` where each parameter went. */
function expandTemplates(raw: unknown, file: string, r: Reporter, uses: (string | null)[], paramUses: ParamUse[]): unknown {
  if (!raw || typeof raw !== "object" || !Array.isArray((raw as Record<string, unknown>).programs)) return raw;
  const o = raw as Record<string, unknown>;
  const programs = (o.programs as unknown[]).map((p, i) => {
    uses[i] = p && typeof p === "object" && typeof (p as Record<string, unknown>).use === "string" ? (p as Record<string, unknown>).use as string : null;
    if (!p || typeof p !== "object" || !("use" in p)) return p;
    const { use, with: params, ...overrides } = p as Record<string, unknown>;
    const path = ["programs", i, "use"];
    if (params !== undefined && !isMapping(params)) {
      // `with: 5` used to be ignored: the template ran with its defaults, and nothing said so
      r.error(["programs", i, "with"], `expected a mapping of the template's parameters such as { delay: 2h }, got ${describe(params)}`);
      return p;
    }
    if (typeof use !== "string" || !/^[\w./-]+$/.test(use) || use.includes("..")) {
      r.error(path, `expected a template name such as programs/abandoned-cart, got ${JSON.stringify(use)}`);
      return p;
    }
    const candidates = [join(dirname(file), `${use}.yaml`), join(SCENARIOS_DIR, `${use}.yaml`)];
    const found = candidates.find((c) => {
      try {
        return readFileSync(c) !== undefined;
      } catch {
        return false;
      }
    });
    if (!found) {
      r.error(path, `no template '${use}': looked for ${candidates.join(" and ")}`);
      return p;
    }
    let tpl: Record<string, unknown>;
    try {
      tpl = template(readFileSync(found, "utf8"), found);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      r.error(path, `template '${use}' is not valid YAML:\n${e.message}`);
      return p;
    }
    if (!tpl || typeof tpl !== "object" || Array.isArray(tpl)) {
      r.error(path, `template '${use}' (${found}) must be a mapping of program fields`);
      return p;
    }
    const { params: defaults, ...body } = tpl ?? {};
    if (defaults !== undefined && !isMapping(defaults)) {
      r.error(path, `template '${use}' (${found}): params must be a mapping of parameter names to default values, got ${describe(defaults)}`);
      return p;
    }
    const values = { ...(defaults as Record<string, unknown> ?? {}), ...(params as Record<string, unknown> ?? {}) };
    const unknownParams = Object.keys(params as object ?? {}).filter((k) => !(k in (defaults as object ?? {})));
    for (const k of unknownParams) {
      r.error(["programs", i, "with", k], `template '${use}' has no parameter '${k}'; its parameters: ${Object.keys(defaults as object ?? {}).join(", ") || "none"}`);
    }
    const filled: Filled[] = [];
    const expanded = deepMerge(substitute(body, values, [], filled), overrides);
    // a field the program sets itself is its own, whatever the template put there
    for (const f of filled) {
      if (overridden(overrides, f.path)) continue;
      const given = isMapping(params) && Object.hasOwn(params as object, f.param);
      paramUses.push({ path: ["programs", i, ...f.path], program: i, param: f.param, given, whole: f.whole, value: values[f.param] });
    }
    return expanded;
  });
  return { ...o, programs };
}

// Parsed templates by file and text: a plan names many, and sweeps and fuzz tests load plans by the
// thousand. Keyed by the text read each time, so an edited template is never served stale.
const templates = new Map<string, Record<string, unknown>>();
function template(text: string, file: string): Record<string, unknown> {
  const key = `${file}\0${text}`;
  let v = templates.get(key);
  if (v === undefined) {
    v = parseYaml(text, file).value as Record<string, unknown>; // substitute() copies, never mutates it
    if (templates.size >= 128) templates.clear();
    templates.set(key, v);
  }
  return v;
}

/** Replaces "${name}" placeholders; a value that is exactly one placeholder keeps the parameter's type. */
type Filled = { path: Path; param: string; whole: boolean };

/** `v` with its `${param}`s replaced; `filled` gets the path (from `v`) of each value a parameter went into. */
function substitute(v: unknown, params: Record<string, unknown>, at: Path, filled: Filled[]): unknown {
  if (typeof v === "string") {
    const whole = /^\$\{(\w+)\}$/.exec(v);
    if (whole && whole[1] in params) return filled.push({ path: at, param: whole[1], whole: true }), params[whole[1]];
    return v.replace(/\$\{(\w+)\}/g, (m, k) => (k in params ? (filled.push({ path: at, param: k, whole: false }), String(params[k])) : m));
  }
  if (Array.isArray(v)) return v.map((x, i) => substitute(x, params, [...at, i], filled));
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, substitute(x, params, [...at, k], filled)]));
  return v;
}

/** Does a program's own field replace the template's value at `path` (deepMerge: mappings merge, anything else replaces)? */
function overridden(overrides: Record<string, unknown>, path: Path): boolean {
  let o: unknown = overrides;
  for (const k of path) {
    if (!o || typeof o !== "object" || Array.isArray(o)) return false;
    if (!Object.hasOwn(o, k)) return false;
    o = (o as Record<string, unknown>)[k as string];
    if (!o || typeof o !== "object" || Array.isArray(o)) return true; // a list or a value replaces what the template had below
  }
  return true;
}

/** Canonical JSON (sorted keys) hashed with sha256: identifies a plan or a result. */
export function hashJson(v: unknown): string {
  return createHash("sha256").update(canonical(v)).digest("hex");
}

export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v && typeof v === "object") {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(",")}}`;
  }
  return JSON.stringify(v ?? null);
}
