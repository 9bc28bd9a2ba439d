/**
 * A forecast's simulation, as a job for a worker (engine/parallel/pool.ts): the plan and the no-plan
 * baseline compared on the population the request names (engine/compare/compare.ts, in this one thread,
 * as the server once ran it on its own). The server runs it in a worker so that ingest, webhooks and
 * health checks go on while it simulates (docs/live.md, "Plan lifecycle").
 */
import { comparePlans } from "../compare/compare.ts";
import { InputError, type Problem } from "../plan/errors.ts";
import { parsePlan } from "../plan/load.ts";
import { parsePopulation } from "../sim/population-spec.ts";
import type { Forecast, ForecastOptions } from "./plan-lifecycle.ts";

export type ForecastRun = Pick<Forecast, "customers" | "metrics" | "baseline" | "wallMs">;

/**
 * `population`: "synthetic" or "history:<absolute config path>" (resolved in the server's histories
 * folder by the caller). An input error comes back as a value with its problems (a thrown one would
 * cross the worker boundary as its message alone).
 */
export function forecastJob(source: string, file: string, o: ForecastOptions, population: string): ForecastRun | { error: string; problems: Problem[] } {
  try {
    const loaded = parsePlan(source, file);
    const pop = parsePopulation(population);
    const customers = pop.kind === "history" && pop.customers ? pop.customers : o.customers;
    const c = comparePlans([loaded], { customers, days: o.days, replications: o.replications, seed: o.seed, start: o.start, population: pop.population });
    return { customers, metrics: c.plans[0].metrics, baseline: c.plans[1].metrics, wallMs: Math.round(c.wallMs) };
  } catch (e) {
    if (e instanceof InputError) return { error: e.message, problems: e.problems };
    throw e;
  }
}
