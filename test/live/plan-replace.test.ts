/**
 * Replacing a live plan while a customer's message is held for its send window (docs/live.md,
 * "Replacing a live plan"), on a real server and SQLite file: an unchanged program's held message is
 * kept and sent once, under the new plan; a changed program's is not sent.
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

  it("does not send a changed program's held message", async () => {
    const { outbox } = await replaceWhileHeld(PLAN("{ channel: sms, message: nudge2, category: relational }"));
    expect(outbox).toEqual([]);
  });
});
