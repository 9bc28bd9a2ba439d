/**
 * The live driver's timer index (engine/live/timer-index.ts): timers fire in the simulator's order
 * (time, kind, customer, insertion), strictly before an event's key; a newer purchase's inactivity
 * check replaces the customer's check at the same threshold from an older purchase; a customer's
 * timers round-trip through the row encoding (their order, hence tie-breaks, kept), and new ids follow.
 */
import { describe, expect, it } from "vitest";
import { TimerIndex } from "../../engine/live/timer-index.ts";
import { K_DUE, K_INACTIVE, K_TIMER } from "../../engine/sim/kinds.ts";

const check = (customer: string, days: number, since: number) => ({ time: since + days * 1440, kind: K_INACTIVE, customer, a: days, b: 0, d: since, e: 0 });
const timer = (customer: string, time: number, kind: number, a = 0) => ({ time, kind, customer, a, b: 0, d: 0, e: 0 });

function drain(ix: TimerIndex, time: number, kind = -1, customer = "") {
  const out = [];
  for (let t; (t = ix.popBefore(time, kind, customer));) out.push(t);
  return out;
}

describe("timer index", () => {
  it("keeps one inactivity check per customer and threshold, from the latest purchase", () => {
    const ix = new TimerIndex();
    ix.setInactivity(check("C1", 30, 1000));
    ix.setInactivity(check("C1", 60, 1000));
    ix.setInactivity(check("C2", 30, 1000));
    ix.setInactivity(check("C1", 30, 5000)); // a later purchase: the 30-day check moves
    ix.setInactivity(check("C1", 30, 3000)); // never back to an older purchase: added beside it
    expect(ix.of("C1").map((t) => [t.a, t.d, t.time])).toEqual([[30, 3000, 3000 + 30 * 1440], [30, 5000, 5000 + 30 * 1440], [60, 1000, 1000 + 60 * 1440]]);
    expect(ix.of("C2").map((t) => [t.a, t.d])).toEqual([[30, 1000]]);
    expect(ix.size).toBe(4);
    // the moved check is not found at its old time; the earliest is C2's
    expect(drain(ix, 1000 + 30 * 1440 + 1).map((t) => t.customer)).toEqual(["C2"]);
    expect(ix.size).toBe(3);
  });

  it("fires in (time, kind, customer, insertion) order, strictly before the event's key", () => {
    const ix = new TimerIndex();
    ix.add(timer("C2", 100, K_TIMER, 1));
    ix.add(timer("C1", 100, K_DUE, 2));
    ix.add(timer("C1", 100, K_TIMER, 3));
    ix.add(timer("C1", 100, K_TIMER, 4));
    ix.add(timer("C0", 99, K_DUE, 5));
    ix.add(timer("C0", 101, K_TIMER, 6));
    // an event of C2 at minute 100 with rank K_TIMER comes after C1's journey timers, before C2's
    expect(drain(ix, 100, K_TIMER, "C2").map((t) => t.a)).toEqual([5, 3, 4]);
    expect(drain(ix, 101).map((t) => t.a)).toEqual([1, 2]);
    expect(drain(ix, 1000).map((t) => t.a)).toEqual([6]);
    expect(ix.popBefore(1e9, 99, "~")).toBeNull();
  });

  it("round-trips a customer's timers through the row encoding; new ids follow the stored ones", () => {
    const ix = new TimerIndex();
    ix.add(timer("C1", 100, K_TIMER, 0));
    ix.add(timer("C1", 100, K_TIMER, 1));
    ix.add({ ...timer("C1", 29_947_530, K_DUE, 3), b: 2.5, d: -1, e: -1 });
    const text = ix.encode("C1");
    expect(text).toBe("2s,13,0,0,0,0;2s,13,1,0,0,0;htvnu,15,3,2.5,-1,-1");
    expect(ix.encode("C9")).toBe("");
    const back = new TimerIndex();
    for (const t of TimerIndex.decode("C1", text)) back.restore(t);
    back.add(timer("C1", 100, K_TIMER, 2));
    expect(back.of("C1").map((t) => [t.id, t.a])).toEqual([[1, 0], [2, 1], [4, 2], [3, 3]]);
    expect(drain(back, 101).map((t) => t.a)).toEqual([0, 1, 2]);
    expect(back.of("C1")).toEqual([{ id: 3, time: 29_947_530, kind: K_DUE, customer: "C1", a: 3, b: 2.5, d: -1, e: -1 }]);
  });

  it("removes a customer's timers, all or some, and stays ordered after many removals", () => {
    const ix = new TimerIndex();
    for (let i = 0; i < 5000; i++) ix.add(timer(`C${i % 50}`, 10_000 - i, i % 2 ? K_TIMER : K_INACTIVE, i));
    expect(ix.remove("C1", (t) => t.kind === K_INACTIVE)).toBe(0); // C1's are all odd: journey timers
    expect(ix.remove("C2", (t) => t.kind === K_INACTIVE)).toBe(100);
    for (let c = 3; c < 50; c++) ix.remove(`C${c}`);
    expect(ix.size).toBe(200);
    const times = drain(ix, 1e9).map((t) => t.time);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(times.length).toBe(200);
    expect(ix.size).toBe(0);
  });

  it("an encoded list, kept between rewrites, follows every change: add, fire, move, re-point, remove", () => {
    const ix = new TimerIndex();
    // what a fresh index holding the same timers would encode
    const fresh = (customer: string) => {
      const other = new TimerIndex();
      for (const t of ix.of(customer).sort((x, y) => x.id - y.id)) other.restore({ ...t });
      return other.encode(customer);
    };
    ix.add(timer("C1", 100, K_TIMER, 1));
    expect(ix.encode("C1")).toBe(fresh("C1"));
    ix.add(timer("C1", 200, K_DUE, 2));
    expect(ix.encode("C1")).toBe(fresh("C1"));
    expect(ix.encode("C1").split(";").length).toBe(2);
    ix.setInactivity(check("C1", 30, 1000));
    const withCheck = ix.encode("C1");
    ix.setInactivity(check("C1", 30, 2000)); // moved in place
    expect(ix.encode("C1")).not.toBe(withCheck);
    expect(ix.encode("C1")).toBe(fresh("C1"));
    drain(ix, 150); // the wait fires
    expect(ix.encode("C1")).toBe(fresh("C1"));
    expect(ix.encode("C1").split(";").length).toBe(2);
    ix.remove("C1", (t) => {
      t.a = t.kind === K_DUE ? 9 : t.a; // re-pointed, kept
      return false;
    });
    expect(ix.encode("C1")).toBe(fresh("C1"));
    expect(ix.of("C1").find((t) => t.kind === K_DUE)?.a).toBe(9);
    ix.remove("C1");
    expect(ix.encode("C1")).toBe("");
    ix.add(timer("C1", 300, K_TIMER, 4));
    expect(ix.encode("C1")).toBe(fresh("C1"));
  });

  it("counts identical checks (purchases in one minute) on one entry, fired as many times, and drops stale ones", () => {
    const ix = new TimerIndex();
    for (let i = 0; i < 5; i++) ix.setInactivity(check("C1", 30, 1000)); // five purchases at minute 1000
    ix.setInactivity(check("C1", 60, 1000));
    ix.setInactivity(check("C1", 60, 1000));
    expect(ix.of("C1").map((t) => [t.a, t.n ?? 1])).toEqual([[30, 5], [60, 2]]);
    expect(ix.encode("C1")).toBe("y3s,6,u,0,rs,0,5;1vfs,6,1o,0,rs,0,2");
    // the row's text restores the counts
    const back = new TimerIndex();
    for (const t of TimerIndex.decode("C1", ix.encode("C1"))) back.restore(t);
    expect(back.of("C1").map((t) => [t.a, t.n ?? 1])).toEqual([[30, 5], [60, 2]]);
    // each copy fires, in a row, at its place; the text follows each firing
    const fired = drain(back, 1000 + 30 * 1440 + 1);
    expect(fired.map((t) => [t.a, t.d])).toEqual(Array(5).fill([30, 1000]));
    expect(back.encode("C1")).toBe("1vfs,6,1o,0,rs,0,2");
    expect(back.size).toBe(1);
    // a later purchase moves one check and drops the stale copies' entries at that threshold
    ix.add(check("C1", 30, 900)); // an older check left by an earlier code's row
    ix.setInactivity(check("C1", 30, 2000));
    expect(ix.of("C1").map((t) => [t.a, t.d, t.n ?? 1])).toEqual([[30, 2000, 1], [60, 1000, 2]]);
  });

  it("adds an identical check instead of counting it when another check of that minute was numbered after it", () => {
    const ix = new TimerIndex();
    // the 30-day check of minute 1000 and the 60-day check of minute 1000 - 30 days fall on the same minute
    ix.setInactivity(check("C1", 30, 1000 + 30 * 1440));
    ix.add(check("C1", 60, 1000));
    ix.setInactivity(check("C1", 30, 1000 + 30 * 1440)); // counting it on the first would fire it before the 60-day one
    expect(drain(ix, 1e9).map((t) => t.a)).toEqual([30, 60, 30]);
  });
});
