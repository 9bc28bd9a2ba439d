/**
 * The unit of a history's money, two facts a history config states beside `currency`:
 * - `amountUnit`: what one amount in the file is worth in the currency (0.01 for an export in cents, as
 *   Stripe and Shopify write them; 1000 for one in thousands);
 * - `moneyUnit`: the unit Cadence counts the history's money in, in the currency (1000 counts rupiahs or
 *   won in thousands, within the range summed exactly, engine/sim/money.ts).
 * One number could not say both: a file in cents counted in dollars and a file in rupiahs counted in
 * thousands both divide by a power of ten, yet their money is "USD" and "thousands of IDR".
 * Both are powers of ten, so an amount is scaled by dividing or multiplying by an integer: a file in
 * cents gives, to the last bit, the figures of the same file written in the currency.
 */
import type { Path, Reporter } from "../engine/plan/errors.ts";

/** The units money may be counted in, and the words that name them. */
const COUNTED_IN: Record<number, string> = { 1: "", 1_000: "thousands of ", 1_000_000: "millions of ", 1_000_000_000: "billions of " };

export interface MoneyUnit {
  amountUnit: number;
  moneyUnit: number;
}

/** The config's `amountUnit`: a power of ten from 0.0001 to 1,000,000; default 1. */
export function amountUnitOf(v: unknown, path: Path, r: Reporter): number {
  if (v === undefined) return 1;
  const e = typeof v === "number" && v > 0 ? Math.round(Math.log10(v)) : NaN;
  if (e >= -4 && e <= 6 && v === 10 ** e) return v;
  r.error(path, `expected what one amount in the file is worth in the currency, a power of ten from 0.0001 to 1000000 such as 0.01 (amounts in cents), 1 (the default) or 1000 (amounts in thousands), got ${JSON.stringify(v)}`);
  return 1;
}

/** The config's `moneyUnit`: 1, 1000, 1,000,000 or 1,000,000,000; default 1. */
export function moneyUnitOf(v: unknown, path: Path, r: Reporter): number {
  if (v === undefined) return 1;
  if (isMoneyUnit(v)) return v;
  r.error(path, `expected the unit the history's money is counted in, in the currency: 1 (the default), 1000 (thousands), 1000000 (millions) or 1000000000 (billions), got ${JSON.stringify(v)}`);
  return 1;
}

/** Is `v` a unit money may be counted in? */
export function isMoneyUnit(v: unknown): v is number {
  return typeof v === "number" && COUNTED_IN[v] !== undefined;
}

/**
 * The history's money as every output labels it.
 * @example moneyLabel("IDR", 1000) // "thousands of IDR"
 */
export function moneyLabel(currency: string, moneyUnit: number): string {
  return `${COUNTED_IN[moneyUnit]}${currency}`;
}

/**
 * The unit a file's amounts are written in, as an import error names it after the value quoted from the
 * file: the currency alone said "in USD" of an export in cents, whose "12.50" is a mistake.
 * @example fileAmountUnit("USD", 0.01) // "units of 0.01 USD (amountUnit: 0.01, so 1250 is 12.5 USD)"
 */
export function fileAmountUnit(currency: string, amountUnit: number): string {
  if (amountUnit === 1) return currency;
  const example = amountScaler({ amountUnit, moneyUnit: 1 })(1250).toLocaleString("en-US", { maximumFractionDigits: 4 });
  return `units of ${amountUnit} ${currency} (amountUnit: ${amountUnit}, so 1250 is ${example} ${currency})`;
}

/**
 * Turns an amount as written in the file into money as counted; the identity for the default units.
 * @example amountScaler({ amountUnit: 0.01, moneyUnit: 1 })(1250) // 12.5
 */
export function amountScaler(u: MoneyUnit): (amount: number) => number {
  const shift = Math.round(Math.log10(u.moneyUnit / u.amountUnit)); // amounts ÷ 10^shift
  if (shift === 0) return (a) => a;
  const by = 10 ** Math.abs(shift); // an integer: dividing by it rounds once, as parsing the divided text does
  return shift > 0 ? (a) => a / by : (a) => a * by;
}
