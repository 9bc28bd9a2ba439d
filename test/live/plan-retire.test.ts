/**
 * Retiring a live plan while a customer's message is held for its send window (docs/live.md, "Plan
 * lifecycle"), on a real server and SQLite file: the held message is cancelled at the retirement,
 * logged, and gives back what it took (its contact in the pressure ledger, the channel capacity it
 * reserved), as a replacement does; a pause, a restart and a resume in between keep it held, once.
 */
import { describe, expect, it } from "vitest";
import { at, promote, serversStoppedAfterEach, T0, type TestServer, tempDb } from "./live-helpers.ts";

const server = serversStoppedAfterEach(T0);

/** One-a-day across channels; SMS only from 09:00 to 17:00, one a day for all customers. */
const PLAN = (programs: string) => `name: held
timezone: "+00:00"
pressure:
  rules:
    - name: one-a-day
      cap: 1
      window: 24h
channels:
  email: {}
  sms: { window: "09:00-17:00", capacity: 1 }
programs:
${programs}`;
const CART = PLAN(`  - id: cart
    type: journey
    trigger: { event: cart_abandoned }
    steps:
      - send: { channel: sms, message: nudge, category: relational }
`);
/** The next plan: an e-mail for a visit, an SMS for a product back in stock (its capacity: the one a day). */
const NEXT = PLAN(`  - id: visit
    type: journey
    trigger: { event: visit }
    steps:
      - send: { channel: email, message: hello, category: relational }
  - id: stock
    type: journey
    trigger: { event: back_in_stock }
    steps:
      - send: { channel: sms, message: restock, category: relational }
`);

const ingest = (s: TestServer, id: string, customer: string, type: string, hour: number) =>
  s.api("POST", "/v1/events", { id, customer, type, time: at(hour) }, { key: s.keys.ingest });

/** C1 abandons a cart at 02:00: its SMS is held for 09:00 (entered in C1's ledger and in the day's SMS capacity). */
async function holdNudge(db: string): Promise<TestServer> {
  const s = server({ db });
  const plan = await promote(s, CART);
  expect(plan).toBe(1);
  await s.api("POST", "/v1/customers", { customers: ["C1", "C2"].map((id) => ({ id, consents: ["email", "sms"] })) }, { key: s.keys.ingest });
  expect((await ingest(s, "c1", "C1", "cart_abandoned", 2)).status).toBe(200);
  expect((await s.api("GET", "/v1/customers/C1")).body.ledger).toEqual([{ time: "2026-03-02T09:00:00Z", program: "cart", channel: "sms", category: "relational" }]);
  return s;
}

interface Decision { plan: number; customer: string; time: number; message: string; status: string; rule: string }
const decisions = (s: TestServer) => s.store.query<Decision>("SELECT plan, customer, time, message, status, rule FROM decisions ORDER BY id");

describe("retiring a plan while a message is held for its window", () => {
  it("cancels the held message: logged, out of the ledger, its SMS capacity given back to the next plan (regression)", async () => {
    const s = await holdNudge(tempDb("retire"));
    await s.api("POST", "/v1/clock", { now: at(4) });
    expect((await s.api("POST", "/v1/plans/1/retire", undefined, { key: s.keys.operator })).status).toBe(200);
    expect((await s.api("GET", "/v1/customers/C1")).body.ledger).toEqual([]);
    await s.api("POST", "/v1/clock", { now: at(5) });
    expect(await promote(s, NEXT)).toBe(2);
    // the 10:00 e-mail used to be suppressed by one-a-day against the 09:00 SMS that never went (taken for
    // a sent contact once the retirement re-read the rows), and the 11:00 SMS by the capacity it had reserved
    await ingest(s, "v1", "C1", "visit", 10);
    await ingest(s, "b2", "C2", "back_in_stock", 11);
    await s.api("POST", "/v1/clock", { now: at(30) });
    expect(decisions(s)).toEqual([
      { plan: 1, customer: "C1", time: T0 + 2 * 60, message: "nudge", status: "delayed", rule: "send-window" },
      { plan: 1, customer: "C1", time: T0 + 4 * 60, message: "nudge", status: "cancelled", rule: "plan-retired" },
      { plan: 2, customer: "C1", time: T0 + 10 * 60, message: "hello", status: "sent", rule: "" },
      { plan: 2, customer: "C2", time: T0 + 11 * 60, message: "restock", status: "sent", rule: "" },
    ]);
    expect(s.store.query("SELECT plan, customer, time, message FROM outbox ORDER BY id")).toEqual([
      { plan: 2, customer: "C1", time: T0 + 10 * 60, message: "hello" },
      { plan: 2, customer: "C2", time: T0 + 11 * 60, message: "restock" },
    ]);
    expect((await s.api("GET", "/v1/customers/C1")).body.ledger).toEqual([{ time: "2026-03-02T10:00:00Z", program: "visit", channel: "email", category: "relational" }]);
  });

  /** The nudge held for 09:00, the plan paused at 03:00, the server restarted on the same file. */
  const pausedAndRestarted = async (db: string) => {
    const s = await holdNudge(db);
    await s.api("POST", "/v1/clock", { now: at(3) });
    expect((await s.api("POST", "/v1/plans/1/pause", undefined, { key: s.keys.operator })).status).toBe(200);
    await s.stop();
    return server({ db });
  };

  it("retiring a paused plan after a restart cancels its held message the same way", async () => {
    const db = tempDb("retire");
    let s = await pausedAndRestarted(db);
    await s.api("POST", "/v1/clock", { now: at(4) });
    expect((await s.api("POST", "/v1/plans/1/retire", undefined, { key: s.keys.operator })).status).toBe(200);
    expect((await s.api("GET", "/v1/customers/C1")).body.ledger).toEqual([]);
    await s.stop();
    s = server({ db });
    expect(await promote(s, NEXT)).toBe(2);
    await ingest(s, "v1", "C1", "visit", 10);
    await ingest(s, "b2", "C2", "back_in_stock", 11);
    expect(decisions(s).filter((d) => d.status !== "delayed").map((d) => `${d.customer}:${d.message}:${d.status}:${d.rule}`))
      .toEqual(["C1:nudge:cancelled:plan-retired", "C1:hello:sent:", "C2:restock:sent:"]);
  });

  it("a pause, a restart and a resume keep the held message: it goes once at 09:00, its contact once in the ledger", async () => {
    const db = tempDb("retire");
    const s = await pausedAndRestarted(db);
    expect((await s.api("GET", "/v1/customers/C1")).body.ledger).toHaveLength(1);
    await s.api("POST", "/v1/clock", { now: at(4) });
    expect((await s.api("POST", "/v1/plans/1/resume", undefined, { key: s.keys.operator })).status).toBe(200);
    await s.api("POST", "/v1/clock", { now: at(12) });
    // the day's SMS capacity still counts it, once: C2's cart SMS at noon meets it
    await ingest(s, "c2", "C2", "cart_abandoned", 12);
    expect(decisions(s).map((d) => `${d.customer}:${d.message}:${d.status}:${d.rule}@${(d.time - T0) / 60}`)).toEqual([
      "C1:nudge:delayed:send-window@2", "C1:nudge:sent:@9", "C2:nudge:suppressed:capacity:sms@12",
    ]);
    expect((await s.api("GET", "/v1/customers/C1")).body.ledger).toEqual([{ time: "2026-03-02T09:00:00Z", program: "cart", channel: "sms", category: "relational" }]);
  });
});
