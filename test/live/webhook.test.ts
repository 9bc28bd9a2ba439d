/**
 * The webhook adapter against a real receiver on loopback: HMAC-SHA256 signature over
 * `<timestamp>.<body>`, the idempotency key, exponential back-off with seeded jitter, and the dead
 * letter after the configured number of tries; each outcome committed as its answer arrives; at most
 * once per key: a message a crash left in flight, or whose request timed out, is `unknown` and waits
 * for an operator (redeliver under the same key, or resolve).
 */
import { describe, expect, it } from "vitest";
import { createHmac } from "node:crypto";
import { backoff, sign } from "../../engine/live/webhook.ts";
import { ManualClock } from "../../engine/live/clock.ts";
import { promote, RECEIPT_PLAN, stoppedAfterEach, T0, tempDb, testServer, type TestServer, until } from "./live-helpers.ts";

const PLAN = RECEIPT_PLAN;

const stop = stoppedAfterEach();

function receiver(fail: number) {
  const got: { key: string; signature: string; ts: string; body: string }[] = [];
  const srv = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, async (req) => {
    const body = await req.text();
    got.push({ key: req.headers.get("idempotency-key")!, signature: req.headers.get("x-cadence-signature")!, ts: req.headers.get("x-cadence-timestamp")!, body });
    return new Response("", { status: got.length <= fail ? 503 : 200 });
  });
  stop.push(() => srv.shutdown());
  return { got, url: `http://127.0.0.1:${(srv.addr as Deno.NetAddr).port}/hook` };
}


describe("webhook adapter", () => {
  it("doubles the delay per try, jittered in [0.5, 1) by a seeded stream, capped", () => {
    const c = { baseMs: 1000, capMs: 60_000, seed: 1 };
    const d = [1, 2, 3, 4, 5, 6, 7, 8].map((a) => backoff(c, "k", a));
    d.forEach((x, i) => {
      const full = Math.min(60_000, 1000 * 2 ** i);
      expect(x).toBeGreaterThanOrEqual(full / 2);
      expect(x).toBeLessThan(full);
    });
    expect(d).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map((a) => backoff(c, "k", a))); // same key, same delays
    expect(backoff(c, "other", 3)).not.toBe(d[2]);
  });

  it("signs, retries after failures with back-off, then delivers once", async () => {
    const r = receiver(2);
    const s: TestServer = testServer({ start: T0, webhook: { url: r.url, secret: "sek", maxAttempts: 5, baseMs: 1000, capMs: 60_000 } });
    stop.unshift(() => s.stop());
    await promote(s, PLAN);
    await s.api("POST", "/v1/events", { id: "p1", customer: "C1", type: "purchase", value: 9 }, { key: s.keys.ingest });
    const attempts = () => s.store.outbox(0, 10)[0]?.attempts ?? 0;
    await until(() => attempts() === 1);
    const clock = s.clock as ManualClock;
    await new Promise((res) => setTimeout(res, 150));
    expect(r.got.length).toBe(1); // not yet due again
    clock.advanceMs(1000);
    await until(() => attempts() === 2);
    clock.advanceMs(2000);
    await until(() => attempts() === 3);
    await until(() => s.store.outbox(0, 10)[0].state === "delivered");
    const row = s.store.outbox(0, 10)[0];
    expect(row).toMatchObject({ state: "delivered", attempts: 3, message: "receipt" });
    expect(new Set(r.got.map((g) => g.key))).toEqual(new Set([row.key]));
    for (const g of r.got) {
      expect(g.signature).toBe(`sha256=${createHmac("sha256", "sek").update(`${g.ts}.${g.body}`).digest("hex")}`);
      expect(g.signature).toBe(sign("sek", g.ts, g.body));
    }
    expect(JSON.parse(r.got[0].body)).toMatchObject({ key: row.key, customer: "C1", program: "receipt", message: "receipt", channel: "email" });
  });

  it("dead-letters after the last try, keeping the error", async () => {
    const r = receiver(99);
    const s = testServer({ start: T0, webhook: { url: r.url, secret: "sek", maxAttempts: 3, baseMs: 10, capMs: 10 } });
    stop.unshift(() => s.stop());
    await promote(s, PLAN);
    await s.api("POST", "/v1/events", { id: "p1", customer: "C1", type: "purchase", value: 9 }, { key: s.keys.ingest });
    for (let i = 0; i < 3; i++) {
      await until(() => s.store.outbox(0, 10)[0]?.attempts === i + 1);
      (s.clock as ManualClock).advanceMs(20);
    }
    await until(() => s.store.outbox(0, 10)[0].state === "dead");
    expect(s.store.outbox(0, 10)[0]).toMatchObject({ state: "dead", attempts: 3, lastError: "HTTP 503" });
    await new Promise((res) => setTimeout(res, 100));
    expect(r.got.length).toBe(3);
  });

  it("commits each outcome as its answer arrives, not when the slowest of the pass answers", async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const got: string[] = [];
    const srv = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, async (req) => {
      const body = JSON.parse(await req.text());
      got.push(body.customer);
      if (body.customer === "C2") await held; // C2's receiver is slow
      return new Response("ok");
    });
    stop.push(() => srv.shutdown());
    const s = testServer({ start: T0, webhook: { url: `http://127.0.0.1:${(srv.addr as Deno.NetAddr).port}/hook`, secret: "sek" } });
    stop.unshift(() => (release(), s.stop()));
    await promote(s, PLAN);
    await s.api("POST", "/v1/events", { events: [{ id: "p1", customer: "C1", type: "purchase", value: 9 }, { id: "p2", customer: "C2", type: "purchase", value: 9 }] }, { key: s.keys.ingest });
    const row = (c: string) => s.store.outbox(0, 10).find((m) => m.customer === c)!;
    await until(() => got.length === 2 && row("C1").state === "delivered");
    // C1 is durably delivered while C2's POST is still in flight, marked with the attempt it carries
    expect(row("C1")).toMatchObject({ state: "delivered", attempts: 1, sending: 0 });
    expect(row("C2")).toMatchObject({ state: "sending", attempts: 0, sending: 1 });
    release();
    await until(() => row("C2").state === "delivered");
    expect(row("C2")).toMatchObject({ state: "delivered", attempts: 1, sending: 0 });
  });

  it("never resends a message a crash left in flight: it is unknown until an operator redelivers or resolves it", async () => {
    const db = tempDb("inflight");
    const first = testServer({ db, start: T0 }); // no webhook: the messages stay pending
    await promote(first, PLAN);
    await first.api("POST", "/v1/events", { events: [1, 2, 3].map((i) => ({ id: `p${i}`, customer: `C${i}`, type: "purchase", value: 9 })) }, { key: first.keys.ingest });
    const [m1, m2, m3] = first.store.outbox(0, 10);
    first.store.markSending([m1.id, m2.id, m3.id]); // as a pass does just before its POSTs; then the process dies
    await first.stop();
    const r = receiver(0);
    const s = testServer({ db, start: T0, webhook: { url: r.url, secret: "sek" } });
    stop.unshift(() => s.stop());
    await new Promise((res) => setTimeout(res, 200)); // several webhook passes
    expect(r.got).toEqual([]); // nothing resent
    expect(s.store.outbox(0, 10).map((m) => [m.key, m.state, m.attempts, m.sending])).toEqual([m1, m2, m3].map((m) => [m.key, "unknown", 1, 0]));
    expect((await s.api("GET", "/healthz", undefined, { key: "" })).body).toEqual({ ok: true, unknownDeliveries: 3, webhook: expect.objectContaining({ state: "closed" }), retention: null, campaignDay: null });
    expect((await s.api("GET", "/v1/metrics/live")).body.delivery).toMatchObject({ unknown: 3, delivered: 0 });
    const listed = await s.api("GET", "/v1/outbox?status=unknown&limit=2", undefined, { key: s.keys.operator });
    expect(listed.body.messages.map((m: { id: number }) => m.id)).toEqual([m1.id, m2.id]);
    expect(listed.body.messages[0].lastError).toMatch(/attempt 1 was in flight when the server stopped/);
    expect((await s.api("GET", `/v1/outbox?status=unknown&after=${listed.body.next}`, undefined, { key: s.keys.operator })).body.messages.length).toBe(1);

    // redeliver: sent again under the same key; resolve: no POST at all
    expect((await s.api("POST", `/v1/outbox/${m1.id}/redeliver`, undefined, { key: s.keys.ingest })).status).toBe(403);
    const re = await s.api("POST", `/v1/outbox/${m1.id}/redeliver`, undefined, { key: s.keys.operator });
    expect(re.status).toBe(200);
    expect(re.body).toMatchObject({ id: m1.id, state: "pending", attempts: 1 });
    await until(() => s.store.outboxMessage(m1.id)!.state === "delivered");
    expect(s.store.outboxMessage(m1.id)).toMatchObject({ state: "delivered", attempts: 2 });
    expect(r.got.map((g) => g.key)).toEqual([m1.key]);
    expect((await s.api("POST", `/v1/outbox/${m2.id}/resolve`, { delivered: true }, { key: s.keys.operator })).body).toMatchObject({ state: "delivered", attempts: 1 });
    expect((await s.api("POST", `/v1/outbox/${m3.id}/resolve`, { delivered: false }, { key: s.keys.operator })).body).toMatchObject({ state: "dead", lastError: expect.stringMatching(/not delivered/) });
    // only an unknown message moves; bad ids and bodies are named
    const again = await s.api("POST", `/v1/outbox/${m1.id}/redeliver`, undefined, { key: s.keys.operator });
    expect(again).toMatchObject({ status: 409, body: { error: expect.stringMatching(/is delivered; only an unknown message/) } });
    expect((await s.api("POST", "/v1/outbox/999/resolve", { delivered: true }, { key: s.keys.operator })).status).toBe(404);
    const bad = await s.api("POST", `/v1/outbox/${m3.id}/resolve`, { delivered: "yes" }, { key: s.keys.operator });
    expect(bad.status).toBe(400);
    expect(bad.body.problems[0].path).toBe("body.delivered");
    await new Promise((res) => setTimeout(res, 150));
    expect(r.got.map((g) => g.key)).toEqual([m1.key]); // resolved messages are never POSTed
    expect((await s.api("GET", "/healthz", undefined, { key: "" })).body.unknownDeliveries).toBe(0);
    const audit = (await s.api("GET", "/v1/audit")).body.entries.map((e: { action: string; target: string }) => `${e.action} ${e.target}`);
    expect(audit).toEqual(expect.arrayContaining([`outbox.redeliver ${m1.id}`, `outbox.resolve ${m2.id}`, `outbox.resolve ${m3.id}`]));
  });

  it("a timeout after the request was sent is unknown, not retried; a refused connection is retried", async () => {
    let calls = 0;
    const slow = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, async (req) => {
      calls++;
      await req.text();
      await new Promise((res) => setTimeout(res, 1500)); // answers long after the sender gave up (room for a loaded machine)
      return new Response("ok");
    });
    stop.push(() => slow.shutdown());
    const s = testServer({ start: T0, webhook: { url: `http://127.0.0.1:${(slow.addr as Deno.NetAddr).port}/hook`, secret: "sek", timeoutMs: 400 } });
    stop.unshift(() => s.stop());
    await promote(s, PLAN);
    await s.api("POST", "/v1/events", { id: "p1", customer: "C1", type: "purchase", value: 9 }, { key: s.keys.ingest });
    await until(() => s.store.outbox(0, 10)[0]?.state === "unknown");
    (s.clock as ManualClock).advanceMs(3_600_000);
    await new Promise((res) => setTimeout(res, 200));
    expect(calls).toBe(1);
    expect(s.store.outbox(0, 10)[0]).toMatchObject({ state: "unknown", attempts: 1, lastError: expect.stringMatching(/^timed out: the request may have reached/) });

    // a port nobody listens on: the connection is refused before anything is sent, so it is retried
    const closed = Deno.listen({ port: 0, hostname: "127.0.0.1" }), port = (closed.addr as Deno.NetAddr).port;
    closed.close();
    const t = testServer({ start: T0, webhook: { url: `http://127.0.0.1:${port}/hook`, secret: "sek", baseMs: 10, capMs: 10 } });
    stop.unshift(() => t.stop());
    await promote(t, PLAN);
    await t.api("POST", "/v1/events", { id: "p1", customer: "C1", type: "purchase", value: 9 }, { key: t.keys.ingest });
    await until(() => t.store.outbox(0, 10)[0]?.attempts === 1);
    expect(t.store.outbox(0, 10)[0]).toMatchObject({ state: "pending", attempts: 1, lastError: expect.stringMatching(/Connection refused/) });
    (t.clock as ManualClock).advanceMs(20);
    await until(() => t.store.outbox(0, 10)[0]?.attempts === 2);
    expect(t.store.outbox(0, 10)[0].state).toBe("pending");
  });
});
