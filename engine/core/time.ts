/**
 * Time in Cadence is an integer count of **minutes since the Unix epoch (UTC)**, everywhere: the
 * decision core, the simulator's virtual clock, the live driver's wall clock and every file written.
 * Minutes keep a whole century inside an Int32 and are the finest grain a marketing plan speaks in.
 */
export type Minutes = number;

export const MINUTE = 1;
export const HOUR = 60;
export const DAY = 1440;
export const WEEK = 7 * DAY;

const DURATION = /^(\d+(?:\.\d+)?)\s*(m|min|h|d|w)$/;

/** Parses `30m`, `12h`, `2d`, `1w` (or a bare number of minutes); returns null when malformed. */
export function parseDuration(text: string | number): Minutes | null {
  if (typeof text === "number") return Number.isFinite(text) && text >= 0 ? Math.round(text) : null;
  const m = DURATION.exec(String(text).trim());
  if (!m) return null;
  const n = Number(m[1]);
  const unit = m[2] === "w" ? WEEK : m[2] === "d" ? DAY : m[2] === "h" ? HOUR : MINUTE;
  return Math.round(n * unit);
}

/**
 * The years a time may have: wide enough for any customer history or plan, and far inside the engine's
 * 32-bit minutes (up to 6053); a year 9999 used to wrap around (a visit "in 9999" read back as 1833).
 */
export const FIRST_YEAR = 1900, LAST_YEAR = 2199;
export const YEARS = `years ${FIRST_YEAR} to ${LAST_YEAR}`;

/** The layout of a time parseDate reads: year, month, day, then optionally the clock and an offset (group 7). */
export const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * `2026-01-01` or `2026-01-01T10:30` or a full ISO string (UTC unless an offset is given).
 * @example parseDate("2026-01-01T10:30") // 29454390; parseDate("2026-02-30") // null
 */
export function parseDate(text: string): Minutes | null {
  const s = String(text).trim(), m = DATE_TIME.exec(s), offset = m?.[7];
  if (!m || (offset !== undefined && offset !== "Z" && offsetMinutes(offset) === null)) return null;
  // Date.parse takes a day past its month's end as the next month's (2026-02-30 is March 2nd): refused
  const year = Number(m[1]), month = Number(m[2]), day = Number(m[3]);
  if (year < FIRST_YEAR || year > LAST_YEAR || month < 1 || month > 12 || day < 1 || day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return null;
  const iso = s.length === 10 ? `${s}T00:00:00Z` : offset !== undefined ? s.replace(" ", "T") : `${s.replace(" ", "T")}Z`;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : Math.floor(ms / 60000);
}

/**
 * A UTC offset written `+HH:MM` or `+HHMM` → minutes east of UTC, or null: minutes under 60, and within
 * the world's offsets, -14:00 to +14:00 (Date.parse takes up to ±23:59).
 * @example offsetMinutes("-05:30") === -330
 */
export function offsetMinutes(text: string): number | null {
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(text.trim());
  if (!m || Number(m[3]) >= 60) return null;
  const minutes = Number(m[2]) * 60 + Number(m[3]);
  return minutes <= 14 * 60 ? (m[1] === "-" ? -minutes : minutes) : null;
}

/** `HH:MM` → minutes after midnight, or null. */
export function parseClock(text: string): number | null {
  const m = /^(\d{1,2}):(\d{2})$/.exec(String(text).trim());
  if (!m) return null;
  const h = Number(m[1]), min = Number(m[2]);
  return h <= 24 && min < 60 && h * 60 + min <= DAY ? h * 60 + min : null;
}

/**
 * ISO-8601 UTC with minute precision: `2026-01-01T10:30:00Z`.
 * @example formatTime(parseDate("2026-01-01T10:30")!) // "2026-01-01T10:30:00Z"
 */
export function formatTime(t: Minutes): string {
  // a run's files format millions of times, mostly of one day after another: the day's `YYYY-MM-DDT`
  // is kept and the minute's `HH:MM:00Z` read from a table (the same text as the Date's, which cost a
  // quarter of writing a run's files); other times (not whole minutes, before 1970, after 9999) as before
  if (!(t >= 0 && t < LAST_FOUR_DIGIT_YEAR) || t !== Math.floor(t)) return dateOf(t, "formatTime").toISOString().replace(".000Z", "Z");
  const day = Math.floor(t / DAY);
  if (day !== clockDay) clockDay = day, clockPrefix = new Date(day * DAY * 60000).toISOString().slice(0, 11);
  return clockPrefix + (CLOCK ??= Array.from({ length: DAY }, (_, m) => `${two(Math.floor(m / 60))}:${two(m % 60)}:00Z`))[t - day * DAY];
}

const LAST_FOUR_DIGIT_YEAR = Date.UTC(10000, 0, 1) / 60000;
const two = (n: number) => (n < 10 ? "0" : "") + n;
let CLOCK: string[] | undefined, clockDay = NaN, clockPrefix = "";

/**
 * `2026-01-01`: the UTC day of a time.
 * @example formatDate(parseDate("2026-03-04T10:30")!) // "2026-03-04"
 */
export function formatDate(t: Minutes): string {
  return dateOf(t, "formatDate").toISOString().slice(0, 10);
}

/** A time as a Date, or a RangeError naming it (a Date's own says "Invalid time value", not which or why). */
function dateOf(t: Minutes, fn: string): Date {
  const d = new Date(t * 60000);
  if (Number.isNaN(d.getTime())) throw new RangeError(`${fn}: expected a time in minutes since 1970-01-01 UTC, such as parseDate("2026-01-01"), got ${typeof t === "string" ? `'${t}'` : t}`);
  return d;
}

export const dayOf = (t: Minutes): number => Math.floor(t / DAY);
