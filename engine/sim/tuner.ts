/**
 * Re-simulation for tuning: an analyst (a notebook slider, a future web page) changes a pressure rule's
 * parameter and wants the new figures at once. The population is drawn once and copied for each run
 * (copying typed arrays is far cheaper than drawing traits again), the no-plan baseline is simulated
 * once (engine/sim/baseline-cache.ts), and each variant runs the plan alone. Results are exactly those
 * of `runPlan` with the same options: a copy of the population is the population.
 */
import { checkRunSizes } from "../plan/errors.ts";
import type { LoadedPlan } from "../plan/load.ts";
import { parsePlan } from "../plan/load.ts";
import { parseDate } from "../core/time.ts";
import { setPath } from "../sweep/set-path.ts";
import { syntheticPopulation } from "./population.ts";
import { copyPopulation } from "./population-copy.ts";
import { type BaselineFigures, DEFAULT_START, type RunOptions, runPlan, type RunResult, simulateBaseline } from "./run.ts";
import { baselineKey, cached } from "./baseline-cache.ts";
import { planWorld } from "../plan/world-section.ts";

export { copyPopulation, refillPopulation } from "./population-copy.ts";

export interface Tuner {
  /** The plan with these values set (paths as in `sweep --set`), run on the same customers. */
  run(values: Record<string, unknown>): RunResult;
  baseline: BaselineFigures;
}

/**
 * @example const t = tuner(loadPlan("scenarios/lifecycle-capped.yaml"), { customers: 50_000 }); t.run({ "pressure.rules.two-a-week.cap": 3 }).summary
 */
export function tuner(loaded: LoadedPlan, o: Omit<RunOptions, "baseline" | "population"> = {}): Tuner {
  checkRunSizes(o);
  const seed = o.seed ?? 1, days = o.days ?? 365, start = parseDate(o.start ?? DEFAULT_START)!, world = planWorld(loaded, o.world);
  const journeys = loaded.compiled.journeys.length;
  const drawn = syntheticPopulation({ customers: o.customers ?? 10_000, seed, start, days, journeys, world });
  const baseline = cached(baselineKey("run", drawn.describe, days), o.cache ?? "memory", () =>
    simulateBaseline(loaded.plan, copyPopulation(drawn, 0), { seed, start, days, world }));
  return {
    baseline,
    run(values) {
      let doc: unknown = loaded.source;
      for (const [path, v] of Object.entries(values)) doc = setPath(doc, path, v);
      const variant = Object.keys(values).length ? parsePlan(JSON.stringify(doc), loaded.file) : loaded;
      const same = variant.compiled.journeys.length === journeys;
      return runPlan(variant, {
        ...o,
        baseline,
        population: (p) => (same ? copyPopulation(drawn) : syntheticPopulation({ customers: o.customers ?? 10_000, ...p })),
      });
    },
  };
}
