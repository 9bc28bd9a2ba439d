/**
 * The world's random streams (engine/sim/random.ts). Streams.gamma draws without closures (issue 14
 * #2); it must give gammaDraw's values from the same draws in the same order, shapes below 1 included,
 * and leave the stream's counter where gammaDraw leaves it.
 */
import { describe, expect, it } from "vitest";
import { gammaDraw, MOVE, ORGANIC, RESPONSE, Streams, worldSeed } from "../../engine/sim/random.ts";
import { uniform } from "../../engine/core/hash.ts";

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

describe("Streams.u", () => {
  // the counters live in one row per customer (issue 14 #2): the n-th draw of (customer, purpose) must
  // still be uniform(seed, key, purpose, n), whatever the other customers and purposes drew in between
  it("draws uniform(seed, key, purpose, n) with one counter per customer and purpose, 20,000 draws in mixed order", () => {
    const s = new Streams(11, 5), seed = worldSeed(11), count = new Map<string, number>();
    let differ = 0;
    for (let i = 0; i < 20000; i++) {
      const c = (i * 7) % 5, purpose = 1 + (Math.floor(i / 5) % MOVE), key = 0x9e3779b9 + c * 977;
      const n = count.get(`${c}:${purpose}`) ?? 0;
      count.set(`${c}:${purpose}`, n + 1);
      if (s.u(c, key, purpose) !== uniform(seed, key, purpose, n)) differ++;
    }
    expect(differ).toBe(0);
    expect(count.size).toBe(5 * MOVE); // every customer × purpose cell was exercised (purposes 1 … MOVE)
  });

  it("fact(key, purpose) is uniform(seed, key, purpose, 0) and moves no counter", () => {
    const s = new Streams(3, 2), seed = worldSeed(3);
    expect(s.fact(12345, 9)).toBe(uniform(seed, 12345, 9, 0));
    expect(s.fact(12345, 9)).toBe(s.fact(12345, 9));
    expect(s.u(0, 12345, RESPONSE)).toBe(uniform(seed, 12345, RESPONSE, 0));
  });
});

describe("Streams.open (a run of draws from one stream)", () => {
  // the world's answer to a message and each customer's traits draw through an open run (issue 14, fourth
  // session): the run's n-th draw must be the stream's next uniform, and closing it must leave the counter
  // where as many `u` calls would
  it("draws what `u` draws, in order, and leaves the counter after its last draw; other purposes untouched", () => {
    const s = new Streams(5, 3), seed = worldSeed(5), key = 123457;
    s.u(1, key, RESPONSE), s.u(1, key, RESPONSE), s.u(1, key, ORGANIC); // counters: RESPONSE 2, ORGANIC 1
    s.open(1, key, RESPONSE);
    const run = [s.next(), s.next(), s.nextExp(3), s.next()];
    s.close();
    expect(run[0]).toBe(uniform(seed, key, RESPONSE, 2));
    expect(run[1]).toBe(uniform(seed, key, RESPONSE, 3));
    expect(run[2]).toBe(-Math.log(uniform(seed, key, RESPONSE, 4)) * 3);
    expect(run[3]).toBe(uniform(seed, key, RESPONSE, 5));
    expect(s.u(1, key, RESPONSE)).toBe(uniform(seed, key, RESPONSE, 6));
    expect(s.u(1, key, ORGANIC)).toBe(uniform(seed, key, ORGANIC, 1));
    expect(s.u(0, key, RESPONSE)).toBe(uniform(seed, key, RESPONSE, 0)); // another customer's counter
  });
});
