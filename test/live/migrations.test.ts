/**
 * Schema migrations on a real SQLite file: a database written by the first schema (timers with
 * AUTOINCREMENT, no in-flight mark on the outbox) is brought up to date on open, keeping its timers
 * (moved into their customers' rows, ids — hence their tie-break order — kept) and messages; a newer
 * database is refused.
 */
import { describe, expect, it } from "vitest";
import { DatabaseSync } from "node:sqlite";
import { MIGRATIONS } from "../../engine/live/migrations.ts";
import { SqliteStore } from "../../engine/live/sqlite-store.ts";
import { TimerIndex } from "../../engine/live/timer-index.ts";
import { tempDb } from "./live-helpers.ts";

describe("live schema migrations", () => {
  it("moves a version-1 database to the current schema without losing timers or messages", () => {
    const path = tempDb("migrate");
    const old = new DatabaseSync(path);
    old.exec(MIGRATIONS[0]);
    old.exec("PRAGMA user_version=1");
    old.exec("INSERT INTO timers (id, time, kind, customer, a, b, d, e) VALUES (7, 100, 6, 'C1', 0, 0, 0, 0), (9, 100, 6, 'C1', 1, 0, 0, 0)");
    old.exec(`INSERT INTO customers (id, state, control, updated) VALUES ('C1', '{}', 0, 0), ('C2', '{}', 0, 0)`);
    old.exec(`INSERT INTO outbox (key, plan, time, customer, program, message, channel, category, state, attempts, next_attempt, last_error)
      VALUES ('k1', 1, 100, 'C1', 'p', 'm', 'email', 'marketing', 'pending', 0, 0, '')`);
    old.close();

    const store = new SqliteStore(path);
    expect(store.migrate()).toBe(MIGRATIONS.length);
    // the timers moved into their customer's row (migration 6), ids kept
    const rows = [...store.allCustomers()];
    expect(rows.map((r) => [r.id, TimerIndex.decode(r.id, r.timers).map((t) => [t.id, t.time, t.kind, t.a])])).toEqual([["C1", [[7, 100, 6, 0], [9, 100, 6, 1]]], ["C2", []]]);
    const ix = new TimerIndex();
    for (const r of rows) for (const t of TimerIndex.decode(r.id, r.timers)) ix.restore(t);
    ix.add({ time: 100, kind: 6, customer: "C1", a: 2, b: 0, d: 0, e: 0 });
    // a new timer sorts after the existing ones at the same (time, kind, customer)
    expect([ix.popBefore(101, -1, ""), ix.popBefore(101, -1, ""), ix.popBefore(101, -1, "")].map((t) => t?.a)).toEqual([0, 1, 2]);
    expect(store.query("SELECT name FROM sqlite_schema WHERE name = 'timers'")).toEqual([]);
    expect(store.outbox(0, 10)).toMatchObject([{ key: "k1", state: "pending", sending: 0 }]);
    store.close();
  });

  it("turns a message left in flight under the version-4 scheme into `sending`, which the next start makes unknown", () => {
    const path = tempDb("migrate-4");
    const old = new DatabaseSync(path);
    for (const m of MIGRATIONS.slice(0, 4)) old.exec(m);
    old.exec("PRAGMA user_version=4");
    old.exec(`INSERT INTO outbox (key, plan, time, customer, program, message, channel, category, state, attempts, next_attempt, last_error, sending)
      VALUES ('k1', 1, 100, 'C1', 'p', 'm', 'email', 'marketing', 'pending', 0, 0, '', 1), ('k2', 1, 100, 'C2', 'p', 'm', 'email', 'marketing', 'pending', 0, 0, '', 0)`);
    old.close();
    const store = new SqliteStore(path);
    store.migrate();
    expect(store.outbox(0, 10).map((m) => [m.key, m.state, m.sending])).toEqual([["k1", "sending", 1], ["k2", "pending", 0]]);
    store.close();
  });

  it("refuses a database from a newer server", () => {
    const path = tempDb("migrate-newer");
    const db = new DatabaseSync(path);
    db.exec(`PRAGMA user_version=${MIGRATIONS.length + 1}`);
    db.close();
    const store = new SqliteStore(path);
    expect(() => store.migrate()).toThrow(/newer than this server's/);
    store.close();
  });
});
