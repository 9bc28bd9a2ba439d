/**
 * `cadence keys`: create (the database made if new: the first admin key comes before the first start),
 * list, and revoke — a leaked key had no way to be stopped, from the command line or the API.
 */
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../engine/cli/main.ts";
import { findKey } from "../../engine/live/keys.ts";
import { SqliteStore } from "../../engine/live/sqlite-store.ts";
import { capture } from "../capture.ts";

describe("cadence keys", () => {
  const dir = mkdtempSync(join(tmpdir(), "cadence-keys-"));
  const db = join(dir, "live.sqlite");
  const run = (...args: string[]) => capture(() => main(["keys", ...args]));

  it("refuses an empty or overlong --name, as the API does (an empty one was listed as a blank)", async () => {
    for (const name of ["", "  ", "x".repeat(101)]) {
      const r = await run("create", "--role", "ingest", "--name", name, "--db", join(dir, "names.sqlite"));
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/^--name: expected a name of 1 to 100 characters/);
    }
  });

  it("creates, lists and revokes keys; a revoked key no longer authenticates", async () => {
    const made = await run("create", "--role", "ingest", "--name", "shop", "--db", db);
    expect(made.code).toBe(0);
    const key = made.out.trim(), id = key.slice(4, 16);
    expect(key).toMatch(/^cad_[0-9a-f]{12}_[A-Za-z0-9_-]{32}$/);
    expect((await run("list", "--db", db)).out).toBe(`${id}\tingest\tshop`);
    const revoked = await run("revoke", id, "--db", db);
    expect(revoked.code).toBe(0);
    expect(revoked.out).toMatch(new RegExp(`^revoked key ${id} \\(ingest, shop\\) at \\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:00Z: a running server refuses it within 5 s$`));
    expect((await run("list", "--db", db)).out).toMatch(new RegExp(`^${id}\\tingest\\tshop\\trevoked \\d{4}-`));
    const store = new SqliteStore(db);
    try {
      expect(findKey(store, key)).toBeNull();
      expect(store.listKeys()[0].revoked).not.toBeNull();
    } finally {
      store.close();
    }
  });

  it("names an unknown key or a database that is not there", async () => {
    expect(await run("revoke", "000000000000", "--db", db)).toMatchObject({ code: 2, err: expect.stringContaining("keys revoke: no key '000000000000' in") });
    expect(await run("revoke", "--db", db)).toMatchObject({ code: 2, err: expect.stringContaining("keys revoke: which key?") });
    const none = join(dir, "none.sqlite");
    expect(await run("list", "--db", none)).toMatchObject({ code: 2, err: `--db ${none}: no such file; give the database a live server writes (cadence serve --db FILE)` });
    expect(existsSync(none)).toBe(false); // listing used to create an empty database there
  });
});

describe("cadence keys, flags and words it does not take", () => {
  it("refuses them by name instead of ignoring them (keys list --role admin listed every key)", async () => {
    const db = join(mkdtempSync(join(tmpdir(), "cadence-keys-flags-")), "k.sqlite");
    const made = await capture(() => main(["keys", "create", "--role", "admin", "--db", db]));
    expect(made.code).toBe(0);
    expect(await capture(() => main(["keys", "list", "--db", db, "--role", "admin"]))).toMatchObject({ code: 2, err: expect.stringMatching(/^--role: goes with 'keys create'; 'keys list' takes --db only\n/) });
    expect(await capture(() => main(["keys", "revoke", "x", "--db", db, "--name", "n"]))).toMatchObject({ code: 2, err: expect.stringMatching(/^--name: goes with 'keys create'; 'keys revoke' takes --db and the key's id only\n/) });
    expect(await capture(() => main(["keys", "create", "admin", "--role", "admin", "--db", db]))).toMatchObject({ code: 2, err: expect.stringMatching(/^unexpected argument 'admin': 'keys create' takes options only\n/) });
    expect(await capture(() => main(["keys", "revoke", "a", "b", "--db", db]))).toMatchObject({ code: 2, err: expect.stringMatching(/^unexpected argument 'b': 'keys revoke' takes one key id\n/) });
    expect((await capture(() => main(["keys", "list", "--db", db]))).out.split("\n")).toHaveLength(1); // nothing created by the refused ones
  });
});
