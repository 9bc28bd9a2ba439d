/**
 * Opens an HTML file in headless Chromium with every network request refused, and takes a full-page
 * screenshot. Returns what the page tried to fetch (a self-contained report fetches nothing).
 * `deno run -A engine/report/screenshot.ts report.html report.png`
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";

export async function screenshot(html: string, png: string, width = 1100): Promise<{ requests: string[]; errors: string[]; height: number; scrollWidth: number }> {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: install it with apt-get update && apt-get install -y chromium`);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
  try {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    const requests: string[] = [], errors: string[] = [];
    const url = pathToFileURL(resolve(html)).href;
    await page.route("**/*", (route) => {
      const u = route.request().url();
      if (u === url) return route.continue();
      requests.push(u);
      return route.abort();
    });
    page.on("pageerror", (e) => errors.push(String(e)));
    page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
    await page.goto(url, { waitUntil: "load" });
    const height = Number(await page.evaluate("document.documentElement.scrollHeight"));
    // wider than the viewport means a horizontal scroll bar: something overflows
    const scrollWidth = Number(await page.evaluate("document.documentElement.scrollWidth"));
    await page.screenshot({ path: png, fullPage: true });
    return { requests, errors, height, scrollWidth };
  } finally {
    await browser.close();
  }
}

if (import.meta.main) {
  const [html, png] = Deno.args;
  const r = await screenshot(html, png ?? html.replace(/\.html?$/, ".png"));
  console.log(JSON.stringify(r));
}
