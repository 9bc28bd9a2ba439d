/**
 * A targeted campaign keeps the best share of its audience by score, ties by customer key then place.
 * The selection (engine/core/audience.ts, selectBest) must choose exactly the customers a full sort
 * would, whatever the ties: checked against a sort on many random cases, ties made frequent on purpose.
 */
import { describe, expect, it } from "vitest";
import { selectBest } from "../../engine/core/audience.ts";

function lcg(seed: number) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296;
}

describe("selectBest", () => {
  it("chooses the same k items as a full sort, over 2,000 random cases with many ties", () => {
    const rand = lcg(7);
    let cases = 0;
    for (let n = 0; n < 2000; n++) {
      const m = Math.floor(rand() * 60);
      // few distinct scores and keys, so that ties on both are common; -Infinity for unusable scores
      const score = Float64Array.from({ length: m }, () => (rand() < 0.1 ? -Infinity : Math.floor(rand() * 4)));
      const key = Uint32Array.from({ length: m }, () => Math.floor(rand() * 3));
      const better = (x: number, y: number) => score[x] !== score[y] ? score[x] > score[y] : key[x] !== key[y] ? key[x] < key[y] : x < y;
      const k = Math.floor(rand() * (m + 1));
      const a = Int32Array.from({ length: m }, (_, i) => i);
      selectBest(a, k, better);
      const sorted = Array.from({ length: m }, (_, i) => i).sort((x, y) => score[y] - score[x] || key[x] - key[y] || x - y);
      expect(Array.from(a.subarray(0, k)).sort((x, y) => x - y)).toEqual(sorted.slice(0, k).sort((x, y) => x - y));
      expect(Array.from(a).sort((x, y) => x - y)).toEqual(Array.from({ length: m }, (_, i) => i)); // a permutation
      cases++;
    }
    expect(cases).toBe(2000);
  });

  it("keeps the 2 best of 5 by score, a tie broken by key", () => {
    const score = [0.5, 0.9, 0.5, 0.1, 0.5], key = [30, 10, 20, 5, 20];
    const a = Int32Array.from([0, 1, 2, 3, 4]);
    selectBest(a, 2, (x, y) => score[x] !== score[y] ? score[x] > score[y] : key[x] !== key[y] ? key[x] < key[y] : x < y);
    expect(Array.from(a.subarray(0, 2)).sort()).toEqual([1, 2]); // 0.9, then 0.5 with key 20 at place 2 (before place 4)
  });
});
