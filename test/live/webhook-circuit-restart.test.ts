/**
 * The webhook's circuit across a restart, on loopback with a manual clock: a server stopped while the
 * circuit is open starts open (kept in the store's meta), so it sends no batch to a receiver still down
 * or hung and probes when the probe was due, its wait still doubling; a receiver back up closes it as
 * before; a restart with another --webhook-url starts closed. It used to start closed: a restart paid a
 * whole batch (32 messages) to a receiver still down, and to a hung one 32 more `unknown` messages.
 */
import { describe, expect, it } from "vitest";
import type { ManualClock } from "../../engine/live/clock.ts";
import { SqliteStore } from "../../engine/live/sqlite-store.ts";
import { promote, RECEIPT_PLAN, stoppedAfterEach, T0, tempDb, testServer, type TestServer, until } from "./live-helpers.ts";

const stop = stoppedAfterEach();

/** A receiver answering 503, or hanging, while `down()`; it counts the POSTs and each key's 2xx. */
function receiver(down: () => "503" | "hang" | false) {
  const posts: { key: string; status: number | "hung" }[] = [], hung: (() => void)[] = [];
  const srv = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, async (req) => {
    await req.text();
    const key = req.headers.get("idempotency-key")!, now = down();
    if (now === "hang") {
      posts.push({ key, status: "hung" });
      await new Promise<void>((r) => hung.push(r)); // accepts, never answers (until the test ends)
      return new Response("late");
    }
    posts.push({ key, status: now ? 503 : 200 });
    return new Response("", { status: now ? 503 : 200 });
  });
  stop.push(() => (hung.forEach((r) => r()), srv.shutdown()));
  return { posts, url: `http://127.0.0.1:${(srv.addr as Deno.NetAddr).port}/hook` };
}

/** A server on `db` whose manual clock starts `minutes` after T0, stopped after the test. */
function server(db: string, minutes: number, url: string, timeoutMs = 10_000): TestServer {
  const s = testServer({ db, start: T0 + minutes, webhook: { url, secret: "sek", timeoutMs } });
  stop.unshift(() => s.stop());
  return s;
}

/** Moves the manual clock `ms` on in seconds, letting the webhook make the attempts due at each one. */
async function drive(s: TestServer, ms: number): Promise<void> {
  for (let t = 0; t < ms; t += 1000) {
    (s.clock as ManualClock).advanceMs(Math.min(1000, ms - t));
    await until(() => s.store.outboxCount("sending") === 0 && (s.webhook!.status().state === "open" || s.store.deliverable(s.clock.nowMs(), 1).length === 0));
  }
}

/** `n` receipts decided at T0 (more than one batch of 32). */
async function receipts(s: TestServer, n: number): Promise<void> {
  await promote(s, RECEIPT_PLAN);
  const events = Array.from({ length: n }, (_, i) => ({ id: `p-C${i + 1}`, customer: `C${i + 1}`, type: "purchase", value: 9 }));
  expect((await s.api("POST", "/v1/events", { events }, { key: s.keys.ingest })).status).toBe(200);
}

const T0ms = T0 * 60_000, S = 1000;

describe("the webhook's circuit across a restart", () => {
  it("starts open after a restart with the receiver still down, probes when the probe was due, and closes once it answers", async () => {
    let down = true;
    const r = receiver(() => down && "503"), db = tempDb("circuit");
    const first = server(db, 0, r.url);
    await receipts(first, 80);
    await until(() => r.posts.length === 32 && first.store.outboxCount("sending") === 0);
    // open after the first batch's 503s: a probe at 30 s fails, the next one is due 60 s later
    await drive(first, 45 * S);
    expect(r.posts.length).toBe(33);
    expect(first.webhook!.status()).toMatchObject({ state: "open", failuresInARow: 33, until: T0ms + 90 * S, lastError: "HTTP 503" });
    await first.stop();

    const again = server(db, 1, r.url); // 60 s after T0
    expect(again.webhook!.status()).toMatchObject({ state: "open", failuresInARow: 33, until: T0ms + 90 * S, lastError: "HTTP 503" });
    expect((await again.api("GET", "/healthz", undefined, { key: "" })).body.webhook).toMatchObject({ state: "open", until: new Date(T0ms + 90 * S).toISOString() });
    await drive(again, 29 * S);
    expect(r.posts.length).toBe(33); // started closed, it sent the 32 due at once, 32 failures paid again before it opened
    await drive(again, S);
    expect(r.posts.length).toBe(34); // the probe at 90 s; it fails, and the next waits twice as long, 120 s
    expect(again.webhook!.status()).toMatchObject({ state: "open", failuresInARow: 34, until: T0ms + 210 * S });
    await drive(again, 119 * S);
    expect(r.posts.length).toBe(34);
    down = false;
    await drive(again, 1 * S);
    await until(() => again.store.outboxCount("delivered") === 80);
    expect(again.store.outboxCount("delivered")).toBe(80);
    expect(again.webhook!.status()).toMatchObject({ state: "closed", failuresInARow: 0, until: null });
    await again.stop();
    // closed is kept too: the next start sends at once
    const third = server(db, 5, r.url);
    expect(third.webhook!.status()).toMatchObject({ state: "closed", failuresInARow: 0 });
  });

  it("risks one probe at a hung receiver after a restart, not a batch of 32 more unknown messages", async () => {
    const r = receiver(() => "hang"), db = tempDb("circuit-hung");
    const first = server(db, 0, r.url, 300);
    await receipts(first, 80);
    await until(() => first.store.outboxCount("unknown") === 32);
    expect(first.webhook!.status()).toMatchObject({ state: "open", until: first.clock.nowMs() + 30 * S, lastError: "timed out" });
    await first.stop();
    const again = server(db, 1, r.url, 300); // 60 s on: the probe due at 30 s goes at once
    await until(() => again.store.outboxCount("unknown") > 32 && again.store.outboxCount("sending") === 0);
    await new Promise((res) => setTimeout(res, 300)); // passes go on meanwhile
    expect(again.store.outboxCount("unknown")).toBe(33); // was 64: the whole due batch, each for an operator to settle
    expect(r.posts.length).toBe(33);
    expect(again.webhook!.status()).toMatchObject({ state: "open", until: again.clock.nowMs() + 60 * S });
  });

  it("starts closed when --webhook-url names another receiver (the open circuit was the old one's), or when the kept state cannot be read", async () => {
    const old = receiver(() => "503"), db = tempDb("circuit-moved");
    const first = server(db, 0, old.url);
    await receipts(first, 80);
    await until(() => old.posts.length === 32 && first.store.outboxCount("sending") === 0);
    expect(first.webhook!.status().state).toBe("open");
    await first.stop();
    const kept = new SqliteStore(db);
    const text = kept.getMeta("webhookCircuit")!;
    expect(text).not.toContain(old.url.slice(7)); // its URL's hash, not the URL (a token may be in it)
    kept.setMeta("webhookCircuit", text.replace("{", "{,"));
    kept.close();
    const unread = server(db, 1, old.url);
    expect(unread.webhook!.status()).toMatchObject({ state: "closed", failuresInARow: 0 });
    await until(() => old.posts.length === 64 && unread.store.outboxCount("sending") === 0);
    expect(unread.webhook!.status().state).toBe("open"); // kept again, about the old receiver
    await unread.stop();
    const moved = receiver(() => false);
    const again = server(db, 2, moved.url);
    expect(again.webhook!.status()).toMatchObject({ state: "closed", failuresInARow: 0 });
    await until(() => again.store.outboxCount("delivered") === 80);
    expect(moved.posts.length).toBe(80);
  });
});
