/**
 * An idempotency id seen again (engine/live/event-conflict.ts): the same event is a duplicate (a retry:
 * acknowledged, not processed again); another event under the id is a conflict — not taken, reported
 * with the fields that differ and counted. It used to be a duplicate either way, and the event was lost.
 */
import { describe, expect, it } from "vitest";
import { SqliteStore } from "../../engine/live/sqlite-store.ts";
import { StoreWriter } from "../../engine/live/store-writer.ts";
import { at, promote, RECEIPT_PLAN, serversStoppedAfterEach, T0, tempDb } from "./live-helpers.ts";

const server = serversStoppedAfterEach(T0);

describe("an event id used again", () => {
  it("with other content is a conflict, not taken; the same content is a duplicate", async () => {
    const s = server();
    await promote(s, RECEIPT_PLAN);
    const post = (body: unknown) => s.api("POST", "/v1/events", body, { key: s.keys.ingest });
    const e5 = { id: "e5", customer: "P5", type: "purchase", value: 20, time: at(1) };
    expect((await post(e5)).body).toMatchObject({ accepted: 1, duplicates: 0, conflicts: 0 });
    // P7's purchase under P5's id was answered duplicates: 1 and lost
    const reused = await post({ id: "e5", customer: "P7", type: "purchase", value: 999, time: at(1) });
    expect(reused.status).toBe(200);
    expect(reused.body).toEqual({ accepted: 0, duplicates: 0, conflicts: 1, late: 0, results: [{ id: "e5", status: "conflict", differs: ["customer", "value"] }] });
    expect((await s.api("GET", "/v1/customers/P7", undefined, { key: s.keys.analyst })).status).toBe(404);
    // a retry is idempotent: the same event, and the same event without its time (the server's clock would differ)
    expect((await post(e5)).body).toMatchObject({ accepted: 0, duplicates: 1, conflicts: 0, results: [{ id: "e5", status: "duplicate" }] });
    expect((await post({ ...e5, time: undefined })).body).toMatchObject({ duplicates: 1 });
    expect((await post({ ...e5, time: at(2) })).body.results).toEqual([{ id: "e5", status: "conflict", differs: ["time"] }]);
    const p5 = (await s.api("GET", "/v1/customers/P5", undefined, { key: s.keys.analyst })).body.profile;
    expect(p5).toMatchObject({ orders: 1, revenue: 20 });
    expect(s.store.query("SELECT idem, customer, value FROM events")).toEqual([{ idem: "e5", customer: "P5", value: 20 }]);
  });

  it("inside one batch: the first is taken, a different second is a conflict, an identical third a duplicate", async () => {
    const s = server();
    await promote(s, RECEIPT_PLAN);
    const x1 = { id: "x1", customer: "P7", type: "visit", time: at(1) };
    const r = await s.api("POST", "/v1/events", { events: [x1, { id: "x1", customer: "P8", type: "purchase", value: 5, time: at(1) }, x1] }, { key: s.keys.ingest });
    expect(r.body).toMatchObject({ accepted: 1, duplicates: 1, conflicts: 1 });
    expect(r.body.results).toEqual([
      { id: "x1", status: "accepted" },
      { id: "x1", status: "conflict", differs: ["customer", "type", "value"] },
      { id: "x1", status: "duplicate" },
    ]);
    expect((await s.api("GET", "/v1/customers/P8", undefined, { key: s.keys.analyst })).status).toBe(404);
  });

  it("compares channel and program too", async () => {
    const s = server();
    await s.api("POST", "/v1/events", { id: "f1", customer: "F1", type: "opened", channel: "email", time: at(1) }, { key: s.keys.ingest });
    const r = await s.api("POST", "/v1/events", { id: "f1", customer: "F1", type: "opened", channel: "sms", program: "receipt", time: at(1) }, { key: s.keys.ingest });
    expect(r.body.results).toEqual([{ id: "f1", status: "conflict", differs: ["channel", "program"] }]);
  });
});

describe("the store's event by id", () => {
  it("is the buffered, in-flight or committed event, for the comparison", async () => {
    const path = tempDb("conflict");
    const store = new SqliteStore(path);
    store.migrate();
    const writer = new StoreWriter({ path, synchronous: "NORMAL", onFailure: () => store.forgetKeyCounts() });
    store.attachWriter(writer);
    const row = (idem: string, customer: string) => ({ idem, customer, type: "visit", time: 1, processed: 1, channel: "", program: "", value: 0 });
    store.beginCapture();
    store.addEvent(row("e1", "C1"));
    const first = store.commitCapture();
    expect(store.storedEvent("e1")).toMatchObject({ customer: "C1" }); // in flight
    await first;
    expect(store.storedEvent("e1")).toMatchObject({ customer: "C1", type: "visit", time: 1, channel: "", program: "", value: 0 });
    store.tx(() => {
      store.addEvent(row("e2", "C2"));
      expect(store.storedEvent("e2")).toMatchObject({ customer: "C2" }); // buffered in this transaction
    });
    expect(store.storedEvent("e2")).toMatchObject({ customer: "C2" });
    expect(store.storedEvent("e3")).toBe(null);
    await writer.close();
    store.close();
  });
});
