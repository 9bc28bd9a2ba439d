/**
 * The shards' summary parts (engine/parallel/shard.ts, `summary` jobs) merged into the figures of one
 * run, as if one thread had run the whole population: the counters summed exactly as
 * engine/parallel/merge-shards.ts sums them (money still in units, settled once here), the end figures
 * added up. Nothing per customer crosses between threads, so a tuner's move costs the coordinator a
 * few kilobytes of counters instead of every customer's table (`summarise` reads nothing else).
 */
import type { CompiledPlan } from "../core/compiled.ts";
import { addEndFigures } from "../sim/end-figures.ts";
import { Metrics } from "../sim/metrics.ts";
import { settleMoney } from "../sim/money.ts";
import type { FiguresRun } from "../sim/run.ts";
import { type WorldCounters, worldCounters } from "../sim/world-metrics.ts";
import type { ShardSummary } from "./shard.ts";

/** Adds a shard's world counters (money in units) to `into`. */
export function addWorld(into: WorldCounters, part: WorldCounters): void {
  for (const k of Object.keys(into) as (keyof WorldCounters)[]) if (typeof into[k] === "number") (into[k] as number) += part[k] as number;
  into.programs.forEach((w, i) => {
    for (const k of Object.keys(w) as (keyof typeof w)[]) w[k] += part.programs[i][k];
  });
}

/** Coercion counts of several shards, summed by label, labels sorted. */
export function addCoercions(parts: Record<string, number>[]): Record<string, number> {
  const all = new Map<string, number>();
  for (const p of parts) for (const [label, count] of Object.entries(p)) all.set(label, (all.get(label) ?? 0) + count);
  return Object.fromEntries([...all].sort(([a], [b]) => (a < b ? -1 : 1)));
}

export function mergeSummaries(parts: ShardSummary[], o: { plan: CompiledPlan; seed: number; start: number; days: number; wallMs: number }): FiguresRun {
  const metrics = new Metrics(0, o.days, o.plan.names.programs, o.plan.names.channels), world = worldCounters(metrics);
  let events = 0;
  for (const p of parts) {
    metrics.absorb(p.metrics, 0);
    addWorld(world, p.world);
    events += p.events;
  }
  settleMoney(metrics);
  return {
    plan: o.plan, population: { describe: parts[0].describe }, seed: o.seed, start: o.start, days: o.days, metrics, events, wallMs: o.wallMs,
    shardMemory: parts.map((p) => p.peakMemory), shardTimes: parts.map((p) => p.times), coercions: addCoercions(parts.map((p) => p.coercions)), end: addEndFigures(parts.map((p) => p.end)),
  };
}
