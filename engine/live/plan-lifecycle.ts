/**
 * A plan's life on the server: draft → simulated (a forecast is stored) → approved (by a key other
 * than the author's: four eyes) → live (promoted by an operator; content hash and engine version
 * frozen) ⇄ paused → retired. Promoting a plan while another is live replaces it (docs/live.md,
 * "Replacing a live plan"). Every step is written to the audit log.
 */
import { resolve, sep } from "node:path";
import { runJobs } from "../parallel/pool.ts";
import { InputError } from "../plan/errors.ts";
import { parsePlan } from "../plan/load.ts";
import { ENGINE_VERSION } from "../version.ts";
import type { forecastJob } from "./forecast-job.ts";
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

const FORECAST_JOB = new URL("./forecast-job.ts", import.meta.url).href;

/** What an operator can do with a plan in each state: the second half of a 409 for a step out of order. */
const NEXT: Record<PlanState, (id: number) => string> = {
  draft: (id) => `Its next step: POST /v1/plans/${id}/forecast, then approve (another person's key), then promote`,
  simulated: (id) => `Its next step: POST /v1/plans/${id}/approve (an approver key other than its author's), then promote`,
  approved: (id) => `Its next step: POST /v1/plans/${id}/promote`,
  live: (id) => `It runs: POST /v1/plans/${id}/pause or /retire it; to change it, upload a new plan and promote it in its place`,
  paused: (id) => `POST /v1/plans/${id}/resume runs it again, /retire ends it; promoting another plan replaces it`,
  retired: () => "Retired is final: to run its text again, upload it as a new plan (POST /v1/plans) and take it through forecast, approve and promote",
};

export class PlanLifecycle {
  /** The plan whose forecast is running (one at a time: a forecast takes a core, the server keeps the other for requests). */
  private forecasting: number | null = null;
  /** Called once a plan is promoted (the server checks its webhook expiry against the new plan's categories). */
  onPromoted: (() => void) | null = null;

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

  /**
   * Simulates the plan in a worker (engine/live/forecast-job.ts): a forecast of 200,000 customers over
   * two years takes minutes, during which this thread goes on taking events, firing timers, delivering
   * and answering health checks. One forecast at a time: a second is refused (409) while one runs.
   */
  async forecast(id: number, o: ForecastOptions, actor: KeyRow): Promise<PlanRow> {
    const row = this.expect(id, ["draft", "simulated"], "forecast");
    if (this.forecasting !== null) {
      throw new ApiError(409, `a forecast of plan ${this.forecasting} is running; this server runs one at a time: POST again when it has answered`);
    }
    const population = historyWithin(this.histories, o.population);
    this.forecasting = id;
    let run: ReturnType<typeof forecastJob>;
    try {
      // 2: the pool runs a single job in a worker from two workers up (one would run it inline, on this thread)
      [run] = await runJobs<ReturnType<typeof forecastJob>>([{ module: FORECAST_JOB, fn: "forecastJob", args: [row.source, `plan ${id}`, o, population] }], 2);
    } finally {
      this.forecasting = null;
    }
    if ("error" in run) throw new InputError(withinHistories(this.histories, run.error), run.problems);
    // approved or retired while it ran: its new state stands, the forecast is not stored
    const now = this.expect(id, ["draft", "simulated"], "store the forecast of");
    const forecast: Forecast = { ...o, customers: run.customers, planHash: row.hash, engine: ENGINE_VERSION, metrics: run.metrics, baseline: run.baseline, wallMs: run.wallMs };
    this.transition(now, "simulated", actor, "plan.forecast", { forecast: JSON.stringify(forecast) }, { customers: run.customers, days: o.days, replications: o.replications });
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
      // the control group is recorded with the plan: it is measured on this group for its whole life
      const control = { share: this.driver.control.share, salt: this.driver.control.salt };
      this.transition(row, "live", actor, "plan.promote", { promoted: now, engine: ENGINE_VERSION, control: JSON.stringify(control) }, { hash: row.hash, engine: ENGINE_VERSION, control });
      this.driver.activate(this.get(id), now);
    });
    this.onPromoted?.();
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
      const which = states.length > 2 ? `${states.slice(0, -1).join(", ")} or ${states.at(-1)}` : states.join(" or ");
      throw new ApiError(409, `cannot ${verb} plan ${id}: it is ${row.state}; only a plan that is ${which} can be. ${NEXT[row.state](id)}`);
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

/** A message about a history config with the server's folder cut from its paths: the caller named `shop.yaml`, not `/srv/…/shop.yaml`. */
function withinHistories(histories: string | undefined, message: string): string {
  return histories === undefined ? message : message.replaceAll(resolve(histories) + sep, "");
}
