/**
 * Channel capacity: contacts per (day in the plan's timezone, channel), shared by every customer. It is
 * explicit state, handed to the core, so that a live driver can persist it (`toJSON` / `fromJSON`) and
 * the simulator keep it in memory.
 */
import type { CompiledPlan } from "./compiled.ts";

/**
 * True when the plan caps a channel's contacts per day: a counter every customer consumes in event
 * order, so that such a plan's customers are neither split across workers nor drained in lanes.
 */
export const sharesCapacity = (plan: CompiledPlan): boolean => plan.channels.some((ch) => ch && ch.capacity !== null);

export interface CapacityState {
  used(day: number, channel: number): number;
  /** Adds `delta` (1 to reserve a slot, -1 to give one back) to the day's count. */
  add(day: number, channel: number, delta: number): void;
}

/** The in-memory implementation: one map entry per (day, channel) used. */
export class MemoryCapacity implements CapacityState {
  private readonly counts = new Map<number, number>();

  used(day: number, channel: number): number {
    return this.counts.get(day * 8 + channel) ?? 0;
  }

  add(day: number, channel: number, delta: number): void {
    const key = day * 8 + channel, n = (this.counts.get(key) ?? 0) + delta;
    if (n > 0) this.counts.set(key, n);
    else this.counts.delete(key);
  }

  /** `{ "<day>:<channel>": count }`, sorted, for a store. */
  toJSON(): Record<string, number> {
    const keys = [...this.counts.keys()].sort((a, b) => a - b);
    return Object.fromEntries(keys.map((k) => [`${Math.floor(k / 8)}:${k % 8}`, this.counts.get(k)!]));
  }

  static fromJSON(o: Record<string, number>): MemoryCapacity {
    const m = new MemoryCapacity();
    for (const [k, n] of Object.entries(o)) {
      const [day, channel] = k.split(":").map(Number);
      m.add(day, channel, n);
    }
    return m;
  }
}
