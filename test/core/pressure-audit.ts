/**
 * An independent audit of a run's sent messages against its plan's pressure rules, written from
 * docs/pressure-rules.md and docs/plan-format.md alone: it reads the plan as written (its `pressure:`
 * and `channels:` sections), never the compiled rules or engine/core/pressure.ts, and the rows a user
 * sees (`messages.csv` of `simulate --out`, `messagesTable`, the live decision log).
 *
 * What it checks, per customer, at each message sent (not exempt, in the rule's `appliesTo`), counting
 * the contacts sent before it (same minute: the rows' order) and the contacts made outside the plan:
 * - a rolling-window cap: fewer than `cap` counted contacts in (T − W, T] before it;
 * - a calendar cap: fewer than `cap` counted contacts in its calendar bucket before it (the rule's
 *   timezone, else the customer's);
 * - a spacing: no counted contact in (T − S, T];
 * - weighted pressure: Σ weight × decay(T − time) of the counted contacts, plus its own weight, at most
 *   the threshold;
 * and over the whole run: no exempt message blocked by a pressure rule, no message sent outside its
 * channel's send window (the customer's clock), no channel over its daily capacity (the plan's day).
 * Exempt messages are never checked but still counted (the doc's "never blocked, but still counted");
 * an outside contact has no program, so a rule filtered on programs does not count it. An outside
 * contact at the very minute of a send is not counted for that send (the rows do not say which came
 * first): the audit may miss a violation there, never invent one.
 * Caps and thresholds given as expressions are not audited (they are listed in `unchecked`).
 */

import { readFileSync } from "node:fs";
import { join } from "node:path";

const DAY = 1440;

/** One message row: `time` ISO text (as in messages.csv) or minutes since epoch. */
export interface MessageRow {
  time: string | number;
  customer: string;
  program: string;
  channel: string;
  category: string;
  status: string;
  rule: string;
}

export interface OutsideContact {
  time: string | number;
  customer: string;
  channel: string;
  category: string;
}

export interface AuditInput {
  /** The plan as plain data, templates expanded (LoadedPlan.source). */
  plan: Record<string, unknown>;
  messages: readonly MessageRow[];
  /** Each customer's UTC offset in minutes (customers.csv `timezone`). */
  timezones: ReadonlyMap<string, number>;
  outside?: readonly OutsideContact[];
}

export interface Audit {
  violations: string[];
  /** Sends checked against at least one rule, customers with a send, and rule kinds left unaudited. */
  checked: { sends: number; customers: number; ruleChecks: number };
  unchecked: string[];
}

type Filter = { channels?: string[]; categories?: string[]; programs?: string[] } | null;
type Decay = { halfLife: number } | { linear: number } | { bands: [number, number][] };
interface Rule {
  name: string;
  kind: "cap" | "spacing" | "weighted";
  counts: Filter;
  applies: Filter;
  cap: number;
  window: number; // minutes, 0 = none
  calendar: string | null;
  timezone: number | null; // null: the customer's
  spacing: number;
  threshold: number;
  weights: Record<string, number>;
  weight: number | null;
  decay: Decay;
}
interface Contact {
  t: number;
  program: string | null; // null: made outside the plan
  channel: string;
  category: string;
  row: number; // index in messages, -1 for an outside contact
}

// The built-in channels' default send windows (docs/plan-format.md "Channels")
const DEFAULT_WINDOWS: Record<string, string> = { email: "always", sms: "09:00-20:00", push: "08:00-21:00", mail: "always", call: "09:00-18:00" };

/** Audits a run's messages against its plan's pressure rules, send windows and capacities. */
export function auditPressure(input: AuditInput): Audit {
  const violations: string[] = [], unchecked: string[] = [];
  const { rules, exempt } = readRules(input.plan.pressure, unchecked);
  const planTz = offset(input.plan.timezone ?? "UTC");
  const channels = (input.plan.channels ?? {}) as Record<string, Record<string, unknown>>;
  const windows = new Map<string, [number, number] | null>(), capacity = new Map<string, number>();
  for (const [name, ch] of Object.entries(channels)) {
    const w = String(ch?.window ?? (ch?.like ? DEFAULT_WINDOWS[String(ch.like)] : undefined) ?? DEFAULT_WINDOWS[name] ?? "always");
    windows.set(name, w === "always" ? null : w.split("-").map(clock) as [number, number]);
    if (typeof ch?.capacity === "number") capacity.set(name, ch.capacity);
  }

  const byCustomer = new Map<string, Contact[]>();
  const add = (customer: string, c: Contact) => {
    const list = byCustomer.get(customer);
    if (list) list.push(c);
    else byCustomer.set(customer, [c]);
  };
  const used = new Map<string, number>();
  const ruleNames = new Set(rules.map((r) => r.name));
  input.messages.forEach((m, row) => {
    const t = minutes(m.time);
    const isExempt = exempt !== null && matches(exempt, m.program, m.channel, m.category);
    if (isExempt && (m.status === "suppressed" || m.status === "deferred") && ruleNames.has(m.rule)) {
      violations.push(`${m.customer} ${iso(t)} ${m.program} (${m.channel}, ${m.category}): exempt, but ${m.status} by ${m.rule}`);
    }
    if (m.status !== "sent") return;
    add(m.customer, { t, program: m.program, channel: m.channel, category: m.category, row });
    const win = windows.get(m.channel);
    const tz = input.timezones.get(m.customer);
    if (win && tz !== undefined) {
      const local = (((t + tz) % DAY) + DAY) % DAY;
      if (local < win[0] || local >= win[1]) violations.push(`${m.customer} ${iso(t)} ${m.program} (${m.channel}): sent at ${hhmm(local)} local, outside the window ${hhmm(win[0])}-${hhmm(win[1])}`);
    }
    const cap = capacity.get(m.channel);
    if (cap !== undefined) {
      const key = `${Math.floor((t + planTz) / DAY)} ${m.channel}`, n = (used.get(key) ?? 0) + 1;
      used.set(key, n);
      if (n === cap + 1) violations.push(`${m.channel} on ${iso(Math.floor((t + planTz) / DAY) * DAY).slice(0, 10)} (plan's day): more than its capacity of ${cap}`);
    }
  });
  for (const x of input.outside ?? []) add(x.customer, { t: minutes(x.time), program: null, channel: x.channel, category: x.category, row: -1 });

  let sends = 0, ruleChecks = 0;
  for (const [customer, list] of byCustomer) {
    // time order; within a minute the rows' own order (a customer's rows are logged in decision order),
    // outside contacts after the minute's sends (see the note at the top)
    list.sort((a, b) => a.t - b.t || (a.row < 0 ? 1 : 0) - (b.row < 0 ? 1 : 0) || a.row - b.row);
    const tz = input.timezones.get(customer) ?? 0;
    for (let i = 0; i < list.length; i++) {
      const x = list[i];
      if (x.row < 0 || (exempt && matches(exempt, x.program, x.channel, x.category))) continue;
      let checked = false;
      for (const rule of rules) {
        if (!matches(rule.applies, x.program, x.channel, x.category)) continue;
        checked = true, ruleChecks++;
        const before = list.slice(0, i).filter((y) => matches(rule.counts, y.program, y.channel, y.category));
        const what = `${customer} ${iso(x.t)} ${x.program} (${x.channel}, ${x.category}): rule ${rule.name}`;
        if (rule.kind === "cap") {
          if (rule.window > 0) {
            const n = before.filter((y) => y.t > x.t - rule.window).length;
            if (n >= rule.cap) violations.push(`${what}: ${n} counted contacts in the ${rule.window / DAY}d before it, cap ${rule.cap}${list_(before.filter((y) => y.t > x.t - rule.window))}`);
          }
          if (rule.calendar) {
            const start = bucketStart(rule.calendar, x.t, rule.timezone ?? tz);
            const n = before.filter((y) => y.t >= start).length;
            if (n >= rule.cap) violations.push(`${what}: ${n} counted contacts earlier in its ${rule.calendar} (from ${iso(start)}), cap ${rule.cap}${list_(before.filter((y) => y.t >= start))}`);
          }
        } else if (rule.kind === "spacing") {
          const near = before.filter((y) => y.t > x.t - rule.spacing);
          if (near.length) violations.push(`${what}: ${x.t - near[near.length - 1].t} minutes after a counted contact, spacing ${rule.spacing}${list_(near)}`);
        } else {
          let p = weightOf(rule, x);
          for (const y of before) p += weightOf(rule, y) * decayAt(rule.decay, x.t - y.t);
          if (p > rule.threshold + 1e-9) violations.push(`${what}: weighted pressure ${p.toFixed(4)} with its own weight, threshold ${rule.threshold}${list_(before)}`);
        }
      }
      if (checked) sends++;
    }
  }
  return { violations, checked: { sends, customers: byCustomer.size, ruleChecks }, unchecked };
}

const list_ = (ys: Contact[]) => ` [${ys.map((y) => `${iso(y.t)} ${y.program ?? "outside"}/${y.channel}`).join(", ")}]`;

function matches(f: Filter, program: string | null, channel: string, category: string): boolean {
  if (!f) return true;
  return (!f.channels || f.channels.includes(channel)) && (!f.categories || f.categories.includes(category)) &&
    (!f.programs || (program !== null && f.programs.includes(program)));
}

function weightOf(rule: Rule, c: Contact): number {
  if (rule.weight !== null) return rule.weight;
  return (rule.weights[c.channel] ?? 1) * (rule.weights[c.category] ?? 1);
}

/** docs/pressure-rules.md "Decay": a sent contact's age is 0 or more. */
function decayAt(d: Decay, age: number): number {
  if ("halfLife" in d) return age >= 10 * d.halfLife ? 0 : Math.pow(0.5, age / d.halfLife);
  if ("linear" in d) return Math.max(0, 1 - age / d.linear);
  for (const [limit, f] of d.bands) if (age < limit) return f;
  return 0;
}

/** The start of the calendar bucket holding t, for a customer (or rule) `tz` minutes east of UTC. */
function bucketStart(calendar: string, t: number, tz: number): number {
  const local = new Date((t + tz) * 60000);
  const y = local.getUTCFullYear(), m = local.getUTCMonth(), d = local.getUTCDate();
  let start: number;
  if (calendar === "day") start = Date.UTC(y, m, d);
  else if (calendar === "week") start = Date.UTC(y, m, d - ((local.getUTCDay() + 6) % 7)); // ISO: Monday
  else if (calendar === "month") start = Date.UTC(y, m, 1);
  else start = Date.UTC(y, m - (m % 3), 1);
  return start / 60000 - tz;
}

function readRules(raw: unknown, unchecked: string[]): { rules: Rule[]; exempt: Filter } {
  const p = (raw ?? {}) as { rules?: Record<string, unknown>[]; exempt?: Filter };
  const rules: Rule[] = [];
  (p.rules ?? []).forEach((r, i) => {
    const name = String(r.name ?? `rule-${i + 1}`);
    const kind = r.cap !== undefined ? "cap" : r.spacing !== undefined ? "spacing" : "weighted";
    const w = (r.weighted ?? {}) as Record<string, unknown>;
    const limit = kind === "cap" ? r.cap : kind === "weighted" ? w.threshold : 0;
    if (typeof limit !== "number" || (w.weight !== undefined && typeof w.weight !== "number")) {
      unchecked.push(`${name}: a limit or weight given by an expression`);
      return;
    }
    const d = (w.decay ?? { halfLife: "7d" }) as Record<string, unknown>;
    const decay: Decay = d.halfLife !== undefined ? { halfLife: duration(d.halfLife) } : d.linear !== undefined ? { linear: duration(d.linear) } : { bands: (d.bands as [unknown, number][]).map(([a, f]) => [duration(a), f]) };
    const counts = filter(r.counts);
    rules.push({
      name, kind, counts, applies: r.appliesTo === undefined ? counts : filter(r.appliesTo),
      cap: limit, threshold: limit, window: r.window === undefined ? 0 : duration(r.window), calendar: (r.calendar as string) ?? null,
      timezone: r.timezone === undefined || r.timezone === "customer" ? null : offset(r.timezone),
      spacing: r.spacing === undefined ? 0 : duration(r.spacing),
      weights: (w.weights ?? {}) as Record<string, number>, weight: typeof w.weight === "number" ? w.weight : null, decay,
    });
  });
  return { rules, exempt: p.exempt ? filter(p.exempt) : null };
}

function filter(v: unknown): Filter {
  if (!v) return null;
  const f = v as Record<string, unknown>, list = (x: unknown) => (x === undefined ? undefined : Array.isArray(x) ? x.map(String) : [String(x)]);
  return { channels: list(f.channels), categories: list(f.categories), programs: list(f.programs) };
}

/** "30m", "12h", "7d", "2w" (or a number of minutes) in minutes. */
function duration(v: unknown): number {
  if (typeof v === "number") return v;
  const m = /^(\d+(?:\.\d+)?)\s*(m|h|d|w)$/.exec(String(v).trim());
  if (!m) throw new Error(`audit: unreadable duration ${JSON.stringify(v)}`);
  return Number(m[1]) * { m: 1, h: 60, d: DAY, w: 7 * DAY }[m[2] as "m"];
}

function offset(v: unknown): number {
  if (v === "UTC" || v === 0) return 0;
  const m = /^([+-])(\d{2}):(\d{2})$/.exec(String(v));
  if (!m) throw new Error(`audit: unreadable UTC offset ${JSON.stringify(v)}`);
  return (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
}

const clock = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3, 5));
const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
const minutes = (t: string | number) => (typeof t === "number" ? t : Date.parse(t) / 60000);
const iso = (t: number) => new Date(t * 60000).toISOString().slice(0, 16);

/**
 * The audit's input from a `simulate --out` folder: messages.csv and customers.csv as written, the plan
 * as given (LoadedPlan.source), and the contacts made outside the plan when the run had a `--contacts` file.
 */
export function auditFolder(dir: string, plan: Record<string, unknown>, outside?: readonly OutsideContact[]): Audit {
  const rows = (name: string) => {
    const [head, ...lines] = readFileSync(join(dir, name), "utf8").trimEnd().split("\n");
    const cols = head.split(",");
    // the audit's columns hold no commas nor quotes (ids, names, ISO times, numbers): a split suffices
    return lines.map((l) => Object.fromEntries(l.split(",").map((v, i) => [cols[i], v])));
  };
  const messages = rows("messages.csv") as unknown as MessageRow[];
  const timezones = new Map(rows("customers.csv").map((c) => [c.id, Number(c.timezone)]));
  return auditPressure({ plan, messages, timezones, outside });
}
