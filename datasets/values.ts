/**
 * Field parsers for history files: each returns the value or null, and a `valid` text the importer
 * quotes in its error ("expected …"). Strict on purpose: "" is not 0 and "12,50" is not 12.5.
 */

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A plain decimal number. */
export function parseNumber(s: string): number | null {
  // Number() alone accepts "", " ", "0x1F" and "Infinity"; the regex only runs when the cheap parse fails that test.
  const v = Number(s);
  if (s.length === 0 || !Number.isFinite(v)) return null;
  const c = s.charCodeAt(0);
  if ((c >= 48 && c <= 57) || c === 45 || c === 46 || c === 43) return NUMBER.test(s) ? v : null;
  return null;
}

const TRUE = new Set(["1", "true", "t", "yes", "y", "opt-in", "optin", "subscribed"]);
const FALSE = new Set(["0", "false", "f", "no", "n", "", "opt-out", "optout", "unsubscribed"]);
export const BOOLEAN_VALID = "1/0, true/false, yes/no, y/n, opt-in/opt-out (empty means no)";

/** A consent flag. */
export function parseBoolean(s: string): boolean | null {
  const k = s.trim().toLowerCase();
  return TRUE.has(k) ? true : FALSE.has(k) ? false : null;
}

const zones = new Map<string, boolean>();

/** An IANA time zone name (Europe/Paris, America/New_York, UTC), checked once per distinct name. */
export function isTimeZone(s: string): boolean {
  let ok = zones.get(s);
  if (ok === undefined) {
    try {
      new Intl.DateTimeFormat("en", { timeZone: s });
      ok = true;
    } catch {
      ok = false;
    }
    zones.set(s, ok);
  }
  return ok;
}
