/**
 * The warning a server logs when `--webhook-expire-after` names a category the live plan does not have
 * (docs/live.md, "Late messages"). The categories are the plan's, and promoting another plan changes
 * them, so such a setting cannot be refused at start: it is said at start and at each promotion, and
 * /healthz lists the unknown categories (webhook.expireAfterUnknown).
 */
import { closest } from "../plan/errors.ts";
import { type Expiry, spanText, unknownCategories } from "./expiry.ts";

/**
 * One line naming each unknown category with its span (and the likely one meant), the plan and the
 * categories it has; null when the plan has every category the expiry names. `plan`: such as
 * `plan 2 (receipts), live`, or null when no plan is live (every plan has the default categories);
 * `setting`: the flag or variable as the user gave it.
 * @example expiryWarning(parseExpiry("24h,transactionnal=7d") as Expiry, ["transactional", "relational", "promotional"], "plan 2 (receipts), live", "--webhook-expire-after")
 * // "warning: --webhook-expire-after: transactionnal=7d applies to no message: plan 2 (receipts), live, has no category transactionnal (did you mean transactional?); its categories: transactional, relational, promotional (one not named takes 24h)"
 */
export function expiryWarning(e: Expiry, categories: readonly string[], plan: string | null, setting: string): string | null {
  const unknown = unknownCategories(e, categories);
  if (!unknown.length) return null;
  const one = unknown.length === 1;
  const spans = `${unknown.map((c) => `${c}=${spanText(e.byCategory[c])}`).join(", ")} ${one ? "applies" : "apply"} to no message`;
  const named = unknown.map((c) => {
    const hint = closest(c, categories);
    return `${c}${hint ? ` (did you mean ${hint}?)` : ""}`;
  }).join(", ");
  return plan === null
    ? `warning: ${setting}: ${spans} yet: no plan is live, and ${named} ${one ? "is not one of" : "are not among"} the categories every plan has (${categories.join(", ")}); a plan must declare ${one ? "it" : "them"} under categories:`
    : `warning: ${setting}: ${spans}: ${plan}, has no ${one ? "category" : "categories"} ${named}; its categories: ${categories.join(", ")} (one not named takes ${spanText(e.defaultMs)})`;
}
