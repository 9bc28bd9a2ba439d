/**
 * `cadence live-demo --db FILE` on a database that exists already (an earlier demo's, its clock past the
 * demo's start): refused up front, one line, exit 2, the database untouched.
 */
import { describe, expect, it } from "vitest";
import { parseDate } from "../../engine/core/time.ts";
import { SqliteStore } from "../../engine/live/sqlite-store.ts";
import { tempDb } from "./live-helpers.ts";

describe("live demo on an existing database", () => {
  it("refuses it before changing anything, naming the file and what to give instead", async () => {
    const db = tempDb("demo-existing");
    const before = new SqliteStore(db);
    before.migrate();
    before.setMeta("watermark", String(parseDate("2026-03-01")!)); // where the earlier demo left its clock
    before.close();
    const out = await new Deno.Command("./node_modules/.bin/deno", {
      args: ["run", "-A", "engine/cli/main.ts", "live-demo", "--json", "--customers", "100", "--days", "7", "--db", db], stdout: "piped", stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    expect(out.code).toBe(2);
    expect(stderr).toBe(`--db ${db}: the database exists already; live-demo runs on a new one (it promotes its own plan and drives the clock from 2026-01-01): give a path that does not exist yet, or leave --db out for a temporary one\n`);
    const after = new SqliteStore(db);
    expect([after.listPlans().length, after.listKeys().length, after.getMeta("watermark")]).toEqual([0, 0, String(parseDate("2026-03-01")!)]);
    after.close();
  });
});
