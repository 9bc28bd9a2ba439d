/** Birthdays on the calendar date in the customer's timezone, at 09:00 local, every year (issue 9 #9). */
import { describe, expect, it } from "vitest";
import { birthdayOf, dayOfYear, FEB_29, monthDay, nextBirthday } from "../../engine/core/calendar.ts";
import { parseDate } from "../../engine/core/time.ts";
import { plan } from "../helpers.ts";
import { runPlan } from "../../engine/sim/run.ts";
import { PER2 } from "../../engine/core/record.ts";

const local = (t: number, tz: number) => new Date((t + tz) * 60000).toISOString();

describe("birthdays", () => {
  it("fires on the same month and day at 09:00 local for ten years, leap years included", () => {
    const tz = 600; // +10:00
    let t = parseDate("2026-01-01")!;
    const seen: string[] = [];
    for (let year = 0; year < 10; year++) {
      t = nextBirthday(dayOfYear(2, 14), tz, t)!;
      seen.push(local(t, tz).slice(0, 16));
    }
    expect(seen).toEqual(Array.from({ length: 10 }, (_, i) => `${2026 + i}-03-14T09:00`));
    // the last day of the year, around leap years
    let d = parseDate("2027-06-01")!;
    for (let year = 0; year < 3; year++) {
      d = nextBirthday(364, -300, d)!;
      expect(local(d, -300).slice(5, 16)).toBe("12-31T09:00");
    }
  });

  it("maps days of a non-leap year to month and day", () => {
    expect(monthDay(0)).toEqual([0, 1]);
    expect(monthDay(58)).toEqual([1, 28]);
    expect(monthDay(59)).toEqual([2, 1]);
    expect(monthDay(364)).toEqual([11, 31]);
    expect(dayOfYear(1, 29)).toBe(58); // a day of a non-leap year (peaks' MM-DD): Feb 29 is read as Feb 28
    expect(birthdayOf(1, 29)).toBe(FEB_29); // a birthday keeps it
    expect(birthdayOf(1, 28)).toBe(58);
    expect(monthDay(FEB_29)).toEqual([1, 29]);
    expect(nextBirthday(-1, 0, 0)).toBeNull();
  });

  it("fires a 29 February birthday on the 29th in leap years and on the 28th in other years", () => {
    // it was stored as the 28th and fired on the 28th in leap years too (2028-02-28, a day early)
    const tz = 330; // Kolkata, +05:30
    let t = parseDate("2026-01-01")!;
    const seen: string[] = [];
    for (let year = 0; year < 6; year++) seen.push(local(t = nextBirthday(birthdayOf(1, 29), tz, t)!, tz).slice(0, 16));
    expect(seen).toEqual(["2026-02-28T09:00", "2027-02-28T09:00", "2028-02-29T09:00", "2029-02-28T09:00", "2030-02-28T09:00", "2031-02-28T09:00"]);
    // 2100 is no leap year, 2000 was one
    expect(local(nextBirthday(FEB_29, 0, parseDate("2100-01-01")!)!, 0).slice(0, 10)).toBe("2100-02-28");
    expect(local(nextBirthday(FEB_29, 0, parseDate("2000-01-01")!)!, 0).slice(0, 10)).toBe("2000-02-29");
    // a run that starts on the 28th of a leap year, after 09:00: the 29th is still ahead
    expect(local(nextBirthday(FEB_29, 0, parseDate("2028-02-28T10:00")!)!, 0).slice(0, 16)).toBe("2028-02-29T09:00");
  });

  it("fires simulated birthdays on each customer's calendar date over three years", () => {
    const p = plan(`channels: { email: {} }
programs:
  - { id: birthday, type: journey, trigger: { event: birthday }, reentry: always, steps: [{ send: { channel: email, message: hb } }] }
`);
    const r = runPlan(p, { customers: 300, days: 3 * 365 + 1, seed: 4, record: true, baseline: false });
    const rec = r.recorder!, t = r.run.population.table;
    let n = 0;
    for (let i = 0; i < rec.eTime.length; i++) {
      if (rec.eType[i] !== 4) continue; // birthday
      const c = rec.eCust[i], [m, d] = monthDay(t.birthday[c * PER2]);
      expect(local(rec.eTime[i], t.tz[c * PER2]).slice(5, 16)).toBe(`${String(m + 1).padStart(2, "0")}-${String(d).padStart(2, "0")}T09:00`);
      n++;
    }
    expect(n).toBeGreaterThan(300); // ~60 % of customers have a known birthday, three times each
  });
});
