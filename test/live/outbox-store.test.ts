/**
 * The SQLite store's outbox on a real file: an identical repeat decision gets `<key>#1`, `#2`... from
 * the unique index itself; the in-flight mark is set before a POST and cleared by the outcome, which
 * only a still-pending message takes; a customer's messages are found through the key index.
 */
import { describe, expect, it } from "vitest";
import { SqliteStore } from "../../engine/live/sqlite-store.ts";
import { tempDb } from "./live-helpers.ts";

const msg = { key: "1:C1:p:m:100", plan: 1, time: 100, customer: "C1", program: "p", message: "m", channel: "email", category: "marketing", state: "pending" as const, attempts: 0, nextAttempt: 0, lastError: "" };

describe("outbox store", () => {
  it("numbers identical repeats of a key and marks deliveries in flight", () => {
    const store = new SqliteStore(tempDb("outbox"));
    store.migrate();
    store.addPlan({ name: "p", source: "", hash: "h", engine: "e", state: "live", author: "k", approver: null, forecast: null, created: 0, promoted: 0, retired: null });
    for (let i = 0; i < 3; i++) store.addOutbox(msg);
    expect(store.outbox(0, 10).map((m) => m.key)).toEqual(["1:C1:p:m:100", "1:C1:p:m:100#1", "1:C1:p:m:100#2"]);
    const [a, b] = store.deliverable(0, 10);
    store.markSending([a.id, b.id]);
    expect(store.inFlight().map((m) => [m.id, m.state, m.sending])).toEqual([[a.id, "sending", 1], [b.id, "sending", 1]]);
    expect(store.outboxCount("sending")).toBe(2);
    expect(store.deliverable(0, 10).map((m) => m.id)).not.toContain(a.id); // not sent twice at once
    expect(store.setDelivery(a.id, "delivered", 1, 0, "")).toBe(true);
    store.cancelPending("C1", "email"); // b is cancelled while in flight: its outcome no longer applies
    expect(store.setDelivery(b.id, "delivered", 1, 0, "")).toBe(false);
    expect(store.outbox(0, 10).map((m) => [m.state, m.sending])).toEqual([["delivered", 0], ["cancelled", 1], ["cancelled", 0]]);
    expect(store.outboxCounts()).toEqual({ delivered: 1, cancelled: 2 });
    store.clearSending(b.id); // what the adapter does when an outcome finds its message cancelled
    expect(store.inFlight()).toEqual([]);
    expect(store.outbox(0, 10, "cancelled").map((m) => m.id)).toEqual([b.id, b.id + 1]);
    // a customer's messages are found through the key index ("<plan>:<customer>:..."): another customer
    // whose id begins with "C1:" is not touched, and erasure removes exactly the customer's messages
    const other = { ...msg, key: "1:C1:x:p:m:100", customer: "C1:x" };
    store.addOutbox(other);
    store.addOutbox({ ...msg, key: "1:C1:p:m:200", time: 200 });
    expect(store.cancelPending("C1", "email")).toBe(1);
    expect(store.outbox(0, 10, "pending").map((m) => m.customer)).toEqual(["C1:x"]);
    expect(store.eraseCustomer("C1")).toMatchObject({ outbox: 4 });
    expect(store.outbox(0, 10).map((m) => m.customer)).toEqual(["C1:x"]);
    store.close();
  });

  it("cancels a customer's messages on a channel except the kept categories, run as it comes or replayed by the writer thread", () => {
    const store = new SqliteStore(tempDb("outbox-keep"));
    store.migrate();
    store.addPlan({ name: "p", source: "", hash: "h", engine: "e", state: "live", author: "k", approver: null, forecast: null, created: 0, promoted: 0, retired: null });
    const add = (time: number, category: string, channel = "email") => store.addOutbox({ ...msg, key: `1:C1:p:m:${time}`, time, category, channel });
    add(1, "marketing"), add(2, "transactional"), add(3, "relational"), add(4, "marketing", "sms");
    expect(store.cancelPending("C1", "email", ["transactional"], "opted out")).toBe(2);
    // the writer thread replays the call from its recorded arguments (Op): the same rule
    add(5, "marketing"), add(6, "transactional");
    store.apply([{ call: "cancelPending", args: ["C1", "email", JSON.stringify(["transactional"]), "opted out"] }]);
    expect(store.outbox(0, 10).map((m) => `${m.time} ${m.channel} ${m.category} ${m.state} ${m.lastError}`)).toEqual([
      "1 email marketing cancelled opted out", "2 email transactional pending ", "3 email relational cancelled opted out", "4 sms marketing pending ",
      "5 email marketing cancelled opted out", "6 email transactional pending ",
    ]);
    expect(store.cancelPending("C1", "email", [], "hard bounce")).toBe(2);
    expect(store.outbox(0, 10, "pending").map((m) => m.time)).toEqual([4]);
    store.close();
  });

  it("inside a transaction writes rows in multi-row statements, numbering repeats after their chunk; a rollback drops them", () => {
    const store = new SqliteStore(tempDb("outbox-buffer"));
    store.migrate();
    // 70 messages (three statements of up to 32 rows), every tenth an identical repeat of the one before
    store.tx(() => {
      for (let i = 0; i < 70; i++) store.addOutbox({ ...msg, key: `1:C1:p:m:${i % 10 ? i : i - 1}`, time: i });
      store.addEvent({ idem: "e1", customer: "C1", type: "visit", time: 1, processed: 1, channel: "", program: "", value: 0 });
      expect(store.hasEvent("e1")).toBe(true); // buffered, still seen
      expect(store.outbox(0, 100).length).toBe(70); // a read writes the buffered rows first
      store.addOutbox({ ...msg, key: "1:C1:p:m:1", time: 1000 });
    });
    const keys = store.outbox(0, 100).map((m) => m.key);
    // a repeat (i = 10, 20, ...: the key of i − 1) is skipped by its chunk of 32 rows and follows it as #1
    const order: number[] = [];
    for (const [from, to] of [[0, 32], [32, 64], [64, 70]]) {
      const rows = [...Array(to - from).keys()].map((k) => from + k), repeat = (i: number) => i > 0 && i % 10 === 0;
      order.push(...rows.filter((i) => !repeat(i)), ...rows.filter(repeat));
    }
    expect(store.outbox(0, 100).map((m) => m.time)).toEqual([...order, 1000]);
    expect(keys).toEqual([...order.map((i) => (i > 0 && i % 10 === 0 ? `1:C1:p:m:${i - 1}#1` : `1:C1:p:m:${i % 10 ? i : i - 1}`)), "1:C1:p:m:1#1"]);
    expect(() => store.tx(() => {
      store.addEvent({ idem: "e2", customer: "C1", type: "visit", time: 1, processed: 1, channel: "", program: "", value: 0 });
      throw new Error("boom");
    })).toThrow("boom");
    expect(store.hasEvent("e2")).toBe(false);
    expect(store.eventCount()).toBe(1);
    store.close();
  });

  it("numbers repeats of keys it wrote in memory, in the multi-row insert, and stays exact after a rollback, an erasure and a restart", () => {
    const path = tempDb("outbox-count");
    let store = new SqliteStore(path);
    store.migrate();
    store.addPlan({ name: "p", source: "", hash: "h", engine: "e", state: "live", author: "k", approver: null, forecast: null, created: 0, promoted: 0, retired: null });
    const put = (n: number, key = msg.key) => store.tx(() => { for (let i = 0; i < n; i++) store.addOutbox({ ...msg, key }); });
    put(2); // the second goes the old way: skipped by its chunk, numbered alone
    put(3); // counted: #2, #3, #4 inside the chunk, in decision order
    const keys = () => store.outbox(0, 100).map((m) => m.key);
    expect(keys()).toEqual([msg.key, ...[1, 2, 3, 4].map((n) => `${msg.key}#${n}`)]);
    // a rolled-back transaction's numbers are not kept
    expect(() => store.tx(() => {
      store.addOutbox(msg);
      store.addOutbox(msg);
      throw new Error("boom");
    })).toThrow("boom");
    put(1);
    expect(keys().at(-1)).toBe(`${msg.key}#5`);
    // after a restart the count starts from the table again
    store.close();
    store = new SqliteStore(path);
    put(2);
    expect(keys().slice(-2)).toEqual([`${msg.key}#6`, `${msg.key}#7`]);
    // an erasure removes the key and its repeats: the key is free again
    store.eraseCustomer("C1");
    put(2);
    expect(keys()).toEqual([msg.key, `${msg.key}#1`]);
    store.close();
  });
});
