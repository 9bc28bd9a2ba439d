import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eachRecord } from "../../datasets/csv.ts";
import { loadPlan } from "../../engine/plan/load.ts";
import { comparePlans, METRICS } from "../../engine/compare/compare.ts";
import { compareCsv } from "../../engine/report/compare-csv.ts";
import { BOM, toCsv } from "../../engine/report/csv-export.ts";
import { main } from "../../engine/cli/main.ts";
import { contributions } from "../../engine/compare/contributions.ts";
import { contributionsCsv } from "../../engine/report/contributions-csv.ts";
import { capture } from "../capture.ts";

/** Every record of a CSV file through the project's own CSV reader (datasets/csv.ts). */
function readCsv(path: string): Record<string, string>[] {
  const rows: string[][] = [];
  eachRecord(path, "comma", (f) => void rows.push(f));
  const [head, ...body] = rows;
  return body.map((r) => Object.fromEntries(head.map((h, i) => [h, r[i]])));
}

describe("CSV exports", () => {
  it("round-trips awkward text and numbers through a CSV parser: BOM, quotes, commas, accents, empty cells", () => {
    const dir = mkdtempSync(join(tmpdir(), "cadence-csv-"));
    const rows = [
      { plan: 'relance "panier", J+1', metric: "revenue (€)", mean: 1234567.891234567, low: null, high: undefined },
      { plan: "été", metric: "roi", mean: -0.5, low: -1e-7, high: 2 },
    ];
    const text = toCsv(rows);
    expect(text.startsWith(BOM + "plan,metric,mean,low,high\r\n")).toBe(true);
    writeFileSync(join(dir, "t.csv"), text);
    expect(readCsv(join(dir, "t.csv"))).toEqual([
      { plan: 'relance "panier", J+1', metric: "revenue (€)", mean: "1234567.891235", low: "", high: "" },
      { plan: "été", metric: "roi", mean: "-0.5", low: "0", high: "2" },
    ]);
  });

  it("compare --csv writes one row per plan × metric with mean, low and high, and the report links the files", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cadence-compare-csv-"));
    const out = await capture(() => main(["compare", "scenarios/lifecycle.yaml", "scenarios/lifecycle-capped.yaml", "--customers", "800", "--days", "42", "--replications", "2", "--csv", join(dir, "csv"), "--report", join(dir, "report.html")]));
    expect(out.code).toBe(0);
    expect(out.out).toContain("wrote 5 file(s)");
    const c = comparePlans(["lifecycle", "lifecycle-capped"].map((n) => loadPlan(`scenarios/${n}.yaml`)), { customers: 800, days: 42, replications: 2, seed: 1 });
    const summary = readCsv(join(dir, "csv", "compare-summary.csv"));
    expect(summary.length).toBe(3 * METRICS.length); // two plans and the baseline
    for (const row of summary) {
      const v = c.plans.find((p) => p.name === row.plan)!.metrics[row.metric as typeof METRICS[number]];
      if (!v) expect(row.mean).toBe("");
      else {
        expect(Number(row.mean)).toBeCloseTo(v.mean, 5);
        expect(row.low === "" ? null : Number(row.low)).toBeCloseTo(v.lo ?? NaN, 5);
        expect(row.high === "" ? null : Number(row.high)).toBeCloseTo(v.hi ?? NaN, 5);
      }
    }
    const diffs = readCsv(join(dir, "csv", "compare-differences.csv"));
    expect(new Set(diffs.map((r) => `${r.plan} − ${r.against}`))).toEqual(new Set(["lifecycle-capped − lifecycle", "no plan − lifecycle"]));
    const pressure = readCsv(join(dir, "csv", "compare-pressure.csv"));
    const weeks = pressure.filter((r) => r.plan === "lifecycle" && r.period === "week");
    expect(weeks.reduce((a, r) => a + Number(r.share), 0)).toBeCloseTo(1, 5);
    expect(readCsv(join(dir, "csv", "compare-programs.csv")).map((r) => r.program)).toContain("welcome");
    const html = readFileSync(join(dir, "report.html"), "utf8");
    expect(html).toContain(`<a href="csv/compare-summary.csv">`);
    expect(html).toContain(`<a href="csv/compare-programs.csv">`);
  });

  it("compare-programs.csv names a program's orders and revenue attributed, as the report does, beside its incremental revenue", () => {
    // they were columns 'conversions' and 'revenue': the summary's conversions are the purchases messages
    // brought (caused or pulled forward), while a program's also count the organic orders it is credited with
    const c = comparePlans([loadPlan("scenarios/lifecycle.yaml")], { customers: 1500, days: 60, replications: 1, seed: 5 });
    const dir = mkdtempSync(join(tmpdir(), "cadence-programs-csv-"));
    const rows = readCsv(compareCsv(c, dir)[3]);
    const s = c.plans[0].detail.summary;
    expect(Object.keys(rows[0])).toEqual(["plan", "seed", "program", "kind", "contacts", "reach", "suppressed", "holdout", "opens", "clicks", "attributedOrders", "attributedRevenue", "incrementalRevenue", "messageCost"]);
    expect(rows.map((r) => r.program)).toEqual(s.programs.map((p) => p.program));
    const sum = (k: string) => rows.reduce((a, r) => a + Number(r[k]), 0);
    expect(sum("attributedRevenue")).toBeCloseTo(s.attributedRevenue, 1);
    expect(sum("attributedOrders")).toBeGreaterThan(s.conversions); // credited organic orders on top
    expect(sum("incrementalRevenue")).toBeLessThan(sum("attributedRevenue"));
    expect(sum("messageCost")).toBeCloseTo(s.messageCost, 0);
  });

  it("links the CSV files with each path segment URL-encoded (a # in a folder name made the link a fragment)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cadence-compare-csv-"));
    const out = await capture(() => main(["compare", "scenarios/lifecycle.yaml", "--customers", "200", "--days", "14", "--replications", "1", "--csv", join(dir, "x y#z", "50%"), "--report", join(dir, "report.html")]));
    expect(out.code).toBe(0);
    const html = readFileSync(join(dir, "report.html"), "utf8");
    expect(html).toContain(`<a href="x%20y%23z/50%25/compare-summary.csv">x y#z/50%/compare-summary.csv</a>`);
  });

  it("compareCsv returns the paths it wrote", () => {
    const c = comparePlans([loadPlan("scenarios/lifecycle.yaml")], { customers: 300, days: 14, replications: 1 });
    const dir = mkdtempSync(join(tmpdir(), "cadence-compare-csv-"));
    const files = compareCsv(c, dir);
    expect(files.map((f) => f.slice(dir.length + 1))).toEqual(["compare-summary.csv", "compare-differences.csv", "compare-pressure.csv", "compare-programs.csv"]);
    // one replication: no interval, low and high empty
    const row = readCsv(files[0]).find((r) => r.plan === "lifecycle" && r.metric === "contacts")!;
    expect([row.low, row.high]).toEqual(["", ""]);
    expect(Number(row.mean)).toBe(c.plans[0].metrics.contacts!.mean);
  });

  it("contributions: one row per program × metric, and per missing template, through the same format", () => {
    const r = contributions(loadPlan("scenarios/lifecycle-capped.yaml"), { customers: 400, days: 30, replications: 2, library: false });
    const dir = mkdtempSync(join(tmpdir(), "cadence-contrib-csv-"));
    const [programs, missing] = contributionsCsv(r, dir);
    const rows = readCsv(programs);
    expect(rows.length).toBe(2 * r.programs.length);
    const first = r.programs[0];
    const m = rows.find((x) => x.program === first.id && x.metric === "incrementalMargin")!;
    expect(Number(m.mean)).toBeCloseTo(first.incrementalMargin.mean, 5);
    expect(Number(m.low)).toBeCloseTo(first.incrementalMargin.lo!, 5);
    expect(Number(m.contacts)).toBeCloseTo(first.contacts, 5);
    expect(readFileSync(missing, "utf8")).toBe("\uFEFFtemplate,perContact,metric,mean,low,high\r\n"); // library off: none tried
  });
});
