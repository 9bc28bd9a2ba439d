/**
 * A database that cannot be written (a full disk; SQLite's max_page_count stands in for one): the
 * request is refused with a 503 that says so and that nothing was stored, never a 500 'internal error'
 * whose log named the failed ROLLBACK ('no transaction is active') instead of the cause; every event
 * acknowledged before is kept, and the server takes events again once there is room.
 */
import { describe, expect, it } from "vitest";
import { at, serversStoppedAfterEach, T0 } from "./live-helpers.ts";

const server = serversStoppedAfterEach(T0);
const pages = (db: { prepare(sql: string): { get(): unknown } }) => Number((db.prepare("PRAGMA page_count").get() as { page_count: number }).page_count);

describe("a database that cannot be written", () => {
  it("refuses the request with 503 naming the full disk, keeps what was acknowledged, and recovers", async () => {
    const s = server({ writerThread: false });
    const ok = await s.api("POST", "/v1/events", { events: [{ id: "e1", customer: "C1", type: "visit", time: at(1) }] });
    expect(ok.status).toBe(200);
    const db = s.store.db;
    db.exec(`PRAGMA max_page_count=${pages(db)}`); // the file cannot grow: SQLite answers SQLITE_FULL
    const big = Array.from({ length: 300 }, (_, i) => ({ id: `f${i}`, customer: `C-${"x".repeat(150)}-${i}`, type: "visit", time: at(2) }));
    const full = await s.api("POST", "/v1/events", { events: big });
    expect(full.status).toBe(503);
    expect(full.body.error).toMatch(/database or disk is full/);
    expect(full.body.error).toMatch(/nothing of this request was stored/);
    expect(full.body.error).not.toMatch(/no transaction is active/);
    db.exec("PRAGMA max_page_count=1073741823");
    const again = await s.api("POST", "/v1/events", { events: big });
    expect(again.status).toBe(200);
    expect(again.body.accepted).toBe(300);
    const stored = db.prepare("SELECT count(*) AS n FROM events").get() as { n: number };
    expect(Number(stored.n)).toBe(301);
  });
});

describe("a refused request and a manual clock", () => {
  it("leaves the clock where it was: a later POST /v1/clock to a time before the refused events is taken (it was refused 409)", async () => {
    const s = server({ writerThread: false }); // a manual clock at T0
    const clockNow = async () => new Date((await s.api("GET", "/readyz")).body.now).toISOString();
    expect((await s.api("POST", "/v1/events", { events: [{ id: "e1", customer: "C1", type: "visit", time: at(1) }] })).status).toBe(200);
    expect(await clockNow()).toBe(at(1)); // the clock follows the events stored
    const db = s.store.db;
    db.exec(`PRAGMA max_page_count=${pages(db)}`);
    const big = Array.from({ length: 300 }, (_, i) => ({ id: `f${i}`, customer: `C-${"x".repeat(150)}-${i}`, type: "visit", time: at(5) }));
    expect((await s.api("POST", "/v1/events", { events: big })).status).toBe(503);
    expect(await clockNow()).toBe(at(1)); // it was at(5): moved by events nothing of which was stored
    db.exec("PRAGMA max_page_count=1073741823");
    const set = await s.api("POST", "/v1/clock", { now: at(3) });
    expect([set.status, new Date(set.body.now).toISOString()]).toEqual([200, at(3)]); // 409 'the clock cannot go back: it is at … 05:00'
    expect((await s.api("POST", "/v1/events", { events: big })).body.accepted).toBe(300);
    expect(await clockNow()).toBe(at(5));
  });
});

describe("a transaction SQLite has rolled back itself", () => {
  it("throws the cause, not the failed ROLLBACK's 'no transaction is active'", async () => {
    const s = server({ writerThread: false });
    // what SQLite does on some failures (a full disk while writing the journal): the transaction is gone
    const failing = () => s.store.tx(() => {
      s.store.db.exec("ROLLBACK");
      throw new Error("database or disk is full");
    });
    expect(failing).toThrow("database or disk is full");
    expect(s.store.db.isTransaction).toBe(false);
    expect((await s.api("POST", "/v1/events", { id: "after", customer: "C1", type: "visit", time: at(1) })).status).toBe(200);
  });
});
