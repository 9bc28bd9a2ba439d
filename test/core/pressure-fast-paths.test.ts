/**
 * The single-thread fast paths of the pressure check (issue 14 #2) must not change a single figure:
 * the decay table holds exactly decayAt's numbers, and a weighted rule whose weight expression gives
 * an unusable value counts that coercion once per pressure read, as when every read re-weighed the
 * ledger.
 */
import { describe, expect, it } from "vitest";
import { checkPressure, type Decay, decayAt, decayTable, type PressureEnv } from "../../engine/core/pressure.ts";
import { compilePressure } from "../../engine/plan/pressure-rules.ts";
import { addContact, type Contact } from "../../engine/core/ledger.ts";
import { Reporter } from "../../engine/plan/errors.ts";
import { DAY, parseDate } from "../../engine/core/time.ts";

const index = { channels: ["email", "sms", "push", "mail", "call"], categories: ["transactional", "relational", "promotional"], programs: ["newsletter", "cart"] };
type Ctx = { channel: number };
const ctx: Ctx = { channel: -1 };

function rules(raw: unknown) {
  const r = new Reporter("plan.yaml");
  // one weight expression: null (unusable) for an SMS, 1 otherwise
  const p = compilePressure<Ctx>(raw, ["pressure"], index, () => (x: Ctx) => (x.channel === 1 ? null : 1), r);
  if (!r.ok) throw new Error(r.format());
  return p;
}
const c = (time: number, o: Partial<Contact> = {}): Contact => ({ time, program: 0, channel: 0, category: 2, priority: 0, ...o });

describe("decay table", () => {
  const decays: Decay[] = [
    { kind: "halfLife", halfLife: 7 * DAY },
    { kind: "halfLife", halfLife: 90 }, // not a whole number of days
    { kind: "linear", horizon: 30 * DAY },
    { kind: "bands", bands: [[3 * DAY, 1], [10 * DAY, 0.5], [20 * DAY, 0.2]] },
  ];
  it("holds decayAt's own numbers for every minute of age, over twice the horizon and two days", () => {
    for (const d of decays) {
      const table = decayTable(d);
      const horizon = d.kind === "halfLife" ? 10 * d.halfLife : d.kind === "linear" ? d.horizon : 20 * DAY;
      expect(table.length).toBe(2 * horizon + 2 * DAY + 1);
      let differ = 0;
      for (let age = 0; age < table.length; age++) if (table[age] !== decayAt(d, age)) differ++;
      expect(differ).toBe(0);
    }
  });
  it("is built once per rule's decay", () => {
    expect(decayTable(decays[0])).toBe(decayTable(decays[0]));
  });
});

describe("weighted rule with an unusable weight", () => {
  it("counts the coercion once per pressure read: 2 ledger SMS × 16 reads of a retry search over 10 days", () => {
    const p = rules({ rules: [{ name: "w", weighted: { threshold: 1.5, weight: "w", decay: { halfLife: "1d" } } }] });
    const t = parseDate("2026-03-10T12:00")!, ledger: number[] = [];
    addContact(ledger, c(t - 2 * DAY, { channel: 1 })); // weight null → 0
    addContact(ledger, c(t - DAY)); // weight 1 × 0.5
    addContact(ledger, c(t - 12 * 60, { channel: 1 })); // weight null → 0
    const coerced: string[] = [];
    const env: PressureEnv<Ctx> = { ctx, tzOffset: 0, setMessage: (_p, ch) => (ctx.channel = ch), coerced: (rule, what) => coerced.push(`${rule}: ${what}`) };
    const v = checkPressure(p, ledger, c(t), t, env); // 0.5 + 1 ≤ 1.5: passes on the first read
    expect(v.ok).toBe(true);
    expect(coerced.length).toBe(2);
    coerced.length = 0;
    addContact(ledger, c(t - 60)); // 1 × 2^(-1/24) more: blocked
    const blocked = checkPressure(p, ledger, c(t), t, env);
    expect(blocked.ok).toBe(false);
    // reads: at T, at T + 10 days + 1 minute, then a binary search over 14,401 minutes (14 halvings);
    // exactRetry's check at the found minute passes on its first read: 17 reads in all
    expect(coerced.length).toBe(2 * 17);
    expect(new Set(coerced)).toEqual(new Set(["w: weight not a number, read as 0"]));
  });
});
