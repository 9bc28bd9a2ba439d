/**
 * The order of simultaneous events is a documented key — (time, kind, customer, sequence) — that a live
 * driver can reproduce, never an accident of insertion (issue 9 #19).
 */
import { describe, expect, it } from "vitest";
import { EventQueue } from "../../engine/sim/event-queue.ts";
import { K_CART, K_DUE, K_ORGANIC_PURCHASE, K_TIMER } from "../../engine/sim/kinds.ts";
import { DAY } from "../../engine/core/time.ts";

const START = 29_000_000; // minutes, a day boundary is not needed

function drain(q: EventQueue): string[] {
  const out: string[] = [];
  for (let id = q.popBefore(Infinity); id >= 0; id = q.popBefore(Infinity)) {
    out.push(`${q.time(id) - START}:${q.kind(id)}:${q.cust(id)}:${q.a(id)}`);
    q.release(id);
  }
  return out;
}

/** A seeded shuffle (no Math.random in tests either: failures must replay). */
function shuffled<T>(xs: T[], seed: number): T[] {
  const a = [...xs];
  let s = seed;
  for (let i = a.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) >>> 0;
    const j = s % (i + 1);
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

describe("event order", () => {
  // events that differ in time, kind or customer (the sequence only breaks full ties)
  const events: [number, number, number, number][] = [];
  for (let t = 0; t < 3; t++) {
    for (const kind of [K_ORGANIC_PURCHASE, K_CART, K_TIMER, K_DUE]) {
      for (let c = 0; c < 4; c++) events.push([t * 30 + (c % 2) * DAY, kind, c, events.length]);
    }
  }

  it("pops the same order whatever the order of insertion", () => {
    const orders = [1, 2, 3, 4, 5].map((seed) => {
      const q = new EventQueue(START, START + 10 * DAY);
      for (const [t, kind, c, a] of shuffled(events, seed)) q.push(START + t, kind, c, a);
      return drain(q);
    });
    for (const o of orders) expect(o).toEqual(orders[0]);
    // and that order is (time, kind, customer)
    const sorted = [...events].sort((x, y) => x[0] - y[0] || x[1] - y[1] || x[2] - y[2]).map(([t, k, c, a]) => `${t}:${k}:${c}:${a}`);
    expect(orders[0]).toEqual(sorted);
  });

  it("puts a customer's purchase before the plan's timer at the same minute: the kind decides, not insertion", () => {
    // the timer was queued a day earlier (a journey's wait), the purchase just now
    const q = new EventQueue(START, START + 10 * DAY);
    q.push(START + DAY, K_TIMER, 7, 1);
    q.push(START + DAY, K_ORGANIC_PURCHASE, 7, 2);
    expect(drain(q)).toEqual([`${DAY}:${K_ORGANIC_PURCHASE}:7:2`, `${DAY}:${K_TIMER}:7:1`]);
    // without kind in the key, the same pushes come out in insertion order: the reminder before the purchase
    const kindless = new EventQueue(START, START + 10 * DAY);
    kindless.push(START + DAY, K_TIMER, 7, 1);
    kindless.push(START + DAY, K_TIMER, 7, 2);
    expect(drain(kindless).map((x) => x.split(":")[3])).toEqual(["1", "2"]);
  });

  it("orders simultaneous customers by their place in the table, which is their id order for simulated customers", () => {
    const q = new EventQueue(START, START + DAY);
    for (const c of [3, 1, 2, 0]) q.push(START + 60, K_CART, c);
    expect(drain(q).map((x) => Number(x.split(":")[2]))).toEqual([0, 1, 2, 3]);
  });
});
