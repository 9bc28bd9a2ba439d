import { describe, expect, it } from "vitest";
import { Metrics, WeekExistence } from "../../engine/sim/metrics.ts";
import { WEEK } from "../../engine/core/time.ts";
import { loadPlan } from "../../engine/plan/load.ts";
import { comparePlans } from "../../engine/compare/compare.ts";
import { pressureJson } from "../../engine/cli/compare.ts";
import { CustomerTable } from "../../engine/core/customer-table.ts";
import { PER4 } from "../../engine/core/record.ts";
import { suppressionKind, suppressionSplit } from "../../engine/compare/suppressions.ts";

describe("pressure measures", () => {
  it("counts weeks above the threshold and contacts per customer over complete 4-week blocks", () => {
    // three customers, nine weeks: customer 0 gets 3 a week, customer 1 one in week 1 only, customer 2 joins in week 5
    const m = new Metrics(3, 63, ["p"]);
    const table = new CustomerTable(3, 0); // a customer exists in the weeks that end after their signup
    for (let c = 0; c < 3; c++) table.add(`c${c}`);
    table.signup[2 * PER4] = 4 * WEEK;
    const existence = new WeekExistence(table, 0, 9);
    expect(Array.from({ length: 9 }, (_, w) => existence.before((w + 1) * WEEK))).toEqual([2, 2, 2, 2, 3, 3, 3, 3, 3]);
    expect(() => existence.before(10 * WEEK)).toThrow(/not one of the run's/);
    for (let w = 0; w < 9; w++) {
      for (let k = 0; k < 3; k++) m.contact(0, w * 7, 0, 0, 0);
      if (w === 0) m.contact(1, 0, 0, 0, 0);
      if (w >= 4) m.contact(2, w * 7, 0, 0, 0);
      m.closeWeek(existence.before((w + 1) * WEEK));
    }
    // customer-weeks: 9 + 9 + 5 = 23, of which customer 0's 9 have more than 2 contacts
    expect(m.shareWeeksAbove(2)).toBeCloseTo(9 / 23, 12);
    expect(m.shareWeeksAbove(3)).toBe(0);
    // blocks 1–4 and 5–8 (week 9 is a part-block): customer 0 has 12 and 12, customer 1 has 1 and 0, customer 2 has 4 (block 2 only)
    expect(Array.from(m.fourWeekHistogram.slice(0, 13))).toEqual([1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 2]);
    expect(m.fourWeekly()).toEqual({ mean: (12 + 12 + 1 + 0 + 4) / 5, p50: 4, p90: 12, p99: 12, max: 12, blocks: 5 });
  });

  it("separates plans whose weekly p90 is the same, and the JSON carries the distribution chart's figures", () => {
    const plans = ["lifecycle", "lifecycle-capped"].map((n) => loadPlan(`scenarios/${n}.yaml`));
    const c = comparePlans(plans, { customers: 1500, days: 84, replications: 2, seed: 2 });
    const [blast, capped] = c.plans;
    expect(blast.metrics.contactsPerCustomerWeekP90!.mean).toBe(capped.metrics.contactsPerCustomerWeekP90!.mean);
    // measured (1,500 customers, 84 days, seeds 2–3): about 1 % against under 0.1 % of customer-weeks; 4-week p99 7 against 5
    expect(blast.metrics.weeksAboveThreshold!.mean).toBeGreaterThan(5 * capped.metrics.weeksAboveThreshold!.mean);
    expect(blast.metrics.contactsPer4WeeksP99!.mean).toBeGreaterThan(capped.metrics.contactsPer4WeeksP99!.mean);
    expect(blast.metrics.contactsPer4WeeksMean!.mean).toBeGreaterThan(0);
    expect(blast.metrics.contactsPer4WeeksP99!.mean).toBeGreaterThanOrEqual(blast.metrics.contactsPer4WeeksP90!.mean);
    const j = pressureJson(blast);
    expect(j.weekThreshold).toBe(2);
    const total = j.perWeek.reduce((a, r) => a + (r.customerWeeks as number), 0);
    expect(j.perWeek.reduce((a, r) => a + r.share, 0)).toBeCloseTo(1, 9);
    // the JSON's shares give the first replication's weeks-above-threshold figure
    const above = j.perWeek.filter((r) => r.contacts > 2).reduce((a, r) => a + (r.customerWeeks as number), 0) / total;
    expect(above).toBeCloseTo(blast.runs[0].weeksAboveThreshold!, 12);
    expect(j.per4Weeks.length).toBeGreaterThan(1);
  });

  it("splits suppressions into consent, send window or capacity, and pressure rules", () => {
    expect(["consent", "send-window", "capacity:sms", "two-a-week"].map(suppressionKind)).toEqual(["consent", "windowCapacity", "windowCapacity", "pressure"]);
    expect(suppressionSplit({ consent: 5, "send-window": 2, "capacity:email": 3, "two-a-week": 7, "one-a-day": 1 })).toEqual({ consent: 5, windowCapacity: 5, pressure: 8 });
  });
});
