/**
 * A no-plan baseline's figures (`simulateBaseline`) come from a run whose revenue alone is read: the
 * world leaves out the abandoned carts and birthdays no program hears (engine/sim/world.ts). Its revenue,
 * day by day, is the full world's to the unit; only the events it took change.
 */
import { describe, expect, it } from "vitest";
import { parseDate } from "../../engine/core/time.ts";
import { loadPlan } from "../../engine/plan/load.ts";
import { baselineFigures, baselinePlan, simulateBaseline } from "../../engine/sim/run.ts";
import { simulate } from "../../engine/sim/simulate.ts";
import { syntheticPopulation } from "../../engine/sim/population.ts";
import { DEFAULT_WORLD } from "../../engine/sim/world-model.ts";
import { worldCounters } from "../../engine/sim/world-metrics.ts";

const start = parseDate("2026-01-01")!, o = { seed: 4, start, days: 200, world: DEFAULT_WORLD };
const people = () => syntheticPopulation({ customers: 4000, seed: 4, start, days: 200, journeys: 0, world: DEFAULT_WORLD });
const lifecycle = loadPlan("scenarios/lifecycle.yaml");

describe("a baseline's figures", () => {
  it("are the full world's revenue, day by day, in a quarter of the events", () => {
    const full = baselineFigures(simulate(baselinePlan(lifecycle.plan), people(), o));
    const lean = simulateBaseline(lifecycle.plan, people(), o);
    expect(lean.revenue).toBe(full.revenue);
    expect(lean.dailyRevenue).toEqual(full.dailyRevenue);
    expect(lean.revenue).toBeGreaterThan(0);
    expect(lean.events).toBeLessThan(full.events * 0.35);
  });

  it("keep carts and birthdays when the plan hears them, and the full world's visits otherwise", () => {
    // a plan with an abandoned-cart journey and a birthday program run revenue-only: the same run as without the option
    const run = (revenueOnly: boolean) => simulate(lifecycle.compiled, syntheticPopulation({ customers: 3000, seed: 4, start, days: 90, journeys: lifecycle.compiled.journeys.length, world: DEFAULT_WORLD }), { ...o, days: 90, revenueOnly });
    const [a, b] = [run(false), run(true)];
    expect(b.events).toBe(a.events);
    expect(b.metrics.revenue).toBe(a.metrics.revenue);
    // without the option, a no-plan run keeps its carts: they are visits the world's figures count
    const baseline = simulate(baselinePlan(lifecycle.plan), people(), o);
    expect(worldCounters(baseline.metrics).intentCarts).toBeGreaterThan(0);
  });
});
