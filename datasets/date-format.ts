/**
 * Date formats a history file may use, each parsed to Cadence time (integer minutes since the epoch,
 * UTC). Dates without a time of day fall at 00:00 UTC of that day.
 */
import { parseDate, type Minutes } from "../engine/core/time.ts";

export const DATE_FORMATS = ["YYYYMMDD", "YYYY-MM-DD", "ISO", "DD/MM/YYYY", "MM/DD/YYYY"] as const;
export type DateFormat = typeof DATE_FORMATS[number];

export const DATE_EXAMPLES: Record<DateFormat, string> = {
  "YYYYMMDD": "19970101",
  "YYYY-MM-DD": "1997-01-01",
  "ISO": "1997-01-01T10:30:00Z",
  "DD/MM/YYYY": "31/01/1997",
  "MM/DD/YYYY": "01/31/1997",
};

function fromParts(y: number, m: number, d: number): Minutes | null {
  if (!(m >= 1 && m <= 12 && d >= 1 && d <= 31)) return null;
  const ms = Date.UTC(y, m - 1, d);
  // Date.UTC rolls 1997-02-30 over to March; reject instead.
  if (new Date(ms).getUTCDate() !== d) return null;
  return ms / 60000;
}

/** Digits only, else NaN (Number("") is 0 and Number(" 1") is 1: both wrong for a date part). */
function digits(s: string, from: number, to: number): number {
  let v = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return NaN;
    v = v * 10 + c;
  }
  return v;
}

/**
 * A parser for one format: text → minutes since epoch, or null when the text is not such a date.
 * @example dateParser("YYYYMMDD")("19970101") === Date.UTC(1997, 0, 1) / 60000
 */
export function dateParser(format: DateFormat): (text: string) => Minutes | null {
  switch (format) {
    case "YYYYMMDD":
      return (s) => (s.length === 8 ? fromParts(digits(s, 0, 4), digits(s, 4, 6), digits(s, 6, 8)) : null);
    case "YYYY-MM-DD":
      return (s) =>
        s.length === 10 && s[4] === "-" && s[7] === "-"
          ? fromParts(digits(s, 0, 4), digits(s, 5, 7), digits(s, 8, 10))
          : null;
    case "ISO":
      return (s) => parseDate(s);
    case "DD/MM/YYYY":
    case "MM/DD/YYYY": {
      const dayFirst = format === "DD/MM/YYYY";
      return (s) => {
        const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(s);
        if (!m) return null;
        const a = Number(m[1]), b = Number(m[2]);
        return dayFirst ? fromParts(Number(m[3]), b, a) : fromParts(Number(m[3]), a, b);
      };
    }
    default:
      return assertUnreachable(format);
  }
}

function assertUnreachable(x: never): never {
  throw new Error(`unknown date format: ${x}`);
}
