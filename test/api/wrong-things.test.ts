/**
 * The engine's exported functions handed the wrong thing from a notebook: a run where a comparison is
 * taken, a loaded plan where a validated one is, no options, a file name where a plan's text is. Each
 * failed with a TypeError deep inside, or a message that did not say what to do; each now gives an
 * InputError naming the function, what it got and what to give.
 */
import { existsSync, readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { anyway } from "../helpers.ts";
import {
  compareCsv,
  comparePlans,
  comparePlansInWorkers,
  compilePlan,
  DEFAULT_WORLD,
  expandValues,
  historyPopulation,
  InputError,
  loadPlan,
  parseDate,
  parsePlan,
  renderReport,
  runPlan,
  setPath,
  syntheticPopulation,
} from "../../engine/mod.ts";
import { parseSet } from "../../engine/cli/sweep.ts";
import { tempDir } from "../datasets/temp-files.ts";

const plan = loadPlan("scenarios/lifecycle.yaml");
const o = { customers: 100, days: 5, cache: "off" as const };

describe("renderReport and compareCsv", () => {
  const run = runPlan(plan, o);
  const compare = `comparePlans([loadPlan("scenarios/batch-and-blast.yaml"), loadPlan("scenarios/lifecycle.yaml")])`;

  it("given runPlan's result, say to compare (it was \"Cannot read properties of undefined (reading 'filter')\")", () => {
    const why = "got runPlan's result, one run: a comparison runs each plan against the no-plan baseline (one plan too: comparePlans([plan]))";
    expect(() => renderReport(anyway(run))).toThrow(InputError);
    expect(() => renderReport(anyway(run))).toThrow(`renderReport: expected a comparison (the result of comparePlans), ${why}, e.g. renderReport(${compare})`);
    // (reading 'flatMap'), and nothing written
    const t = tempDir();
    const dir = `${t.dir}/csv`;
    expect(() => compareCsv(anyway(run), dir)).toThrow(`compareCsv: expected a comparison (the result of comparePlans), ${why}, e.g. compareCsv(${compare}, "out/csv")`);
    expect(existsSync(dir)).toBe(false);
  });

  it("given a promise not awaited, nothing, or no folder, say what to give", () => {
    const pending = comparePlansInWorkers([plan], { ...o, replications: 1, workers: 1 });
    expect(() => renderReport(anyway(pending))).toThrow("renderReport: expected a comparison (the result of comparePlans), got a promise: await it first, renderReport(await comparePlansInWorkers(…))");
    expect(() => renderReport(anyway(undefined))).toThrow("renderReport: expected a comparison (the result of comparePlans), got nothing: e.g. renderReport(comparePlans(");
    const c = comparePlans([plan], { ...o, replications: 1 });
    expect(() => compareCsv(c, anyway(undefined))).toThrow(`compareCsv: dir: expected the folder to write the four files into, such as "out/csv", got nothing`);
    expect(() => renderReport(c, anyway({ cvs: [] }))).toThrow("renderReport: options: unknown option 'cvs'; did you mean 'csv'? (options: csv, contributions)");
    return pending;
  });

  it("still render and write a comparison", () => {
    const c = comparePlans([plan], { ...o, replications: 1 });
    expect(renderReport(c)).toMatch(/^<!doctype html>/i);
    const t = tempDir();
    expect(compareCsv(c, t.dir).map((f) => f.split("/").pop())).toEqual(["compare-summary.csv", "compare-differences.csv", "compare-pressure.csv", "compare-programs.csv"]);
    expect(readdirSync(t.dir).length).toBe(4);
  });
});

describe("compilePlan", () => {
  it("given a loaded plan or its file name, says it is compiled already or how (it was \"Cannot read properties of undefined (reading 'length')\")", () => {
    const head = "compilePlan: expected a validated plan (loadPlan(…).plan), got";
    expect(() => compilePlan(anyway(plan))).toThrow(InputError);
    expect(() => compilePlan(anyway(plan))).toThrow(`${head} a loaded plan: it is compiled already, loaded.compiled (compilePlan(loaded.plan) compiles it again)`);
    expect(() => compilePlan(anyway("scenarios/lifecycle.yaml"))).toThrow(`${head} the text 'scenarios/lifecycle.yaml': a plan file is read, validated and compiled by loadPlan("scenarios/lifecycle.yaml").compiled`);
    expect(() => compilePlan(anyway({ name: "x", programs: [] }))).toThrow(`${head} a mapping with name, programs: a plan as written is validated and compiled by parsePlan(JSON.stringify(plan), "name.yaml").compiled`);
  });

  it("compiles a validated plan as loading does", () => {
    const again = compilePlan(plan.plan);
    expect(again.journeys.length).toBe(plan.compiled.journeys.length);
    expect(again.programs.map((p) => p.id)).toEqual(plan.compiled.programs.map((p) => p.id));
  });
});

describe("the populations drawn by hand", () => {
  const start = parseDate("1997-10-01")!;
  const history = historyPopulation as (...args: unknown[]) => unknown; // called with too few arguments, as plain JavaScript may

  it("historyPopulation with no options or a date's text says what to give (it was \"Cannot read properties of undefined (reading 'start')\", then a RangeError)", () => {
    const example = `{ seed: 1, start: parseDate("1997-10-01"), journeys: plan.compiled.journeys.length, world: planWorld(plan) }`;
    expect(() => history("datasets/cdnow.yaml")).toThrow(InputError);
    expect(() => history("datasets/cdnow.yaml")).toThrow(`historyPopulation: options: expected ${example}, got nothing; a run from history takes parsePopulation("history:datasets/cdnow.yaml"), which makes this population with its start and days`);
    expect(() => historyPopulation("datasets/cdnow.yaml", anyway({}))).toThrow(`historyPopulation: options: missing seed, start, journeys, world: e.g. ${example}`);
    expect(() => historyPopulation("datasets/cdnow.yaml", anyway({ seed: 1, start: "1997-10-01", journeys: 0, world: DEFAULT_WORLD }))).toThrow(
      `historyPopulation: options: start: expected the run's first minute, in minutes since 1970-01-01 UTC, such as parseDate("1997-10-01"), got the date's text '1997-10-01': give its minutes, parseDate("1997-10-01")`,
    );
    expect(() => historyPopulation("datasets/cdnow.yaml", anyway({ seed: 1, start, journeys: 0, world: { machineOpens: 0.4 } }))).toThrow(
      "historyPopulation: options: world: expected a whole world, such as planWorld(plan), DEFAULT_WORLD or worldWith({ machineOpens: 0.4 }), got a mapping without purchase, spend, prospectShare, prospectRateFactor and 34 more",
    );
    expect(() => history({ seed: 1 })).toThrow(`historyPopulation: expected a history config's path such as "datasets/cdnow.yaml", got a mapping`);
  });

  it("syntheticPopulation refuses a misspelt option and a seed out of range", () => {
    const good = { customers: 50, seed: 1, start: parseDate("2026-01-01")!, days: 30, journeys: 0, world: DEFAULT_WORLD };
    expect(() => syntheticPopulation(anyway({ ...good, customers: undefined, customer: 50 }))).toThrow("syntheticPopulation: options: unknown option 'customer'; did you mean 'customers'?");
    expect(() => syntheticPopulation(anyway({ ...good, seed: -1 }))).toThrow("syntheticPopulation: options: seed: expected a whole number from 0 to 2,147,483,647, got -1");
    expect(syntheticPopulation(good).size).toBe(50);
  });

  it("historyPopulation draws the customers known the day before start, as before", () => {
    // CDNOW's customers all made their first purchase in the first quarter of 1997
    expect(historyPopulation("datasets/cdnow.yaml", { seed: 1, start, journeys: 0, world: DEFAULT_WORLD }).size).toBe(2357);
  });
});

describe("parsePlan", () => {
  it("given a plan's file name, asks whether loadPlan was meant (it said '(root): expected a mapping …')", () => {
    expect(() => parsePlan("scenarios/lifecycle.yaml")).toThrow(InputError);
    expect(() => parsePlan("scenarios/lifecycle.yaml")).toThrow(`parsePlan: expected a plan's text (YAML or JSON), got the file name 'scenarios/lifecycle.yaml': did you mean loadPlan("scenarios/lifecycle.yaml")? (parsePlan reads a plan's text, loadPlan its file)`);
    expect(() => parsePlan(" plans/mine.json\n")).toThrow(`did you mean loadPlan("plans/mine.json")?`);
    // a one-line plan's text is still read as one
    expect(parsePlan(`{ "channels": { "email": {} }, "name": "x.yaml" }`, "x.json").plan.name).toBe("x.yaml");
  });
});

describe("setPath and expandValues from code", () => {
  const capped = loadPlan("scenarios/lifecycle-capped.yaml");

  it("name themselves, not the command line's --set a notebook never typed", () => {
    expect(() => setPath(capped.source, "pressure.rules.two-a-wek.cap", 3)).toThrow(
      "setPath: pressure.rules.two-a-wek.cap: no element 'two-a-wek' in pressure.rules; valid: one-a-day, two-a-week, sms-spacing, weighted-pressure",
    );
    expect(() => setPath(capped.source, "pressure.rules[0]..cap", 3)).toThrow("setPath: pressure.rules[0]..cap: cannot read this path: use dots and [n]");
    expect(() => expandValues("1..x")).toThrow("expandValues: cannot read the range '1..x': write a..b (whole numbers, step 1) or a..b:step, e.g. 1..5 or 0.5..2:0.5");
    expect(() => expandValues("5..1")).toThrow("expandValues: the range '5..1' runs backwards: write the smaller value first (1..5)");
    // the command line still names its flag and path
    expect(() => parseSet("pressure.rules.two-a-week.cap=5..1")).toThrow("--set pressure.rules.two-a-week.cap: the range '5..1' runs backwards");
  });

  it("setPath refuses a loaded plan (it was a DataCloneError), a missing value and a path that is not text", () => {
    expect(() => setPath(capped, "pressure.rules.two-a-week.cap", 3)).toThrow(InputError);
    expect(() => setPath(capped, "pressure.rules.two-a-week.cap", 3)).toThrow(
      `setPath: expected a plan's source (plan.source), got a loaded plan: setPath(plan.source, "pressure.rules.two-a-week.cap", …), then parsePlan(JSON.stringify(doc), plan.file)`,
    );
    // undefined dropped the field from the plan's JSON: the variant silently kept the template's or lost it
    expect(() => setPath(capped.source, "pressure.rules.two-a-week.cap", undefined)).toThrow("setPath: pressure.rules.two-a-week.cap: no value (undefined); give the value to set, e.g. a number such as 3");
    expect(() => setPath(capped.source, "pressure.rules.two-a-week.cap", NaN)).toThrow("setPath: pressure.rules.two-a-week.cap: expected a finite number, got NaN");
    expect(() => setPath(capped.source, anyway(["pressure", "rules"]), 3)).toThrow(`setPath: path: expected a plan path such as "pressure.rules.two-a-week.cap", got a list`);
  });

  it("expandValues refuses a list, which sweep takes as it is (it was \"text.split is not a function\")", () => {
    expect(() => expandValues(anyway([1, 2]))).toThrow(`expandValues: expected the text of a list of values and ranges such as "1..3,8" or "0.5..2:0.5", got a list (a list of values is given to sweep as it is, { path, values: [1, 2, 3] })`);
  });

  it("still set and expand as before", () => {
    const doc = setPath(capped.source, "pressure.rules.two-a-week.cap", 3);
    const rules = (parsePlan(JSON.stringify(doc), capped.file).source as { pressure: { rules: { name: string; cap: number }[] } }).pressure.rules;
    expect(rules.find((r) => r.name === "two-a-week")!.cap).toBe(3);
    expect(expandValues("1..3,8")).toEqual([1, 2, 3, 8]);
  });
});
