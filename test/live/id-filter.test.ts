/**
 * The idempotency ids' Bloom filter (engine/live/id-filter.ts): never says "new" for an id it was given,
 * across its growth; says "maybe" for few ids it was not given; and the store's duplicate check built
 * on it still finds ids stored before a restart.
 */
import { describe, expect, it } from "vitest";
import { IdFilter } from "../../engine/live/id-filter.ts";
import { SqliteStore } from "../../engine/live/sqlite-store.ts";
import { tempDb } from "./live-helpers.ts";

describe("id filter", () => {
  it("has no false negatives while it grows, and few false positives", () => {
    const f = new IdFilter([], 1000);
    for (let i = 0; i < 50_000; i++) f.add(`order-${i}`);
    for (let i = 0; i < 50_000; i++) expect(f.mightHave(`order-${i}`)).toBe(true);
    let maybe = 0;
    for (let i = 0; i < 50_000; i++) if (f.mightHave(`visit-${i}`)) maybe++;
    // 7 filters of doubling size, each ≈ 0.1 % when full: well under 2 % in all
    expect(maybe / 50_000).toBeLessThan(0.02);
    expect(maybe).toBeGreaterThan(0); // the filter does answer "maybe" for some: the store then decides
  });

  it("loads the stored ids: the duplicate check finds them after a restart", () => {
    const path = tempDb("ids");
    const a = new SqliteStore(path);
    a.migrate();
    a.tx(() => {
      for (let i = 0; i < 300; i++) a.addEvent({ idem: `e${i}`, customer: "C1", type: "visit", time: i, processed: i, channel: "", program: "", value: 0 });
    });
    a.close();
    const b = new SqliteStore(path);
    expect([0, 150, 299].map((i) => b.hasEvent(`e${i}`))).toEqual([true, true, true]);
    expect(b.hasEvent("e300")).toBe(false);
    b.close();
  });
});
