/**
 * The types of a run's non-numeric options, checked with its sizes before anyone is drawn. Unchecked,
 * `population: "history:datasets/cdnow.yaml"` (the command line's --population, written as an option)
 * failed deep in the run with "o.population is not a function", `onDay: 3` likewise, and
 * `cache: "dsk"` or `baseline: "no"` ran as something the caller did not ask for, silently.
 */
import { InputError } from "../plan/errors.ts";
import { describe, isMapping } from "../plan/fields.ts";

const HOOKS = ["onDay", "onProgress", "onVariant"] as const;
const CACHE_MODES = ["memory", "disk", "off"];

/** Refuses an option of the wrong type among those `o` gives, naming `fn`, the option and what it takes. */
export function checkOptionTypes(fn: string, o: Record<string, unknown>): void {
  const bad = (name: string, expected: string, got: unknown) =>
    new InputError(`${fn}: options: ${name}: expected ${expected}, got ${describe(got)}`);
  const pop = o.population;
  if (pop !== undefined && typeof pop !== "function") {
    if (typeof pop === "string") {
      // a comparison also labels the population and takes its revenue's currency, as `cadence compare` does
      const more = fn.startsWith("comparePlans") ? ", populationLabel: spec.label, revenueCurrency: spec.currency" : "";
      const workers = fn.endsWith("InWorkers") ? ` (${fn} also takes the text itself: { populationSpec: "${pop}" })` : "";
      throw new InputError(
        `${fn}: options: population: expected the population hook of parsePopulation, got the text '${pop}': ` +
          `const spec = parsePopulation("${pop}"); ${fn}(…, { population: spec.population, start: spec.start, days: spec.days${more} })${workers}`,
      );
    }
    throw bad("population", `the population hook of parsePopulation("history:datasets/cdnow.yaml").population`, pop);
  }
  for (const k of HOOKS) if (o[k] !== undefined && typeof o[k] !== "function") throw bad(k, "a function", o[k]);
  if (o.cache !== undefined && !CACHE_MODES.includes(o.cache as string)) throw bad("cache", `"memory", "disk" or "off"`, o.cache);
  if (o.record !== undefined && typeof o.record !== "boolean") throw bad("record", "true or false", o.record);
  const b = o.baseline;
  if (b !== undefined && typeof b !== "boolean" && !isMapping(b)) {
    throw bad("baseline", "true, false or the baseline of an earlier run (result.baseline)", b);
  }
  const lane = o.laneWidth;
  if (lane !== undefined && !(Number.isInteger(lane) && (lane as number) >= 1)) throw bad("laneWidth", "a whole number of customers, 1 or more", lane);
  for (const k of ["populationLabel", "revenueCurrency", "populationSpec"]) {
    if (o[k] !== undefined && typeof o[k] !== "string") throw bad(k, "a text", o[k]);
  }
}
