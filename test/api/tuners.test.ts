/**
 * The tuners as a notebook drives them: a move changes the plan's decisions on customers drawn once, so
 * a move that would change the world is refused (it gave the new world's plan against the old world's
 * customers and baseline: reach 256 where runPlan gave 350), and so are values that are not an object of
 * paths. `workers` is checked like the run's sizes, and defaults to the machine's cores.
 */
import { describe, expect, it } from "vitest";
import { anyway } from "../helpers.ts";
import { loadPlan, parsePlan, runPlan, shardedTuner, tuner } from "../../engine/mod.ts";

const PLAN = `name: w
timezone: "+01:00"
channels:
  email: { cost: 0.002 }
pressure:
  rules:
    - { name: weekly, cap: 2, window: 7d }
programs:
  - id: news
    type: campaign
    schedule: { weekly: [mon, thu], at: "10:00" }
    audience: consent.email
    send: { channel: email, message: news, category: promotional }
world: { machineOpens: 0.3 }
`;
const plan = parsePlan(PLAN, "w.yaml");
const o = { customers: 400, days: 30, seed: 5, cache: "off" as const };

describe("tuner", () => {
  it("refuses a world path, saying why and what to do; a tuner opened in that world gives runPlan's figures", () => {
    const t = tuner(plan, o);
    expect(() => t.run({ "world.machineOpens": 0.9 })).toThrow(
      "tuner: world.machineOpens: a tuner cannot change the world parameters: its customers and no-plan baseline are drawn once, in the world of the plan it was opened with, so a move changes the plan's decisions only; open another tuner in that world, e.g. tuner(plan, { ...options, world: { machineOpens: 0.9 } }) (a sweep refuses world values for the same reason)",
    );
    expect(() => t.run({ world: { machineOpens: 0.9 }, "pressure.rules.weekly.cap": 1 })).toThrow(/^tuner: world: a tuner cannot change the world parameters/);
    // what the message advises
    const other = tuner(plan, { ...o, world: { machineOpens: 0.9 } }).run({ "pressure.rules.weekly.cap": 1 }).summary;
    const variant = parsePlan(PLAN.replace("cap: 2", "cap: 1").replace("machineOpens: 0.3", "machineOpens: 0.9"), "w.yaml");
    const { digest: _a, planHash: _b, ...expected } = runPlan(variant, o).summary, { digest: _c, planHash: _d, ...got } = other;
    expect(got).toEqual(expected);
    expect(got.opens).toBeGreaterThan(t.run({ "pressure.rules.weekly.cap": 1 }).summary.opens);
  });

  it("refuses values that are not an object of paths (a list was read as the path '0')", () => {
    const t = tuner(plan, o);
    const expected = 'tuner: values: expected an object of plan paths and their values, such as { "pressure.rules.two-a-week.cap": 3 }, got';
    expect(() => t.run(anyway([{ "pressure.rules.weekly.cap": 1 }]))).toThrow(`${expected} a list`);
    expect(() => t.run(anyway(null))).toThrow(`${expected} null`);
    expect(t.run({ "pressure.rules.weekly.cap": 1 }).summary.contacts).toBeLessThan(t.run({}).summary.contacts);
  });

  it("refuses a value that is NaN, infinite or undefined, naming it (NaN was reported as 'got null')", () => {
    const t = tuner(plan, o);
    expect(() => t.run({ "pressure.rules.weekly.cap": NaN })).toThrow("tuner: pressure.rules.weekly.cap: expected a finite number, got NaN");
    expect(() => t.run({ "pressure.rules.weekly.cap": -Infinity })).toThrow("tuner: pressure.rules.weekly.cap: expected a finite number, got -Infinity");
    // an undefined value dropped the field: 'a rule has exactly one of cap, spacing or weighted; this one has none'
    expect(() => t.run({ "pressure.rules.weekly.cap": undefined })).toThrow("tuner: pressure.rules.weekly.cap: no value (undefined); give the value to set, e.g. a number such as 3");
  });

  it("names a bad variant's field at its line in the plan file, with the values set (it said line 1)", () => {
    // scenarios/lifecycle-capped.yaml line 18 starts the two-a-week rule, line 19 is its `cap: 2`
    const t = tuner(loadPlan("scenarios/lifecycle-capped.yaml"), o);
    expect(() => t.run({ "pressure.rules.two-a-week.cap": 1.5 })).toThrow(
      'tuner: "pressure.rules.two-a-week.cap": 1.5: the variant is not a valid plan:\nscenarios/lifecycle-capped.yaml:19: pressure.rules[1].cap: a cap counts contacts: expected a whole number, got 1.5; write 1 or 2',
    );
    expect(() => t.run({ "pressure.rules.two-a-week.capp": 3 })).toThrow(
      /^tuner: "pressure\.rules\.two-a-week\.capp": 3: the variant is not a valid plan:\nscenarios\/lifecycle-capped\.yaml:18: pressure\.rules\[1\]\.capp: unknown field 'capp'; did you mean 'cap'\?/,
    );
  });

  it("checks its start when it is opened, not at the first move", () => {
    expect(() => tuner(plan, { ...o, start: "garbage" })).toThrow("start: expected a date such as 2026-01-01 (years 1900 to 2199), got 'garbage'");
  });
});

describe("sharded tuner", () => {
  it("refuses a world path and a list of values, in run and latest", async () => {
    const t = await shardedTuner(plan, { ...o, workers: 2 });
    try {
      await expect(t.run({ "world.machineOpens": 0.9 })).rejects.toThrow(/^shardedTuner: world\.machineOpens: a tuner cannot change the world parameters: .* e\.g\. shardedTuner\(plan, \{ \.\.\.options, world: \{ machineOpens: 0\.9 \} \}\)/);
      await expect(t.latest({ "world.machineOpens": 0.9 })).rejects.toThrow(/^shardedTuner: world\.machineOpens: a tuner cannot change/);
      await expect(t.latest(anyway([{ "pressure.rules.weekly.cap": 1 }]))).rejects.toThrow("shardedTuner: values: expected an object of plan paths and their values, such as { \"pressure.rules.two-a-week.cap\": 3 }, got a list");
      await expect(t.run(anyway(null))).rejects.toThrow(/^shardedTuner: values: expected an object of plan paths .* got null/);
      // the tuner still answers after refusing
      expect((await t.run({ "pressure.rules.weekly.cap": 1 })).summary).toEqual(tuner(plan, o).run({ "pressure.rules.weekly.cap": 1 }).summary);
    } finally {
      t.close();
    }
  });

  it("refuses every move once closed, a remembered value too (that one came back; others named a shard pool)", async () => {
    const t = await shardedTuner(plan, { ...o, workers: 1 });
    const closed = "shardedTuner: closed: close() stopped its workers; open another, e.g. await shardedTuner(plan, options)";
    t.close();
    await expect(t.run({})).rejects.toThrow(closed); // the plan as opened: its figures are in memory
    await expect(t.run({ "pressure.rules.weekly.cap": 1 })).rejects.toThrow(closed);
    await expect(t.latest({ "pressure.rules.weekly.cap": 1 })).rejects.toThrow(closed);
    t.close(); // a second close does nothing
  });

  it("refuses NaN and names a bad variant's field as the tuner does", async () => {
    const t = await shardedTuner(loadPlan("scenarios/lifecycle-capped.yaml"), { ...o, workers: 1 });
    try {
      await expect(t.run({ "pressure.rules.two-a-week.cap": NaN })).rejects.toThrow("shardedTuner: pressure.rules.two-a-week.cap: expected a finite number, got NaN");
      await expect(t.latest({ "pressure.rules.two-a-week.cap": 1.5 })).rejects.toThrow('shardedTuner: "pressure.rules.two-a-week.cap": 1.5: the variant is not a valid plan:\nscenarios/lifecycle-capped.yaml:19:');
    } finally {
      t.close();
    }
  });

  it.each([
    [0, "workers: expected a whole number from 1 to 256, got 0"],
    [-1, "workers: expected a whole number from 1 to 256, got -1"],
    [1.5, "workers: expected a whole number from 1 to 256, got 1.5"],
    [NaN, "workers: expected a whole number from 1 to 256, got NaN"],
    ["2", "workers: expected a whole number from 1 to 256, got the text '2' (a number is expected, not its text)"],
  ])("refuses workers: %s before starting any", async (workers, message) => {
    await expect(shardedTuner(plan, { ...o, workers: anyway(workers) })).rejects.toThrow(message);
  });

  it("runs on the machine's cores when workers is not given, with the tuner's figures", async () => {
    const t = await shardedTuner(plan, o);
    try {
      expect((await t.run({})).summary).toEqual(tuner(plan, o).run({}).summary);
    } finally {
      t.close();
    }
  });
});
