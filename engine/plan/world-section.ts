/**
 * A plan's `world:` section: world parameters (engine/sim/world-model.ts) a plan sets over the defaults,
 * checked at load like every other field (path, line, range, did-you-mean), merged with mappings merging
 * and lists replacing, per-channel figures keyed by channel name (`channels: { sms: { click: 0.1 } }`).
 * One walk over DEFAULT_WORLD gives both the validator and the JSON Schema, so they cannot drift; each
 * number's range is in one table (engine/plan/world-ranges.ts), with the limits that bind several fields.
 * How it combines with RunOptions.world and with comparisons: docs/plan-format.md, "World".
 */
import { CHANNELS } from "../core/channels.ts";
import { DEFAULT_WORLD, type WorldModel, worldWith } from "../sim/world-model.ts";
import { seasonalityProblems } from "../sim/time-profile.ts";
import { closest, formatPath, InputError, type Path, type Reporter } from "./errors.ts";
import * as f from "./fields.ts";
import { deepMerge } from "./merge.ts";
import { text } from "./schema-patterns.ts";
import { checkWorldNumber, rangeOf, rangeSchema, worldScaleProblems } from "./world-ranges.ts";

/** The validated section, as written (channel names as keys); applied by `applyWorld`. */
export type WorldSection = Record<string, unknown>;

const FIXED_LISTS: Record<string, [number, string]> = {
  "seasonality.hours": [24, "local hours 0–23"],
  "seasonality.weekdays": [7, "Monday … Sunday"],
  "seasonality.months": [12, "January … December"],
};
const CHANNEL_FIELDS = [...Object.keys(DEFAULT_WORLD.channels[0]), "gapDays"];
const PEAK_FIELDS = ["name", "start", "days", "factor"];

/** Validates `v` against the default value `d` at `path`; `pattern` is the path with channel names as "*". */
function walk(r: Reporter, v: unknown, d: unknown, path: Path, pattern: string): unknown {
  if (pattern === "channels" || pattern === "consents") {
    // world: holds the built-in channels' calibrated figures; a custom channel's are in its declaration
    const custom = f.isMapping(v) ? Object.keys(v).filter((k) => !CHANNELS.includes(k as typeof CHANNELS[number]) && !closest(k, CHANNELS)) : [];
    for (const k of custom) {
      r.error([...path, k], `'${k}' is not a built-in channel: world.${pattern} sets ${CHANNELS.join(", ")}; a custom channel's ${pattern === "channels" ? "response goes in channels.<name>.response" : "consent share goes in channels.<name>.consentShare"} (docs/plan-format.md "Custom channels")`);
    }
    const o = f.object(r, v, path, [...CHANNELS, ...custom]) ?? {};
    for (const [name, x] of Object.entries(o)) {
      if (!CHANNELS.includes(name as typeof CHANNELS[number])) continue;
      if (pattern === "consents") checkWorldNumber(r, x, [...path, name], rangeOf("consents.*"));
      else {
        const c = f.object(r, x, [...path, name], CHANNEL_FIELDS) ?? {};
        for (const [k, y] of Object.entries(c)) if (CHANNEL_FIELDS.includes(k)) checkWorldNumber(r, y, [...path, name, k], rangeOf(`channels.*.${k}`));
      }
    }
    return o;
  }
  if (pattern in FIXED_LISTS) {
    const [n, what] = FIXED_LISTS[pattern];
    const xs = f.list(r, v, path, `${n} weights (${what})`);
    if (Array.isArray(v) && xs.length !== n) r.error(path, `expected ${n} weights (${what}), got ${xs.length}`);
    xs.forEach((x, i) => checkWorldNumber(r, x, [...path, i], rangeOf(pattern)));
    return v;
  }
  if (pattern === "seasonality.peaks") {
    for (const [i, p] of f.list(r, v, path, "peaks ({ name, start, days, factor })").entries()) {
      const o = f.object(r, p, [...path, i], PEAK_FIELDS) ?? {};
      for (const k of PEAK_FIELDS) if (!(k in o)) r.error([...path, i, k], `missing ${k}: a peak is { name, start: "MM-DD" or black-friday, days, factor }`);
      if ("name" in o) f.string(r, o.name, [...path, i, "name"]);
      if ("start" in o && !(typeof o.start === "string" && (o.start === "black-friday" || validMonthDay(o.start)))) {
        r.error([...path, i, "start"], `expected a start "MM-DD" such as "11-24", or black-friday, got ${f.describe(o.start)}`);
      }
      if ("days" in o && !(Number.isInteger(o.days) && (o.days as number) >= 1 && (o.days as number) <= 366)) {
        r.error([...path, i, "days"], `expected a whole number of days from 1 to 366, got ${f.describe(o.days)}`);
      }
      if ("factor" in o) checkWorldNumber(r, o.factor, [...path, i, "factor"], rangeOf("seasonality.peaks.factor"));
    }
    return v;
  }
  if (pattern === "timezones") {
    const before = r.problems.length;
    const xs = f.list(r, v, path, "[UTC offset minutes, share] pairs");
    xs.forEach((x, i) => {
      if (!Array.isArray(x) || x.length !== 2) return r.error([...path, i], `expected a pair [UTC offset in minutes, share] such as [60, 0.8], got ${f.describe(x)}`);
      if (!(Number.isInteger(x[0]) && Math.abs(x[0]) <= 14 * 60)) r.error([...path, i, 0], `expected a UTC offset in whole minutes from -840 to 840, got ${f.describe(x[0])}`);
      checkWorldNumber(r, x[1], [...path, i, 1], rangeOf("timezones.share"));
    });
    // an empty list gave customers no time zone to draw from: the run crashed drawing the population
    if (Array.isArray(v) && !xs.length) r.error(path, `expected at least one [UTC offset in minutes, share] pair such as [60, 0.8]`);
    else if (xs.length && !xs.some((x) => Array.isArray(x) && (x[1] as number) > 0)) r.error(path, `at least one time zone needs a share above 0`);
    else if (r.problems.length === before) {
      // a customer draws a number below 1 and takes the zone whose running total passes it: shares short of
      // 1 put the rest in the first zone, shares beyond 1 never reached the last ones, and nothing said so
      const sum = xs.reduce((a: number, x) => a + (x as number[])[1], 0);
      if (Math.abs(sum - 1) > 1e-6) {
        r.error(path, `the shares add up to ${+sum.toFixed(6)}, expected 1 (every customer lives in one of these zones), e.g. [[60, 0.8], [0, 0.2]]`);
      }
    }
    return v;
  }
  if (typeof d === "number") return checkWorldNumber(r, v, path, rangeOf(pattern));
  const o = f.object(r, v, path, Object.keys(d as object)) ?? {};
  for (const [k, x] of Object.entries(o)) {
    if (k in (d as object)) walk(r, x, (d as Record<string, unknown>)[k], [...path, k], pattern ? `${pattern}.${k}` : k);
  }
  return o;
}

function validMonthDay(s: string): boolean {
  const m = /^(\d{2})-(\d{2})$/.exec(s);
  return !!m && Number(m[1]) >= 1 && Number(m[1]) <= 12 && Number(m[2]) >= 1 && Number(m[2]) <= 31;
}

/** Checks a plan's `world:` section; returns it (undefined when absent) with every problem reported. */
export function validateWorld(r: Reporter, v: unknown, path: Path = ["world"]): WorldSection | undefined {
  if (v === undefined) return undefined;
  const before = r.problems.length;
  const section = walk(r, v, DEFAULT_WORLD, path, "") as WorldSection;
  if (r.problems.length > before) return section;
  // whole-world checks, once every field is sound
  const w = applyWorld(worldWith(), section);
  for (const p of seasonalityProblems(w.seasonality)) r.error([...path, "seasonality"], p);
  if (w.reputation.worstAt <= w.reputation.goodBelow) {
    r.error([...path, "reputation"], `worstAt (${w.reputation.worstAt}) must be above goodBelow (${w.reputation.goodBelow}): inbox placement falls between them`);
  }
  // the default seasonality is sound: a year of days is weighed only for one the section sets
  const set = typeof section === "object" && section !== null && "seasonality" in section;
  for (const [at, message] of worldScaleProblems(w, set)) r.error([...path, ...at], message);
  return section;
}

/**
 * `base` with a section applied: mappings merge, lists replace, channels and consents by name.
 * @example applyWorld(DEFAULT_WORLD, { channels: { sms: { click: 0.1 } } }).channels[1].click // 0.1
 */
export function applyWorld(base: WorldModel, section: WorldSection | undefined): WorldModel {
  if (!section) return base;
  const { channels, consents, ...rest } = section as { channels?: Record<string, object>; consents?: Record<string, number> };
  const w = deepMerge(base, rest, structuredClone) as WorldModel;
  w.channels = base.channels.map((c, i) => ({ ...c, ...(channels?.[CHANNELS[i]] ?? {}) }));
  w.consents = base.consents.map((c, i) => consents?.[CHANNELS[i]] ?? c);
  return w;
}

/**
 * The world a plan runs in: the defaults, the plan's `world:` section over them, then the caller's
 * RunOptions.world over that (top-level keys replace, as `worldWith` does): the option overrides the plan.
 * A plan without a section gets `worldWith(over)`, in its canonical form (canonicalWorld). `over` is
 * checked by the caller (checkRun, with the rest of a run's options); engine/mod.ts exports the checking
 * planWorld of engine/sim/world-arguments.ts. `where` heads the message of a limit the two pass together.
 * @example const world = planWorld(loadPlan("scenarios/lifecycle.yaml"), { machineOpens: 0.4 }); world.machineOpens // 0.4
 */
export function planWorld(loaded: { world?: WorldSection }, over?: Partial<WorldModel>, where = "RunOptions"): WorldModel {
  if (!loaded.world) return canonicalWorld(worldWith(over));
  const w = canonicalWorld({ ...applyWorld(worldWith(), loaded.world), ...structuredClone(over ?? {}) } as WorldModel);
  // each was checked over the defaults; together (the plan's purchase rates, the option's visits per
  // purchase) they may pass a limit that binds several fields. A seasonality comes whole from one of them.
  if (over) {
    const problems = worldScaleProblems(w, false);
    if (problems.length) {
      throw new InputError(problems.map(([at, m]) => `${where}: world.${formatPath(at)}: ${m} (the plan's world: section with this option over it)`).join("\n"));
    }
  }
  return w;
}

type Obj = f.Obj;
const fieldsOf = (names: string[]): Obj => Object.fromEntries(names.map((k) => [k, 0]));

/**
 * One form per world: its keys in DEFAULT_WORLD's order (a channel's optional gapDays last, a peak's as
 * { name, start, days, factor }) and `reputation.lagDays` given. A run's digest and its baseline's cache
 * key name the world by its JSON (Population.describe): the same world with a mapping's keys written in
 * another order, or without the optional lag (its default, 2), was another run to them. The default
 * world, and any plan section merged over it, already has this form, so their digests are unchanged.
 */
function canonicalWorld(w: WorldModel): WorldModel {
  const order = (v: unknown, d: unknown): unknown => {
    if (!f.isMapping(v) || !f.isMapping(d)) return v;
    const out: Obj = {};
    for (const k of Object.keys(d)) if (k in v) out[k] = order(v[k], d[k]);
    for (const k of Object.keys(v)) if (!(k in out)) out[k] = v[k];
    return out;
  };
  const o = order(w, DEFAULT_WORLD) as WorldModel;
  o.channels = w.channels.map((c) => order(c, fieldsOf(CHANNEL_FIELDS)) as WorldModel["channels"][number]);
  o.reputation = { ...o.reputation, lagDays: o.reputation.lagDays ?? DEFAULT_WORLD.reputation.lagDays };
  o.seasonality = { ...o.seasonality, peaks: o.seasonality.peaks.map((p) => order(p, fieldsOf(PEAK_FIELDS)) as typeof p) };
  return o;
}

/** The section's JSON Schema, from the same defaults the validator walks. */
export function worldSchema(): object {
  const of = (d: unknown, pattern: string): object => {
    if (pattern === "channels") {
      const one = { type: "object", additionalProperties: false, properties: Object.fromEntries(CHANNEL_FIELDS.map((k) => [k, rangeSchema(rangeOf(`channels.*.${k}`))])) };
      return { type: "object", additionalProperties: false, properties: Object.fromEntries(CHANNELS.map((c) => [c, one])) };
    }
    if (pattern === "consents") return { type: "object", additionalProperties: false, properties: Object.fromEntries(CHANNELS.map((c) => [c, rangeSchema(rangeOf("consents.*"))])) };
    if (pattern in FIXED_LISTS) {
      const [n, what] = FIXED_LISTS[pattern];
      return { type: "array", items: rangeSchema(rangeOf(pattern)), minItems: n, maxItems: n, description: what };
    }
    if (pattern === "seasonality.peaks") {
      return {
        type: "array",
        items: {
          type: "object", additionalProperties: false, required: PEAK_FIELDS,
          properties: { name: text, start: { type: "string", pattern: "^((0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])|black-friday)$" }, days: { type: "integer", minimum: 1, maximum: 366 }, factor: rangeSchema(rangeOf("seasonality.peaks.factor")) },
        },
      };
    }
    if (pattern === "timezones") {
      const share = rangeSchema(rangeOf("timezones.share"));
      // at least one time zone with a share above 0
      return { type: "array", minItems: 1, items: { type: "array", prefixItems: [{ type: "integer", minimum: -840, maximum: 840 }, share], minItems: 2, maxItems: 2 }, contains: { type: "array", prefixItems: [true, { type: "number", exclusiveMinimum: 0 }] } };
    }
    if (typeof d === "number") return rangeSchema(rangeOf(pattern));
    return {
      type: "object",
      additionalProperties: false,
      properties: Object.fromEntries(Object.entries(d as object).map(([k, x]) => [k, of(x, pattern ? `${pattern}.${k}` : k)])),
    };
  };
  return { ...of(DEFAULT_WORLD, ""), description: "world parameters over the defaults (docs/world-model.md); mappings merge, lists replace" };
}
