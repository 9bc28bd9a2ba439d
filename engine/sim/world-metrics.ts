/**
 * What the world knows and a live platform does not: which purchases a message caused, which it only
 * pulled forward or was credited with, which discounts went to customers who would have bought anyway,
 * and what never reached an inbox. Kept beside the run's Metrics (one per Metrics object, looked up by
 * `worldCounters(metrics)`) so the driver's counters stay the driver's.
 */
import type { Metrics } from "./metrics.ts";

export interface ProgramWorld {
  attributedOrders: number; // purchases credited to the program: caused, pulled forward, or organic after a visit it brought
  incrementalOrders: number; // purchases that would not have happened without the program's messages
  incrementalRevenue: number; // their revenue (after discount) minus the discounts given to would-have-bought-anyway buyers
  pulledForward: number; // purchases the customer would have made within days anyway
  redeemedAnyway: number; // organic purchases that used the program's discount
  visits: number; // site visits the program's messages brought (tracked clicks and untracked)
}

export class WorldCounters {
  readonly programs: ProgramWorld[];
  bounces = 0; hardBounces = 0; inbox = 0; spam = 0; humanOpens = 0; machineOpens = 0; visits = 0;
  causedOrders = 0; causedRevenue = 0; pulledForward = 0; attributedOrganic = 0; attributedOrganicRevenue = 0;
  redeemedAnyway = 0; discountAnyway = 0; transactional = 0; intentCarts = 0;
  constructor(programs: number) {
    this.programs = Array.from({ length: programs }, () => ({
      attributedOrders: 0, incrementalOrders: 0, incrementalRevenue: 0, pulledForward: 0, redeemedAnyway: 0, visits: 0,
    }));
  }
}

const ALL = new WeakMap<Metrics, WorldCounters>();

/**
 * The world's counters of a run (created on first use).
 * @example worldCounters(runPlan(plan, { customers: 1000, days: 30 }).run.metrics).causedOrders // purchases the messages caused, which no live platform can count
 */
export function worldCounters(m: Metrics): WorldCounters {
  let w = ALL.get(m);
  if (!w) ALL.set(m, w = new WorldCounters(m.programs.length));
  return w;
}
