/**
 * Field parsers for history files: each returns the value or null, and a `valid` text the importer
 * quotes in its error ("expected …"). Strict on purpose: "" is not 0, and "12,50" is 12.5 only in a
 * table declared `decimal: comma`.
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

/** How long a value a message quotes in full; longer ones are shortened, their length said. */
const QUOTED_MAX = 60;

/**
 * A file's value quoted for a message: in full up to 60 characters, else its start and end and its
 * length (a 2 MB field, an unsplit line, would otherwise be the whole message).
 * @example quoted("12,50") === '"12,50"'; quoted("9".repeat(2e6)) === '"9999…9999" (2,000,000 characters)'
 */
export function quoted(s: string): string {
  if (s.length <= QUOTED_MAX) return JSON.stringify(s);
  return `${JSON.stringify(`${s.slice(0, 40)}…${s.slice(-10)}`)} (${s.length.toLocaleString("en-US")} characters)`;
}

export const DECIMALS = ["point", "comma"] as const;
export type Decimal = typeof DECIMALS[number];

const GROUPED_COMMA = /^[+-]?\d{1,3}(\.\d{3})+(,\d*)?$/; // 1.234,50 (dots group thousands)
// 1 234,50: a space, or the no-break spaces French and Scandinavian spreadsheets write (U+00A0, U+202F)
const SPACED_COMMA = /^[+-]?\d{1,3}([ \u00A0\u202F]\d{3})+(,\d*)?$/, SPACES = /[ \u00A0\u202F]/g;

/**
 * A number written with a decimal comma, as European exports have them: `12,50`, `-3,5`, `1.234,50`,
 * `1 234,50` (dots or spaces as thousands separators, only in groups of three). A plain `12` or `12.5`
 * is refused: in a decimal-comma file a point is a thousands separator, so `12.5` would be ambiguous.
 */
export function parseCommaNumber(s: string): number | null {
  if (s.indexOf(".") !== -1) {
    if (!GROUPED_COMMA.test(s)) return null;
    s = s.replaceAll(".", "");
  }
  const v = parseNumber(s.replace(",", "."));
  // spaces are looked for only when the plain parse fails: most values have none
  return v !== null || !SPACED_COMMA.test(s) ? v : parseNumber(s.replace(SPACES, "").replace(",", "."));
}

/** The parser and its `valid` text for a table's decimal mark. */
export function numberParser(decimal: Decimal): { parse: (s: string) => number | null; valid: string } {
  return decimal === "comma"
    ? { parse: parseCommaNumber, valid: "a number with a decimal comma such as 12,50, 1.234,50 or 1 234,50 (decimal: comma)" }
    : { parse: parseNumber, valid: "a plain number such as 12.50 (no symbol or thousands separator; decimal: comma reads 12,50)" };
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
