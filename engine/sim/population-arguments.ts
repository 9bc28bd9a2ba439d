/**
 * The options of syntheticPopulation and historyPopulation, checked where a notebook calls them. runPlan
 * builds them itself; an analyst who draws a population by hand wrote `historyPopulation(file)` (it failed
 * with "Cannot read properties of undefined (reading 'start')"), a date's text for `start` (a RangeError
 * from formatDate) or a world option for the whole world (NaN traits). Each now says what to give.
 */
import { checkOptionNames, checkRunSizes, InputError } from "../plan/errors.ts";
import { describe, isMapping } from "../plan/fields.ts";
import { DEFAULT_WORLD } from "./world-model.ts";

const EXAMPLE = {
  syntheticPopulation: `{ customers: 1000, seed: 1, start: parseDate("2026-01-01"), days: 365, journeys: plan.compiled.journeys.length, world: planWorld(plan) }`,
  historyPopulation: `{ seed: 1, start: parseDate("1997-10-01"), journeys: plan.compiled.journeys.length, world: planWorld(plan) }`,
};
const KNOWN = {
  syntheticPopulation: ["customers", "seed", "start", "days", "journeys", "world", "shard"],
  historyPopulation: ["seed", "start", "days", "journeys", "world"], // days: runPlan's population hook is given it
};

/**
 * Refuses options that would fail inside the drawing, naming `fn`, the option and what it takes.
 * @example checkPopulationOptions("historyPopulation", { seed: 1, start: parseDate("1997-10-01")!, journeys: 0, world: DEFAULT_WORLD })
 */
export function checkPopulationOptions(fn: keyof typeof EXAMPLE, o: unknown): void {
  const history = fn === "historyPopulation";
  if (!isMapping(o)) {
    const simpler = history ? `; a run from history takes parsePopulation("history:datasets/cdnow.yaml"), which makes this population with its start and days` : "";
    throw new InputError(`${fn}: options: expected ${EXAMPLE[fn]}, got ${describe(o)}${simpler}`);
  }
  const opts = o;
  checkOptionNames(fn, opts, KNOWN[fn]);
  const required = ["seed", "start", "journeys", "world", ...(history ? [] : ["customers", "days"])];
  const absent = required.filter((k) => opts[k] === undefined);
  if (absent.length) throw new InputError(`${fn}: options: missing ${absent.join(", ")}: e.g. ${EXAMPLE[fn]}`);
  try {
    checkRunSizes(opts as { customers?: number; days?: number; seed?: number });
  } catch (e) {
    throw e instanceof InputError ? new InputError(`${fn}: options: ${e.message}`) : e;
  }
  const start = opts.start;
  if (!Number.isInteger(start)) {
    const got = typeof start === "string" ? `the date's text '${start}': give its minutes, parseDate(${JSON.stringify(start)})` : describe(start);
    throw new InputError(`${fn}: options: start: expected the run's first minute, in minutes since 1970-01-01 UTC, such as parseDate("${history ? "1997-10-01" : "2026-01-01"}"), got ${got}`);
  }
  const journeys = opts.journeys;
  if (!(Number.isInteger(journeys) && (journeys as number) >= 0)) {
    throw new InputError(`${fn}: options: journeys: expected the plan's number of journeys, a whole number from 0 (plan.compiled.journeys.length), got ${describe(journeys)}`);
  }
  const w = opts.world;
  const lacking = isMapping(w) ? Object.keys(DEFAULT_WORLD).filter((k) => !(k in w)) : null;
  if (!lacking || lacking.length) {
    const got = lacking ? `a mapping without ${lacking.length > 4 ? `${lacking.slice(0, 4).join(", ")} and ${lacking.length - 4} more` : lacking.join(", ")}` : describe(w);
    throw new InputError(`${fn}: options: world: expected a whole world, such as planWorld(plan), DEFAULT_WORLD or worldWith({ machineOpens: 0.4 }), got ${got}`);
  }
}
