import { describe, expect, it } from "vitest";
import { loadPlan } from "../../engine/plan/load.ts";
import { comparePlans } from "../../engine/compare/compare.ts";
import { renderReport } from "../../engine/report/report.ts";
import { cell, n0, n2, percent, points, signedText, textOf } from "../../engine/report/html.ts";
import { verdictLines } from "../../engine/report/verdict.ts";
import { SWEEP_COLUMNS } from "../../engine/sweep/sweep-page.ts";

describe("the paired differences table", () => {
  const plans = ["batch-and-blast", "lifecycle", "lifecycle-capped"].map((n) => loadPlan(`scenarios/${n}.yaml`));
  const c = comparePlans(plans, { customers: 1500, days: 90, replications: 2, seed: 5 });
  const html = renderReport(c);
  const section = html.slice(html.indexOf(`<section id="differences">`), html.indexOf("</section>", html.indexOf(`<section id="differences">`)));
  const row = (label: string) => section.slice(section.indexOf(`<tr><td>${label}</td>`)).split("</tr>")[0];

  it("does not colour a difference every seed gave alike (a zero-width interval), and says so", () => {
    // contacts per customer over 4 weeks, p99: lifecycle +1 and lifecycle-capped −1 than batch-and-blast on both seeds
    const d = (name: string) => c.differences.find((x) => x.name === name)!.metrics.contactsPer4WeeksP99!;
    expect(d("lifecycle")).toEqual({ mean: 1, lo: 1, hi: 1 });
    expect(d("lifecycle-capped")).toEqual({ mean: -1, lo: -1, hi: -1 });
    const p99 = row("contacts per customer over 4 weeks, p99");
    expect(p99).toContain(`<td>+1<span class="ci">same in every seed</span></td>`);
    expect(p99).toContain(`<td>-1<span class="ci">same in every seed</span></td>`);
    expect(p99).not.toMatch(/class="(better|worse)"/);
    // a difference with a spread whose interval excludes zero is still coloured
    expect(row("customer-weeks with more than 2 contacts")).toContain(`class="better"`);
    expect(section).toContain("or the same in every seed (no spread, so no evidence either way)");
  });

  it("prints a value that rounds to zero as 0, without a sign (it printed -0 and +0)", () => {
    // contributions of spend-tier to a two-program plan: −0.01 on both seeds
    expect(cell({ mean: -0.01, lo: -0.01, hi: -0.01 }, (x) => n0.format(x), true, 1)).toBe(`<td>0<span class="ci">same in every seed</span></td>`);
    expect(cell({ mean: 12, lo: -0.4, hi: 24.4 }, (x) => n0.format(x), true, 1)).toBe(`<td>+12<span class="ci">0 to +24</span></td>`);
    expect(signedText((x) => n2.format(x), true)(-0.002)).toBe("0.00");
    expect(signedText((x) => `${(100 * x).toFixed(1)} %`, true)(-0.0001)).toBe("0.0 %");
    expect(signedText((x) => n0.format(x), true)(0.4)).toBe("0");
    expect(signedText((x) => n0.format(x), true)(-14.2)).toBe("-14");
    expect(html).not.toMatch(/>[+-]0(\.0+)?( %| pp)?</);
    expect(html).not.toMatch(/[+-]0(\.0+)?( %| pp)? to |to [+-]0(\.0+)?( %| pp)?</);
  });

  it("never writes a difference marked better or worse as zero: a small one gets two significant digits (regression)", () => {
    // the sweep page of lifecycle-capped (two-a-week cap 1..4 × weighted threshold 2,4,8, 5,000 customers ×
    // 180 days, 3 seeds) marked contacts per customer-week worse, threshold 4 against 2, as "0.00, 0.00 to
    // 0.00": the difference was +0.0042 (+0.0037 to +0.0047)
    const perWeek = SWEEP_COLUMNS.find(([, m]) => m === "contactsPerCustomerWeek")![2];
    expect(cell({ mean: 0.0042, lo: 0.0037, hi: 0.0047 }, perWeek, true, -1)).toBe(`<td class="worse">+0.0042<span class="ci">+0.0037 to +0.0047</span><span class="mark">worse</span></td>`);
    expect(cell({ mean: 0.23, lo: 0.2, hi: 0.26 }, perWeek)).toBe(`<td>0.23<span class="ci">0.20 to 0.26</span></td>`);
    // a difference of shares, as the report's tables and verdict write customer-weeks over the threshold
    expect(cell({ mean: -0.00034, lo: -0.0004, hi: -0.0001 }, points, true, -1)).toBe(`<td class="better">-0.034 pp<span class="ci">-0.040 pp to -0.010 pp</span><span class="mark">better</span></td>`);
    expect(percent(0.029)).toBe("2.9 %");
    expect(percent(0)).toBe("0.0 %");
  });

  it("writes a difference of two shares in percentage points, the shares themselves in % (regression)", () => {
    // customer-weeks over 2 contacts: batch-and-blast 3.2 % and 3.3 % on the two seeds, lifecycle 1.0 % and
    // 1.1 %; the difference read "-2.2 %", which a practitioner takes for a relative change (3.3 % less 2.2 % of it)
    const share = (name: string) => c.plans.find((p) => p.name === name)!.runs.map((r) => r.weeksAboveThreshold!);
    const [b, l] = [share("batch-and-blast"), share("lifecycle")];
    const pp = (100 * (l[0] - b[0] + l[1] - b[1]) / 2).toFixed(1);
    expect(pp).toBe("-2.2");
    const over = row("customer-weeks with more than 2 contacts");
    expect(over).toMatch(new RegExp(`^<tr><td>customer-weeks with more than 2 contacts</td><td class="better">${pp} pp<span class="ci">-\\d\\.\\d pp to -\\d\\.\\d pp</span>`));
    expect(over).not.toContain("%");
    // the shares themselves stay in %
    const summary = html.slice(html.indexOf(`<section id="summary">`));
    expect(summary.slice(summary.indexOf("<tr><td>customer-weeks with more than 2 contacts</td>")).split("</tr>")[0]).toContain(`<td>${percent((b[0] + b[1]) / 2)}<span class="ci">`);
    // and the verdict's pressure sentence, winner minus runner-up
    const verdict = verdictLines(c).map(textOf).join("\n");
    expect(verdict).toMatch(/customer-weeks with more than 2 contacts -1\.0 pp \(95 % interval -1\.7 pp to -0\.4 pp\): beyond the noise/);
  });
});
