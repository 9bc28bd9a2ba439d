/**
 * Cadence's public API: everything a notebook, a report or another program needs, from one module.
 *
 * @example
 * import { loadPlan, runPlan } from "./engine/mod.ts";
 * const { summary } = runPlan(loadPlan("scenarios/lifecycle.yaml"), { customers: 20_000, days: 180 });
 */
export { loadPlan, parsePlan, type LoadedPlan } from "./plan/load.ts";
export { compilePlan } from "./plan/compile.ts";
export { InputError } from "./plan/errors.ts";
export { runPlan, baselinePlan, type RunOptions, type RunResult, type Summary } from "./sim/run.ts";
export { simulate } from "./sim/simulate.ts";
export { syntheticPopulation } from "./sim/population.ts";
export { historyPopulation, historySeasonality, historySource } from "./sim/history-population.ts";
export { checkPlanAttributes, parsePopulation, type PopulationSpec } from "./sim/population-spec.ts";
export { backtest, type BacktestResult, type BacktestSummary } from "./backtest/replay.ts";
export { DEFAULT_WORLD, type WorldModel } from "./sim/world-model.ts";
export { applyWorld, type WorldSection } from "./plan/world-section.ts";
export { planWorld, worldWith } from "./sim/world-arguments.ts";
export { customersTable, dailyTable, eventsTable, messagesTable, programsTable, totalsTable } from "./sim/tables.ts";
export { sweep, sweepInWorkers, frontierSvg, grid, type SweepResult } from "./sweep/sweep.ts";
export { setPath } from "./sweep/set-path.ts";
export { expandValues } from "./sweep/range.ts";
export { sweepPage } from "./sweep/sweep-page.ts";
export { compareCsv } from "./report/compare-csv.ts";
export { toCsv, writeCsvFiles } from "./report/csv-export.ts";
export { explainCustomer, explainIn, formatTimeline, type Timeline } from "./explain/timeline.ts";
export { explainRule } from "./explain/counted.ts";
export { comparePlans, comparePlansInWorkers, METRICS, type Comparison } from "./compare/compare.ts";
export { contributions, type Contributions } from "./compare/contributions.ts";
export { calibrate, type CalibrationRow } from "./calibration/measure.ts";
export { FLAT, type Seasonality } from "./sim/time-profile.ts";
export { worldCounters } from "./sim/world-metrics.ts";
export { runPlanInWorkers, summaryInWorkers } from "./parallel/run-plan.ts";
export { shardedTuner, type ShardedTuner, type TunerFigures } from "./parallel/sharded-tuner.ts";
export { copyPopulation, tuner, type Tuner } from "./sim/tuner.ts";
export { cacheStats, clearMemoryCache } from "./sim/baseline-cache.ts";
export { renderReport } from "./report/report.ts";
export { verdictText } from "./report/verdict.ts";
export { renderSvg, renderFigure, htmlPage, Plot } from "./charts/render.ts";
export { writeRun } from "./sim/output.ts";
export { Core, type ActionSink } from "./core/decide.ts";
export { CustomerTable, J1, J2, J4 } from "./core/customer-table.ts";
export { PER1, PER2, PER4, PER8 } from "./core/record.ts";
export { traitColumn, TR1, TR4, TR8 } from "./sim/population.ts";
export { T2, T4, T8 } from "./sim/metrics.ts";
export { ENGINE_VERSION } from "./version.ts";
export { show, type Displayable } from "./notebook/display.ts";
export { fitHistory, type FitReport } from "./cli/fit.ts";
export { importHistory } from "../datasets/import.ts";
export { contactRates, worldParams } from "./fit/contact-rates.ts";
export { DEFAULT_SEASONALITY, fitSeasonalBgnbd } from "./fit/seasonality.ts";
export { dayData } from "../datasets/day-data.ts";
export { loadHillstrom } from "../datasets/hillstrom.ts";
export { calibrationCheck, HILLSTROM_RELEVANCE } from "./fit/email-calibration.ts";
export { parseDate, formatDate, formatTime, DAY } from "./core/time.ts";
