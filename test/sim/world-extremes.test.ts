/**
 * The edges of the world's ranges (engine/plan/world-ranges.ts): a world with every number at the end
 * of its range that the model allows runs to figures a reader can use. Every output (the summary's
 * JSON, the run's CSV files, the comparison's report and CSV) holds finite numbers: no NaN, no Infinity,
 * no null where a figure belongs. Before the ranges, `spend.scale: 1e300` wrote a revenue of null and
 * `visitsPerPurchase: 1e300` ran 49 million events for a 1,000-customer plan.
 */
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadPlan } from "../../engine/plan/load.ts";
import { rangeOf, SCALE_LIMITS } from "../../engine/plan/world-ranges.ts";
import { runPlan } from "../../engine/sim/run.ts";
import { writeRun } from "../../engine/sim/output.ts";
import { checkWorldOption } from "../../engine/sim/world-option.ts";
import { DEFAULT_WORLD, type WorldModel } from "../../engine/sim/world-model.ts";
import { comparePlans } from "../../engine/compare/compare.ts";
import { renderReport } from "../../engine/report/report.ts";
import { compareCsv } from "../../engine/report/compare-csv.ts";

type Obj = Record<string, unknown>;

/** DEFAULT_WORLD with every number but the shares replaced by `end(range)`, read from the range table. */
function atEnds(end: (g: ReturnType<typeof rangeOf>) => number): WorldModel {
  const walk = (v: unknown, pattern: string): unknown => {
    if (typeof v === "number") {
      const g = rangeOf(pattern);
      return g.min === 0 && g.max === 1 ? v : end(g); // shares at 0 or 1 silence a channel: kept
    }
    if (Array.isArray(v)) {
      if (pattern.startsWith("seasonality.") && pattern !== "seasonality.peaks") return v.map(() => end(rangeOf(pattern)));
      return v; // time zones, peaks (their factors below), consents (shares)
    }
    const o = v as Obj;
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, walk(x, pattern ? `${pattern}.${k}` : k)]));
  };
  const w = walk(DEFAULT_WORLD, "") as WorldModel;
  w.channels = DEFAULT_WORLD.channels.map((c) => walk(c, "channels.*") as WorldModel["channels"][number]);
  w.seasonality.peaks = DEFAULT_WORLD.seasonality.peaks.map((p) => ({ ...p, factor: end(rangeOf("seasonality.peaks.factor")) }));
  w.reputation.lagDays = DEFAULT_WORLD.reputation.lagDays;
  return w;
}

const plan = loadPlan("scenarios/lifecycle.yaml");
const o = { customers: 1000, days: 28, seed: 3, cache: "off" as const };

// every number at its maximum, the rates and the order value at the limits that bind several fields
const highest = atEnds((g) => g.max);
highest.purchase = { r: 70, alpha: 100, a: 1000, b: 1000 }; // 0.7 a week × prospectRateFactor 10: 7
highest.visitsPerPurchase = 9; // 7 × 9 + baseVisitsPerWeek 7 = 70 a week
highest.baseVisitsPerWeek = 7;
highest.spend = { p: 1000, q: 1000, gamma: 0.999, scale: 10_000_000 }; // mean 10,000,000
// every number at its minimum, or next to it where the range excludes it
const lowest = atEnds((g) => g.above ? g.min + Math.max(Number.MIN_VALUE, g.min * Number.EPSILON) : g.min);
lowest.seasonality = DEFAULT_WORLD.seasonality; // weights of 0 everywhere have no year to normalise over

/** Every number-like cell or value that is not a finite number. */
function unreadable(text: string): string[] {
  return [...text.matchAll(/(?<![\w-])(NaN|-?Infinity|null)(?![\w-])/g)].map((m) => text.slice(Math.max(0, m.index! - 60), m.index! + 20));
}

describe("worlds at the ends of their ranges", () => {
  it("are valid worlds: the ends are inside the ranges and the limits", () => {
    expect(checkWorldOption(highest)).toBe(highest);
    expect(checkWorldOption(lowest)).toBe(lowest);
    expect(highest.purchase.r / highest.purchase.alpha * highest.prospectRateFactor).toBeCloseTo(SCALE_LIMITS.purchasesPerWeek, 9);
  });

  for (const [name, world] of [["highest", highest], ["lowest", lowest]] as const) {
    it(`run to finite figures in every output: ${name}`, () => {
      const r = runPlan(plan, { ...o, world, record: true });
      const s = r.summary;
      for (const k of ["revenue", "baselineRevenue", "incrementalRevenue", "attributedRevenue", "cost", "margin", "incrementalMargin"] as const) {
        expect(Number.isFinite(s[k]), `${k} ${s[k]}`).toBe(true);
      }
      const json = JSON.stringify(s);
      // roi is null, 'n/a', when nothing was spent (docs/outputs.md); every other figure is a number
      expect(unreadable(s.cost > 0 ? json : json.replace('"roi":null', '"roi":0'))).toEqual([]);
      const dir = mkdtempSync(join(tmpdir(), `cadence-extremes-${name}-`));
      writeRun(r, dir);
      for (const f of readdirSync(dir).filter((f) => f.endsWith(".csv") || f.endsWith(".json"))) {
        expect(unreadable(readFileSync(join(dir, f), "utf8")), f).toEqual([]);
      }
    });
  }

  it("the highest world's revenue is of its order values: 10 million a purchase on average", () => {
    const s = runPlan(plan, { ...o, world: highest }).summary;
    expect(s.purchases).toBeGreaterThan(0);
    const perPurchase = s.revenue / s.purchases;
    expect(perPurchase).toBeGreaterThan(5_000_000); // discounts and Gamma draws around the mean
    expect(perPurchase).toBeLessThan(15_000_000);
  });

  it("compare's report and CSV hold no NaN or Infinity in the highest world", () => {
    const c = comparePlans([plan], { ...o, replications: 2, world: highest });
    const html = renderReport(c);
    expect(html.match(/NaN|Infinity/g)).toBeNull();
    const dir = mkdtempSync(join(tmpdir(), "cadence-extremes-compare-"));
    for (const file of compareCsv(c, dir)) expect(unreadable(readFileSync(file, "utf8")), file).toEqual([]);
  });
});
