import { describe, expect, it } from "vitest";
import { loadPlan } from "../../engine/plan/load.ts";
import { frontierSvg, markFrontier, sweep, type SweepResult } from "../../engine/sweep/sweep.ts";
import { keyLines } from "../../engine/sweep/frontier-chart.ts";
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

describe("the frontier chart of a large grid", () => {
  // a 6 × 10 grid as an analyst sweeps it: margin rises with the cap and falls as the window grows,
  // unsubscribes rise with both: 60 distinct spots, the 1-day window of each cap on the frontier
  const grid60 = (frontierAll = false) => {
    const variants = [];
    for (let cap = 1; cap <= 6; cap++) {
      for (let w = 1; w <= 10; w++) {
        const u = frontierAll ? 6 * (cap - 1) + w / 2 : 10 * cap + 3 * w;
        const m = frontierAll ? 3000 * Math.sqrt(u) : 1000 * Math.sqrt(cap) - 50 * (w - 1) ** 2;
        variants.push({ label: `cap=${cap}, window=${w}d`, values: {}, frontier: false, knee: false, metrics: { incrementalMargin: { mean: m, lo: null, hi: null }, unsubscribes: { mean: u, lo: null, hi: null } } });
      }
    }
    markFrontier(variants as never);
    return { variants, replications: 1, seeds: [1] } as never as SweepResult;
  };
  /** The key's lines (the text beside the frame that starts "1  ") and the chart's height and frame. */
  const layout = (svg: string) => {
    const key = /<text transform="translate\(740,(\d+)\)">((?:<tspan[^>]*>[^<]*<\/tspan>)+)<\/text>/.exec(svg)!;
    const lines = [...key[2].matchAll(/<tspan[^>]*>([^<]*)<\/tspan>/g)].map((m) => m[1]);
    const height = Number(/viewBox="0 0 960 (\d+)"/.exec(svg)![1]);
    return { lines, top: Number(key[1]), height };
  };

  it("keeps the key inside the chart with 60 variants, numbering the frontier only (lines 27 on ran past the chart's foot, numbers piled up among dominated dots)", () => {
    const r = grid60();
    const frontier = r.variants.filter((v) => v.frontier);
    expect([r.variants.length, frontier.length]).toEqual([60, 6]);
    const svg = frontierSvg(r, "t", "EUR");
    const { lines, top, height } = layout(svg);
    expect(height).toBe(460);
    // the key's last line (11 px each, from 4 px below the frame's top) ends above the x axis (30 px)
    expect(top + 4 + 11 * lines.length).toBeLessThanOrEqual(height - 30);
    // every frontier variant named and numbered, the dominated ones counted
    for (const v of frontier) expect(lines.join(" ").replace(/\s+/g, " ")).toContain(v.label);
    expect(lines.slice(-3).join(" ").replace(/\s+/g, " ")).toBe("grey dots: 54 dominated variants, unnumbered (all in the table and sweep.csv)");
    const numbers = texts(svg).filter((x) => /^\d+$/.test(x) && Number(x) >= 1 && Number(x) <= 60);
    expect(numbers.filter((x) => Number(x) <= 6).length).toBeGreaterThanOrEqual(6);
    expect(numbers).not.toContain("7");
    // the text alternative still names every variant
    expect(/aria-label="([^"]*)"/.exec(svg)![1].split("; ").length).toBe(60);
  });

  it("grows the chart when even the frontier's key is taller than the frame (60 variants, all on the frontier)", () => {
    const r = grid60(true);
    expect(r.variants.every((v) => v.frontier)).toBe(true);
    const { lines, top, height } = layout(frontierSvg(r, "t", "EUR"));
    expect(lines.length).toBe(60); // every variant numbered, one line each, no line for dominated ones
    expect(height).toBe(460 + (60 - 32) * 11);
    expect(top + 4 + 11 * lines.length).toBeLessThanOrEqual(height - 30);
  });

  it("cuts a key entry at its spaces into lines of 34 characters, and names the first three of many variants on one spot", () => {
    expect(keyLines("12  threshold=2, halfLife=10d (knee)")).toEqual(["12  threshold=2, halfLife=10d", "    (knee)"]);
    expect(keyLines("1  cap=1")).toEqual(["1  cap=1"]);
    const r = grid60();
    for (const v of r.variants.slice(1, 14)) v.metrics.incrementalMargin!.mean = r.variants[0].metrics.incrementalMargin!.mean, v.metrics.unsubscribes!.mean = r.variants[0].metrics.unsubscribes!.mean;
    markFrontier(r.variants);
    const { lines } = layout(frontierSvg(r, "t", "EUR"));
    expect(lines.join(" ").replace(/\s+/g, " ")).toContain("1 cap=1, window=1d, cap=1, window=2d, cap=1, window=3d and 11 more (same point)");
  });
});
