import { describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadPlan } from "../../engine/plan/load.ts";
import { campaignOccurrences } from "../../engine/core/campaign-schedule.ts";
import { formatTime, parseDate } from "../../engine/core/time.ts";
import { runPlan } from "../../engine/sim/run.ts";

const dir = mkdtempSync(join(tmpdir(), "cadence-monthly-"));
function plan(schedule: string, timezone = "+00:00") {
  const file = join(dir, `p${Math.abs(hash(schedule + timezone))}.yaml`);
  writeFileSync(file, `name: monthly
currency: EUR
timezone: "${timezone}"
channels:
  email: { cost: 0.001 }
programs:
  - { id: m, type: campaign, schedule: ${schedule}, audience: consent.email, send: { channel: email, message: m } }
`);
  return file;
}
function hash(s: string) {
  let h = 0;
  for (const ch of s) h = (h * 31 + ch.charCodeAt(0)) | 0;
  return h;
}
const errorOf = (file: string) => {
  try {
    loadPlan(file);
  } catch (e) {
    return (e as Error).message;
  }
  return "";
};
const when = (file: string, from: string, to: string) =>
  campaignOccurrences(loadPlan(file).compiled, parseDate(from)!, parseDate(to)!).map((o) => formatTime(o.time));

describe("monthly campaign schedules", () => {
  it("a day of the month, at the schedule's time in the plan's timezone", () => {
    expect(when(plan(`{ monthly: 15, at: "09:30" }`), "2026-01-01", "2026-04-01")).toEqual(["2026-01-15T09:30:00Z", "2026-02-15T09:30:00Z", "2026-03-15T09:30:00Z"]);
    // 10:00 at UTC+02:00 is 08:00 UTC
    expect(when(plan(`{ monthly: 1 }`, "+02:00"), "2026-01-01", "2026-03-01")).toEqual(["2026-01-01T08:00:00Z", "2026-02-01T08:00:00Z"]);
  });

  it("the first Monday and the last day, together, between start and end", () => {
    const f = plan(`{ monthly: ["first mon", last], start: "2026-02-01", end: "2026-04-30" }`);
    expect(when(f, "2026-01-01", "2026-12-31")).toEqual([
      "2026-02-02T10:00:00Z", "2026-02-28T10:00:00Z",
      "2026-03-02T10:00:00Z", "2026-03-31T10:00:00Z",
      "2026-04-06T10:00:00Z", // the end (2026-04-30 10:00) is exclusive
    ]);
    expect(when(plan(`{ monthly: "last friday" }`), "2026-05-01", "2026-07-01")).toEqual(["2026-05-29T10:00:00Z", "2026-06-26T10:00:00Z"]);
  });

  it("a bad monthly value names the field and what would be valid", () => {
    expect(errorOf(plan(`{ monthly: 32 }`))).toMatch(/programs\[0\]\.schedule\.monthly: expected a day of the month 1–31 .*"first mon", got 32/);
    expect(errorOf(plan(`{ monthly: ["first mon", "fifth tue"] }`))).toMatch(/programs\[0\]\.schedule\.monthly\[1\]: expected .*, got 'fifth tue' \(no ordinal 'fifth': first, second, third, fourth or last\)/);
    expect(errorOf(plan(`{ monthly: "first moon" }`))).toMatch(/got 'first moon' \(no weekday 'moon': mon, tue, wed, thu, fri, sat, sun\)/);
    expect(errorOf(plan(`{ monthly: 1, weekly: [mon] }`))).toMatch(/expected exactly one of once \(a date\), every \(a duration\), weekly \(weekdays\), monthly \(days of the month or "first mon"\) or dates/);
  });

  it("a simulation sends on those dates only", () => {
    const r = runPlan(loadPlan(plan(`{ monthly: "first mon" }`)), { customers: 200, days: 120, seed: 2, record: true, baseline: false });
    const days = [...new Set(r.recorder!.mTime.map((t) => formatTime(t).slice(0, 10)))].sort();
    expect(days).toEqual(["2026-01-05", "2026-02-02", "2026-03-02", "2026-04-06"]);
    expect(r.summary.contacts).toBeGreaterThan(50);
  });
});
