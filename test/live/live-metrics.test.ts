/**
 * GET /v1/metrics/live per program against a real server and SQLite file: a program's row gives its
 * attributed purchases, the customers who made them and the revenue per customer of the group, as the
 * total row does for every purchase.
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
  });
});
