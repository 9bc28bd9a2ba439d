/**
 * The forecast-vs-actual page (`cadence live-report`) as a reader opens it: on a phone in Chromium, and
 * through a screen reader, which hears each row's strip by its text alternative.
 */
import { describe, expect, it } from "vitest";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import { renderLiveReport } from "../../engine/live/live-report.ts";
import { CHROMIUM } from "../../engine/report/screenshot.ts";

// the figures of a live-demo run (3,000 customers × 30 days, reality seed 2)
const report = {
  plan: { id: 1, name: "lifecycle", hash: "309f8280b20e8c748ba55cd4f59c58fc3d950f64be728228f0bc1b0c232bef1e", engine: "0.1.0", state: "live", currency: "EUR" },
  period: { from: "2026-01-01T00:00:00Z", to: "2026-01-31T00:00:00Z", days: 30, pausedDays: 0 },
  population: { treated: 2404, control: 596, forecastCustomers: 3000, forecastDays: 30 },
  metrics: [
    { name: "contacts" as const, forecast: { mean: 3338.62, lo: 3017, hi: 3660 }, actual: 3335, inside: true },
    { name: "unsubscribes" as const, forecast: { mean: 2.137, lo: 0, hi: 11 }, actual: 14, inside: false },
    { name: "incrementalRevenue" as const, forecast: { mean: 861.92, lo: -24.77, hi: 1748.62 }, actual: -2099.89, actualInterval: { lo: -9956.99, hi: 5757.2 }, inside: true },
  ],
};
const html = renderLiveReport(report);

describe("the live report", () => {
  it("gives each row's strip its figures in words, not only the metric's name (regression)", () => {
    const labels = [...html.matchAll(/<svg[^>]*aria-label="([^"]*)"/g)].map((m) => m[1]);
    expect(labels).toEqual([
      "contacts: forecast 3,339, 95 % prediction interval [3,017, 3,660]; actual 3,335, inside the forecast",
      "unsubscribes: forecast 2.1, 95 % prediction interval [0, 11]; actual 14, outside the forecast",
      "incremental revenue (EUR; treated − control): forecast 862, 95 % prediction interval [-25, 1,749]; actual -2,100 (its own 95 % interval [-9,957, 5,758]), inside the forecast",
    ]);
  });

  it("fits a phone's 390 px: the table scrolls in its own box, the page does not (regression)", async () => {
    // the strips (320 px each) and the unbroken content hash made the page 786 px wide
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium is missing: run apt-get update && apt-get install -y chromium`);
    const file = join(mkdtempSync(join(tmpdir(), "cadence-live-report-")), "live-report.html");
    writeFileSync(file, html);
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"] });
    try {
      const page = await browser.newPage({ viewport: { width: 390, height: 800 } });
      await page.goto(pathToFileURL(file).href, { waitUntil: "load" });
      const r = await page.evaluate(`(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        // each metric's name and forecast in view without scrolling
        hidden: [...document.querySelectorAll("tbody tr")].filter((tr) => tr.cells[1].getBoundingClientRect().right > innerWidth).length,
      }))()`) as { scrollWidth: number; hidden: number };
      expect(r.scrollWidth).toBeLessThanOrEqual(390);
      expect(r.hidden).toBe(0);
    } finally {
      await browser.close();
    }
  }, 60_000);
});
