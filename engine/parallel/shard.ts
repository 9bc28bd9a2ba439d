/**
 * One shard of a run split across workers: the customers lo … hi−1 of the synthetic population, drawn
 * exactly as in the whole population, simulated with the couplings to the other shards going through a
 * ShardLink (engine/parallel/shard-link.ts). What it returns is what the coordinator merges
 * (engine/parallel/merge-shards.ts): the shard's table and traits at the end, its metrics with money
 * still in units, its recorded rows, its events and coercions.
 */
import { parseDate } from "../core/time.ts";
import { ExplainRecorder } from "../explain/observer.ts";
import { parsePlan } from "../plan/load.ts";
import { planWorld } from "../plan/world-section.ts";
import type { WorldModel } from "../sim/world-model.ts";
import { type Metrics, withoutCustomers } from "../sim/metrics.ts";
import { type Population, syntheticPopulation, type Traits } from "../sim/population.ts";
import { Recorder } from "../sim/recorder.ts";
import { baselinePlan, DEFAULT_START } from "../sim/run.ts";
import { simulate } from "../sim/simulate.ts";
import { type WorldCounters, worldCounters } from "../sim/world-metrics.ts";
import { type EndFigures, endFigures } from "../sim/end-figures.ts";
import type { CompiledPlan } from "../core/compiled.ts";
import { type LinkBuffers, type LinkTimes, ShardLink } from "./shard-link.ts";
import { shardViews } from "./shard-storage.ts";

/** A run to split: a plan (or its no-plan baseline) on a synthetic population. */
export interface ShardedJob {
  plan: { text: string; file: string };
  baseline: boolean;
  customers: number;
  days: number;
  seed: number;
  start?: string;
  world?: Partial<WorldModel>;
  record: "none" | "rows" | "explained"; // rows: a Recorder; explained: an ExplainRecorder (messages' why)
  /** Only what a no-plan baseline's figures need (revenue, daily revenue, events): nothing per customer. */
  figures?: boolean;
  /** Only what a summary needs (counts, money, end figures: engine/parallel/merge-figures.ts): nothing per customer. */
  summary?: boolean;
}

/**
 * Where one shard's time went in a run, milliseconds: drawing its customers (0 for a pool's run on customers
 * drawn before), the simulation as a whole, and within it the waits and the ranking of ShardLink's `LinkTimes`.
 * Printed by `npx deno task bench` per worker (docs/performance.md).
 */
export type ShardTimes = LinkTimes & { draw: number; simulate: number };

/** A shard's part of a run's summary: its counters (per-customer tallies left out) and end figures; money in units. */
export interface ShardSummary {
  summary: true;
  describe: string;
  metrics: Metrics; // a structured clone without its per-customer arrays (`customers` 0): what Metrics.absorb sums
  world: WorldCounters;
  end: EndFigures;
  events: number;
  coercions: Record<string, number>;
  peakMemory: number;
  times: ShardTimes;
}

/** A shard's part of a baseline's figures; money in units (engine/sim/money.ts). */
export interface ShardFigures {
  figures: true;
  revenue: number;
  dailyRevenue: Float64Array;
  events: number;
  peakMemory: number;
  times: ShardTimes;
}

export interface ShardMessage {
  job: ShardedJob;
  shard: number;
  shards: number;
  lo: number;
  hi: number;
  link: LinkBuffers;
}

/** The table's arrays a merged run needs (summary, customers table): its records and start consents; journeys and ledgers stay behind. */
export const TABLE_COLUMNS = ["rows", "consent0"] as const;

/** A recorder's columns as data (customers at the shard's table index); `why` from an ExplainRecorder. */
export type Rows = Pick<Recorder, typeof ROW_COLUMNS[number]> & { why?: string[] };
export const ROW_COLUMNS = ["mTime", "mCust", "mSend", "mStatus", "mRule", "mCost", "mAt", "eTime", "eCust", "eType", "eChannel", "eProgram", "eSend", "eValue"] as const;

export interface ShardResult {
  lo: number;
  hi: number;
  peakMemory: number; // bytes: the worker's V8 heap in use plus its array buffers, at its peak
  times: ShardTimes;
  describe: string;
  ids: string[];
  table: Record<typeof TABLE_COLUMNS[number], ArrayLike<number>>;
  traits: Traits;
  stageStart: Uint8Array;
  metrics: Metrics; // a structured clone: data only
  world: WorldCounters;
  events: number;
  coercions: Record<string, number>;
  rows: Rows | null;
}

/** Runs one shard; `onDay` reports the simulated days (the coordinator shows shard 0's). */
export function runShard(msg: ShardMessage, onDay?: (day: number, days: number) => void): ShardResult | ShardFigures | ShardSummary {
  const { plan } = shardPlan(msg.job), t0 = performance.now();
  const { link, population } = drawShard(msg, plan.journeys.length);
  return simulateShard(msg, link, population, onDay, performance.now() - t0);
}

/** Journey slots a job's plan needs per customer. */
export const jobJourneys = (job: ShardedJob): number => shardPlan(job).plan.journeys.length;

/**
 * The compiled plan a job runs (the plan, or its no-plan baseline) and its world. A worker that stays
 * (engine/parallel/shard-pool.ts) is asked for the same plan again and again (a tuner's slider going
 * back and forth, the journeys asked before the run): the last few are kept, parsed once. A compiled
 * plan is read, never written, by a run, as when `sweep` runs one plan on several seeds.
 */
function shardPlan(job: ShardedJob): { plan: CompiledPlan; world: WorldModel } {
  const key = `${job.baseline ? "baseline" : "plan"}\u0000${job.plan.file}\u0000${JSON.stringify(job.world ?? null)}\u0000${job.plan.text}`;
  let hit = parsed.get(key);
  if (hit) parsed.delete(key); // re-inserted: the map's order is the order of use
  else {
    const loaded = parsePlan(job.plan.text, job.plan.file);
    hit = { plan: job.baseline ? baselinePlan(loaded.plan) : loaded.compiled, world: planWorld(loaded, job.world) };
  }
  parsed.set(key, hit);
  if (parsed.size > 8) parsed.delete(parsed.keys().next().value!);
  return hit;
}
const parsed = new Map<string, { plan: CompiledPlan; world: WorldModel }>();

/** This shard's customers, drawn as in the whole population (the RFM cuts exchanged with the other shards). */
export function drawShard(msg: ShardMessage, journeys: number, link = new ShardLink(msg.link, msg.shard, msg.shards, msg.lo, msg.hi, msg.job.customers)): { link: ShardLink; population: Population } {
  const { job, lo, hi } = msg;
  const { world } = shardPlan(job);
  const population = syntheticPopulation({
    customers: job.customers, seed: job.seed, start: parseDate(job.start ?? DEFAULT_START)!, days: job.days, journeys, world,
    shard: { lo, hi, rfmCuts: link.rfmCuts, storage: msg.link.storage && shardViews(msg.link.storage, lo, hi) },
  });
  link.shareKeys(population.table.key);
  return { link, population };
}

/** Simulates `msg.job` on this shard's population (updated in place: pass a copy to keep one). */
export function simulateShard(msg: ShardMessage, link: ShardLink, population: Population, onDay?: (day: number, days: number) => void, drawMs = 0): ShardResult | ShardFigures | ShardSummary {
  const { job, lo, hi } = msg, before = { ...link.times }, t0 = performance.now();
  const { plan, world } = shardPlan(job);
  const start = parseDate(job.start ?? DEFAULT_START)!;
  const recorder = job.record === "explained" ? new ExplainRecorder(plan, population.table) : job.record === "rows" ? new Recorder() : undefined;
  // this worker's memory (its isolate's heap and the buffers it holds), sampled each simulated day; a
  // summary job (a tuner's move, where every millisecond counts and nobody reads it) samples weekly:
  // Deno.memoryUsage costs ≈ 30 µs, 12 ms over a year
  let peakMemory = 0;
  const sample = () => {
    const m = Deno.memoryUsage();
    peakMemory = Math.max(peakMemory, m.heapUsed + m.external);
  };
  const run = simulate(plan, population, {
    seed: job.seed, start, days: job.days, world, recorder, revenueOnly: job.figures, shard: { startRun: link.startRun, sumDay: link.sumDay, pickBest: link.pickBest },
    onDay: (d, n) => (job.summary && d % 7 ? 0 : sample(), onDay?.(d, n)),
  });
  sample();
  const times: ShardTimes = {
    draw: drawMs, simulate: performance.now() - t0,
    barrier: link.times.barrier - before.barrier, reputation: link.times.reputation - before.reputation, ranking: link.times.ranking - before.ranking,
  };
  if (job.figures) return { figures: true, revenue: run.metrics.revenue, dailyRevenue: run.metrics.daily.revenue, events: run.events, peakMemory, times };
  if (job.summary) {
    return {
      summary: true, describe: population.describe, metrics: withoutCustomers(run.metrics), world: worldCounters(run.metrics),
      end: endFigures(population, start, job.days, world), events: run.events, coercions: run.coercions, peakMemory, times,
    };
  }
  const t = population.table;
  const table = Object.fromEntries(TABLE_COLUMNS.map((k) => [k, t[k]])) as unknown as ShardResult["table"];
  return {
    lo, hi, peakMemory, times, describe: population.describe, ids: t.ids, table, traits: population.traits, stageStart: run.stageStart,
    metrics: run.metrics, world: worldCounters(run.metrics), events: run.events, coercions: run.coercions,
    rows: recorder ? { ...Object.fromEntries(ROW_COLUMNS.map((k) => [k, recorder[k]])) as Rows, why: (recorder as Partial<ExplainRecorder>).why } : null,
  };
}

/** The ArrayBuffers of a result's typed arrays, to transfer rather than copy. */
export function transferables(r: ShardResult | ShardFigures | ShardSummary): ArrayBuffer[] {
  if ("figures" in r) return [r.dailyRevenue.buffer as ArrayBuffer];
  if ("summary" in r) return []; // a few kilobytes of series and histograms: copied
  const seen = new Set<ArrayBuffer>();
  const take = (o: object) => {
    for (const v of Object.values(o)) if (ArrayBuffer.isView(v) && v.buffer instanceof ArrayBuffer) seen.add(v.buffer);
  };
  take(r.table), take(r.traits), take(r.metrics), take(r.metrics.daily), take({ s: r.stageStart });
  return [...seen];
}
