/**
 * Suppressed messages by kind of reason, so a plan without pressure rules never appears to suppress by
 * pressure: the core names its reasons "consent", "send-window", "capacity:<channel>", or the pressure
 * rule's own name (engine/core/decide.ts).
 */
export interface SuppressionSplit {
  consent: number; // the customer has not consented to the channel (or withdrew)
  windowCapacity: number; // the send window could not be met in time, or the channel's daily capacity was full
  pressure: number; // one of the plan's pressure rules
}

export type SuppressionKind = keyof SuppressionSplit;

/** The kind of a suppression reason. */
export function suppressionKind(rule: string): SuppressionKind {
  if (rule === "consent") return "consent";
  if (rule === "send-window" || rule.startsWith("capacity:")) return "windowCapacity";
  return "pressure";
}

export function suppressionSplit(byRule: Record<string, number>): SuppressionSplit {
  const out: SuppressionSplit = { consent: 0, windowCapacity: 0, pressure: 0 };
  for (const [rule, n] of Object.entries(byRule)) out[suppressionKind(rule)] += n;
  return out;
}
