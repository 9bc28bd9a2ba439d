/**
 * What renderReport and compareCsv take, checked where a notebook calls them: a comparison, the result
 * of comparePlans. The slips an analyst makes are runPlan's result (one run has no plans to compare), a
 * sweep's, or comparePlansInWorkers' promise not awaited; each failed deep in the report ("Cannot read
 * properties of undefined (reading 'filter')"). Each now says what to give.
 */
import { InputError } from "../plan/errors.ts";
import { describe, isMapping } from "../plan/fields.ts";
import type { Comparison } from "../compare/compare.ts";

const COMPARE = `comparePlans([loadPlan("scenarios/batch-and-blast.yaml"), loadPlan("scenarios/lifecycle.yaml")])`;

/**
 * Refuses what is not a comparison, naming `fn`, what it got and how to make one.
 * @example checkComparison("renderReport", runPlan(plan)) // throws "renderReport: expected a comparison (the result of comparePlans), got runPlan's result: …"
 */
export function checkComparison(fn: string, c: unknown): asserts c is Comparison {
  const o = isMapping(c) ? c : null;
  if (o && Array.isArray(o.plans) && Array.isArray(o.differences) && Array.isArray(o.seeds)) return;
  const head = `${fn}: expected a comparison (the result of comparePlans), got`;
  if (o && typeof o.then === "function") throw new InputError(`${head} a promise: await it first, ${fn}(await comparePlansInWorkers(…))`);
  if (o && "run" in o && "summary" in o) {
    throw new InputError(`${head} runPlan's result, one run: a comparison runs each plan against the no-plan baseline (one plan too: comparePlans([plan])), e.g. ${fn}(${COMPARE}${fn === "compareCsv" ? `, "out/csv"` : ""})`);
  }
  if (o && "variants" in o) throw new InputError(`${head} a sweep's result: its page is sweepPage(result, …), its figures result.table`);
  throw new InputError(`${head} ${describe(c)}: e.g. ${fn}(${COMPARE}${fn === "compareCsv" ? `, "out/csv"` : ""})`);
}
