/**
 * What each program of a plan really adds once the pressure rules arbitrate between them: the plan with
 * and without the program, on common random numbers (same population, same seed per replication), gives
 * its marginal incremental margin, unsubscribes and contacts with 95 % intervals. And which library
 * templates (scenarios/programs/) missing from the plan would add the most, ranked by incremental margin
 * per contact of the added program (issue 11 #12).
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { type LoadedPlan, parsePlan, SCENARIOS_DIR } from "../plan/load.ts";
import { InputError } from "../plan/errors.ts";
import { checkRun, runPlan } from "../sim/run.ts";
import type { PopulationHook } from "../sim/population-spec.ts";
import type { WorldModel } from "../sim/world-model.ts";
import { interval, type Interval } from "./intervals.ts";

export interface ContributionOptions {
  customers?: number; // default 5,000
  days?: number; // default 365
  replications?: number; // default 3
  seed?: number; // first seed, default 1
  library?: boolean; // also rank the missing library templates (default true)
  start?: string; // first day (RunOptions.start)
  world?: Partial<WorldModel>; // over the plan's world: section (RunOptions.world), as in a comparison
  population?: PopulationHook; // e.g. a history population (engine/sim/population-spec.ts); default synthetic
}

/** ContributionOptions' names: any other is refused by name ({ customer: 100 } ran the default 5,000 customers). */
const CONTRIBUTION_OPTIONS = ["customers", "days", "replications", "seed", "library", "start", "world", "population"] as const satisfies readonly (keyof ContributionOptions)[];

export interface Contributions {
  programs: { id: string; contacts: number; incrementalMargin: Interval; unsubscribes: Interval }[];
  missing: { template: string; incrementalMargin: Interval; perContact: number | null }[];
  skipped: { template: string; reason: string }[]; // templates that cannot join this plan as they are (e.g. a channel it lacks)
  replications: number; // seeds seed … seed + replications − 1
}

interface Outcome {
  margin: number;
  unsubscribes: number;
  contacts: Map<string, number>;
}

type Settings = Required<Pick<ContributionOptions, "customers" | "days" | "replications" | "seed">> & Pick<ContributionOptions, "start" | "world" | "population">;

function outcome(p: LoadedPlan, seed: number, o: Settings): Outcome {
  const s = runPlan(p, { customers: o.customers, days: o.days, seed, start: o.start, world: o.world, population: o.population, baseline: false }).summary;
  return { margin: s.margin, unsubscribes: s.unsubscribes, contacts: new Map(s.programs.map((x) => [x.program, x.contacts])) };
}

const variant = (base: LoadedPlan, programs: unknown[]): LoadedPlan =>
  parsePlan(JSON.stringify({ ...(base.source as Record<string, unknown>), programs }), base.file);

/** Library templates (scenarios/programs/*.yaml) by name. */
export function libraryTemplates(): string[] {
  return readdirSync(join(SCENARIOS_DIR, "programs")).filter((f) => f.endsWith(".yaml")).map((f) => f.slice(0, -5)).sort();
}

/**
 * @example contributions(loadPlan("scenarios/lifecycle.yaml"), { customers: 2000, replications: 3 }).programs[0].incrementalMargin
 */
export function contributions(plan: LoadedPlan, opts: ContributionOptions = {}): Contributions {
  // the plan, the options' shape and names, sizes, world and start, as runPlan checks them, before any run
  checkRun("contributions", plan, opts, CONTRIBUTION_OPTIONS);
  const o: Settings = { customers: opts.customers ?? 5000, days: opts.days ?? 365, replications: opts.replications ?? 3, seed: opts.seed ?? 1, start: opts.start, world: opts.world, population: opts.population };
  const source = plan.source as { programs: Record<string, unknown>[] };
  const ids = plan.compiled.programs.map((p) => p.id);
  const without = ids.map((id, i) => {
    try {
      return variant(plan, source.programs.filter((_, j) => j !== i));
    } catch (e) {
      throw new InputError(`${plan.file}: cannot measure program '${id}' by removing it: ${(e as Error).message}`);
    }
  });
  const skipped: Contributions["skipped"] = [];
  const added: { template: string; plan: LoadedPlan; id: string }[] = [];
  // the templates the plan already includes, under whatever id (`use: programs/promotion` as targeted-promotion)
  const used = new Set((plan.templates ?? []).map((t) => t?.replace(/^programs\//, "")));
  if (opts.library !== false) {
    for (const t of libraryTemplates()) {
      if (ids.includes(t) || used.has(t)) continue; // the plan already runs it
      try {
        const p = variant(plan, [...source.programs, { use: `programs/${t}` }]);
        const id = p.compiled.programs[p.compiled.programs.length - 1].id;
        if (ids.includes(id)) continue; // already in the plan
        added.push({ template: t, plan: p, id });
      } catch (e) {
        const msg = (e as Error).message, first = msg.split("\n").find((l) => l.trim() && !l.endsWith(":")) ?? msg;
        // the variant's own file:line and program index mean nothing to the reader: the template's field and reason
        skipped.push({ template: t, reason: first.trim().replace(/^.*?:\d+: programs\[\d+\]\./, "") });
      }
    }
  }
  const full: Outcome[] = [], minus: Outcome[][] = ids.map(() => []), plus: Outcome[][] = added.map(() => []);
  for (let r = 0; r < o.replications; r++) {
    const seed = o.seed + r;
    full.push(outcome(plan, seed, o));
    without.forEach((p, i) => minus[i].push(outcome(p, seed, o)));
    added.forEach((a, i) => plus[i].push(outcome(a.plan, seed, o)));
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const iv = (xs: number[]) => interval(xs)!;
  return {
    programs: ids.map((id, i) => ({
      id,
      contacts: mean(full.map((f) => f.contacts.get(id) ?? 0)),
      incrementalMargin: iv(full.map((f, r) => f.margin - minus[i][r].margin)),
      unsubscribes: iv(full.map((f, r) => f.unsubscribes - minus[i][r].unsubscribes)),
    })),
    missing: added.map((a, i) => {
      const incrementalMargin = iv(plus[i].map((p, r) => p.margin - full[r].margin));
      const contacts = mean(plus[i].map((p) => p.contacts.get(a.id) ?? 0));
      return { template: a.template, incrementalMargin, perContact: contacts > 0 ? incrementalMargin.mean / contacts : null };
    }).sort((x, y) => (y.perContact ?? -Infinity) - (x.perContact ?? -Infinity) || x.template.localeCompare(y.template)),
    skipped,
    replications: o.replications,
  };
}
