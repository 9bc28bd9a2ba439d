/**
 * How late a webhook message may still be sent. A message decided at minute `time` (its `time` in the
 * outbox: when the core decided to send it) expires `after` it — one span for every message, or one per
 * category (`transactional=7d`): a receipt is still worth sending a day late, a cart reminder not. Past
 * its expiry a message is `expired`, never POSTed, whatever kept it back (a receiver's outage, a stopped
 * server, an operator's requeue); docs/live.md, "Late messages".
 */

export interface Expiry {
  /** Milliseconds after its decision time a message may still be sent; Infinity: never expires. */
  defaultMs: number;
  byCategory: Record<string, number>;
}

export const DEFAULT_EXPIRY: Expiry = { defaultMs: 24 * 3_600_000, byCategory: {} };

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** The last moment (ms since epoch) `m` may be POSTed. */
export function deadline(e: Expiry, m: { time: number; category: string }): number {
  return m.time * 60_000 + spanOf(e, m.category);
}

/** The span of a category: its own, or the one for every category. */
function spanOf(e: Expiry, category: string): number {
  return Object.hasOwn(e.byCategory, category) ? e.byCategory[category] : e.defaultMs;
}

/**
 * `24h`, `never`, or a default and overrides by category: `24h,transactional=7d,promotional=2h`
 * (whole numbers of m, h or d). The problem in words (what would be valid), or the expiry.
 * @example parseExpiry("6h,transactional=3d") // { defaultMs: 21600000, byCategory: { transactional: 259200000 } }
 */
export function parseExpiry(text: string): Expiry | string {
  const e: Expiry = { defaultMs: DEFAULT_EXPIRY.defaultMs, byCategory: {} };
  const span = (s: string): number | null => {
    if (s === "never") return Infinity;
    const m = /^([1-9]\d{0,5})([mhd])$/.exec(s);
    return m ? Number(m[1]) * UNIT_MS[m[2]] : null;
  };
  for (const [i, part] of text.split(",").map((p) => p.trim()).entries()) {
    const eq = part.indexOf("=");
    const [category, value] = eq < 0 ? [null, part] : [part.slice(0, eq).trim(), part.slice(eq + 1).trim()];
    const ms = span(value);
    if (ms === null) return `expected a span such as 30m, 24h, 7d or never, got '${value}'${category ? ` for ${category}` : ""}`;
    if (category === null) {
      if (i > 0) return `the span for every category comes first (such as 24h,transactional=7d), got '${part}' later`;
      e.defaultMs = ms;
    } else {
      if (!category) return `a category before '=', such as transactional=7d, got '${part}'`;
      if (Object.hasOwn(e.byCategory, category)) return `category ${category} given twice`;
      e.byCategory[category] = ms;
    }
  }
  return e;
}

/** A span as the flag writes it: days from two on (a day is written 24h, as the default is given), else hours or minutes. */
export function spanText(ms: number): string {
  return ms === Infinity ? "never" : ms % UNIT_MS.d === 0 && ms > UNIT_MS.d ? `${ms / UNIT_MS.d}d` : ms % UNIT_MS.h === 0 ? `${ms / UNIT_MS.h}h` : `${ms / UNIT_MS.m}m`;
}

/** The expiry in the flag's own words (the server's start line, the readiness probe). */
export function expiryText(e: Expiry): string {
  return [spanText(e.defaultMs), ...Object.entries(e.byCategory).map(([c, ms]) => `${c}=${spanText(ms)}`)].join(",");
}

/**
 * How an expired message's last error begins (the error before it follows): the span it had, and its
 * category when the span is the category's own.
 * @example expiredReason(parseExpiry("24h,transactional=7d") as Expiry, "transactional") // "expired: not sent within 7d of its decision (category transactional)"
 */
export function expiredReason(e: Expiry, category: string): string {
  const own = Object.hasOwn(e.byCategory, category) ? ` (category ${category})` : "";
  return `expired: not sent within ${spanText(spanOf(e, category))} of its decision${own}`;
}

/**
 * The categories the expiry gives a span of its own that `categories` (the live plan's) lacks: no
 * message of that plan has them, so their span applies to none (a typo such as `transactionnal=7d` was
 * taken without a word, and receipts expired after the default 24 h).
 * @example unknownCategories(parseExpiry("24h,transactionnal=7d") as Expiry, ["transactional", "relational", "promotional"]) // ["transactionnal"]
 */
export function unknownCategories(e: Expiry, categories: readonly string[]): string[] {
  return Object.keys(e.byCategory).filter((c) => !categories.includes(c));
}
