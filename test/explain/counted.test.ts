import { describe, expect, it } from "vitest";
import { checkPressure, type PressureEnv } from "../../engine/core/pressure.ts";
import { compilePressure } from "../../engine/plan/pressure-rules.ts";
import { addContact, type Contact } from "../../engine/core/ledger.ts";
import { Reporter } from "../../engine/plan/errors.ts";
import { DAY, HOUR, parseDate } from "../../engine/core/time.ts";
import { explainRule } from "../../engine/explain/counted.ts";

const index = { channels: ["email", "sms", "push", "mail", "call"], categories: ["transactional", "relational", "promotional"], programs: ["newsletter", "cart", "promo"] };
type Ctx = { channel: number };
const ctx: Ctx = { channel: -1 };
const env: PressureEnv<Ctx> = { ctx, tzOffset: 0, setMessage: (_p, ch) => (ctx.channel = ch) };

function rules(raw: unknown) {
  const r = new Reporter("plan.yaml");
  const p = compilePressure<Ctx>(raw, ["pressure"], index, () => null, r);
  if (!r.ok) throw new Error(r.format());
  return p;
}

/** A small deterministic generator (no Math.random): xorshift32. */
function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return () => ((s ^= s << 13, s ^= s >>> 17, s ^= s << 5) >>> 0) / 2 ** 32;
}

describe("explaining a pressure rule", () => {
  const t0 = parseDate("2026-03-09")! + 10 * HOUR; // a Monday

  it("names the figures and the contacts of the brief's example: two-a-week", () => {
    const p = rules({ rules: [{ name: "two-a-week", cap: 2, window: "7d" }] });
    const ledger: number[] = [];
    const sent = (t: number, program: number, channel = 0): Contact => ({ time: t, program, channel, category: 2, priority: 0 });
    addContact(ledger, sent(t0 + 1 * DAY, 0)); // newsletter 03-10
    addContact(ledger, sent(t0 + 3 * DAY, 1)); // cart 03-12
    const cand: Contact = { time: t0 + 5 * DAY, program: 2, channel: 0, category: 2, priority: 0 };
    expect(checkPressure(p, ledger, cand, cand.time, env).ok).toBe(false);
    const e = explainRule(p.rules[0], ledger, cand, cand.time, env);
    expect(e.blocks).toBe(true);
    expect(e.text).toBe("2 counted contacts in (T−7d, T] ≥ cap 2");
    expect(e.counted.map((x) => [x.time, x.program])).toEqual([[t0 + DAY, 0], [t0 + 3 * DAY, 1]]);
    // eight days later the first has aged out
    const later = { ...cand, time: t0 + 8 * DAY + 1 };
    expect(explainRule(p.rules[0], ledger, later, later.time, env).text).toBe("1 counted contact in (T−7d, T] < cap 2");
  });

  it("spacing, calendar and weighted rules say what they compared", () => {
    const ledger: number[] = [];
    addContact(ledger, { time: t0, program: 1, channel: 1, category: 2, priority: 0 });
    const cand: Contact = { time: t0 + 20 * HOUR, program: 0, channel: 1, category: 2, priority: 0 };
    const spacing = rules({ rules: [{ name: "sms-spacing", spacing: "72h", counts: { channels: ["sms"] } }] }).rules[0];
    expect(explainRule(spacing, ledger, cand, cand.time, env).text).toBe("a counted contact 20h before T < spacing 3d");
    const weekly = rules({ rules: [{ name: "one-a-week", cap: 1, calendar: "week" }] }).rules[0];
    expect(explainRule(weekly, ledger, cand, cand.time, env).text)
      .toBe("1 counted contact in the week from Monday 2026-03-09 (the customer's time, UTC+00:00: 2026-03-09 00:00 – 2026-03-16 00:00 UTC) ≥ cap 1");
    // a rule's own timezone places its buckets: named as the rule's, local names with UTC bounds (it read 'in this month')
    const monthly = rules({ rules: [{ name: "one-a-month", cap: 1, calendar: "month", timezone: "+01:00" }] }).rules[0];
    expect(explainRule(monthly, ledger, cand, cand.time, env).text)
      .toBe("1 counted contact in the month 2026-03 (the rule's time, UTC+01:00: 2026-02-28 23:00 – 2026-03-31 23:00 UTC) ≥ cap 1");
    const quarterly = rules({ rules: [{ name: "q", cap: 2, calendar: "quarter", timezone: "-05:00" }] }).rules[0];
    expect(explainRule(quarterly, ledger, cand, cand.time, env).text)
      .toBe("1 counted contact in the quarter 2026 Q1 (the rule's time, UTC−05:00: 2026-01-01 05:00 – 2026-04-01 05:00 UTC) < cap 2");
    const weighted = rules({ rules: [{ name: "w", weighted: { threshold: 3, weights: { sms: 2.5 }, decay: { halfLife: "7d" } } }] }).rules[0];
    const e = explainRule(weighted, ledger, cand, cand.time, env);
    // 2.5 × 0.5^(20h / 7d) = 2.3025… plus the candidate's own 2.5
    expect(e.text).toBe("pressure 2.3 + own weight 2.5 = 4.8 > threshold 3");
    expect(e.counted[0].weight).toBeCloseTo(2.5 * Math.pow(0.5, 20 / 168), 3);
  });

  it("blocks exactly when checkPressure blocks, over 5,000 random ledgers and rules", () => {
    const rand = rng(7);
    const kinds = [
      { name: "cap-window", cap: 2, window: "7d" },
      { name: "cap-look", cap: 2, window: "3d", lookahead: true },
      { name: "cap-cal", cap: 1, calendar: "day" },
      { name: "cap-both", cap: 3, window: "14d", calendar: "week" },
      { name: "space", spacing: "36h", counts: { channels: ["sms", "push"] } },
      { name: "space-look", spacing: "24h", lookahead: true },
      { name: "weighted", weighted: { threshold: 3, weights: { sms: 2, promotional: 1.5 }, decay: { linear: "10d" } } },
      { name: "weighted-look", weighted: { threshold: 2, decay: { halfLife: "2d" } }, lookahead: true },
    ];
    let blocked = 0;
    for (let k = 0; k < 5000; k++) {
      const p = rules({ rules: [kinds[k % kinds.length]] });
      const ledger: number[] = [];
      const now = t0 + 10 * DAY;
      for (let n = Math.floor(rand() * 6); n > 0; n--) {
        addContact(ledger, { time: now + Math.floor((rand() - 0.7) * 12 * DAY), program: Math.floor(rand() * 3), channel: Math.floor(rand() * 3), category: 1 + Math.floor(rand() * 2), priority: Math.floor(rand() * 3) });
      }
      const cand: Contact = { time: now + Math.floor(rand() * DAY), program: Math.floor(rand() * 3), channel: Math.floor(rand() * 3), category: 1 + Math.floor(rand() * 2), priority: Math.floor(rand() * 3) };
      const verdict = checkPressure(p, ledger, cand, now, env);
      const e = explainRule(p.rules[0], ledger, cand, now, env);
      expect(e.blocks, `${kinds[k % kinds.length].name} #${k}`).toBe(!verdict.ok);
      if (!verdict.ok) blocked++;
    }
    expect(blocked).toBeGreaterThan(500); // the sample exercises blocking, not only passing
  });
});
