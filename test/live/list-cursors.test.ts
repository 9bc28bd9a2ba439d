/**
 * The cursors of GET /v1/outbox and /v1/decisions against a real server and SQLite file: a reader paging
 * with `after`/`limit` while clients post sees every row once, in id order; an erasure never gives its
 * ids to later rows (they would land behind every reader's cursor); schema 9 keeps the stored rows.
 */
import { DatabaseSync } from "node:sqlite";
import { describe, expect, it } from "vitest";
import { MIGRATIONS } from "../../engine/live/migrations.ts";
import { SqliteStore } from "../../engine/live/sqlite-store.ts";
import { at, promote, RECEIPT_PLAN, serversStoppedAfterEach, T0, tempDb } from "./live-helpers.ts";

const server = serversStoppedAfterEach(T0);
const ids = (rows: { id: number }[]) => rows.map((r) => r.id);

describe("list cursors", () => {
  it("a reader paging while six clients post sees every message and decision once, in order, those committed meanwhile included", async () => {
    const s = server();
    await promote(s, RECEIPT_PLAN);
    await s.api("POST", "/v1/customers", { customers: Array.from({ length: 50 }, (_, i) => ({ id: `C${i}`, consents: ["email"] })) }, { key: s.keys.ingest });
    let writing = true;
    const writers = Array.from({ length: 6 }, async (_, w) => {
      for (let r = 0; r < 40; r++) {
        const events = Array.from({ length: 10 }, (_, k) => ({ id: `w${w}-${r}-${k}`, customer: `C${(w * 7 + r + k) % 50}`, type: "purchase", value: 1, time: at(1) }));
        expect((await s.api("POST", "/v1/events", { events }, { key: s.keys.ingest })).status).toBe(200);
      }
    });
    const messages: number[] = [], decisions: number[] = [];
    let after = 0, afterD = 0, last = false;
    const reader = (async () => {
      while (!last) {
        last = !writing; // one more pass after the writers are done: it must find nothing new
        const m = (await s.api("GET", `/v1/outbox?after=${after}&limit=7`, undefined, { key: s.keys.ingest })).body;
        const d = (await s.api("GET", `/v1/decisions?after=${afterD}&limit=7`, undefined, { key: s.keys.analyst })).body;
        messages.push(...ids(m.messages)), decisions.push(...ids(d.decisions));
        if (m.messages.length || d.decisions.length) last = false;
        after = m.next, afterD = d.next;
      }
    })();
    await Promise.all(writers);
    writing = false;
    await reader;
    // 2,400 purchases, a receipt each
    expect(messages).toEqual(ids(s.store.query("SELECT id FROM outbox ORDER BY id")));
    expect(decisions).toEqual(ids(s.store.query("SELECT id FROM decisions ORDER BY id")));
    expect([messages.length, decisions.length]).toEqual([2400, 2400]);
  }, 30_000);

  it("erasing the customer whose rows were the last ones does not give their ids to the next rows (regression)", async () => {
    const s = server();
    await promote(s, RECEIPT_PLAN);
    await s.api("POST", "/v1/customers", { customers: [{ id: "A", consents: ["email"] }, { id: "B", consents: ["email"] }] }, { key: s.keys.ingest });
    await s.api("POST", "/v1/events", { id: "a1", customer: "A", type: "purchase", value: 1, time: at(1) }, { key: s.keys.ingest });
    await s.api("POST", "/v1/events", { id: "b1", customer: "B", type: "purchase", value: 1, time: at(2) }, { key: s.keys.ingest });
    const page = (await s.api("GET", "/v1/outbox?after=0&limit=10")).body;
    const log = (await s.api("GET", "/v1/decisions?after=0&limit=10")).body;
    expect([page.next, log.next]).toEqual([2, 2]);
    await s.api("DELETE", "/v1/customers/B", undefined, { key: s.keys.operator });
    await s.api("POST", "/v1/events", { id: "a2", customer: "A", type: "purchase", value: 1, time: at(3) }, { key: s.keys.ingest });
    // A's second receipt is new to a reader at cursor 2: it used to take id 2, B's erased one, and was never listed
    const next = (await s.api("GET", `/v1/outbox?after=${page.next}&limit=10`)).body;
    expect(next.messages.map((m: { id: number; time: string }) => [m.id, m.time])).toEqual([[3, "2026-03-02T03:00:00Z"]]);
    const nextLog = (await s.api("GET", `/v1/decisions?after=${log.next}&limit=10`)).body;
    expect(nextLog.decisions.map((d: { id: number; customer: string }) => [d.id, d.customer])).toEqual([[3, "A"]]);
  });

  it("schema 9 keeps a version-8 database's messages and decisions, ids and columns included", () => {
    const path = tempDb("migrate-9");
    const old = new DatabaseSync(path);
    for (const m of MIGRATIONS.slice(0, 8)) old.exec(m);
    old.exec("PRAGMA user_version=8");
    old.exec(`INSERT INTO outbox (id, key, plan, time, customer, program, message, channel, category, state, attempts, next_attempt, last_error, sending)
      VALUES (4, 'k4', 1, 100, 'A', 'p', 'm', 'email', 'c', 'unknown', 2, 7, 'timeout', 2)`);
    old.exec(`INSERT INTO decisions (id, plan, time, customer, program, message, channel, category, status, rule, until, control, why)
      VALUES (6, 1, 100, 'A', 'p', 'm', 'email', 'c', 'suppressed', 'cap', 160, 0, 'cap 1 a day')`);
    old.close();
    const store = new SqliteStore(path);
    expect(store.migrate()).toBe(MIGRATIONS.length);
    expect(store.outbox(0, 10)).toMatchObject([{ id: 4, key: "k4", state: "unknown", attempts: 2, nextAttempt: 7, lastError: "timeout", sending: 2 }]);
    expect(store.decisions(0, 10)).toMatchObject([{ id: 6, status: "suppressed", rule: "cap", until: 160, why: "cap 1 a day" }]);
    // the next rows follow the highest id ever given, even once those rows are gone
    store.tx(() => store.query("DELETE FROM outbox"));
    store.tx(() => store.addOutbox({ key: "k5", plan: 1, time: 200, customer: "B", program: "p", message: "m", channel: "email", category: "c", state: "pending", attempts: 0, nextAttempt: 0, lastError: "" }));
    expect(ids(store.outbox(0, 10))).toEqual([5]);
    store.close();
  });
});
