import { describe, expect, it } from "vitest";
import { execSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadPlan } from "../../engine/plan/load.ts";
import { comparePlans } from "../../engine/compare/compare.ts";
import { renderReport } from "../../engine/report/report.ts";
import { CHROMIUM, screenshot } from "../../engine/report/screenshot.ts";
import { main } from "../../engine/cli/main.ts";
import { n0 } from "../../engine/report/html.ts";
import { parseHTML } from "linkedom";

const plans = ["batch-and-blast", "lifecycle", "lifecycle-capped"].map((n) => loadPlan(`scenarios/${n}.yaml`));
const c = comparePlans(plans, { customers: 1500, days: 90, replications: 2, seed: 5 });
const html = renderReport(c);

/** Chromium for the browser test: installed when missing and possible, else a failure naming the command. */
function ensureChromium(): void {
  if (existsSync(CHROMIUM)) return;
  const root = process.getuid?.() === 0;
  let apt = false;
  try {
    execSync("command -v apt-get", { stdio: "ignore" });
    apt = true;
  } catch { /* no apt */ }
  if (root && apt) execSync("apt-get update && apt-get install -y chromium", { stdio: "inherit" });
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is missing: run apt-get update && apt-get install -y chromium`);
}

describe("the HTML report", () => {
  it("has every chart and table", () => {
    for (const id of ["headline", "summary", "differences", "losses", "money", "pressure", "fatigue", "funnel", "suppressions", "coverage", "programs"]) {
      expect(html, id).toContain(`<section id="${id}">`);
    }
    const section = (id: string) => html.slice(html.indexOf(`<section id="${id}">`), html.indexOf("</section>", html.indexOf(`<section id="${id}">`)));
    const svgs = (id: string) => (section(id).match(/<svg(?![^>]*aria-hidden)/g) ?? []).length; // charts, not the keys' line samples
    expect(svgs("money")).toBe(3); // incremental revenue, cost, ROI
    expect(svgs("pressure")).toBeGreaterThanOrEqual(2); // contacts per customer-week, daily contacts by channel
    expect(svgs("fatigue")).toBe(3); // unsubscribes, complaints, disengaged
    expect(svgs("funnel")).toBe(1);
    expect(section("suppressions")).toContain("<figure"); // bars and their legend of kinds
    expect(svgs("coverage")).toBe(3); // one matrix per plan
    for (const stage of ["prospect", "new", "regular", "lapsing", "churned", "joined"]) expect(section("coverage")).toMatch(new RegExp(`>${stage}( \\([\\d,]+\\))?<`));
    for (const p of ["welcome", "abandoned-cart", "reactivation", "newsletter"]) expect(section("coverage")).toContain(`>${p}<`);
    for (const step of ["sent", "delivered", "opened", "clicked", "converted"]) expect(section("funnel")).toContain(`>${step}<`);
    // 'converted' is the summary's conversions: purchases the messages brought, with or without a click (it
    // said 'orders attributed to a click'); the organic orders credited to them are in the programs table
    expect(section("funnel")).toContain("converted (purchases the messages brought, caused or pulled forward, after a click or not; not the organic orders");
    expect(section("funnel")).toContain(`(${n0.format(c.plans[0].detail.summary.conversions)})`);
    // the headline's pressure sentence gives the 4-week mean as the summary table does (it said 2.7 above 2.66)
    const mean4 = c.plans[0].metrics.contactsPer4WeeksMean!.mean.toFixed(2);
    expect(section("headline")).toContain(`over 4 weeks a customer gets ${mean4} contacts on average`);
    expect(section("summary")).toContain(`<td>contacts per customer over 4 weeks, mean</td><td>${mean4}<span`);
    expect(section("suppressions")).toContain(">pressure: two-a-week<");
    // one chart per plan: a plan without rules has no pressure rows
    const ofPlan = (name: string) => section("suppressions").split("<h3>").find((x) => x.startsWith(name))!;
    expect(ofPlan("lifecycle <small>(no pressure rules)</small>")).not.toContain(">pressure: ");
    expect(ofPlan("lifecycle-capped")).toContain(">pressure: one-a-day<");
    expect(section("suppressions")).toContain("batch-and-blast, lifecycle have no pressure rules");
    expect(section("summary")).toContain("incremental margin (EUR)");
  });

  it("carries no chart warning, even for a run of a few days", () => {
    // Plot draws a "⚠️ 1 warning. Please check the console." mark into a chart it has doubts about: on a
    // 10-day run the lines' implicit series (z) looked like too many, and the report showed the glyph
    const short = renderReport(comparePlans(plans.slice(0, 2), { customers: 300, days: 10, replications: 2, seed: 1 }));
    expect(short).toContain("<svg");
    expect(short).not.toContain("Please check the console");
    expect(html).not.toContain("Please check the console");
  });

  it("names every chart for a screen reader (aria-label; Plot's 15 px legend swatches and the keys' hidden line samples aside) (regression)", () => {
    const charts = (html.match(/<svg[^>]*>/g) ?? []).filter((t) => !/height="15" width="15"|aria-hidden="true"/.test(t));
    expect(charts.length).toBeGreaterThan(10);
    expect(charts.filter((t) => !/aria-label="[^"]+"/.test(t))).toEqual([]);
  });

  it("gives, in the text alternative of each chart whose figures no table holds, every figure it draws (regression)", () => {
    // funnel shares, suppressions by rule and coverage shares were drawn only: a screen reader heard the
    // charts' names ("reach funnel: sent, delivered, opened, clicked, converted, per plan") and no figure
    interface El { getAttribute(name: string): string | null; textContent: string | null; querySelector(s: string): El | null; querySelectorAll(s: string): Iterable<El> }
    const { document } = parseHTML(`<!doctype html><html><body>${html}</body></html>`) as unknown as { document: El };
    const charts = ["funnel", "suppressions", "coverage"].flatMap((id) => [...document.querySelectorAll(`#${id} svg[aria-label]`)]).filter((svg) => svg.querySelector('g[aria-label="text"]'));
    expect(charts.length).toBe(1 + 2 + 3); // the funnel, the suppressions of the two plans that had any, a matrix per plan
    for (const svg of charts) {
      const label = svg.getAttribute("aria-label")!, drawn = [...svg.querySelectorAll('g[aria-label="text"] text')].map((t) => t.textContent!).filter((t) => t !== "–");
      expect(drawn.length).toBeGreaterThan(0);
      expect(drawn.filter((t) => !label.includes(t)), label.slice(0, 60)).toEqual([]);
    }
  });

  it("is self-contained: no script, no external reference", () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/(src|href)\s*=\s*"(https?:)?\/\//i);
    expect(html).not.toMatch(/@import|url\(\s*["']?https?:/i);
  });

  it("opens in headless Chromium without any network request, and renders the charts", async () => {
    ensureChromium();
    const dir = mkdtempSync(join(tmpdir(), "cadence-report-"));
    writeFileSync(join(dir, "report.html"), html);
    const r = await screenshot(join(dir, "report.html"), join(dir, "report.png"));
    expect(r.requests).toEqual([]);
    expect(r.errors).toEqual([]);
    expect(r.height).toBeGreaterThan(3000);
    expect(statSync(join(dir, "report.png")).size).toBeGreaterThan(50_000);
  });

  it("fits an 800 px window: the wide programs tables scroll in their own box (regression)", async () => {
    // their eleven columns took ≈ 1,044 px and the whole page scrolled sideways
    ensureChromium();
    const dir = mkdtempSync(join(tmpdir(), "cadence-report-800-"));
    writeFileSync(join(dir, "report.html"), html);
    const r = await screenshot(join(dir, "report.html"), join(dir, "report.png"), 800);
    expect(r.scrollWidth).toBeLessThanOrEqual(800);
    // and they say what their money is, and that orders and revenue are attributed, as simulate's table does
    expect(html).toContain("<th>attributed orders</th><th>attributed revenue (EUR)</th><th>message cost (EUR)</th>");
  }, 60_000);

  it("the CLI writes the report with --report", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "cadence-compare-")), "sub", "r.html");
    const log = console.log;
    console.log = () => {};
    try {
      expect(await main(["compare", "scenarios/lifecycle.yaml", "--customers", "600", "--days", "21", "--replications", "1", "--report", file])).toBe(0);
    } finally {
      console.log = log;
    }
    expect(readFileSync(file, "utf8")).toContain("Moments of truth");
  });
});
