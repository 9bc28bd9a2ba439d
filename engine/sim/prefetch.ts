/**
 * A run's customers read a few hundred events before their events run. At a million customers a
 * customer's state has left the CPU caches since its last event (about two weeks before), and each of
 * its records — its table record, its traits, its tallies, a timer's journey slot — cost a wait for memory
 * when a handler first read it: four or five waits one after the other, each the length of a trip to
 * memory, because the handler's code between them depends on what they return. Read ahead in one loop
 * of loads that depend on nothing, the trips overlap, and the handlers find the lines in the cache:
 * 0.84 of the CPU at 1,000,000 × 365, the same events in the same order (docs/performance.md,
 * "Fourteenth session"). The queue calls it with the day's events a window ahead of the one that runs
 * (engine/sim/event-queue.ts, `AHEAD`); it only reads, so the results cannot depend on it.
 */
import { J4, type CustomerTable } from "../core/customer-table.ts";
import { PER4 } from "../core/record.ts";
import { EVENT_A, EVENT_CUST, EVENT_KIND, EVENT_SLOT, type Prefetch } from "./event-queue.ts";
import { K_TIMER } from "./kinds.ts";
import { TR4, type Traits } from "./population.ts";
import { T4 } from "./metrics.ts";

/** 4-byte elements in a cache line: a record longer than a line is read once a line. */
const LINE4 = 16;

/** Reads each event's customer's records (and a journey timer's slot) from a table, its traits and a run's tallies. */
export function customerPrefetch(table: CustomerTable, traits: Traits, tallies: Uint8Array): Prefetch {
  const ints = (a: Uint8Array) => new Int32Array(a.buffer, a.byteOffset, a.length >> 2);
  const rows = ints(table.rows), records = ints(traits.records), tally = ints(tallies), slots = ints(table.slots), journeys = table.journeys;
  let sum = 0; // kept, so that no read can be dropped as unused
  return (events, ids, from, to) => {
    let s = 0;
    for (let i = from; i < to; i++) {
      const at = ids[i] * EVENT_SLOT, c = events[at + EVENT_CUST], r = c * TR4;
      // a record's first and last elements (it may straddle two lines), and one per line between
      s = (s + rows[c * PER4] + rows[c * PER4 + PER4 - 1] + records[r] + records[r + LINE4] + records[r + TR4 - 1] + tally[c * T4] + tally[c * T4 + T4 - 1]) | 0;
      if (events[at + EVENT_KIND] === K_TIMER) s = (s + slots[(c * journeys + events[at + EVENT_A]) * J4]) | 0;
    }
    sum ^= s;
  };
}
