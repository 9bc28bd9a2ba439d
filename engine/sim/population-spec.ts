/**
 * `--population synthetic | history:<config.yaml>`: which customers a run simulates. Shared by the
 * `simulate` and `compare` commands (and anything else that takes RunOptions.population).
 */
import { formatPath, InputError, type Path } from "../plan/errors.ts";
import { lineInSource } from "../plan/load.ts";
import { DAY, formatDate } from "../core/time.ts";
import type { Population } from "./population.ts";
import { historyPopulation, historySeasonality, historySource } from "./history-population.ts";
import { DEFAULT_WORLD, type WorldModel } from "./world-model.ts";

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
  /** history: its money as labelled, which revenue on it is in: the config's currency, in its moneyUnit ("thousands of IDR") */
  currency?: string;
  /** the extra attributes its customers carry (attr.<name> in plans); none for the synthetic population */
  attributes: string[];
  /**
   * history with seasonality: world overrides for runs on it, `{ seasonality }` learned from the history
   * (weekdays, months, named peaks), so its customers buy on their own calendar rather than the world's
   * default retail year: `runPlan(plan, { population: spec.population, world: spec.world })`
   */
  world?: Partial<WorldModel>;
}

/**
 * The attributes custom channels take their consent from (`channels: { in_app: { consent: attr.app_user } }`):
 * every population has them, drawn with the channel's consentShare where the customers do not carry
 * them (engine/sim/custom-channels.ts), so plans may read them whatever the population.
 */
export function customChannelAttributes(plan: unknown): string[] {
  const channels = plan && typeof plan === "object" ? (plan as Record<string, unknown>).channels : undefined;
  if (!channels || typeof channels !== "object") return [];
  const out: string[] = [];
  for (const c of Object.values(channels as Record<string, unknown>)) {
    const consent = c && typeof c === "object" ? (c as Record<string, unknown>).consent : undefined;
    const m = typeof consent === "string" ? /^attr\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(consent) : null;
    if (m) out.push(m[1]);
  }
  return out;
}

/**
 * Parses a population argument; a history config is imported and fitted here, so its errors surface
 * before any run.
 * @example const spec = parsePopulation("history:datasets/cdnow.yaml"); runPlan(plan, { population: spec.population, start: spec.start, days: spec.days })
 */
export function parsePopulation(text: string | undefined): PopulationSpec {
  if (text === undefined || text === "synthetic") return { kind: "synthetic", label: "synthetic", attributes: [] };
  const m = /^history:(.+)$/.exec(text);
  if (!m) throw new InputError(`--population: expected 'synthetic' or 'history:<config.yaml>', got '${text}'`);
  const file = m[1];
  const src = historySource(file);
  const seasonality = historySeasonality(src, DEFAULT_WORLD.seasonality);
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
    currency: cfg.money, // "thousands of IDR" when the config counts in thousands (datasets/money-unit.ts)
    attributes: [...src.history.customers.attrs.keys()],
    ...(seasonality ? { world: { seasonality } } : {}),
  };
}

/**
 * The load-time check of `attr.<name>` in a plan against the population it runs on. A plan is validated
 * without a population (loadPlan), so any attribute name compiles there; this check, made
 * before a run once the population is known, stops with the plan file, the field, the attribute and the
 * attributes the population has. `plan` is the parsed plan (any JSON-like value; its texts are scanned).
 * @example checkPlanAttributes(loadPlan("scenarios/lifecycle.yaml").plan, parsePopulation("history:datasets/cdnow.yaml"), "scenarios/lifecycle.yaml")
 */
export function checkPlanAttributes(plan: unknown, spec: PopulationSpec, source = "plan"): void {
  const have = new Set([...spec.attributes, ...customChannelAttributes(plan)]), problems: string[] = [];
  const walk = (v: unknown, path: Path) => {
    if (typeof v === "string") {
      for (const m of v.matchAll(/(?<![\w.])attr\.([A-Za-z_][A-Za-z0-9_]*)/g)) {
        if (have.has(m[1])) continue;
        const has = spec.attributes.length
          ? `its customers have ${spec.attributes.join(", ")}`
          : spec.kind === "synthetic"
          ? "the synthetic population has no attributes: run on --population history:<config> whose customers file maps it under customers.attributes"
          : "its customers file maps no attributes (customers.attributes in the history config)";
        const line = lineInSource(plan, path); // known when `plan` is a loaded plan's source
        problems.push(`${source}${line ? `:${line}` : ""}: ${path.length ? formatPath(path) : "(plan)"}: attr.${m[1]} is not an attribute of the population ${spec.label}; ${has}`);
      }
    } else if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...path, i]));
    else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
  };
  walk(plan, []);
  if (problems.length) throw new InputError([...new Set(problems)].join("\n"));
}
