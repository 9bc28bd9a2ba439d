import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadPlan } from "../../engine/plan/load.ts";
import { frontierSvg, grid, sweep } from "../../engine/sweep/sweep.ts";
import { setPath } from "../../engine/sweep/set-path.ts";
import { main } from "../../engine/cli/main.ts";

const capped = loadPlan("scenarios/lifecycle-capped.yaml");

describe("sweeps", () => {
  it("sets values by path, list elements by index or name", () => {
    const doc = { pressure: { rules: [{ name: "a", cap: 1 }, { name: "b", cap: 2 }] } };
    expect(setPath(doc, "pressure.rules.b.cap", 5)).toEqual({ pressure: { rules: [{ name: "a", cap: 1 }, { name: "b", cap: 5 }] } });
    expect(setPath(doc, "pressure.rules[0].window", "3d")).toEqual({ pressure: { rules: [{ name: "a", cap: 1, window: "3d" }, { name: "b", cap: 2 }] } });
    expect(() => setPath(doc, "pressure.rules.c.cap", 5)).toThrow(/no element 'c' in pressure\.rules; valid: a, b/);
    expect(() => setPath(doc, "presure.rules", 5)).toThrow(/no field 'presure' in \(root\); valid: pressure/);
    expect(grid([{ path: "a", values: [1, 2] }, { path: "b", values: ["x", "y"] }])).toEqual([{ a: 1, b: "x" }, { a: 1, b: "y" }, { a: 2, b: "x" }, { a: 2, b: "y" }]);
  });

  it("runs the grid on common random numbers: a looser cap sends more and unsubscribes at least as many", () => {
    const r = sweep(capped, [{ path: "pressure.rules.two-a-week.cap", values: [1, 2, 4] }], { customers: 3000, days: 120, seed: 3 });
    expect(r.table.numRows()).toBe(3);
    expect(r.table.columnNames()).toEqual(expect.arrayContaining(["variant", "reach", "contacts", "p90ContactsPerWeek", "unsubscribes", "complaints", "incrementalRevenue", "incrementalMargin", "cost", "roi", "frontier", "knee"]));
    const contacts = r.variants.map((v) => v.summary.contacts);
    expect(contacts[0]).toBeLessThan(contacts[1]);
    expect(contacts[1]).toBeLessThanOrEqual(contacts[2]);
    // the shared baseline: every variant's baseline revenue is the same number
    expect(new Set(r.variants.map((v) => v.summary.baselineRevenue)).size).toBe(1);
    expect(r.variants.filter((v) => v.knee).length).toBe(1);
    const svg = frontierSvg(r);
    expect(svg).toMatch(/^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect((svg.match(/<circle/g) ?? []).length).toBe(3);
    expect(svg).toContain("unsubscribes");
  });

  it("the CLI writes the table and the chart and names a bad path", async () => {
    const out = mkdtempSync(join(tmpdir(), "cadence-sweep-"));
    const code = await main(["sweep", "scenarios/lifecycle-capped.yaml", "--set", "pressure.rules.weighted-pressure.weighted.threshold=2,6", "--customers", "800", "--days", "60", "--out", out, "--json"]);
    expect(code).toBe(0);
    expect(readFileSync(join(out, "sweep.csv"), "utf8").split("\n")[0]).toContain("pressure.rules.weighted-pressure.weighted.threshold");
    expect(readFileSync(join(out, "frontier.html"), "utf8")).toContain("<svg");
    expect(await main(["sweep", "scenarios/lifecycle-capped.yaml", "--set", "pressure.rules.nope.cap=1"])).toBe(2);
    expect(await main(["sweep", "scenarios/lifecycle-capped.yaml", "--set", "pressure.rules.two-a-week.cap=-1", "--customers", "10", "--days", "2"])).toBe(2);
  });
});
