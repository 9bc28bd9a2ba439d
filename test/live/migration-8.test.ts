/**
 * Schema 8 on a real SQLite file: a version-7 database's customers get the earliest time known of them
 * as their `created` (their first event's, or their last write's), its plans no recorded control group;
 * a customer stored after the migration keeps the time of its first write through later ones.
 */
import { describe, expect, it } from "vitest";
import { DatabaseSync } from "node:sqlite";
import { MIGRATIONS } from "../../engine/live/migrations.ts";
import { SqliteStore } from "../../engine/live/sqlite-store.ts";
import { tempDb } from "./live-helpers.ts";

describe("live schema 8: when a customer was first stored, the plan's control group", () => {
  it("dates an existing customer by its first event or its last write, whichever is earlier, and keeps a new one's first write", () => {
    const path = tempDb("migrate-8");
    const old = new DatabaseSync(path);
    for (const m of MIGRATIONS.slice(0, 7)) old.exec(m);
    old.exec("PRAGMA user_version=7");
    old.exec(`INSERT INTO plans (name, source, hash, engine, state, author, created, promoted) VALUES ('p', '', 'h', 'e', 'live', 'k', 0, 0)`);
    old.exec(`INSERT INTO customers (id, state, control, updated) VALUES ('A', '{}', 0, 900), ('B', '{}', 0, 900), ('C', '{}', 0, 900)`);
    old.exec(`INSERT INTO events (idem, customer, type, time, processed, channel, program, value)
      VALUES ('e1', 'A', 'purchase', 100, 120, '', '', 5), ('e2', 'A', 'visit', 300, 300, '', '', 0), ('e3', 'B', 'visit', 950, 950, '', '', 0)`);
    old.close();
    const store = new SqliteStore(path);
    expect(store.migrate()).toBe(MIGRATIONS.length);
    expect(store.query("SELECT id, created FROM customers ORDER BY id")).toEqual([{ id: "A", created: 120 }, { id: "B", created: 900 }, { id: "C", created: 900 }]);
    expect(store.listPlans().map((p) => p.control)).toEqual([null]);
    store.tx(() => store.putCustomer("D", "{}", 0, 1000, ""));
    store.tx(() => store.putCustomer("D", "{}", 1, 2000, ""));
    expect(store.query("SELECT control, updated, created FROM customers WHERE id = 'D'")).toEqual([{ control: 1, updated: 2000, created: 1000 }]);
    store.close();
  });
});
