import { describe, expect, it } from "vitest";
import { loadPlan } from "../../engine/plan/load.ts";
import { comparePlans } from "../../engine/compare/compare.ts";
import { dailyContactsChart } from "../../engine/report/charts.ts";

describe("a comparison with custom channels", () => {
  it("compares a plan with custom channels to one without on one population, and charts every channel used", () => {
    const c = comparePlans([loadPlan("scenarios/lifecycle.yaml"), loadPlan("scenarios/custom-channels.yaml")], { customers: 1000, days: 42, replications: 2, seed: 4 });
    const custom = c.plans.find((p) => p.name === "custom-channels")!;
    expect(custom.detail.daily.in_app.reduce((a, b) => a + b, 0)).toBeGreaterThan(100);
    expect(c.plans.find((p) => p.name === "lifecycle")!.detail.daily.in_app).toBeUndefined();
    const svg = dailyContactsChart(c);
    // the legend names the custom channels after the built-in ones, each in its own colour
    expect(svg).toContain("in_app");
    expect(svg).toContain("#76b7b2");
    expect(svg.indexOf("email")).toBeLessThan(svg.indexOf("in_app"));
  });
});
