/**
 * Writing a run's files fast (issue 14, sixth session): `formatTime` keeps the day's text and reads the
 * minute's from a table, and `writeCSV` writes a table as it formats it, in chunks, instead of one
 * string of the whole file. Both must give exactly what they replaced: the Date's ISO text, and
 * arquero's `toCSV(table)` followed by the end text, byte for byte.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as aq from "arquero";
import { describe, expect, it } from "vitest";
import { DAY, formatTime } from "../../engine/core/time.ts";
import { writeCSV } from "../../engine/sim/csv-file.ts";
import { rowOrder, sortRecorder } from "../../engine/sim/recorder-order.ts";
import { Recorder, STATUS } from "../../engine/sim/recorder.ts";
import { seeded } from "../helpers.ts";

const iso = (t: number) => new Date(t * 60000).toISOString().replace(".000Z", "Z");
const START = Date.UTC(2026, 0, 1) / 60000; // 2026-01-01T00:00Z in minutes

describe("formatTime", () => {
  it("gives the Date's text for every minute, days in any order, and times the table does not hold", () => {
    const u = seeded(4), times: number[] = [];
    for (let t = START - 2 * DAY; t < START + 3 * DAY; t++) times.push(t); // every minute across day boundaries
    for (let i = 0; i < 20_000; i++) times.push(Math.floor(u() * 200 * 365 * DAY)); // 1970 … 2170, one day then another
    // before 1970, not whole minutes, the last minute of 9999 and after it (a six-digit year)
    times.push(-1, -DAY, -DAY - 1, 0.5, START + 0.25, 253_402_300_799_999 / 60000, 253_402_300_800_000 / 60000, 8e9);
    const wrong = times.filter((t) => formatTime(t) !== iso(t));
    expect(wrong).toEqual([]);
    expect(formatTime(START + 10 * 60 + 30)).toBe("2026-01-01T10:30:00Z");
    expect(formatTime(START - 1)).toBe("2025-12-31T23:59:00Z");
  });
});

describe("writeCSV", () => {
  const dir = mkdtempSync(join(tmpdir(), "cadence-csv-"));
  const same = (name: string, table: aq.ColumnTable) => {
    const path = join(dir, `${name}.csv`);
    writeCSV(path, table);
    const text = readFileSync(path, "utf8");
    expect(text).toBe(aq.toCSV(table));
    // one line break after the last row, as toCSV ends: the run files ended with a blank line (an empty row)
    if (table.numCols() > 0) expect(text.endsWith("\n\n")).toBe(false);
  };

  it("writes toCSV's text: quotes, nulls, numbers, booleans, non-ASCII, a header of odd names", () => {
    same("values", aq.table({
      text: ["plain", "a,b", 'say "hi"', "two\nlines", "cr\r", null, undefined, "", "é€😀"],
      "odd, name": [1, 2.5, -0, NaN, Infinity, -Infinity, 1e21, 123456789.125, 0.1 + 0.2],
      flag: [true, false, null, true, false, true, false, true, false],
    }));
  });

  it("writes a table longer than one chunk, rows whole across chunks", () => {
    const n = 60_000, u = seeded(9);
    same("long", aq.table({
      time: Array.from({ length: n }, (_, i) => formatTime(START + i)),
      customer: Array.from({ length: n }, (_, i) => `c-${i}`),
      value: Array.from({ length: n }, () => Math.round(u() * 10000) / 100),
      note: Array.from({ length: n }, (_, i) => (i % 7 === 0 ? "x,y" : "")),
    }));
  });

  it("leaves dates, ordered or filtered tables, no rows and no columns as toCSV writes them", () => {
    same("dates", aq.table({ d: [new Date(0), new Date(DAY * 60000 + 3600000)], n: [1, 2] }));
    same("ordered", aq.table({ x: [3, 1, 2] }).orderby("x"));
    same("filtered", aq.table({ x: [3, 1, 2] }).filter((d: { x: number }) => d.x > 1));
    same("empty", aq.table({ x: [] }));
    same("no-columns", aq.table({}));
  });
});

describe("rowOrder (the canonical order of a run's recorded rows)", () => {
  const model = (time: number[], cust: number[]) =>
    Array.from(time, (_, i) => i).sort((a, b) => time[a] - time[b] || cust[a] - cust[b] || a - b);
  it("orders rows by time, then customer, then row, as a comparator sort does: ties common, rows out of order", () => {
    const u = seeded(21), n = 50_000, time: number[] = [], cust: number[] = [];
    for (let i = 0; i < n; i++) time.push(START + Math.floor(u() * 3 * DAY) - (i % 5 === 0 ? 90 : 0)), cust.push(Math.floor(u() * 400));
    expect(Array.from(rowOrder(time, cust))).toEqual(model(time, cust));
  });
  it("takes the comparator for what counting cannot hold: fractional times, negative customers, a decade and more", () => {
    for (const [time, cust] of [[[3.5, 1, 2, 1], [0, 1, 1, 0]], [[5, 5, 4], [-1, 2, 0]], [[0, 2 ** 25, 7, 7], [3, 1, 2, 1]], [[], []]] as [number[], number[]][]) {
      expect(Array.from(rowOrder(time, cust))).toEqual(model(time, cust));
    }
  });
});

describe("sortRecorder", () => {
  it("puts every column of the message and event rows in (time, customer, logged) order, in place", () => {
    const u = seeded(33), rec = new Recorder(), rows: [number, number, number][] = [];
    for (let i = 0; i < 5000; i++) {
      const time = START + Math.floor(u() * 500), c = Math.floor(u() * 50);
      rows.push([time, c, i]);
      rec.message(time, c, i % 7, STATUS[i % STATUS.length], `rule-${i}`, i / 4, time + i);
      rec.event(time, c, i % 5, i % 3, i % 4, i, i / 8);
    }
    const mTime = rec.mTime, eValue = rec.eValue;
    sortRecorder(rec);
    const want = rows.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]).map((r) => r[2]);
    expect(rec.mTime).toBe(mTime); // the same arrays, sorted in place
    expect(rec.eValue).toBe(eValue);
    expect(rec.mRule).toEqual(want.map((i) => `rule-${i}`));
    expect(rec.mAt).toEqual(want.map((i) => rows.find((r) => r[2] === i)![0] + i));
    expect(rec.mCost).toEqual(want.map((i) => i / 4));
    expect(rec.eSend).toEqual(want);
    expect(rec.eValue).toEqual(want.map((i) => i / 8));
    expect(rec.mStatus).toEqual(want.map((i) => i % STATUS.length));
  });
});
