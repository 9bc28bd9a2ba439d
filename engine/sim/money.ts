/**
 * Money summed across customers is counted in whole units of 1/10,000 of the currency (hundredths of
 * a cent) while a run goes, and turned into currency once at its end (`settleMoney`). Why: a sum of
 * floating-point amounts depends on the order of its additions (the last bits, then a rounded figure,
 * then the digest), and a run sharded over workers adds its customers' amounts in another order
 * (engine/parallel/sharded-run.ts). Integers below 2^53 add exactly in a Number in any order: up to
 * 900 billion in currency. Each amount is rounded to its unit when it is counted; per-customer
 * amounts (`revenueOf`, the table's `revenue`) stay in currency: one customer's order never changes.
 */
import type { Metrics } from "./metrics.ts";
import { type WorldCounters, worldCounters } from "./world-metrics.ts";

export const MONEY_UNITS = 10_000; // units per currency unit

/** An amount in whole units. */
export const units = (x: number): number => Math.round(x * MONEY_UNITS);

/** Metrics fields (totals, per-program, per-channel, daily series) that hold money. */
const TOTALS = ["revenue", "organicRevenue", "messageRevenue", "messageCost", "discountCost"] as const;
const DAILY = ["revenue", "messageRevenue", "cost"] as const;
const WORLD = ["causedRevenue", "attributedOrganicRevenue", "discountAnyway"] as const;

/** Applies `f` to every money figure of a run's metrics and world counters (one list, here). */
function eachMoney(m: Metrics, f: (x: number) => number): void {
  for (const k of TOTALS) m[k] = f(m[k]);
  for (const k of DAILY) {
    const s = m.daily[k];
    for (let d = 0; d < s.length; d++) s[d] = f(s[d]);
  }
  for (const p of m.programs) p.revenue = f(p.revenue), p.cost = f(p.cost);
  for (const ch of m.channels) ch.cost = f(ch.cost);
  const w: WorldCounters = worldCounters(m);
  for (const k of WORLD) w[k] = f(w[k]);
  for (const p of w.programs) p.incrementalRevenue = f(p.incrementalRevenue);
}

/** Turns a finished run's money from units into currency; call once, when no more is counted. */
export function settleMoney(m: Metrics): void {
  eachMoney(m, (x) => x / MONEY_UNITS);
}

/** The names of the money fields, for a merge that sums them as integers (engine/parallel/merge-metrics.ts). */
export const MONEY_FIELDS = { totals: TOTALS, daily: DAILY, world: WORLD } as const;
