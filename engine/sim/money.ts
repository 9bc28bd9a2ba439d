/**
 * Money summed across customers is counted in whole units of 1/10,000 of the currency (hundredths of
 * a cent) while a run goes, and turned into currency once at its end (`settleMoney`). Why: a sum of
 * floating-point amounts depends on the order of its additions (the last bits, then a rounded figure,
 * then the digest), and a run sharded over workers adds its customers' amounts in another order
 * (engine/parallel/sharded-run.ts). Integers up to 2^53 − 1 add exactly in a Number in any order: up to
 * 900,719,925,474 in currency; a simulated run whose sums pass it is refused when it settles (`checkExact`). Each
 * amount is rounded to its unit when it is counted; per-customer amounts (`revenueOf`, the table's
 * `revenue`) stay in currency: one customer's order never changes.
 */
import { InputError } from "../plan/errors.ts";
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

/** The largest sum of units a Number holds exactly (Number.MAX_SAFE_INTEGER): 900,719,925,474.0991 in currency. */
export const MAX_EXACT_UNITS = 2 ** 53 - 1;

const whole = (x: number) => x.toLocaleString("en-US", { maximumFractionDigits: 0 });

/** The limit, as messages name it. */
const lim = `${whole(MAX_EXACT_UNITS / MONEY_UNITS)} in the currency, the most summed exactly (2^53 − 1 units of 1/${whole(MONEY_UNITS)}, engine/sim/money.ts)`;

/**
 * What a user can change when a run's money passes the limit, in words: the synthetic population's
 * (`SYNTHETIC_LEVERS`), or a history population's, whose customers are its own and whose order values
 * come from its amounts (`Population.moneyLevers`, engine/sim/history-population.ts).
 */
export interface MoneyLevers {
  /** for revenue and discounts */
  revenue: string;
  /** for message costs */
  costs: string;
}

export const SYNTHETIC_LEVERS: MoneyLevers = {
  revenue: "run fewer customers or days, or count money in thousands (world.spend.scale, channels.*.cost and the plan's amounts ÷ 1,000)",
  costs: "run fewer customers or days, lower channels.*.cost, or count money in thousands (channels.*.cost, world.spend.scale and the plan's amounts ÷ 1,000)",
};

/**
 * Refuses a run whose money passed MAX_EXACT_UNITS: beyond it a sum's last units depend on the order of
 * its additions (a run sharded over workers would differ from the same run in one process), silently.
 * Every money sum is one of two kinds: revenue-side (revenue and its parts, a program's incremental
 * revenue, which adds what was paid and takes off discounts given) or message costs. Every addend is
 * whole and at least 0, so no partial sum exceeds revenue + discounts or the message costs: these two
 * bounds are exact (if a true sum passes 2^53 − 1, the rounded one does too).
 */
function checkExact(m: Metrics, levers: MoneyLevers): void {
  checkRevenueExact(m.revenue + m.discountCost, levers);
  if (m.messageCost > MAX_EXACT_UNITS) {
    throw new InputError(`this run's message costs came to ${whole(m.messageCost / MONEY_UNITS)}, beyond ${lim}: ${levers.costs}`);
  }
}

/**
 * Refuses revenue and discounts (in units) past what is summed exactly: a run's (`settleMoney`) and a split
 * baseline's figures merged from its shards (engine/parallel/shard-calls.ts `mergeFigures`; only a synthetic
 * population is split).
 */
export function checkRevenueExact(units: number, levers: MoneyLevers = SYNTHETIC_LEVERS): void {
  if (units > MAX_EXACT_UNITS) {
    throw new InputError(`this run's revenue and discounts came to ${whole(units / MONEY_UNITS)}, beyond ${lim}: ${levers.revenue}`);
  }
}

/**
 * Turns a finished run's money from units into currency; call once, when no more is counted. Throws an
 * InputError naming `levers` (what the run's population lets a user change) when a sum passed what is
 * counted exactly (`checkExact`), unless the run is `"replayed"`: a backtest adds a real history's amounts
 * in the history's order, in one thread, every time (it is never split over workers), so its sums are the
 * same on every run even past the limit, only rounded in their last units (a Number keeps 15 to 16
 * digits: 0.0002 of 1,200,000,000,000 IDR). Refusing it stopped the backtest of a history of 70 million
 * euros' worth in rupiahs, advising world.spend.scale, which a backtest does not have.
 */
export function settleMoney(m: Metrics, levers: MoneyLevers | "replayed" = SYNTHETIC_LEVERS): void {
  if (levers !== "replayed") checkExact(m, levers);
  eachMoney(m, (x) => x / MONEY_UNITS);
}

/** The names of the money fields, for a merge that sums them as integers (engine/parallel/merge-metrics.ts). */
export const MONEY_FIELDS = { totals: TOTALS, daily: DAILY, world: WORLD } as const;
