/**
 * The tuner over workers that keep their shard of the population (issue 14 #4 with #1): each slider
 * move gives the single-thread tuner's figures, and so `runPlan`'s.
 */
import { describe, expect, it } from "vitest";
import { loadPlan } from "../../engine/plan/load.ts";
import { shardedTuner } from "../../engine/parallel/sharded-tuner.ts";
import { tuner } from "../../engine/sim/tuner.ts";

const capped = loadPlan("scenarios/lifecycle-capped.yaml");

describe("sharded tuner", () => {
  it("gives the tuner's summaries, move after move, with 2 and 3 workers", async () => {
    const o = { customers: 3000, days: 60, seed: 4, cache: "off" as const };
    const one = tuner(capped, o);
    const moves = [{ "pressure.rules.two-a-week.cap": 1 }, { "pressure.rules.two-a-week.cap": 3 }, {}];
    const expected = moves.map((v) => one.run(v).summary);
    // the cap matters here: otherwise the test would not show that each move runs its own variant
    expect(expected[0].contacts).toBeLessThan(expected[1].contacts);
    for (const workers of [2, 3]) {
      const t = await shardedTuner(capped, { ...o, workers });
      try {
        expect(t.baseline).toEqual(one.baseline);
        for (const [i, v] of moves.entries()) expect((await t.run(v)).summary).toEqual(expected[i]);
      } finally {
        t.close();
      }
    }
  }, 120_000);

  it("reports a variant's plan error and keeps working", async () => {
    const t = await shardedTuner(capped, { customers: 1000, days: 10, workers: 2, cache: "off" });
    try {
      await expect(t.run({ "pressure.rules.two-a-week.cap": "three" })).rejects.toThrow(/cap/);
      expect((await t.run({ "pressure.rules.two-a-week.cap": 2 })).summary.customers).toBe(1000);
    } finally {
      t.close();
    }
  }, 60_000);
});
