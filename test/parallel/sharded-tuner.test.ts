/**
 * The tuner over workers that keep their shard of the population (issue 14 #4 with #1): each slider
 * move gives the single-thread tuner's figures, and so `runPlan`'s, though the workers send back only
 * figures (engine/parallel/merge-figures.ts), refill one copy of their customers move after move and
 * keep the plans they parsed.
 */
import { describe, expect, it } from "vitest";
import { loadPlan, type LoadedPlan, parsePlan } from "../../engine/plan/load.ts";
import { shardedTuner } from "../../engine/parallel/sharded-tuner.ts";
import { ShardPool } from "../../engine/parallel/shard-pool.ts";
import { planWorld } from "../../engine/plan/world-section.ts";
import { setPath } from "../../engine/sweep/set-path.ts";
import { runPlan, summarise } from "../../engine/sim/run.ts";
import { tuner } from "../../engine/sim/tuner.ts";
import { COUPLED_CAPPED_PLAN } from "./coupled-plan.ts";

const capped = loadPlan("scenarios/lifecycle-capped.yaml");

// every coupling between customers in play (as test/parallel/sharding.test.ts): a targeted campaign ranked
// over the whole population among the top RFM cells, a sender reputation moved by complaints, discounts;
// and a weekly cap to tune
const coupled = parsePlan(COUPLED_CAPPED_PLAN, "coupled-capped.yaml");

const variant = (p: LoadedPlan, path: string, v: unknown) => parsePlan(JSON.stringify(setPath(p.source, path, v)), p.file);

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

  it("gives runPlan's summary of each variant with every coupling between customers in play, and remembers a variant", async () => {
    const o = { customers: 2400, days: 45, seed: 7, cache: "off" as const };
    const t = await shardedTuner(coupled, { ...o, workers: 2 });
    try {
      const figures = [];
      for (const cap of [1, 2, 5]) {
        const r = await t.run({ "pressure.rules.0.cap": cap });
        expect(r.summary).toEqual(runPlan(variant(coupled, "pressure.rules.0.cap", cap), o).summary);
        figures.push(r);
      }
      // the couplings and the cap are at work: a targeted campaign chose customers, complaints came, the cap held some back
      expect(figures[2].summary.programs.find((p) => p.program === "best-rfm")!.contacts).toBeGreaterThan(0);
      expect(figures[2].summary.complaints).toBeGreaterThan(0);
      expect(figures[0].summary.suppressedByRule.weekly).toBeGreaterThan(figures[1].summary.suppressedByRule.weekly ?? 0);
      // a slider moved back to a value already run: the same figures, from memory (no run)
      expect(await t.run({ "pressure.rules.0.cap": 1 })).toBe(figures[0]);
      expect((await t.run({})).summary).toEqual(runPlan(coupled, o).summary); // the plan as loaded: the warm-up run at open
    } finally {
      t.close();
    }
  }, 120_000);

  it("runs a variant again on the refilled customers with the same figures, and figures-only runs summarise as the full merge", async () => {
    const o = { customers: 2000, days: 40, seed: 2 };
    const world = planWorld(coupled);
    const text = (p: LoadedPlan) => ({ text: JSON.stringify(p.source), file: p.file });
    const pool = await ShardPool.open({ plan: text(coupled), baseline: false, ...o, record: "none" }, 2);
    try {
      const [tight, loose] = [variant(coupled, "pressure.rules.0.cap", 1), variant(coupled, "pressure.rules.0.cap", 4)];
      const sum = async (p: LoadedPlan) => summarise(p, await pool.summary(text(p), p.compiled), null, world, "2026-01-01");
      const first = await sum(tight), other = await sum(loose), again = await sum(tight);
      expect(other.contacts).toBeGreaterThan(first.contacts);
      expect(again).toEqual(first);
      // the same plan through the full path (every customer's table sent back and merged) gives the same summary
      const full = await pool.run(text(tight));
      expect(summarise(tight, full, null, world, "2026-01-01")).toEqual(first);
      expect(first).toEqual(runPlan(tight, { ...o, baseline: false }).summary);
    } finally {
      pool.close();
    }
  }, 120_000);

  it("answers moves asked at once, each with its own variant's figures", async () => {
    // a slider dragged fast asks for a move before the last one answered: both used to wait for ever
    const o = { customers: 2000, days: 30, seed: 1, cache: "off" as const };
    const t = await shardedTuner(capped, { ...o, workers: 2 });
    try {
      const caps = [1, 4, 1, 3];
      const moves = await Promise.all(caps.map((cap) => t.run({ "pressure.rules.two-a-week.cap": cap })));
      for (const [i, cap] of caps.entries()) {
        expect(moves[i].summary).toEqual(runPlan(variant(capped, "pressure.rules.two-a-week.cap", cap), o).summary);
      }
      expect(moves[2]).toBe(moves[0]); // the same variant asked twice ran once
    } finally {
      t.close();
    }
  }, 60_000);

  it("runs only the newest of the values a dragged slider asked for", async () => {
    const o = { customers: 2000, days: 30, seed: 1, cache: "off" as const };
    const t = await shardedTuner(capped, { ...o, workers: 2 });
    try {
      const path = "pressure.rules.two-a-week.cap";
      const dragged = await Promise.all([1, 3, 4].map((cap) => t.latest({ [path]: cap })));
      expect(dragged.slice(0, 2)).toEqual([null, null]);
      expect(dragged[2]!.summary).toEqual(runPlan(variant(capped, path, 4), o).summary);
      // a move running is finished first, then the newest asked meanwhile runs; the ones between answer null
      const running = t.latest({ [path]: 1 });
      await new Promise((r) => setTimeout(r, 0)); // the move has started
      const [between, newest] = await Promise.all([t.latest({ [path]: 3 }), t.latest({ [path]: 5 })]);
      expect((await running)!.summary).toEqual(runPlan(variant(capped, path, 1), o).summary);
      expect(between).toBeNull();
      expect(newest!.summary).toEqual(runPlan(variant(capped, path, 5), o).summary);
      expect(await t.latest({ [path]: 4 })).toBe(dragged[2]); // already run: at once
    } finally {
      t.close();
    }
  }, 60_000);

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
