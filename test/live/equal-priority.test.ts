/**
 * Equal priorities on a live server (a real server on 127.0.0.1 over SQLite, manual clock): two programs
 * of priority 50 send an e-mail at the same minute to one customer, under a cap of one a day counting
 * pending contacts. docs/pressure-rules.md: ties go to the one scheduled first — for the campaigns of a
 * day, decided together at its start, the first in the plan file; a triggered message held for the send
 * window against a campaign, whichever was decided first, whatever the order of the plan file. Each
 * suppression says why (the `why` the simulator's messages.csv and `cadence explain` give:
 * test/core/equal-priority.test.ts).
 */
import { describe, expect, it } from "vitest";
import { at, promote, serversStoppedAfterEach, T0, type TestServer } from "./live-helpers.ts";

const server = serversStoppedAfterEach(T0 - 60); // 2026-03-01 23:00, the evening before

const PLAN = (first: string, second: string) => `name: ties
timezone: "+00:00"
channels:
  email: { window: "10:00-20:00" }
pressure:
  rules:
    - { name: one-a-day, cap: 1, calendar: day, lookahead: true }
programs:
${first}
${second}
`;
const campaign = (id: string) =>
  `  - { id: ${id}, type: campaign, priority: 50, schedule: { once: "2026-03-02", at: "10:00" }, send: { channel: email, message: ${id}, category: promotional } }`;
const ALPHA = campaign("alpha"), BETA = campaign("beta");
const CART = `  - { id: cart, type: journey, priority: 50, trigger: { event: cart_abandoned }, steps: [{ send: { channel: email, message: cart, category: promotional } }] }`;

const DAY_TEXT = "the day 2026-03-02 (the customer's time, UTC+00:00: 2026-03-02 00:00 – 2026-03-03 00:00 UTC)";
const lost = (winner: string) => `one-a-day: 1 counted contact in ${DAY_TEXT} ≥ cap 1: ${winner} 03-02 (pending, same priority, decided first)`;

/** Promotes the plan, adds C1 (e-mail opt-in, UTC), abandons a cart at `cartAt` hours if given, runs the clock to 2026-03-03 06:00. */
async function run(plan: string, cartAt?: number): Promise<TestServer> {
  const s = server();
  await promote(s, plan);
  await s.api("POST", "/v1/customers", { customers: [{ id: "C1", consents: ["email"], timezone: "+00:00" }] }, { key: s.keys.ingest });
  if (cartAt !== undefined) {
    await s.api("POST", "/v1/clock", { now: at(cartAt) });
    expect((await s.api("POST", "/v1/events", { id: "e1", customer: "C1", type: "cart_abandoned", time: at(cartAt) }, { key: s.keys.ingest })).status).toBe(200);
  }
  await s.api("POST", "/v1/clock", { now: at(30) });
  return s;
}

/** [program, hours after T0, status, why] of every decision, in the order made. */
const decisions = (s: TestServer) =>
  s.store.query<{ program: string; time: number; status: string; why: string }>("SELECT program, time, status, why FROM decisions ORDER BY id")
    .map((d) => [d.program, (d.time - T0) / 60, d.status, d.why]);

describe("equal priorities at the same minute on a live server, one a day counting pending contacts", () => {
  it("two campaigns: the first in the plan file goes, the other is suppressed against it, in either order", async () => {
    expect(decisions(await run(PLAN(ALPHA, BETA)))).toEqual([["beta", 10, "suppressed", lost("alpha")], ["alpha", 10, "sent", ""]]);
    expect(decisions(await run(PLAN(BETA, ALPHA)))).toEqual([["alpha", 10, "suppressed", lost("beta")], ["beta", 10, "sent", ""]]);
  });

  it("a cart e-mail held for the 10:00 window loses to the campaign decided at midnight, in either order", async () => {
    // abandoned at 07:00, the cart e-mail would go at 10:00, where the campaign is already pending
    for (const plan of [PLAN(ALPHA, CART), PLAN(CART, ALPHA)]) {
      expect(decisions(await run(plan, 7))).toEqual([["cart", 10, "suppressed", lost("alpha")], ["alpha", 10, "sent", ""]]);
    }
  });

  it("a cart e-mail held since the evening before keeps the 10:00 slot against the campaign, in either order", async () => {
    // abandoned at 23:30 the day before: held for 10:00 before the campaign's day is decided
    for (const plan of [PLAN(ALPHA, CART), PLAN(CART, ALPHA)]) {
      expect(decisions(await run(plan, -0.5))).toEqual([
        ["cart", -0.5, "delayed", "held for the email send window (10:00–20:00 local time) until 2026-03-02T10:00:00Z"],
        ["alpha", 10, "suppressed", lost("cart")],
        ["cart", 10, "sent", ""],
      ]);
    }
  });
});
