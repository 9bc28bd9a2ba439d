/**
 * The world's range table (engine/plan/world-ranges.ts) against the world it bounds and the page that
 * explains it: every number of DEFAULT_WORLD has a range holding its default (no default is refused),
 * and docs/world-model.md, "Ranges", gives each range as the code has it.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { checkWorldNumber, rangeOf, rangeText, WORLD_RANGES, worldScaleProblems } from "../../engine/plan/world-ranges.ts";
import { DEFAULT_WORLD } from "../../engine/sim/world-model.ts";
import { Reporter } from "../../engine/plan/errors.ts";

/** Every number of the default world: [range pattern, path, value]. */
function numbers(): [string, string, number][] {
  const out: [string, string, number][] = [];
  const walk = (v: unknown, pattern: string, path: string) => {
    if (typeof v === "number") out.push([pattern, path, v]);
    else if (Array.isArray(v)) {
      if (pattern === "timezones") v.forEach((z, i) => out.push(["timezones.share", `${path}[${i}][1]`, z[1]]));
      else if (pattern === "seasonality.peaks") v.forEach((p, i) => out.push(["seasonality.peaks.factor", `${path}[${i}].factor`, p.factor]));
      else if (pattern === "consents" || pattern === "channels") v.forEach((x, i) => walk(x, `${pattern}.*`, `${path}[${i}]`));
      else v.forEach((x, i) => out.push([pattern, `${path}[${i}]`, x]));
    } else for (const [k, x] of Object.entries(v as object)) walk(x, pattern ? `${pattern}.${k}` : k, path ? `${path}.${k}` : k);
  };
  walk(DEFAULT_WORLD, "", "");
  return out;
}

describe("the world's ranges", () => {
  it("hold every default: a range for each number of the world, and the default inside it", () => {
    const all = numbers();
    expect(all.length).toBeGreaterThan(150); // 5 channels × 13 figures, 43 weights, the priors…
    const refused = all.filter(([pattern, , v]) => {
      const r = new Reporter("world.json");
      checkWorldNumber(r, v, [], rangeOf(pattern));
      return !r.ok;
    });
    expect(refused).toEqual([]);
    expect(worldScaleProblems(DEFAULT_WORLD, true)).toEqual([]);
    // and the table holds nothing the world lacks
    const used = new Set(all.map(([p]) => p));
    expect(Object.keys(WORLD_RANGES).filter((p) => !used.has(p))).toEqual([]);
  });

  it("are given in docs/world-model.md, \"Ranges\", as the code has them", () => {
    const page = readFileSync("docs/world-model.md", "utf8");
    const section = page.slice(page.indexOf("## Ranges"), page.indexOf("## Calibration table"));
    const rows = section.split("\n").filter((l) => l.startsWith("| `"));
    const documented = new Map<string, string>();
    for (const row of rows) {
      const [params, range] = row.split(" | ");
      for (const [, p] of params.matchAll(/`([^`]+)`/g)) documented.set(p, range.replace(/,(\d{3})/g, "$1"));
    }
    const wrong = Object.entries(WORLD_RANGES)
      .map(([p, g]) => [p, rangeText(g).replace(/^a (whole )?number /, (_, w) => (w ? "whole " : "")), documented.get(p)])
      .filter(([, code, doc]) => code !== doc);
    expect(wrong).toEqual([]);
  });
});
