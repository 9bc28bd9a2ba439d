/**
 * The simulator's event queue (engine/sim/event-queue.ts) against a plain sorted-array model: the order
 * (time, kind, customer, sequence) whether an event sits in a future day's bucket or the current day's
 * sorted minute and its heap of late pushes, events pushed while the queue is being drained, release and reuse of slots, growth past the
 * initial pool, and events at or after `end` dropped (issue 9 #24).
 */
import { describe, expect, it } from "vitest";
import { seeded } from "../helpers.ts";
import { AHEAD, EVENT_A, EVENT_CUST, EVENT_SLOT, EventQueue } from "../../engine/sim/event-queue.ts";
import { DAY, HOUR } from "../../engine/core/time.ts";

const START = 29_452_320; // 2026-01-01T00:00Z in minutes, a day boundary
type Ev = { time: number; kind: number; cust: number; seq: number; a: number };
const key = (x: Ev, y: Ev) => x.time - y.time || x.kind - y.kind || x.cust - y.cust || x.seq - y.seq;


describe("EventQueue", () => {
  it("drains day by day in (time, kind, customer, sequence) order, with events pushed while draining", () => {
    const u = seeded(7);
    const days = 30, q = new EventQueue(START, START + days * DAY);
    const model: Ev[] = [];
    let seq = 0, popped = 0, pushedLate = 0;
    const push = (time: number) => {
      const ev = { time, kind: Math.floor(u() * 16), cust: Math.floor(u() * 50), seq: seq++, a: seq };
      const id = q.push(ev.time, ev.kind, ev.cust, ev.a);
      if (time < START + days * DAY) {
        expect(id).toBeGreaterThanOrEqual(0);
        model.push(ev);
      } else expect(id).toBe(-1);
    };
    for (let i = 0; i < 2000; i++) push(START + Math.floor(u() * days * DAY)); // most in future buckets
    for (let d = 1; d <= days; d++) {
      const limit = START + d * DAY; // the simulator's day loop: popBefore(end of day)
      for (let id = q.popBefore(limit); id >= 0; id = q.popBefore(limit)) {
        model.sort(key);
        const want = model.shift()!;
        expect({ time: q.time(id), kind: q.kind(id), cust: q.cust(id), a: q.a(id) }).toEqual({ time: want.time, kind: want.kind, cust: want.cust, a: want.a });
        expect(want.time).toBeLessThan(limit);
        const now = q.time(id);
        q.release(id);
        popped++;
        // reactions: at the same minute (into the heap), later today, or some days ahead (a bucket)
        if (u() < 0.5) {
          push(now + [0, 0, 1, HOUR, 3 * DAY, 40 * DAY][Math.floor(u() * 6)]);
          pushedLate++;
        }
      }
      expect(model.filter((e) => e.time < limit)).toEqual([]); // nothing before the limit left behind
    }
    expect(model).toEqual([]);
    expect(q.size).toBe(0);
    expect(popped).toBeGreaterThan(2000);
    expect(pushedLate).toBeGreaterThan(500);
  });

  it("breaks full ties by insertion sequence, and a later-pushed smaller kind at the same minute goes first", () => {
    const q = new EventQueue(START, START + 10 * DAY);
    const t = START + 2 * DAY + 600;
    q.push(t, 15, 3, 1), q.push(t, 15, 3, 2), q.push(t, 4, 9, 3), q.push(t, 4, 2, 4), q.push(t - 1, 15, 99, 5);
    const order: number[] = [];
    const limit = START + 3 * DAY;
    for (let id = q.popBefore(limit); id >= 0; id = q.popBefore(limit)) {
      order.push(q.a(id));
      if (q.a(id) === 4) q.push(t, 0, 50, 6); // same minute, kind 0: before the remaining kind-4 and kind-15 events
      q.release(id);
    }
    expect(order).toEqual([5, 4, 6, 3, 1, 2]);
  });

  it("popBefore never returns an event at or after its limit, and keeps it for later", () => {
    const q = new EventQueue(START, START + 5 * DAY);
    q.push(START + DAY + 10, 1, 1, 1);
    q.push(START + DAY + 11, 1, 1, 2);
    expect(q.popBefore(START + DAY + 10)).toBe(-1);
    expect(q.size).toBe(2);
    const id = q.popBefore(START + DAY + 11);
    expect(q.a(id)).toBe(1);
    q.release(id);
    expect(q.popBefore(START + DAY + 11)).toBe(-1);
    expect(q.a(q.popBefore(Infinity))).toBe(2);
    expect(q.size).toBe(0);
    expect(q.popBefore(Infinity)).toBe(-1);
  });

  it("drops events at or after end, and counts what it accepts", () => {
    const end = START + 7 * DAY;
    const q = new EventQueue(START, end);
    expect(q.push(end, 0, 1)).toBe(-1);
    expect(q.push(end + DAY, 0, 1)).toBe(-1);
    expect(q.push(end - 1, 0, 1)).toBeGreaterThanOrEqual(0);
    expect(q.push(START, 0, 2)).toBeGreaterThanOrEqual(0);
    expect([q.size, q.pushed]).toEqual([2, 2]);
  });

  it("reuses released slots, never a slot still in use, and keeps every field when the pool grows", () => {
    const q = new EventQueue(START, START + 100 * DAY);
    const a = q.push(START + 5, 3, 7, 11, 2.5, 13, 17);
    const b = q.push(START + 6, 3, 7, 12);
    expect(a).not.toBe(b);
    const first = q.popBefore(Infinity);
    expect(first).toBe(a);
    // not released yet: a new event gets a fresh slot and a's fields stay readable
    const c = q.push(START + 7, 1, 1, 99);
    expect(c).not.toBe(a);
    expect([q.time(a), q.kind(a), q.cust(a), q.a(a), q.b(a), q.d(a), q.e(a)]).toEqual([START + 5, 3, 7, 11, 2.5, 13, 17]);
    q.release(a);
    const d = q.push(START + 8, 2, 2, 100, 0.5, 1, 2);
    expect(d).toBe(a); // the released slot, with the new event's fields
    expect([q.time(d), q.kind(d), q.cust(d), q.a(d), q.b(d), q.d(d), q.e(d)]).toEqual([START + 8, 2, 2, 100, 0.5, 1, 2]);
    // past the initial 65,536 slots: the arrays grow and keep what they held
    const n = 70_000;
    for (let i = 0; i < n; i++) q.push(START + DAY + (i % 5000), i % 16, i % 1000, i, i / 2, -i - 1, i * 3);
    const seen = new Set<number>();
    let last = -Infinity;
    for (let id = q.popBefore(Infinity); id >= 0; id = q.popBefore(Infinity)) {
      if (q.time(id) >= START + DAY) {
        const i = q.a(id);
        expect([q.kind(id), q.cust(id), q.b(id), q.d(id), q.e(id)]).toEqual([i % 16, i % 1000, i / 2, -i - 1, i * 3]);
        expect(q.time(id)).toBeGreaterThanOrEqual(last);
        last = q.time(id);
        seen.add(i);
      }
      q.release(id);
    }
    expect(seen.size).toBe(n);
  });

  it("keeps the order over a run that starts and ends mid-day, with slots released out of order and buckets refilled", () => {
    // buckets are lists threaded through the pool: a slot released late, or reused while other lists
    // hold events, must never splice one bucket into another
    const u = seeded(11), start = START + 17 * HOUR + 23, end = START + 12 * DAY + 5 * HOUR;
    const q = new EventQueue(start, end);
    const model: Ev[] = [];
    let seq = 0;
    const push = (time: number) => {
      const ev = { time, kind: Math.floor(u() * 16), cust: Math.floor(u() * 20), seq: seq++, a: seq };
      if (q.push(ev.time, ev.kind, ev.cust, ev.a) >= 0) model.push(ev);
    };
    for (let i = 0; i < 3000; i++) push(start + Math.floor(u() * (end - start + 2 * DAY)));
    const held: number[] = [];
    let popped = 0;
    for (let limit = Math.floor(start / DAY) * DAY + DAY; ; limit += DAY) {
      const to = Math.min(limit, end);
      for (let id = q.popBefore(to); id >= 0; id = q.popBefore(to)) {
        model.sort(key);
        const want = model.shift()!;
        expect([q.time(id), q.kind(id), q.cust(id), q.a(id)]).toEqual([want.time, want.kind, want.cust, want.a]);
        const now = q.time(id);
        popped++;
        held.push(id);
        // release a random earlier slot, not always the one just popped
        if (held.length > 5 || u() < 0.3) q.release(held.splice(Math.floor(u() * held.length), 1)[0]);
        if (u() < 0.6) push(now + [0, 2, 59, DAY, 2 * DAY + 7][Math.floor(u() * 5)]);
      }
      if (to === end) break;
    }
    expect(model).toEqual([]);
    expect(q.size).toBe(0);
    expect(popped).toBeGreaterThan(3000);
  });

  it("hands released slots out again: 10,000 events, never more than 8 at once, use 8 slots", () => {
    const q = new EventQueue(START, START + 30 * DAY), live: number[] = [];
    let maxId = -1;
    for (let i = 0; i < 10_000; i++) {
      // four at a time, in a shuffled order, so the free slots form a list of several
      if (live.length === 8) for (let k = 0; k < 4; k++) q.release(live.splice((i + 3 * k) % live.length, 1)[0]);
      const id = q.push(START + (i % 5000), 1, i % 7, i);
      maxId = Math.max(maxId, id);
      live.push(id);
    }
    expect(maxId).toBe(7);
  });
});

describe("EventQueue prefetch (engine/sim/prefetch.ts)", () => {
  it("hands every event of a day's bucket to the prefetch once, before it runs and at most AHEAD ahead, and changes no order", () => {
    const run = (withPrefetch: boolean) => {
      const u = seeded(11), days = 20, q = new EventQueue(START, START + days * DAY);
      const bucketed = new Set<number>(); // events (their `a`) pushed before their day began
      const given = new Map<number, number>(); // event → bucketed events run before it was given
      let ran = 0, a = 0;
      if (withPrefetch) {
        q.prefetch = (ints, ids, from, to) => {
          expect(to - from).toBeLessThanOrEqual(AHEAD + 8); // a window (the minute that runs, a few events here, and AHEAD after it), not the whole day
          for (let i = from; i < to; i++) {
            const ev = ints[ids[i] * EVENT_SLOT + EVENT_A];
            expect(given.has(ev)).toBe(false);
            expect(ints[ids[i] * EVENT_SLOT + EVENT_CUST]).toBe(q.cust(ids[i]));
            given.set(ev, ran);
          }
        };
      }
      const push = (time: number, today: number) => {
        if (Math.floor((time - START) / DAY) > today && time < START + days * DAY) bucketed.add(a); // (after the end: dropped)
        q.push(time, Math.floor(u() * 16), Math.floor(u() * 400), a++);
      };
      for (let i = 0; i < 6000; i++) push(START + Math.floor(u() * days * DAY), 0);
      const order: number[] = [];
      for (let d = 1; d <= days; d++) {
        for (let id = q.popBefore(START + d * DAY); id >= 0; id = q.popBefore(START + d * DAY)) {
          const ev = q.a(id), now = q.time(id);
          order.push(ev);
          if (withPrefetch) {
            expect(given.has(ev)).toBe(bucketed.has(ev)); // a day's bucket is read ahead; what the day pushes for itself is not
            if (bucketed.has(ev)) expect(ran - given.get(ev)!).toBeLessThanOrEqual(AHEAD + 8), ran++;
          }
          q.release(id);
          if (u() < 0.3) push(now + Math.floor(u() * 6 * HOUR), d - 1);
        }
      }
      return { order, given: given.size, bucketed: bucketed.size };
    };
    const plain = run(false), prefetched = run(true);
    expect(prefetched.order).toEqual(plain.order);
    expect(prefetched.given).toBe(prefetched.bucketed);
    expect(prefetched.bucketed).toBeGreaterThan(5000);
  });
});

describe("EventQueue day buckets", () => {
  it("keeps a few spread buckets for reuse, not every day's, and none grown large by the run's first days (regression: 134 MiB at a million customers)", () => {
    const u = seeded(5), days = 200, q = new EventQueue(START, START + days * DAY);
    // the start: 20,000 events over the next three days (every customer's first events), and one far ahead each day
    for (let i = 0; i < 20_000; i++) q.push(START + DAY + Math.floor(u() * 3 * DAY), 1, i % 500);
    for (let d = 1; d < days; d++) q.push(START + d * DAY + 600, 5, d % 500);
    let most = 0;
    for (let d = 1; d <= days; d++) {
      for (let id = q.popBefore(START + d * DAY); id >= 0; id = q.popBefore(START + d * DAY)) {
        const now = q.time(id);
        q.release(id);
        // steady state: each event pushes about one for the next days
        if (now >= START + 5 * DAY && u() < 0.9) q.push(now + DAY + Math.floor(u() * 2 * DAY), 3, q.cust(id));
      }
      // pushes for tomorrow and the day after: ≈ 100 a day from day 5 on
      if (d >= 5) for (let i = 0; i < 100; i++) q.push(START + (d + 1) * DAY + Math.floor(u() * DAY), 2, i);
      if (d > 10) most = Math.max(most, q.bucketRoom());
    }
    // about 200 days hold a bucket (128 ids each at first), a few near days ≈ 500 events, spares of ≤ 4,096:
    // the first days' 8,192-id buckets kept as spares held 49,664; a spare kept every day, 221,440
    expect(most).toBeLessThan(200 * 128 + 8 * 1024);
    expect(most).toBeGreaterThan(200 * 64);
  });
});
