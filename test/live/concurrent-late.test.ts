/**
 * Concurrent clients and late events on a real server (127.0.0.1, real SQLite): docs/live.md,
 * "Ordering" and "Late events".
 */
import { describe, expect, it } from "vitest";
import { at, promote, serversStoppedAfterEach, T0 } from "./live-helpers.ts";

const server = serversStoppedAfterEach(T0);
const PLAN = `name: cart and welcome
timezone: "+00:00"
channels: { email: { window: always } }
programs:
  - { id: welcome, type: journey, trigger: { event: signup }, steps: [{ send: { channel: email, message: welcome, category: promotional } }] }
  - id: cart
    type: journey
    trigger: { event: cart_abandoned }
    exitOn: [purchase]
    reentry: always
    steps:
      - wait: 1d
      - send: { channel: email, message: reminder, category: promotional }
  - { id: receipt, type: journey, trigger: { event: purchase }, reentry: always, steps: [{ send: { channel: email, message: receipt, category: transactional } }] }
`;
const customer = (id: string) => ({ id, signup: at(0), consents: ["email"] });

/** A server running `plan`, with these customers (e-mail opt-ins since hour 0), and the ingest key's option. */
async function started(plan: string, ...ids: string[]) {
  const s = server();
  await promote(s, plan);
  const ingest = { key: s.keys.ingest };
  await s.api("POST", "/v1/customers", { customers: ids.map(customer) }, ingest);
  return { s, ingest };
}

describe("concurrent clients and late events", () => {
  it("a late purchase after the cart's wait began ends the journey: no reminder", async () => {
    const { s, ingest } = await started(PLAN, "C1");
    await s.api("POST", "/v1/events", { id: "c1", customer: "C1", type: "cart_abandoned", time: at(1) }, ingest);
    await s.api("POST", "/v1/events", { id: "v1", customer: "C1", type: "visit", time: at(10) }, ingest);
    const late = await s.api("POST", "/v1/events", { id: "p1", customer: "C1", type: "purchase", value: 5, time: at(5) }, ingest);
    expect(late.body).toMatchObject({ late: 1 });
    await s.api("POST", "/v1/clock", { now: at(72) });
    expect(s.store.query("SELECT message, time, status FROM decisions ORDER BY id")).toEqual([{ message: "receipt", time: T0 + 600, status: "sent" }]);
  });

  it("a late unsubscribe older than a send already decided: consent off, the undelivered message cancelled, later ones suppressed", async () => {
    const { s, ingest } = await started(PLAN, "C2");
    await s.api("POST", "/v1/events", { id: "s1", customer: "C2", type: "signup", time: at(2) }, ingest);
    const late = await s.api("POST", "/v1/events", { id: "u1", customer: "C2", type: "unsubscribed", channel: "email", time: at(1) }, ingest);
    expect(late.body).toMatchObject({ late: 1 });
    expect(s.store.query("SELECT state FROM outbox")).toEqual([{ state: "cancelled" }]);
    await s.api("POST", "/v1/events", { id: "c2", customer: "C2", type: "cart_abandoned", time: at(3) }, ingest);
    await s.api("POST", "/v1/clock", { now: at(48) });
    expect(s.store.query("SELECT message, status, rule, time FROM decisions ORDER BY id")).toEqual([
      { message: "welcome", status: "sent", rule: "", time: T0 + 120 },
      { message: "reminder", status: "suppressed", rule: "consent", time: T0 + 27 * 60 },
    ]);
  });

  it("an event older than the engine's time comes after its customer's own timers ordered before it", async () => {
    const { s, ingest } = await started(PLAN.replace("wait: 1d", "wait: 1h"), "A", "B");
    // another client's event moves the engine to hour 30; then A's own stream, in order: a cart at hour
    // 1 (its wait ends at hour 2), a purchase at hour 3
    await s.api("POST", "/v1/events", { id: "b1", customer: "B", type: "visit", time: at(30) }, ingest);
    expect((await s.api("POST", "/v1/events", { id: "a1", customer: "A", type: "cart_abandoned", time: at(1) }, ingest)).body.late).toBe(0);
    const p = await s.api("POST", "/v1/events", { id: "a2", customer: "A", type: "purchase", value: 5, time: at(3) }, ingest);
    expect(p.status).toBe(200);
    await s.api("POST", "/v1/clock", { now: at(48) });
    // the wait ended before the purchase: the reminder is decided first, at its own time (A's stream alone
    // gives the same), then the purchase, not late for A, and its receipt; the engine's time stays
    expect(p.body.late).toBe(0);
    expect(s.store.query("SELECT message, status, time FROM decisions WHERE customer = 'A' ORDER BY id")).toEqual([
      { message: "reminder", status: "sent", time: T0 + 120 },
      { message: "receipt", status: "sent", time: T0 + 180 },
    ]);
  });

  it("four clients at once, one customer: every event once, none lost", async () => {
    const { s, ingest } = await started(PLAN, "C1");
    const batches = [0, 1, 2, 3].map((k) => Array.from({ length: 100 }, (_, i) => ({ id: `e${(i * 4 + k) % 300}`, customer: "C1", type: "purchase", value: 1, time: at(1 + ((i * 4 + k) % 300) / 60) })));
    const single = [0, 1, 2, 3].flatMap((k) => Array.from({ length: 30 }, (_, i) => ({ id: `s${k}-${i}`, customer: "C1", type: "purchase", value: 1, time: at(2) })));
    const res = await Promise.all([...batches.map((b) => s.api("POST", "/v1/events", { events: b }, ingest)), ...single.map((e) => s.api("POST", "/v1/events", e, ingest))]);
    const accepted = res.reduce((n, r) => n + (r.body.accepted ?? 0), 0);
    expect(res.map((r) => r.status).every((x) => x === 200)).toBe(true);
    expect(accepted).toBe(300 + 120);
    expect(s.store.query("SELECT count(*) AS n FROM events")).toEqual([{ n: 420 }]);
    const c = (await s.api("GET", "/v1/customers/C1", undefined, { key: s.keys.analyst })).body;
    expect(c.profile.orders).toBe(420);
    expect(s.store.query("SELECT count(*) AS n FROM decisions WHERE message = 'receipt'")).toEqual([{ n: 420 }]);
  });
});
