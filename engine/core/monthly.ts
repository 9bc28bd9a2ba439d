/**
 * Monthly campaign dates: a day of the month (the 15th; the last day) or the n-th weekday of the month
 * (the first Monday; the last Friday). A day past a shorter month's end (the 31st in April) falls on
 * that month's last day, so a monthly campaign sends every month; two rules landing on the same date
 * send once. Days are counted in the plan's local time (minutes since epoch, shifted by its offset).
 */
import { DAY } from "./time.ts";

/**
 * One rule of a monthly schedule. weekday −1: `day` is the day of the month, 1–31, or −1 for the last
 * day. weekday 0–6 (Monday–Sunday): `day` is which one in the month, 1–4, or −1 for the last.
 */
export interface MonthDay {
  day: number;
  weekday: number;
}

const weekdayOf = (localDay: number) => (localDay + 3) % 7; // 1970-01-01 was a Thursday; 0 = Monday

/** The local midnights (minutes) of the rules' dates in the month of year `y`, month `m` (0–11), sorted, distinct. */
export function monthDates(on: MonthDay[], y: number, m: number): number[] {
  const first = Date.UTC(y, m, 1) / 86_400_000, length = Date.UTC(y, m + 1, 1) / 86_400_000 - first; // in days
  const days = new Set<number>();
  for (const r of on) {
    if (r.weekday < 0) {
      days.add(first + (r.day < 0 ? length - 1 : Math.min(r.day, length) - 1));
    } else if (r.day > 0) {
      const firstOf = first + ((r.weekday - weekdayOf(first) + 7) % 7);
      const d = firstOf + 7 * (r.day - 1);
      if (d < first + length) days.add(d); // a fifth Monday does not exist every month: never asked (1–4)
    } else {
      const lastDay = first + length - 1;
      days.add(lastDay - ((weekdayOf(lastDay) - r.weekday + 7) % 7));
    }
  }
  return [...days].sort((a, b) => a - b).map((d) => d * DAY);
}

/** Every date of the rules, as local midnights, in the local range [from, to). */
export function monthlyDates(on: MonthDay[], from: number, to: number): number[] {
  const out: number[] = [];
  const start = new Date(Math.floor(from / DAY) * DAY * 60_000);
  for (let y = start.getUTCFullYear(), m = start.getUTCMonth(); Date.UTC(y, m, 1) / 60_000 < to; m === 11 ? (y++, m = 0) : m++) {
    for (const d of monthDates(on, y, m)) if (d + DAY > from && d < to) out.push(d);
  }
  return out;
}
