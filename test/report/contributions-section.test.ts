/** The comparison report's "What each program adds" section (issue 11 #12: contributions in the compare report). */
import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { comparePlans } from "../../engine/compare/compare.ts";
import { contributions } from "../../engine/compare/contributions.ts";
import { renderReport } from "../../engine/report/report.ts";
import { main } from "../../engine/cli/main.ts";
import { capture } from "../capture.ts";
import { plan, TWO_PROGRAMS } from "../helpers.ts";

const yaml = TWO_PROGRAMS;

const n0 = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
const sectionOf = (html: string) => {
  const at = html.indexOf(`<section id="contributions">`);
  return at < 0 ? "" : html.slice(at, html.indexOf("</section>", at));
};

describe("the report's contributions section", () => {
  const p = plan(yaml, "scenarios/two.yaml");
  const o = { customers: 1200, days: 90, replications: 2, seed: 3 };
  const c = comparePlans([p], o);
  const r = contributions(p, o);
  const html = renderReport(c, { contributions: [{ plan: "two", result: r }] });
  const s = sectionOf(html);

  it("shows each program's marginal margin and unsubscribes with their intervals, and a chart", () => {
    expect(s).toContain("What each program adds");
    expect(html).toContain(`<a href="#contributions">`);
    expect((s.match(/<svg/g) ?? []).length).toBe(1); // the margin chart
    // named for a screen reader like the report's other charts (regression: it was the one chart without)
    expect(s).toMatch(/<svg [^>]*aria-label="marginal incremental margin of each program \(EUR\), mean and 95 % interval: two"/);
    for (const x of r.programs) {
      const row = s.slice(s.indexOf(`<tr><td>${x.id}</td>`));
      expect(row, x.id).toContain(`<td>${n0.format(x.contacts)}</td>`);
      const m = x.incrementalMargin, u = x.unsubscribes, g = (v: number) => (v > 0 ? "+" : "") + n0.format(v);
      expect(row).toContain(`${g(m.mean)}<span class="ci">${g(m.lo!)} to ${g(m.hi!)}</span>`);
      expect(row).toContain(`${g(u.mean)}<span class="ci">${g(u.lo!)} to ${g(u.hi!)}</span>`);
    }
    expect(r.programs.find((x) => x.id === "newsletter")!.unsubscribes.mean).toBeGreaterThan(0);
  });

  it("lists the best missing library templates, those adding margin with 95 % confidence first, and those not tried", () => {
    // by margin per contact: invitations 2.25, referral 1.29, satisfaction-survey 0.55, product-alert 0.37,
    // review-request 0.31, birthday 0.31; only satisfaction-survey [40, 65] and birthday [13, 46] are
    // surely above zero (invitations is [−356, 417]): birthday was left out of the top 5, below noise
    const sure = r.missing.filter((m) => m.incrementalMargin.lo! > 0).map((m) => m.template);
    expect(sure).toEqual(["satisfaction-survey", "birthday"]);
    const top = ["satisfaction-survey", "birthday", "invitations", "referral", "product-alert"];
    expect(r.missing.slice(0, 4).map((m) => m.template)).toEqual(["invitations", "referral", "satisfaction-survey", "product-alert"]);
    expect(s).toContain("those adding margin with 95 % confidence first, then by margin per contact");
    const at = top.map((t) => s.indexOf(`<tr><td>${t}</td>`));
    expect(at.every((i) => i > 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(s).not.toContain(`<tr><td>review-request</td>`); // only the top ones
    expect(s).toContain("Not tried");
    for (const k of r.skipped) expect(s).toContain(k.template);
  });

  it("colours a program's dot as the tables do: green or red only when its interval excludes zero", () => {
    // abandoned-cart +51 [−594, 697] and newsletter +335 [−1,564, 2,233]: not distinguishable from zero,
    // their table cells are white; their dots were green by the sign of the mean
    for (const x of r.programs) expect(x.incrementalMargin.lo!).toBeLessThan(0);
    const dots = s.slice(s.indexOf("<svg"), s.indexOf("</svg>")).match(/<circle[^>]*>/g)!;
    expect(dots.length).toBe(2);
    for (const d of dots) expect(d).toContain(`fill="#999999"`);
    for (const x of r.programs) expect(s.slice(s.indexOf(`<tr><td>${x.id}</td>`)).split("</tr>")[0]).not.toMatch(/class="(better|worse)"/);
  });

  it("stays self-contained, and is absent unless asked for", () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/(src|href)\s*=\s*"(https?:)?\/\//i);
    const plain = renderReport(c);
    expect(sectionOf(plain)).toBe("");
    expect(plain).not.toContain(`href="#contributions"`);
  });

  it("cadence compare --report --contributions writes it; --contributions alone is refused", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cadence-contrib-"));
    const file = join(dir, "r.html");
    const out = await capture(() => main(["compare", "scenarios/batch-and-blast.yaml", "--customers", "500", "--days", "30", "--replications", "2", "--workers", "1", "--no-cache", "--report", file, "--contributions"]));
    expect(out.code, out.err).toBe(0);
    const got = sectionOf(readFileSync(file, "utf8"));
    expect(got).toContain("<h3>batch-and-blast</h3>");
    expect(got).toContain("<th>incremental margin</th>");
    const bad = await capture(() => main(["compare", "scenarios/batch-and-blast.yaml", "--contributions"]));
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--contributions adds a section to the report: give --report out\.html too/);
  });
});
