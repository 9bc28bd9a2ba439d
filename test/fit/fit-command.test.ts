import { describe, expect, it } from "vitest";
import { capture } from "../capture.ts";
import { join } from "node:path";
import { fitCommand } from "../../engine/cli/fit.ts";
import { describeWithData } from "../datasets/data-dir.ts";
import { tempDir } from "../datasets/temp-files.ts";
import { DAY, formatDate, parseDate } from "../../engine/core/time.ts";
import { fitWarnings } from "../../engine/fit/fit-warnings.ts";

const CONFIG = join(import.meta.dirname!, "../../datasets/cdnow.yaml");

const run = (args: string[]) => capture(() => fitCommand(args));

describe("cadence fit: arguments", () => {
  it("exits 2 naming a missing --history", async () => {
    const r = await run([]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^cadence fit: missing --history <config.yaml>/);
  });

  it("exits 2 naming an unknown flag, with a suggestion", async () => {
    const r = await run(["--histroy", "x.yaml"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/unknown option '--histroy'; did you mean '--history'\?/);
  });

  it("exits 2 with the input error for a config that does not exist, as backtest and every command do", async () => {
    const r = await run(["--history", "/nonexistent/h.yaml"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^\/nonexistent\/h\.yaml: cannot read the history config/);
  });
});

describeWithData("cdnow/CDNOW_sample.txt", "cadence fit on CDNOW", () => {
  it("prints exactly the documented JSON object", async () => {
    const r = await run(["--history", CONFIG, "--json"]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(Object.keys(j)).toEqual(["bgnbd", "gammaGamma", "currency", "moneyUnit", "money", "customers", "transactions", "logLikelihood", "skipped", "returnsNetted", "identicalRows", "warnings", "seasonality", "holdout"]);
    expect(Object.keys(j.bgnbd)).toEqual(["r", "alpha", "a", "b"]);
    expect(Object.keys(j.gammaGamma)).toEqual(["p", "q", "gamma"]);
    expect(j.bgnbd.r).toBeCloseTo(0.243, 2);
    expect([j.currency, j.moneyUnit, j.money]).toEqual(["USD", 1, "USD"]);
    expect([j.customers, j.transactions, j.holdout.actual]).toEqual([2357, 6919, 1882]);
    expect(Object.keys(j.holdout)).toEqual(["actual", "bgnbd", "seasonal"]);
    expect(Object.keys(j.seasonality)).toEqual(["r", "alpha", "a", "b", "logLikelihood", "weekday", "month", "peaks"]);
    expect(j.logLikelihood).toBeCloseTo(-9582.4, 0);
    expect(j.skipped).toEqual({}); // CDNOW is clean: nothing skipped
    // 21 rows repeat an earlier one exactly (same customer, day, CDs and dollars): kept, counted
    expect([j.returnsNetted, j.identicalRows, j.warnings]).toEqual([0, 21, []]);
  });

  it("prints a readable report with the holdout table", async () => {
    const r = await run(["--history", CONFIG]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("r 0.2426   alpha 4.41");
    expect(r.out).toMatch(/log-likelihood -9582\.4/);
    expect(r.out).toMatch(/\n {2}0 +1,411 +317\.\d +334 +-4\.\d %/);
    // the predictions with the counts' thousands separators (regression: 1653.4 beside 1,882)
    expect(r.out).toMatch(/\n {2}total +2,357 +1,653\.4 +1,882 +-12\.1 % +1,806\.4 +-4\.0 %/);
  });

  it("labels its error columns relative, and says relative to what with the total's figures (a bare 'error -12.1 %' was read as points or purchases)", async () => {
    const lines = (await run(["--history", CONFIG])).out.split("\n");
    expect(lines.find((l) => l.includes("x (calib.)"))).toBe("  x (calib.) customers  predicted   actual rel. error   seasonal rel. error");
    expect(lines[lines.findIndex((l) => l.startsWith("  total")) + 1]).toBe(
      "  rel. error = (predicted − actual) / actual, in % of the actual count: total -12.1 % is 1,653.4 predicted, 12.1 % below the 1,882 made",
    );
  });
});

describe("cadence fit: what the figures cannot show", () => {
  const t = tempDir();
  // 40 customers buying the same amounts every 14 days, all alike, and one return; the cut-off six years after the data
  const rows = ["id,day,usd"];
  for (let c = 0; c < 40; c++) {
    for (let d = c % 7; d <= 181; d += 14) rows.push(`C${c},${formatDate(parseDate("2024-01-01")! + d * DAY)},${20 + (c % 3)}`);
  }
  rows.push("C1,2024-03-03,-5");
  t.write("tx.csv", rows.join("\n") + "\n");
  const config = t.write("h.yaml", "currency: EUR\ncalibrationEnd: 2030-09-30\nseasonality: false\ntransactions: { file: tx.csv, columns: { customer: id, date: day, amount: usd } }\n");

  it("warns about a cut-off after the data and fits run to an extreme, and accounts for the netted return (it printed 520 transactions, skipped none of 521 rows, and the figures)", async () => {
    const r = await run(["--history", config]);
    expect(r.code).toBe(0);
    const lines = r.out.split("\n");
    expect(lines.slice(1, 4)).toEqual([
      "data      520 transactions, 40 customers purchasing by 2030-09-30 (calibration end, inclusive)",
      "skipped   none of 521 rows",
      "kept      1 return netted against revenue (not purchases)",
    ]);
    const warnings = lines.slice(lines.indexOf("warnings (4):") + 1, -2);
    expect(warnings[0]).toBe("  - calibrationEnd 2030-09-30 is 2,290 days after the last transaction (2024-06-23): the calibration period ends after the data, so every customer looks silent for that long and the fit reads it as dropout; set calibrationEnd on or before 2024-06-23");
    expect(warnings[1]).toMatch(/^ {2}- BG\/NBD r \S+, alpha \S+ ran to an extreme: the purchase rates show no heterogeneity the data can measure \(every customer gets about 0\.50 purchases a week\)/);
    expect(warnings[2]).toMatch(/^ {2}- BG\/NBD a \S+, b \S+ ran to an extreme: the dropout probability shows no heterogeneity/);
    expect(warnings[3]).toMatch(/^ {2}- gamma-gamma p \S+, q \S+, gamma \S+ ran to an extreme: the customers' mean order values show no heterogeneity/);
    const json = JSON.parse((await run(["--history", config, "--json"])).out);
    expect(json).toMatchObject({ transactions: 520, returnsNetted: 1, identicalRows: 0 });
    expect(json.warnings).toHaveLength(4);
  });

  it("says nothing on a fit within plausible ranges", () => {
    expect(fitWarnings({ r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, { p: 6.25, q: 3.74, gamma: 15.44 })).toEqual([]);
    expect(fitWarnings({ r: 0.3, alpha: 5, a: 8e-10, b: 620 }, null)[0]).toMatch(/the dropout probability runs to 0, nobody is ever seen to drop out/);
  });
});
