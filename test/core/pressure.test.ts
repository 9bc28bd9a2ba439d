import { describe, expect, it } from "vitest";
import { checkPressure, type PressureEnv } from "../../engine/core/pressure.ts";
import { compilePressure } from "../../engine/plan/pressure-rules.ts";
import { addContact, type Contact, removeContact, SENT } from "../../engine/core/ledger.ts";
import { Reporter } from "../../engine/plan/errors.ts";
import { DAY, HOUR, parseDate } from "../../engine/core/time.ts";
import { seeded } from "../helpers.ts";

const index = { channels: ["email", "sms", "push", "mail", "call"], categories: ["transactional", "relational", "promotional"], programs: ["newsletter", "cart", "promo"] };
type Ctx = { limit: number; tenure: number; channel: number };
const ctx: Ctx = { limit: 3, tenure: 100, channel: -1 };
const env: PressureEnv<Ctx> = { ctx, tzOffset: 0, setMessage: (_p, ch) => (ctx.channel = ch) };
// a tiny stand-in for the expression compiler: attribute names and one conditional weight
const compileExpr = (src: string) => {
  if (src === "limit") return (c: Ctx) => c.limit;
  if (src === "tenure < 30 ? 1 : 3") return (c: Ctx) => (c.tenure < 30 ? 1 : 3);
  if (src === "sms-heavy") return (c: Ctx) => (c.channel === 1 ? 5 : 1);
  return null;
};

function rules(raw: unknown) {
  const r = new Reporter("plan.yaml");
  const p = compilePressure<Ctx>(raw, ["pressure"], index, (s, path) => compileExpr(s) ?? (r.error(path, "bad expression"), null), r);
  if (!r.ok) throw new Error(r.format());
  return p;
}
const problems = (raw: unknown) => {
  const r = new Reporter("plan.yaml");
  compilePressure<Ctx>(raw, ["pressure"], index, () => () => 1, r);
  return r.format();
};
const c = (time: number, o: Partial<Contact> = {}): Contact => ({ time, program: 0, channel: 0, category: 2, priority: 0, ...o });
const day = (d: string) => parseDate(d)! + 10 * HOUR;

/** Sends each candidate at its own time if the rules allow; returns the blocked dates. */
function replay(p: ReturnType<typeof rules>, dates: string[]): string[] {
  const ledger: number[] = [], blocked: string[] = [];
  for (const d of dates) {
    const cand = c(day(d));
    if (checkPressure(p, ledger, cand, cand.time, env).ok) addContact(ledger, cand);
    else blocked.push(d.slice(5));
  }
  return blocked;
}

describe("pressure rules", () => {
  const adobe = ["2025-05-30", "2025-06-03", "2025-06-08", "2025-06-12", "2025-06-22", "2025-06-30"];
  it("reproduces Adobe Campaign's example: 3 per 14 rolling days blocks only 06/12", () => {
    expect(replay(rules({ rules: [{ name: "r", cap: 3, window: "14d" }] }), adobe)).toEqual(["06-12"]);
  });
  it("grouped by month, blocks 06/12 and 06/30", () => {
    expect(replay(rules({ rules: [{ name: "r", cap: 3, window: "14d", calendar: "month" }] }), adobe)).toEqual(["06-12", "06-30"]);
  });
  it("grouped by quarter, blocks 06/12, 06/22 and 06/30", () => {
    expect(replay(rules({ rules: [{ name: "r", cap: 3, window: "14d", calendar: "quarter" }] }), adobe)).toEqual(["06-12", "06-22", "06-30"]);
  });

  it("counts calendar weeks from Monday in the customer's timezone", () => {
    const p = rules({ rules: [{ name: "w", cap: 1, calendar: "week" }] });
    const sunday = parseDate("2026-01-11T23:30")!; // Sunday 23:30 UTC is Monday 00:30 at UTC+1
    const ledger: number[] = [];
    addContact(ledger, c(parseDate("2026-01-07T10:00")!));
    expect(checkPressure(p, ledger, c(sunday), sunday, { ...env, tzOffset: 0 }).ok).toBe(false);
    expect(checkPressure(p, ledger, c(sunday), sunday, { ...env, tzOffset: 60 }).ok).toBe(true);
  });

  it("gives the time a rolling cap frees up, and the next bucket for a calendar cap", () => {
    const ledger: number[] = [];
    const t = parseDate("2026-03-10T12:00")!;
    addContact(ledger, c(t - 5 * DAY));
    addContact(ledger, c(t - 2 * DAY));
    const v = checkPressure(rules({ rules: [{ name: "r", cap: 2, window: "7d" }] }), ledger, c(t), t, env);
    expect(v).toEqual({ ok: false, rule: 0, retryAt: t + 2 * DAY });
    const m = checkPressure(rules({ rules: [{ name: "m", cap: 2, calendar: "month" }] }), ledger, c(t), t, env);
    expect(m.retryAt).toBe(parseDate("2026-04-01")!);
  });

  it("spaces contacts in both directions when looking ahead", () => {
    const t = parseDate("2026-03-10T12:00")!, ledger: number[] = [];
    addContact(ledger, c(t - 3 * HOUR, { channel: 1 }));
    const p = rules({ rules: [{ name: "s", spacing: "4h", counts: { channels: ["sms"] } }] });
    expect(checkPressure(p, ledger, c(t, { channel: 1 }), t, env)).toEqual({ ok: false, rule: 0, retryAt: t + HOUR });
    expect(checkPressure(p, ledger, c(t, { channel: 0 }), t, env).ok).toBe(true); // applies to sms only
    const later: number[] = [];
    addContact(later, c(t + 2 * HOUR, { channel: 1, priority: 5 }));
    const ahead = rules({ rules: [{ name: "s", spacing: "4h", lookahead: true, counts: { channels: ["sms"] } }] });
    expect(checkPressure(ahead, later, c(t, { channel: 1 }), t, env).ok).toBe(false);
    expect(checkPressure(p, later, c(t, { channel: 1 }), t, env).ok).toBe(true);
  });

  it("counts pending contacts of higher priority, not lower (Adobe's arbitration formula)", () => {
    const t = parseDate("2026-03-10T08:00")!, ledger: number[] = [];
    addContact(ledger, c(t + 2 * HOUR, { priority: 50 })); // scheduled later today
    const p = rules({ rules: [{ name: "d", cap: 1, calendar: "day", lookahead: true }] });
    expect(checkPressure(p, ledger, c(t, { priority: 10 }), t, env).ok).toBe(false);
    expect(checkPressure(p, ledger, c(t, { priority: 90 }), t, env).ok).toBe(true);
    // equal priority: the one scheduled earlier keeps its place
    expect(checkPressure(p, ledger, c(t + 3 * HOUR, { priority: 50 }), t, env).ok).toBe(false);
    expect(checkPressure(p, ledger, c(t + HOUR, { priority: 50 }), t, env).ok).toBe(true);
  });

  it("weights channels and categories and lets pressure fade with a half-life", () => {
    const p = rules({ rules: [{ name: "w", weighted: { threshold: 4, weights: { email: 1, sms: 3, promotional: 1 }, decay: { halfLife: "7d" } } }] });
    const t = parseDate("2026-03-10T12:00")!, ledger: number[] = [];
    addContact(ledger, c(t - 7 * DAY, { channel: 1 })); // 3 × 0.5 = 1.5 now
    addContact(ledger, c(t - 1 * DAY)); // 1 × 2^(-1/7) = 0.906
    expect(checkPressure(p, ledger, c(t), t, env).ok).toBe(true); // 2.41 + 1 ≤ 4
    const v = checkPressure(p, ledger, c(t, { channel: 1 }), t, env); // 2.41 + 3 > 4
    expect(v.ok).toBe(false);
    // it frees when 1.5·2^(-x/7d) + 0.906·2^(-x/7d) ≤ 1 → x = 7d · log2(2.406)
    const expected = t + Math.ceil(7 * DAY * Math.log2(1.5 + Math.pow(2, -1 / 7)));
    expect(Math.abs(v.retryAt - expected)).toBeLessThanOrEqual(1);
  });

  it("supports linear and banded decay, expression weights and thresholds", () => {
    const t = parseDate("2026-03-10T12:00")!, ledger: number[] = [];
    addContact(ledger, c(t - 15 * DAY));
    const lin = rules({ rules: [{ name: "l", weighted: { threshold: 1.4, decay: { linear: "30d" } } }] });
    expect(checkPressure(lin, ledger, c(t), t, env).ok).toBe(false); // 0.5 + 1 > 1.4
    const bands = rules({ rules: [{ name: "b", weighted: { threshold: 1.4, decay: { bands: [["7d", 1], ["30d", 0.3]] } } }] });
    expect(checkPressure(bands, ledger, c(t), t, env).ok).toBe(true); // 0.3 + 1 ≤ 1.4
    const expr = rules({ rules: [{ name: "e", weighted: { threshold: "limit", weight: "sms-heavy", decay: { halfLife: "1d" } } }] });
    ctx.limit = 3;
    expect(checkPressure(expr, [], c(t, { channel: 1 }), t, env).ok).toBe(false); // weight 5 > 3
    expect(checkPressure(expr, [], c(t), t, env).ok).toBe(true);
    const newcomers = rules({ rules: [{ name: "n", cap: "tenure < 30 ? 1 : 3", window: "7d" }] });
    addContact(ledger, c(t - DAY));
    ctx.tenure = 10;
    expect(checkPressure(newcomers, ledger, c(t), t, env).ok).toBe(false);
    ctx.tenure = 100;
    expect(checkPressure(newcomers, ledger, c(t), t, env).ok).toBe(true);
  });

  it("an expression cap of 2.5 counts as 2: blocked on the third contact, with a finite retry time (was NaN)", () => {
    const t = parseDate("2026-03-10T12:00")!, ledger: number[] = [];
    addContact(ledger, c(t - 3 * DAY));
    addContact(ledger, c(t - 1 * DAY));
    const p = rules({ rules: [{ name: "x", cap: "limit", window: "7d" }] });
    ctx.limit = 2.5;
    expect(checkPressure(p, ledger, c(t), t, env)).toEqual({ ok: false, rule: 0, retryAt: t + 4 * DAY });
    ctx.limit = 3.9;
    expect(checkPressure(p, ledger, c(t), t, env).ok).toBe(true);
    ctx.limit = 3;
  });

  it("a threshold of 0 blocks everything in scope, never", () => {
    const v = checkPressure(rules({ rules: [{ name: "z", cap: 0, window: "1d", appliesTo: { categories: ["promotional"] } }] }), [], c(1000), 1000, env);
    expect(v).toEqual({ ok: false, rule: 0, retryAt: Infinity });
  });

  it("separates what a rule counts from what it applies to, and never blocks exempt messages", () => {
    const t = parseDate("2026-03-10T12:00")!, ledger: number[] = [];
    addContact(ledger, c(t - HOUR, { category: 0 })); // a transactional message: counted
    const p = rules({ exempt: { categories: ["transactional"] }, rules: [{ name: "d", cap: 1, window: "1d", appliesTo: { categories: ["promotional"] } }] });
    expect(checkPressure(p, ledger, c(t), t, env).ok).toBe(false);
    expect(checkPressure(p, ledger, c(t, { category: 0 }), t, env).ok).toBe(true);
    expect(checkPressure(p, ledger, c(t, { category: 1 }), t, env).ok).toBe(true); // relational: not in appliesTo
  });

  it("rejects broken rules with the path and what is valid", () => {
    expect(problems({ rules: [{ name: "a", cap: 3 }] })).toMatch(/pressure\.rules\[0\]: a cap needs a window \(rolling, e\.g\. 7d\), a calendar period \(day, week, month, quarter\) or both/);
    expect(problems({ rules: [{ name: "a", cap: 3, windw: "7d" }] })).toMatch(/pressure\.rules\[0\]\.windw: unknown field 'windw'; did you mean 'window'\?/);
    expect(problems({ rules: [{ name: "a", cap: 3, spacing: "1h" }] })).toMatch(/a rule has exactly one of cap, spacing or weighted; this one has cap and spacing/);
    expect(problems({ rules: [{ name: "a", cap: -1, window: "1d" }] })).toMatch(/cap: expected a threshold of 0 or more/);
    expect(problems({ rules: [{ name: "a", cap: 1, calendar: "year" }] })).toMatch(/calendar: expected one of day, week, month or quarter/);
    expect(problems({ rules: [{ name: "a", cap: 1, window: "7 days" }] })).toMatch(/window: expected a positive duration/);
    expect(problems({ rules: [{ name: "a", spacing: "1h", counts: { channels: ["fax"] } }] })).toMatch(/counts\.channels\[0\]: unknown channel 'fax'/);
    expect(problems({ rules: [{ name: "a", weighted: { threshold: 2, weights: { sms: 1 }, weight: "x" } }] })).toMatch(/either weights .* or weight/);
    expect(problems({ rules: [{ name: "a", weighted: { threshold: 2, decay: { halfLife: "1d", linear: "2d" } } }] })).toMatch(/decay: expected one of/);
    expect(problems({ rules: [{ name: "a", spacing: "1h" }, { name: "a", spacing: "2h" }] })).toMatch(/duplicate rule name 'a'/);
  });
});

describe("pressure invariants (property test)", () => {
  // Calendar buckets computed independently of engine/core/pressure.ts: Date's own UTC calendar on the
  // local time, keyed by their labels (the implementation works from epoch days and a Thursday offset).
  const local = (t: number, tz: number) => new Date((t + tz) * 60_000);
  const bucketKey = (cal: string, t: number, tz: number): string => {
    const d = local(t, tz), y = d.getUTCFullYear(), m = d.getUTCMonth(), dd = d.getUTCDate();
    if (cal === "day") return `${y}-${m}-${dd}`;
    if (cal === "month") return `${y}-${m}`;
    if (cal === "quarter") return `${y}-Q${Math.floor(m / 3)}`;
    const monday = new Date(Date.UTC(y, m, dd - ((d.getUTCDay() + 6) % 7))); // ISO weeks start on Monday
    return `W${monday.toISOString().slice(0, 10)}`;
  };
  const bucketEnd = (cal: string, t: number, tz: number): number => {
    const d = local(t, tz), y = d.getUTCFullYear(), m = d.getUTCMonth(), dd = d.getUTCDate();
    const ms = cal === "day" ? Date.UTC(y, m, dd + 1)
      : cal === "week" ? Date.UTC(y, m, dd - ((d.getUTCDay() + 6) % 7) + 7)
      : cal === "month" ? Date.UTC(y, m + 1, 1)
      : Date.UTC(y, m - (m % 3) + 3, 1);
    return ms / 60_000 - tz;
  };

  it("over 2,500 random customers with pending contacts, priorities, lookahead, appliesTo and quarters: no rule is ever violated and every retryAt is exact", () => {
    const rnd = seeded(12345);
    const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)];
    // a filter list is never empty (the plan refuses one: it would match no message); the first name
    // stands in, drawing nothing, so the random stream is the one the test always had
    const some = (xs: string[]) => {
      const s = xs.filter(() => rnd() < 0.6);
      return s.length ? s : [xs[0]];
    };
    type Spec = { channels?: string[]; categories?: string[]; programs?: string[] };
    const filter = (): Spec | undefined => {
      if (rnd() < 0.4) return undefined;
      const f: Spec = {};
      if (rnd() < 0.7) f.channels = some(index.channels);
      if (rnd() < 0.4) f.categories = some(index.categories);
      if (rnd() < 0.3) f.programs = some(index.programs);
      return f;
    };
    // membership from the raw YAML-level lists, not the compiled bitmasks
    const inSpec = (f: Spec | undefined, x: Contact) =>
      !f || ((!f.channels || f.channels.includes(index.channels[x.channel])) &&
        (!f.categories || f.categories.includes(index.categories[x.category])) &&
        (!f.programs || f.programs.includes(index.programs[x.program])));
    const stats = { checks: 0, blocked: 0, pendingCounted: 0, retries: 0, retriesFinite: 0, sent: 0, dropped: 0, quarter: 0, applies: 0 };
    const CUSTOMERS = 2500;
    for (let cust = 0; cust < CUSTOMERS; cust++) {
      const raw: Record<string, unknown>[] = [];
      for (let k = 0, n = 1 + Math.floor(rnd() * 3); k < n; k++) {
        const kind = pick(["cap", "cap", "spacing", "weighted"]);
        const counts = filter();
        const rule: Record<string, unknown> = { name: `r${k}`, counts, lookahead: rnd() < 0.5 };
        if (rnd() < 0.35) rule.appliesTo = filter() ?? { channels: some(index.channels) }, stats.applies++;
        if (kind === "cap") {
          rule.cap = Math.floor(rnd() * 4);
          if (rnd() < 0.6) rule.window = pick(["1d", "3d", "7d", "14d"]);
          if (rnd() < 0.6 || !rule.window) rule.calendar = pick(["day", "week", "month", "quarter", "quarter"]);
          if (rule.calendar === "quarter") stats.quarter++;
          if (rule.calendar && rnd() < 0.3) rule.timezone = pick(["UTC", "+05:30", "-08:00"]);
        } else if (kind === "spacing") rule.spacing = pick(["2h", "12h", "2d"]);
        else rule.weighted = { threshold: 1 + rnd() * 6, weights: { email: 1, sms: 2.5, mail: 3 }, decay: pick([{ halfLife: "3d" }, { linear: "10d" }, { bands: [["2d", 1], ["7d", 0.4]] }]) };
        raw.push(rule);
      }
      const exempt: Spec | undefined = rnd() < 0.5 ? { categories: ["transactional"] } : undefined;
      const p = rules({ rules: raw, exempt });
      const tz = pick([0, 60, -300, 330]);
      const e = { ...env, tzOffset: tz };
      const tzOf = (k: number) => {
        const z = raw[k].timezone as string | undefined;
        return z === undefined ? tz : z === "UTC" ? 0 : z === "+05:30" ? 330 : -480;
      };
      const isExempt = (x: Contact) => inSpec(exempt, x) && exempt !== undefined;

      // Offers arrive over ~a quarter; some are for later (pending until their send time), and each
      // accepted pending contact is re-checked at its own time, as the core's drivers do.
      type Ev = { at: number; seq: number; cand: Contact; due: boolean };
      const queue: Ev[] = [];
      let seq = 0, t = parseDate("2026-02-20")! + Math.floor(rnd() * DAY);
      for (let m = 0; m < 30; m++) {
        t += Math.floor(rnd() * 2 * DAY);
        const time = rnd() < 0.4 ? t + Math.floor(rnd() * 3 * DAY) : t;
        queue.push({ at: t, seq: seq++, due: false, cand: c(time, { channel: Math.floor(rnd() * 5), category: Math.floor(rnd() * 3), program: Math.floor(rnd() * 3), priority: pick([0, 10, 50, 90]) }) });
      }
      const ledger: number[] = [], sent: Contact[] = [];
      while (queue.length) {
        queue.sort((a, b) => a.at - b.at || a.seq - b.seq);
        const ev = queue.shift()!, now = ev.at, cand = ev.cand;
        if (ev.due) removeContact(ledger, cand);
        const v = checkPressure(p, ledger, cand, now, e);
        stats.checks++;
        if (isExempt(cand)) expect(v.ok).toBe(true);
        if (v.ok) {
          // what goes now is marked sent (nothing decided later outranks it), as the core marks it
          addContact(ledger, cand.time > now ? cand : { ...cand, priority: SENT });
          if (cand.time > now) queue.push({ at: cand.time, seq: seq++, due: true, cand });
          else sent.push(cand), stats.sent++;
          continue;
        }
        stats.blocked++, stats.dropped++;
        // retryAt: strictly later; the blocking rule alone, on the same ledger and view, still blocks a
        // minute before and lets the message through at retryAt (a pending contact that would count
        // then makes the retry later, never earlier).
        const single = { rules: [p.rules[v.rule]], exempt: null };
        expect(v.retryAt).toBeGreaterThan(cand.time);
        if (Number.isFinite(v.retryAt)) {
          stats.retriesFinite++;
          const at = (time: number) => checkPressure(single, ledger, { ...cand, time }, now, e).ok;
          expect(at(v.retryAt), `rule ${JSON.stringify(raw[v.rule])} retryAt ${v.retryAt}`).toBe(true);
          if (v.retryAt - 1 >= cand.time) expect(at(v.retryAt - 1), `rule ${JSON.stringify(raw[v.rule])} a minute before retryAt`).toBe(false);
          const calendar = raw[v.rule].calendar as string | undefined;
          if (calendar && !raw[v.rule].window) {
            // a calendar cap frees at a bucket boundary: the end of T's bucket, or a later one if that is full
            expect(v.retryAt).toBeGreaterThanOrEqual(bucketEnd(calendar, cand.time, tzOf(v.rule)));
            expect(bucketEnd(calendar, v.retryAt - 1, tzOf(v.rule))).toBe(v.retryAt);
          }
          // onBlocked: defer(2d): retried at retryAt when that is within two days
          if (v.retryAt - cand.time <= 2 * DAY && rnd() < 0.7) {
            stats.retries++;
            queue.push({ at: Math.max(now, v.retryAt), seq: seq++, due: false, cand: { ...cand, time: v.retryAt } });
          }
        } else {
          expect(v.retryAt).toBe(Infinity);
        }
      }

      // Brute force over what was sent, in send order: each rule held at every send it applied to.
      sent.forEach((s, idx) => {
        if (isExempt(s)) return;
        const before = sent.slice(0, idx);
        raw.forEach((spec, k) => {
          const rule = p.rules[k];
          if (!inSpec((spec.appliesTo ?? spec.counts) as Spec | undefined, s)) return;
          const counted = before.filter((o) => inSpec(spec.counts as Spec | undefined, o));
          const why = `customer ${cust}, rule ${JSON.stringify(spec)}, send at ${s.time}`;
          if (rule.kind === "cap") {
            const limit = rule.threshold as number;
            if (rule.window) expect(counted.filter((o) => o.time > s.time - rule.window).length, why).toBeLessThan(Math.max(limit, 1));
            if (rule.calendar) {
              const key = bucketKey(rule.calendar, s.time, tzOf(k));
              expect(counted.filter((o) => bucketKey(rule.calendar!, o.time, tzOf(k)) === key).length, why).toBeLessThan(Math.max(limit, 1));
            }
            expect(limit, why).toBeGreaterThan(0); // a cap of 0 never lets one through
          } else if (rule.kind === "spacing") {
            for (const o of counted) expect(s.time - o.time, why).toBeGreaterThanOrEqual(rule.spacing);
          } else {
            const w = (o: Contact) => rule.channelWeights[o.channel] * rule.categoryWeights[o.category];
            // a half-life weighs nothing from 10 half-lives on (docs/pressure-rules.md "Decay")
            const decay = (age: number) => rule.decay.kind === "halfLife" ? (age >= 10 * rule.decay.halfLife ? 0 : Math.pow(0.5, age / rule.decay.halfLife))
              : rule.decay.kind === "linear" ? Math.max(0, 1 - age / rule.decay.horizon)
              : (rule.decay.bands.find(([lim]) => age < lim)?.[1] ?? 0);
            const total = counted.reduce((acc, o) => acc + w(o) * decay(s.time - o.time), 0) + w(s);
            expect(total, why).toBeLessThanOrEqual((rule.threshold as number) + 1e-6);
          }
        });
      });
    }
    // The generator reaches what it claims to: pending re-checks, retries, quarters, appliesTo.
    expect(stats.checks).toBeGreaterThan(CUSTOMERS * 30);
    expect(stats.blocked).toBeGreaterThan(stats.checks * 0.1);
    expect(stats.retries).toBeGreaterThan(CUSTOMERS);
    expect(stats.quarter).toBeGreaterThan(CUSTOMERS * 0.2);
    expect(stats.applies).toBeGreaterThan(CUSTOMERS * 0.5);
  }, 120_000);

  it("the independent calendar agrees with known dates", () => {
    const at = (s: string) => parseDate(s)!;
    expect(bucketKey("week", at("2026-01-11T23:30"), 0)).toBe("W2026-01-05"); // Sunday: the week of Monday 5th
    expect(bucketKey("week", at("2026-01-11T23:30"), 60)).toBe("W2026-01-12"); // already Monday at UTC+1
    expect(bucketKey("quarter", at("2026-03-31T23:00"), 120)).toBe("2026-Q1"); // April 1st locally
    expect(bucketEnd("quarter", at("2026-02-10T10:00"), 0)).toBe(at("2026-04-01"));
    expect(bucketEnd("week", at("2026-12-31T10:00"), 0)).toBe(at("2027-01-04"));
  });
});
