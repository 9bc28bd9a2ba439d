import { describe, expect, it } from "vitest";
import { loadPlan } from "../../engine/plan/load.ts";
import { comparePlans } from "../../engine/compare/compare.ts";
import { contactsPerWeekChart } from "../../engine/report/charts.ts";
import { renderReport } from "../../engine/report/report.ts";

describe("the share of customer-weeks chart (log scale)", () => {
  // lifecycle-capped, 3,000 customers × 120 days, seed 1: weeks with 0–3 contacts, none with 4 or 5, one with 6
  const c = comparePlans([loadPlan("scenarios/lifecycle-capped.yaml")], { customers: 3000, days: 120, replications: 1, seed: 1 });
  const capped = c.plans.find((p) => p.name === "lifecycle-capped")!;

  it("breaks the line where a count has a share of 0, instead of joining across it", () => {
    expect(capped.detail.weekHistogram).toEqual([38090, 10201, 1804, 48, 0, 0, 1]);
    const svg = contactsPerWeekChart(c);
    const lines = svg.match(/aria-label="line">(.*?)<\/g>/)![1];
    const paths = [...lines.matchAll(/ d="([^"]+)"/g)].map((m) => [...m[1].matchAll(/[ML]([\d.]+),/g)].map((x) => Number(x[1])));
    const dots = [...svg.match(/aria-label="dot">(.*?)<\/g>/)![1].matchAll(/cx="([\d.]+)"/g)].map((m) => Number(m[1]));
    const step = dots[1] - dots[0]; // one contact more
    // 0–3 in one segment, 6 alone; before, one path ran from 3 straight to 6
    expect(paths.map((xs) => xs.length)).toEqual([4, 1]);
    for (const xs of paths) for (let i = 1; i < xs.length; i++) expect(xs[i] - xs[i - 1]).toBeCloseTo(step, 2);
    expect(dots).toHaveLength(5); // no dot for a share of 0
  });

  it("says that a share of 0 is not drawn", () => {
    const html = renderReport(c);
    expect(html.slice(html.indexOf(`<section id="pressure">`))).toContain("a share of 0, which a log scale cannot show: the line breaks there");
  });
});
