/**
 * Pressure rules: caps, spacing and weighted pressure over a customer's contact ledger, in the decision
 * core. Semantics (docs/pressure-rules.md): a candidate passes a rule when the contacts it counts —
 * those sent (time ≤ now) and those pending (time > now) of higher priority, or of equal priority and
 * no later — stay under the limit. Re-checked at each contact's own send time, this guarantees that no
 * window or bucket ever holds more than the cap, no spacing is violated and the weighted sum never
 * exceeds its threshold.
 */
import { closest, oneOf, type Path, type Reporter } from "../plan/errors.ts";
import { unknownFields } from "../plan/fields.ts";
import type { Contact } from "./ledger.ts";
import { L_CATEGORY, L_CHANNEL, L_PRIORITY, L_PROGRAM, STRIDE } from "./ledger.ts";
import { DAY, type Minutes, parseDuration } from "./time.ts";

export interface PlanIndex {
  channels: readonly string[];
  categories: readonly string[];
  programs: readonly string[];
}

type Value = number | string | boolean | null;
export type CompileExpr<C> = (source: string, path: Path) => ((ctx: C) => Value) | null;

export interface PressureEnv<C> {
  ctx: C;
  tzOffset: number; // the customer's UTC offset, minutes
  setMessage(program: number, channel: number, category: number): void;
}

/** Which messages a rule counts or applies to: bitmasks per channel and category, a flag per program. */
interface Filter {
  channels: number;
  categories: number;
  programs: Uint8Array | null; // null = every program
}

export const CALENDARS = ["day", "week", "month", "quarter"] as const;
type Calendar = typeof CALENDARS[number];

type Decay =
  | { kind: "halfLife"; halfLife: Minutes }
  | { kind: "linear"; horizon: Minutes }
  | { kind: "bands"; bands: [Minutes, number][] };

export interface CompiledRule<C> {
  name: string;
  kind: "cap" | "spacing" | "weighted";
  counts: Filter;
  applies: Filter;
  threshold: number | ((ctx: C) => Value);
  window: Minutes; // rolling window (0 = none)
  calendar: Calendar | null;
  timezone: number | null; // null = the customer's
  lookahead: boolean;
  spacing: Minutes;
  channelWeights: Float64Array;
  categoryWeights: Float64Array;
  weight: ((ctx: C) => Value) | null;
  decay: Decay;
}

export interface CompiledPressure<C> {
  rules: CompiledRule<C>[];
  exempt: Filter | null;
}

export interface Verdict {
  ok: boolean;
  rule: number; // index of the blocking rule, -1 when ok
  retryAt: number; // earliest time the blocking rule could let the message through (Infinity: never)
}

const RULE_FIELDS = ["name", "cap", "window", "calendar", "timezone", "lookahead", "counts", "appliesTo", "spacing", "weighted"];
const FILTER_FIELDS = ["channels", "categories", "programs"];
const WEIGHTED_FIELDS = ["threshold", "weights", "weight", "decay"];

const all = (n: number) => (n >= 31 ? -1 : (1 << n) - 1);

function isObj(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function compileFilter(r: Reporter, v: unknown, path: Path, index: PlanIndex): Filter {
  const f: Filter = { channels: all(index.channels.length), categories: all(index.categories.length), programs: null };
  if (v === undefined) return f;
  if (!isObj(v)) {
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

function matches(f: Filter, program: number, channel: number, category: number): boolean {
  return (f.channels & (1 << channel)) !== 0 && (f.categories & (1 << category)) !== 0 &&
    (f.programs === null || f.programs[program] === 1);
}

function duration(r: Reporter, v: unknown, path: Path): Minutes {
  const d = typeof v === "string" || typeof v === "number" ? parseDuration(v) : null;
  if (d === null || d <= 0) {
    r.error(path, `expected a positive duration such as 30m, 12h, 7d or 2w, got ${JSON.stringify(v)}`);
    return DAY;
  }
  return d;
}

function threshold<C>(r: Reporter, v: unknown, path: Path, compile: CompileExpr<C>): number | ((ctx: C) => Value) {
  if (typeof v === "number") {
    if (!Number.isFinite(v) || v < 0) r.error(path, `expected a threshold of 0 or more (0 blocks every contact in scope), got ${v}`);
    return Math.max(0, v);
  }
  if (typeof v === "string" && v.trim()) return compile(v, path) ?? 0;
  r.error(path, `expected a number, a customer attribute (e.g. limit) or an expression, got ${JSON.stringify(v)}`);
  return 0;
}

/** Validates and compiles the `pressure:` section. */
export function compilePressure<C>(raw: unknown, path: Path, index: PlanIndex, compile: CompileExpr<C>, r: Reporter): CompiledPressure<C> {
  const out: CompiledPressure<C> = { rules: [], exempt: null };
  if (raw === null || raw === undefined) return out;
  if (!isObj(raw)) {
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
    if (!isObj(raw)) return r.error(rp, `expected a rule: a mapping with name and one of cap, spacing or weighted`);
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
    if (raw.timezone !== undefined && raw.timezone !== "customer") {
      const m = typeof raw.timezone === "string" ? /^([+-])(\d{2}):?(\d{2})$/.exec(raw.timezone) : null;
      if (raw.timezone === "UTC") rule.timezone = 0;
      else if (m) rule.timezone = (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
      else r.error([...rp, "timezone"], `expected customer or a UTC offset such as "+01:00"`);
    }
    if (kind === "cap") {
      rule.threshold = threshold(r, raw.cap, [...rp, "cap"], compile);
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
  if (!isObj(v)) return r.error(path, `expected a mapping with threshold, weights or weight, and decay`);
  unknownFields(r, v, path, WEIGHTED_FIELDS);
  if (v.threshold === undefined) r.error([...path, "threshold"], `missing threshold: a number or an expression`);
  else rule.threshold = threshold(r, v.threshold, [...path, "threshold"], compile);
  if (v.weights !== undefined && v.weight !== undefined) r.error(path, `give either weights (per channel/category) or weight (an expression), not both`);
  if (v.weights !== undefined) {
    if (!isObj(v.weights)) r.error([...path, "weights"], `expected a mapping of channel or category names to numbers`);
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
  if (v.weight !== undefined) {
    if (typeof v.weight !== "string") r.error([...path, "weight"], `expected an expression over the message and the customer`);
    else rule.weight = compile(v.weight, [...path, "weight"]);
  }
  const d = v.decay;
  const dp = [...path, "decay"];
  if (d === undefined) return;
  if (!isObj(d) || Object.keys(d).length !== 1) return r.error(dp, `expected one of { halfLife: 7d }, { linear: 30d } or { bands: [[7d, 1], [30d, 0.5]] }`);
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
      out.push([age, b[1]]);
    });
    rule.decay = { kind: "bands", bands: out };
  } else unknownFields(r, d, dp, ["halfLife", "linear", "bands"]);
}

function decayAt(d: Decay, age: Minutes): number {
  if (age < 0) return 1; // a pending contact weighs fully
  switch (d.kind) {
    case "halfLife":
      return Math.pow(0.5, age / d.halfLife);
    case "linear":
      return age >= d.horizon ? 0 : 1 - age / d.horizon;
    case "bands":
      for (const [limit, f] of d.bands) if (age < limit) return f;
      return 0;
  }
}

function decayHorizon(d: Decay): Minutes {
  return d.kind === "halfLife" ? 10 * d.halfLife : d.kind === "linear" ? d.horizon : d.bands[d.bands.length - 1]?.[0] ?? 0;
}

/** How far back the ledger must remember contacts for these rules. */
export function pressureHorizon<C>(p: CompiledPressure<C>): Minutes {
  let h = 0;
  for (const r of p.rules) {
    h = Math.max(h, r.window, r.spacing, r.calendar ? (r.calendar === "quarter" ? 92 : r.calendar === "month" ? 31 : r.calendar === "week" ? 7 : 1) * DAY : 0);
    if (r.kind === "weighted") h = Math.max(h, decayHorizon(r.decay));
  }
  return h;
}

/** [start, end) of the calendar bucket holding t, for a UTC offset. */
export function bucket(cal: Calendar, t: Minutes, tz: number): [Minutes, Minutes] {
  const local = t + tz;
  const day = Math.floor(local / DAY);
  switch (cal) {
    case "day":
      return [day * DAY - tz, (day + 1) * DAY - tz];
    case "week": {
      const monday = day - ((day + 3) % 7); // 1970-01-01 was a Thursday
      return [monday * DAY - tz, (monday + 7) * DAY - tz];
    }
    default: {
      const d = new Date(local * 60000);
      const months = cal === "month" ? 1 : 3;
      const m = cal === "month" ? d.getUTCMonth() : d.getUTCMonth() - (d.getUTCMonth() % 3);
      const start = Date.UTC(d.getUTCFullYear(), m, 1) / 60000, end = Date.UTC(d.getUTCFullYear(), m + months, 1) / 60000;
      return [start - tz, end - tz];
    }
  }
}

const PASS: Verdict = { ok: true, rule: -1, retryAt: 0 };
const scratch: number[] = [];

/**
 * Checks a candidate contact against every rule in order; the first rule that blocks decides.
 * @example checkPressure(plan.pressure, ledger, { time, program, channel, category, priority }, now, env)
 */
export function checkPressure<C>(p: CompiledPressure<C>, ledger: number[], cand: Contact, now: Minutes, env: PressureEnv<C>): Verdict {
  if (p.rules.length === 0) return PASS;
  if (p.exempt && matches(p.exempt, cand.program, cand.channel, cand.category)) return PASS;
  for (let k = 0; k < p.rules.length; k++) {
    const rule = p.rules[k];
    if (!matches(rule.applies, cand.program, cand.channel, cand.category)) continue;
    const retryAt = evaluate(rule, ledger, cand, now, env);
    if (retryAt !== 0) return { ok: false, rule: k, retryAt };
  }
  return PASS;
}

/** Does the ledger entry at i count for this candidate? Sent always; pending by priority. */
function counted<C>(rule: CompiledRule<C>, ledger: number[], i: number, cand: Contact, now: Minutes): boolean {
  if (!matches(rule.counts, ledger[i + L_PROGRAM], ledger[i + L_CHANNEL], ledger[i + L_CATEGORY])) return false;
  const t = ledger[i];
  if (t <= now) return true;
  const pr = ledger[i + L_PRIORITY];
  return pr > cand.priority || (pr === cand.priority && t <= cand.time);
}

function limitOf<C>(rule: CompiledRule<C>, env: PressureEnv<C>): number {
  if (typeof rule.threshold === "number") return rule.threshold;
  const v = rule.threshold(env.ctx);
  return typeof v === "number" && Number.isFinite(v) ? v : 0;
}

/** 0 when the rule passes, else the earliest time it could pass (Infinity: never). */
function evaluate<C>(rule: CompiledRule<C>, ledger: number[], cand: Contact, now: Minutes, env: PressureEnv<C>): number {
  const T = cand.time;
  switch (rule.kind) {
    case "cap": {
      const limit = limitOf(rule, env);
      if (limit <= 0) return Infinity;
      let retry = 0;
      if (rule.window > 0) {
        const W = rule.window;
        const times = scratch;
        times.length = 0;
        for (let i = 0; i < ledger.length; i += STRIDE) {
          const t = ledger[i];
          if (t <= T - W || (t > T && (!rule.lookahead || t >= T + W))) continue;
          if (counted(rule, ledger, i, cand, now)) times.push(t);
        }
        // the busiest window of length W holding T: windows (a, a + W] with a in [T - W, T)
        let worst = 0, worstStart = T - W;
        const starts = [T - W];
        for (const t of times) if (t > T && t - W < T) starts.push(t - W);
        for (const a of starts) {
          let n = 0;
          for (const t of times) if (t > a && t <= a + W) n++;
          if (n > worst) worst = n, worstStart = a;
        }
        if (worst >= limit) {
          // the window frees up when enough of its earliest contacts age out
          const inWorst = times.filter((t) => t > worstStart && t <= worstStart + W && t <= T).sort((a, b) => a - b);
          const k = worst - limit;
          retry = k < inWorst.length ? Math.max(T + 1, inWorst[k] + W) : Infinity;
          if (inWorst.length === 0) retry = Infinity;
        }
      }
      if (rule.calendar) {
        const [start, end] = bucket(rule.calendar, T, rule.timezone ?? env.tzOffset);
        let n = 0;
        for (let i = 0; i < ledger.length; i += STRIDE) {
          const t = ledger[i];
          if (t < start || t >= end || (t > T && !rule.lookahead)) continue;
          if (counted(rule, ledger, i, cand, now)) n++;
        }
        if (n >= limit) retry = Math.max(retry, end);
      }
      return retry;
    }
    case "spacing": {
      const S = rule.spacing;
      let retry = 0;
      for (let i = 0; i < ledger.length; i += STRIDE) {
        const t = ledger[i];
        if (t <= T - S || t >= T + S || (t > T && !rule.lookahead)) continue;
        if (counted(rule, ledger, i, cand, now)) retry = Math.max(retry, t + S);
      }
      return retry;
    }
    case "weighted": {
      const limit = limitOf(rule, env);
      const own = weightOf(rule, env, cand.program, cand.channel, cand.category);
      const pressureAt = (at: Minutes): number => {
        let sum = 0;
        for (let i = 0; i < ledger.length; i += STRIDE) {
          const t = ledger[i];
          if (t > T && !rule.lookahead) continue;
          if (!counted(rule, ledger, i, cand, now)) continue;
          const w = weightOf(rule, env, ledger[i + L_PROGRAM], ledger[i + L_CHANNEL], ledger[i + L_CATEGORY]);
          sum += w * decayAt(rule.decay, at - t);
        }
        return sum;
      };
      const eps = 1e-9;
      if (pressureAt(T) + own <= limit + eps) return 0;
      if (own > limit + eps) return Infinity;
      // decay never increases pressure: search the first minute it is low enough
      let lo = T, hi = T + decayHorizon(rule.decay) + 1;
      if (pressureAt(hi) + own > limit + eps) return Infinity;
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (pressureAt(mid) + own <= limit + eps) hi = mid;
        else lo = mid;
      }
      return hi;
    }
  }
}

function weightOf<C>(rule: CompiledRule<C>, env: PressureEnv<C>, program: number, channel: number, category: number): number {
  if (rule.weight) {
    env.setMessage(program, channel, category);
    const v = rule.weight(env.ctx);
    env.setMessage(-1, -1, -1);
    return typeof v === "number" && v > 0 ? v : 0;
  }
  return rule.channelWeights[channel] * rule.categoryWeights[category];
}

/** JSON Schema (draft 2020-12) of the `pressure:` section, for docs/plan.schema.json. */
export const pressureSchema = {
  type: "object",
  additionalProperties: false,
  properties: {
    exempt: { $ref: "#/$defs/filter" },
    rules: {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        properties: {
          name: { type: "string" },
          cap: { type: ["number", "string"], description: "at most this many contacts (number, attribute or expression)" },
          window: { type: "string", description: "rolling window, e.g. 7d" },
          calendar: { enum: [...CALENDARS] },
          timezone: { type: "string", description: "customer (default) or a UTC offset such as +01:00" },
          lookahead: { type: "boolean" },
          counts: { $ref: "#/$defs/filter" },
          appliesTo: { $ref: "#/$defs/filter" },
          spacing: { type: "string", description: "minimum duration between two contacts, e.g. 4h" },
          weighted: {
            type: "object",
            additionalProperties: false,
            properties: {
              threshold: { type: ["number", "string"] },
              weights: { type: "object", additionalProperties: { type: "number", minimum: 0 } },
              weight: { type: "string" },
              decay: {
                oneOf: [
                  { type: "object", properties: { halfLife: { type: "string" } }, required: ["halfLife"], additionalProperties: false },
                  { type: "object", properties: { linear: { type: "string" } }, required: ["linear"], additionalProperties: false },
                  { type: "object", properties: { bands: { type: "array", items: { type: "array", prefixItems: [{ type: "string" }, { type: "number" }] } } }, required: ["bands"], additionalProperties: false },
                ],
              },
            },
          },
        },
      },
    },
  },
};
