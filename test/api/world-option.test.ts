/**
 * RunOptions.world as a notebook passes it: a `Partial<WorldModel>` whose top-level keys replace the
 * plan's (docs/plan-format.md, "World"), checked as the plan file's `world:` section is. A share of 5
 * ran, a misspelt key was ignored, and the section's own shape crashed in the simulator.
 */
import { describe, expect, it } from "vitest";
import { anyway } from "../helpers.ts";
import { comparePlans, DEFAULT_WORLD, explainCustomer, InputError, loadPlan, parsePlan, planWorld, runPlan, sweep, tuner, worldWith } from "../../engine/mod.ts";

const plan = loadPlan("scenarios/lifecycle.yaml");
const o = { customers: 300, days: 20, seed: 2, cache: "off" as const };
// deliberately wrong shapes, as a notebook (plain JavaScript) may pass them
// deno-lint-ignore no-explicit-any
const world = (w: unknown) => ({ ...o, world: w as any });

describe("RunOptions.world", () => {
  it.each([
    ["a share above 1", { machineOpens: 5 }, "RunOptions: world.machineOpens: expected a number from 0 to 1, got number 5"],
    ["a misspelt key", { machineOpen: 0.2 }, /^RunOptions: world\.machineOpen: unknown field 'machineOpen'; did you mean 'machineOpens'\?/],
    ["text for the world", "x", /^RunOptions: world: expected a mapping with one of purchase, spend, /],
    ["NaN for a rate", { leaveRate: NaN }, /^RunOptions: world\.leaveRate: expected a number from 0 to 1, got number NaN/],
    [
      "the plan file's channels by name",
      { channels: { sms: { click: 0.1 } } },
      "RunOptions: world.channels: expected the list of the 5 channels' responses (email, sms, push, mail, call, in that order), got a mapping: a world option replaces world.channels whole, e.g. { channels: planWorld(plan).channels.map((c, i) => (i === 1 ? { ...c, click: 0.1 } : c)) } (a plan's world: section sets them by name: channels: { sms: … })",
    ],
    [
      "part of a mapping it replaces",
      { seasonality: { peaks: [] } },
      "RunOptions: world.seasonality: missing hours, weekdays, months: a world option replaces world.seasonality whole, so it gives every field, e.g. { seasonality: { ...planWorld(plan).seasonality, peaks: [] } } (a plan's world: section sets single fields)",
    ],
    ["a channel list of 4", { channels: DEFAULT_WORLD.channels.slice(0, 4) }, /^RunOptions: world\.channels: expected the list of the 5 channels' responses .* got a list of 4/],
    ["a channel figure out of range", { channels: DEFAULT_WORLD.channels.map((c, i) => (i === 1 ? { ...c, click: 3 } : c)) }, "RunOptions: world.channels.sms.click: expected a number from 0 to 1, got number 3"],
    ["consents by name", { consents: { sms: 0.5 } }, /^RunOptions: world\.consents: expected the list of the 5 channels' consent shares/],
    ["a visit rate of 1e300", { visitsPerPurchase: 1e300 }, `RunOptions: world.visitsPerPurchase: expected a number from 0 to 1000, got number 1e+300 (docs/world-model.md, "Ranges", says why)`],
    ["a spend scale of 1e300", { spend: { ...DEFAULT_WORLD.spend, scale: 1e300 } }, /^RunOptions: world\.spend\.scale: expected a number > 0 and ≤ 10000000, got number 1e\+300/],
    ["purchases faster than once a day", { purchase: { ...DEFAULT_WORLD.purchase, alpha: 0.01 } }, /^RunOptions: world\.purchase: the mean purchase rate r \/ alpha is 24\.3 purchases a week per customer \(r 0\.243, alpha 0\.01\); at most 7/],
    ["worstAt under goodBelow", { reputation: { ...DEFAULT_WORLD.reputation, worstAt: 0.0005 } }, /^RunOptions: world\.reputation: worstAt \(0\.0005\) must be above goodBelow \(0\.001\)/],
  ])("refuses %s before drawing anyone", (_what, w, message) => {
    expect(() => runPlan(plan, world(w))).toThrow(message);
  });

  it("is checked by every run that takes it: compare, tuner, explain", () => {
    const bad = world({ machineOpens: 5 }), message = "RunOptions: world.machineOpens: expected a number from 0 to 1, got number 5";
    expect(() => comparePlans([plan], { ...bad, replications: 1 })).toThrow(message);
    expect(() => tuner(plan, bad)).toThrow(message);
    const { cache: _cache, ...explainable } = bad; // explainCustomer keeps no baseline: it refuses a cache option by name
    expect(() => explainCustomer(plan, { ...explainable, customer: "C0000001" })).toThrow(message);
    // sweep ran its baseline first, then failed (or crashed on a channels mapping): now refused before any run
    expect(() => sweep(plan, [{ path: "margin", values: [0.3, 0.4] }], world({ channels: { sms: { click: 0.1 } } }))).toThrow(/^RunOptions: world\.channels: expected the list/);
  });

  it("refuses a plan's section and an option each sound but together beyond a limit binding both", () => {
    // 0.486 purchases a week (the plan) × 200 visits each (the option): 97 visits a week, over ten a day
    const fast = parsePlan("channels: { email: {} }\nworld: { purchase: { alpha: 0.5 } }\n", "fast.yaml");
    expect(runPlan(fast, o).summary.purchases).toBeGreaterThan(0);
    expect(runPlan(plan, world({ visitsPerPurchase: 200 })).summary.purchases).toBeGreaterThan(0);
    expect(() => runPlan(fast, world({ visitsPerPurchase: 200 }))).toThrow(
      "RunOptions: world.visitsPerPurchase: the mean visit rate (purchases a week 0.486 × visitsPerPurchase 200 + baseVisitsPerWeek 0.05) is 97.3 identified visits a week per customer; at most 70 (ten a day) (the plan's world: section with this option over it)",
    );
    expect(() => comparePlans([fast], { ...world({ visitsPerPurchase: 200 }), replications: 1 })).toThrow(/^RunOptions: world\.visitsPerPurchase: the mean visit rate/);
  });

  it("still takes the world model's shape the tests, notebooks and `cadence fit --world-out` pass, with the same figures", () => {
    const plain = runPlan(plan, o).summary;
    // the whole world, or a key replaced whole with its own values, is the plan's world
    expect(runPlan(plan, world(DEFAULT_WORLD)).summary.digest).toBe(plain.digest);
    expect(runPlan(plan, world({ channels: planWorld(plan).channels, reputation: { ...DEFAULT_WORLD.reputation } })).summary.digest).toBe(plain.digest);
    // a reputation without its lag (as test/parallel/sharding.test.ts passes it) runs with the default lag:
    // the same figures (the digest names the population's world, written without the lag)
    const { lagDays: _lag, ...noLag } = DEFAULT_WORLD.reputation;
    const { digest: _d, ...figures } = plain, { digest: _e, ...noLagFigures } = runPlan(plan, world({ reputation: noLag })).summary;
    expect(noLagFigures).toEqual(figures);
    // and a change is a change: every e-mail opened by the client
    const machine = runPlan(plan, world({ machineOpens: 1 })).summary;
    expect(machine.opens).toBeGreaterThan(plain.opens);
  });
});

describe("planWorld and worldWith from code", () => {

  // each returned the world with the typo ignored or the share of 5 in it, silently
  it.each([
    ["a misspelt key", { machineOpen: 0.3 }, "world.machineOpen: unknown field 'machineOpen'; did you mean 'machineOpens'?"],
    ["a share above 1", { machineOpens: 5 }, "world.machineOpens: expected a number from 0 to 1, got number 5"],
    ["a rate of 1e300", { visitsPerPurchase: 1e300 }, `world.visitsPerPurchase: expected a number from 0 to 1000, got number 1e+300 (docs/world-model.md, "Ranges", says why)`],
  ])("refuse %s as a run's world option is refused, naming the function", (_what, over, message) => {
    expect(() => planWorld(plan, anyway(over))).toThrow(InputError);
    expect(() => planWorld(plan, anyway(over))).toThrow(`planWorld: ${message}`);
    expect(() => worldWith(anyway(over))).toThrow(`worldWith: ${message}`);
  });

  it("give the example of the world each replaces keys of", () => {
    expect(() => worldWith(anyway({ channels: { sms: { click: 0.1 } } }))).toThrow(
      "worldWith: world.channels: expected the list of the 5 channels' responses (email, sms, push, mail, call, in that order), got a mapping: a world option replaces world.channels whole, e.g. { channels: DEFAULT_WORLD.channels.map((c, i) => (i === 1 ? { ...c, click: 0.1 } : c)) }",
    );
    expect(() => worldWith(anyway({ discount: { gain: 1.5 } }))).toThrow(
      "worldWith: world.discount: missing scale, redeemAnyway, validDays: a world option replaces world.discount whole, so it gives every field, e.g. { discount: { ...DEFAULT_WORLD.discount, gain: 1.5 } }",
    );
    expect(() => planWorld(plan, anyway({ discount: { gain: 1.5 } }))).toThrow("e.g. { discount: { ...planWorld(plan).discount, gain: 1.5 } }");
  });

  it("planWorld refuses a plan's file name (it gave the default world) and names itself at a limit the plan and the option pass together", () => {
    expect(() => planWorld(anyway("scenarios/lifecycle.yaml"))).toThrow(`planWorld: expected a loaded plan, got the text 'scenarios/lifecycle.yaml': load it first, planWorld(loadPlan("scenarios/lifecycle.yaml"), …)`);
    const fast = parsePlan("channels: { email: {} }\nworld: { purchase: { alpha: 0.5 } }\n", "fast.yaml");
    expect(() => planWorld(fast, { visitsPerPurchase: 200 })).toThrow(/^planWorld: world\.visitsPerPurchase: the mean visit rate \(purchases a week 0\.486 × visitsPerPurchase 200/);
  });

  it("still give the same worlds for sound arguments", () => {
    expect(planWorld(plan)).toEqual(planWorld(plan, {}));
    expect(planWorld(plan, { machineOpens: 0.4 }).machineOpens).toBe(0.4);
    expect(planWorld(plan, { machineOpens: 0.4 }).leaveRate).toBe(DEFAULT_WORLD.leaveRate);
    expect(worldWith()).toEqual(DEFAULT_WORLD);
    expect(worldWith(DEFAULT_WORLD)).toEqual(DEFAULT_WORLD);
    const w = worldWith({ discount: { ...DEFAULT_WORLD.discount, gain: 1.5 } });
    expect([w.discount.gain, w.discount.scale]).toEqual([1.5, DEFAULT_WORLD.discount.scale]);
  });
});
