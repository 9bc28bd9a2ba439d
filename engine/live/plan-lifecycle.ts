/**
 * A plan's life on the server: draft → simulated (a forecast is stored) → approved (by a key other
 * than the author's: four eyes) → live (promoted by an operator; content hash and engine version
 * frozen) ⇄ paused → retired. Promoting a plan while another is live replaces it (docs/live.md,
 * "Replacing a live plan"). Every step is written to the audit log.
 */
import { resolve, sep } from "node:path";
import { InputError } from "../plan/errors.ts";
import { parsePlan } from "../plan/load.ts";
import { ENGINE_VERSION } from "../version.ts";
import type { LiveDriver } from "./driver.ts";
import { ApiError } from "./errors.ts";
import type { KeyRow, PlanRow, PlanState, Store } from "./store.ts";

export interface ForecastOptions {
  customers: number;
  days: number;
  replications: number;
  seed: number;
  start: string;
  population: string; // "synthetic" or "history:<config.yaml>"
}

/** What a plan's forecast keeps: the compare summary of the plan and of the no-plan baseline, with intervals. */
export interface Forecast extends ForecastOptions {
  planHash: string;
  engine: string;
  metrics: Record<string, { mean: number; lo: number | null; hi: number | null } | null>;
  baseline: Record<string, { mean: number; lo: number | null; hi: number | null } | null>;
  wallMs: number;
}

export class PlanLifecycle {
  constructor(
    readonly store: Store,
    readonly driver: LiveDriver,
    readonly now: () => number,
    /** The folder whose history configs a forecast may name; undefined: synthetic forecasts only. */
    readonly histories?: string,
  ) {}

  get(id: number): PlanRow {
    const p = this.store.getPlan(id);
    if (!p) throw new ApiError(404, `no plan ${id}; GET /v1/plans lists the plans`);
    return p;
  }

  /** Validates and stores a draft; invalid plans throw InputError listing every problem with its line. */
  upload(source: string, author: KeyRow): PlanRow {
    const loaded = parsePlan(source, "plan");
    const now = this.now();
    const id = this.store.tx(() => {
      const id = this.store.addPlan({
        name: loaded.plan.name, source, hash: loaded.hash, engine: ENGINE_VERSION, state: "draft", author: author.id,
        approver: null, forecast: null, created: now, promoted: null, retired: null,
      });
      this.store.audit(now, author.id, "plan.upload", `plan ${id}`, { hash: loaded.hash, name: loaded.plan.name });
      return id;
    });
    return this.get(id);
  }

  /** Simulates the plan (the compare engine, loaded on first use: a server that never forecasts starts faster). */
  async forecast(id: number, o: ForecastOptions, actor: KeyRow): Promise<PlanRow> {
    const row = this.expect(id, ["draft", "simulated"], "forecast");
    const loaded = parsePlan(row.source, `plan ${id}`);
    const [{ comparePlans }, { parsePopulation }] = await Promise.all([import("../compare/compare.ts"), import("../sim/population-spec.ts")]);
    const pop = parsePopulation(historyWithin(this.histories, o.population));
    if (pop.kind === "history" && pop.customers) o = { ...o, customers: pop.customers };
    const c = comparePlans([loaded], {
      customers: o.customers, days: o.days, replications: o.replications, seed: o.seed, start: o.start, population: pop.population,
    });
    const forecast: Forecast = {
      ...o, planHash: row.hash, engine: ENGINE_VERSION, metrics: c.plans[0].metrics, baseline: c.plans[1].metrics, wallMs: Math.round(c.wallMs),
    };
    this.transition(row, "simulated", actor, "plan.forecast", { forecast: JSON.stringify(forecast) }, { customers: o.customers, days: o.days, replications: o.replications });
    return this.get(id);
  }

  approve(id: number, actor: KeyRow): PlanRow {
    const row = this.get(id);
    if (row.state === "draft") throw new ApiError(409, `plan ${id} has no forecast: POST /v1/plans/${id}/forecast first, then approve`);
    this.expect(id, ["simulated"], "approve");
    if (row.author === actor.id) throw new ApiError(403, `plan ${id} was uploaded with this key (${actor.id}): another person's approver key must approve it (four eyes)`);
    this.transition(row, "approved", actor, "plan.approve", { approver: actor.id }, { hash: row.hash });
    return this.get(id);
  }

  promote(id: number, actor: KeyRow): PlanRow {
    const row = this.expect(id, ["approved"], "promote");
    const now = this.now();
    this.store.tx(() => {
      for (const p of this.store.listPlans()) {
        if (p.state === "live" || p.state === "paused") {
          this.store.updatePlan(p.id, { state: "retired", retired: now });
          this.store.audit(now, actor.id, "plan.retire", `plan ${p.id}`, { replacedBy: id });
        }
      }
      this.transition(row, "live", actor, "plan.promote", { promoted: now, engine: ENGINE_VERSION }, { hash: row.hash, engine: ENGINE_VERSION });
      this.driver.activate(this.get(id), now);
    });
    return this.get(id);
  }

  pause(id: number, actor: KeyRow): PlanRow {
    return this.setState(this.expect(id, ["live"], "pause"), "paused", actor);
  }
  resume(id: number, actor: KeyRow): PlanRow {
    return this.setState(this.expect(id, ["paused"], "resume"), "live", actor);
  }
  retire(id: number, actor: KeyRow): PlanRow {
    return this.setState(this.expect(id, ["draft", "simulated", "approved", "live", "paused"], "retire"), "retired", actor);
  }

  private setState(row: PlanRow, state: PlanState, actor: KeyRow): PlanRow {
    const now = this.now(), wasRunning = row.state === "live" || row.state === "paused";
    this.store.tx(() => {
      this.transition(row, state, actor, `plan.${state === "live" ? "resume" : state === "paused" ? "pause" : "retire"}`, state === "retired" ? { retired: now } : {}, {});
      if (wasRunning) this.driver.setState(this.get(row.id), now);
    });
    return this.get(row.id);
  }

  private expect(id: number, states: PlanState[], verb: string): PlanRow {
    const row = this.get(id);
    if (!states.includes(row.state)) {
      throw new ApiError(409, `cannot ${verb} plan ${id}: it is ${row.state}; only a plan that is ${states.join(" or ")} can be`);
    }
    return row;
  }

  private transition(row: PlanRow, state: PlanState, actor: KeyRow, action: string, fields: Partial<PlanRow>, detail: unknown): void {
    const now = this.now();
    this.store.tx(() => {
      this.store.updatePlan(row.id, { ...fields, state });
      this.store.audit(now, actor.id, action, `plan ${row.id}`, { from: row.state, to: state, ...detail as object });
    });
  }
}

export { InputError };

/**
 * A forecast's population with its history config resolved in the server's histories folder: an API
 * caller names a config in that folder (`history:cdnow.yaml`), never a path of its own choosing
 * elsewhere (`history:/etc/…`, `history:../…` are refused by the API's schema, and checked again here).
 */
export function historyWithin(histories: string | undefined, population: string): string {
  if (!population.startsWith("history:")) return population;
  const name = population.slice("history:".length);
  if (histories === undefined) {
    throw new ApiError(400, `population ${population}: this server forecasts on synthetic customers only; start it with --histories DIR (or CADENCE_HISTORIES) to forecast on the history configs in DIR`);
  }
  const root = resolve(histories), file = resolve(root, name);
  if (!file.startsWith(root + sep)) throw new ApiError(400, `population ${population}: name a history config inside the server's histories folder, such as history:cdnow.yaml`);
  return `history:${file}`;
}
