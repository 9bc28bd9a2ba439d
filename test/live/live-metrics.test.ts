/**
 * GET /v1/metrics/live per program against a real server and SQLite file: a program's row gives its
 * attributed purchases, the customers who made them and the revenue per customer of the group, as the
 * total row does for every purchase. And the incremental revenue's interval when the control group is
 * small and bought nothing.
 */
import { describe, expect, it } from "vitest";
import { inControl } from "../../engine/live/control-group.ts";
import { at, promote, serversStoppedAfterEach, T0 } from "./live-helpers.ts";

const server = serversStoppedAfterEach(T0);

const PLAN = `name: bienvenue
timezone: "+00:00"
channels: { email: {} }
programs:
  - id: bienvenue
    type: journey
    trigger: { event: signup }
    steps:
      - send: { channel: email, message: bonjour, category: relational }
`;

describe("live metrics per program", () => {
  it("gives a program's conversions, purchasers, revenue and revenue per customer of the group, which agree with one another", async () => {
    const group = { share: 0.5, salt: "s1" };
    const ids = Array.from({ length: 10 }, (_, i) => `K${i}`);
    const treated = ids.filter((id) => !inControl(group, id)), control = ids.filter((id) => inControl(group, id));
    expect(treated.length).toBeGreaterThan(1);
    expect(control.length).toBeGreaterThan(0);
    const s = server({ control: group });
    await promote(s, PLAN);
    await s.api("POST", "/v1/customers", { customers: ids.map((id) => ({ id, signup: at(0), consents: ["email"] })) }, { key: s.keys.ingest });
    const bought = (id: string, n: number, value: number, program?: string) => ({ id: `p${id}-${n}`, customer: id, type: "purchase", time: at(n), value, ...(program ? { program, message: "bonjour" } : {}) });
    await s.api("POST", "/v1/events", { events: [
      ...ids.map((id) => ({ id: `s${id}`, customer: id, type: "signup", time: at(0) })),
      bought(treated[0], 1, 30, "bienvenue"),
      bought(treated[1], 1, 20, "bienvenue"), bought(treated[1], 2, 20, "bienvenue"),
      bought(treated[1], 3, 100), // not attributed: the total's, not the program's
      bought(control[0], 1, 15, "bienvenue"), // a control customer answering the message they were never sent: counted, in control
    ] }, { key: s.keys.ingest });
    await s.api("POST", "/v1/clock", { now: at(4) });
    const m = (await s.api("GET", "/v1/metrics/live", undefined, { key: s.keys.analyst })).body;
    const row = m.programs.find((p: { program: string }) => p.program === "bienvenue");
    expect(row.treated).toEqual({
      customers: treated.length, sends: treated.length, suppressed: 0, holdout: 0,
      conversions: 3, purchasers: 2, revenue: 70, revenuePerCustomer: 70 / treated.length,
    });
    expect(row.control).toMatchObject({ customers: control.length, sends: 0, holdout: control.length, conversions: 1, purchasers: 1, revenue: 15, revenuePerCustomer: 15 / control.length });
    expect(m.total.treated).toMatchObject({ conversions: 3, purchasers: 2, revenue: 170, revenuePerCustomer: 170 / treated.length });
    // every delivery state, each with its count (0 too): a dashboard reads delivery.expired as it reads delivery.dead
    expect(m.delivery).toEqual({ pending: treated.length, sending: 0, delivered: 0, unknown: 0, dead: 0, cancelled: 0, expired: 0 });
  });
});

describe("live metrics: the incremental revenue's interval", () => {
  it("does not take a small control group that bought nothing for certainty: its mean's error uses the treated customers' variance", async () => {
    const group = { share: 0.25, salt: "s1" };
    const ids = Array.from({ length: 40 }, (_, i) => `K${i}`);
    const treated = ids.filter((id) => !inControl(group, id)), control = ids.filter((id) => inControl(group, id));
    const nT = treated.length, nC = control.length;
    expect([nT, nC]).toEqual([33, 7]);
    const s = server({ control: group });
    await promote(s, PLAN);
    await s.api("POST", "/v1/customers", { customers: ids.map((id) => ({ id, signup: at(0), consents: ["email"] })) }, { key: s.keys.ingest });
    // four treated customers buy for 60 each; in the control group no one: its variance is 0. Four buyers of 33
    // against none of 7 is what chance gives often (at 4 in 40, none of 7 buys 48 % of the time)
    await s.api("POST", "/v1/events", { events: treated.slice(0, 4).map((id) => ({ id: `p${id}`, customer: id, type: "purchase", time: at(1), value: 60 })) }, { key: s.keys.ingest });
    await s.api("POST", "/v1/clock", { now: at(2) });
    const m = (await s.api("GET", "/v1/metrics/live", undefined, { key: s.keys.analyst })).body;
    // treated: mean 240 / 33 = 7.27, variance (4 · 60² − 33 · 7.27²) / 32 = 395.5; control: mean 0, variance 0.
    // The control mean's error takes the treated variance: se = √(395.5 · (1 / 33 + 1 / 7)) = 8.275, and the
    // interval per customer is [−8.95, 23.49]: it cannot tell. With the control's own 0, se = √(395.5 / 33) =
    // 3.462 and [0.49, 14.06] said the plan adds revenue, with 95 % confidence, on one hour of four purchases
    const d = 240 / nT, v = (4 * 3600 - nT * d * d) / (nT - 1), se = Math.sqrt(v * (1 / nT + 1 / nC));
    expect(v).toBeCloseTo(395.4545, 3);
    expect(se).toBeCloseTo(8.275, 3);
    const iv = m.total.incrementalRevenuePerCustomer;
    expect(iv.difference).toBeCloseTo(d, 9);
    expect(iv.lo).toBeCloseTo(-8.946, 3);
    expect(iv.hi).toBeCloseTo(23.492, 3);
    expect(m.total.incrementalRevenue).toEqual({ mean: expect.closeTo(240, 9), lo: expect.closeTo((d - 1.96 * se) * nT, 6), hi: expect.closeTo((d + 1.96 * se) * nT, 6) });
  });
});
