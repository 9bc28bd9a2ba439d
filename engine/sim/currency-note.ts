/**
 * A history population's revenue is in the history's currency, a plan's message costs and discounts
 * in the plan's: Cadence does not convert between them. The one sentence saying so, shared by
 * `backtest`, `compare` (text, --json, report) and whatever else sets the two side by side.
 */

/**
 * The warning when the two currencies differ, else null.
 * @example currencyNote("USD", "EUR") // "the history is in USD, the plan in EUR: revenue is …"
 */
export function currencyNote(historyCurrency: string, planCurrency: string): string | null {
  if (historyCurrency === planCurrency) return null;
  return `the history is in ${historyCurrency}, the plan in ${planCurrency}: revenue is the history's ${historyCurrency}, message costs and discounts are the plan's ${planCurrency}; they are not converted`;
}
