import { describe, expect, it } from "vitest";
import { fitTable } from "../../engine/cli/fit-table.ts";
import { main } from "../../engine/cli/main.ts";
import { capture } from "../capture.ts";

const f0 = (x: number) => x.toLocaleString("en-US", { maximumFractionDigits: 0 });

describe("the console comparison table", () => {
  it("puts each interval under its mean and wraps plan columns into several tables to fit the width", () => {
    const cols = Array.from({ length: 7 }, (_, i) => ({ name: `plan-with-a-long-name-${i}`, cells: [{ mean: 1_234_567 * (i + 1), lo: 1_000_000, hi: 1_500_000 * (i + 1) }, null] }));
    const text = fitTable([["incremental revenue", f0], ["ROI", f0]], cols, { width: 120 });
    const lines = text.split("\n");
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(120);
    for (const c of cols) expect(text).toContain(c.name);
    expect(text.split("\n\n").length).toBeGreaterThan(1); // wrapped
    expect(lines[2]).toMatch(/^incremental revenue\s+1,234,567\s+2,469,134/);
    expect(lines[3]).toMatch(/^\s+\[1,000,000, 1,500,000\]\s+\[1,000,000, 3,000,000\]/);
    expect(lines[4]).toMatch(/^ROI\s+n\/a\s+n\/a/);
  });

  it("compare prints nothing wider than 120 columns, even with five plans", async () => {
    const plans = ["batch-and-blast", "lifecycle", "lifecycle-capped", "lifecycle", "lifecycle-capped"].map((n) => `scenarios/${n}.yaml`);
    const r = await capture(() => main(["compare", ...plans, "--customers", "300", "--days", "14", "--replications", "2"]));
    expect(r.code).toBe(0);
    const lines = r.out.split("\n");
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(120);
    for (const name of ["batch-and-blast", "lifecycle (2)", "lifecycle-capped (2)", "no plan"]) expect(r.out).toContain(name);
    // the report's verdict in words, wrapped to the same width (the console had the tables only)
    const verdict = r.out.slice(r.out.indexOf("Verdict (as the report says it):"));
    // on 300 customers × 14 days the two best cannot be ranked, and the first sentence says so
    expect(verdict).toMatch(/^Verdict \(as the report says it\):\n- \S+ and \S+ cannot be ranked on incremental margin: -?[\d,]+ and -?[\d,]+ EUR, /);
    expect(verdict).toContain("Pressure and fatigue,");
    expect(verdict).not.toMatch(/<b>|&amp;|&lt;/);
  });

  it("compare writes a difference of two shares in percentage points, the shares in % (regression)", async () => {
    // customer-weeks over 2 contacts: lifecycle 1.1 % against batch-and-blast's 3.3 %; the difference read "-2.2 %"
    const r = await capture(() => main(["compare", "scenarios/batch-and-blast.yaml", "scenarios/lifecycle.yaml", "--customers", "1500", "--days", "90", "--replications", "2", "--seed", "5", "--workers", "1"]));
    expect(r.code).toBe(0);
    const [plans, differences] = r.out.split("Paired difference against batch-and-blast");
    const lines = (text: string) => text.slice(text.indexOf("\nweeks > 2 contacts")).split("\n").slice(1, 3);
    expect(lines(plans)[0]).toMatch(/^weeks > 2 contacts\s+3\.3 %\s+1\.1 %\s+0\.0 %$/);
    expect(lines(differences)[0]).toMatch(/^weeks > 2 contacts\s+-2\.2 pp$/);
    expect(lines(differences)[1]).toMatch(/^\s+\[-2\.5 pp, -1\.9 pp\]$/);
  }, 60_000);
});
