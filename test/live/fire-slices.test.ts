/**
 * A clock pass with more timers due than one transaction holds (a newsletter's send time) fires them
 * in slices, answering events in between (engine/live/driver.ts, catchUp). Real servers on 127.0.0.1,
 * SQLite, manual clock: one fires 4 timers a transaction, the other all at once; both must decide the
 * same, an event for a customer whose message is still owed sends that message first (a late event
 * too, and no one else's; an upload of that customer's profile too), and a restart in the middle of the debt fires the rest at their own minute.
 */
import { describe, expect, it } from "vitest";
import { at, promote, RECEIPT_PROGRAM, serversStoppedAfterEach, T0, type TestServer } from "./live-helpers.ts";
import type { ManualClock } from "../../engine/live/clock.ts";
import { profileOf } from "../../web/convert.ts";

const PLAN = `name: slices
channels: { email: {} }
programs:
  - id: news
    type: campaign
    schedule: { every: 1d, start: "2026-03-02", at: "10:00" }
    audience: consent.email
    send: { channel: email, message: news, category: relational }
${RECEIPT_PROGRAM}`;

const CUSTOMERS = Array.from({ length: 30 }, (_, i) => `c${String(i).padStart(2, "0")}`);
const SEND = T0 + 10 * 60; // 10:00, the newsletter's minute

const server = serversStoppedAfterEach(T0);

async function ready(s: TestServer): Promise<void> {
  const r = await s.api("POST", "/v1/customers", { customers: CUSTOMERS.map((id) => ({ id, consents: ["email"] })) });
  expect(r.status).toBe(200);
  await promote(s, PLAN);
}

/** customer,message,time,status in the order decided */
async function decisions(s: TestServer): Promise<string[]> {
  const d = (await s.api("GET", "/v1/decisions?limit=1000", undefined, { key: s.keys.analyst })).body.decisions;
  return d.map((x: Record<string, string>) => `${x.customer},${x.message},${x.time},${x.status}`);
}

describe("a clock pass in slices", () => {
  it("answers an event while 26 newsletters are still owed, sending its customer's own first, and decides as one pass", async () => {
    const sliced = server({ fireSlice: 4 }), whole = server();
    await ready(sliced), await ready(whole);
    // the reference: one pass fires the 30 newsletters, then the purchase at 10:01
    expect((await whole.api("POST", "/v1/clock", { now: at(10 + 1 / 60) })).body.fired).toBe(30);
    expect((await whole.api("POST", "/v1/events", { id: "p1", customer: "c29", type: "purchase" })).status).toBe(200);

    (sliced.clock as ManualClock).set(SEND + 1);
    expect(sliced.driver.tick(SEND + 1)).toBe(4); // c00 … c03; the other 26 are owed
    expect(sliced.driver.owing).toBe(true);
    // before any slice more: c29's purchase fires c29's newsletter (at 10:00, its own minute) first
    const out = sliced.driver.ingestGroups([[{ id: "p1", customer: "c29", type: "purchase", time: SEND + 1, serverTime: true }]]);
    expect(out).toEqual([[{ id: "p1", status: "accepted" }]]);
    expect(await sliced.driver.catchUp()).toBe(25);
    expect(sliced.driver.owing).toBe(false);

    const log = await decisions(sliced);
    expect(log.slice(0, 6)).toEqual([
      ...["c00", "c01", "c02", "c03", "c29"].map((c) => `${c},news,2026-03-02T10:00:00Z,sent`),
      "c29,receipt,2026-03-02T10:01:00Z,sent",
    ]);
    expect(log.length).toBe(31);
    expect([...log].sort()).toEqual((await decisions(whole)).sort());
  });

  it("fires a late event's own customer's owed newsletter before it, and leaves the 25 others owed", async () => {
    const sliced = server({ fireSlice: 4 }), whole = server();
    await ready(sliced), await ready(whole);
    // the reference: one pass fires the 30 newsletters; c29's purchase of 09:59 arrives after it, late
    expect((await whole.api("POST", "/v1/clock", { now: at(10 + 1 / 60) })).body.fired).toBe(30);
    const late = { id: "p1", customer: "c29", type: "purchase", time: SEND - 1 };
    expect((await whole.api("POST", "/v1/events", { ...late, time: at(10 - 1 / 60) })).body.late).toBe(1);

    (sliced.clock as ManualClock).set(SEND + 1);
    expect(sliced.driver.tick(SEND + 1)).toBe(4);
    // applied at c29's last moment, once its newsletter has gone (10:00), as in one pass; no one else's fires
    expect(sliced.driver.ingestGroups([[late]])).toEqual([[{ id: "p1", status: "accepted", late: true }]]);
    expect(sliced.driver.owing).toBe(true);
    expect(await sliced.driver.catchUp()).toBe(25);

    const log = await decisions(sliced);
    expect(log.slice(0, 6)).toEqual([
      ...["c00", "c01", "c02", "c03", "c29"].map((c) => `${c},news,2026-03-02T10:00:00Z,sent`),
      "c29,receipt,2026-03-02T10:00:00Z,sent",
    ]);
    expect([...log].sort()).toEqual((await decisions(whole)).sort());
  });

  it("takes an upload after its own customer's owed newsletter only, sent on the opt-in it had at 10:00", async () => {
    const sliced = server({ fireSlice: 4 }), whole = server();
    await ready(sliced), await ready(whole);
    // the reference: one pass fires the 30 newsletters, then c29 withdraws its e-mail opt-in
    const upload = [{ id: "c29", consents: [] }];
    expect((await whole.api("POST", "/v1/clock", { now: at(10 + 1 / 60) })).body.fired).toBe(30);
    expect((await whole.api("POST", "/v1/customers", { customers: upload })).body).toEqual({ created: 0, updated: 1 });

    (sliced.clock as ManualClock).set(SEND + 1);
    expect(sliced.driver.tick(SEND + 1)).toBe(4);
    expect(sliced.driver.upsert(upload.map((x) => profileOf(x)))).toEqual({ created: 0, updated: 1 });
    expect(await sliced.driver.catchUp()).toBe(25); // c29's went before the upload, no one else's

    const log = await decisions(sliced);
    expect(log.slice(0, 5)).toEqual(["c00", "c01", "c02", "c03", "c29"].map((c) => `${c},news,2026-03-02T10:00:00Z,sent`));
    expect([...log].sort()).toEqual((await decisions(whole)).sort());
  });

  it("after a stop in the middle of the debt, the restarted server fires the rest at 10:00, not at its clock", async () => {
    const first = server({ fireSlice: 4 }), whole = server();
    await ready(first), await ready(whole);
    await whole.api("POST", "/v1/clock", { now: at(10 + 1 / 60) });
    (first.clock as ManualClock).set(SEND + 1);
    expect(first.driver.tick(SEND + 1)).toBe(4);
    await first.stop(); // 4 sent and committed, 26 owed

    const again = server({ db: first.store.path, fireSlice: 4 });
    await again.driver.catchUp(); // the timer loop's work, awaited here
    expect(again.driver.owing).toBe(false);
    // a later pass fires nothing more
    expect((await again.api("POST", "/v1/clock", { now: at(10 + 2 / 60) })).body.fired).toBe(0);
    const log = await decisions(again);
    expect(log.length).toBe(30);
    expect([...log].sort()).toEqual((await decisions(whole)).sort());
  });
});
