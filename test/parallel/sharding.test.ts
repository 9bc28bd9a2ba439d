/**
 * One run's customers split across 1, 2 and 3 workers gives the same digest and byte-identical files
 * (issue 14 #1, "Done when"), with every coupling between customers in play: targeted campaigns ranked
 * over the whole population, RFM quintiles of the whole population, a sender reputation driven by
 * many complaints, money summed across shards, rows of many customers at the same minute.
 */
import { describe, expect, it } from "vitest";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadPlan, parsePlan } from "../../engine/plan/load.ts";
import { MIN_SHARD, runPlanInWorkers, summaryInWorkers } from "../../engine/parallel/run-plan.ts";
import { runPlanSharded, unshardable } from "../../engine/parallel/sharded-run.ts";
import { abortLink, newLinkBuffers } from "../../engine/parallel/shard-link.ts";
import { writeRun } from "../../engine/sim/output.ts";
import { runPlan } from "../../engine/sim/run.ts";
import { DEFAULT_WORLD } from "../../engine/sim/world-model.ts";
import { ExplainRecorder } from "../../engine/explain/observer.ts";
import { syntheticPopulation } from "../../engine/sim/population.ts";
import { messagesTable } from "../../engine/sim/tables.ts";
import * as aq from "arquero";
import { worldCounters } from "../../engine/sim/world-metrics.ts";
import { COUPLED_PLAN } from "./coupled-plan.ts";

const coupled = parsePlan(COUPLED_PLAN, "coupled.yaml");
const lifecycle = loadPlan("scenarios/lifecycle.yaml");

/** Every file of a run's --out directory, by name. */
async function files(plan: typeof coupled, workers: number, o: { customers: number; days: number }): Promise<[string, Map<string, Buffer>]> {
  const res = await runPlanInWorkers(plan, { ...o, seed: 3, workers, minShard: 1, record: true, cache: "off" });
  expect(res.run.shardMemory?.length).toBe(workers > 1 ? workers : undefined); // split, each worker reporting its memory
  const dir = mkdtempSync(join(tmpdir(), `shard-${workers}-`));
  writeRun(res, dir);
  return [res.summary.digest, new Map(readdirSync(dir).sort().map((f) => [f, readFileSync(join(dir, f))]))];
}

/** Runs a plan with 1 worker, then each of `others`: the same digest and the same bytes in every file. Returns the 1-worker files. */
async function sameFiles(plan: typeof coupled, others: number[], o: { customers: number; days: number }): Promise<Map<string, Buffer>> {
  const [digest, one] = await files(plan, 1, o);
  for (const workers of others) {
    const [d, many] = await files(plan, workers, o);
    expect(d).toBe(digest);
    for (const [name, bytes] of one) expect(many.get(name)!.equals(bytes), `${name} with ${workers} workers`).toBe(true);
  }
  return one;
}

describe("customer sharding", () => {
  it("gives the same digest and the same files with 1, 2 and 3 workers: targeted campaigns, RFM, reputation", async () => {
    const one = await sameFiles(coupled, [2, 3], { customers: 3000, days: 120 });
    expect([...one.keys()]).toEqual([
      "customers.arrow", "customers.csv", "daily.arrow", "daily.csv", "events.arrow", "events.csv", "messages.arrow", "messages.csv", "summary.json",
    ]);
  }, 120_000);

  it("keeps a custom channel's daily series and figures when split (merge of plan-named series)", async () => {
    // scenarios/custom-channels.yaml without its voucher capacity, so that the run is split
    const text = readFileSync("scenarios/custom-channels.yaml", "utf8").split("\n").filter((l) => !/^\s*capacity:/.test(l)).join("\n");
    const plan = parsePlan(text, "custom-channels-nocap.yaml");
    const one = await sameFiles(plan, [2], { customers: 2000, days: 45 });
    expect(one.get("daily.csv")!.toString().split("\n")[0]).toContain("in_app");
  }, 120_000);

  it("gives the lifecycle plan's digest and files with 1, 2 and 3 workers", async () => {
    await sameFiles(lifecycle, [2, 3], { customers: 3000, days: 120 });
  }, 120_000);

  it("says where each worker's time went: its customers drawn, its simulation, and the waits and rankings within it", async () => {
    const r = await runPlanSharded(coupled, { customers: 3000, days: 60, seed: 3, workers: 2, baseline: false, cache: "off" });
    expect(r.run.shardTimes).toHaveLength(2);
    for (const t of r.run.shardTimes!) {
      expect(t.draw).toBeGreaterThan(0);
      expect(t.simulate).toBeGreaterThan(t.barrier + t.reputation + t.ranking);
      expect(t.ranking).toBeGreaterThan(0); // the coupled plan's targeted promotion, ranked by every worker
    }
    // one worker: one entry, the whole population
    expect((await runPlanSharded(coupled, { customers: 3000, days: 60, seed: 3, workers: 1, baseline: false, cache: "off" })).run.shardTimes).toHaveLength(1);
  }, 60_000);

  it("merges the shards' customers where they drew them, in shared memory, and the pool's last run too", async () => {
    const o = { customers: 2000, days: 30, seed: 2, cache: "off" as const };
    const one = await runPlanSharded(lifecycle, { ...o, workers: 1, baseline: false });
    for (const r of [await runPlanSharded(lifecycle, { ...o, workers: 2, baseline: false }), await runPlanSharded(lifecycle, { ...o, workers: 2 })]) {
      const { table, traits } = r.run.population;
      // nothing copied: the merged columns are the shards' shared memory (engine/parallel/shard-storage.ts)
      expect(table.lastPurchase.buffer).toBeInstanceOf(SharedArrayBuffer);
      expect(traits.affinity.buffer).toBe(traits.records.buffer); // in the traits' records
      expect(traits.records.buffer).toBeInstanceOf(SharedArrayBuffer);
      expect(table.column("lastPurchase")).toEqual(one.run.population.table.column("lastPurchase"));
      expect(Array.from(traits.records)).toEqual(Array.from(one.run.population.traits.records));
      expect(table.column("orders")).toEqual(one.run.population.table.column("orders"));
    }
  }, 60_000);

  it("explains each message the same way with 1 and 3 workers (messages.csv's why column, pressure rules)", async () => {
    const capped = loadPlan("scenarios/lifecycle-capped.yaml");
    const csv = async (workers: number) => {
      // as `cadence simulate --out` does: an explaining recorder, attached to the plan's table on one thread
      const recorder = new ExplainRecorder(capped.compiled);
      let attached = false;
      const res = await runPlanInWorkers(capped, {
        customers: 3000, days: 60, seed: 5, workers, minShard: 1, cache: "off", record: true, recorder,
        population: (p) => {
          const made = syntheticPopulation({ ...p, customers: 3000 });
          if (!attached) recorder.attach(made.table), attached = true;
          return made;
        },
      });
      return aq.toCSV(messagesTable(res.run, res.recorder!));
    };
    const one = await csv(1);
    expect(one.slice(0, one.indexOf("\n"))).toMatch(/,why$/);
    expect(one).toMatch(/two-a-week/); // rules suppressed or deferred some messages, and say why
    expect(await csv(3)).toBe(one);
  }, 60_000);

  it("exercises the couplings it claims to: the reputation sends mail to spam, the targeted share is 15 % of its audience", () => {
    const o = { customers: 3000, days: 120, seed: 3, baseline: false as const };
    const r = runPlan(coupled, o);
    const calm = runPlan(coupled, { ...o, world: { reputation: { ...DEFAULT_WORLD.reputation, halfLifeDays: 7, goodBelow: 0.5, worstAt: 0.6, worstInbox: 0.3 } } });
    // the same sends; with the reputation's thresholds out of reach, fewer land in spam
    expect(worldCounters(r.run.metrics).spam).toBeGreaterThan(worldCounters(calm.run.metrics).spam * 1.5);
    const blast = r.summary.programs.find((p) => p.program === "blast")!, best = r.summary.programs.find((p) => p.program === "best-rfm")!;
    // 34 Tuesdays and Fridays; each picks 15 % of the email-consenting customers in RFM cells ≥ 300
    expect(best.contacts).toBeGreaterThan(0);
    expect(best.contacts / 34).toBeLessThan(0.15 * 3000);
    expect(blast.contacts).toBeGreaterThan(best.contacts * 3);
  });

  it("gives the same summary when the workers send back figures only (`simulate` without --out), baseline run or cached", async () => {
    const o = { customers: 3000, days: 90, seed: 4, cache: "memory" as const };
    const one = (await runPlanInWorkers(coupled, { ...o, workers: 1, cache: "off" })).summary;
    const fresh = await summaryInWorkers(coupled, { ...o, workers: 2, minShard: 1, cache: "off" }); // the pool: baseline, then the plan
    expect(fresh.summary).toEqual(one);
    expect(Object.keys((fresh as { run: { population: object } }).run.population)).toEqual(["describe"]); // no customers came back
    await summaryInWorkers(coupled, { ...o, workers: 3, minShard: 1 }); // stores the baseline in memory
    expect((await summaryInWorkers(coupled, { ...o, workers: 3, minShard: 1 })).summary).toEqual(one); // the baseline cached: the plan alone
  }, 120_000);

  it("does not split a run whose workers would get fewer than MIN_SHARD customers each, nor one that records its rows", async () => {
    const o = { customers: 2 * MIN_SHARD - 1, days: 3, cache: "off" as const, baseline: undefined };
    expect((await runPlanInWorkers(lifecycle, { ...o, workers: 2 })).run.shardMemory).toBeUndefined();
    expect((await runPlanInWorkers(lifecycle, { ...o, customers: 2 * MIN_SHARD, workers: 3 })).run.shardMemory).toHaveLength(2);
    // a run that records every row (--out) stays on one thread: merging its rows cost more than the split saved
    const recorded = await runPlanInWorkers(lifecycle, { ...o, customers: 2 * MIN_SHARD, workers: 3, record: true });
    expect(recorded.run.shardMemory).toBeUndefined();
    expect(recorded.recorder!.mTime.length).toBeGreaterThan(0);
  }, 60_000);

  it("runs a plan with a channel capacity on one thread, with the same results for any worker count", async () => {
    const capped = parsePlan(COUPLED_PLAN.replace("email: { cost: 0.002 }", "email: { cost: 0.002, capacity: 500 }"), "capped.yaml");
    expect(unshardable(capped, { synthetic: true })).toMatch(/capacity/);
    expect(unshardable(coupled, { synthetic: true })).toBeNull();
    expect(unshardable(coupled, { synthetic: false })).toMatch(/population/);
    const o = { customers: 1500, days: 40, seed: 2, cache: "off" as const };
    const one = (await runPlanInWorkers(capped, { ...o, workers: 1 })).summary;
    expect(one.suppressedByRule["capacity:email"]).toBeGreaterThan(0);
    expect((await runPlanInWorkers(capped, { ...o, workers: 3, minShard: 1 })).summary).toEqual(one);
  }, 60_000);

  it("sums each day's counts over the shards, lagged, and a shard waiting at the barrier stops when another fails", async () => {
    // day d: shards send 10 + d, 20 + d, 30 + d deliveries and 0, 1, 2 complaints; every shard gets the
    // totals of the day lag − 1 days before (0, 0 before the first), shard 2 slow so the others wait for it
    for (const lag of [1, 3]) {
      const link = newLinkBuffers(3, 3);
      const workers = [0, 1, 2].map(() => new Worker(new URL("./shard-link-worker.ts", import.meta.url).href, { type: "module" }));
      try {
        const sums = await Promise.all(workers.map((w, shard) =>
          new Promise<[number, number][]>((resolve) => {
            w.onmessage = (e) => resolve(e.data.sums);
            w.postMessage({ link, shard, shards: 3, days: 6, lag, pause: shard === 2 ? 20 : 0 });
          })
        ));
        const expected = [0, 1, 2, 3, 4, 5].map((d) => d < lag - 1 ? [0, 0] : [60 + 3 * (d - lag + 1), 3]);
        for (const s of sums) expect(s, `lag ${lag}`).toEqual(expected);
      } finally {
        for (const w of workers) w.terminate();
      }
    }
    const [w0, w1] = [0, 1].map(() => new Worker(new URL("./shard-link-worker.ts", import.meta.url).href, { type: "module" }));
    try {
      const lonely = newLinkBuffers(3, 3); // three shards, two started: their barrier never opens
      const ended = [w0, w1].map((w, shard) =>
        new Promise<string>((resolve) => {
          w.onmessage = (e) => e.data.error !== undefined && resolve(e.data.error);
          w.postMessage({ link: lonely, shard, shards: 3, days: 0 });
        })
      );
      await new Promise((r) => setTimeout(r, 300));
      abortLink(lonely);
      expect(await Promise.all(ended)).toEqual(["another shard of this run failed", "another shard of this run failed"]);
    } finally {
      w0.terminate(), w1.terminate();
    }
  }, 30_000);
});
