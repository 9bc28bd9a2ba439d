/** Time of day, weekdays, seasons and named peaks of organic life (issue 11 #8). */
import { describe, expect, it } from "vitest";
import { EV_CART, EV_PURCHASE } from "../../engine/core/events.ts";
import { DAY, parseDate } from "../../engine/core/time.ts";
import { runPlan } from "../../engine/sim/run.ts";
import { FLAT, seasonalityProblems, TimeProfile } from "../../engine/sim/time-profile.ts";
import { DEFAULT_WORLD } from "../../engine/sim/world-model.ts";
import { plan } from "../helpers.ts";
import { PER2 } from "../../engine/core/record.ts";

const none = plan(`name: none\ntimezone: "+01:00"\nchannels:\n  email: {}\nprograms: []\n`);

describe("time profile", () => {
  it("maps a gap through the cumulative profile; flat is the old formula", () => {
    const start = parseDate("2026-01-01")!, end = start + 365 * DAY;
    const flat = new TimeProfile(FLAT, start, end);
    expect(flat.advance(start + 100, 2.5, 60)).toBe(start + 100 + 1 + Math.floor(2.5 * DAY));
    const p = new TimeProfile(DEFAULT_WORLD.seasonality, start, end);
    // a year of standard days is a year: the profile keeps the mean rate
    expect(Math.abs(p.advance(start, 365, 0) - (start + 365 * DAY)) / DAY).toBeLessThan(2);
    // one hour of intensity from 03:00 local takes longer than from 20:00 local
    const at = (h: number) => start + 10 * DAY + h * 60 - 60; // UTC+1
    expect(p.advance(at(3), 1 / 24, 60) - at(3)).toBeGreaterThan(p.advance(at(20), 1 / 24, 60) - at(20));
  });

  it("shares a built table between profiles of the same seasonality and grid, and only those", () => {
    const start = parseDate("2026-01-01")!, end = start + 365 * DAY, after = start + 40 * DAY + 600;
    const first = new TimeProfile(DEFAULT_WORLD.seasonality, start, end).advance(after, 3, 60);
    expect(new TimeProfile(structuredClone(DEFAULT_WORLD.seasonality), start, end).advance(after, 3, 60)).toBe(first);
    // another seasonality on the same grid and offset: its own table (a cache keyed on the grid alone fails here)
    const winter = { ...DEFAULT_WORLD.seasonality, peaks: [{ name: "february", start: "02-01", days: 28, factor: 3 }] };
    const other = new TimeProfile(winter, start, end).advance(after, 3, 60);
    expect(other).not.toBe(first);
    expect(other - after).toBeLessThan(first - after); // a peak in February: 3 standard days pass sooner
  });

  it("puts organic purchases and carts in the day and evening, and more around Black Friday", () => {
    const r = runPlan(none, { customers: 6000, days: 365, seed: 2, record: true, baseline: false });
    const rec = r.recorder!, t = r.run.population.table;
    let night = 0, evening = 0, all = 0, bf = 0, before = 0;
    const bfStart = parseDate("2026-11-27")!;
    for (let i = 0; i < rec.eTime.length; i++) {
      const ty = rec.eType[i];
      if (ty !== EV_PURCHASE && ty !== EV_CART) continue;
      const local = rec.eTime[i] + t.tz[(rec.eCust[i]) * PER2], hour = Math.floor((local % DAY) / 60);
      all++;
      if (hour >= 2 && hour < 6) night++;
      if (hour >= 19 && hour < 23) evening++;
      if (rec.eTime[i] >= bfStart && rec.eTime[i] < bfStart + 4 * DAY) bf++;
      if (rec.eTime[i] >= bfStart - 14 * DAY && rec.eTime[i] < bfStart - 10 * DAY) before++;
    }
    console.log({ all, night: night / all, evening: evening / all, bf, before });
    expect(night / all).toBeLessThan(0.06); // 4 flat hours would be 16.7 %
    expect(evening / all).toBeGreaterThan(0.22);
    expect(bf).toBeGreaterThan(1.8 * before);
  });

  it("names what is wrong with a seasonality", () => {
    expect(seasonalityProblems(DEFAULT_WORLD.seasonality)).toEqual([]);
    expect(seasonalityProblems({ ...FLAT, hours: [1, 2], peaks: [{ name: "x", start: "Nov 3", days: 2, factor: 2 }] })).toEqual([
      "hours: expected 24 weights, got 2",
      "peaks.x.start: expected MM-DD or black-friday, got Nov 3",
    ]);
    expect(() => runPlan(none, { customers: 10, days: 10, world: { seasonality: { ...FLAT, weekdays: [1] } } })).toThrow(/weekdays: expected 7 weights/);
  });
});

describe("weekday effect on responses", () => {
  it("opens follow the customer's local weekday (Sunday best, Saturday worst by default)", () => {
    const start = parseDate("2026-01-01")!;
    const p = new TimeProfile(DEFAULT_WORLD.seasonality, start, start + 30 * DAY);
    const sunday = parseDate("2026-01-04T12:00")!, saturday = parseDate("2026-01-03T12:00")!;
    const w = DEFAULT_WORLD.seasonality.weekdays, m = w.reduce((a, b) => a + b) / 7;
    expect(p.weekday(sunday, 60)).toBeCloseTo(w[6] / m, 12);
    expect(p.weekday(saturday, 60)).toBeCloseTo(w[5] / m, 12);
    expect(new TimeProfile(FLAT, start, start + DAY).weekday(sunday, 0)).toBe(1);
    const opens = (day: string) => {
      const yaml = `name: d\ntimezone: "+01:00"\nchannels:\n  email: {}\nprograms:\n  - id: n\n    type: campaign\n    schedule: { once: "${day}T10:00" }\n    audience: consent.email\n    send: { channel: email, message: n, category: promotional }\n`;
      const r = runPlan(plan(yaml), { customers: 20000, days: 3, seed: 4, start: day, baseline: false });
      return r.summary.opens / r.summary.delivered;
    };
    expect(opens("2026-01-04")).toBeGreaterThan(opens("2026-01-03") * 1.2); // Sunday 1.2 vs Saturday 0.85
  });
});
