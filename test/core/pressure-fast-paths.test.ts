/**
 * The single-thread fast paths of the pressure check (issue 14 #2) must not change a single figure:
 * the decay table gives exactly decayAt's numbers, and a weighted rule whose weight expression gives
 * an unusable value counts that coercion once per pressure read, as when every read re-weighed the
 * ledger.
 */
import { describe, expect, it } from "vitest";
import { bisectLowEnough, checkPressure, type Decay, decayAt, decayed, decayTable, firstLowEnough, type PressureEnv, pressureAt } from "../../engine/core/pressure.ts";
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
  it("gives decayAt's own numbers for every minute of age, over twice the horizon and two days", () => {
    for (const d of [...decays, { kind: "halfLife", halfLife: 90.5 } as Decay]) {
      const table = decayTable(d);
      const horizon = d.kind === "halfLife" ? 10 * d.halfLife : d.kind === "linear" ? d.horizon : 20 * DAY;
      // a half-life in whole minutes: one half-life of them (80 KiB for 7 days, where every age was 1.6 MiB)
      const size = d.kind !== "halfLife" ? 2 * horizon + 2 * DAY + 1 : Number.isInteger(d.halfLife) ? d.halfLife : 0;
      expect(table.length).toBe(size);
      let differ = 0;
      for (let age = -5; age <= 2 * horizon + 2 * DAY + 5; age++) if (decayed(d, table, age) !== decayAt(d, age)) differ++;
      expect(differ).toBe(0);
    }
  });
  it("halves exactly at each half-life, and is 0.5^(age / half-life) to the last bits, 0 from 10 half-lives on", () => {
    for (const halfLife of [7 * DAY, 90, 3 * DAY + 17, 90.5]) {
      const d: Decay = { kind: "halfLife", halfLife };
      let worst = 0;
      for (let age = 0; age < 10 * halfLife; age += 7) {
        expect(decayAt(d, age + halfLife)).toBe(age + halfLife < 10 * halfLife ? decayAt(d, age) / 2 : 0);
        const direct = Math.pow(0.5, age / halfLife);
        worst = Math.max(worst, Math.abs(decayAt(d, age) - direct) / direct);
      }
      expect(worst).toBeLessThan(1e-15);
    }
    expect(decayAt({ kind: "halfLife", halfLife: 7 * DAY }, 7 * DAY)).toBe(0.5);
  });
  it("is built once per decay: per rule, and across compiled variants with the same numbers (a tuner's moves)", () => {
    expect(decayTable(decays[0])).toBe(decayTable(decays[0]));
    expect(decayTable({ kind: "halfLife", halfLife: 7 * DAY })).toBe(decayTable(decays[0]));
    expect(decayTable({ kind: "halfLife", halfLife: 8 * DAY })).not.toBe(decayTable(decays[0]));
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

describe("weighted rule's retry search", () => {
  it("finds the bisection's minute from a guess, for half-life and linear decays, pending contacts, 20,000 random ledgers", () => {
    let x = 11;
    const rnd = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const decays: Decay[] = [
      { kind: "halfLife", halfLife: 7 * DAY },
      { kind: "halfLife", halfLife: 90 },
      { kind: "halfLife", halfLife: 3 * DAY + 17 },
      { kind: "linear", horizon: 30 * DAY },
    ];
    const times = new Float64Array(12), weights = new Float64Array(12);
    let searched = 0, never = 0;
    for (let i = 0; i < 20_000; i++) {
      const decay = decays[i % decays.length], table = decayTable(decay);
      const horizon = decay.kind === "halfLife" ? 10 * decay.halfLife : decay.kind === "linear" ? decay.horizon : 0;
      const T = 1_000_000 + Math.floor(rnd() * DAY), n = 1 + Math.floor(rnd() * 11);
      for (let k = 0; k < n; k++) {
        // most contacts in the past; some pending (after T, weighing fully until sent)
        times[k] = rnd() < 0.8 ? T - Math.floor(rnd() * horizon) : T + 1 + Math.floor(rnd() * 3 * DAY);
        weights[k] = [0, 0.5, 1, 2.5][Math.floor(rnd() * 4)];
      }
      const own = [0.5, 1, 2.5][Math.floor(rnd() * 3)], limit = 1 + Math.floor(rnd() * 6) + 1e-9;
      const pressure = (t: number) => {
        let sum = 0;
        for (let k = 0; k < n; k++) sum += weights[k] * decayed(decay, table, t - times[k]);
        return sum;
      };
      if (pressure(T) + own <= limit) continue; // passes at T: no search
      searched++;
      const bisected = bisectLowEnough(times, weights, n, T, horizon, own, limit, decay, table);
      const found = firstLowEnough(times, weights, n, T, horizon, own, limit, decay, table, pressureAt(times, weights, n, T, decay, table));
      expect(found, `case ${i}`).toBe(bisected.at);
      if (found === Infinity) never++;
    }
    expect(searched).toBeGreaterThan(5_000);
    expect(never).toBeGreaterThan(0); // own + pending contacts above the limit for good: no minute
  });
});
