/**
 * What the table functions (engine/sim/tables.ts) take, checked where a notebook calls them. The slip
 * an analyst makes is to pass runPlan's whole result, `dailyTable(result)`, or a run made without
 * `record: true` to `messagesTable`; both failed deep inside ("Cannot read properties of undefined
 * (reading 'names')", "… (reading 'mTime')"). Each now says which part of the result to give.
 */
import { InputError } from "../plan/errors.ts";
import { describe, isMapping } from "../plan/fields.ts";

type Fn = "dailyTable" | "customersTable" | "messagesTable" | "eventsTable" | "programsTable" | "totalsTable";

/** How each is called with runPlan's result. */
const CALL: Record<Fn, string> = {
  dailyTable: "dailyTable(result.run, result.baseline)",
  customersTable: "customersTable(result.run)",
  messagesTable: "messagesTable(result.run, result.recorder)",
  eventsTable: "eventsTable(result.run, result.recorder)",
  programsTable: "programsTable(result.summary)",
  totalsTable: "totalsTable([result.summary])",
};

const isResult = (x: unknown) => isMapping(x) && "run" in x && "summary" in x;
const got = (x: unknown) => (isResult(x) ? "runPlan's whole result" : describe(x));

/** A simulation run (result.run), as dailyTable, customersTable, messagesTable and eventsTable take it. */
export function checkTableRun(fn: Fn, run: unknown): void {
  if (isMapping(run) && "plan" in run && "population" in run && (fn === "messagesTable" || "metrics" in run)) return;
  throw new InputError(`${fn}: expected a run (result.run of runPlan), got ${got(run)}: ${CALL[fn]}`);
}

/** The recorder of a run made with { record: true } (result.recorder). */
export function checkTableRecorder(fn: Fn, rec: unknown): void {
  if (isMapping(rec) && "mTime" in rec) return;
  const why = rec === null || rec === undefined ? ": a run keeps its messages and events when asked, runPlan(plan, { record: true })" : `: ${CALL[fn]}`;
  throw new InputError(`${fn}: expected the run's recorder (result.recorder), got ${got(rec)}${why}`);
}

/** A run's summary (result.summary), or a list of them for totalsTable. */
export function checkTableSummaries(fn: Fn, x: unknown): void {
  const isSummary = (s: unknown) => isMapping(s) && "digest" in s && "programs" in s;
  if (fn === "totalsTable" ? Array.isArray(x) && x.every(isSummary) : isSummary(x)) return;
  const what = fn === "totalsTable" ? "a list of runs' summaries" : "a run's summary (result.summary)";
  throw new InputError(`${fn}: expected ${what}, got ${isSummary(x) ? "one summary" : got(x)}: ${CALL[fn]}`);
}
