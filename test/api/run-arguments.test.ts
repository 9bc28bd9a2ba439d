/**
 * The engine's exported functions called from a notebook with plausible wrong arguments fail at once
 * with an InputError saying what was passed and what is expected, instead of deep in the simulator
 * ("Cannot read properties of undefined (reading 'journeys')", "Invalid time value", a loop for ever).
 */
import { describe, expect, it } from "vitest";
import { anyway } from "../helpers.ts";
import {
  backtest,
  comparePlans,
  comparePlansInWorkers,
  customersTable,
  dailyTable,
  eventsTable,
  explainCustomer,
  formatDate,
  importHistory,
  InputError,
  loadPlan,
  messagesTable,
  parseDate,
  parsePlan,
  programsTable,
  runPlan,
  runPlanInWorkers,
  shardedTuner,
  summaryInWorkers,
  sweep,
  totalsTable,
  tuner,
} from "../../engine/mod.ts";
import { tempDir } from "../datasets/temp-files.ts";

const plan = loadPlan("scenarios/lifecycle.yaml");

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

describe("options a function does not take", () => {
  // a misspelt option was ignored: { customer: 100 } ran the default 10,000 customers
  it("are refused by name, with the closest valid one, before anything runs", async () => {
    expect(() => runPlan(plan, anyway({ customer: 100 }))).toThrow(/^runPlan: options: unknown option 'customer'; did you mean 'customers'\? \(options: customers, days, seed, start, /);
    expect(() => runPlan(plan, anyway({ customers: 100, days: 5, replications: 3 }))).toThrow("runPlan: options: unknown option 'replications'");
    expect(() => tuner(plan, anyway({ customers: 100, baseline: false }))).toThrow("tuner: options: unknown option 'baseline'");
    expect(() => sweep(plan, [], anyway({ customers: 100, worker: 2 }))).toThrow("sweep: options: unknown option 'worker'");
    await expect(summaryInWorkers(plan, anyway({ customers: 100, seeds: 3 }))).rejects.toThrow("summaryInWorkers: options: unknown option 'seeds'; did you mean 'seed'?");
    await expect(shardedTuner(plan, anyway({ customers: 100, record: true }))).rejects.toThrow("shardedTuner: options: unknown option 'record'");
  });

  it("each function's own options still pass, and runs in workers hand runPlan only its own", async () => {
    const o = { customers: 300, days: 20, seed: 3 };
    const one = runPlan(plan, o).summary.digest;
    expect((await runPlanInWorkers(plan, { ...o, workers: 1, minShard: 1_000, populationSpec: "synthetic" })).summary.digest).toBe(one);
    expect(sweep(plan, [{ path: "programs.newsletter.priority", values: [1] }], { ...o, replications: 1, onVariant: () => {} }).variants.length).toBe(1);
  });
});

describe("options of the wrong type", () => {
  const o = { customers: 100, days: 5, cache: "off" as const };
  const history = `history:datasets/cdnow.yaml`;

  it("a population given as the command line's text says how to make the hook from it (it was 'o.population is not a function')", async () => {
    const hook = "options: population: expected the population hook of parsePopulation, got the text 'history:datasets/cdnow.yaml': const spec = parsePopulation(\"history:datasets/cdnow.yaml\"); ";
    expect(() => runPlan(plan, anyway({ ...o, population: history }))).toThrow(`runPlan: ${hook}runPlan(…, { population: spec.population, start: spec.start, days: spec.days })`);
    expect(() => comparePlans([plan], anyway({ ...o, population: history }))).toThrow(`comparePlans: ${hook}comparePlans(…, { population: spec.population, start: spec.start, days: spec.days, populationLabel: spec.label, revenueCurrency: spec.currency })`);
    await expect(runPlanInWorkers(plan, anyway({ ...o, population: history }))).rejects.toThrow(`(runPlanInWorkers also takes the text itself: { populationSpec: "history:datasets/cdnow.yaml" })`);
    expect(() => sweep(plan, [{ path: "programs.newsletter.priority", values: [1] }], anyway({ ...o, population: history }))).toThrow(`sweep: ${hook}`);
    expect(() => runPlan(plan, anyway({ ...o, population: {} }))).toThrow(`runPlan: options: population: expected the population hook of parsePopulation("history:datasets/cdnow.yaml").population, got a mapping`);
  });

  it.each([
    ["onDay: 3", { onDay: 3 }, "onDay: expected a function, got number 3"], // "o.onDay is not a function" at the first day
    ["cache: \"dsk\"", { cache: "dsk" }, `cache: expected "memory", "disk" or "off", got string "dsk"`], // ran as "memory"
    ["record: \"yes\"", { record: "yes" }, "record: expected true or false, got string \"yes\""],
    ["baseline: \"no\"", { baseline: "no" }, "baseline: expected true, false or the baseline of an earlier run (result.baseline), got string \"no\""], // ran without a baseline
    ["laneWidth: -1", { laneWidth: -1 }, "laneWidth: expected a whole number of customers, 1 or more, got number -1"], // a RangeError from lanes.ts
  ])("runPlan refuses %s, naming the option and what it takes", (_what, bad, message) => {
    expect(() => runPlan(plan, anyway({ ...o, ...bad }))).toThrow(`runPlan: options: ${message}`);
    expect(() => runPlan(plan, anyway({ ...o, ...bad }))).toThrow(InputError);
  });

  it("comparePlans checks its hooks and texts too; valid ones still run", () => {
    expect(() => comparePlans([plan], anyway({ ...o, onProgress: "bar" }))).toThrow(`comparePlans: options: onProgress: expected a function, got string "bar"`);
    expect(() => comparePlans([plan], anyway({ ...o, populationLabel: 3 }))).toThrow(`comparePlans: options: populationLabel: expected a text, got number 3`);
    const phases = new Set<string>();
    expect(runPlan(plan, { ...o, cache: "memory", record: false, baseline: true, laneWidth: 64, onDay: (p) => void phases.add(p) }).summary.customers).toBe(100);
    expect([...phases]).toEqual(["baseline", "plan"]);
  });
});

describe("the tables of a run", () => {
  const result = runPlan(plan, { customers: 100, days: 5, cache: "off" });
  it("given runPlan's whole result, say which part to pass (it was \"Cannot read properties of undefined (reading 'names')\")", () => {
    expect(() => dailyTable(anyway(result))).toThrow(InputError);
    expect(() => dailyTable(anyway(result))).toThrow("dailyTable: expected a run (result.run of runPlan), got runPlan's whole result: dailyTable(result.run, result.baseline)");
    expect(() => customersTable(anyway(result))).toThrow("customersTable: expected a run (result.run of runPlan), got runPlan's whole result: customersTable(result.run)");
    expect(() => programsTable(anyway(result))).toThrow("programsTable: expected a run's summary (result.summary), got runPlan's whole result: programsTable(result.summary)");
    expect(() => totalsTable(anyway(result.summary))).toThrow("totalsTable: expected a list of runs' summaries, got one summary: totalsTable([result.summary])");
  });

  it("messages and events of a run made without record: true say how to keep them (it was \"… (reading 'mTime')\")", () => {
    const keep = "got nothing: a run keeps its messages and events when asked, runPlan(plan, { record: true })";
    expect(() => messagesTable(result.run, result.recorder!)).toThrow(`messagesTable: expected the run's recorder (result.recorder), ${keep}`);
    expect(() => eventsTable(result.run, anyway(undefined))).toThrow(`eventsTable: expected the run's recorder (result.recorder), ${keep}`);
    const recorded = runPlan(plan, { customers: 100, days: 5, cache: "off", record: true });
    expect(messagesTable(recorded.run, recorded.recorder!).filter((d: { status: string }) => d.status === "sent").numRows()).toBe(recorded.summary.contacts);
    expect([dailyTable(result.run, result.baseline).numRows(), customersTable(result.run).numRows(), totalsTable([result.summary]).numRows()]).toEqual([5, 100, 1]);
  });
});

describe("how an input error reads in a notebook", () => {
  it("a tuner's path that does not exist names the tuner, not the command line's --set; the error's stack is its message alone", () => {
    const t = tuner(loadPlan("scenarios/lifecycle-capped.yaml"), { customers: 100, days: 3 });
    let error: Error | null = null;
    try {
      t.run({ "pressure.rules.two-a-wek.cap": 3 });
    } catch (e) {
      error = e as Error;
    }
    expect(error).toBeInstanceOf(InputError);
    expect(error!.message).toBe("tuner: pressure.rules.two-a-wek.cap: no element 'two-a-wek' in pressure.rules; valid: one-a-day, two-a-week, sms-spacing, weighted-pressure");
    // a notebook prints the stack under the message: the engine's frames (set-path.ts, tuner.ts…) added nothing
    expect(error!.stack).toBe(`InputError: ${error!.message}`);
  });
});

describe("plans in the wrong form", () => {
  it("parsePlan and loadPlan refuse what is not text, saying what to give", () => {
    const source = loadPlan("scenarios/lifecycle.yaml").source;
    // it was a TypeError: "source is not a string"
    expect(() => parsePlan(anyway(source))).toThrow(InputError);
    expect(() => parsePlan(anyway(source))).toThrow(`parsePlan: expected a plan's text (YAML or JSON), got a mapping: a plan object is given as parsePlan(JSON.stringify(plan), "name.yaml")`);
    expect(() => parsePlan("name: x", anyway(7))).toThrow("parsePlan: the file name, when given, is text");
    expect(() => loadPlan(anyway(plan))).toThrow("loadPlan: expected a plan file's path such as \"scenarios/lifecycle.yaml\", got a mapping: this plan is loaded already");
  });

  it("comparePlans refuses file names, an empty list and a bad start with what to give", async () => {
    // file names were read as plans: "Cannot read properties of undefined (reading 'currency')"
    expect(() => comparePlans(anyway(["scenarios/lifecycle.yaml"]))).toThrow(`comparePlans: expected a loaded plan, got the text 'scenarios/lifecycle.yaml': load it first, comparePlans(loadPlan("scenarios/lifecycle.yaml"), …)`);
    expect(() => comparePlans([])).toThrow(`comparePlans: expected a list of one or more loaded plans, e.g. comparePlans([loadPlan("scenarios/batch-and-blast.yaml"), loadPlan("scenarios/lifecycle.yaml")]), got an empty list`);
    expect(() => comparePlans(anyway(plan))).toThrow("comparePlans: expected a list of one or more loaded plans");
    expect(() => comparePlans([plan], anyway(null))).toThrow("comparePlans: options: expected an object");
    // a misspelt option was ignored, as runPlan's were: { replication: 2 } ran the default 5
    expect(() => comparePlans([plan], anyway({ customers: 100, replication: 2 }))).toThrow("comparePlans: options: unknown option 'replication'; did you mean 'replications'?");
    await expect(comparePlansInWorkers([plan], anyway({ customers: 100, worker: 2 }))).rejects.toThrow("comparePlansInWorkers: options: unknown option 'worker'; did you mean 'workers'?");
    expect(() => comparePlans([plan], { customers: 100, start: "2026-02-30" })).toThrow(InputError);
    await expect(comparePlansInWorkers(anyway(["scenarios/lifecycle.yaml"]))).rejects.toThrow("comparePlansInWorkers: expected a loaded plan, got the text 'scenarios/lifecycle.yaml'");
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

  it("refuses an option it does not take, with the closest valid one ({ dys: 30 } explained a year)", () => {
    expect(() => explainCustomer(plan, anyway({ ...o, dys: 3 }))).toThrow("explainCustomer: options: unknown option 'dys'; did you mean 'days'? (options: customer, customers, days, seed, start, world, population)");
    expect(() => explainCustomer(plan, anyway({ ...o, population: "history:datasets/cdnow.yaml" }))).toThrow("explainCustomer: options: population: expected the population hook of parsePopulation, got the text 'history:datasets/cdnow.yaml'");
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
    // a misspelt option was ignored: { form: … } replayed the default period
    expect(() => backtest(bt, withHoldout, anyway({ form: "2024-03-01" }))).toThrow("backtest: options: unknown option 'form'; did you mean 'from'? (options: from, to, seed)");
    expect(() => backtest(bt, anyway("h.yaml"))).toThrow(`backtest: expected a history imported by importHistory("datasets/cdnow-optin.yaml"), got the text 'h.yaml': import it first`);
  });
});

describe("formatDate", () => {
  it("names a time it cannot format", () => {
    expect(formatDate(parseDate("2026-03-04")!)).toBe("2026-03-04");
    expect(() => formatDate(NaN)).toThrow(`formatDate: expected a time in minutes since 1970-01-01 UTC, such as parseDate("2026-01-01"), got NaN`);
  });
});
