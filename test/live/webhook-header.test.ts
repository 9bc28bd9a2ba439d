/**
 * The webhook's Idempotency-Key header for any customer id: a key with characters outside ASCII
 * (`Zoë-日本`) made fetch refuse every attempt, and the refusal was filed as `unknown` ("may have
 * reached the receiver") though nothing had left. The header now carries the key percent-encoded
 * (engine/live/webhook.ts headerKey), and a request that cannot be built is a definite failure.
 */
import { describe, expect, it } from "vitest";
import { headerKey } from "../../engine/live/webhook.ts";
import { ManualClock } from "../../engine/live/clock.ts";
import { promote, RECEIPT_PLAN, stoppedAfterEach, T0, testServer, until } from "./live-helpers.ts";


const stop = stoppedAfterEach();


describe("webhook Idempotency-Key", () => {
  it("percent-encodes the bytes outside printable ASCII, and % itself; plain ASCII keys are sent as they are", () => {
    expect(headerKey("1:C1:receipt:receipt:29560320")).toBe("1:C1:receipt:receipt:29560320");
    expect(headerKey("1:Zoë-日本:receipt:receipt:5")).toBe("1:Zo%C3%AB-%E6%97%A5%E6%9C%AC:receipt:receipt:5");
    expect(headerKey("1:50% off me:p:m:5#2")).toBe("1:50%25%20off%20me:p:m:5#2");
    for (const k of ["1:Zoë-日本:receipt:receipt:5", "1:50% off me:p:m:5#2", "x\u0000y\u007f"]) expect(decodeURIComponent(headerKey(k))).toBe(k);
  });

  it("delivers the message of a customer whose id is not ASCII, the body's key unchanged", async () => {
    const got: { header: string; body: string }[] = [];
    const srv = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, async (req) => {
      got.push({ header: req.headers.get("idempotency-key")!, body: await req.text() });
      return new Response("");
    });
    stop.push(() => srv.shutdown());
    const s = testServer({ start: T0, webhook: { url: `http://127.0.0.1:${(srv.addr as Deno.NetAddr).port}/hook`, secret: "sek" } });
    stop.unshift(() => s.stop());
    await promote(s, RECEIPT_PLAN);
    expect((await s.api("POST", "/v1/customers", { customers: [{ id: "Zoë-日本", consents: ["email"] }] })).status).toBe(200);
    expect((await s.api("POST", "/v1/events", { id: "p1", customer: "Zoë-日本", type: "purchase", value: 9 }, { key: s.keys.ingest })).status).toBe(200);
    await until(() => s.store.outbox(0, 10)[0]?.state === "delivered");
    const row = s.store.outbox(0, 10)[0];
    expect(row).toMatchObject({ state: "delivered", attempts: 1, customer: "Zoë-日本", lastError: "" });
    expect(got.length).toBe(1);
    expect(JSON.parse(got[0].body)).toMatchObject({ key: row.key, customer: "Zoë-日本" });
    expect(got[0].header).toBe(headerKey(row.key));
    expect(decodeURIComponent(got[0].header)).toBe(row.key);
  });

  it("retries, then dead-letters, a request that could not be built: nothing left, so it is not unknown", async () => {
    // passes serve's http(s) check, but is no URL: new Request refuses it before any connection
    const s = testServer({ start: T0, webhook: { url: "http://no such host/hook", secret: "sek", maxAttempts: 2, baseMs: 10, capMs: 10 } });
    stop.unshift(() => s.stop());
    await promote(s, RECEIPT_PLAN);
    await s.api("POST", "/v1/events", { id: "p1", customer: "C1", type: "purchase", value: 9 }, { key: s.keys.ingest });
    await until(() => s.store.outbox(0, 10)[0]?.attempts === 1);
    expect(s.store.outbox(0, 10)[0]).toMatchObject({ state: "pending", attempts: 1, lastError: expect.stringContaining("the request could not be built") });
    (s.clock as ManualClock).advanceMs(20);
    await until(() => s.store.outbox(0, 10)[0].state === "dead");
    expect(s.store.outbox(0, 10)[0]).toMatchObject({ state: "dead", attempts: 2 });
    expect(s.store.outboxCount("unknown")).toBe(0);
  });
});
