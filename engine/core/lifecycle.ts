/**
 * Lifecycle stages (the seeds' targets: prospect, new customer, regular, lapsing, passive/churned),
 * derived from a customer's order count and days since last purchase so that the simulator, the
 * history importer and the live driver all classify a customer the same way.
 */
import { DAY } from "./time.ts";
import { PER1, PER4 } from "./record.ts";

export const STAGES = ["prospect", "new", "regular", "lapsing", "churned"] as const;
export type Stage = typeof STAGES[number];
export const PROSPECT = 0, NEW = 1, REGULAR = 2, LAPSING = 3, CHURNED = 4;

/** Days without a purchase after which a customer is lapsing, then passive (churned). */
export const LAPSING_AFTER_DAYS = 180;
export const CHURNED_AFTER_DAYS = 365;

/**
 * @param orders purchases so far
 * @param daysSinceLast days since the last purchase (ignored when orders = 0)
 * @param gone true when the customer has left (opted out of everything or churned by fatigue)
 * @example stageOf(1, 20, false) === NEW
 */
export function stageOf(orders: number, daysSinceLast: number, gone: boolean): number {
  if (gone) return CHURNED;
  if (orders <= 0) return PROSPECT;
  if (daysSinceLast > CHURNED_AFTER_DAYS) return CHURNED;
  if (daysSinceLast > LAPSING_AFTER_DAYS) return LAPSING;
  return orders === 1 ? NEW : REGULAR;
}

/** A customer's stage at `now` from their row of a CustomerTable (or any table with these columns). */
export function stageAt(t: { orders: ArrayLike<number>; lastPurchase: ArrayLike<number>; gone: ArrayLike<number> }, c: number, now: number): number {
  return stageOf(t.orders[c * PER4], Math.floor((now - t.lastPurchase[c * PER4]) / DAY), t.gone[c * PER1] === 1);
}
