/**
 * Times as written by users (plan files, --start, the live API, imported files): a date that does not
 * exist is refused, never rolled over into the next month as the runtime's Date.parse does.
 */
import { describe, expect, it } from "vitest";
import { DAY, offsetMinutes, parseDate } from "../../engine/core/time.ts";

describe("parseDate", () => {
  it("reads dates and times in UTC or with an offset, to the minute", () => {
    expect(parseDate("2026-03-01")).toBe(Date.UTC(2026, 2, 1) / 60000);
    expect(parseDate("2026-03-01T10:30")).toBe(Date.UTC(2026, 2, 1, 10, 30) / 60000);
    expect(parseDate("2026-03-01 10:30:59Z")).toBe(Date.UTC(2026, 2, 1, 10, 30) / 60000);
    expect(parseDate("2026-03-01T10:30:00+01:00")).toBe(Date.UTC(2026, 2, 1, 9, 30) / 60000);
    expect(parseDate("2026-12-31T24:00:00Z")).toBe(Date.UTC(2027, 0, 1) / 60000); // ISO 8601's end of a day
  });

  it("knows each month's length and leap years", () => {
    expect(parseDate("2024-02-29")! - parseDate("2024-02-28")!).toBe(DAY);
    expect(parseDate("2000-02-29")).not.toBeNull(); // divisible by 400: a leap year
    for (const s of ["2026-01-31", "2026-04-30", "2026-06-30", "2026-09-30", "2026-11-30", "2026-12-31"]) expect(parseDate(s), s).not.toBeNull();
  });

  it("refuses a day that does not exist instead of rolling it over into the next month", () => {
    for (const s of ["2026-02-29", "2026-02-30", "2026-04-31", "2026-06-31T10:00:00Z", "1900-02-29", "2026-02-30 08:00", "2026-00-10", "2026-13-01", "2026-01-00", "2026-01-32"]) {
      expect(parseDate(s), s).toBeNull();
    }
  });

  it("refuses what is not a time: a year outside 1900 to 2199, an hour, minute or offset out of range, other layouts", () => {
    expect([parseDate("1900-01-01"), parseDate("2199-12-31T23:59Z")].every((t) => t !== null)).toBe(true);
    for (const s of ["9999-12-31T23:59:00Z", "6100-01-01", "1899-12-31", "2200-01-01", "0001-01-01T00:00:00Z", "2026-01-01T25:00Z", "2026-01-01T23:60Z", "2026-01-01T10:00:00+99:00", "2026-01-01T10:00:00+20:00", "2026-01-01T10:00:00+01:75", "2026-1-5", "01/02/2026", "yesterday", ""]) {
      expect(parseDate(s), s).toBeNull();
    }
  });

  it("reads UTC offsets within the world's, -14:00 to +14:00, with minutes under 60", () => {
    expect([offsetMinutes("+01:00"), offsetMinutes("-05:30"), offsetMinutes("+0545"), offsetMinutes("+14:00"), offsetMinutes("-12:00")]).toEqual([60, -330, 345, 840, -720]);
    for (const s of ["+14:01", "-15:00", "+01:75", "+99:99", "01:00", "+1:00", "UTC"]) expect(offsetMinutes(s), s).toBeNull();
  });
});
