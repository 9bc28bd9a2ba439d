/**
 * A customer's tallies are one record (engine/sim/metrics.ts): contacts, purchases, revenue, channels,
 * and the programs that reached them — in the record up to 80 programs, in an array of their own past
 * that. Both layouts must count, answer `reachedBy` and merge shards the same.
 */
import { describe, expect, it } from "vitest";
import { Metrics, withoutCustomers } from "../../engine/sim/metrics.ts";

function filled(programs: number, customers: number, from: number): Metrics {
  const m = new Metrics(customers, 7, Array.from({ length: programs }, (_, p) => `p${p}`));
  for (let c = 0; c < customers; c++) {
    // customer c is reached by programs c, c + 7, c + 40 and the last one (where they exist), on channel c % 5
    for (const p of [c, c + 7, c + 40, programs - 1]) if (p < programs) m.contact(c, 0, p, (c + from) % 5, 0);
    m.purchase(c, 1, 10 + c, -1);
  }
  return m;
}

describe("per-customer tallies", () => {
  for (const programs of [3, 80, 81, 130]) {
    it(`counts and finds the programs that reached each customer, ${programs} programs`, () => {
      const m = filled(programs, 50, 0);
      for (let c = 0; c < 50; c++) {
        const want = new Set([c, c + 7, c + 40, programs - 1].filter((p) => p < programs));
        for (let p = 0; p < programs; p++) expect(m.reachedBy(c, p)).toBe(want.has(p));
      }
      const calls = (c: number) => [c, c + 7, c + 40, programs - 1].filter((p) => p < programs).length; // a contact a call
      expect(m.column("contactsOf")).toEqual(Array.from({ length: 50 }, (_, c) => calls(c)));
      expect(m.column("revenueOf").slice(0, 3)).toEqual([10, 11, 12]);
      expect(m.programs[programs - 1].reach).toBe(50);
    });

    it(`merges two shards as one run counts them, ${programs} programs`, () => {
      const whole = filled(programs, 50, 0), a = filled(programs, 20, 0), b = filled(programs, 30, 20);
      const merged = new Metrics(50, 7, whole.programNames);
      // a shard's customers are numbered from 0: shard b's customer i is the whole run's 20 + i
      merged.absorb(structuredClone(a), 0), merged.absorb(structuredClone(b), 20);
      for (let c = 0; c < 20; c++) for (let p = 0; p < programs; p++) expect(merged.reachedBy(c, p)).toBe(a.reachedBy(c, p));
      for (let c = 20; c < 50; c++) for (let p = 0; p < programs; p++) expect(merged.reachedBy(c, p)).toBe(b.reachedBy(c - 20, p));
      expect(merged.column("contactsOf")).toEqual([...a.column("contactsOf"), ...b.column("contactsOf")]);
      expect(merged.column("channelsOf")).toEqual([...a.column("channelsOf"), ...b.column("channelsOf")]);
      expect(merged.column("revenueOf")).toEqual([...a.column("revenueOf"), ...b.column("revenueOf")]);
    });
  }

  it("a summary's metrics carry no customer's tallies: what a shard sends does not grow with its customers", () => {
    // every typed array's buffer, as a structured clone (a worker's message) carries it
    const bytes = (m: Metrics) => Object.values(structuredClone(withoutCustomers(m)) as unknown as Record<string, unknown>)
      .reduce((n: number, v) => n + (ArrayBuffer.isView(v) ? v.buffer.byteLength : 0), 0);
    const small = filled(3, 10, 0), large = filled(3, 5000, 0);
    expect(bytes(large)).toBe(bytes(small));
    expect(withoutCustomers(large).customers).toBe(0);
    expect(withoutCustomers(large).contacts).toBe(large.contacts); // the totals stay
  });
});
