/**
 * The sender reputation's lag (`world.reputation.lagDays`, engine/sim/world-model.ts): a day's deliveries
 * and complaints move the inbox placement `lagDays` days later. One thread hands them over with `dayLag`;
 * a run split across workers with ShardLink.sumDay (test/parallel/sharding.test.ts checks both agree).
 */
import { describe, expect, it } from "vitest";
import { parsePlan } from "../../engine/plan/load.ts";
import { runPlan } from "../../engine/sim/run.ts";
import { dayLag } from "../../engine/sim/world.ts";
import { DEFAULT_WORLD } from "../../engine/sim/world-model.ts";
import { worldCounters } from "../../engine/sim/world-metrics.ts";
import { COUPLED_PLAN } from "../parallel/coupled-plan.ts";

const coupled = parsePlan(COUPLED_PLAN, "coupled.yaml");

describe("reputation lag", () => {
  it("hands a day's counts back lagDays − 1 days later, 0 before then", () => {
    const one = dayLag(1), three = dayLag(3);
    const days = [[10, 1], [20, 2], [30, 3], [40, 4], [50, 5]];
    expect(days.map(([d, c]) => one(d, c))).toEqual(days);
    expect(days.map(([d, c]) => three(d, c))).toEqual([[0, 0], [0, 0], [10, 1], [20, 2], [30, 3]]);
  });

  it("moves the placement later when complaints cross the thresholds, and refuses a lag out of range", () => {
    const o = { customers: 3000, days: 120, seed: 3, baseline: false as const };
    const spam = (lagDays?: number) => {
      const reputation = { ...DEFAULT_WORLD.reputation, lagDays } as typeof DEFAULT_WORLD.reputation;
      if (lagDays === undefined) delete (reputation as Partial<typeof reputation>).lagDays;
      return worldCounters(runPlan(coupled, { ...o, world: { reputation: { ...reputation, goodBelow: 0.0005, worstAt: 0.002, worstInbox: 0.3 } } }).run.metrics).spam;
    };
    const [lag1, lag2, lag7] = [spam(1), spam(2), spam(7)];
    // the coupled plan's complaints push its placement down: the later it reacts, the more mail reaches the inbox
    expect(lag2).not.toBe(lag1);
    expect(lag7).toBeLessThan(lag1);
    expect(spam(undefined)).toBe(lag2); // a `world` option whose reputation leaves the lag out gets the default
    // refused with the run's options, before anything is drawn (engine/sim/world-option.ts)
    expect(() => spam(40)).toThrow(/RunOptions: world\.reputation\.lagDays: expected a whole number from 1 to 28, got number 40/);
  });
});
