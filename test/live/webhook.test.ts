/**
 * The webhook adapter against a real receiver on loopback: HMAC-SHA256 signature over
 * `<timestamp>.<body>`, the idempotency key, exponential back-off with seeded jitter, and the dead
 * letter after the configured number of tries; each outcome committed as its answer arrives, and
 * the messages a crash left in flight resent under their key.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createHmac } from "node:crypto";
import { parseDate } from "../../engine/core/time.ts";
import { backoff, sign } from "../../engine/live/webhook.ts";
import { ManualClock } from "../../engine/live/clock.ts";
import { promote, tempDb, testServer, type TestServer } from "./live-helpers.ts";

const T0 = parseDate("2026-03-02")!;
const PLAN = `name: hooks
channels: { email: {} }
programs:
  - id: receipt
    type: journey
    trigger: { event: purchase }
    reentry: always
    steps:
      - send: { channel: email, message: receipt, category: transactional }
`;

let stop: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const f of stop) await f();
  stop = [];
});

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

async function until(f: () => boolean) {
  for (let i = 0; i < 400 && !f(); i++) await new Promise((r) => setTimeout(r, 10));
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
    expect(row("C2")).toMatchObject({ state: "pending", attempts: 0, sending: 1 });
    release();
    await until(() => row("C2").state === "delivered");
    expect(row("C2")).toMatchObject({ state: "delivered", attempts: 1, sending: 0 });
  });

  it("resends a message left in flight by a crash, under the same key, counting the unknown attempt", async () => {
    const db = tempDb("inflight");
    const first = testServer({ db, start: T0 }); // no webhook: the message stays pending
    await promote(first, PLAN);
    await first.api("POST", "/v1/events", { id: "p1", customer: "C1", type: "purchase", value: 9 }, { key: first.keys.ingest });
    const m = first.store.outbox(0, 10)[0];
    first.store.markSending([m.id]); // as a pass does just before its POST; then the process dies
    await first.stop();
    const r = receiver(0);
    const s = testServer({ db, start: T0, webhook: { url: r.url, secret: "sek" } });
    stop.unshift(() => s.stop());
    await until(() => s.store.outbox(0, 10)[0].state === "delivered");
    expect(s.store.outbox(0, 10)[0]).toMatchObject({ key: m.key, state: "delivered", attempts: 2, sending: 0 });
    expect(r.got.map((g) => g.key)).toEqual([m.key]);
  });
});
