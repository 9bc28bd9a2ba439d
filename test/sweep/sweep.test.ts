import { describe, expect, it } from "vitest";
import { anyway } from "../helpers.ts";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadPlan, parsePlan } from "../../engine/plan/load.ts";
import { capture } from "../capture.ts";
import { frontierSvg, grid, markFrontier, noKnee, sweep, sweepInWorkers } from "../../engine/sweep/sweep.ts";
import { expandValues } from "../../engine/sweep/range.ts";
import { setPath } from "../../engine/sweep/set-path.ts";
import { sweepPage } from "../../engine/sweep/sweep-page.ts";
import { CHROMIUM, screenshot } from "../../engine/report/screenshot.ts";
import { percent } from "../../engine/report/html.ts";
import { main } from "../../engine/cli/main.ts";
import { runsProgress } from "../../engine/parallel/pool.ts";
import { writeFileSync } from "node:fs";

const capped = loadPlan("scenarios/lifecycle-capped.yaml");
const point = (margin: number, unsubscribes: number) => ({
  metrics: { incrementalMargin: { mean: margin, lo: null, hi: null }, unsubscribes: { mean: unsubscribes, lo: null, hi: null } } as never,
  frontier: false,
  knee: false,
});

describe("sweeps", () => {
  it("sets values by path, list elements by index or name", () => {
    const doc = { pressure: { rules: [{ name: "a", cap: 1 }, { name: "b", cap: 2 }] } };
    expect(setPath(doc, "pressure.rules.b.cap", 5)).toEqual({ pressure: { rules: [{ name: "a", cap: 1 }, { name: "b", cap: 5 }] } });
    expect(setPath(doc, "pressure.rules[0].window", "3d")).toEqual({ pressure: { rules: [{ name: "a", cap: 1, window: "3d" }, { name: "b", cap: 2 }] } });
    expect(() => setPath(doc, "pressure.rules.c.cap", 5)).toThrow(/no element 'c' in pressure\.rules; valid: a, b/);
    expect(() => setPath(doc, "presure.rules", 5)).toThrow(/no field 'presure' in \(root\); valid: pressure/);
    expect(grid([{ path: "a", values: [1, 2] }, { path: "b", values: ["x", "y"] }])).toEqual([{ a: 1, b: "x" }, { a: 1, b: "y" }, { a: 2, b: "x" }, { a: 2, b: "y" }]);
  });

  it("expands ranges: a..b in whole steps, a..b:step, mixed with single values", () => {
    expect(expandValues("1..5")).toEqual([1, 2, 3, 4, 5]);
    expect(expandValues("0.5..2:0.5")).toEqual([0.5, 1, 1.5, 2]);
    expect(expandValues("0..1:0.3")).toEqual([0, 0.3, 0.6, 0.9]); // 1 is off the grid: not included
    expect(expandValues("1..3,8,7d")).toEqual([1, 2, 3, 8, "7d"]);
    expect(expandValues("0.1..0.3:0.1")).toEqual([0.1, 0.2, 0.3]); // no 0.30000000000000004
    expect(() => expandValues("5..1")).toThrow(/runs backwards: write the smaller value first \(1\.\.5\)/);
    expect(() => expandValues("0.5..2")).toThrow(/has decimals: give a step, e\.g\. 0\.5\.\.2:0\.5/);
    expect(() => expandValues("1..x")).toThrow(/cannot read the range '1\.\.x'/);
    expect(() => expandValues("1..5000")).toThrow(/5000 values; at most 1000/);
  });

  it("expands a range of durations in one unit (a window swept by its length: '1d..7d' could not be read, '1..7' lacked the unit)", () => {
    expect(expandValues("1d..4d")).toEqual(["1d", "2d", "3d", "4d"]);
    expect(expandValues("12h..48h:12h,3d")).toEqual(["12h", "24h", "36h", "48h", "3d"]);
    expect(expandValues("0.5d..2d:0.5d")).toEqual(["0.5d", "1d", "1.5d", "2d"]);
    expect(() => expandValues("1d..2w")).toThrow("expandValues: the range '1d..2w' mixes units: write both ends and the step in one unit, e.g. 1d..2d");
    expect(() => expandValues("7d..1d")).toThrow("expandValues: the range '7d..1d' runs backwards: write the smaller value first (1d..7d)");
    expect(() => expandValues("0.5d..2d")).toThrow("expandValues: the range '0.5d..2d' has decimals: give a step, e.g. 0.5d..2d:0.5d");
    expect(() => expandValues("1..7d")).toThrow(/cannot read the range '1\.\.7d': .* or durations in one unit, e\.g\. 1d\.\.7d or 12h\.\.72h:12h$/);
  });

  it("runs a cap × window grid from the command line; the frontier is exactly the variants no other beats on both axes", async () => {
    const out = mkdtempSync(join(tmpdir(), "cadence-sweep-grid-"));
    const r = await capture(() => main(["sweep", "scenarios/lifecycle-capped.yaml", "--set", "pressure.rules.two-a-week.cap=1..3", "--set", "pressure.rules.two-a-week.window=3d..7d:2d", "--customers", "1500", "--days", "60", "--workers", "1", "--out", out, "--json"]));
    expect(r.code).toBe(0);
    // the rows of sweep.csv, as --json prints them
    const rows = JSON.parse(r.out).variants as Record<string, string | number | boolean>[];
    expect(rows.map((x) => x.variant)).toEqual(["cap=1, window=3d", "cap=1, window=5d", "cap=1, window=7d", "cap=2, window=3d", "cap=2, window=5d", "cap=2, window=7d", "cap=3, window=3d", "cap=3, window=5d", "cap=3, window=7d"]);
    expect(readFileSync(join(out, "sweep.csv"), "utf8")).toContain(`"cap=3, window=7d",3,7d,`);
    // by hand: on the frontier when no other row has as much margin and as few unsubscribes, one strictly
    const points = rows.map((x) => [x.incrementalMargin as number, x.unsubscribes as number]);
    const dominated = points.map(([m, u], i) => points.some(([m2, u2], j) => j !== i && m2 >= m && u2 <= u && (m2 > m || u2 < u)));
    expect(rows.map((x) => x.frontier)).toEqual(dominated.map((d) => !d));
    expect(dominated.filter(Boolean).length).toBeGreaterThan(0);
  });

  it("marks a knee only when the frontier has at least three points", () => {
    const two = [point(100, 10), point(200, 20), point(50, 30)];
    markFrontier(two);
    expect(two.map((v) => v.frontier)).toEqual([true, true, false]);
    expect(two.some((v) => v.knee)).toBe(false);
    const three = [point(100, 10), point(300, 15), point(320, 40)];
    markFrontier(three);
    expect(three.map((v) => v.knee)).toEqual([false, true, false]); // the bend: +200 margin for 5 unsubscribes, then +20 for 25
  });

  it("marks no knee when no frontier point lies above the chord between its ends (the cheapest end was called the knee)", () => {
    // +10 margin for 4 unsubscribes, then +190 for 5: the margin per unsubscribe grows, there is no bend
    const rising = [point(100, 1), point(110, 5), point(300, 10)];
    markFrontier(rising);
    expect(rising.map((v) => v.frontier)).toEqual([true, true, true]);
    expect(rising.map((v) => v.knee)).toEqual([false, false, false]);
    expect(noKnee(rising)).toBe("no frontier point lies above the line between the frontier's ends");
    const r = { variants: rising.map((v, i) => ({ ...v, label: `cap=${i + 1}`, values: {} })), replications: 1, seeds: [1] } as never;
    expect(frontierSvg(r)).toContain("Blue: frontier (no bend: no knee)");
    expect(sweepPage(r, "p", "", "EUR")).toContain("No knee is marked: no frontier point lies above the line between the frontier's ends.");
  });

  it("replicates over seeds: intervals on every figure, paired differences against the first variant", () => {
    const r = sweep(capped, [{ path: "pressure.rules.two-a-week.cap", values: [1, 2, 4] }], { customers: 1500, days: 90, seed: 3, replications: 3 });
    expect(r.seeds).toEqual([3, 4, 5]);
    expect(r.table.numRows()).toBe(3);
    expect(r.table.columnNames()).toEqual(expect.arrayContaining(["variant", "contacts", "contactsLow", "contactsHigh", "incrementalMarginVsFirst", "incrementalMarginVsFirstLow", "p90ContactsPerWeek", "frontier", "knee"]));
    for (const v of r.variants) {
      expect(v.runs.length).toBe(3);
      const c = v.metrics.contacts!;
      expect(c.lo!).toBeLessThan(c.mean);
      expect(c.hi!).toBeGreaterThan(c.mean);
      expect(c.mean).toBeCloseTo(v.runs.reduce((a, x) => a + x.contacts!, 0) / 3, 6);
    }
    // the first variant against itself: exactly zero
    expect(r.variants[0].difference.contacts).toEqual({ mean: 0, lo: 0, hi: 0 });
    // a paired difference is the mean of the per-seed differences, and a looser cap sends more on every seed
    const d = r.variants[1].difference.contacts!;
    expect(d.mean).toBeCloseTo(r.variants[1].metrics.contacts!.mean - r.variants[0].metrics.contacts!.mean, 6);
    expect(d.lo!).toBeGreaterThan(0);
    // pairing: the difference's interval is narrower than either variant's own
    expect(d.hi! - d.lo!).toBeLessThan(r.variants[1].metrics.contacts!.hi! - r.variants[1].metrics.contacts!.lo!);
    // one shared baseline per seed: the first replication's baseline revenue is the same for every variant
    expect(new Set(r.variants.map((v) => v.summary.baselineRevenue)).size).toBe(1);
    const svg = frontierSvg(r);
    expect(svg).toMatch(/^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect((svg.match(/<circle/g) ?? []).length).toBe(3);
    expect(svg).toContain("both axes start at zero");
    expect(svg).toContain("95 % interval");
  });

  it("the HTML page reads like the report and fits a 1,000 px window in Chromium", async () => {
    const r = sweep(capped, [
      { path: "pressure.rules.two-a-week.cap", values: [1, 3] },
      { path: "pressure.rules.weighted-pressure.weighted.threshold", values: [2, 8] },
    ], { customers: 12_000, days: 30, seed: 1, replications: 2 });
    const html = sweepPage(r, "lifecycle-capped", frontierSvg(r), "EUR", ["csv/sweep-variants.csv"]);
    expect(html).toContain("<th>incremental margin (EUR)</th>");
    expect(html).toMatch(/<td>\d{1,3},\d{3}<span class="ci">/); // thousands separators, interval under the mean
    expect(html).toContain(`<a href="csv/sweep-variants.csv">`);
    expect(html).toContain("Paired differences against cap=1, threshold=2");
    expect(existsSync(CHROMIUM), `Chromium is missing at ${CHROMIUM}: apt-get install -y chromium`).toBe(true);
    const dir = mkdtempSync(join(tmpdir(), "cadence-sweep-page-"));
    writeFileSync(join(dir, "frontier.html"), html);
    const shot = await screenshot(join(dir, "frontier.html"), join(dir, "frontier.png"), 1000);
    expect(shot.errors).toEqual([]);
    expect(shot.requests).toEqual([]);
    expect(shot.scrollWidth).toBeLessThanOrEqual(1000);
  }, 60_000);

  it("the CLI writes the table, the chart and the long CSVs, and names a bad path or range", async () => {
    const out = mkdtempSync(join(tmpdir(), "cadence-sweep-"));
    const code = await main(["sweep", "scenarios/lifecycle-capped.yaml", "--set", "pressure.rules.weighted-pressure.weighted.threshold=2..6:4", "--customers", "800", "--days", "60", "--out", out, "--csv", join(out, "csv"), "--replications", "2", "--json"]);
    expect(code).toBe(0);
    expect(readFileSync(join(out, "sweep.csv"), "utf8").split("\n")[0]).toContain("pressure.rules.weighted-pressure.weighted.threshold");
    expect(readFileSync(join(out, "frontier.html"), "utf8")).toContain(`href="csv/sweep-variants.csv"`);
    const variants = readFileSync(join(out, "csv", "sweep-variants.csv"), "utf8");
    expect(variants.startsWith("\uFEFFvariant,pressure.rules.weighted-pressure.weighted.threshold,frontier,knee,metric,mean,low,high\r\n")).toBe(true);
    expect(variants).toContain("threshold=6,6,");
    expect(await main(["sweep", "scenarios/lifecycle-capped.yaml", "--set", "pressure.rules.nope.cap=1"])).toBe(2);
    expect(await main(["sweep", "scenarios/lifecycle-capped.yaml", "--set", "pressure.rules.two-a-week.cap=-1", "--customers", "10", "--days", "2"])).toBe(2);
    expect(await main(["sweep", "scenarios/lifecycle-capped.yaml", "--set", "pressure.rules.two-a-week.cap=3..1"])).toBe(2);
  });
});

describe("sweep --set: every value runs once, errors point into the plan file", () => {
  const cli = (...args: string[]) => capture(() => main(["sweep", "scenarios/lifecycle-capped.yaml", ...args, "--customers", "100", "--days", "7", "--out", mkdtempSync(join(tmpdir(), "cadence-sweep-"))]));
  const cap = "pressure.rules.two-a-week.cap";

  it("refuses a path given twice (the second replaced the first: cap=1,2 never ran, 3 and 4 ran twice)", async () => {
    expect(await cli("--set", `${cap}=1,2`, "--set", `${cap}=3,4`)).toMatchObject({ code: 2, out: "", err: `--set ${cap} given twice; give all its values in one --set, e.g. --set ${cap}=1,2,3,4` });
    // the same field by index: pressure.rules[1] is two-a-week
    expect((await cli("--set", `${cap}=1,2`, "--set", "pressure.rules[1].cap=3")).err)
      .toBe(`--set pressure.rules[1].cap: the same field as --set ${cap} (pressure.rules[1].cap); give all its values in one --set, e.g. --set ${cap}=1,2,3`);
    expect((await cli("--set", "pressure.rules.two-a-week={cap: 1}", "--set", `${cap}=3`)).err)
      .toBe(`--set ${cap}: inside pressure.rules[1], which --set pressure.rules.two-a-week replaces; sweep one of the two`);
  });

  it("refuses a value given twice in one --set, and an empty one", async () => {
    expect(await cli("--set", `${cap}=1,1`)).toMatchObject({ code: 2, err: `--set ${cap}: the value 1 is given twice; give each value once (the same value twice runs the same variant twice)` });
    expect((await cli("--set", `${cap}=1..3,2`)).err).toBe(`--set ${cap}: the value 2 is given twice; give each value once (the same value twice runs the same variant twice)`);
    expect((await cli("--set", `${cap}=1,,2`)).err).toBe(`--set ${cap}: an empty value in '1,,2'; write the values between commas, e.g. 1,2,3`);
    expect(() => sweep(capped, [{ path: cap, values: [2, 2] }], { customers: 10, days: 2 })).toThrow(/the value 2 is given twice/);
  });

  it("refuses one duration written two ways (7d and 1w ran the same variant twice, both on the frontier)", async () => {
    const window = "pressure.rules.two-a-week.window";
    expect(await cli("--set", `${window}=3d,7d,1w`)).toMatchObject({ code: 2, err: `--set ${window}: the value 1w is 7d written another way (10,080 minutes); give each value once (the same value twice runs the same variant twice)` });
    expect((await cli("--set", `${window}=24h,2d,1d`)).err).toBe(`--set ${window}: the value 1d is 24h written another way (1,440 minutes); give each value once (the same value twice runs the same variant twice)`);
    // different windows, and a cap of 7 beside a window of 7d, are not the same value
    expect(() => sweep(capped, [{ path: "pressure.rules.weighted-pressure.weighted.decay.halfLife", values: ["1w", "8d", "168h"] }], { customers: 10, days: 2 })).toThrow(/sweep: sets\[0\] \(pressure\.rules\.weighted-pressure\.weighted\.decay\.halfLife\): the value 168h is 1w written another way \(10,080 minutes\)/);
    expect((await cli("--set", `${window}=7d,8d`, "--set", `${cap}=7`)).code).toBe(0);
  });

  it("refuses a grid of more than 1,000 variants before any run (100 × 100 values ran 5 minutes at 200 customers × 7 days, 2.6 GB, nothing said)", async () => {
    const r = await cli("--set", `${cap}=1..100`, "--set", "pressure.rules.weighted-pressure.weighted.threshold=1..100");
    expect(r).toMatchObject({ code: 2, out: "", err: "--set: 10,000 variants (100 × 100 values); a sweep runs at most 1,000: give fewer values, e.g. a coarse grid with a step (1..100:10), then a finer one around its knee" });
    // from code, by the sets; 1,001 is one too many
    const sets = [{ path: cap, values: Array.from({ length: 7 }, (_, i) => i + 1) }, { path: "pressure.rules.weighted-pressure.weighted.threshold", values: Array.from({ length: 143 }, (_, i) => i) }];
    expect(() => sweep(capped, sets, { customers: 10, days: 2 })).toThrow("sweep: sets: 1,001 variants (7 × 143 values); a sweep runs at most 1,000: ");
  });

  it("a bad value names the field's line in the plan file, and the --set (it said [cap=1.5]:1:)", async () => {
    // scenarios/lifecycle-capped.yaml line 19 is two-a-week's `cap: 2`; line 32 the welcome program's `use:`
    expect(await cli("--set", `${cap}=1.5`)).toMatchObject({
      code: 2,
      err: `--set ${cap}=1.5: the variant is not a valid plan:\nscenarios/lifecycle-capped.yaml:19: pressure.rules[1].cap: a cap counts contacts: expected a whole number, got 1.5; write 1 or 2`,
    });
    expect((await cli("--set", "programs.welcome.holdout=2")).err)
      .toBe(`--set programs.welcome.holdout=2: the variant is not a valid plan:\nscenarios/lifecycle-capped.yaml:32: programs[0].holdout: expected a share from 0 to 1 (or a percentage such as "10%"), got number 2`);
  });

  it("a plan given as text has no lines to point at: the path and value only", () => {
    const text = parsePlan(JSON.stringify(capped.source), "<plan>");
    expect(() => sweep(text, [{ path: cap, values: [1.5] }], { customers: 10, days: 2 }))
      .toThrow(`sweep: variants[0] ("${cap}": 1.5): the variant is not a valid plan:\n<plan>: pressure.rules[1].cap: a cap counts contacts`);
  });

  it("says a sweep cannot change the world section (it said there was no field 'world')", async () => {
    expect(await cli("--set", "world.machineOpens=0.1")).toMatchObject({
      code: 2,
      err: "--set world.machineOpens: a sweep cannot change the world section: its variants share one population and no-plan baseline per seed, drawn in the plan's world; simulate each world separately (a world: section in each plan)",
    });
  });

  it("reads list values as YAML scalars, as the plan file would (0x10 is 16, 1e3 is 1000, 1_000 is text)", () => {
    expect(expandValues("0x10,1e3,1_000,7d,true")).toEqual([16, 1000, "1_000", "7d", true]);
  });
});

describe("sweep intervals stop at 0 for what cannot be negative", () => {
  it("cuts a variant's unsubscribes and cost at 0 (sweep.csv had unsubscribesLow -1.46), not its paired difference", async () => {
    const out = mkdtempSync(join(tmpdir(), "cadence-sweep-"));
    const r = await capture(() => main(["sweep", "scenarios/lifecycle-capped.yaml", "--set", "pressure.rules.two-a-week.cap=1,2", "--customers", "500", "--days", "60", "--replications", "2", "--workers", "1", "--out", out]));
    expect(r.code).toBe(0);
    const rows = readFileSync(join(out, "sweep.csv"), "utf8").trim().split("\n").map((l) => l.split(","));
    const at = (row: number, column: string) => Number(rows[row][rows[0].indexOf(column)]);
    // cap=2 on seeds 1 and 2: 0 and 1 unsubscribes, mean 0.5, t(1) half-width 12.706 × 0.5 = 6.353
    expect([at(2, "unsubscribes"), at(2, "unsubscribesLow")]).toEqual([0.5, 0]);
    expect(at(2, "unsubscribesHigh")).toBeCloseTo(6.853, 3);
    expect(at(2, "unsubscribesVsFirstLow")).toBeCloseTo(-5.853, 3); // a difference: uncut
    expect(at(2, "costLow")).toBe(0);
    for (let row = 1; row < rows.length; row++) {
      for (const [k, column] of rows[0].entries()) if (/^(reach|contacts|unsubscribes|complaints|cost|suppressed)\w*Low$/.test(column) && !column.includes("VsFirst")) expect(Number(rows[row][k]), column).toBeGreaterThanOrEqual(0);
    }
    // the console: a cut interval is printed with its ends, not as mean ± half ("1 ±6" read as -5 to 7)
    expect(r.out).toMatch(/^cap=2 .* 1 \[0, 7\] /m);
    expect(r.out).toMatch(/^cap=1 .* 883 ±13 /m);
    // the legend names both kinds of [low, high]: a count the same in every seed has its Poisson interval
    expect(r.out).toContain("or [low, high] where it is not symmetric (stopped at 0 or 100 %, or a count the same in every seed: its Poisson interval)");
  });
});

describe("sweep from code: wrong arguments as a notebook passes them", () => {
  const cap = "pressure.rules.two-a-week.cap", o = { customers: 10, days: 2 };

  it("refuses a plan's file name and options that are not an object, as runPlan does (it said '(root) is a value', or ran the defaults)", () => {
    expect(() => sweep(anyway("scenarios/lifecycle-capped.yaml"), [{ path: cap, values: [1, 2] }], o))
      .toThrow(`sweep: expected a loaded plan, got the text 'scenarios/lifecycle-capped.yaml': load it first, sweep(loadPlan("scenarios/lifecycle-capped.yaml"), …)`);
    expect(() => sweep(capped, [{ path: cap, values: [1, 2] }], anyway("fast")))
      .toThrow(`sweep: options: expected an object such as { customers: 10_000, days: 365, seed: 1 } (or nothing, for those defaults), got string "fast"`);
  });

  it("refuses sets that are not a list of { path, values } (TypeErrors: 'sets.forEach is not a function', 's.values.map is not a function')", () => {
    const example = `[{ path: "pressure.rules.two-a-week.cap", values: [1, 2, 3] }]`;
    expect(() => sweep(capped, anyway({ [cap]: [1, 2] }), o)).toThrow(`sweep: sets: expected a list of { path, values }, such as ${example}, got a mapping`);
    expect(() => sweep(capped, anyway([null]), o)).toThrow(`sweep: sets[0]: expected { path, values }, such as ${example.slice(1, -1)}, got nothing`);
    expect(() => sweep(capped, anyway([{ values: [1, 2] }]), o)).toThrow(`sweep: sets[0].path: expected a plan path such as "pressure.rules.two-a-week.cap", got nothing`);
    expect(() => sweep(capped, anyway([{ path: cap, values: "1,2" }]), o))
      .toThrow(`sweep: sets[0].values (${cap}): expected a list of values, such as [1, 2, 3], got string "1,2" (the text of a --set list is read by expandValues("1,2"))`);
    // a number where the list goes was called 'no values'
    expect(() => sweep(capped, anyway([{ path: cap, values: 3 }]), o)).toThrow(`sweep: sets[0].values (${cap}): expected a list of values, such as [1, 2, 3], got number 3`);
  });

  it("refuses NaN and undefined values by name (NaN was reported as 'got null')", () => {
    expect(() => sweep(capped, [{ path: cap, values: [1, NaN] }], o)).toThrow(`sweep: sets[0] (${cap}): expected a finite number, got NaN`);
    expect(() => sweep(capped, [{ path: cap, values: [1, undefined] }], o)).toThrow(`sweep: sets[0] (${cap}): no value (undefined); give the value to set, e.g. a number such as 3`);
  });

  it("refuses a sweep of nothing, as the command line does (sweep(plan, []) ran the plan alone, as one variant named '')", async () => {
    const what = `a sweep takes at least one { path, values }, such as [{ path: "pressure.rules.two-a-week.cap", values: [1, 2, 3] }] (to run the plan alone: runPlan)`;
    expect(() => sweep(capped, [], o)).toThrow(`sweep: sets: an empty list; ${what}`);
    await expect(sweepInWorkers(capped, [], { ...o, workers: 1 })).rejects.toThrow(`sweepInWorkers: sets: an empty list; ${what}`);
    const cli = await capture(() => main(["sweep", "scenarios/lifecycle-capped.yaml", "--customers", "10"]));
    expect(cli).toMatchObject({ code: 2, out: "" });
    expect(cli.err.split("\n")[0]).toBe("--set: give at least one, e.g. --set pressure.rules.two-a-week.cap=1..3");
  });

  it("names the set as the code wrote it, by its index and path, not the command line's --set (regression)", () => {
    const threshold = "pressure.rules.weighted-pressure.weighted.threshold";
    // a path that does not exist, in the second set
    expect(() => sweep(capped, [{ path: cap, values: [1, 2] }, { path: "pressure.rules.weekly.cap", values: [1] }], o))
      .toThrow(`sweep: sets[1] (pressure.rules.weekly.cap): no element 'weekly' in pressure.rules; valid: one-a-day, two-a-week, sms-spacing, weighted-pressure`);
    expect(() => sweep(capped, [{ path: "pressure..cap", values: [1] }], o)).toThrow(/^sweep: sets\[0\] \(pressure\.\.cap\): cannot read this path/);
    // the same field twice: what to write instead is a set, not a flag
    expect(() => sweep(capped, [{ path: cap, values: [1, 2] }, { path: "pressure.rules[1].cap", values: [3] }], o))
      .toThrow(`sweep: sets[1] (pressure.rules[1].cap): the same field as sets[0] (${cap}) (pressure.rules[1].cap); give all its values in one set, e.g. { path: "${cap}", values: [1, 2, 3] }`);
    expect(() => sweep(capped, [{ path: "pressure.rules.two-a-week", values: [{ cap: 1 }] }, { path: cap, values: [3] }], o))
      .toThrow(`sweep: sets[1] (${cap}): inside pressure.rules[1], which sets[0] (pressure.rules.two-a-week) replaces; sweep one of the two`);
    expect(() => sweep(capped, [{ path: cap, values: [] }], o)).toThrow(`sweep: sets[0] (${cap}): no values; give at least one, e.g. { path: "${cap}", values: [1, 2] }`);
    expect(() => sweep(capped, [{ path: cap, values: [2, 2] }], o)).toThrow(`sweep: sets[0] (${cap}): the value 2 is given twice`);
    // an invalid variant: its index among the results and the values it sets, at the field's line in the file
    expect(() => sweep(capped, [{ path: threshold, values: [4] }, { path: cap, values: [1, 1.5] }], o))
      .toThrow(`sweep: variants[1] ("${threshold}": 4, "${cap}": 1.5): the variant is not a valid plan:\nscenarios/lifecycle-capped.yaml:19: pressure.rules[1].cap: a cap counts contacts`);
  });
});

describe("sweep's default --out folder", () => {
  it("is one folder under out/ whatever the plan's name (regression: '../../x' wrote to out/x, 'a/b' nested)", async () => {
    const { folderName } = await import("../../engine/cli/sweep.ts");
    expect(folderName("../../evil")).toBe("evil");
    expect(folderName("a/b c")).toBe("a-b-c");
    expect(folderName("petit plan é 中文")).toBe("petit-plan-é-中文");
    expect(folderName("lifecycle-capped")).toBe("lifecycle-capped");
    expect(folderName("///")).toBe("plan");
    const dir = mkdtempSync(join(tmpdir(), "cadence-sweep-name-"));
    const file = join(dir, "p.yaml");
    writeFileSync(file, readFileSync("scenarios/lifecycle-capped.yaml", "utf8").replace("name: lifecycle-capped", 'name: "../../evil"'));
    const r = await capture(() => main(["sweep", file, "--set", "pressure.rules.two-a-week.cap=1,2", "--customers", "100", "--days", "7"]));
    const { rmSync } = await import("node:fs");
    rmSync(join("out", "sweep-evil"), { recursive: true, force: true });
    rmSync(join("out", "evil"), { recursive: true, force: true });
    expect(r.code).toBe(0);
    expect(r.out).toContain(`wrote ${join("out", "sweep-evil", "sweep.csv")}`);
  });
});

describe("sweep: every figure the console prints is in the files", () => {
  it("writes the console's 'weeks > 2' (weeksAboveThreshold) to --json, sweep.csv and the long CSV (it was in no file)", async () => {
    const out = mkdtempSync(join(tmpdir(), "cadence-sweep-"));
    const args = ["sweep", "scenarios/lifecycle-capped.yaml", "--set", "pressure.rules.two-a-week.cap=1,3", "--customers", "1000", "--days", "60", "--replications", "2", "--workers", "1", "--out", out, "--csv", join(out, "csv")];
    const json = await capture(() => main([...args, "--json"]));
    expect(json.code).toBe(0);
    const variants = JSON.parse(json.out).variants as Record<string, number>[];
    const text = await capture(() => main(args));
    for (const v of variants) {
      expect(v.weeksAboveThreshold, v.variant as never).toBeTypeOf("number");
      expect(v.weeksAboveThresholdLow).toBeLessThanOrEqual(v.weeksAboveThreshold);
      expect(v.weeksAboveThresholdHigh).toBeGreaterThanOrEqual(v.weeksAboveThreshold);
      // the console's column shows the same share, written as the report writes shares
      expect(text.out).toMatch(new RegExp(`^${v.variant} .*  ${percent(v.weeksAboveThreshold)}`, "m"));
    }
    expect(variants[1].weeksAboveThresholdVsFirst).toBeCloseTo(variants[1].weeksAboveThreshold - variants[0].weeksAboveThreshold, 12);
    const wide = readFileSync(join(out, "sweep.csv"), "utf8").split("\n")[0].split(",");
    expect(wide).toEqual(expect.arrayContaining(["weeksAboveThreshold", "weeksAboveThresholdLow", "weeksAboveThresholdHigh", "weeksAboveThresholdVsFirst"]));
    expect(readFileSync(join(out, "csv", "sweep-variants.csv"), "utf8")).toMatch(/\r\ncap=3,3,\w+,\w+,weeksAboveThreshold,0\.\d+,/);
    expect(readFileSync(join(out, "csv", "sweep-differences.csv"), "utf8")).toContain(",weeksAboveThreshold,");
  });
});

describe("sweep's progress", () => {
  const sets = [{ path: "pressure.rules.two-a-week.cap", values: [1, 2] }];
  const o = { customers: 500, days: 14, replications: 2, cache: "off" as const };
  const progressOf = async (run: (onProgress: (label: string, d: number, n: number) => void) => unknown) => {
    const calls: string[] = [];
    await run((label, d, n) => calls.push(`${d}/${n} days · ${label}`));
    return calls;
  };

  it("gives the days of every run, baselines included, as they pass, not only the runs finished (regression: sweep counted finished variants only)", async () => {
    // 2 seeds × (a baseline and 2 variants) = 6 runs of 14 days: 84 days
    const inline = await progressOf((onProgress) => sweep(capped, sets, { ...o, onProgress }));
    expect(inline.slice(0, 3)).toEqual(["1/84 days · 0/6 runs", "2/84 days · 0/6 runs", "3/84 days · 0/6 runs"]); // the first baseline's days
    expect(inline).toContain("14/84 days · 1/6 runs"); // seed 1's baseline ended
    expect(inline).toContain("42/84 days · 3/6 runs"); // seed 2's baseline: the baselines first, as the workers run them
    expect(inline).toContain("43/84 days · 3/6 runs"); // inside seed 1's first variant
    expect(inline.at(-1)).toBe("84/84 days · 6/6 runs");
    expect(inline.length).toBeGreaterThanOrEqual(84); // a call a day
    // the same from sweepInWorkers (one worker: the pool runs the jobs in order, in this thread)
    expect(await progressOf((onProgress) => sweepInWorkers(capped, sets, { ...o, workers: 1, onProgress }))).toEqual(inline);
    // two workers post theirs as messages: test/cli/interrupt.test.ts, on a terminal
  });

  it("adds up the days of runs side by side, each counted whole once finished (a cached baseline reports no days)", () => {
    const calls: string[] = [];
    const watch = runsProgress(3, 10, (label, d, n) => calls.push(`${d}/${n} days · ${label}`))(0);
    watch.onDay!(0, 4, 10); // two runs side by side
    watch.onDay!(1, 3, 10);
    watch.onDone(1, 3, 2); // the third ends without a day (cached)
    watch.onDay!(0, 10, 10);
    watch.onDone(2, 3, 0);
    expect(calls).toEqual(["4/30 days · 0/3 runs", "7/30 days · 0/3 runs", "17/30 days · 1/3 runs", "23/30 days · 1/3 runs", "23/30 days · 2/3 runs"]);
  });
});
