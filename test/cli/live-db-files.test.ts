/**
 * The live database a command names, when it is not one this cadence can use: written by a newer
 * version, damaged (a truncated copy), another program's, or empty. Each answers in one line naming
 * --db and what to do (exit 2), and changes nothing in the file; none is a stack trace or an empty
 * result read as if the server had no plan, no key and no message.
 */
import { copyFileSync, existsSync, mkdtempSync, truncateSync, writeFileSync } from "node:fs";
import { DatabaseSync } from "node:sqlite";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../engine/cli/main.ts";
import { MIGRATIONS } from "../../engine/live/migrations.ts";
import { capture } from "../capture.ts";

const sql = (file: string, text: string) => {
  const db = new DatabaseSync(file);
  try {
    return db.prepare(text).all();
  } finally {
    db.close();
  }
};

describe("live databases cadence cannot use", () => {
  const dir = mkdtempSync(join(tmpdir(), "cadence-dbfiles-"));
  const run = (...args: string[]) => capture(() => main(args));
  const readers = (db: string) => [
    ["extract", "--db", db, "--date", "2026-03-02", "--out", join(dir, "lists")],
    ["live-report", "--db", db, "--json"],
    ["keys", "list", "--db", db],
    ["keys", "revoke", "k1", "--db", db],
  ];

  it("one written by a newer cadence: every command names the versions (it was a stack trace, exit 1)", async () => {
    const db = join(dir, "newer.sqlite");
    expect((await run("keys", "create", "--role", "admin", "--db", db)).code).toBe(0);
    sql(db, "PRAGMA user_version = 99");
    const want = `--db ${db}: written by a newer cadence (schema version 99; this one knows up to ${MIGRATIONS.length}); run this command with that version, or upgrade cadence`;
    for (const args of [...readers(db), ["keys", "create", "--role", "admin", "--db", db], ["serve", "--db", db, "--port", "0"]]) {
      expect(await run(...args), args.join(" ")).toMatchObject({ code: 2, err: want });
    }
    expect(existsSync(join(dir, "lists"))).toBe(false);
  });

  it("a damaged one (a copy cut short) says so and where to turn", async () => {
    const db = join(dir, "whole.sqlite"), cut = join(dir, "cut.sqlite");
    expect((await run("keys", "create", "--role", "admin", "--db", db)).code).toBe(0);
    copyFileSync(db, cut);
    truncateSync(cut, 8192); // the header and the schema's first page; the tables' pages are gone
    for (const args of readers(cut)) {
      expect(await run(...args), args.join(" ")).toMatchObject({
        code: 2, err: `--db ${cut}: a damaged SQLite database (database disk image is malformed); restore it from a backup (docs/live.md, Operations), or give the database a live server writes`,
      });
    }
  });

  it("another program's database is neither read as an empty Cadence one nor given Cadence's tables", async () => {
    const db = join(dir, "theirs.sqlite");
    sql(db, "CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)");
    for (const args of readers(db)) {
      // keys list printed nothing, exit 0, having written Cadence's nine tables into it
      expect(await run(...args), args.join(" ")).toMatchObject({ code: 2, err: `--db ${db}: no Cadence schema in it (another program's database: tables invoices); give the database a live server writes (cadence serve --db FILE)` });
    }
    expect(await run("keys", "create", "--role", "admin", "--db", db)).toMatchObject({ code: 2, err: `--db ${db}: another program's database (tables invoices, no Cadence schema); give a Cadence database, or the path of a new file` });
    expect(await run("serve", "--db", db, "--port", "0")).toMatchObject({ code: 2, err: `--db ${db}: another program's database (tables invoices, no Cadence schema); give a Cadence database, or the path of a new file` });
    expect(sql(db, "SELECT name FROM sqlite_master WHERE type = 'table'")).toEqual([{ name: "invoices" }]);
  });

  it("an empty file is no live database for a command that reads one (extract reported 0 messages)", async () => {
    const db = join(dir, "empty.sqlite");
    writeFileSync(db, "");
    for (const args of readers(db)) {
      expect(await run(...args), args.join(" ")).toMatchObject({ code: 2, err: `--db ${db}: no Cadence schema in it (an empty database); give the database a live server writes (cadence serve --db FILE)` });
    }
    expect(existsSync(join(dir, "lists"))).toBe(false);
    // keys create makes a new database there, as documented: the first admin key comes before the first start
    expect((await run("keys", "create", "--role", "admin", "--db", db)).code).toBe(0);
    expect((await run("keys", "list", "--db", db)).out).toMatch(/\tadmin\tadmin$/);
  });
});
