/**
 * The world's random streams (engine/sim/random.ts). Streams.gamma draws without closures (issue 14
 * #2); it must give gammaDraw's values from the same draws in the same order, shapes below 1 included,
 * and leave the stream's counter where gammaDraw leaves it.
 */
import { describe, expect, it } from "vitest";
import { gammaDraw, ORGANIC, RESPONSE, Streams } from "../../engine/sim/random.ts";

describe("Streams.gamma", () => {
  it("equals gammaDraw over the same stream, 5,000 draws of shapes 0.3 to 8", () => {
    const fast = new Streams(7, 4), reference = new Streams(7, 4);
    let differ = 0;
    for (let i = 0; i < 5000; i++) {
      const c = i % 4, key = 1000 + c, purpose = i % 2 ? ORGANIC : RESPONSE, shape = 0.3 + (i % 16) / 2;
      const a = fast.gamma(c, key, purpose, shape, 2.5);
      const b = gammaDraw(() => reference.u(c, key, purpose), () => reference.normal(c, key, purpose), shape) * 2.5;
      if (a !== b) differ++;
    }
    expect(differ).toBe(0);
    // both streams consumed the same number of draws: their next uniforms agree
    for (let c = 0; c < 4; c++) expect(fast.u(c, 1000 + c, RESPONSE)).toBe(reference.u(c, 1000 + c, RESPONSE));
  });
});
