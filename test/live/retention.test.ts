/**
 * Retention (--retain-days, engine/live/retention.ts) on a real server over a real SQLite file: rows
 * older than the window go, the messages still to be settled and the customers' pending timers stay,
 * an event id inside the window is still a duplicate, and the live metrics and forecast vs actual give
 * the same figures before and after a prune, an erasure removing the customer from what was kept.
 */
import { describe, expect, it } from "vitest";
import { DAY } from "../../engine/core/time.ts";
import { prunableStates, Retention } from "../../engine/live/retention.ts";
import { at, promote, RECEIPT_PROGRAM, serversStoppedAfterEach, T0 } from "./live-helpers.ts";

const server = serversStoppedAfterEach(T0);

/** Receipts for purchases, and a reminder 20 days after an abandoned cart: a timer older than any window here. */
const PLAN = `name: retained
timezone: "+00:00"
channels: { email: {} }
programs:
${RECEIPT_PROGRAM}  - id: reminder
    type: journey
    trigger: { event: cart_abandoned }
    steps:
      - wait: 20d
      - send: { channel: email, message: reminder, category: promotional }
`;

const IDS = Array.from({ length: 10 }, (_, i) => `C${i}`);
const count = (s: ReturnType<typeof server>, table: string) => s.store.query<{ n: number }>(`SELECT count(*) AS n FROM ${table}`)[0].n;

describe("retention: --retain-days", () => {
  it("deletes events, decisions and settled messages older than the window, keeping unsettled messages and pending timers, and every figure", async () => {
    const s = server({ retainDays: 7, pruneEveryMs: 3_600_000, control: { share: 0.3, salt: "r" } });
    const ingest = { key: s.keys.ingest };
    const plan = await promote(s, PLAN);
    await s.api("POST", "/v1/customers", { customers: IDS.map((id) => ({ id, consents: ["email"] })) }, ingest);
    // day 0: ten purchases (ten receipts), an abandoned cart (a 20-day wait), an unsubscribe
    await s.api("POST", "/v1/events", {
      events: [
        ...IDS.map((id, i) => ({ id: `p${i}`, customer: id, type: "purchase", time: at(1), value: 10 + i, program: "receipt", message: "receipt" })),
        { id: "cart0", customer: "C0", type: "cart_abandoned", time: at(2) },
        { id: "u9", customer: "C9", type: "unsubscribed", channel: "email", time: at(3) },
      ],
    }, ingest);
    const receipts = s.store.outbox(0, 100);
    expect(receipts.length).toBe(10);
    // seven delivered, one expired (never sent: settled too), one whose fate is unknown (an operator must
    // settle it), one still pending
    for (const m of receipts.slice(0, 7)) expect(s.store.setDelivery(m.id, "delivered", 1, 0, "", { from: "pending" })).toBe(true);
    expect(s.store.setDelivery(receipts[7].id, "expired", 0, 0, "expired", { from: "pending" })).toBe(true);
    expect(s.store.setDelivery(receipts[8].id, "unknown", 1, 0, "timeout", { from: "pending" })).toBe(true);
    // day 10: one more purchase, inside any window
    await s.api("POST", "/v1/clock", { now: at(240) });
    expect((await s.api("POST", "/v1/events", { id: "recent", customer: "C1", type: "purchase", time: at(240), value: 100, program: "receipt", message: "receipt" }, ingest)).body)
      .toMatchObject({ accepted: 1 });
    const figures = async () => ({
      metrics: (await s.api("GET", "/v1/metrics/live", undefined, { key: s.keys.analyst })).body,
      fva: (await s.api("GET", `/v1/plans/${plan}/forecast-vs-actual`, undefined, { key: s.keys.analyst })).body,
    });
    const before = await figures();
    expect(before.fva.metrics.find((m: { name: string }) => m.name === "contacts").actual).toBeGreaterThan(0);
    expect([count(s, "events"), count(s, "decisions"), count(s, "outbox")]).toEqual([13, 11, 11]);

    // as on a server with a webhook: a pending message is one still to be POSTed, and stays
    const now = () => Math.max(s.clock.now(), s.driver.watermark);
    const pass = await new Retention(s.store, 7, now, prunableStates(true)).pass();
    // the cutoff is 7 days before the engine's time (day 10): day 3
    expect(pass.cutoff).toBe(T0 + 240 * 60 - 7 * DAY);
    // 12 events of day 0; the day-0 decisions (10 receipts); 7 delivered messages and the expired one (the unknown and the pending one stay)
    expect(pass.removed).toEqual({ events: 12, decisions: 10, outbox: 8 });
    expect([count(s, "events"), count(s, "decisions"), count(s, "outbox")]).toEqual([1, 1, 3]);
    expect(s.store.outbox(0, 100).map((m) => [m.customer, m.state])).toEqual([["C8", "unknown"], ["C9", "pending"], ["C1", "pending"]]);
    // this server has no webhook: its readers pull the outbox, so a pending message older than the window goes too; the unknown one stays
    const pulled = await s.retention!.pass();
    expect(pulled.removed).toEqual({ events: 0, decisions: 0, outbox: 1 });
    expect(s.store.outbox(0, 100).map((m) => [m.customer, m.state])).toEqual([["C8", "unknown"], ["C1", "pending"]]);
    const { delivery: _, ...metricsAfter } = (await figures()).metrics;
    const { delivery, ...metricsBefore } = before.metrics;
    expect(metricsAfter).toEqual({ ...metricsBefore, retention: metricsAfter.retention });
    expect((await figures()).metrics.delivery).toEqual(delivery); // the deleted messages count in their state
    expect((await figures()).fva).toEqual(before.fva);

    // an id inside the window is still a duplicate; one older than the window is an event again
    expect((await s.api("POST", "/v1/events", { id: "recent", customer: "C1", type: "purchase", time: at(240), value: 100, program: "receipt", message: "receipt" }, ingest)).body)
      .toMatchObject({ accepted: 0, duplicates: 1 });
    expect((await s.api("POST", "/v1/events", { id: "p5", customer: "C5", type: "visit", time: at(241) }, ingest)).body)
      .toMatchObject({ accepted: 1, duplicates: 0 });

    // the cart's 20-day wait was in C0's row, not in a deleted one: the reminder goes at day 20
    await s.api("POST", "/v1/clock", { now: at(20 * 24 + 3) });
    expect(s.store.decisionsOf("C0", 5).map((d) => [d.message, d.status])).toContainEqual(["reminder", expect.any(String)]);

    // an erasure removes what was kept of the customer's deleted rows under their id
    const kept = (id: string) => s.store.query<{ n: number }>("SELECT (SELECT count(*) FROM pruned_events WHERE customer = ?1) + (SELECT count(*) FROM pruned_reach WHERE customer = ?1) AS n", id)[0].n;
    const treated = IDS.find((id) => kept(id) === 2)!; // a treated customer: their purchase, and the receipt they were sent
    expect((await s.api("DELETE", `/v1/customers/${treated}`, undefined, { key: s.keys.operator })).status).toBe(200);
    expect(kept(treated)).toBe(0);

    const health = (await s.api("GET", "/healthz", undefined, { key: "" })).body;
    expect(health.retention).toEqual({
      days: 7,
      lastPrune: { at: "2026-03-12T00:00:00Z", cutoff: "2026-03-05T00:00:00Z", events: 0, decisions: 0, outbox: 1, ms: pulled.ms },
    });
  });

  it("keeps a dead message N days from its dead letter, not from its decision: an operator can still requeue it", async () => {
    const s = server({ retainDays: 7, pruneEveryMs: 3_600_000 });
    await promote(s, PLAN);
    await s.api("POST", "/v1/events", { events: ["A", "B"].map((c) => ({ id: `p${c}`, customer: c, type: "purchase", time: at(1), value: 5 })) }, { key: s.keys.ingest });
    const [a, b] = s.store.outbox(0, 10);
    // both decided on day 0; A dead-lettered that day, B on day 9 (retried through a long outage: an expiry of
    // transactional=14d, say, and --webhook-max-attempts)
    expect(s.store.setDelivery(a.id, "dead", 8, 0, "HTTP 503", { from: "pending", at: (T0 + 120) * 60_000 })).toBe(true);
    expect(s.store.setDelivery(b.id, "dead", 8, 0, "HTTP 503", { from: "pending", at: (T0 + 9 * DAY) * 60_000 })).toBe(true);
    await s.api("POST", "/v1/clock", { now: at(240) });
    const pass = await new Retention(s.store, 7, () => Math.max(s.clock.now(), s.driver.watermark), prunableStates(true)).pass();
    expect(pass.removed.outbox).toBe(1);
    expect(s.store.outbox(0, 10).map((m) => [m.customer, m.state])).toEqual([["B", "dead"]]);
    const requeued = await s.api("POST", `/v1/outbox/${b.id}/requeue`, undefined, { key: s.keys.operator });
    expect(requeued).toMatchObject({ status: 200, body: { state: "pending", attempts: 0 } });
  });
});
