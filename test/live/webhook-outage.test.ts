/**
 * The webhook through a real receiver's outage, on loopback with a manual clock: a definite failure is
 * retried until the message expires (it used to be dead after 8 tries, ≈ 100 s); a message past its
 * expiry is `expired`, never sent; dead messages are requeued by id or in bulk once the receiver is
 * back; a 429/503's Retry-After is honoured by every message, not only the one that got it; a hung
 * receiver opens the circuit after the first batch, and only one message a probe is risked after that.
 */
import { describe, expect, it } from "vitest";
import type { ManualClock } from "../../engine/live/clock.ts";
import { retryAfterMs } from "../../engine/live/retry-after.ts";
import { type Expiry, parseExpiry } from "../../engine/live/expiry.ts";
import { at, promote, RECEIPT_PLAN, RECEIPT_PROGRAM, stoppedAfterEach, T0, tempDb, testServer, type TestServer, until } from "./live-helpers.ts";

const stop = stoppedAfterEach();
const MIN = 60_000, H = 60 * MIN;

/** A receiver whose answer the test sets (`status`, headers); it counts each key's 2xx answers. */
function receiver(answer: () => { status: number; headers?: Record<string, string> } | "hang") {
  const posts: { key: string; status: number | "hung" }[] = [], hung: (() => void)[] = [];
  const srv = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, async (req) => {
    await req.text();
    const a = answer(), key = req.headers.get("idempotency-key")!;
    if (a === "hang") {
      posts.push({ key, status: "hung" });
      await new Promise<void>((r) => hung.push(r)); // accepts, never answers (until the test ends)
      return new Response("late");
    }
    posts.push({ key, status: a.status });
    return new Response("", { status: a.status, headers: a.headers });
  });
  stop.push(() => (hung.forEach((r) => r()), srv.shutdown()));
  const delivered = () => posts.filter((p) => p.status === 200).map((p) => p.key);
  return { posts, delivered, url: `http://127.0.0.1:${(srv.addr as Deno.NetAddr).port}/hook` };
}

/** Moves the manual clock `ms` on in `step`s, letting the webhook make the attempts due at each one. */
async function drive(s: TestServer, ms: number, step: number): Promise<void> {
  const clock = s.clock as ManualClock;
  for (let t = 0; t < ms; t += step) {
    clock.advanceMs(Math.min(step, ms - t));
    await settle(s);
  }
}

/** Waits until nothing due is left to send (or the circuit holds it back) and nothing is in flight. */
async function settle(s: TestServer): Promise<void> {
  await until(() => s.store.outboxCount("sending") === 0 && (s.webhook!.status().state === "open" || s.store.deliverable(s.clock.nowMs(), 1).length === 0));
}

async function purchases(s: TestServer, customers: string[]): Promise<void> {
  const events = customers.map((c) => ({ id: `p-${c}`, customer: c, type: "purchase", value: 9 }));
  expect((await s.api("POST", "/v1/events", { events }, { key: s.keys.ingest })).status).toBe(200);
}

const states = (s: TestServer) => s.store.outbox(0, 100).map((m) => m.state);

describe("webhook through a receiver outage", () => {
  it("retries through a 5-minute outage with the defaults and delivers every message once when the receiver is back", async () => {
    let down = true;
    const r = receiver(() => ({ status: down ? 503 : 200 }));
    const s = testServer({ start: T0, webhook: { url: r.url, secret: "sek" } });
    stop.unshift(() => s.stop());
    await promote(s, RECEIPT_PLAN);
    await purchases(s, ["C1", "C2", "C3"]);
    await until(() => s.store.outbox(0, 10).every((m) => m.attempts === 1));
    await drive(s, 5 * MIN, 1000);
    // eight tries used to be spent in ≈ 100 s (1 + 2 + … + 64 s, jittered): every message was dead here
    expect(states(s)).toEqual(["pending", "pending", "pending"]);
    // after 10 failures in a row the circuit opened: one probe at 30 s, 60 s, 120 s… instead of every message
    const tries = s.store.outbox(0, 10).map((m) => m.attempts);
    expect(s.webhook!.status()).toMatchObject({ state: "open", lastError: "HTTP 503" });
    expect(tries.reduce((a, b) => a + b)).toBeLessThan(20);
    down = false;
    await drive(s, 10 * MIN, 5000);
    expect(states(s)).toEqual(["delivered", "delivered", "delivered"]);
    expect(r.delivered().sort()).toEqual(s.store.outbox(0, 10).map((m) => m.key).sort()); // each key taken once
    expect(r.posts.filter((p) => p.status === 503).length).toBe(tries.reduce((a, b) => a + b));
  });

  it("retries one failing message past its eighth try while the circuit stays closed (the receiver takes the others)", async () => {
    let down = true;
    const r = receiver(() => ({ status: down ? 503 : 200 }));
    const s = testServer({ start: T0, webhook: { url: r.url, secret: "sek", breakerFailures: 1000 } });
    stop.unshift(() => s.stop());
    await promote(s, RECEIPT_PLAN);
    await purchases(s, ["C1"]);
    await drive(s, 10 * MIN, 1000);
    // 1 + 2 + … + 512 s, jittered: 9 to 10 tries in 10 minutes; the ninth used to be the dead letter's
    expect(s.store.outbox(0, 1)[0]).toMatchObject({ state: "pending", lastError: "HTTP 503", attempts: expect.toSatisfy((n: number) => n >= 9) });
    down = false;
    await drive(s, 10 * MIN, 10_000);
    expect(s.store.outbox(0, 1)[0].state).toBe("delivered");
    expect(r.delivered()).toEqual([s.store.outbox(0, 1)[0].key]);
  });

  it("expires a message not delivered within its category's span: not sent after it", async () => {
    const r = receiver(() => ({ status: 503 }));
    const expiry = { defaultMs: 5 * MIN, byCategory: { transactional: 10 * MIN } };
    const s = testServer({ start: T0, webhook: { url: r.url, secret: "sek", expiry } });
    stop.unshift(() => s.stop());
    await promote(s, RECEIPT_PLAN);
    await purchases(s, ["C1"]);
    const decided = s.store.outbox(0, 1)[0].time * MIN;
    await drive(s, 20 * MIN, 5000);
    const m = s.store.outbox(0, 1)[0];
    expect(m).toMatchObject({ state: "expired", lastError: "expired: not sent within 10m of its decision (category transactional); last error: HTTP 503" });
    expect(m.changed).toBeLessThanOrEqual(decided + 10 * MIN); // expired when its next try fell past the span
    const posts = r.posts.length;
    await drive(s, 30 * MIN, 60_000);
    expect(r.posts.length).toBe(posts); // never tried again
  });

  it("expires at the next pass a message held back past its span (a stopped server), without a POST", async () => {
    const db = tempDb("expire");
    const first = testServer({ db, start: T0 }); // no webhook: the message waits
    await promote(first, RECEIPT_PLAN);
    await purchases(first, ["C1"]);
    await first.stop();
    const r = receiver(() => ({ status: 200 }));
    const s = testServer({ db, start: T0 + 25 * 60, webhook: { url: r.url, secret: "sek" } }); // 25 h later
    stop.unshift(() => s.stop());
    await until(() => s.store.outbox(0, 1)[0].state !== "pending");
    expect(s.store.outbox(0, 1)[0]).toMatchObject({ state: "expired", attempts: 0, lastError: "expired: not sent within 24h of its decision" });
    expect(r.posts).toEqual([]);
    expect(parseExpiry("6h,transactional=3d")).toEqual({ defaultMs: 6 * H, byCategory: { transactional: 72 * H } });
    expect(parseExpiry("6h,transactional=soon")).toBe("expected a span such as 30m, 24h, 7d or never, got 'soon' for transactional");
    expect(parseExpiry("transactional=1d,6h")).toMatch(/^the span for every category comes first/);
  });

  it("expires the messages an open circuit holds back when their span ends, and the first probe after goes to a message still worth sending", async () => {
    let down = true;
    const r = receiver(() => ({ status: down ? 503 : 200 }));
    const s = testServer({ start: T0, webhook: { url: r.url, secret: "sek", expiry: { defaultMs: 5 * MIN, byCategory: {} } } });
    stop.unshift(() => s.stop());
    await promote(s, RECEIPT_PLAN);
    await purchases(s, Array.from({ length: 40 }, (_, i) => `C${i + 1}`));
    await until(() => r.posts.length === 32 && s.store.outboxCount("sending") === 0);
    // open after the first batch's 503s: probes at 30, 90 and 210 s, the next one not before 450 s
    await drive(s, 6 * MIN, 5000);
    expect(s.webhook!.status().state).toBe("open");
    const posted = r.posts.length;
    expect(posted).toBe(35);
    // held behind the open circuit, the 40 stayed pending past their 5 minutes; then a probe took one a pass
    await until(() => s.store.outboxCount("pending") === 0);
    expect(s.store.outboxCounts()).toEqual({ expired: 40 });
    expect(s.store.outbox(0, 1)[0].lastError).toBe("expired: not sent within 5m of its decision; last error: HTTP 503");
    down = false;
    // at 6 min for the engine too: advanceMs moved the clock in milliseconds, the engine's minute stayed T0
    const c41 = { id: "p-C41", customer: "C41", type: "purchase", value: 9, time: at(0.1) };
    expect((await s.api("POST", "/v1/events", { events: [c41] }, { key: s.keys.ingest })).status).toBe(200);
    const open = s.webhook!.status().until!;
    await drive(s, open - s.clock.nowMs(), 5000);
    await until(() => s.store.outboxCount("pending") === 0);
    expect(r.posts.length).toBe(posted + 1); // the probe: C41's receipt, none of the expired ones
    expect(r.delivered()).toEqual([s.store.outbox(40, 1)[0].key]);
    expect(s.webhook!.status().state).toBe("closed");
  });

  it("requeues dead messages by id and in bulk by channel, dead since and last error, audited; never one whose address bounced", async () => {
    let status = 503;
    const r = receiver(() => ({ status }));
    const plan = RECEIPT_PLAN.replace("channels: { email: {} }", "channels: { email: {}, sms: {} }") +
      RECEIPT_PROGRAM.replace("id: receipt", "id: receipt-sms").replace("channel: email, message: receipt,", "channel: sms, message: receipt-sms,");
    // 10:00, inside the sms send window
    const s = testServer({ start: T0 + 600, webhook: { url: r.url, secret: "sek", maxAttempts: 2, baseMs: 1000, capMs: 1000, breakerFailures: 100 } });
    stop.unshift(() => s.stop());
    await promote(s, plan);
    const profiles = ["C1", "C2", "C3"].map((id) => ({ id, consents: ["email", "sms"] }));
    expect((await s.api("POST", "/v1/customers", { customers: profiles }, { key: s.keys.ingest })).status).toBe(200);
    const row = (customer: string, channel: string) => s.store.outbox(0, 100).find((m) => m.customer === customer && m.channel === channel)!;
    await purchases(s, ["C1", "C2"]);
    await drive(s, 5000, 1000);
    expect(states(s)).toEqual(["dead", "dead", "dead", "dead"]);
    await drive(s, H, H);
    const later = s.clock.nowMs();
    status = 500;
    await purchases(s, ["C3"]);
    await drive(s, 5000, 1000);
    expect([row("C3", "email"), row("C3", "sms")].map((m) => [m.state, m.lastError, m.changed >= later])).toEqual([["dead", "HTTP 500", true], ["dead", "HTTP 500", true]]);
    // C2's address bounced: its dead e-mail is cancelled with it, and no requeue brings it back
    await s.api("POST", "/v1/events", { id: "b2", customer: "C2", type: "bounced", channel: "email" }, { key: s.keys.ingest });
    expect(row("C2", "email")).toMatchObject({ state: "cancelled", lastError: "hard bounce" });
    status = 200;

    const bulk = (body: unknown, key = s.keys.operator) => s.api("POST", "/v1/outbox/requeue", body, { key });
    expect((await bulk({ channel: "email" }, s.keys.ingest)).status).toBe(403);
    expect((await bulk({ deadSince: "yesterday" })).body.problems[0]).toMatchObject({ path: "body.deadSince" });
    expect((await bulk({ channel: "email", error: "HTTP 503" })).body).toEqual({ requeued: 1, expired: 0 }); // C1's e-mail
    expect((await bulk({ deadSince: new Date(later).toISOString() })).body).toEqual({ requeued: 2, expired: 0 }); // C3's
    const one = await s.api("POST", `/v1/outbox/${row("C1", "sms").id}/requeue`, undefined, { key: s.keys.operator });
    expect(one).toMatchObject({ status: 200, body: { state: "pending", attempts: 0, lastError: expect.stringMatching(/^requeued by key \w+ after 2 failed attempts; last error: HTTP 503$/) } });
    await drive(s, 5000, 1000);
    expect([["C1", "email"], ["C1", "sms"], ["C2", "email"], ["C2", "sms"], ["C3", "email"], ["C3", "sms"]].map(([c, ch]) => row(c, ch).state))
      .toEqual(["delivered", "delivered", "cancelled", "dead", "delivered", "delivered"]);
    expect(r.delivered().sort()).toEqual(["C1", "C3"].flatMap((c) => [row(c, "email").key, row(c, "sms").key]).sort());
    const again = await s.api("POST", `/v1/outbox/${row("C1", "sms").id}/requeue`, undefined, { key: s.keys.operator });
    expect(again).toMatchObject({ status: 409, body: { error: `outbox message ${row("C1", "sms").id} is delivered; only a dead message can be requeued` } });
    const audit = (await s.api("GET", "/v1/audit")).body.entries.filter((e: { action: string }) => e.action === "outbox.requeue");
    expect(audit.map((e: { target: string; detail: unknown }) => [e.target, e.detail])).toEqual([
      ["dead", { filter: { channel: "email", error: "HTTP 503" }, requeued: 1, expired: 0 }],
      ["dead", { filter: { since: new Date(Math.floor(later / MIN) * MIN).toISOString() }, requeued: 2, expired: 0 }], // to the minute
      [String(row("C1", "sms").id), { attempts: 2, requeued: true }],
    ]);
  });

  for (const [form, header] of [["seconds", () => "120"], ["an HTTP date", (now: number) => new Date(now + 120_000).toUTCString()]] as const) {
    it(`honours a 429's Retry-After in ${form}: nothing is sent before it, then one probe, then the rest`, async () => {
      let until429 = 0;
      const r = receiver(() => {
        const now = s.clock.nowMs();
        if (!until429) until429 = now + 120_000;
        return now < until429 ? { status: 429, headers: { "retry-after": header(now) } } : { status: 200 };
      });
      const s: TestServer = testServer({ start: T0, webhook: { url: r.url, secret: "sek" } });
      stop.unshift(() => s.stop());
      await promote(s, RECEIPT_PLAN);
      await purchases(s, ["C1", "C2", "C3", "C4", "C5"]);
      await until(() => r.posts.length === 5 && s.store.outboxCount("sending") === 0);
      const first = s.clock.nowMs();
      expect(s.webhook!.status()).toMatchObject({ state: "open", until: first + 120_000, lastError: "HTTP 429 (Retry-After 120 s)" });
      expect(s.store.outbox(0, 10).every((m) => m.state === "pending" && m.nextAttempt >= first + 120_000)).toBe(true);
      await drive(s, 119_000, 1000); // each message's own back-off (1 s) is long past
      expect(r.posts.length).toBe(5);
      await drive(s, 1000, 1000);
      await until(() => r.posts.length === 10);
      expect(r.posts.slice(5).map((p) => p.status)).toEqual([200, 200, 200, 200, 200]);
      expect(states(s)).toEqual(["delivered", "delivered", "delivered", "delivered", "delivered"]);
      expect(s.webhook!.status().state).toBe("closed");
    });
  }

  it("reads Retry-After as RFC 9110 writes it", () => {
    const now = Date.UTC(2026, 2, 2, 9);
    expect(retryAfterMs("120", now)).toBe(120_000);
    expect(retryAfterMs("Mon, 02 Mar 2026 09:01:30 GMT", now)).toBe(90_000);
    expect(retryAfterMs("Monday, 02-Mar-26 09:01:30 GMT", now)).toBe(90_000); // RFC 850, obsolete but to be read
    expect(retryAfterMs("Mon, 02 Mar 2026 08:00:00 GMT", now)).toBe(0);
    expect([null, "", "-5", "soon", "2026-03-02"].map((v) => retryAfterMs(v, now))).toEqual([null, null, null, null, null]);
    expect(retryAfterMs("2026", now)).toBe(2_026_000); // digits are delay-seconds
  });

  it("a 503 asking for a day is left alone for the back-off cap, not a day", async () => {
    let calls = 0;
    const r = receiver(() => (++calls === 1 ? { status: 503, headers: { "retry-after": "86400" } } : { status: 200 }));
    const s = testServer({ start: T0, webhook: { url: r.url, secret: "sek" } });
    stop.unshift(() => s.stop());
    await promote(s, RECEIPT_PLAN);
    await purchases(s, ["C1"]);
    await until(() => s.store.outbox(0, 1)[0].attempts === 1);
    expect(s.store.outbox(0, 1)[0]).toMatchObject({ state: "pending", lastError: "HTTP 503 (Retry-After 600 s)", nextAttempt: s.clock.nowMs() + 600_000 });
    await drive(s, 600_000, 10_000);
    await until(() => s.store.outbox(0, 1)[0].state === "delivered");
    expect(s.store.outbox(0, 1)[0]).toMatchObject({ state: "delivered", attempts: 2 });
  });

  it("a hung receiver makes the first batch unknown, then one probe at a time, with the circuit shown open", async () => {
    let hang = true;
    const r = receiver(() => (hang ? "hang" : { status: 200 }));
    const s = testServer({ start: T0, webhook: { url: r.url, secret: "sek", timeoutMs: 300 } });
    stop.unshift(() => s.stop());
    await promote(s, RECEIPT_PLAN);
    await purchases(s, Array.from({ length: 40 }, (_, i) => `C${i + 1}`));
    await until(() => s.store.outboxCount("unknown") === 32);
    await new Promise((res) => setTimeout(res, 300)); // passes go on: without the circuit, the other 8 went the same way
    expect(s.store.outboxCount("unknown")).toBe(32);
    const health = (await s.api("GET", "/healthz", undefined, { key: "" })).body;
    expect(health).toMatchObject({ unknownDeliveries: 32, webhook: { state: "open", failuresInARow: 32, lastError: "timed out", until: new Date(s.clock.nowMs() + 30_000).toISOString() } });
    expect((await s.api("GET", "/readyz", undefined, { key: "" })).body).toMatchObject({ ok: true, webhook: { state: "open" } });
    // probes at 30 s, then after 60, 120, 240 s: four more messages risked in 10 minutes, not 32 every 10 s
    await drive(s, 10 * MIN, 5000);
    expect(s.store.outboxCount("unknown")).toBe(36);
    expect(r.posts.length).toBe(36);
    hang = false;
    await drive(s, 10 * MIN, 5000);
    expect(s.store.outboxCount("delivered")).toBe(4);
    expect(s.webhook!.status()).toMatchObject({ state: "closed", failuresInARow: 0 });
  });
});

describe("an expiry naming a category the live plan does not have", () => {
  // `24h,transactionnal=7d` was taken without a word: receipts expired after the default 24 h, and
  // nothing said why. The plan decides the categories (and a promotion changes them), so it is said at
  // start, at each promotion and in /healthz, not refused.
  const hook = { url: "http://127.0.0.1:8089/hook", secret: "sek" }; // never reached: no message is decided here
  const health = async (s: TestServer) => (await s.api("GET", "/healthz")).body.webhook;

  it("is warned of at start and at each promotion, and listed by /healthz, until a plan has it", async () => {
    const lines: string[] = [], db = tempDb();
    const start = (expiry: string) => {
      const s = testServer({ db, start: T0, log: (line) => lines.push(line), webhook: { ...hook, expiry: parseExpiry(expiry) as Expiry } });
      stop.unshift(() => s.stop());
      return s;
    };
    const s = start("24h,transactionnal=7d,flash=2h");
    // no plan live: the categories every plan has
    expect(lines).toEqual([
      "warning: --webhook-expire-after: transactionnal=7d, flash=2h apply to no message yet: no plan is live, and transactionnal (did you mean transactional?), flash are not among the categories every plan has (transactional, relational, promotional); a plan must declare them under categories:",
    ]);
    expect(await health(s)).toMatchObject({ expireAfter: "24h,transactionnal=7d,flash=2h", expireAfterUnknown: ["transactionnal", "flash"] });
    // a plan declaring flash: transactionnal alone is left
    await promote(s, `${RECEIPT_PLAN.replace("channels:", "categories: [flash]\nchannels:")}`);
    expect(lines.slice(1)).toEqual([
      "warning: --webhook-expire-after: transactionnal=7d applies to no message: plan 1 (receipts), live, has no category transactionnal (did you mean transactional?); its categories: transactional, relational, promotional, flash (one not named takes 24h)",
    ]);
    expect((await health(s)).expireAfterUnknown).toEqual(["transactionnal"]);
    // a restart with the typo fixed: not a word, nothing unknown
    await s.stop();
    lines.length = 0;
    const fixed = start("24h,transactional=7d,flash=2h");
    expect(lines).toEqual([]);
    expect((await health(fixed)).expireAfterUnknown).toEqual([]);
    // then a plan without flash promoted in its place: said at once
    await promote(fixed, RECEIPT_PLAN);
    expect(lines).toEqual([
      "warning: --webhook-expire-after: flash=2h applies to no message: plan 2 (receipts), live, has no category flash; its categories: transactional, relational, promotional (one not named takes 24h)",
    ]);
    expect((await health(fixed)).expireAfterUnknown).toEqual(["flash"]);
  });
});
