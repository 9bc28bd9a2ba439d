/**
 * Money summed across customers does not depend on the order of the additions (engine/sim/money.ts):
 * a run split across workers adds the same amounts in another order and must give the same figures.
 */
import { describe, expect, it } from "vitest";
import { Metrics } from "../../engine/sim/metrics.ts";
import { settleMoney } from "../../engine/sim/money.ts";

const buy = (order: number[]) => {
  const m = new Metrics(3, 1, ["p"]);
  for (const [i, x] of order.entries()) m.purchase(i % 3, 0, x, -1);
  settleMoney(m);
  return m;
};

describe("money", () => {
  it("sums 0.1, 0.2 and 0.3 to 0.6 in any order, where floating point gives 0.6000000000000001 one way", () => {
    expect((0.1 + 0.2) + 0.3).not.toBe((0.3 + 0.2) + 0.1); // why the rule exists
    const a = buy([0.1, 0.2, 0.3]), b = buy([0.3, 0.2, 0.1]);
    expect(a.revenue).toBe(0.6);
    expect(b.revenue).toBe(0.6);
    expect(Array.from(a.daily.revenue)).toEqual([0.6]);
  });

  it("gives two halves merged the total of the whole, to the last bit", () => {
    const amounts = Array.from({ length: 1000 }, (_, i) => Math.round(((i * 7919) % 10007) * 1.37) / 100);
    const whole = new Metrics(1000, 2, ["p"]);
    for (const [c, x] of amounts.entries()) whole.purchase(c, c % 2, x, 0), whole.contact(c, c % 2, 0, 0, 0.002);
    const halves = [0, 500].map((lo) => {
      const m = new Metrics(500, 2, ["p"]);
      for (let c = 499; c >= 0; c--) m.purchase(c, (c + lo) % 2, amounts[c + lo], 0), m.contact(c, (c + lo) % 2, 0, 0, 0.002);
      return m;
    });
    const merged = new Metrics(1000, 2, ["p"]);
    halves.forEach((h, i) => merged.absorb(h, i * 500));
    settleMoney(whole), settleMoney(merged);
    for (const k of ["revenue", "messageRevenue", "messageCost"] as const) expect(merged[k]).toBe(whole[k]);
    expect(Array.from(merged.daily.revenue)).toEqual(Array.from(whole.daily.revenue));
    expect(merged.programs[0].cost).toBe(2); // 1,000 contacts at 0.002: exactly
    expect(Array.from(merged.revenueOf)).toEqual(Array.from(whole.revenueOf));
  });
});
