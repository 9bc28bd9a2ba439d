import { describe, expect, it } from "vitest";
import { predictionHalfWidth } from "../../engine/live/forecast-vs-actual.ts";
import { interval } from "../../engine/compare/intervals.ts";

describe("forecast vs actual: the prediction interval's half-width", () => {
  it("is read from the upper end, so an interval cut at 0 keeps its width (regression)", () => {
    // complaints over 3 replications: 0, 0, 3 → mean 1, a t-interval below 0, cut at 0 since intervals stop at what a count can be
    const iv = interval([0, 0, 3], { min: 0 })!;
    expect(iv.lo).toBe(0);
    const uncut = interval([0, 0, 3])!;
    expect(uncut.lo).toBeLessThan(0);
    expect(predictionHalfWidth(iv, 3)).toBeCloseTo((uncut.hi! - uncut.lo!) / 2 * 2, 10); // √(3 + 1) = 2
    expect(predictionHalfWidth(undefined, 3)).toBe(0);
  });
});
