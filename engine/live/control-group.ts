/**
 * The global control group: a share of customers who get no marketing message (transactional ones
 * still go), chosen by a stable hash of their id and a salt — so membership survives restarts and
 * re-imports, and changing the salt draws a new group.
 */
import { hashString, uniform } from "../core/hash.ts";
import type { PlanRow } from "./store.ts";

const CONTROL = 0xc0_47_01;

export interface ControlGroup {
  share: number; // 0 ≤ share < 1
  salt: string;
}

export function inControl(g: ControlGroup, id: string): boolean {
  return g.share > 0 && uniform(hashString(g.salt), hashString(id), CONTROL, 0) < g.share;
}

/** The group a plan was promoted with; null for a plan never promoted, or promoted before it was recorded. */
export function recordedControl(plan: PlanRow): ControlGroup | null {
  return plan.control ? JSON.parse(plan.control) as ControlGroup : null;
}
