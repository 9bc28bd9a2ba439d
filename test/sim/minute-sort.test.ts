/**
 * One minute's events in the queue's order (engine/sim/minute-sort.ts, issue 14 #2, third session):
 * (kind, customer, place in the bucket), the place standing for the push sequence. Small minutes take
 * an insertion sort, larger ones the runtime's numeric sort of packed keys, and a minute of 2^24 events
 * or more a stable comparator sort: each is checked against a plain model sort.
 */
import { describe, expect, it } from "vitest";
import { seeded } from "../helpers.ts";
import { sortLarge, sortMinute } from "../../engine/sim/minute-sort.ts";
import { EventQueue } from "../../engine/sim/event-queue.ts";
import { DAY } from "../../engine/core/time.ts";

const START = 29_452_320; // 2026-01-01T00:00Z in minutes

/** A bucket of `n` ids into a pool of 2n slots, with kinds and customers drawn so that ties are common. */
function bucket(n: number, seed: number) {
  const u = seeded(seed), kind = new Uint8Array(2 * n), cust = new Int32Array(2 * n), ids: number[] = [];
  for (let i = 0; i < n; i++) {
    const id = Math.floor(u() * 2 * n);
    if (ids.includes(id)) continue;
    kind[id] = Math.floor(u() * 16), cust[id] = i % 3 ? Math.floor(u() * 8) : 33_554_431 - Math.floor(u() * 3);
    ids.push(id);
  }
  const model = ids.map((id, place) => ({ id, place })).sort((x, y) => kind[x.id] - kind[y.id] || cust[x.id] - cust[y.id] || x.place - y.place);
  const records = new Int32Array(4 * n); // the queue's records, reduced to (kind, customer)
  for (let id = 0; id < 2 * n; id++) records[2 * id] = kind[id], records[2 * id + 1] = cust[id];
  return { ids, records, want: model.map((x) => x.id) };
}

describe("sortMinute", () => {
  for (const n of [1, 2, 24, 25, 3000]) {
    it(`orders a minute of ${n} events by kind, then customer, then place (ties kept in push order)`, () => {
      const { ids, records, want } = bucket(n, n);
      const out = new Int32Array(ids.length), keys = new Float64Array(ids.length);
      sortMinute(Int32Array.from(ids), records, 2, 0, 1, keys, out);
      expect(Array.from(out)).toEqual(want);
    });
  }

  it("a minute with a customer past the packed key's room (2^25) is still in order", () => {
    const { ids, records, want } = bucket(300, 7);
    // one customer beyond 33,554,431 would overflow into the kind's bits of the packed key
    records[2 * ids[0] + 1] = 40_000_000;
    const model = ids.map((id, place) => ({ id, place, k: records[2 * id], c: records[2 * id + 1] }))
      .sort((x, y) => x.k - y.k || x.c - y.c || x.place - y.place).map((x) => x.id);
    expect(model).not.toEqual(want); // the large customer moved
    const out = new Int32Array(ids.length), keys = new Float64Array(ids.length);
    sortMinute(Int32Array.from(ids), records, 2, 0, 1, keys, out);
    expect(Array.from(out)).toEqual(model);
  });

  it("the comparator sort for minutes past 2^24 events gives the same order", () => {
    const { ids, records, want } = bucket(3000, 5);
    const out = new Int32Array(ids.length);
    sortLarge(Int32Array.from(ids), records, 2, 0, 1, out);
    expect(Array.from(out)).toEqual(want);
  });

  it("a queue drains a minute of 5,000 events, with pushes into that minute while it drains, in (kind, customer, sequence) order", () => {
    const u = seeded(3), q = new EventQueue(START, START + 2 * DAY), t = START + DAY + 540;
    type Ev = { kind: number; cust: number; seq: number };
    const before = (x: Ev, y: Ev) => x.kind - y.kind || x.cust - y.cust || x.seq - y.seq;
    const queued: Ev[] = []; // the model: what is queued, kept in order
    let seq = 0, late = 0, popped = 0;
    const push = () => {
      const ev = { kind: Math.floor(u() * 16), cust: Math.floor(u() * 40), seq: seq++ };
      q.push(t, ev.kind, ev.cust, ev.seq);
      const at = queued.findIndex((x) => before(ev, x) < 0);
      queued.splice(at < 0 ? queued.length : at, 0, ev);
    };
    for (let i = 0; i < 5000; i++) push();
    for (let id = q.popBefore(t + 1); id >= 0; id = q.popBefore(t + 1)) {
      expect(q.a(id)).toBe(queued.shift()!.seq);
      q.release(id);
      if (++popped % 16 === 0 && late < 300) push(), late++; // into the minute being drained: some sort before what is left
    }
    expect(queued).toEqual([]);
    expect(late).toBe(300);
  });
});
