import { describe, expect, it } from "vitest";
import { loadPlan } from "../../engine/plan/load.ts";
import { frontierSvg, sweep } from "../../engine/sweep/sweep.ts";
import { sweepPage } from "../../engine/sweep/sweep-page.ts";

const texts = (svg: string) => [...svg.matchAll(/<(?:text|tspan)[^>]*>([^<]*)(?=<)/g)].map((m) => m[1]).filter(Boolean);

describe("the frontier chart", () => {
  // a weekly cap of 50 or 60 never binds (the one-a-day rule does first): the two variants land on one
  // spot; with 2 seeds the unsubscribes' intervals reach 27 where the means stay at or under 2
  const capped = loadPlan("scenarios/lifecycle-capped.yaml");
  const r = sweep(capped, [{ path: "pressure.rules.two-a-week.cap", values: [1, 50, 60] }], { customers: 1500, days: 60, seed: 1, replications: 2 });
  const svg = frontierSvg(r, "lifecycle-capped: incremental margin against unsubscribes", "EUR");
  const t = texts(svg);

  it("numbers the dots and names them in a key, variants on one spot under one number (labels ran into each other: cap=3cap=4+2)", () => {
    expect(r.variants[1].metrics.unsubscribes).toEqual(r.variants[2].metrics.unsubscribes);
    expect(r.variants[1].metrics.incrementalMargin!.mean).toBe(r.variants[2].metrics.incrementalMargin!.mean);
    expect(t).toContain("1  cap=1");
    expect(t).toContain("2  cap=50, cap=60 (same point)");
    // beside the dots, numbers only: a variant's label appears once, in the key
    expect(t.filter((x) => x.includes("cap=1")).length).toBe(1);
    expect(t.filter((x) => x === "1" || x === "2").length).toBeGreaterThanOrEqual(2);
  });

  it("fits the axes to the means from zero, not to the intervals, and cuts the crosses at the frame", () => {
    const xTicks = texts(svg.match(/aria-label="x-axis tick label">(.*?)<\/g>/)![1]).map(Number);
    const maxMean = Math.max(...r.variants.map((v) => v.metrics.unsubscribes!.mean));
    expect(Math.max(...r.variants.map((v) => v.metrics.unsubscribes!.hi!))).toBeGreaterThan(10 * maxMean);
    expect(xTicks[0]).toBe(0);
    expect(Math.max(...xTicks)).toBeGreaterThanOrEqual(maxMean);
    expect(Math.max(...xTicks)).toBeLessThan(1.5 * maxMean); // it ran to 35 for means under 10
    expect(svg).toContain("cut at the frame: the axes fit the means");
    expect(svg).toMatch(/clip-path="url\(#/);
  });

  it("names the currency on the margin axis and writes ticks as the report does (no 0k)", () => {
    expect(t).toContain("incremental margin (mean, EUR) ↑ · both axes start at zero");
    expect(t.filter((x) => /^[−-]?[\d.]+k$/.test(x))).toEqual([]);
    expect(t).toContain("0");
  });

  it("carries a text alternative: the SVG's <title> and an aria-label", () => {
    expect(svg).toMatch(/^<svg[^>]*aria-label="lifecycle-capped: incremental margin against unsubscribes: cap=1: /);
    expect(svg).toContain("<title>lifecycle-capped: incremental margin against unsubscribes</title>");
    // a mean over 3 seeds reads as the chart shows it, to one decimal (it said "5.666666666666667 unsubscribes")
    const third = structuredClone(r);
    third.variants[0].metrics.unsubscribes!.mean = 17 / 3;
    const label = /aria-label="([^"]*)"/.exec(frontierSvg(third, "t"))![1];
    expect(label).toContain(" 5.7 unsubscribes");
    expect(label).not.toMatch(/\d\.\d{2,} unsubscribes/);
  });

  it("gives each margin in the text alternative as the table does, with the currency (1,180 and 1,220 both read '1.2K margin')", () => {
    const two = structuredClone(r);
    two.variants[0].metrics.incrementalMargin!.mean = 1180.26;
    two.variants[1].metrics.incrementalMargin!.mean = 1219.54;
    two.variants[2].metrics.incrementalMargin!.mean = -0.2;
    const label = /aria-label="([^"]*)"/.exec(frontierSvg(two, "t", "EUR"))![1];
    expect(label).toContain("cap=1: 1,180 EUR margin, ");
    expect(label).toMatch(/cap=50[^;]*: 1,220 EUR margin, /);
    expect(label).toMatch(/cap=60[^;]*: 0 EUR margin, /);
    expect(label).not.toContain("K margin");
  });

  it("rounds a negative margin ending in .5 as the table beside it does (-2.5 read -2 in the chart, -3 in the table)", () => {
    const half = structuredClone(r);
    half.variants[0].metrics.incrementalMargin = { mean: -2.5, lo: null, hi: null };
    half.variants[1].metrics.incrementalMargin = { mean: -1204.5, lo: null, hi: null };
    const svg = frontierSvg(half, "t", "EUR");
    const label = /aria-label="([^"]*)"/.exec(svg)![1];
    expect(label).toContain("cap=1: -3 EUR margin, ");
    expect(label).toMatch(/cap=50[^;]*: -1,205 EUR margin, /);
    // the same figures in the page's variants table, the first row's margin cell and the second's
    const rows = sweepPage(half, "t", svg, "EUR").split("<h2>Variants</h2>")[1].split("</table>")[0].split("\n");
    const marginCell = (row: string) => [...row.matchAll(/<td[^>]*>([^<]*)/g)].map((m) => m[1])[6];
    expect(marginCell(rows[1])).toBe("-3");
    expect(marginCell(rows[2])).toBe("-1,205");
  });
});
