/**
 * Validation and compilation of a plan's `pressure:` section into the core's compiled rules
 * (engine/core/pressure.ts), plus its JSON Schema for docs/plan.schema.json. Kept out of the core so the
 * decision core never depends on plan parsing.
 */
import { CALENDARS, type Calendar, type CompiledPressure, type CompiledRule, type Filter } from "../core/pressure.ts";
import { DAY, type Minutes, offsetMinutes } from "../core/time.ts";
import { closest, oneOf, type Path, type Reporter } from "./errors.ts";
import { describe, isMapping, readDuration, unknownFields, zoneHint } from "./fields.ts";
import { OFFSET, positiveDuration, text } from "./schema-patterns.ts";

export interface PlanIndex {
  channels: readonly string[];
  categories: readonly string[];
  programs: readonly string[];
}

type Value = number | string | boolean | null;
/** Compiles an expression (reporting errors itself); `constant` marks one folded at compile time. */
export type CompileExpr<C> = (source: string, path: Path) => (((ctx: C) => Value) & { constant?: true }) | null;

/**
 * The most categories a plan may have, defaults included: the compiled filters match categories (and
 * channels) by a bit in a 32-bit mask (engine/core/pressure.ts), so a 33rd would alias the first.
 * validate.ts refuses a plan with more, naming the first one over (docs/pressure-rules.md).
 */
export const MAX_CATEGORIES = 32;

/** A value an expression gave where a number was needed: null when it is fine, else why not. */
function notANumber(v: Value, what: string, source: string): string | null {
  return typeof v === "number" && Number.isFinite(v) ? null : `${what}: '${source}' is always ${JSON.stringify(v)}, not a number; give a number or an expression that gives one`;
}

const RULE_FIELDS = ["name", "cap", "window", "calendar", "timezone", "lookahead", "counts", "appliesTo", "spacing", "weighted"];
const FILTER_FIELDS = ["channels", "categories", "programs"];
const WEIGHTED_FIELDS = ["threshold", "weights", "weight", "decay"];

const all = (n: number) => (n >= 31 ? -1 : (1 << n) - 1);

function compileFilter(r: Reporter, v: unknown, path: Path, index: PlanIndex): Filter {
  const f: Filter = { channels: all(index.channels.length), categories: all(index.categories.length), programs: null };
  if (v === undefined) return f;
  if (!isMapping(v)) {
    r.error(path, `expected a mapping with channels, categories and/or programs lists`);
    return f;
  }
  unknownFields(r, v, path, FILTER_FIELDS);
  const names = (key: string, valid: readonly string[]): number[] | null => {
    if (v[key] === undefined) return null;
    const list = typeof v[key] === "string" ? [v[key]] : v[key];
    if (!Array.isArray(list)) {
      r.error([...path, key], `expected a list of names: ${oneOf(valid)}`);
      return [];
    }
    // an empty list matches no message: a rule counting or blocking nothing, an exemption of nothing
    if (!list.length) r.error([...path, key], `an empty list matches no message: name at least one (${oneOf(valid)}), or leave ${key} out to match them all`);
    return list.flatMap((name, i) => {
      const k = valid.indexOf(String(name));
      if (k < 0) {
        const hint = closest(String(name), valid);
        r.error([...path, key, i], `unknown ${key.slice(0, -1).replace("categorie", "category")} '${name}'${hint ? `; did you mean '${hint}'?` : ""} valid: ${valid.join(", ")}`);
        return [];
      }
      return [k];
    });
  };
  const ch = names("channels", index.channels), cat = names("categories", index.categories), prog = names("programs", index.programs);
  if (ch) f.channels = ch.reduce((m, k) => m | (1 << k), 0);
  if (cat) f.categories = cat.reduce((m, k) => m | (1 << k), 0);
  if (prog) {
    f.programs = new Uint8Array(index.programs.length);
    for (const k of prog) f.programs[k] = 1;
  }
  return f;
}

function duration(r: Reporter, v: unknown, path: Path): Minutes {
  const d = readDuration(v);
  if (typeof d !== "number" || d <= 0) {
    r.error(path, typeof d === "string" ? d : `expected a positive duration such as 30m, 12h, 7d or 2w, got ${JSON.stringify(v)}`);
    return DAY;
  }
  return d;
}

/**
 * A cap or weighted threshold: a number, or an expression per customer. A cap counts contacts, so a
 * constant cap must be whole (`cap: 2.5` is refused) and an expression's value is rounded down at run
 * time (2.7 allows 2): a fractional limit has no meaning for a count and once made retryAt NaN.
 */
function threshold<C>(r: Reporter, v: unknown, path: Path, compile: CompileExpr<C>, whole: boolean): number | ((ctx: C) => Value) {
  if (typeof v === "number") {
    if (!Number.isFinite(v) || v < 0) r.error(path, `expected a threshold of 0 or more (0 blocks every contact in scope), got ${v}`);
    else if (whole && !Number.isInteger(v)) r.error(path, `a cap counts contacts: expected a whole number, got ${v}; write ${Math.floor(v)} or ${Math.ceil(v)}`);
    return Math.max(0, v);
  }
  if (typeof v === "string" && v.trim()) {
    const f = compile(v, path);
    if (!f) return 0;
    if (f.constant) {
      const bad = notANumber(f(undefined as C), "expected a number", v);
      if (bad) r.error(path, bad);
    }
    if (!whole) return f;
    return (ctx: C) => {
      const x = f(ctx);
      return typeof x === "number" ? Math.floor(x) : x; // non-numbers are left for the core to count
    };
  }
  r.error(path, `expected a number, a customer attribute (e.g. limit) or an expression, got ${JSON.stringify(v)}`);
  return 0;
}

/** Validates and compiles the `pressure:` section. */
export function compilePressure<C>(raw: unknown, path: Path, index: PlanIndex, compile: CompileExpr<C>, r: Reporter): CompiledPressure<C> {
  const out: CompiledPressure<C> = { rules: [], exempt: null };
  if (raw === null || raw === undefined) return out;
  if (!isMapping(raw)) {
    r.error(path, `expected a mapping with rules (a list) and optionally exempt`);
    return out;
  }
  unknownFields(r, raw, path, ["rules", "exempt"]);
  if (raw.exempt !== undefined) out.exempt = compileFilter(r, raw.exempt, [...path, "exempt"], index);
  const rules = raw.rules ?? [];
  if (!Array.isArray(rules)) {
    r.error([...path, "rules"], `expected a list of rules`);
    return out;
  }
  const names = new Set<string>();
  rules.forEach((raw, i) => {
    const rp = [...path, "rules", i];
    if (!isMapping(raw)) return r.error(rp, `expected a rule: a mapping with name and one of cap, spacing or weighted`);
    unknownFields(r, raw, rp, RULE_FIELDS);
    const kinds = ["cap", "spacing", "weighted"].filter((k) => raw[k] !== undefined) as CompiledRule<C>["kind"][];
    if (kinds.length !== 1) return r.error(rp, `a rule has exactly one of cap, spacing or weighted; this one has ${kinds.length ? kinds.join(" and ") : "none"}`);
    const kind = kinds[0];
    const name = typeof raw.name === "string" && raw.name.trim() ? raw.name : `rule-${i + 1}`;
    if (raw.name !== undefined && (typeof raw.name !== "string" || !raw.name.trim())) r.error([...rp, "name"], `expected a rule name (text)`);
    if (names.has(name)) r.error([...rp, "name"], `duplicate rule name '${name}'`);
    names.add(name);
    const counts = compileFilter(r, raw.counts, [...rp, "counts"], index);
    const rule: CompiledRule<C> = {
      name,
      kind,
      counts,
      applies: raw.appliesTo === undefined ? counts : compileFilter(r, raw.appliesTo, [...rp, "appliesTo"], index),
      threshold: 0,
      window: 0,
      calendar: null,
      timezone: null,
      lookahead: false,
      spacing: 0,
      channelWeights: new Float64Array(index.channels.length).fill(1),
      categoryWeights: new Float64Array(index.categories.length).fill(1),
      weight: null,
      decay: { kind: "halfLife", halfLife: 7 * DAY },
    };
    if (raw.lookahead !== undefined) {
      if (typeof raw.lookahead !== "boolean") r.error([...rp, "lookahead"], `expected true or false`);
      else rule.lookahead = raw.lookahead;
    }
    // a rule's timezone places its calendar buckets; a rolling window, a spacing and weighted pressure
    // count minutes, not local days, and ignored it without a word
    if (raw.timezone !== undefined && raw.calendar === undefined) {
      r.error([...rp, "timezone"], `timezone applies to calendar caps only (it says where a calendar day, week, month or quarter starts; ${kind === "cap" ? "a rolling window" : kind === "spacing" ? "a spacing" : "weighted pressure"} counts minutes whatever the timezone): add calendar: day, week, month or quarter, or remove timezone`);
    } else if (raw.timezone !== undefined && raw.timezone !== "customer") {
      // the plan timezone's reading (engine/core/time.ts): ±14:00 at most, minutes under 60 (+25:00 was taken)
      const minutes = typeof raw.timezone === "string" ? offsetMinutes(raw.timezone) : null;
      if (raw.timezone === "UTC") rule.timezone = 0;
      else if (minutes !== null) rule.timezone = minutes;
      else r.error([...rp, "timezone"], `expected customer or a UTC offset such as "+01:00" (at most ±14:00, minutes under 60), got ${describe(raw.timezone)}${zoneHint(raw.timezone)}`);
    }
    if (kind === "cap") {
      rule.threshold = threshold(r, raw.cap, [...rp, "cap"], compile, true);
      if (raw.window !== undefined) rule.window = duration(r, raw.window, [...rp, "window"]);
      if (raw.calendar !== undefined) {
        if (!CALENDARS.includes(raw.calendar as Calendar)) r.error([...rp, "calendar"], `expected ${oneOf(CALENDARS)}, got ${JSON.stringify(raw.calendar)}`);
        else rule.calendar = raw.calendar as Calendar;
      }
      if (!rule.window && !rule.calendar && raw.window === undefined && raw.calendar === undefined) {
        r.error(rp, `a cap needs a window (rolling, e.g. 7d), a calendar period (${CALENDARS.join(", ")}) or both`);
      }
    } else {
      for (const k of ["window", "calendar"]) if (raw[k] !== undefined) r.error([...rp, k], `${k} applies to caps only`);
    }
    if (kind === "spacing") rule.spacing = duration(r, raw.spacing, [...rp, "spacing"]);
    if (kind === "weighted") compileWeighted(r, raw.weighted, [...rp, "weighted"], rule, index, compile);
    out.rules.push(rule);
  });
  return out;
}

function compileWeighted<C>(r: Reporter, v: unknown, path: Path, rule: CompiledRule<C>, index: PlanIndex, compile: CompileExpr<C>): void {
  if (!isMapping(v)) return r.error(path, `expected a mapping with threshold, weights or weight, and decay`);
  unknownFields(r, v, path, WEIGHTED_FIELDS);
  if (v.threshold === undefined) r.error([...path, "threshold"], `missing threshold: a number or an expression`);
  else rule.threshold = threshold(r, v.threshold, [...path, "threshold"], compile, false);
  if (v.weights !== undefined && v.weight !== undefined) r.error(path, `give either weights (per channel/category) or weight (an expression), not both`);
  if (v.weights !== undefined) {
    if (!isMapping(v.weights)) r.error([...path, "weights"], `expected a mapping of channel or category names to numbers`);
    else {
      for (const [k, w] of Object.entries(v.weights)) {
        const wp = [...path, "weights", k];
        if (typeof w !== "number" || !(w >= 0)) r.error(wp, `expected a weight of 0 or more, got ${JSON.stringify(w)}`);
        const ch = index.channels.indexOf(k), cat = index.categories.indexOf(k);
        if (ch >= 0) rule.channelWeights[ch] = Number(w);
        else if (cat >= 0) rule.categoryWeights[cat] = Number(w);
        else r.error(wp, `unknown channel or category '${k}'; valid: ${[...index.channels, ...index.categories].join(", ")}`);
      }
    }
  }
  if (typeof v.weight === "number") {
    const w = v.weight;
    if (!(w >= 0) || !Number.isFinite(w)) r.error([...path, "weight"], `expected a weight of 0 or more, got ${w}`);
    else rule.weight = () => w;
  } else if (v.weight !== undefined) {
    if (typeof v.weight !== "string") r.error([...path, "weight"], `expected a number or an expression over the message and the customer, got ${JSON.stringify(v.weight)}`);
    else {
      const f = compile(v.weight, [...path, "weight"]);
      const bad = f?.constant ? notANumber(f(undefined as C), "expected a weight", v.weight) : null;
      if (bad) r.error([...path, "weight"], bad);
      rule.weight = f;
    }
  }
  const d = v.decay;
  const dp = [...path, "decay"];
  if (d === undefined) return;
  if (!isMapping(d) || Object.keys(d).length !== 1) return r.error(dp, `expected one of { halfLife: 7d }, { linear: 30d } or { bands: [[7d, 1], [30d, 0.5]] }`);
  if (d.halfLife !== undefined) rule.decay = { kind: "halfLife", halfLife: duration(r, d.halfLife, [...dp, "halfLife"]) };
  else if (d.linear !== undefined) rule.decay = { kind: "linear", horizon: duration(r, d.linear, [...dp, "linear"]) };
  else if (d.bands !== undefined) {
    const bands = Array.isArray(d.bands) ? d.bands : [];
    if (!bands.length) r.error([...dp, "bands"], `expected a list of [age, factor] pairs such as [[7d, 1], [30d, 0.5]]`);
    const out: [Minutes, number][] = [];
    bands.forEach((b, i) => {
      if (!Array.isArray(b) || b.length !== 2 || typeof b[1] !== "number") return r.error([...dp, "bands", i], `expected [age, factor] such as [7d, 1]`);
      const age = duration(r, b[0], [...dp, "bands", i, 0]);
      if (out.length && age <= out[out.length - 1][0]) r.error([...dp, "bands", i, 0], `band ages must increase`);
      // a factor is the share of its weight a contact still counts at that age: a pending contact counts
      // fully (1), and decay never increases pressure (the retry search bisects on it). A negative factor
      // once let a rule block nothing; a rising one would have made retry times wrong.
      const factor = b[1], before = out.length ? out[out.length - 1][1] : 1;
      if (!(factor >= 0 && factor <= 1)) r.error([...dp, "bands", i, 1], `a band factor is the share of its weight a contact still counts at that age: expected a number from 0 to 1, got ${Number.isFinite(factor) ? factor : String(factor)}`);
      else if (factor > before) r.error([...dp, "bands", i, 1], `band factors must not rise with age (decay never increases pressure): expected at most ${before}, the factor before it, got ${factor}`);
      out.push([age, factor]);
    });
    rule.decay = { kind: "bands", bands: out };
  } else unknownFields(r, d, dp, ["halfLife", "linear", "bands"]);
}

// a rule's kind excludes the other two; window and calendar belong to caps, which need one of them
const ruleKinds = [
  { required: ["cap"], properties: { spacing: false, weighted: false }, anyOf: [{ required: ["window"] }, { required: ["calendar"] }] },
  { required: ["spacing"], properties: { cap: false, weighted: false, window: false, calendar: false } },
  { required: ["weighted"], properties: { cap: false, spacing: false, window: false, calendar: false } },
];

/** JSON Schema (draft 2020-12) of the `pressure:` section, for docs/plan.schema.json. */
export const pressureSchema = {
  type: ["object", "null"],
  additionalProperties: false,
  properties: {
    exempt: { $ref: "#/$defs/filter" },
    rules: {
      type: ["array", "null"],
      items: {
        type: "object",
        additionalProperties: false,
        oneOf: ruleKinds,
        // a timezone places calendar buckets: without calendar it would be ignored
        dependentRequired: { timezone: ["calendar"] },
        properties: {
          name: text,
          cap: { oneOf: [{ type: "integer", minimum: 0 }, text], description: "at most this many contacts: a whole number, an attribute or an expression (rounded down)" },
          window: { ...positiveDuration, description: "rolling window, e.g. 7d" },
          calendar: { enum: [...CALENDARS] },
          // the loader reads any ±HH:MM here (a gap: test/plan/schema-agreement.test.ts LOADER_GAPS); the plan's offsets are meant
          timezone: { type: "string", pattern: `^(?:customer|UTC|${OFFSET})$`, description: "customer (default), UTC or a UTC offset such as +01:00" },
          lookahead: { type: "boolean" },
          counts: { $ref: "#/$defs/filter" },
          appliesTo: { $ref: "#/$defs/filter" },
          spacing: { ...positiveDuration, description: "minimum duration between two contacts, e.g. 4h" },
          weighted: {
            type: "object",
            additionalProperties: false,
            required: ["threshold"],
            not: { required: ["weight", "weights"], description: "weights (per channel/category) or weight (an expression), not both" },
            properties: {
              threshold: { oneOf: [{ type: "number", minimum: 0 }, text] },
              weights: { type: "object", additionalProperties: { type: "number", minimum: 0 } },
              weight: { oneOf: [{ type: "number", minimum: 0 }, text], description: "a weight, or an expression over the message and the customer" },
              decay: {
                oneOf: [
                  { type: "object", properties: { halfLife: positiveDuration }, required: ["halfLife"], additionalProperties: false },
                  { type: "object", properties: { linear: positiveDuration }, required: ["linear"], additionalProperties: false },
                  { type: "object", properties: { bands: { type: "array", minItems: 1, items: { type: "array", prefixItems: [positiveDuration, { type: "number", minimum: 0, maximum: 1 }], minItems: 2, maxItems: 2 } } }, required: ["bands"], additionalProperties: false, description: "[age, factor] pairs: ages increasing, factors from 0 to 1 and never rising" },
                ],
              },
            },
          },
        },
      },
    },
  },
};
