/**
 * Formula injection (OWASP "CSV Injection"): every CSV Cadence writes holds a text a spreadsheet would run
 * (`=`, `+`, `-`, `@`, a tab or a carriage return first) with a leading `'`, leaves numbers as they are, and
 * its own readers take the `'` off again (engine/report/spreadsheet-text.ts).
 */
import { describe, expect, it } from "vitest";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as aq from "arquero";
import { eachRecord } from "../../datasets/csv.ts";
import { toCsv } from "../../engine/report/csv-export.ts";
import { originalText, spreadsheetText } from "../../engine/report/spreadsheet-text.ts";
import { tableCsv, writeCSV } from "../../engine/sim/csv-file.ts";
import { loadPlan, parsePlan } from "../../engine/plan/load.ts";
import { comparePlans } from "../../engine/compare/compare.ts";
import { compareCsv } from "../../engine/report/compare-csv.ts";

/** [text, what the cell holds]: one per dangerous first character, then texts left as they are. */
const CASES: [string, string][] = [
  ['=HYPERLINK("http://x","click")', '\'=HYPERLINK("http://x","click")'],
  ["+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"],
  ["-2+3", "'-2+3"],
  ["@SUM(A1:A9)", "'@SUM(A1:A9)"],
  ["\t=1+1", "'\t=1+1"],
  ["\r=1+1", "'\r=1+1"],
  ["'=1+1", "''=1+1"], // escaped once more, so that reading it back gives the ' too
  ["-12.5", "-12.5"], // a number as text: no spreadsheet runs it
  ["+33612345678", "+33612345678"],
  ["'quoted", "'quoted"],
  ["a=b", "a=b"],
];

/** Every record of a CSV file through the project's own CSV reader. */
function cells(path: string): string[][] {
  const rows: string[][] = [];
  eachRecord(path, "comma", (f) => void rows.push(f));
  return rows;
}

const dir = mkdtempSync(join(tmpdir(), "cadence-formula-"));

describe("text a spreadsheet would run as a formula", () => {
  it("gets a leading ' that originalText takes off again; other texts are unchanged", () => {
    for (const [text, cell] of CASES) {
      expect(spreadsheetText(text), JSON.stringify(text)).toBe(cell);
      expect(originalText(cell), JSON.stringify(cell)).toBe(text);
    }
  });

  it("compare --csv's, sweep --csv's and contributions --csv's helper: text cells and the header escaped, figures untouched", () => {
    const rows = CASES.map(([text]) => ({ plan: text, mean: -12.5, low: -0.000001, high: null }));
    writeFileSync(join(dir, "long.csv"), toCsv(rows, ["plan", "mean", "low", "high", "=bad header"]));
    const [head, ...body] = cells(join(dir, "long.csv"));
    expect(head).toEqual(["plan", "mean", "low", "high", "'=bad header"]);
    // the reader takes a CR for a line end (a quoted cell cannot span lines): that cell is checked as text below
    expect(body.map((r) => r[0]).filter((_, i) => i !== 5)).toEqual(CASES.map(([, c]) => c).filter((_, i) => i !== 5));
    expect(body.map((r) => [r[1], r[2], r[3]])).toEqual(CASES.map(() => ["-12.5", "-0.000001", ""]));
    expect(toCsv([{ plan: "\r=1+1" }])).toBe("\uFEFFplan\r\n\"'\r=1+1\"\r\n");
  });

  it("simulate --out's and backtest --out's writer, and sweep.csv's: the same cells, whether it formats the table or arquero does", () => {
    const text = CASES.filter(([t]) => !t.startsWith("\r")).map(([t]) => t);
    const t = aq.table({ "@id": text, value: text.map((_, i) => -12.5 * i) });
    writeCSV(join(dir, "table.csv"), t);
    writeCSV(join(dir, "ordered.csv"), t.orderby("value")); // a view: left to arquero's toCSV
    const expected = [["'@id", "value"], ...text.map((s, i) => [spreadsheetText(s), String(-12.5 * i || 0)])];
    expect(cells(join(dir, "table.csv"))).toEqual(expected);
    expect(cells(join(dir, "ordered.csv"))).toEqual([expected[0], ...expected.slice(1).reverse()]);
    expect(tableCsv(t)).toBe(readFileSync(join(dir, "table.csv"), "utf8"));
    // dates are left to arquero too, formatted its way
    const dated = aq.table({ day: [new Date(Date.UTC(2026, 2, 2))], who: ["=1+1"] });
    writeCSV(join(dir, "dated.csv"), dated);
    expect(readFileSync(join(dir, "dated.csv"), "utf8")).toBe("day,who\n2026-03-02,'=1+1\n");
  });

  it("compare --csv: a plan named =HYPERLINK(…) is a text in every file that names the plan", () => {
    const yaml = readFileSync("scenarios/lifecycle.yaml", "utf8").replace(/^name: .*$/m, 'name: "=HYPERLINK(\\"http://x\\",\\"click\\")"');
    const c = comparePlans([parsePlan(yaml, "evil.yaml"), loadPlan("scenarios/lifecycle-capped.yaml")], { customers: 300, days: 14, replications: 1, seed: 1 });
    const files = compareCsv(c, join(dir, "compare"));
    for (const f of files) {
      const body = cells(f).slice(1);
      expect(body.flat(), f).toContain('\'=HYPERLINK("http://x","click")');
      // no cell of any file begins with a formula's character, but for numbers
      for (const r of body) for (const v of r) expect(/^[=+\-@\t\r]/.test(v) && !/^-\d/.test(v), `${f}: ${v}`).toBe(false);
    }
  });
});

/** The source files of the project (engine, web, datasets, bench), relative paths. */
function sources(): string[] {
  return ["engine", "web", "datasets", "bench"].flatMap((root) =>
    (readdirSync(root, { recursive: true }) as string[]).filter((f) => f.endsWith(".ts")).map((f) => join(root, f))
  );
}

describe("every CSV writer", () => {
  it("goes through the two helpers: no other file quotes a CSV cell or calls arquero's toCSV", () => {
    // a hand-made CSV cell doubles its quotes; both extract writers did, and wrote =… as it was
    const writers = sources().filter((f) => /replace\(\/"\/g, ?'""'\)|toCSV\(/.test(readFileSync(f, "utf8").replace(/^\s*(\*|\/\/).*$/gm, "")));
    expect(writers.sort()).toEqual(["engine/report/csv-export.ts", "engine/sim/csv-file.ts"]);
    for (const f of writers) expect(readFileSync(f, "utf8"), f).toContain("spreadsheetText(");
    // and a file that writes something and names a .csv uses one of them, or is one of these
    const csvWriters = sources().filter((f) => /writeFileSync|writeWhole|writeSync/.test(readFileSync(f, "utf8")) && /\.csv\b/.test(readFileSync(f, "utf8")));
    const helpers = /csvField|toCsv|writeCsvFiles|writeCSV|tableCsv|intervalRows/;
    expect(csvWriters.filter((f) => !helpers.test(readFileSync(f, "utf8"))).sort()).toEqual([
      "bench/import-bench.ts", "datasets/line-items-example.ts", "datasets/retail-example.ts", // synthetic data sets (ids C…, no text from users)
      "engine/cli/compare.ts", // through compare-csv.ts
      "engine/report/report.ts", // links to the files from the HTML report
      "engine/sweep/frontier-chart.ts", // the chart's key names sweep.csv
    ]);
  });
});
