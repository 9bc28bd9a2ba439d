/**
 * `--population synthetic | history:<config.yaml>`: which customers a run simulates. Shared by the
 * `simulate` and `compare` commands (and anything else that takes RunOptions.population).
 */
import { InputError } from "../plan/errors.ts";
import { DAY, formatDate } from "../core/time.ts";
import type { Population } from "./population.ts";
import { historyPopulation, historySource } from "./history-population.ts";
import type { WorldModel } from "./world-model.ts";

export type PopulationHook = (o: { journeys: number; seed: number; start: number; days: number; world: WorldModel }) => Population;

export interface PopulationSpec {
  kind: "synthetic" | "history";
  /** what the user wrote, for reports */
  label: string;
  /** the RunOptions.population hook; undefined for the synthetic generator */
  population?: PopulationHook;
  /** history: the day after the config's cut-off (YYYY-MM-DD), the default start of a run */
  start?: string;
  /** history with a holdout: the holdout's length in days, the default length of a run */
  days?: number;
  /** history: customers known at the cut-off */
  customers?: number;
}

/**
 * Parses a population argument; a history config is imported and fitted here, so its errors surface
 * before any run.
 * @example const spec = parsePopulation("history:datasets/cdnow.yaml"); runPlan(plan, { population: spec.population, start: spec.start, days: spec.days })
 */
export function parsePopulation(text: string | undefined): PopulationSpec {
  if (text === undefined || text === "synthetic") return { kind: "synthetic", label: "synthetic" };
  const m = /^history:(.+)$/.exec(text);
  if (!m) throw new InputError(`--population: expected 'synthetic' or 'history:<config.yaml>', got '${text}'`);
  const file = m[1];
  const src = historySource(file);
  const cfg = src.history.config;
  let customers = 0;
  for (let i = 0; i < src.state.length; i++) customers += src.state.known[i];
  return {
    kind: "history",
    label: text,
    population: (o) => historyPopulation(file, o),
    start: formatDate(cfg.calibrationEnd + DAY),
    days: cfg.holdoutEnd !== undefined ? Math.floor(cfg.holdoutEnd / DAY) - Math.floor(cfg.calibrationEnd / DAY) : undefined,
    customers,
  };
}
