/**
 * Re-simulation for tuning: an analyst (a notebook slider, a future web page) changes a pressure rule's
 * parameter and wants the new figures at once. The population is drawn once and copied for each run
 * (copying typed arrays is far cheaper than drawing traits again), the no-plan baseline is simulated
 * once (engine/sim/baseline-cache.ts), and each variant runs the plan alone. Results are exactly those
 * of `runPlan` with the same options: a copy of the population is the population.
 */
import { InputError } from "../plan/errors.ts";
import { describe } from "../plan/fields.ts";
import type { LoadedPlan } from "../plan/load.ts";
import { checkValue, resolvePath } from "../sweep/set-path.ts";
import { show, variantPlan } from "../sweep/variant-plans.ts";
import { syntheticPopulation } from "./population.ts";
import { copyPopulation } from "./population-copy.ts";
import { type BaselineFigures, checkRun, RUN_OPTIONS, type RunOptions, runPlan, type RunResult, simulateBaseline } from "./run.ts";
import { baselineKey, cached } from "./baseline-cache.ts";
import { planWorld } from "../plan/world-section.ts";
import { DEFAULT_WORLD } from "./world-model.ts";

export { copyPopulation, refillPopulation } from "./population-copy.ts";

export interface Tuner {
  /** The plan with these values set (paths as in `sweep --set`), run on the same customers. */
  run(values: Record<string, unknown>): RunResult;
  baseline: BaselineFigures;
}

/** What a tuner takes: runPlan's options but the baseline and population, which it makes once itself. */
const TUNER_OPTIONS = RUN_OPTIONS.filter((k) => k !== "baseline" && k !== "population");

/**
 * @example const t = tuner(loadPlan("scenarios/lifecycle-capped.yaml"), { customers: 50_000 }); t.run({ "pressure.rules.two-a-week.cap": 3 }).summary
 */
export function tuner(loaded: LoadedPlan, o: Omit<RunOptions, "baseline" | "population"> = {}): Tuner {
  const start = checkRun("tuner", loaded, o, TUNER_OPTIONS); // at creation: a bad start failed only at the first run()
  const seed = o.seed ?? 1, days = o.days ?? 365, world = planWorld(loaded, o.world);
  const journeys = loaded.compiled.journeys.length;
  const drawn = syntheticPopulation({ customers: o.customers ?? 10_000, seed, start, days, journeys, world });
  const baseline = cached(baselineKey("run", drawn.describe, days), o.cache ?? "memory", () =>
    simulateBaseline(loaded.plan, copyPopulation(drawn, 0), { seed, start, days, world }));
  return {
    baseline,
    run(values) {
      const variant = tunerVariant("tuner", loaded, values);
      const same = variant.compiled.journeys.length === journeys;
      return runPlan(variant, {
        ...o,
        baseline,
        population: (p) => (same ? copyPopulation(drawn) : syntheticPopulation({ customers: o.customers ?? 10_000, ...p })),
      });
    },
  };
}

/**
 * A tuner's plan with `values` set (paths as in `sweep --set`). Refused: values that are not an object
 * of paths (a list was read as paths '0', '1'), a value undefined or not finite (NaN read 'got null'),
 * and `world` paths: a tuner's customers and no-plan
 * baseline are drawn once, in the world it was opened with, so a changed world gave the new world's
 * plan run against the old world's customers and baseline (reach 256 where runPlan gave 350). Only a
 * plan's `world:` section makes its world (planWorld), so no other path changes it.
 * @example tunerVariant("tuner", loaded, { "pressure.rules.two-a-week.cap": 3 })
 */
export function tunerVariant(fn: string, loaded: LoadedPlan, values: unknown): LoadedPlan {
  if (!(values !== null && typeof values === "object" && !Array.isArray(values))) {
    throw new InputError(`${fn}: values: expected an object of plan paths and their values, such as { "pressure.rules.two-a-week.cap": 3 }, got ${values === null ? "null" : describe(values)}`);
  }
  const paths = Object.keys(values), named = paths.filter((p) => /^world($|[.[])/.test(p));
  if (named.length) {
    // a top-level figure has an exact example; others the shape of one
    const key = named.length === 1 ? /^world\.(\w+)$/.exec(named[0])?.[1] : undefined;
    const example = key && typeof (DEFAULT_WORLD as unknown as Record<string, unknown>)[key] === "number" ? `{ ${key}: ${JSON.stringify((values as Record<string, unknown>)[named[0]])} }` : "{ machineOpens: 0.4 }";
    throw new InputError(`${fn}: ${named.join(", ")}: a tuner cannot change the world parameters: its customers and no-plan baseline are drawn once, in the world of the plan it was opened with, so a move changes the plan's decisions only; open another tuner in that world, e.g. ${fn}(plan, { ...options, world: ${example} }) (a sweep refuses world values for the same reason)`);
  }
  if (!paths.length) return loaded;
  const set = values as Record<string, unknown>;
  for (const path of paths) checkValue(`${fn}: ${path}`, set[path]);
  // a variant's problem at the field's line in the plan file, as a sweep's (it was always line 1: the
  // variant is parsed from JSON text), headed by the values the move set
  // a path it cannot follow is headed by the function, not by the command line's --set, which a
  // notebook's analyst never typed
  const fields = paths.map((path) => resolvePath(loaded.source, path, (p) => `${fn}: ${p}`));
  return variantPlan(loaded, set, fields, `${fn}: ${paths.map((p) => `${JSON.stringify(p)}: ${show(set[p])}`).join(", ")}`);
}
