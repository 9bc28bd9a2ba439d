/**
 * Why a pressure rule blocked a message: given a compiled rule, the customer's ledger at the decision
 * and the candidate contact, the figures the rule compared and the contacts it counted. This mirrors
 * evaluate() in engine/core/pressure.ts (the counting helpers there are private to keep the core's hot
 * path free of allocation); test/explain/counted.test.ts checks, over many random ledgers, that a rule
 * explained here blocks exactly when checkPressure says it does, so the two cannot drift apart unseen.
 */
// the rule's own counting, threshold and weights: an explanation counts exactly what the check counted
import { bucket, type CompiledRule, counted as isCounted, decayAt, limitOf, matches, type PressureEnv, weightOf } from "../core/pressure.ts";
import { type Contact, isSent, L_CATEGORY, L_CHANNEL, L_PRIORITY, L_PROGRAM, STRIDE } from "../core/ledger.ts";
import { DAY, HOUR } from "../core/time.ts";

export interface CountedContact {
  time: number;
  program: number;
  channel: number;
  category: number;
  pending: boolean; // not gone at the decision: scheduled after it, or due at its very minute and not yet sent
  /**
   * A pending contact of the candidate's own priority, counted because the tie goes to it
   * (docs/pressure-rules.md): "earlier", scheduled before T; "first", for T itself and decided first.
   */
  tie?: "earlier" | "first";
  weight?: number; // weighted rules: weight × decay at T
}

export interface RuleExplanation {
  rule: string;
  kind: "cap" | "spacing" | "weighted";
  blocks: boolean;
  /** The comparison in words, with T the candidate's send time, e.g. "2 counted contacts in (T−7d, T] ≥ cap 2". */
  text: string;
  value: number; // what was measured: contacts counted, or pressure incl. the candidate's weight
  limit: number; // cap, threshold, or the spacing in minutes
  counted: CountedContact[];
}

/** 7d, 36h, 90m: the shortest exact form. */
export function duration(m: number): string {
  if (m % DAY === 0) return `${m / DAY}d`;
  if (m % HOUR === 0) return `${m / HOUR}h`;
  return `${m}m`;
}

const entry = (ledger: number[], i: number, cand: Contact, now: number, weight?: number): CountedContact => {
  const pending = !isSent(ledger, i, now), tie = pending && ledger[i + L_PRIORITY] === cand.priority;
  return {
    time: ledger[i], program: ledger[i + L_PROGRAM], channel: ledger[i + L_CHANNEL], category: ledger[i + L_CATEGORY], pending,
    ...(tie ? { tie: ledger[i] < cand.time ? "earlier" : "first" } : {}),
    ...(weight === undefined ? {} : { weight }),
  };
};

const plural = (n: number) => `${n} counted contact${n === 1 ? "" : "s"}`;

/**
 * The figures `rule` compares for `cand` at decision time `now`.
 * @example explainRule(plan.pressure.rules[1], table.ledger(c), { time, program, channel, category, priority }, now, env).text
 */
export function explainRule<C>(rule: CompiledRule<C>, ledger: number[], cand: Contact, now: number, env: PressureEnv<C>): RuleExplanation {
  const T = cand.time;
  const base = { rule: rule.name, kind: rule.kind };
  if (!matches(rule.applies, cand.program, cand.channel, cand.category)) {
    return { ...base, blocks: false, text: "does not apply to this message", value: 0, limit: 0, counted: [] };
  }
  if (rule.kind === "spacing") {
    const S = rule.spacing, counted: CountedContact[] = [];
    for (let i = 0; i < ledger.length; i += STRIDE) {
      const t = ledger[i];
      if (t <= T - S || t >= T + S || (t > T && !rule.lookahead)) continue;
      if (isCounted(rule, ledger, i, cand, now)) counted.push(entry(ledger, i, cand, now));
    }
    const nearest = counted.reduce((m, x) => Math.min(m, Math.abs(T - x.time)), Infinity);
    const text = counted.length
      ? `a counted contact ${duration(nearest)} ${counted.some((x) => x.time === T - nearest) ? "before" : "after"} T < spacing ${duration(S)}`
      : `no counted contact within ${duration(S)} of T (spacing ${duration(S)})`;
    return { ...base, blocks: counted.length > 0, text, value: counted.length, limit: S, counted };
  }
  const limit = limitOf(rule, env);
  if (rule.kind === "weighted") {
    const own = weightOf(rule, env, cand.program, cand.channel, cand.category);
    const counted: CountedContact[] = [];
    let sum = 0;
    for (let i = 0; i < ledger.length; i += STRIDE) {
      const t = ledger[i];
      if (t > T && !rule.lookahead) continue;
      if (!isCounted(rule, ledger, i, cand, now)) continue;
      const w = weightOf(rule, env, ledger[i + L_PROGRAM], ledger[i + L_CHANNEL], ledger[i + L_CATEGORY]) * decayAt(rule.decay, T - t);
      if (w <= 0) continue;
      sum += w;
      counted.push(entry(ledger, i, cand, now, Math.round(w * 1000) / 1000));
    }
    const blocks = sum + own > limit + 1e-9;
    const f = (x: number) => String(Math.round(x * 100) / 100);
    return { ...base, blocks, text: `pressure ${f(sum)} + own weight ${f(own)} = ${f(sum + own)} ${blocks ? ">" : "≤"} threshold ${f(limit)}`, value: sum + own, limit, counted };
  }
  // cap: a rolling window, a calendar bucket, or both (the first that is full is reported)
  if (limit <= 0) return { ...base, blocks: true, text: `cap ${limit}: blocks every contact in scope`, value: 0, limit, counted: [] };
  if (rule.window > 0) {
    const W = rule.window, inRange: number[] = [];
    for (let i = 0; i < ledger.length; i += STRIDE) {
      const t = ledger[i];
      if (t <= T - W || (t > T && (!rule.lookahead || t >= T + W))) continue;
      if (isCounted(rule, ledger, i, cand, now)) inRange.push(i);
    }
    // the busiest window of length W holding T: (a, a + W] with a in [T − W, T)
    const starts = [T - W, ...inRange.map((i) => ledger[i] - W).filter((a) => a > T - W && a < T)];
    let worst = -1, worstStart = T - W;
    for (const a of starts) {
      const n = inRange.filter((i) => ledger[i] > a && ledger[i] <= a + W).length;
      if (n > worst) worst = n, worstStart = a;
    }
    const counted = inRange.filter((i) => ledger[i] > worstStart && ledger[i] <= worstStart + W).map((i) => entry(ledger, i, cand, now));
    const span = worstStart === T - W ? `(T−${duration(W)}, T]` : `(T−${duration(T - worstStart)}, T+${duration(worstStart + W - T)}]`;
    if (worst >= limit || !rule.calendar) {
      return { ...base, blocks: worst >= limit, text: `${plural(worst)} in ${span} ${worst >= limit ? "≥" : "<"} cap ${limit}`, value: worst, limit, counted };
    }
  }
  const tz = rule.timezone ?? env.tzOffset;
  const [start, end] = bucket(rule.calendar!, T, tz);
  const counted: CountedContact[] = [];
  for (let i = 0; i < ledger.length; i += STRIDE) {
    const t = ledger[i];
    if (t < start || t >= end || (t > T && !rule.lookahead)) continue;
    if (isCounted(rule, ledger, i, cand, now)) counted.push(entry(ledger, i, cand, now));
  }
  const n = counted.length;
  const where = `${bucketText(rule.calendar!, start, tz)} (${rule.timezone === null ? "the customer's" : "the rule's"} time, ${offsetText(tz)}: ${utc(start)} – ${utc(end)} UTC)`;
  return { ...base, blocks: n >= limit, text: `${plural(n)} in ${where} ${n >= limit ? "≥" : "<"} cap ${limit}`, value: n, limit, counted };
}

/** "UTC+01:00", "UTC−05:00": a calendar bucket's zone, as the timeline's profile gives a customer's. */
export const offsetText = (m: number) =>
  `UTC${m < 0 ? "−" : "+"}${String(Math.floor(Math.abs(m) / 60)).padStart(2, "0")}:${String(Math.abs(m) % 60).padStart(2, "0")}`;

const utc = (t: number) => new Date(t * 60000).toISOString().slice(0, 16).replace("T", " "); // "2026-02-18 05:00"

/**
 * The calendar bucket by its local name: "the day 2026-02-18", "the week from Monday 2026-02-16",
 * "the month 2026-02", "the quarter 2026 Q1". A bucket is local (the customer's or the rule's time),
 * while the timeline and the contacts listed are in UTC: its bounds are given in UTC beside it.
 */
function bucketText(cal: string, start: number, tz: number): string {
  const local = new Date((start + tz) * 60000).toISOString(); // the bucket's first local minute
  switch (cal) {
    case "day":
      return `the day ${local.slice(0, 10)}`;
    case "week":
      return `the week from Monday ${local.slice(0, 10)}`;
    case "month":
      return `the month ${local.slice(0, 7)}`;
    default:
      return `the quarter ${local.slice(0, 4)} Q${Math.floor((Number(local.slice(5, 7)) - 1) / 3) + 1}`;
  }
}
