/**
 * What a second driver needs from the core: one customer's state to and from a row (issue 9 #18), and a
 * defined answer to late events (#20).
 */
import { describe, expect, it } from "vitest";
import { harness, plan, T0 } from "../helpers.ts";
import { CustomerTable, J2, J4 } from "../../engine/core/customer-table.ts";
import { decodeRow, encodeRow } from "../../engine/core/row-codec.ts";
import { MemoryCapacity } from "../../engine/core/capacity.ts";
import { EMAIL } from "../../engine/core/channels.ts";
import { HOUR } from "../../engine/core/time.ts";
import { runPlan } from "../../engine/sim/run.ts";
import { PER2, PER4, PER8 } from "../../engine/core/record.ts";

const LIFECYCLE = plan(`timezone: "+01:00"
channels: { email: {}, sms: { window: "09:00-20:00" } }
pressure:
  rules:
    - { name: two-a-week, cap: 2, window: 7d, lookahead: true }
programs:
  - { id: cart, type: journey, priority: 80, trigger: { event: cart_abandoned }, reentry: { cooldown: 2d }, exitOn: [purchase], steps: [{ wait: 1h }, { send: { channel: email, message: cart } }, { waitFor: { event: opened, timeout: 1d, onTimeout: [{ send: { channel: sms, message: cart-sms } }] } }] }
  - { id: news, type: campaign, priority: 10, schedule: { weekly: [tue], at: "10:00" }, send: { channel: email, message: news, category: relational } }
`);

describe("row codec", () => {
  it("encodes every customer of a simulation and decodes them into another table unchanged", () => {
    const r = runPlan(LIFECYCLE, { customers: 400, days: 45, seed: 3, baseline: false });
    const t = r.run.population.table, p = r.run.plan;
    t.attrs.set("region", Array.from({ length: t.size }, (_, c) => (c % 3 ? "north" : null)));
    const other = new CustomerTable(2, p.journeys.length);
    other.add("x"), other.add("y");
    let withLedger = 0, inJourney = 0;
    for (let c = 0; c < t.size; c++) {
      const row = encodeRow(p, t, c);
      withLedger += row.ledger.length ? 1 : 0;
      inJourney += Object.values(row.journeys).some((j) => j[0] >= 0) ? 1 : 0;
      decodeRow(p, other, 1, JSON.parse(JSON.stringify(row)));
      expect(encodeRow(p, other, 1)).toEqual(row);
      expect(other.key[1 * PER4]).toBe(t.key[c * PER4]); // random streams keyed by the id survive the trip
    }
    expect(withLedger).toBeGreaterThan(100);
    expect(inJourney).toBeGreaterThan(0);
  });

  it("reads a version-1 row (every address reachable, nothing held) and ends instances of programs a new plan changed", () => {
    const h = harness(LIFECYCLE);
    h.fire(0, "cart_abandoned", T0);
    const row = encodeRow(h.plan, h.table, 0);
    expect(row.journeys.cart[0]).toBeGreaterThan(0); // waiting 1h
    const v1 = { ...row, v: 1, reach: undefined, lastSeen: undefined };
    const t = new CustomerTable(1, h.plan.journeys.length);
    t.add("C1");
    decodeRow(h.plan, t, 0, v1, new Set(["news"])); // the cart program changed: its running instance ends
    expect(t.reach[0 * PER2]).toBe(0b11111);
    expect(t.jPc[0 * J4]).toBe(-1);
    expect(t.jEntries[0 * J2]).toBe(1); // its entry history stays (re-entry cooldown)
    expect(() => decodeRow(h.plan, t, 0, { ...row, v: 9 })).toThrow(/row version 9/);
  });

  it("keeps channel capacity as persistable state", () => {
    const m = new MemoryCapacity();
    m.add(20000, 4, 1), m.add(20000, 4, 1), m.add(20001, 1, 1), m.add(20001, 1, -1);
    expect(m.toJSON()).toEqual({ "20000:4": 2 });
    expect(MemoryCapacity.fromJSON(m.toJSON()).used(20000, 4)).toBe(2);
  });
});

describe("late events", () => {
  it("applies an event older than the customer's last moment at that moment: effects kept, nothing decided in the past", () => {
    const p = plan(`channels: { email: {} }
programs:
  - { id: thanks, type: journey, trigger: { event: purchase }, reentry: always, steps: [{ send: { channel: email, message: thanks, category: relational } }] }
`);
    const h = harness(p);
    const late: unknown[] = [];
    h.core.sink.late = (c, type, time, appliedAt) => void late.push({ c, type, time, appliedAt });
    h.fire(0, "purchase", T0 + 10 * HOUR, { value: 30 });
    h.fire(0, "purchase", T0 + 2 * HOUR, { value: 20 }); // arrives after the 10:00 one
    expect(late).toEqual([{ c: 0, type: 1, time: T0 + 2 * HOUR, appliedAt: T0 + 10 * HOUR }]);
    expect(h.table.orders[0 * PER4]).toBe(2);
    expect(h.table.revenue[0 * PER8]).toBe(50);
    expect(h.table.lastPurchase[0 * PER4]).toBe(T0 + 10 * HOUR); // never rewound
    expect(h.actions.filter((a) => a.kind === "send").map((a) => a.time)).toEqual([T0 + 10 * HOUR, T0 + 10 * HOUR]);
    // an unsubscribe that arrives late still takes effect at once
    h.fire(0, "unsubscribed", T0 + HOUR, { channel: EMAIL });
    expect(h.table.consent[0 * PER2] & 1).toBe(0);
  });
});
