/**
 * The synthetic base against what its priors imply (engine/calibration/population-priors.ts, figures in
 * docs/world-model.md "What the priors imply"). Regression for issue 11 #1: past purchase gaps were
 * added in days to a clock in minutes, so existing buyers had ≈ 38 past orders, 13 % were still
 * buying at the start and existing buyers brought ≈ 3 % of the first year's organic revenue.
 */
import { describe, expect, it } from "vitest";
import { basePriors } from "../../engine/calibration/population-priors.ts";
import { NEVER } from "../../engine/core/customer-table.ts";
import { DAY, parseDate } from "../../engine/core/time.ts";
import { quintileCuts, syntheticPopulation, traitColumn, TR1 } from "../../engine/sim/population.ts";
import { baselinePlan } from "../../engine/sim/run.ts";
import { simulate } from "../../engine/sim/simulate.ts";
import { DEFAULT_WORLD } from "../../engine/sim/world-model.ts";
import { plan } from "../helpers.ts";
import { PER4 } from "../../engine/core/record.ts";
import { T4, T8 } from "../../engine/sim/metrics.ts";

const start = parseDate("2026-01-01")!;
const n = 20_000;
const priors = basePriors(DEFAULT_WORLD);

describe("synthetic base", () => {
  const pop = syntheticPopulation({ customers: n, seed: 1, start, days: 365, journeys: 0, world: DEFAULT_WORLD });
  const t = pop.table, tr = pop.traits;
  const existing: number[] = [];
  for (let c = 0; c < n; c++) if (t.signup[c * PER4] < start && t.orders[c * PER4] > 0) existing.push(c);

  it("the priors imply plausible figures (closed form)", () => {
    expect(priors.pastOrders).toBeCloseTo(2.48, 2);
    expect(priors.shareAlive).toBeCloseTo(0.584, 3);
    expect(priors.ordersPerYearActive).toBeCloseTo(1.10, 2);
    expect(priors.existingRevenueShare).toBeCloseTo(0.603, 3);
  });

  it("has the past orders and share still buying its priors imply", () => {
    let orders = 0, alive = 0;
    for (const c of existing) orders += t.orders[c * PER4], alive += tr.alive[c * TR1];
    expect(existing.length / n).toBeCloseTo(0.85 * 0.75, 1);
    expect(orders / existing.length).toBeGreaterThan(priors.pastOrders * 0.93);
    expect(orders / existing.length).toBeLessThan(priors.pastOrders * 1.07);
    expect(Math.abs(alive / existing.length - priors.shareAlive)).toBeLessThan(0.015);
  });

  it("dates every past purchase between sign-up and the start", () => {
    for (const c of existing) {
      expect(t.lastPurchase[c * PER4]).not.toBe(NEVER);
      expect(t.lastPurchase[c * PER4]).toBeGreaterThanOrEqual(t.signup[c * PER4]);
      expect(t.lastPurchase[c * PER4]).toBeLessThan(start);
    }
    // a customer with several past orders spread them over their tenure, not over a few hours
    let spread = 0, many = 0;
    for (const c of existing) if (t.orders[c * PER4] >= 3) many++, spread += (t.lastPurchase[c * PER4] - t.signup[c * PER4]) / DAY;
    expect(spread / many).toBeGreaterThan(100);
  });

  it("buys in its first year as the priors say: orders per active customer, revenue from existing buyers", () => {
    const aliveAtStart = Uint8Array.from(traitColumn(tr, "alive", n)), isExisting = new Uint8Array(n);
    for (const c of existing) isExisting[c] = 1; // the run adds orders: decide who was a buyer before it
    const empty = plan(`name: none\nchannels:\n  email: {}\nprograms: []\n`);
    const run = simulate(baselinePlan(empty.plan), pop, { seed: 1, start, days: 365, world: DEFAULT_WORLD });
    let activeOrders = 0, active = 0, fromExisting = 0, total = 0;
    for (let c = 0; c < n; c++) {
      total += run.metrics.revenueOf[c * T8];
      if (!isExisting[c]) continue;
      fromExisting += run.metrics.revenueOf[c * T8];
      if (aliveAtStart[c]) active++, activeOrders += run.metrics.purchasesOf[c * T4];
    }
    expect(activeOrders / active).toBeGreaterThan(priors.ordersPerYearActive * 0.92);
    expect(activeOrders / active).toBeLessThan(priors.ordersPerYearActive * 1.08);
    expect(Math.abs(fromExisting / total - priors.existingRevenueShare)).toBeLessThan(0.05);
  });
});

describe("RFM quintile cuts", () => {
  it("are the values a whole sort puts at places ⌊qn/5⌋ (selection, not a sort): ties, sizes 0 to 5, random", () => {
    const bySort = (v: Float64Array) => {
      const s = v.slice().sort();
      return [1, 2, 3, 4].map((q) => s[Math.floor((q * v.length) / 5)]);
    };
    let x = 7;
    const rnd = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const cases = [0, 1, 2, 3, 4, 5, 6, 11, 1000, 20_001].flatMap((n) => [
      Float64Array.from({ length: n }, rnd), // distinct
      Float64Array.from({ length: n }, () => Math.floor(rnd() * 4)), // many ties
      Float64Array.from({ length: n }, (_, i) => n - i), // descending
      Float64Array.from({ length: n }, () => (rnd() < 0.6 ? -1e9 : -rnd() * 50)), // recency: most never bought
    ]);
    for (const v of cases) expect(quintileCuts(v)).toEqual(bySort(v));
  });
});
