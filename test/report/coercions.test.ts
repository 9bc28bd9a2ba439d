/** Run-time coercions reach the report, not only the summary and the CLI (issue 9 #8). */
import { describe, expect, it } from "vitest";
import { plan } from "../helpers.ts";
import { comparePlans } from "../../engine/compare/compare.ts";
import { renderReport } from "../../engine/report/report.ts";

describe("report", () => {
  it("lists coerced expression values per plan, and nothing for a plan without", () => {
    const p = plan(`name: recency-first
channels: { email: {} }
programs:
  - { id: news, type: campaign, priority: "recency", schedule: { weekly: [tue], at: "10:00" }, send: { channel: email, message: news } }
`);
    const clean = plan(`name: clean
channels: { email: {} }
programs:
  - { id: news, type: campaign, priority: 10, schedule: { weekly: [tue], at: "10:00" }, send: { channel: email, message: news } }
`);
    const c = comparePlans([p, clean], { customers: 400, days: 14, replications: 1, cache: "off" });
    const n = c.plans[0].detail.summary.coercions["program news: priority not a number, ranked 0"];
    expect(n).toBeGreaterThan(0);
    const html = renderReport(c);
    expect(html).toContain("Coerced expression values");
    expect(html).toContain(`recency-first: program news: priority not a number, ranked 0 — ${n.toLocaleString("en-US")} time(s)`);
    expect(html).not.toContain("clean: program");
  });
});
