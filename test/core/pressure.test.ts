import { describe, expect, it } from "vitest";
import { checkPressure, type PressureEnv } from "../../engine/core/pressure.ts";
import { compilePressure } from "../../engine/plan/pressure-rules.ts";
import { addContact, type Contact } from "../../engine/core/ledger.ts";
import { Reporter } from "../../engine/plan/errors.ts";
import { DAY, HOUR, parseDate } from "../../engine/core/time.ts";

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
  it("over 10,000 random customers and rule sets, no cap, spacing, weighted threshold or exemption is ever violated", () => {
    let seed = 12345;
    const rnd = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
      return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
    };
    const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)];
    const scope = () => (rnd() < 0.5 ? undefined : { channels: index.channels.filter(() => rnd() < 0.6) });
    let checked = 0, blocked = 0;
    for (let cust = 0; cust < 10_000; cust++) {
      const raw: Record<string, unknown>[] = [];
      for (let k = 0, n = 1 + Math.floor(rnd() * 3); k < n; k++) {
        const kind = pick(["cap", "spacing", "weighted"]);
        if (kind === "cap") {
          raw.push({ name: `r${k}`, cap: Math.floor(rnd() * 4), window: rnd() < 0.7 ? pick(["1d", "3d", "7d", "14d"]) : undefined, calendar: rnd() < 0.5 ? pick(["day", "week", "month"]) : undefined, counts: scope() });
          if (!raw[k].window && !raw[k].calendar) raw[k].window = "7d";
        } else if (kind === "spacing") raw.push({ name: `r${k}`, spacing: pick(["2h", "12h", "2d"]), counts: scope() });
        else raw.push({ name: `r${k}`, weighted: { threshold: 1 + rnd() * 6, weights: { email: 1, sms: 2.5, mail: 3 }, decay: pick([{ halfLife: "3d" }, { linear: "10d" }, { bands: [["2d", 1], ["7d", 0.4]] }]) } });
      }
      const exempt = rnd() < 0.5 ? { categories: ["transactional"] } : undefined;
      const p = rules({ rules: raw, exempt });
      const tz = pick([0, 60, -300]);
      const e = { ...env, tzOffset: tz };
      const ledger: number[] = [], sent: Contact[] = [];
      let t = parseDate("2026-01-01")! + Math.floor(rnd() * DAY);
      for (let m = 0; m < 25; m++) {
        t += Math.floor(rnd() * 3 * DAY);
        const cand = c(t, { channel: Math.floor(rnd() * 5), category: Math.floor(rnd() * 3), program: Math.floor(rnd() * 3) });
        const v = checkPressure(p, ledger, cand, t, e);
        checked++;
        if (exempt && cand.category === 0) expect(v.ok).toBe(true);
        if (v.ok) addContact(ledger, cand), sent.push(cand);
        else blocked++;
      }
      // brute force over what was sent
      for (const rule of p.rules) {
        const inScope = sent.filter((s) => rule.counts.channels & (1 << s.channel));
        const applies = (s: Contact) => !(exempt && s.category === 0);
        for (const s of sent.filter(applies)) {
          if (!(rule.counts.channels & (1 << s.channel))) continue;
          const before = inScope.filter((o) => sent.indexOf(o) <= sent.indexOf(s)); // what was sent up to s, s included
          if (rule.kind === "cap") {
            const limit = rule.threshold as number;
            if (rule.window) expect(before.filter((o) => o.time > s.time - rule.window).length).toBeLessThanOrEqual(limit);
            if (rule.calendar) {
              const d = new Date((s.time + tz) * 60000), b = (o: Contact) => new Date((o.time + tz) * 60000);
              const same = (o: Contact) =>
                rule.calendar === "day" ? b(o).toISOString().slice(0, 10) === d.toISOString().slice(0, 10)
                : rule.calendar === "month" ? b(o).toISOString().slice(0, 7) === d.toISOString().slice(0, 7)
                : Math.floor((Math.floor((o.time + tz) / DAY) + 3) / 7) === Math.floor((Math.floor((s.time + tz) / DAY) + 3) / 7);
              expect(before.filter(same).length).toBeLessThanOrEqual(limit);
            }
          } else if (rule.kind === "spacing") {
            for (const o of before) if (o !== s) expect(s.time - o.time).toBeGreaterThanOrEqual(rule.spacing);
          } else {
            const w = (o: Contact) => rule.channelWeights[o.channel] * rule.categoryWeights[o.category];
            const decay = (age: number) => rule.decay.kind === "halfLife" ? Math.pow(0.5, age / rule.decay.halfLife)
              : rule.decay.kind === "linear" ? Math.max(0, 1 - age / rule.decay.horizon)
              : (rule.decay.bands.find(([lim]) => age < lim)?.[1] ?? 0);
            const total = before.reduce((acc, o) => acc + w(o) * decay(s.time - o.time), 0);
            expect(total).toBeLessThanOrEqual((rule.threshold as number) + 1e-6);
          }
        }
      }
    }
    expect(checked).toBe(250_000);
    expect(blocked).toBeGreaterThan(10_000);
  }, 120_000);
});
