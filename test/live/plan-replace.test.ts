/**
 * Replacing a live plan while a customer's message is held for its send window (docs/live.md,
 * "Replacing a live plan"), on a real server and SQLite file: an unchanged program's held message is
 * kept and sent once, under the new plan; a changed program's is cancelled at the promotion, logged, and leaves the pressure ledger.
 */
import { describe, expect, it } from "vitest";
import { at, promote, serversStoppedAfterEach, T0 } from "./live-helpers.ts";

const server = serversStoppedAfterEach(T0);
const PLAN = (send: string) => `name: held
timezone: "+00:00"
channels:
  email: {}
  sms: { window: "09:00-17:00" }
programs:
  - id: cart
    type: journey
    trigger: { event: cart_abandoned }
    steps:
      - send: ${send}
`;
const ORIGINAL = PLAN("{ channel: sms, message: nudge, category: relational }");

/** A cart abandoned at 02:00 holds its SMS until 09:00; the plan is replaced at 04:00; the clock then runs to 30:00. */
async function replaceWhileHeld(next: string) {
  const s = server();
  await promote(s, ORIGINAL);
  await s.api("POST", "/v1/customers", { customers: [{ id: "C1", consents: ["email", "sms"] }] }, { key: s.keys.ingest });
  await s.api("POST", "/v1/events", { id: "c1", customer: "C1", type: "cart_abandoned", time: at(2) }, { key: s.keys.ingest });
  await s.api("POST", "/v1/clock", { now: at(4) });
  await promote(s, next);
  await s.api("POST", "/v1/clock", { now: at(30) });
  return {
    decisions: s.store.query("SELECT plan, time, message, status, rule FROM decisions ORDER BY id"),
    outbox: s.store.query("SELECT plan, time, message FROM outbox ORDER BY id"),
  };
}

describe("replacing a live plan while a message is held for its window", () => {
  it("keeps an unchanged program's held message, even written with its keys in another order, and sends it once (regression)", async () => {
    const delayed = { plan: 1, time: T0 + 2 * 60, message: "nudge", status: "delayed", rule: "send-window" };
    const sent = { plan: 2, time: T0 + 9 * 60, message: "nudge", status: "sent", rule: "" };
    for (const next of [ORIGINAL, PLAN("{ message: nudge, category: relational, channel: sms }")]) {
      expect(await replaceWhileHeld(next)).toEqual({ decisions: [delayed, sent], outbox: [{ plan: 2, time: T0 + 9 * 60, message: "nudge" }] });
    }
  });

  it("cancels a changed program's held message: logged at the promotion, not sent", async () => {
    const { decisions, outbox } = await replaceWhileHeld(PLAN("{ channel: sms, message: nudge2, category: relational }"));
    expect(decisions).toEqual([
      { plan: 1, time: T0 + 2 * 60, message: "nudge", status: "delayed", rule: "send-window" },
      { plan: 1, time: T0 + 4 * 60, message: "nudge", status: "cancelled", rule: "plan-replaced" },
    ]);
    expect(outbox).toEqual([]);
  });

  it("a cancelled held message leaves the pressure ledger: the new plan's next message is not suppressed by it (regression)", async () => {
    const capped = (msg: string) => PLAN(`{ channel: sms, message: ${msg}, category: relational }`).replace("programs:", `pressure:
  rules:
    - name: one-a-day
      cap: 1
      window: 24h
programs:
  - id: visit
    type: journey
    trigger: { event: visit }
    steps:
      - send: { channel: email, message: hello, category: relational }`);
    const s = server();
    await promote(s, capped("nudge"));
    await s.api("POST", "/v1/customers", { customers: [{ id: "C1", consents: ["email", "sms"] }] }, { key: s.keys.ingest });
    await s.api("POST", "/v1/events", { id: "c1", customer: "C1", type: "cart_abandoned", time: at(2) }, { key: s.keys.ingest });
    await s.api("POST", "/v1/clock", { now: at(4) });
    await promote(s, capped("nudge2")); // the SMS held for 09:00 is cancelled
    await s.api("POST", "/v1/events", { id: "v1", customer: "C1", type: "visit", time: at(10) }, { key: s.keys.ingest });
    // the 10:00 e-mail used to be suppressed by one-a-day, against the 09:00 SMS that was never sent
    expect(s.store.query("SELECT plan, message, status, rule FROM decisions WHERE status != 'delayed' ORDER BY id")).toEqual([
      { plan: 1, message: "nudge", status: "cancelled", rule: "plan-replaced" },
      { plan: 2, message: "hello", status: "sent", rule: "" },
    ]);
    expect((await s.api("GET", "/v1/customers/C1")).body.ledger).toEqual([{ time: "2026-03-02T10:00:00Z", program: "visit", channel: "email", category: "relational" }]);
  });
});
