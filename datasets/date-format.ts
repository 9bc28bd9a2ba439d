/**
 * Date formats a history file may use, each parsed to Cadence time (integer minutes since the epoch,
 * UTC). Any format may carry a time of day after the date (`2011-12-09 12:50:00`, `9/12/2011 12:50`,
 * `2011-12-09T12:50`) and an offset (`Z`, `+01:00`, `-0500`). A date without a time is a calendar day
 * and falls at 00:00 UTC whatever the zone (so its purchase day is the one written); a time without an offset is local time in the table's `timeZone` (default UTC), converted to UTC with
 * that zone's offset at that instant (daylight saving included).
 */
import { FIRST_YEAR, LAST_YEAR, type Minutes, offsetMinutes, YEARS } from "../engine/core/time.ts";

export const DATE_FORMATS = ["YYYYMMDD", "YYYY-MM-DD", "ISO", "DD/MM/YYYY", "MM/DD/YYYY"] as const;
export type DateFormat = typeof DATE_FORMATS[number];

export const DATE_EXAMPLES: Record<DateFormat, string> = {
  "YYYYMMDD": "19970101",
  "YYYY-MM-DD": "1997-01-01",
  "ISO": "1997-01-01T10:30:00Z",
  "DD/MM/YYYY": "31/01/1997",
  "MM/DD/YYYY": "01/31/1997",
};

/** What the error message quotes as valid for a format. */
export function dateValid(format: DateFormat): string {
  return `expected a date as ${format}, e.g. ${DATE_EXAMPLES[format]}, optionally with a time (${DATE_EXAMPLES[format]} 12:50:00) and an offset (Z, +01:00); ${YEARS}`;
}

function fromParts(y: number, m: number, d: number): Minutes | null {
  if (!(y >= FIRST_YEAR && y <= LAST_YEAR && m >= 1 && m <= 12 && d >= 1 && d <= 31)) return null;
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

// after the date: separator, H:MM[:SS[.fff]], optional offset
const TIME = /^[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/;

/** The date part's parser and its length (null: the whole text must match) for each format. */
function datePart(format: DateFormat): (s: string) => { day: Minutes | null; end: number } {
  switch (format) {
    case "YYYYMMDD":
      return (s) => ({ day: fromParts(digits(s, 0, 4), digits(s, 4, 6), digits(s, 6, 8)), end: 8 });
    case "YYYY-MM-DD":
    case "ISO":
      return (s) => ({
        day: s[4] === "-" && s[7] === "-" ? fromParts(digits(s, 0, 4), digits(s, 5, 7), digits(s, 8, 10)) : null,
        end: 10,
      });
    case "DD/MM/YYYY":
    case "MM/DD/YYYY": {
      const dayFirst = format === "DD/MM/YYYY";
      return (s) => {
        const m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})/.exec(s);
        if (!m) return { day: null, end: 0 };
        const a = Number(m[1]), b = Number(m[2]);
        return { day: dayFirst ? fromParts(Number(m[3]), b, a) : fromParts(Number(m[3]), a, b), end: m[0].length };
      };
    }
    default:
      return assertUnreachable(format);
  }
}

/**
 * A parser for one format: text → minutes since epoch (UTC), or null when the text is not such a date.
 * @param timeZone IANA zone of times written without an offset (default UTC)
 * @example dateParser("YYYYMMDD")("19970101") === Date.UTC(1997, 0, 1) / 60000
 * @example dateParser("YYYY-MM-DD", "Europe/London")("2011-06-09 12:50") === Date.UTC(2011, 5, 9, 11, 50) / 60000
 */
export function dateParser(format: DateFormat, timeZone = "UTC"): (text: string) => Minutes | null {
  const part = datePart(format);
  const local = timeZone === "UTC" ? (t: Minutes) => t : localToUtc(timeZone);
  return (s) => {
    const { day, end } = part(s);
    if (day === null) return null;
    if (s.length === end) return day; // a calendar day as written: 00:00 UTC whatever the zone
    const m = TIME.exec(s.slice(end));
    if (!m) return null;
    const h = Number(m[1]), min = Number(m[2]), sec = m[3] === undefined ? 0 : Number(m[3]);
    if (h > 23 || min > 59 || sec > 59) return null;
    const t = day + h * 60 + min; // seconds are dropped: Cadence time is in whole minutes
    if (m[4] === undefined) return local(t);
    if (m[4] === "Z") return t;
    const offset = offsetMinutes(m[4]); // minutes under 60, within ±14:00
    return offset === null ? null : t - offset;
  };
}

/**
 * Local wall-clock minutes in a zone → UTC minutes. Offsets are cached per local day when the day has
 * one offset (all but the two daylight-saving days a year), else per hour: Intl's formatToParts is slow
 * (tens of µs), and a year of hourly timestamps would otherwise cost ~17,000 calls.
 */
function localToUtc(zone: string): (t: Minutes) => Minutes {
  const fmt = new Intl.DateTimeFormat("en-US", { timeZone: zone, timeZoneName: "longOffset" });
  const offsetAt = (utc: Minutes) => {
    const part = fmt.formatToParts(new Date(utc * 60000)).find((p) => p.type === "timeZoneName")?.value ?? "GMT";
    const m = /GMT([+-])(\d{2}):(\d{2})/.exec(part);
    return m ? (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
  };
  // Two steps: the offset at the guess, then at the corrected instant (right across a DST change).
  const exact = (t: Minutes) => offsetAt(t - offsetAt(t));
  const days = new Map<number, number>(), hours = new Map<number, number>();
  return (t) => {
    const day = Math.floor(t / 1440);
    let off = days.get(day);
    if (off === undefined) {
      const first = exact(day * 1440), last = exact(day * 1440 + 1439);
      days.set(day, off = first === last ? first : NaN);
    }
    if (Number.isNaN(off)) {
      const hour = Math.floor(t / 60);
      off = hours.get(hour);
      if (off === undefined) hours.set(hour, off = exact(t));
    }
    return t - off;
  };
}

function assertUnreachable(x: never): never {
  throw new Error(`unknown date format: ${x}`);
}
