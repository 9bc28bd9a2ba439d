import { describe, expect, it } from "vitest";
import { minimize } from "../../engine/fit/optimize.ts";

describe("minimize (Nelder–Mead with restarts)", () => {
  it("finds the Rosenbrock minimum", () => {
    const res = minimize(([x, y]) => 100 * (y - x * x) ** 2 + (1 - x) ** 2, [-1.2, 1], { ftol: 1e-14 });
    expect(res.x[0]).toBeCloseTo(1, 4);
    expect(res.x[1]).toBeCloseTo(1, 4);
    expect(res.runs).toBeGreaterThanOrEqual(2);
  });

  it("treats non-finite values as +∞ and stays in the domain", () => {
    const res = minimize(([x]) => (x > 0 ? (Math.log(x) - 1) ** 2 : NaN), [3]);
    expect(res.x[0]).toBeCloseTo(Math.E, 4);
  });
});
