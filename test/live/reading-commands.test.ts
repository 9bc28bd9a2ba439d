/**
 * The operator commands beside a server never change its database: extract (without --confirm),
 * live-report and keys list open the file read-only; a database at an older schema is refused in one
 * line naming its version and the command that upgrades it (cadence serve), by every command that is
 * not the server, where it used to be upgraded by whichever command opened it first.
 */
import { copyFileSync, existsSync, mkdtempSync, readFileSync, statSync } from "node:fs";
import { DatabaseSync } from "node:sqlite";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../engine/cli/main.ts";
import { MIGRATIONS } from "../../engine/live/migrations.ts";
import { capture } from "../capture.ts";
import { at, promote, RECEIPT_PLAN, T0, tempDb, testServer } from "./live-helpers.ts";

const run = (...args: string[]) => capture(() => main(args));
const bytes = (file: string) => (existsSync(file) ? readFileSync(file) : null);

/** The reading commands on `db`, their lists written into a folder of their own. */
const readers = (db: string) => [
  ["extract", "--db", db, "--date", "2026-03-02", "--out", join(mkdtempSync(join(tmpdir(), "cadence-lists-")), "lists")],
  ["live-report", "--db", db, "--json"],
  ["keys", "list", "--db", db],
];

/** A database a server wrote and closed: a promoted receipts plan, three purchases, three receipts pending. */
async function serverDb(): Promise<string> {
  const s = testServer({ start: T0 });
  try {
    await promote(s, RECEIPT_PLAN);
    const events = ["C1", "C2", "C3"].map((c, i) => ({ id: `p${i}`, customer: c, type: "purchase", value: 10, time: at(1 + i) }));
    expect((await s.api("POST", "/v1/events", { events })).body.accepted).toBe(3);
    return s.store.path;
  } finally {
    await s.stop();
  }
}

describe("commands that read a live database", () => {
  it("leave a current database byte for byte as it was, and read what it holds", async () => {
    const db = await serverDb();
    const before = bytes(db);
    const out = [];
    for (const args of readers(db)) out.push(await run(...args));
    const [extract, report, keys] = out;
    expect(extract).toMatchObject({ code: 0 });
    expect(extract.out).toMatch(/^3 messages for 2026-03-02 in 1 files; not recorded as sent/m);
    expect(report.code).toBe(0);
    expect(JSON.parse(report.out).metrics.find((m: { name: string }) => m.name === "contacts").actual).toBe(3);
    expect(keys.out.split("\n")).toHaveLength(6); // testServer's key per role and a second approver
    expect(bytes(db)!.equals(before!)).toBe(true);
    expect(bytes(`${db}-wal`)?.length ?? 0).toBe(0); // nothing written into its log either
  });

  it("read what a server left in its write-ahead log without moving it into the file (a server killed, or running)", async () => {
    const db = await serverDb();
    // a crash image: a key committed to the WAL only, copied with it while the writing connection is open
    const w = new DatabaseSync(db);
    w.exec("PRAGMA wal_autocheckpoint=0");
    w.exec(`INSERT INTO keys (id, hash, role, name, created) VALUES ('kwal', 'h-wal', 'analyst', 'in the log only', 0)`);
    const copy = join(mkdtempSync(join(tmpdir(), "cadence-crash-")), "cadence.sqlite");
    copyFileSync(db, copy), copyFileSync(`${db}-wal`, `${copy}-wal`);
    w.close();
    const [file, log] = [bytes(copy)!, bytes(`${copy}-wal`)!];
    expect(log.length).toBeGreaterThan(0);
    for (const args of readers(copy)) expect((await run(...args)).code, args.join(" ")).toBe(0);
    expect((await run("keys", "list", "--db", copy)).out).toMatch(/^kwal\tanalyst\tin the log only$/m);
    // the last connection to close used to checkpoint the log into the file (and delete the log)
    expect(bytes(copy)!.equals(file)).toBe(true);
    expect(bytes(`${copy}-wal`)!.equals(log)).toBe(true);
  });

  it("refuse a database at an older schema in one line, changing nothing: only the server upgrades", async () => {
    // a version-8 database, made as the migration tests make one, with a key and a plan
    const db = tempDb("older");
    const old = new DatabaseSync(db);
    for (const m of MIGRATIONS.slice(0, 8)) old.exec(m);
    old.exec("PRAGMA user_version=8");
    old.exec(`INSERT INTO keys (id, hash, role, name, created) VALUES ('k1', 'h1', 'admin', 'admin', 0)`);
    old.prepare(`INSERT INTO plans (name, source, hash, engine, state, author, created) VALUES ('receipts', ?, 'h', 'e', 'draft', 'k1', 0)`).run(RECEIPT_PLAN);
    old.close();
    const before = bytes(db)!;
    const want = `--db ${db}: written by an older cadence (schema version 8; this one reads ${MIGRATIONS.length}); cadence serve --db ${db} upgrades it on start (no other command changes a database's schema), or run this command with the cadence that wrote it`;
    const writers = [
      ["extract", "--db", db, "--date", "2026-03-02", "--confirm", "--out", join(dirname(db), "lists")],
      ["keys", "revoke", "k1", "--db", db],
      ["keys", "create", "--role", "admin", "--db", db],
    ];
    for (const args of [...readers(db), ...writers]) {
      // each brought it to the current schema (and the writers went on to write)
      expect(await run(...args), args.join(" ")).toMatchObject({ code: 2, err: want });
    }
    expect(bytes(db)!.equals(before)).toBe(true);
    expect(statSync(db).size).toBe(before.length);
    expect(existsSync(join(dirname(db), "lists"))).toBe(false);
    // the server does upgrade it
    const s = testServer({ db, start: T0 });
    expect(s.store.schemaVersion()).toBe(MIGRATIONS.length);
    await s.stop();
    expect((await run("keys", "list", "--db", db)).code).toBe(0);
  });
});
