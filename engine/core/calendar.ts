/**
 * Calendar dates in a customer's timezone. A birthday is stored as a day of a non-leap year (0 = Jan 1,
 * 364 = Dec 31) and means that month and day on the calendar, every year: it fires at 09:00 local time,
 * so it never drifts as a 365-day cycle would (a quarter of a day a year; two weeks over a decade on
 * 2,920-day runs). A live driver computes the same instant from the same profile.
 */
import { DAY, HOUR, type Minutes } from "./time.ts";

const MONTH_STARTS = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365];
export const BIRTHDAY_HOUR = 9;

/** Month (0–11) and day of month (1–31) of a day of a non-leap year. */
export function monthDay(dayOfYear: number): [number, number] {
  let m = 0;
  while (m < 11 && dayOfYear >= MONTH_STARTS[m + 1]) m++;
  return [m, dayOfYear - MONTH_STARTS[m] + 1];
}

/** Day of a non-leap year for a month (0–11) and day (1–31); Feb 29 is read as Feb 28. */
export function dayOfYear(month: number, day: number): number {
  return MONTH_STARTS[month] + Math.min(day, MONTH_STARTS[month + 1] - MONTH_STARTS[month]) - 1;
}

/**
 * The first birthday instant (09:00 local, `tz` minutes east of UTC) strictly after `after`, or null
 * when the birthday is unknown (< 0).
 * @example nextBirthday(dayOfYear(2, 14), 60, parseDate("2026-01-01")!) // 2026-03-14T08:00Z
 */
export function nextBirthday(birthday: number, tz: number, after: Minutes): Minutes | null {
  if (birthday < 0) return null;
  const [month, day] = monthDay(Math.min(364, birthday));
  let year = new Date((after + tz) * 60000).getUTCFullYear();
  for (;;) {
    const at = Math.floor(Date.UTC(year, month, day) / 60000) + BIRTHDAY_HOUR * HOUR - tz;
    if (at > after) return at;
    year++;
  }
}

/** The local day number (days since 1970-01-01 in the given offset) of an instant. */
export const localDay = (t: Minutes, tz: number): number => Math.floor((t + tz) / DAY);
