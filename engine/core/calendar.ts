/**
 * Calendar dates in a customer's timezone. A birthday is stored as a day of a non-leap year (0 = Jan 1,
 * 364 = Dec 31), or FEB_29 (365), and means that month and day on the calendar, every year: it fires at
 * 09:00 local time, so it never drifts as a 365-day cycle would (a quarter of a day a year; two weeks over
 * a decade on 2,920-day runs). A 29 February birthday is on the 29th in leap years and on the 28th in
 * other years (still February, as most brands and registries do). A live driver computes the same instant
 * from the same profile.
 */
import { DAY, HOUR, type Minutes } from "./time.ts";

const MONTH_STARTS = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365];
export const BIRTHDAY_HOUR = 9;

/** The stored birthday of 29 February: after the non-leap year's days, so that date is kept, not read as the 28th. */
export const FEB_29 = 365;

/** Month (0–11) and day of month (1–31) of a day of a non-leap year, or of FEB_29. */
export function monthDay(dayOfYear: number): [number, number] {
  if (dayOfYear === FEB_29) return [1, 29];
  let m = 0;
  while (m < 11 && dayOfYear >= MONTH_STARTS[m + 1]) m++;
  return [m, dayOfYear - MONTH_STARTS[m] + 1];
}

/** Day of a non-leap year for a month (0–11) and day (1–31); Feb 29 is read as Feb 28. */
export function dayOfYear(month: number, day: number): number {
  return MONTH_STARTS[month] + Math.min(day, MONTH_STARTS[month + 1] - MONTH_STARTS[month]) - 1;
}

/**
 * A birthday's stored day for a month (0–11) and day (1–31): the day of a non-leap year, 29 February kept.
 * @example birthdayOf(1, 29) === FEB_29; birthdayOf(2, 14) === 72
 */
export function birthdayOf(month: number, day: number): number {
  return month === 1 && day === 29 ? FEB_29 : dayOfYear(month, day);
}

/**
 * The first birthday instant (09:00 local, `tz` minutes east of UTC) strictly after `after`, or null
 * when the birthday is unknown (< 0).
 * @example nextBirthday(dayOfYear(2, 14), 60, parseDate("2026-01-01")!) // 2026-03-14T08:00Z
 */
export function nextBirthday(birthday: number, tz: number, after: Minutes): Minutes | null {
  if (birthday < 0) return null;
  const [month, day] = monthDay(Math.min(FEB_29, birthday));
  let year = new Date((after + tz) * 60000).getUTCFullYear();
  for (;;) {
    const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
    const at = Math.floor(Date.UTC(year, month, day === 29 && month === 1 && !leap ? 28 : day) / 60000) + BIRTHDAY_HOUR * HOUR - tz;
    if (at > after) return at;
    year++;
  }
}

/** The local day number (days since 1970-01-01 in the given offset) of an instant. */
export const localDay = (t: Minutes, tz: number): number => Math.floor((t + tz) / DAY);
