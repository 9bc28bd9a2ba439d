/**
 * The simulator's queue in lanes: customers split into contiguous ranges, each range with its own event
 * queue, and each day drained lane after lane instead of all customers' events in one time order.
 *
 * Why: at a million customers the customers' state (≈ 40 arrays) and the event records are far beyond
 * the CPU caches, and an event in time order lands on a random customer: nearly every handler waits on
 * memory. A lane of a few tens of thousands of customers keeps its customers' rows and its records in
 * cache while it is drained (docs/performance.md, "Lanes").
 *
 * Why the results do not change: draining lane after lane within a day is what a run split across
 * workers does (engine/parallel/sharded-run.ts), and every coupling between customers is resolved at
 * the same points for it — campaign days and targeted audiences before a day's events, the sender's
 * reputation at the day's end, money in integer units, recorded rows sorted canonically — and so holds
 * for lanes too. A plan with a channel capacity (a counter consumed in event order by every customer)
 * runs in one lane, as it runs on one thread. A customer's own events stay in one queue, in the same
 * order, so the sequence of its draws is the same.
 */
import { EventQueue, type Prefetch } from "./event-queue.ts";

/** What a handler needs of the queue: pushing a customer's event (engine/sim/world.ts, engine/sim/plan-events.ts). */
export interface QueuePush {
  readonly start: number;
  readonly end: number;
  push(time: number, kind: number, cust: number, a?: number, b?: number, d?: number, e?: number): number;
}

/**
 * Customers per lane by default: at 1,000,000 × 365 on this project's machine, with a day's customers read
 * ahead (engine/sim/prefetch.ts), 16,384 ran 0.95 of 32,768's time with 2 workers and 8,192 alike
 * (docs/performance.md, "Fourteenth session"); fewer costs a scan of the day's minutes per lane.
 */
export const LANE_WIDTH = 16_384;

export class LaneQueue implements QueuePush {
  /** Lane l holds the events of customers l·width … (l+1)·width − 1. */
  readonly lanes: EventQueue[];
  private readonly shift: number;

  /**
   * `width`: customers per lane, a power of two (rounded up); `slotsPerCustomer`: event records allocated
   * up front per customer (each lane's pool still grows if a plan needs more).
   */
  constructor(readonly start: number, readonly end: number, customers: number, width: number, slotsPerCustomer: number) {
    if (!(width >= 1)) throw new RangeError(`lane width: expected a number of customers ≥ 1, got ${width}`);
    this.shift = Math.ceil(Math.log2(Math.min(width, Math.max(1, customers))));
    const size = 2 ** this.shift, count = Math.max(1, Math.ceil(customers / size));
    this.lanes = Array.from({ length: count }, (_, l) => new EventQueue(start, end, slotsPerCustomer * Math.min(size, customers - l * size)));
  }

  /** Every lane reads its day's customers ahead with `f` (engine/sim/prefetch.ts). */
  prefetch(f: Prefetch): void {
    for (const lane of this.lanes) lane.prefetch = f;
  }

  push(time: number, kind: number, cust: number, a = 0, b = 0, d = 0, e = 0): number {
    return this.lanes[cust >>> this.shift].push(time, kind, cust, a, b, d, e);
  }
}
