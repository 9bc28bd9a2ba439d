/**
 * The engine's exported functions called from a notebook with plausible wrong arguments fail at once
 * with an InputError saying what was passed and what is expected, instead of deep in the simulator
 * ("Cannot read properties of undefined (reading 'journeys')", "Invalid time value", a loop for ever).
 */
import { describe, expect, it } from "vitest";
import {
  backtest,
  comparePlansInWorkers,
  explainCustomer,
  formatDate,
  importHistory,
  InputError,
  loadPlan,
  parseDate,
  parsePlan,
  runPlan,
  runPlanInWorkers,
  summaryInWorkers,
} from "../../engine/mod.ts";
import { tempDir } from "../datasets/temp-files.ts";

const plan = loadPlan("scenarios/lifecycle.yaml");
// deliberately wrong arguments, as a notebook (plain JavaScript) may pass them
// deno-lint-ignore no-explicit-any
const anyway = (v: unknown) => v as any;

describe("runPlan's arguments", () => {
  it("refuses a plan's file name, saying to load it", () => {
    expect(() => runPlan(anyway("scenarios/lifecycle.yaml"))).toThrow(`runPlan: expected a loaded plan, got the text 'scenarios/lifecycle.yaml': load it first, runPlan(loadPlan("scenarios/lifecycle.yaml"), …)`);
  });

  it("refuses a plain object and null options", () => {
    expect(() => runPlan(anyway({ name: "x", programs: [] }))).toThrow(`runPlan: expected a loaded plan, got a mapping with name, programs: a plan file is read by loadPlan("scenarios/lifecycle.yaml"), a plan's text by parsePlan(text, "name.yaml")`);
    expect(() => runPlan(plan, anyway(null))).toThrow("runPlan: options: expected an object such as { customers: 10_000, days: 365, seed: 1 } (or nothing, for those defaults), got null");
    expect(() => runPlan(plan, { customers: 100, days: 5, start: "2026-13-01" })).toThrow(InputError);
  });
});

describe("explainCustomer's sizes, checked as runPlan checks them", () => {
  const o = { customer: "C0000001", customers: 50, days: 10 };
  it.each([
    ["days: -5", { days: -5 }, "days: expected a whole number from 1 to 3,650, got -5"], // a RangeError in sim/metrics.ts
    ["days: NaN", { days: NaN }, "days: expected a whole number from 1 to 3,650, got NaN"], // an empty timeline
    ["seed: NaN", { seed: NaN }, "seed: expected a whole number from 0 to 2,147,483,647, got NaN"], // seed null, no rows
    ["customers: NaN", { customers: NaN }, "customers: expected a whole number from 1 to 20,000,000, got NaN"], // "ids run undefined … undefined"
    ["customers: 10.5", { customers: 10.5 }, "customers: expected a whole number from 1 to 20,000,000, got 10.5"], // ran for ever
  ])("refuses %s", (_what, bad, message) => {
    expect(() => explainCustomer(plan, { ...o, ...bad })).toThrow(message);
  });

  it("refuses a plan's file name and a missing customer, and explains a valid one", () => {
    expect(() => explainCustomer(anyway("scenarios/lifecycle.yaml"), o)).toThrow(/^explainCustomer: expected a loaded plan, got the text 'scenarios\/lifecycle\.yaml': load it first/);
    expect(() => explainCustomer(plan, anyway({ customers: 50 }))).toThrow('customer: expected a customer id such as "C0000042", got nothing');
    const tl = explainCustomer(plan, o);
    expect([tl.customer, tl.seed, tl.days]).toEqual(["C0000001", 1, 10]);
  });
});

describe("runs in workers check their worker count", () => {
  const o = { customers: 100, days: 5, cache: "off" as const };
  it.each([0, -1, NaN, "2"])("refuses workers: %s in runPlanInWorkers, summaryInWorkers and comparePlansInWorkers", async (workers) => {
    const message = /^workers: expected a whole number from 1 to 256, got /;
    await expect(runPlanInWorkers(plan, { ...o, workers: anyway(workers) })).rejects.toThrow(message);
    await expect(summaryInWorkers(plan, { ...o, workers: anyway(workers) })).rejects.toThrow(message);
    await expect(comparePlansInWorkers([plan], { ...o, replications: 1, workers: anyway(workers) })).rejects.toThrow(message);
  });
});

describe("backtest's period", () => {
  const t = tempDir();
  t.write("tx.csv", "id,day,usd\nA,2024-01-10,20\nA,2024-03-02,30\nB,2024-03-05,40\nA,2024-06-01,99\n");
  const PLAN = `name: bt
timezone: "+00:00"
channels:
  email: { window: always }
programs:
  - id: thanks
    type: journey
    trigger: { event: purchase }
    reentry: always
    steps:
      - send: { channel: email, message: thanks, category: relational }
`;
  const bt = parsePlan(PLAN, "bt.yaml");
  const withHoldout = importHistory(t.write("h.yaml", "calibrationEnd: 2024-02-29\nholdoutEnd: 2024-04-30\ntransactions: { file: tx.csv, columns: { customer: id, date: day, amount: usd } }\n"));
  const open = importHistory(t.write("open.yaml", "calibrationEnd: 2024-02-29\ntransactions: { file: tx.csv, columns: { customer: id, date: day, amount: usd } }\n"));

  it("defaults as cadence backtest does: from the day after calibrationEnd to holdoutEnd, else the last transaction's day", () => {
    const given = backtest(bt, withHoldout, { from: parseDate("2024-03-01")!, to: parseDate("2024-04-30")! }).summary;
    expect(backtest(bt, withHoldout).summary).toEqual(given);
    expect([given.from, given.to, given.purchases]).toEqual(["2024-03-01", "2024-04-30", 2]);
    const s = backtest(bt, open, {}).summary;
    expect([s.from, s.to, s.purchases]).toEqual(["2024-03-01", "2024-06-01", 3]);
  });

  it("takes a day as a date's text, and refuses one it cannot read", () => {
    const given = backtest(bt, withHoldout, { from: parseDate("2024-03-01")!, to: parseDate("2024-04-30")! }).summary;
    expect(backtest(bt, withHoldout, { from: "2024-03-01", to: "2024-04-30" }).summary).toEqual(given);
    expect(() => backtest(bt, withHoldout, { from: "03/01/2024" })).toThrow(`from: expected a date such as "1997-10-01" (years 1900 to 2199) or its minutes (parseDate("1997-10-01")), got string "03/01/2024"`);
    expect(() => backtest(bt, withHoldout, { from: "2024-04-01", to: "2024-03-01" })).toThrow("to: 2024-03-01 is before from: 2024-04-01");
    expect(() => backtest(bt, anyway("h.yaml"))).toThrow(`backtest: expected a history imported by importHistory("datasets/cdnow-optin.yaml"), got the text 'h.yaml': import it first`);
  });
});

describe("formatDate", () => {
  it("names a time it cannot format", () => {
    expect(formatDate(parseDate("2026-03-04")!)).toBe("2026-03-04");
    expect(() => formatDate(NaN)).toThrow(`formatDate: expected a time in minutes since 1970-01-01 UTC, such as parseDate("2026-01-01"), got NaN`);
  });
});
