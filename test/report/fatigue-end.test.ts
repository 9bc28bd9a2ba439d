import { describe, expect, it } from "vitest";
import { loadPlan } from "../../engine/plan/load.ts";
import { comparePlans } from "../../engine/compare/compare.ts";
import { fatigueCharts } from "../../engine/report/charts.ts";
import { renderReport } from "../../engine/report/report.ts";

describe("the fatigue chart's disengaged customers", () => {
  // batch-and-blast's 4-weekly promotion falls on days 7, 35, 63, 91 and 119 (from 2026-01-08): on a
  // 120-day run, on the last day. The summary counts disengaged customers just after it, at the run's
  // end; the chart's weekly points stopped at day 119, 00:00, before it (this run: 138 at the end, 43 at
  // day 119).
  const c = comparePlans([loadPlan("scenarios/batch-and-blast.yaml")], { customers: 800, days: 120, replications: 1, seed: 3 });
  const blast = c.plans.find((p) => p.name === "batch-and-blast")!;

  it("ends with the run's end, the same snapshot as the summary's 'disengaged at the end'", () => {
    const series = blast.detail.disengagedWeekly;
    expect(series.map((r) => r.day)).toEqual([7, 14, 21, 28, 35, 42, 49, 56, 63, 70, 77, 84, 91, 98, 105, 112, 119, 120]);
    expect(series.at(-1)!.disengaged).toBe(blast.detail.summary.disengaged);
    expect(blast.metrics.disengaged!.mean).toBe(blast.detail.summary.disengaged);
    // the blast on the last day is what the end counts and the weekly points do not
    expect(blast.detail.summary.disengaged).toBeGreaterThan(2 * series.at(-2)!.disengaged);
    const baseline = c.plans.find((p) => p.baseline)!;
    expect(baseline.detail.disengagedWeekly.at(-1)).toEqual({ day: 120, disengaged: 0 });
  });

  it("draws that end as a dot and says it is a snapshot at the run's end", () => {
    const disengaged = fatigueCharts(c)[2];
    expect(disengaged).toContain(`batch-and-blast: ${blast.detail.summary.disengaged.toLocaleString("en-US")} disengaged at the run's end`);
    const html = renderReport(c);
    const fatigue = html.slice(html.indexOf(`<section id="fatigue">`));
    expect(fatigue).toContain("a snapshot at the run's end");
    expect(fatigue).toContain("a blast on the last day counts");
  });
});
