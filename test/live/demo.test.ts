/**
 * `cadence live-demo --json` and `cadence live-report`, run as the user runs them: forecast, approval,
 * promotion, a simulated reality with another seed replayed through the API, forecast vs actual.
 */
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { tempDb } from "./live-helpers.ts";

async function cadence(...args: string[]) {
  const out = await new Deno.Command("./node_modules/.bin/deno", { args: ["run", "-A", "engine/cli/main.ts", ...args], stdout: "piped", stderr: "piped" }).output();
  return { code: out.code, stdout: new TextDecoder().decode(out.stdout), stderr: new TextDecoder().decode(out.stderr) };
}

describe("live demo and report", () => {
  it("prints one JSON object with forecast, actual and inside for each compared metric; the report reads the same database", async () => {
    const db = tempDb("demo");
    const r = await cadence("live-demo", "--json", "--customers", "1500", "--days", "30", "--db", db);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.metrics.map((m: { name: string }) => m.name)).toEqual(["contacts", "reach", "unsubscribes", "complaints", "conversions", "incrementalRevenue"]);
    for (const m of out.metrics) {
      expect(m.forecast.lo).toBeLessThanOrEqual(m.forecast.mean);
      expect(m.forecast.mean).toBeLessThanOrEqual(m.forecast.hi);
      expect(typeof m.inside).toBe("boolean");
    }
    const contacts = out.metrics[0];
    // the reality is the same plan on another seed: its contacts fall inside the forecast's interval
    expect(contacts.actual).toBeGreaterThan(500);
    expect(contacts.inside).toBe(true);
    expect(out.population.treated + out.population.control).toBe(1500);
    expect(out.population.control).toBeGreaterThan(200);
    const html = db.replace(/cadence\.sqlite$/, "report.html");
    const rep = await cadence("live-report", "--db", db, "--out", html);
    expect(rep.stdout).toMatch(/^wrote .*report\.html: \d of 6 metrics inside the forecast/);
    const page = readFileSync(html, "utf8");
    expect(page).toContain("Forecast vs actual — lifecycle");
    expect(page.match(/<svg /g)!.length).toBe(6);
    // words and currency, not the field's name; header cells; the actual's own interval explained
    expect(page).toContain("<th>incremental revenue (EUR; treated − control)</th>");
    expect(page).not.toContain(">incrementalRevenue<");
    expect(page).toContain("<thead><tr><th>metric</th><th>forecast</th>");
    expect(page).toContain("the line under the dot");
    const json = JSON.parse((await cadence("live-report", "--db", db, "--json")).stdout);
    expect(json.metrics[0].actual).toBe(contacts.actual);
    const bad = await cadence("live-report", "--db", db, "--plan", "9");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--plan: plan 9 was never promoted; promoted plans: 1");
  });
});
