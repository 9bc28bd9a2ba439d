/**
 * Schema migrations on a real SQLite file: a database written by the first schema (timers with
 * AUTOINCREMENT, no in-flight mark on the outbox) is brought up to date on open, keeping its timers
 * (moved into their customers' rows, ids — hence their tie-break order — kept) and messages, whose
 * last errors lose the webhook URL's token an older server stored in them; a newer database is refused.
 */
import { describe, expect, it } from "vitest";
import { DatabaseSync } from "node:sqlite";
import { MIGRATIONS } from "../../engine/live/migrations.ts";
import { SqliteStore } from "../../engine/live/sqlite-store.ts";
import { TimerIndex } from "../../engine/live/timer-index.ts";
import { tempDb, testServer } from "./live-helpers.ts";

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

  it("rewrites last errors stored before the webhook redacted them: no URL token, no redirect Location's, in the store or in GET /v1/outbox", async () => {
    const path = tempDb("migrate-11");
    const old = new DatabaseSync(path);
    for (const m of MIGRATIONS.slice(0, 11)) old.exec(m);
    old.exec("PRAGMA user_version=11");
    const redirect = (to: string) => `a redirect to ${to}, not followed (the message was not taken there); set --webhook-url to the receiver's own URL`;
    const refused = "client error (Connect): tcp connect error: Connection refused (os error 111)";
    // [as an older server stored it, as it reads after the migration]
    const texts: [string, string][] = [
      [`error sending request for url (https://hooks.example.com/services/T0/B0/s3cr3tpath?token=s3cr3tquery): ${refused}`, `error sending request for url (https://hooks.example.com/…): ${refused}`],
      [`HTTP 302: ${redirect("/v2/hook?token=s3cr3tloc")}`, `HTTP 302: ${redirect("/…")}`], // relative: the webhook URL it was resolved against is not known here
      [`expired: not sent within 24h of its decision; last error: HTTP 301: ${redirect("https://moved.example/in/s3cr3t")}`, `expired: not sent within 24h of its decision; last error: HTTP 301: ${redirect("https://moved.example/…")}`],
      [`error sending request for url (http://127.0.0.1:8080/hook?key=s3cr3t): connection closed before message completed: the request may have reached the receiver; not resent (redeliver or resolve it)`, `error sending request for url (http://127.0.0.1:8080/…): connection closed before message completed: the request may have reached the receiver; not resent (redeliver or resolve it)`],
      [`requeued by key k1 after 3 failed attempts; last error: error sending request for url (https://hooks.example.com/s3cr3t): ${refused}`, `requeued by key k1 after 3 failed attempts; last error: error sending request for url (https://hooks.example.com/…): ${refused}`],
      ["error sending request for url (https://hooks.example.com/services/T0/s3cr3", "error sending request for url (https://hooks.example.com/…"], // cut at 300 characters inside the URL
      // written since the fix, or never holding a URL: as they were
      [`error sending request for url (https://hooks.example.com/…): ${refused}`, `error sending request for url (https://hooks.example.com/…): ${refused}`],
      [`HTTP 308: ${redirect("http://hooks.example.com/")}`, `HTTP 308: ${redirect("http://hooks.example.com/")}`],
      ["HTTP 503 (Retry-After 120 s)", "HTTP 503 (Retry-After 120 s)"],
      ["", ""],
    ];
    const insert = old.prepare(`INSERT INTO outbox (key, plan, time, customer, program, message, channel, category, state, attempts, next_attempt, last_error)
      VALUES (?, 1, 100, 'C1', 'p', 'm', 'email', 'transactional', 'dead', 3, 0, ?)`);
    texts.forEach(([before], i) => insert.run(`k${i}`, before));
    old.close();

    const store = new SqliteStore(path);
    expect(store.migrate()).toBe(MIGRATIONS.length);
    expect(store.outbox(0, 20).map((m) => m.lastError)).toEqual(texts.map(([, after]) => after));
    store.close();
    const s = testServer({ db: path });
    try {
      const listed = await s.api("GET", "/v1/outbox?after=0&limit=20", undefined, { key: s.keys.operator });
      expect(listed.body.messages.map((m: { lastError: string }) => m.lastError)).toEqual(texts.map(([, after]) => after));
      expect(JSON.stringify(listed.body) + JSON.stringify((await s.api("GET", "/healthz", undefined, { key: "" })).body)).not.toMatch(/s3cr3t/);
    } finally {
      await s.stop();
    }
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
