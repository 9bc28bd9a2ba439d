/**
 * Counter-based draws (engine/core/hash.ts): uniform() writes hash4's rounds out for speed (issue 14
 * #2); it must stay exactly (hash4 + 0.5) / 2^32, on odd inputs too, and keep its recorded values, on
 * which every seeded run depends.
 */
import { describe, expect, it } from "vitest";
import { hash4, uniform } from "../../engine/core/hash.ts";

describe("uniform", () => {
  it("is exactly (hash4 + 0.5) / 2^32, for edge values and 200,000 random inputs", () => {
    const edge = [0, 1, -1, 2 ** 31 - 1, -(2 ** 31), 2 ** 32 - 1, 2 ** 31, 0x9e3779b9, 65536 * 65535, 123456789012, -5.5, 3.7];
    let s = 12345, bad = 0, n = 0;
    const r = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0);
    const check = (a: number, b: number, c: number, d: number) => {
      n++;
      if (uniform(a, b, c, d) !== (hash4(a, b, c, d) + 0.5) / 4294967296) bad++;
    };
    for (const a of edge) for (const b of edge) for (const c of edge) for (const d of edge) check(a, b, c, d);
    for (let i = 0; i < 200_000; i++) check(r(), r(), r() & 0xffff, r() % 100_000);
    expect(n).toBe(edge.length ** 4 + 200_000);
    expect(bad).toBe(0);
  });

  it("keeps its recorded values (a change here changes every simulation)", () => {
    expect(hash4(1, 2, 3, 4)).toBe(3506155782);
    expect(uniform(1, 2, 3, 4)).toBe((3506155782 + 0.5) / 4294967296);
    expect(uniform(0xdeadbeef, 42, 2, 7)).toBe(0.3950242685386911);
  });
});
