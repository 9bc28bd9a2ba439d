/**
 * The report as a strategist reads it, in Chromium: on a phone (390 px), printed on A4 (in black and
 * white too), and for a plan whose plan and program names are long. Layout is the browser's, so those
 * tests measure the rendered page, not the HTML text.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { type Browser, chromium, type Page } from "playwright-core";
import { parseHTML } from "linkedom";
import { loadPlan, parsePlan } from "../../engine/plan/load.ts";
import { comparePlans } from "../../engine/compare/compare.ts";
import { renderReport } from "../../engine/report/report.ts";
import { CHROMIUM } from "../../engine/report/screenshot.ts";
import { frontierSvg, sweep } from "../../engine/sweep/sweep.ts";
import { sweepPage } from "../../engine/sweep/sweep-page.ts";

const plans = ["batch-and-blast", "lifecycle", "lifecycle-capped"].map((n) => loadPlan(`scenarios/${n}.yaml`));
const report = renderReport(comparePlans(plans, { customers: 1500, days: 90, replications: 2, seed: 5 }));
// A4 less the print stylesheet's 12 mm margins: 186 mm at 96 px to the inch
const A4_WIDTH = Math.floor((186 / 25.4) * 96);

let browser: Browser;
beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is missing: run apt-get update && apt-get install -y chromium`);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"] });
});
afterAll(() => browser?.close());

/** A page showing `html` at `width` px, on screen or as printed. */
async function open(html: string, width: number, media: "screen" | "print" = "screen"): Promise<Page> {
  const file = join(mkdtempSync(join(tmpdir(), "cadence-reading-")), "report.html");
  writeFileSync(file, html);
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  await page.emulateMedia({ media });
  await page.goto(pathToFileURL(file).href, { waitUntil: "load" });
  return page;
}

describe("the report on a phone, 390 px wide", () => {
  it("does not scroll sideways, and every table row shows its label and a figure (regression)", async () => {
    // the section menu's links, written with nothing between them, made one word 419 px wide; and the
    // tables' labels, kept on one line, filled the screen: every figure sat out of sight to their right
    const page = await open(report, 390);
    const r = await page.evaluate(`(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      hidden: [...document.querySelectorAll("table.summary tr")].filter((tr) => tr.cells.length > 1 && tr.cells[0].tagName === "TD").flatMap((tr) => {
        const label = tr.cells[0].getBoundingClientRect(), figure = tr.cells[1].getBoundingClientRect();
        return label.left >= 0 && figure.right <= innerWidth ? [] : [tr.cells[0].textContent + ": " + Math.round(figure.right) + " px"];
      }),
      rows: document.querySelectorAll("table.summary tr").length,
    }))()`) as { scrollWidth: number; hidden: string[]; rows: number };
    await page.close();
    expect(r.scrollWidth).toBeLessThanOrEqual(390);
    expect(r.rows).toBeGreaterThan(50); // headline, summary and differences
    expect(r.hidden).toEqual([]);
  }, 60_000);
});

describe("the report printed on A4", () => {
  it("cuts no table, repeats a table's header on each page, and splits no chart, row or matrix across pages (regression)", async () => {
    // printed, each table's scroll box showed what fitted and cut the rest: the programs tables lost their
    // attributed revenue and cost, the summary its no-plan column; a chart could start on one page and end on the next
    const page = await open(report, A4_WIDTH, "print");
    const r = await page.evaluate(`(() => {
      const all = [...document.querySelectorAll("body *")];
      const style = (e) => getComputedStyle(e);
      return {
        scrollWidth: document.documentElement.scrollWidth,
        // a box that hides what does not fit (on paper nobody can scroll it)
        cut: all.filter((e) => style(e).overflowX !== "visible" && e.scrollWidth > e.clientWidth + 1).map((e) => e.tagName + "." + e.className),
        outside: [...document.querySelectorAll("td, th")].filter((e) => e.getBoundingClientRect().right > ${A4_WIDTH} + 1).length,
        noHeader: [...document.querySelectorAll("table")].filter((t) => !t.tHead).length,
        splittable: [...document.querySelectorAll("svg, figure, tr, .matrix, .verdict")].filter((e) => style(e).breakInside !== "avoid").length,
        loneHeadings: [...document.querySelectorAll("h2, h3")].filter((e) => style(e).breakAfter !== "avoid").map((e) => e.textContent),
        tables: document.querySelectorAll("table").length,
      };
    })()`) as { scrollWidth: number; cut: string[]; outside: number; noHeader: number; splittable: number; loneHeadings: string[]; tables: number };
    await page.close();
    expect(r.scrollWidth).toBeLessThanOrEqual(A4_WIDTH);
    expect(r.cut).toEqual([]);
    expect(r.outside).toBe(0);
    expect(r.tables).toBeGreaterThanOrEqual(8);
    expect(r.noHeader).toBe(0);
    expect(r.splittable).toBe(0);
    expect(r.loneHeadings).toEqual([]);
  }, 60_000);
});

describe("the sweep's page printed on A4", () => {
  it("cuts no column of its tables (regression)", async () => {
    // its table cells kept their screen size in print, and the ROI column ran off the page
    const r = sweep(plans[2], [{ path: "pressure.rules.two-a-week.cap", values: [1, 3] }], { customers: 1500, days: 30, seed: 1, replications: 2 });
    const page = await open(sweepPage(r, "lifecycle-capped", frontierSvg(r), "EUR"), A4_WIDTH, "print");
    const r2 = await page.evaluate(`(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      outside: [...document.querySelectorAll("td, th")].filter((e) => e.getBoundingClientRect().right > ${A4_WIDTH} + 1).map((e) => e.textContent),
      cells: document.querySelectorAll("td").length,
    }))()`) as { scrollWidth: number; outside: string[]; cells: number };
    await page.close();
    expect(r2.cells).toBeGreaterThan(30);
    expect(r2.outside).toEqual([]);
    expect(r2.scrollWidth).toBeLessThanOrEqual(A4_WIDTH);
  }, 60_000);
});

describe("the report printed in black and white", () => {
  interface El { tagName: string; getAttribute(name: string): string | null; textContent: string | null; querySelectorAll(s: string): Iterable<El>; closest(s: string): El | null }
  const { document } = parseHTML(`<!doctype html><html><body>${report}</body></html>`) as unknown as { document: El & { getElementById(id: string): El } };
  /** Each line chart of a section with the key above it: the key's names and dash patterns, by colour, and the lines drawn, as "name: dash". */
  const charts = (id: string) => {
    let key = new Map<string, string>();
    return [...document.getElementById(id).querySelectorAll(".key, svg[aria-label]")].flatMap((e) => {
      if (e.tagName === "P") {
        key = new Map([...e.querySelectorAll(".key > span")].map((k) => {
          const line = [...k.querySelectorAll("line")][0];
          return [line.getAttribute("stroke")!, `${k.textContent}: ${line.getAttribute("stroke-dasharray")}`];
        }));
        return [];
      }
      const lines = [...e.querySelectorAll('g[aria-label="line"]')];
      if (!lines.length) return [];
      // each line group is one series: its colour, and its dash pattern (none: solid), on the group or,
      // in a chart of panels, on each panel's group around its path
      const drawn = lines.map((g) => [...new Set([...g.querySelectorAll("path")].map((path) => `${key.get(path.getAttribute("stroke")!)?.split(":")[0]}: ${path.closest("[stroke-dasharray]")?.getAttribute("stroke-dasharray") ?? "none"}`))].join(" | "));
      const panels = lines.map((g) => [...g.querySelectorAll("path")].length);
      return [{ label: e.getAttribute("aria-label")!, key: [...key.values()], drawn, panels }];
    });
  };

  it("tells the plans' lines apart by their dash patterns as well as their colours, and its keys show both (regression)", () => {
    // the pressure and fatigue charts told plans apart by colour alone: printed grey, blue and green were one
    for (const id of ["pressure", "fatigue"]) {
      const plans = charts(id).filter((x) => !x.label.startsWith("daily contacts"));
      expect(plans.length, id).toBe(id === "pressure" ? 1 : 3);
      for (const { key, drawn } of plans) {
        expect(drawn, id).toEqual(key);
        expect(new Set(drawn.filter((d) => !d.startsWith("no plan")).map((d) => d.split(": ")[1])).size, id).toBe(3);
      }
    }
  });

  it("tells the channels' lines apart by their dash patterns as well as their colours, and the daily chart's key shows both (regression)", () => {
    // daily contacts by channel told e-mail, SMS and push apart by colour alone (Plot's colour legend)
    const [daily] = charts("pressure").filter((x) => x.label.startsWith("daily contacts"));
    expect(daily.key).toEqual(["email: none", "sms: 8,4", "push: 2,3"]);
    // every channel's line in its key's colour and dash, in each plan's panel
    expect(daily.drawn).toEqual(daily.key);
    expect(daily.panels).toEqual([3, 3, 3]);
  });
});

describe("the report of a plan with long names", () => {
  // the template library's programs renamed, and a plan name of 63 characters
  const LONG = ["welcome-journey-for-newly-registered-prospects-in-all-regions", "abandoned-cart-recovery-sequence-email-then-sms-then-push", "reactivation-win-back-for-lapsing-customers-after-ninety-days"];
  const long = parsePlan(
    `name: lifecycle-with-a-rather-long-plan-name-for-the-spring-season
channels: { email: {}, sms: {}, push: {} }
pressure:
  rules:
    - { name: no-more-than-two-contacts-of-any-kind-in-a-rolling-week, cap: 2, window: 7d }
programs:
  - { use: programs/welcome, id: ${LONG[0]} }
  - { use: programs/abandoned-cart, id: ${LONG[1]} }
  - { use: programs/reactivation, id: ${LONG[2]} }
  - use: programs/newsletter
`,
    "scenarios/long-names.yaml",
  );
  const html = renderReport(comparePlans([long, plans[0]], { customers: 1500, days: 60, replications: 2, seed: 5 }));

  it("keeps every chart's text inside its chart, names shortened in their middle, and the programs table in the page (regression)", async () => {
    // the interval charts, the coverage matrix and the suppressions' rules cut a name at the chart's left
    // edge, the facets and the weekly chart's line ends at its right one, with the plan's total after the name
    const page = await open(html, 1400);
    const r = await page.evaluate(`(() => {
      const cut = [...document.querySelectorAll("body > section svg")].filter((svg) => svg.getAttribute("aria-label")).flatMap((svg) => {
        const box = svg.getBoundingClientRect();
        return [...svg.querySelectorAll("text")].filter((t) => { const b = t.getBoundingClientRect(); return b.width && (b.left < box.left - 1 || b.right > box.right + 1); }).map((t) => t.textContent);
      });
      const own = (t) => [...t.childNodes].filter((n) => n.nodeType === Node.TEXT_NODE).map((n) => n.nodeValue).join("");
      const shortened = [...document.querySelectorAll("svg text")].filter((t) => own(t).includes("…")).map((t) => own(t) + " | " + (t.querySelector("title")?.textContent ?? ""));
      const programs = [...document.querySelectorAll("table.programs")].map((t) => t.parentElement.scrollWidth - t.parentElement.clientWidth);
      return { cut, shortened, programs };
    })()`) as { cut: string[]; shortened: string[]; programs: number[] };
    await page.close();
    expect(r.cut).toEqual([]);
    // shortened, a name keeps both ends, the whole of it in its tooltip; the weekly chart's total stays
    expect(r.shortened.length).toBeGreaterThan(5);
    for (const s of r.shortened) expect(s).toMatch(/^(welc|aban|reac|life|pres).*….*\| (welcome|abandoned|reactivation|lifecycle|pressure: no-more)/);
    expect(r.shortened.some((s) => /….*season: \d+ \| lifecycle-with-a-rather-long-plan-name-for-the-spring-season: \d+$/.test(s))).toBe(true);
    expect(r.programs).toEqual([0, 0]);
  }, 60_000);
});
