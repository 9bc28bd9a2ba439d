/** Re-simulation for tuning gives exactly runPlan's figures, from one drawn population and one baseline (issue 14 #4). */
import { describe, expect, it } from "vitest";
import { loadPlan, parsePlan } from "../../engine/plan/load.ts";
import { setPath } from "../../engine/sweep/set-path.ts";
import { baselinePlan, runPlan } from "../../engine/sim/run.ts";
import { simulate } from "../../engine/sim/simulate.ts";
import { copyPopulation, refillPopulation, tuner } from "../../engine/sim/tuner.ts";
import { syntheticPopulation, TR8 } from "../../engine/sim/population.ts";
import { DEFAULT_WORLD } from "../../engine/sim/world-model.ts";
import { parseDate } from "../../engine/core/time.ts";
import { PER4 } from "../../engine/core/record.ts";
import { J4 } from "../../engine/core/customer-table.ts";

describe("tuner", () => {
  const capped = loadPlan("scenarios/lifecycle-capped.yaml");
  const o = { customers: 1500, days: 60, seed: 3, cache: "off" as const };

  it("re-simulates a changed rule with the figures runPlan gives for that plan", () => {
    const t = tuner(capped, o);
    for (const cap of [1, 3]) {
      const variant = parsePlan(JSON.stringify(setPath(capped.source, "pressure.rules.two-a-week.cap", cap)), capped.file);
      expect(t.run({ "pressure.rules.two-a-week.cap": cap }).summary).toEqual(runPlan(variant, o).summary);
    }
    // and the runs do not leak into each other: the first value again gives its first figures
    expect(t.run({ "pressure.rules.two-a-week.cap": 1 }).summary.digest).toBe(t.run({ "pressure.rules.two-a-week.cap": 1 }).summary.digest);
  });

  it("copies a population so that a run leaves the original untouched", () => {
    const p = syntheticPopulation({ customers: 300, seed: 1, start: parseDate("2026-01-01")!, days: 30, journeys: 2, world: DEFAULT_WORLD });
    const copy = copyPopulation(p);
    copy.table.orders[5 * PER4] += 7, copy.traits.fatigue[5 * TR8] = 99;
    expect(p.table.orders[5 * PER4]).not.toBe(copy.table.orders[5 * PER4]);
    expect(p.traits.fatigue[5 * TR8]).toBe(0);
    expect(copy.table.column("key")).toEqual(p.table.column("key"));
  });

  it("copies a population without its journey columns for a no-plan baseline: the same baseline, less to copy", () => {
    const start = parseDate("2026-01-01")!, o = { customers: 2000, seed: 3, start, days: 120, world: DEFAULT_WORLD };
    const p = syntheticPopulation({ ...o, journeys: 13 });
    const bare = copyPopulation(p, 0);
    expect(bare.table.journeys).toBe(0);
    expect(bare.table.jPc.length).toBe(0);
    expect(bare.table.column("orders")).toEqual(p.table.column("orders"));
    const none = baselinePlan(loadPlan("scenarios/lifecycle.yaml").plan), s = { seed: 3, start, days: 120, world: DEFAULT_WORLD };
    const drawnBare = simulate(none, syntheticPopulation({ ...o, journeys: 0 }), s);
    const copied = simulate(none, bare, s);
    expect(copied.events).toBe(drawnBare.events);
    expect(copied.metrics.revenue).toBe(drawnBare.metrics.revenue);
    expect(Array.from(copied.metrics.daily.revenue)).toEqual(Array.from(drawnBare.metrics.daily.revenue));
    // refilled in place for the next baseline; a copy with journey slots is another shape
    expect(refillPopulation(p, bare, 0)).toBe(bare);
    expect(refillPopulation(p, bare)).not.toBe(bare);
    expect(() => copyPopulation(p, 5)).toThrow(/13 journey slots or none/);
  });

  it("refills a simulated copy in place with the population as drawn, or makes a new one for another shape", () => {
    const start = parseDate("2026-01-01")!, p = syntheticPopulation({ customers: 300, seed: 1, start, days: 30, journeys: 2, world: DEFAULT_WORLD });
    const copy = copyPopulation(p), orders = copy.table.orders;
    copy.table.orders[5 * PER4] += 7, copy.traits.fatigue[5 * TR8] = 99, copy.table.jPc[3 * J4] = 4, copy.table.ledger(9).push(1, 2);
    const again = refillPopulation(p, copy);
    expect(again).toBe(copy);
    expect(again.table.orders).toBe(orders); // written over, not allocated
    expect(again.table.orders).toEqual(p.table.orders);
    expect(again.traits.fatigue).toEqual(p.traits.fatigue);
    expect(again.table.jPc).toEqual(p.table.jPc);
    expect(again.table.ledgers[9]).toBeUndefined();
    // a copy with other journey slots (a variant with more journeys redraws its customers) is not reused
    const wider = syntheticPopulation({ customers: 300, seed: 1, start, days: 30, journeys: 3, world: DEFAULT_WORLD });
    const fresh = refillPopulation(wider, copy);
    expect(fresh).not.toBe(copy);
    expect(fresh.table.jPc).toEqual(wider.table.jPc);
  });
});
