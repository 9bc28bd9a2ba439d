/**
 * The writer thread (engine/live/store-writer.ts): the ingest's writes committed on a thread of their
 * own. A group SQLite refuses fails alone — the other requests of its group are retried and stored
 * once, the engine's state is rebuilt from the store (the refused event leaves no trace in memory),
 * and later groups go on; the duplicate check sees events whose group is still in flight. The same
 * failure is checked without the thread, so both paths keep one behaviour.
 */
import { DatabaseSync } from "node:sqlite";
import { afterEach, describe, expect, it } from "vitest";
import { SqliteStore } from "../../engine/live/sqlite-store.ts";
import { StoreWriter } from "../../engine/live/store-writer.ts";
import { at, promote, RECEIPT_PLAN, T0, tempDb, type TestServer, testServer } from "./live-helpers.ts";

const PLAN = RECEIPT_PLAN;

let servers: TestServer[] = [];
afterEach(async () => {
  for (const s of servers) await s.stop();
  servers = [];
});

/** SQLite itself refuses the event with id "boom" (a trigger), as a full disk or a constraint would. */
function refuseBoom(path: string): void {
  const db = new DatabaseSync(path);
  db.exec("CREATE TRIGGER boom BEFORE INSERT ON events WHEN NEW.idem = 'boom' BEGIN SELECT RAISE(ABORT, 'refused by the test'); END");
  db.close();
}

describe.each([true, false])("a group the store refuses (writer thread: %s)", (writerThread) => {
  it("fails alone: the other requests are stored once, the state is rebuilt, later events go on", async () => {
    const s = testServer({ start: T0, writerThread });
    servers.push(s);
    await promote(s, PLAN);
    await s.api("POST", "/v1/customers", { customers: ["C1", "C2"].map((id) => ({ id, signup: at(0), consents: ["email"] })) }, { key: s.keys.ingest });
    refuseBoom(s.store.path);
    // batches of 400 events: a group that large goes to the writer thread (smaller ones are written on
    // the main thread, see LiveDriver.commits); sent together, so they share a group or several
    const batch = (tag: string, customer: string, first = "") =>
      Array.from({ length: 400 }, (_, i) => ({ id: i === 0 && first ? first : `${tag}${i}`, customer, type: "purchase", time: at(1), value: 10 }));
    const post = (events: unknown[]) => s.api("POST", "/v1/events", { events }, { key: s.keys.ingest });
    const answers = await Promise.all([post(batch("a", "C1")), post(batch("b", "C2", "boom")), post(batch("c", "C2"))]);
    // the refused batch fails as a whole; the others are stored
    expect(answers.map((a) => a.status)).toEqual([200, 500, 200]);
    expect(answers[1].body.error).toContain("the request was not applied");
    const db = new DatabaseSync(s.store.path, { readOnly: true });
    const count = (sql: string) => db.prepare(sql).all().map((r) => Object.values(r));
    expect(count("SELECT substr(idem, 1, 1) AS tag, count(*) FROM events GROUP BY tag ORDER BY tag")).toEqual([["a", 400], ["c", 400]]);
    expect(count("SELECT customer, count(*) FROM outbox GROUP BY customer ORDER BY customer")).toEqual([["C1", 400], ["C2", 400]]);
    db.close();
    // the refused purchases left nothing in memory: C2 has the 400 orders stored, and the next counts from them
    const orders = async (id: string) => (await s.api("GET", `/v1/customers/${id}`, undefined, { key: s.keys.analyst })).body.profile.orders;
    expect(await orders("C2")).toBe(400);
    expect((await post(batch("d", "C2"))).status).toBe(200);
    expect(await orders("C2")).toBe(800);
    expect(await orders("C1")).toBe(400);
  });
});

describe("the writer thread's duplicate check", () => {
  it("sees an event while its group is in flight, and forgets it if the group is refused", async () => {
    const path = tempDb("writer");
    const store = new SqliteStore(path);
    store.migrate();
    refuseBoom(path);
    const writer = new StoreWriter({ path, synchronous: "NORMAL", onFailure: () => store.forgetKeyCounts() });
    store.attachWriter(writer);
    const row = (idem: string) => ({ idem, customer: "C1", type: "visit", time: 1, processed: 1, channel: "", program: "", value: 0 });
    store.beginCapture();
    store.addEvent(row("e1"));
    const first = store.commitCapture();
    expect(store.hasEvent("e1")).toBe(true); // in flight: not committed yet, still a duplicate
    await first;
    expect(store.hasEvent("e1")).toBe(true);
    store.beginCapture();
    store.addEvent(row("e2"));
    store.addEvent(row("boom"));
    const refused = store.commitCapture();
    expect(store.hasEvent("e2")).toBe(true);
    await expect(refused).rejects.toThrow(/refused by the test/);
    expect(store.hasEvent("e2")).toBe(false); // its group was rolled back: the client's retry must be taken
    expect(store.eventCount()).toBe(1);
    // reads and other writes wait for the thread, then run on the main connection
    store.beginCapture();
    store.addEvent(row("e3"));
    void store.commitCapture();
    expect(store.eventCount()).toBe(2);
    await writer.close();
    store.close();
  });
});
