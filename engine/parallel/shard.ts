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
import { Metrics } from "../sim/metrics.ts";
import { type Population, syntheticPopulation, type Traits } from "../sim/population.ts";
import { Recorder } from "../sim/recorder.ts";
import { baselinePlan, DEFAULT_START } from "../sim/run.ts";
import { simulate } from "../sim/simulate.ts";
import { type WorldCounters, worldCounters } from "../sim/world-metrics.ts";
import { type LinkBuffers, ShardLink } from "./shard-link.ts";

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
}

/** A shard's part of a baseline's figures; money in units (engine/sim/money.ts). */
export interface ShardFigures {
  figures: true;
  revenue: number;
  dailyRevenue: Float64Array;
  events: number;
  peakMemory: number;
}

export interface ShardMessage {
  job: ShardedJob;
  shard: number;
  shards: number;
  lo: number;
  hi: number;
  link: LinkBuffers;
}

/** The table columns a merged run needs (summary, customers table); journeys and ledgers stay behind. */
export const TABLE_COLUMNS = [
  "key", "tz", "signup", "consent", "consent0", "reach", "orders", "revenue", "lastPurchase", "lastVisit", "lastOpen", "lastClick",
  "lastContact", "lastSeen", "gone", "birthday", "score", "limit", "rfm",
] as const;

/** A recorder's columns as data (customers at the shard's table index); `why` from an ExplainRecorder. */
export type Rows = Pick<Recorder, typeof ROW_COLUMNS[number]> & { why?: string[] };
export const ROW_COLUMNS = ["mTime", "mCust", "mSend", "mStatus", "mRule", "mCost", "mAt", "eTime", "eCust", "eType", "eChannel", "eProgram", "eSend", "eValue"] as const;

export interface ShardResult {
  lo: number;
  hi: number;
  peakMemory: number; // bytes: the worker's V8 heap in use plus its array buffers, at its peak
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
export function runShard(msg: ShardMessage, onDay?: (day: number, days: number) => void): ShardResult | ShardFigures {
  const { plan } = shardPlan(msg.job);
  const { link, population } = drawShard(msg, plan.journeys.length);
  return simulateShard(msg, link, population, onDay);
}

/** Journey slots a job's plan needs per customer. */
export const jobJourneys = (job: ShardedJob): number => shardPlan(job).plan.journeys.length;

/** The compiled plan a job runs (the plan, or its no-plan baseline) and its world. */
function shardPlan(job: ShardedJob) {
  const loaded = parsePlan(job.plan.text, job.plan.file);
  return { plan: job.baseline ? baselinePlan(loaded.plan) : loaded.compiled, world: planWorld(loaded, job.world) };
}

/** This shard's customers, drawn as in the whole population (the RFM cuts exchanged with the other shards). */
export function drawShard(msg: ShardMessage, journeys: number, link = new ShardLink(msg.link, msg.shard, msg.shards, msg.lo, msg.hi, msg.job.customers)): { link: ShardLink; population: Population } {
  const { job, lo, hi } = msg;
  const { world } = shardPlan(job);
  const population = syntheticPopulation({
    customers: job.customers, seed: job.seed, start: parseDate(job.start ?? DEFAULT_START)!, days: job.days, journeys, world,
    shard: { lo, hi, rfmCuts: link.rfmCuts },
  });
  link.shareKeys(population.table.key);
  return { link, population };
}

/** Simulates `msg.job` on this shard's population (updated in place: pass a copy to keep one). */
export function simulateShard(msg: ShardMessage, link: ShardLink, population: Population, onDay?: (day: number, days: number) => void): ShardResult | ShardFigures {
  const { job, lo, hi } = msg;
  const { plan, world } = shardPlan(job);
  const start = parseDate(job.start ?? DEFAULT_START)!;
  const recorder = job.record === "explained" ? new ExplainRecorder(plan, population.table) : job.record === "rows" ? new Recorder() : undefined;
  // this worker's memory (its isolate's heap and the buffers it holds), sampled each simulated day
  let peakMemory = 0;
  const sample = () => {
    const m = Deno.memoryUsage();
    peakMemory = Math.max(peakMemory, m.heapUsed + m.external);
  };
  const run = simulate(plan, population, {
    seed: job.seed, start, days: job.days, world, recorder, shard: { sumDay: link.sumDay, pickBest: link.pickBest },
    onDay: (d, n) => (sample(), onDay?.(d, n)),
  });
  sample();
  if (job.figures) return { figures: true, revenue: run.metrics.revenue, dailyRevenue: run.metrics.daily.revenue, events: run.events, peakMemory };
  const t = population.table;
  const table = Object.fromEntries(TABLE_COLUMNS.map((k) => [k, t[k]])) as unknown as ShardResult["table"];
  return {
    lo, hi, peakMemory, describe: population.describe, ids: t.ids, table, traits: population.traits, stageStart: run.stageStart,
    metrics: run.metrics, world: worldCounters(run.metrics), events: run.events, coercions: run.coercions,
    rows: recorder ? { ...Object.fromEntries(ROW_COLUMNS.map((k) => [k, recorder[k]])) as Rows, why: (recorder as Partial<ExplainRecorder>).why } : null,
  };
}

/** The ArrayBuffers of a result's typed arrays, to transfer rather than copy. */
export function transferables(r: ShardResult | ShardFigures): ArrayBuffer[] {
  if ("figures" in r) return [r.dailyRevenue.buffer as ArrayBuffer];
  const seen = new Set<ArrayBuffer>();
  const take = (o: object) => {
    for (const v of Object.values(o)) if (ArrayBuffer.isView(v) && v.buffer instanceof ArrayBuffer) seen.add(v.buffer);
  };
  take(r.table), take(r.traits), take(r.metrics), take(r.metrics.daily), take({ s: r.stageStart });
  return [...seen];
}
