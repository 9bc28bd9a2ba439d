/**
 * A receiver that answers with a redirect: the webhook does not follow it. fetch follows by default,
 * turning a POST redirected by 301/302/303 into a GET without its body, and the 2xx of whatever
 * answered there marked the message delivered though no receiver got it.
 */
import { describe, expect, it } from "vitest";
import type { ManualClock } from "../../engine/live/clock.ts";
import { promote, RECEIPT_PLAN, stoppedAfterEach, T0, testServer, until } from "./live-helpers.ts";

const stop = stoppedAfterEach();

describe("webhook redirects", () => {
  for (const status of [302, 307]) {
    it(`a ${status} is a failed attempt, retried at the configured URL and never followed`, async () => {
      const got: string[] = [];
      const srv = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, async (req) => {
        const body = await req.text();
        const path = new URL(req.url).pathname;
        got.push(`${req.method} ${path} ${body ? "with body" : "no body"}`);
        return path === "/hook" ? new Response(null, { status, headers: { location: "/moved" } }) : new Response("ok");
      });
      stop.push(() => srv.shutdown());
      const s = testServer({ start: T0, webhook: { url: `http://127.0.0.1:${(srv.addr as Deno.NetAddr).port}/hook`, secret: "sek", maxAttempts: 2, baseMs: 1000, capMs: 1000 } });
      stop.unshift(() => s.stop());
      await promote(s, RECEIPT_PLAN);
      await s.api("POST", "/v1/events", { id: "p1", customer: "C1", type: "purchase", value: 9 }, { key: s.keys.ingest });
      await until(() => s.store.outbox(0, 10)[0]?.attempts === 1);
      expect(s.store.outbox(0, 10)[0]).toMatchObject({
        state: "pending", attempts: 1,
        lastError: `HTTP ${status}: a redirect to http://127.0.0.1:${(srv.addr as Deno.NetAddr).port}/…, not followed (the message was not taken there); set --webhook-url to the receiver's own URL`,
      });
      (s.clock as ManualClock).advanceMs(1000);
      await until(() => s.store.outbox(0, 10)[0]?.state === "dead");
      expect(s.store.outbox(0, 10)[0]).toMatchObject({ state: "dead", attempts: 2 });
      expect(got).toEqual(["POST /hook with body", "POST /hook with body"]); // /moved never asked
    });
  }

  it("shows where a redirect points as the webhook URL is shown: its origin and /…, never a token in its path or query", async () => {
    const srv = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, async (req) => {
      await req.body?.cancel();
      // moved to https, another host, its token in the path and the query
      return new Response(null, { status: 301, headers: { location: "https://hooks.example.com/services/T0/B0/s3cr3tpath?token=s3cr3tquery" } });
    });
    stop.push(() => srv.shutdown());
    const s = testServer({ start: T0, webhook: { url: `http://127.0.0.1:${(srv.addr as Deno.NetAddr).port}/hook`, secret: "sek", maxAttempts: 1 } });
    stop.unshift(() => s.stop());
    await promote(s, RECEIPT_PLAN);
    await s.api("POST", "/v1/events", { id: "p1", customer: "C1", type: "purchase", value: 9 }, { key: s.keys.ingest });
    await until(() => s.store.outbox(0, 10)[0]?.state === "dead");
    const row = s.store.outbox(0, 10)[0];
    expect(row.lastError).toBe("HTTP 301: a redirect to https://hooks.example.com/…, not followed (the message was not taken there); set --webhook-url to the receiver's own URL");
    const outbox = JSON.stringify((await s.api("GET", "/v1/outbox?after=0&limit=10", undefined, { key: s.keys.ingest })).body);
    const health = await fetch(`${s.url}/healthz`).then((r) => r.text());
    expect(outbox).toContain("a redirect to https://hooks.example.com/…");
    for (const shown of [outbox, health]) expect(shown).not.toMatch(/s3cr3t/);
  });
});
