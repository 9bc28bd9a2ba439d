/**
 * Runs spread over workers give the same results as in one thread, whatever the worker count; the
 * no-plan baseline of a population and seed is computed once and reused (issue 14 #1, #3).
 */
import { describe, expect, it } from "vitest";
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadPlan } from "../../engine/plan/load.ts";
import { comparePlans, comparePlansInWorkers } from "../../engine/compare/compare.ts";
import { sweep, sweepInWorkers } from "../../engine/sweep/sweep.ts";
import { runJobs } from "../../engine/parallel/pool.ts";
import { runPlanInWorkers } from "../../engine/parallel/run-plan.ts";
import { runPlan } from "../../engine/sim/run.ts";
import { cacheStats, clearMemoryCache } from "../../engine/sim/baseline-cache.ts";
import { InputError } from "../../engine/plan/errors.ts";

const strip = <T extends { wallMs?: number }>(x: T) => JSON.stringify({ ...x, wallMs: 0 });
const lifecycle = loadPlan("scenarios/lifecycle.yaml"), capped = loadPlan("scenarios/lifecycle-capped.yaml");

describe("workers", () => {
  it("compare gives the same comparison with 2 and 3 workers as in one thread", async () => {
    const o = { customers: 600, days: 45, replications: 2, cache: "off" as const };
    const inline = strip(comparePlans([lifecycle, capped], o));
    for (const workers of [2, 3]) expect(strip(await comparePlansInWorkers([lifecycle, capped], { ...o, workers }))).toBe(inline);
  });

  it("sweep gives the same variants with 1 and 2 workers as in one thread", async () => {
    const sets = [{ path: "pressure.rules.two-a-week.cap", values: [1, 3] }];
    const o = { customers: 600, days: 45, replications: 2, cache: "off" as const };
    const json = (r: Awaited<ReturnType<typeof sweepInWorkers>>) => JSON.stringify(r.variants);
    const inline = json(sweep(capped, sets, o));
    for (const workers of [1, 2]) expect(json(await sweepInWorkers(capped, sets, { ...o, workers }))).toBe(inline);
  });

  it("simulate's baseline in a worker while the plan runs here gives runPlan's summary", async () => {
    const o = { customers: 700, days: 40, seed: 12, cache: "off" as const };
    const inline = runPlan(capped, o).summary;
    expect((await runPlanInWorkers(capped, { ...o, workers: 2 })).summary).toEqual(inline);
  });

  it("reports a job's input error as an input error, naming what is wrong", async () => {
    const module = new URL("../../engine/compare/compare-runs.ts", import.meta.url).href;
    const spec = { plans: [{ text: JSON.stringify(lifecycle.source), file: lifecycle.file }], populationSpec: "history:nowhere.yaml", customers: 100, days: 5 };
    const jobs = [1, 2].map((seed) => ({ module, fn: "baselineJob", args: [spec, seed, true] }));
    await expect(runJobs(jobs, 2)).rejects.toThrow(InputError);
    await expect(runJobs(jobs, 2)).rejects.toThrow(/nowhere\.yaml/);
  });
});

describe("baseline reuse", () => {
  it("computes a population's baseline once for several plans, in memory and on disk, with the same figures", () => {
    clearMemoryCache();
    const before = { ...cacheStats };
    const o = { customers: 800, days: 40, seed: 9 };
    const a = runPlan(lifecycle, o), b = runPlan(capped, o);
    expect(cacheStats.misses - before.misses).toBe(1);
    expect(cacheStats.memoryHits - before.memoryHits).toBe(1);
    expect(b.summary.baselineRevenue).toBe(a.summary.baselineRevenue);
    const fresh = runPlan(capped, { ...o, cache: "off" });
    expect(fresh.summary).toEqual(b.summary); // same digest, same figures as with the cached baseline
    // on disk: a new process (here: an empty memory cache) reads the file instead of simulating
    const dir = mkdtempSync(join(tmpdir(), "cadence-cache-"));
    Deno.env.set("CADENCE_CACHE", dir);
    try {
      runPlan(lifecycle, { ...o, seed: 10, cache: "disk" });
      expect(readdirSync(join(dir, "baselines"))).toHaveLength(1);
      clearMemoryCache();
      const disk = cacheStats.diskHits;
      const again = runPlan(lifecycle, { ...o, seed: 10, cache: "disk" });
      expect(cacheStats.diskHits - disk).toBe(1);
      expect(again.summary).toEqual(runPlan(lifecycle, { ...o, seed: 10, cache: "off" }).summary);
    } finally {
      Deno.env.delete("CADENCE_CACHE");
    }
  });
});
