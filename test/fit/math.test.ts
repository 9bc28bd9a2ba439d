import { describe, expect, it } from "vitest";
import { betaI, betaIInv, gammaP, gammaPInv, hyp2f1, lbeta, lgamma } from "../../engine/fit/math.ts";

describe("special functions", () => {
  it("lgamma matches factorials and Γ(½) = √π", () => {
    expect(lgamma(1)).toBeCloseTo(0, 14);
    expect(lgamma(5)).toBeCloseTo(Math.log(24), 13);
    expect(lgamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 13);
    expect(lgamma(101)).toBeCloseTo(363.73937555556347, 9);
    expect(lgamma(0.243)).toBeCloseTo(lgamma(1.243) - Math.log(0.243), 12); // reflection vs recurrence
    expect(lbeta(2, 3)).toBeCloseTo(Math.log(1 / 12), 13);
  });

  it("hyp2f1 matches closed forms", () => {
    expect(hyp2f1(1, 1, 2, 0.5)).toBeCloseTo(2 * Math.log(2), 13); // −ln(1−z)/z
    expect(hyp2f1(0.5, 1, 1.5, -0.25)).toBeCloseTo(Math.atan(0.5) / 0.5, 13); // arctan
    expect(hyp2f1(3, 2, 2, 0.9)).toBeCloseTo(Math.pow(0.1, -3), 8); // (1−z)^−a
    expect(hyp2f1(300, 300, 2, 0.99, true)).toBeGreaterThan(700); // no overflow in log form
    expect(() => hyp2f1(1, 1, 2, 1)).toThrow("|z| must be < 1");
  });

  it("incomplete gamma and beta invert to their arguments", () => {
    expect(gammaP(1, 2)).toBeCloseTo(1 - Math.exp(-2), 14);
    expect(betaI(2, 1, 0.3)).toBeCloseTo(0.09, 14);
    for (const s of [0.05, 0.243, 1, 2.5, 40]) {
      for (const u of [1e-6, 0.01, 0.3, 0.5, 0.9, 0.999999]) expect(gammaP(s, gammaPInv(s, u))).toBeCloseTo(u, 10);
    }
    for (const [a, b] of [[0.793, 2.426], [1.793, 3.426], [5, 1.2], [0.3, 1.5]]) { // b ≪ 1 puts upper quantiles closer to 1 than a double resolves
      for (const u of [1e-6, 0.01, 0.5, 0.9, 0.999999]) expect(betaI(a, b, betaIInv(a, b, u))).toBeCloseTo(u, 10);
    }
  });
});
