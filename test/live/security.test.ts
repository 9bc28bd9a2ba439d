/**
 * What a brand's security review of the live server checks, on a real server on 127.0.0.1: no
 * credential (a webhook URL's token, an API key's secret) and no customer id in what the server shows
 * or logs; a signature a receiver verifies with the docs' own code, fresh to the second of sending.
 */
import { describe, expect, it, vi } from "vitest";
import { at, promote, RECEIPT_PLAN, serversStoppedAfterEach, T0, until } from "./live-helpers.ts";

const server = serversStoppedAfterEach(T0);

/** A port nobody listens on: a connection to it is refused before anything is sent. */
function closedPort(): number {
  const l = Deno.listen({ port: 0, hostname: "127.0.0.1" }), port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

describe("the webhook URL's token", () => {
  it("is in no error text: not in the outbox's lastError, not in /healthz (which needs no key)", async () => {
    const port = closedPort();
    const url = `http://127.0.0.1:${port}/services/T0/B0/s3cr3tpath?token=s3cr3tquery`;
    const s = server({ webhook: { url, secret: "sek", baseMs: 10, capMs: 10 } });
    await promote(s, RECEIPT_PLAN);
    await s.api("POST", "/v1/events", { id: "p1", customer: "C1", type: "purchase", value: 9, time: at(1) }, { key: s.keys.ingest });
    await until(() => s.store.outbox(0, 10)[0]?.attempts === 1);
    const row = s.store.outbox(0, 10)[0];
    // fetch said "error sending request for url (http://127.0.0.1:…/services/T0/B0/s3cr3tpath?token=s3cr3tquery): …"
    expect(row.lastError).toContain(`url (http://127.0.0.1:${port}/…)`);
    expect(row.lastError).toMatch(/Connection refused/);
    const health = await fetch(`${s.url}/healthz`).then((r) => r.text());
    const outbox = JSON.stringify((await s.api("GET", "/v1/outbox?after=0&limit=10", undefined, { key: s.keys.ingest })).body);
    for (const shown of [row.lastError, health, outbox]) expect(shown).not.toMatch(/s3cr3t/);
    expect(JSON.parse(health).webhook.lastError).toContain(`http://127.0.0.1:${port}/…`);
  });
});

describe("the server's log", () => {
  it("names a failed request by its route, never by a path holding a customer's id (log injection, erasure)", async () => {
    const s = server({ writerThread: false });
    const id = "C1\ncadence serve: forged line";
    expect((await s.api("POST", "/v1/events", { id: "e1", customer: id, type: "visit", time: at(1) })).status).toBe(200);
    const logged: string[] = [];
    const spy = vi.spyOn(console, "error").mockImplementation((...a) => void logged.push(a.map(String).join(" ")));
    try {
      s.store.db.exec("PRAGMA query_only = 1"); // the database cannot be written: the erasure fails
      const erase = await s.api("DELETE", `/v1/customers/${encodeURIComponent(id)}`, undefined, { key: s.keys.operator });
      expect(erase.status).toBe(503);
    } finally {
      s.store.db.exec("PRAGMA query_only = 0");
      spy.mockRestore();
    }
    expect(logged).toEqual(["cadence serve: DELETE /v1/customers/{id} refused: the database cannot be written (attempt to write a readonly database)"]);
  });
});
