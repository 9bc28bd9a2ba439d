import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fitGammaGamma, gammaGammaConditionalSpend } from "../../engine/fit/gamma-gamma.ts";
import { DATA, describeWithData } from "../datasets/data-dir.ts";
import { gamma, rngOf } from "./simulate-bgnbd.ts";

const withinPct = (got: number, want: number, pct: number) => expect(Math.abs(got / want - 1) * 100).toBeLessThan(pct);

describeWithData("cdnow/cdnow_customers_summary_with_transactions.csv", "gamma-gamma on CDNOW", () => {
  it("fits p ≈ 6.25, q ≈ 3.74, γ ≈ 15.44 on the 946 repeat buyers", () => {
    const rows = readFileSync(join(DATA, "cdnow/cdnow_customers_summary_with_transactions.csv"), "utf8").trim()
      .split("\n").slice(1).map((l) => l.split(",").map(Number)).filter((r) => r[1] > 0);
    const fit = fitGammaGamma({ x: rows.map((r) => r[1]), m: rows.map((r) => r[4]) });
    expect(fit.customers).toBe(946);
    withinPct(fit.params.p, 6.25, 1);
    withinPct(fit.params.q, 3.74, 1);
    withinPct(fit.params.gamma, 15.44, 1);
  });
});

describe("gamma-gamma", () => {
  it("recovers known parameters from simulated repeat buyers (seeded)", () => {
    const truth = { p: 6, q: 4, gamma: 15 };
    const rng = rngOf("gg-recovery");
    const n = 20000, x = new Int32Array(n), m = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const nu = gamma(rng, truth.q) / truth.gamma;
      x[i] = 1 + Math.floor(8 * rng());
      let s = 0;
      for (let j = 0; j < x[i]; j++) s += gamma(rng, truth.p) / nu;
      m[i] = s / x[i];
    }
    const fit = fitGammaGamma({ x, m });
    // p and γ trade off (only their ratio to q is sharp): across seeds they scatter by ~5 % and ~6 %
    // at this size, so the bounds are about two standard deviations.
    withinPct(fit.params.p, truth.p, 12);
    withinPct(fit.params.q, truth.q, 5);
    withinPct(fit.params.gamma, truth.gamma, 15);
  });

  it("shrinks a customer's mean towards the population mean, less so with more purchases", () => {
    const params = { p: 6.25, q: 3.74, gamma: 15.44 };
    const population = gammaGammaConditionalSpend(params, 0, 0);
    expect(population).toBeCloseTo(6.25 * 15.44 / 2.74, 10);
    const one = gammaGammaConditionalSpend(params, 1, 100), ten = gammaGammaConditionalSpend(params, 10, 100);
    expect(one).toBeGreaterThan(population);
    expect(one).toBeLessThan(ten);
    expect(ten).toBeLessThan(100);
  });
});
