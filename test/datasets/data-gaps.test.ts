/**
 * Months missing from an export: the fit reads a silence as every customer dropping out, so `fit` says
 * where the data went quiet when the weeks either side were busy, and stays silent on histories that
 * are merely sparse.
 */
import { describe, expect, it } from "vitest";
import { importHistory } from "../../datasets/import.ts";
import { dataGaps, gapWarnings } from "../../datasets/data-gaps.ts";
import { fitCommand } from "../../engine/cli/fit.ts";
import { formatDate } from "../../engine/core/time.ts";
import { capture } from "../capture.ts";
import { tempDir } from "./temp-files.ts";

const { dir, write } = tempDir();

/** 60 customers, each buying every 6 days through 2024 (10 purchases a day), minus the days `skip` drops. */
function history(name: string, skip: (day: string) => boolean = () => false, customers = 60) {
  const rows = ["id,day,usd"];
  for (let c = 0; c < customers; c++) {
    for (let d = 1 + (c % 6); d <= 366; d += 6) {
      const day = new Date(Date.UTC(2024, 0, d)).toISOString().slice(0, 10);
      if (!skip(day)) rows.push(`K${c},${day},${20 + (c % 5)}`);
    }
  }
  write(`${name}.csv`, rows.join("\n") + "\n");
  return write(`${name}.yaml`, `calibrationEnd: 2024-09-30\ntransactions: { file: ${name}.csv, columns: { customer: id, date: day, amount: usd } }\n`);
}

describe("months missing from a transactions export", () => {
  it("finds the silent months and the purchases the pace either side would have put in them", () => {
    const h = importHistory(history("gap", (day) => day >= "2024-04-01" && day <= "2024-06-30"));
    const gaps = dataGaps(h);
    expect(gaps.map((g) => [formatDate(g.from), formatDate(g.to), g.days, g.expected])).toEqual([["2024-04-01", "2024-06-30", 91, 910]]);
    expect(gapWarnings(h)).toEqual([
      `${dir}/gap.csv: no purchase from 2024-04-01 to 2024-06-30 (91 days), where the pace of the 28 days either side gives about 910: months missing from the export? The fit reads the silence as customers dropping out (forecasts too low); export the missing months, or set studyStart and calibrationEnd so the calibration does not span them`,
    ]);
  });

  it("says nothing of a complete export, nor of a sparse one whose quiet months are its usual pace", () => {
    expect(dataGaps(importHistory(history("full")))).toEqual([]);
    // 3 customers on days 1, 2, 3 (mod 6) of the year. Without March–April, the last purchase before is
    // day 57 (Feb 26), the first after day 121: 63 silent days; 15 purchases in the 28 days either side
    // give 63 × 15 / 28 = 33.75
    const few = dataGaps(importHistory(history("few", (day) => day >= "2024-03-01" && day <= "2024-04-29", 3)));
    expect(few.map((g) => [formatDate(g.from), g.days, g.expected])).toEqual([["2024-02-27", 63, 33.75]]);
    // one customer (days 1 mod 6: 5 purchases in 28 days) without March: days 56 to 90 silent, 35 days
    // at 5 / 28 a day gives 6.25, below the 10 that make a silence a gap
    expect(dataGaps(importHistory(history("one", (day) => day >= "2024-03-01" && day <= "2024-03-30", 1)))).toEqual([]);
  });

  it("is among fit's warnings, in the report and in --json", async () => {
    const config = history("gap", (day) => day >= "2024-04-01" && day <= "2024-06-30");
    const run = await capture(() => fitCommand(["--history", config, "--json"]));
    expect(run.code).toBe(0);
    expect(JSON.parse(run.out).warnings.filter((w: string) => w.includes("no purchase from"))).toHaveLength(1);
    const text = await capture(() => fitCommand(["--history", config]));
    expect(text.out).toContain("gap.csv: no purchase from 2024-04-01 to 2024-06-30 (91 days)");
  });
});
