/**
 * Inactivity checks in the SQLite store: a newer purchase's check replaces the customer's check at
 * the same threshold from an older purchase (which could only have found the customer active), so the
 * timers table holds one check per customer and threshold instead of one per purchase.
 */
import { describe, expect, it } from "vitest";
import { SqliteStore } from "../../engine/live/sqlite-store.ts";
import { K_INACTIVE } from "../../engine/sim/kinds.ts";
import { tempDb } from "./live-helpers.ts";

const check = (customer: string, days: number, since: number) => ({ time: since + days * 1440, kind: K_INACTIVE, customer, a: days, b: 0, d: since, e: 0 });

describe("inactivity checks in the store", () => {
  it("keeps one check per customer and threshold, from the latest purchase", () => {
    const store = new SqliteStore(tempDb("inactivity"));
    store.migrate();
    store.setInactivity(check("C1", 30, 1000));
    store.setInactivity(check("C1", 60, 1000));
    store.setInactivity(check("C2", 30, 1000));
    store.setInactivity(check("C1", 30, 5000)); // a later purchase: the 30-day check moves
    store.setInactivity(check("C1", 30, 3000)); // never back to an older purchase: added beside it
    const rows = store.timersOf("C1").map((t) => [t.a, t.d, t.time]);
    expect(rows).toEqual([[30, 3000, 3000 + 30 * 1440], [30, 5000, 5000 + 30 * 1440], [60, 1000, 1000 + 60 * 1440]].sort((x, y) => x[2] - y[2]));
    expect(store.timersOf("C2").map((t) => [t.a, t.d])).toEqual([[30, 1000]]);
    expect(store.timerCount()).toBe(4);
    // the earliest check is still found after a move (the cached lower bound stays valid)
    expect(store.dueTimers(1000 + 30 * 1440 + 1, -1, "", 10).map((t) => t.customer)).toEqual(["C2"]);
    store.close();
  });
});
