import { describe, expect, it } from "vitest";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { parseHTML } from "linkedom";
import { chromium } from "playwright-core";
import { loadPlan } from "../../engine/plan/load.ts";
import { comparePlans } from "../../engine/compare/compare.ts";
import { renderReport } from "../../engine/report/report.ts";
import { leftOverTimeChart, tradeoffChart, wholeTicks } from "../../engine/report/losses-charts.ts";
import { CHROMIUM } from "../../engine/report/screenshot.ts";

const plans = ["batch-and-blast", "lifecycle", "lifecycle-capped"].map((n) => loadPlan(`scenarios/${n}.yaml`));
const c = comparePlans(plans, { customers: 1500, days: 90, replications: 2, seed: 5 });
const names = c.plans.map((p) => p.name); // batch-and-blast, lifecycle, lifecycle-capped, no plan

// deno-lint-ignore no-explicit-any
type El = any;
const svgOf = (html: string): El => (parseHTML(`<!doctype html><html><body>${html}</body></html>`) as unknown as { document: El }).document.querySelector("svg");

/** An axis's pixel → value mapping, read from its first and last tick labels (1,000 and -500 as the tables write them). */
function axisOf(svg: El, which: "x" | "y") {
  const ticks = [...svg.querySelectorAll(`g[aria-label="${which}-axis tick label"] text`)].map((t: El) => {
    const [tx, ty] = t.getAttribute("transform").match(/translate\(([-\d.e]+),([-\d.e]+)\)/).slice(1).map(Number);
    return { px: which === "x" ? tx : ty, v: Number(t.textContent.replace(/,/g, "")) };
  });
  const a = ticks[0], b = ticks.at(-1)!;
  return { value: (px: number) => a.v + ((px - a.px) * (b.v - a.v)) / (b.px - a.px), span: Math.abs(b.v - a.v), labels: ticks.map((t: { v: number }) => t.v) };
}

/** Each dot's figures, read back from its position on the axes, by the plan its tooltip names. */
function dotsOf(svg: El) {
  const x = axisOf(svg, "x"), y = axisOf(svg, "y");
  return Object.fromEntries([...svg.querySelectorAll('g[aria-label="dot"] circle')].map((d: El) => [
    d.querySelector("title").textContent.split(":")[0],
    { x: x.value(Number(d.getAttribute("cx"))), y: y.value(Number(d.getAttribute("cy"))), title: d.querySelector("title").textContent },
  ]));
}

/** Text a reader or a screen reader meets: tick labels, names, tooltips and the aria-labels. */
const textsOf = (html: string) => [...html.matchAll(/>([^<>]+)</g)].map((m) => m[1]).concat([...html.matchAll(/aria-label="([^"]*)"/g)].map((m) => m[1]));
const BAD = /NaN|undefined|Infinity|(^|[^\w\d-])[-−]0(?![\d.,])/;

describe("margin against customers lost", () => {
  it("puts each plan at its mean incremental margin and unsubscribes, the baseline at the origin, named, with its interval in both directions", () => {
    const svg = svgOf(tradeoffChart(c, "unsubscribes"));
    const dots = dotsOf(svg), x = axisOf(svg, "x"), y = axisOf(svg, "y");
    expect(Object.keys(dots)).toEqual(names);
    for (const p of c.plans) {
      expect(Math.abs(dots[p.name].x - p.metrics.unsubscribes!.mean)).toBeLessThan(x.span * 1e-9);
      expect(Math.abs(dots[p.name].y - p.metrics.incrementalMargin!.mean)).toBeLessThan(y.span * 1e-9);
    }
    expect(dots["no plan"]).toMatchObject({ x: 0, y: 0 });
    // batch-and-blast loses money for the most unsubscribes on these seeds: bottom right
    expect(c.plans[0].metrics.incrementalMargin!.mean).toBeLessThan(0);
    expect(c.plans[0].metrics.unsubscribes!.mean).toBe(18);
    // names beside the dots
    const labels = [...svg.querySelectorAll('g[aria-label="text"] text')].map((t: El) => t.textContent).sort();
    expect(labels).toEqual([...names].sort());
    // each plan's interval: a horizontal line over its unsubscribes' interval, a vertical one over its margin's
    const links = [...svg.querySelectorAll('g[aria-label="link"] path')].map((l: El) => l.getAttribute("d"));
    expect(links).toHaveLength(2 * 3); // the baseline has none: the same in every seed
    const ends = (d: string) => d.match(/[-\d.e]+/g)!.map(Number); // M x1,y1 L x2,y2 (or a curve's control points)
    const horizontal = ends(links[0]), vertical = ends(links[3]);
    // a path's points are written to 1/1000 px: a figure read back is within that of the interval's end
    const near = (v: number, want: number, span: number) => expect(Math.abs(v - want)).toBeLessThan(span * 1e-5);
    near(x.value(horizontal[0]), c.plans[0].metrics.unsubscribes!.lo!, x.span);
    near(x.value(horizontal.at(-2)!), c.plans[0].metrics.unsubscribes!.hi!, x.span);
    near(y.value(vertical[1]), c.plans[0].metrics.incrementalMargin!.lo!, y.span);
    near(y.value(vertical.at(-1)!), c.plans[0].metrics.incrementalMargin!.hi!, y.span);
    // the axes hold the whole intervals
    expect(Math.min(...y.labels)).toBeLessThanOrEqual(Math.min(...c.plans.map((p) => p.metrics.incrementalMargin!.lo!)));
    expect(Math.max(...x.labels)).toBeGreaterThanOrEqual(Math.max(...c.plans.map((p) => p.metrics.unsubscribes!.hi!)));
  });

  it("says every plan's figures in its text alternative, as the tables write them (thousands, currency)", () => {
    const svg = svgOf(tradeoffChart(c, "churned"));
    const label = svg.getAttribute("aria-label");
    const m = c.plans[1].metrics.incrementalMargin!, u = c.plans[1].metrics.churned!;
    const whole = (v: number) => Math.round(v).toLocaleString("en-US");
    expect(label).toContain(`lifecycle: ${whole(m.mean)} EUR incremental margin (95 % interval ${whole(m.lo!)} to ${whole(m.hi!)}), 3 customers who left (95 % interval 0 to 28)`);
    expect(u).toMatchObject({ mean: 3, lo: 0 });
    expect(u.hi).toBeCloseTo(28.41, 2);
    expect(label).toMatch(/^Incremental margin \(EUR\) against customers who left, per plan: /);
    expect(label).toContain("no plan: the baseline, at the origin");
    expect(whole(m.hi!)).toMatch(/^\d,\d{3}$/); // 2,241: a thousands separator
    expect(dotsOf(svg)["lifecycle-capped"].x).toBeCloseTo(1.5, 9);
    for (const t of textsOf(tradeoffChart(c, "churned"))) expect(t).not.toMatch(BAD);
  });

  it("writes each plan's losses and their intervals as the summary table does, to the digit", () => {
    // a report whose means are fractions: the chart said 4.7 customers who left (0.9 to 8.5) where the
    // summary's "churned by fatigue" said 5 (1 to 8), and its line ended at "lifecycle: 4.7"
    const three = comparePlans(plans.slice(1), { customers: 3000, days: 90, replications: 3, seed: 1 });
    const doc = (parseHTML(renderReport(three)) as unknown as { document: El }).document;
    const row = (label: string) => [...doc.querySelectorAll("#summary tr")].find((r: El) => r.querySelector("td")?.textContent === label);
    const cellText = (label: string, i: number) => {
      const td = row(label).querySelectorAll("td")[i + 1], ci = td.querySelector(".ci")?.textContent;
      return { mean: td.firstChild.textContent, ci: ci ? ` (95 % interval ${ci})` : "" };
    };
    const figures = [...doc.querySelectorAll("#losses svg[aria-label]")].map((s: El) => s.getAttribute("aria-label"));
    const lines = [...doc.querySelectorAll("#losses svg")][2];
    expect(three.plans[0].metrics.churned!.mean).toBeCloseTo(4.67, 2); // a fraction the summary rounds
    for (const [i, p] of three.plans.slice(0, 2).entries()) {
      const u = cellText("unsubscribes", i), l = cellText("churned by fatigue", i);
      expect(figures[0]).toContain(`${p.name}: ${cellText("incremental margin (EUR)", i).mean} EUR incremental margin`);
      expect(figures[0]).toContain(`, ${u.mean} unsubscribes${u.ci}`);
      expect(figures[1]).toContain(`, ${l.mean} customers who left${l.ci}`);
      expect(figures[2]).toContain(`${p.name}: ${l.mean} by 2026-03-31`);
      const ends = [...lines.querySelectorAll('g[aria-label="text"] text')].map((t: El) => t.textContent);
      expect(ends).toContain(`${p.name}: ${l.mean}`);
    }
    expect(cellText("churned by fatigue", 0)).toEqual({ mean: "5", ci: " (95 % interval 1 to 8)" });
  });

  it("reads whole ticks", () => {
    expect(wholeTicks(-431, 785)).toEqual({ domain: [-500, 1000], ticks: [-500, 0, 500, 1000] });
    expect(wholeTicks(0, 0)).toEqual({ domain: [0, 1], ticks: [0, 1] }); // nobody lost: no tick at 0.2
  });
});

describe("customers who leave over time", () => {
  it("ends each plan's line at the summary's customers who left (mean over the seeds), the baseline at 0", () => {
    const html = leftOverTimeChart(c), svg = svgOf(html), y = axisOf(svg, "y");
    for (const p of c.plans) {
      const dots = [...svg.querySelectorAll('g[aria-label="dot"] circle')].filter((d: El) => d.querySelector("title").textContent.startsWith(`${p.name}:`));
      expect(dots).toHaveLength(13); // days 7, 14, …, 84 and the run's end, day 90
      expect(y.value(Number(dots.at(-1).getAttribute("cy")))).toBeCloseTo(p.metrics.churned!.mean, 9);
      expect(p.leftWeekly.at(-1)).toEqual({ day: 90, left: p.metrics.churned });
    }
    expect(c.plans.map((p) => p.metrics.churned!.mean)).toEqual([7, 3, 1.5, 0]);
    const ends = [...svg.querySelectorAll('g[aria-label="text"] text')].map((t: El) => t.textContent);
    expect(ends).toEqual(["batch-and-blast: 7", "lifecycle: 3", "lifecycle-capped: 2", "no plan: 0"]); // 1.5 as the summary rounds it
    expect(svg.getAttribute("aria-label")).toMatch(/^Customers who left the brand so far, by week \(mean of 2 seeds\): batch-and-blast: 7 by 2026-03-31, the most in one week [\d.]+ \(the week to 2026-\d\d-\d\d\); /);
    for (const t of textsOf(html)) expect(t).not.toMatch(BAD);
  });

  it("sums the engine's daily customers who left, week by week (one seed: the seed's own series)", () => {
    const one = comparePlans(plans.slice(0, 1), { customers: 1500, days: 90, replications: 1, seed: 5 });
    const daily = one.plans[0].detail.daily.left, sum = (n: number) => daily.slice(0, n).reduce((a, b) => a + b, 0);
    expect(one.plans[0].leftWeekly.map((w) => w.day)).toEqual([7, 14, 21, 28, 35, 42, 49, 56, 63, 70, 77, 84, 90]);
    expect(one.plans[0].leftWeekly.map((w) => w.left.mean)).toEqual(one.plans[0].leftWeekly.map((w) => sum(w.day)));
    expect(one.plans[0].leftWeekly.at(-1)!.left.mean).toBe(one.plans[0].detail.summary.churned);
    expect(one.plans[0].leftWeekly.at(-1)!.left.mean).toBe(8);
    // one replication: no intervals drawn, and the captions say so
    const body = renderReport(one);
    expect(body).toContain("one replication (seed 5): means only, no intervals");
    expect(svgOf(tradeoffChart(one, "unsubscribes")).querySelector('g[aria-label="link"]')).toBeNull();
    for (const t of textsOf(body.slice(body.indexOf('<section id="losses">'), body.indexOf('<section id="money">')))) expect(t).not.toMatch(BAD);
  });
});

describe("the section in a browser", () => {
  it("renders at 800 and 1,280 px without console errors or overflow, its labels inside their charts and apart", async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium is missing: run apt-get update && apt-get install -y chromium`);
    const file = join(mkdtempSync(join(tmpdir(), "cadence-losses-")), "report.html");
    writeFileSync(file, renderReport(c));
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"] });
    try {
      const page = await browser.newPage({ viewport: { width: 800, height: 900 } });
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(String(e)));
      page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
      await page.goto(pathToFileURL(file).href, { waitUntil: "load" });
      for (const width of [800, 1280]) {
        await page.setViewportSize({ width, height: 900 });
        const r = await page.evaluate(`(() => {
          const section = document.getElementById("losses");
          const charts = [...section.querySelectorAll("svg")].map((svg) => {
            const box = svg.getBoundingClientRect();
            const texts = [...svg.querySelectorAll('g[aria-label="text"] text')].map((t) => { const b = t.getBoundingClientRect(); return { text: t.textContent, l: b.left, r: b.right, t: b.top, b: b.bottom }; });
            const outside = texts.filter((t) => t.l < box.left - 1 || t.r > box.right + 1 || t.t < box.top - 1 || t.b > box.bottom + 1).map((t) => t.text);
            const overlapping = texts.flatMap((a, i) => texts.slice(i + 1).filter((b) => a.l < b.r && b.l < a.r && a.t < b.b && b.t < a.b).map((b) => a.text + " / " + b.text));
            return { width: box.width, outside, overlapping, font: parseFloat(getComputedStyle(svg).fontSize) * box.width / svg.viewBox.baseVal.width };
          });
          return { scrollWidth: document.documentElement.scrollWidth, sectionRight: section.getBoundingClientRect().right, charts };
        })()`) as { scrollWidth: number; sectionRight: number; charts: { width: number; outside: string[]; overlapping: string[]; font: number }[] };
        expect(errors, `${width}`).toEqual([]);
        expect(r.scrollWidth, `${width}`).toBeLessThanOrEqual(width);
        expect(r.charts).toHaveLength(3);
        for (const ch of r.charts) {
          expect(ch.outside, `${width}`).toEqual([]);
          expect(ch.overlapping, `${width}`).toEqual([]);
          expect(ch.font, `${width}: tick labels shrunk below 9 px`).toBeGreaterThanOrEqual(9);
        }
      }
    } finally {
      await browser.close();
    }
  }, 60_000);
});
