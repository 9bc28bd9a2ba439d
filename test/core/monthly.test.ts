import { describe, expect, it } from "vitest";
import { monthDates, monthlyDates } from "../../engine/core/monthly.ts";
import { formatDate, parseDate } from "../../engine/core/time.ts";

const dates = (xs: number[]) => xs.map(formatDate);

describe("monthly schedule dates", () => {
  it("days of the month, the last day, and a day past a short month's end on its last day", () => {
    expect(dates(monthDates([{ day: 15, weekday: -1 }, { day: 1, weekday: -1 }], 2026, 1))).toEqual(["2026-02-01", "2026-02-15"]);
    expect(dates(monthDates([{ day: -1, weekday: -1 }], 2028, 1))).toEqual(["2028-02-29"]); // leap year
    expect(dates(monthDates([{ day: 31, weekday: -1 }], 2026, 3))).toEqual(["2026-04-30"]);
    expect(dates(monthDates([{ day: 30, weekday: -1 }, { day: 31, weekday: -1 }], 2026, 3))).toEqual(["2026-04-30"]); // once
  });

  it("the first Monday, the third Wednesday and the last Friday", () => {
    // March 2026 starts on a Sunday
    expect(dates(monthDates([{ day: 1, weekday: 0 }], 2026, 2))).toEqual(["2026-03-02"]);
    expect(dates(monthDates([{ day: 3, weekday: 2 }], 2026, 2))).toEqual(["2026-03-18"]);
    expect(dates(monthDates([{ day: -1, weekday: 4 }], 2026, 2))).toEqual(["2026-03-27"]);
    // June 2026 starts on a Monday: its first Monday is the 1st, its last Sunday the 28th
    expect(dates(monthDates([{ day: 1, weekday: 0 }, { day: -1, weekday: 6 }], 2026, 5))).toEqual(["2026-06-01", "2026-06-28"]);
  });

  it("lists the dates in a range across a year's end", () => {
    const from = parseDate("2026-11-10")!, to = parseDate("2027-02-10")!;
    expect(dates(monthlyDates([{ day: 1, weekday: 0 }], from, to))).toEqual(["2026-12-07", "2027-01-04", "2027-02-01"]);
    expect(dates(monthlyDates([{ day: 10, weekday: -1 }], from, to))).toEqual(["2026-11-10", "2026-12-10", "2027-01-10"]);
  });
});
