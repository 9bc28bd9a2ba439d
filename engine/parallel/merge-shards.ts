/**
 * The shards of a run (engine/parallel/shard.ts) merged into one SimulationRun, as if one thread had
 * run the whole population: the table, traits and per-customer figures laid side by side (shards hold
 * contiguous ranges, in order; columns the shards drew in shared memory are side by side there already),
 * counts and money summed (money still in whole units, settled once here: engine/sim/money.ts),
 * coercions summed by label, recorded rows appended with their customers moved to their place in the
 * whole population, then sorted canonically (engine/sim/recorder-order.ts).
 */
import type { CompiledPlan } from "../core/compiled.ts";
import { CustomerTable } from "../core/customer-table.ts";
import { Metrics } from "../sim/metrics.ts";
import { settleMoney } from "../sim/money.ts";
import { newTraits, TRAIT_STORAGE } from "../sim/population.ts";
import type { Recorder } from "../sim/recorder.ts";
import type { SimulationRun } from "../sim/simulate.ts";
import { worldCounters } from "../sim/world-metrics.ts";
import { ROW_COLUMNS, type ShardResult, TABLE_COLUMNS } from "./shard.ts";
import { addCoercions, addWorld } from "./merge-figures.ts";
import { type Column, joined, type ShardStorage, width } from "./shard-storage.ts";

export interface MergeOptions {
  plan: CompiledPlan;
  seed: number;
  start: number;
  days: number;
  /** Where the shards drew their customers (engine/parallel/shard-storage.ts): columns still there are read in place. */
  storage?: ShardStorage;
  /** Filled with every shard's rows (customers at their place in the whole population), unsorted. */
  recorder?: Recorder;
  wallMs: number;
}

export function mergeShards(parts: ShardResult[], o: MergeOptions): SimulationRun {
  const n = parts[parts.length - 1].hi, los = parts.map((p) => p.lo);
  // columns the shards drew in shared memory are read where they are (engine/parallel/shard-storage.ts)
  const inPlace = (of: (p: ShardResult) => Record<string, unknown>, keys: readonly string[], buffers?: Record<string, SharedArrayBuffer>) =>
    Object.fromEntries(keys.map((k) => [k, joined(buffers?.[k], parts.map((p) => of(p)[k] as Column), los, k)]).filter(([, v]) => v));
  const sharedTable = inPlace((p) => p.table, TABLE_COLUMNS, o.storage?.table);
  const sharedTraits = inPlace((p) => p.traits as unknown as Record<string, unknown>, TRAIT_STORAGE, o.storage?.traits);
  const table = new CustomerTable(n, 0, { columns: sharedTable, fresh: false }), traits = newTraits(n, sharedTraits);
  const stageStart = new Uint8Array(n);
  table.size = n;
  const metrics = new Metrics(n, o.days, o.plan.names.programs, o.plan.names.channels), world = worldCounters(metrics);
  let events = 0;
  table.ids = ([] as string[]).concat(...parts.map((p) => p.ids)); // one copy, not a push per customer
  for (const p of parts) {
    for (const k of TABLE_COLUMNS) if (!(k in sharedTable)) (table[k] as Uint8Array).set(p.table[k] as Uint8Array, p.lo * width(k));
    for (const k of TRAIT_STORAGE) if (!(k in sharedTraits)) (traits[k] as Uint8Array).set(p.traits[k] as Uint8Array, p.lo * width(k));
    stageStart.set(p.stageStart, p.lo);
    metrics.absorb(p.metrics, p.lo);
    addWorld(world, p.world);
    events += p.events;
    if (o.recorder && p.rows) appendRows(o.recorder, p, p.lo);
  }
  settleMoney(metrics);
  const population = { table, traits, size: n, describe: parts[0].describe };
  return {
    plan: o.plan, population, seed: o.seed, start: o.start, days: o.days, metrics, stageStart, events, wallMs: o.wallMs,
    shardMemory: parts.map((p) => p.peakMemory), shardTimes: parts.map((p) => p.times),
    coercions: addCoercions(parts.map((p) => p.coercions)),
  };
}

function appendRows(rec: Recorder, p: ShardResult, lo: number): void {
  const rows = p.rows!;
  for (const k of ROW_COLUMNS) {
    const into = rec[k] as unknown[], from = rows[k] as unknown[];
    const shift = k === "mCust" || k === "eCust";
    for (let i = 0; i < from.length; i++) into.push(shift ? (from[i] as number) + lo : from[i]);
  }
  const why = (rec as Recorder & { why?: string[] }).why;
  if (why && rows.why) for (const w of rows.why) why.push(w);
}
