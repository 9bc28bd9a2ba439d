/**
 * One server per database, with real processes: a second `cadence serve` on a database a server holds
 * refuses to start, in one line naming the database and the holder's pid (two servers each kept the
 * customers in memory and overwrote each other's updates); the commands that only read or append
 * (keys, extract, live-report) still run beside it; and a server killed with SIGKILL leaves nothing
 * locked behind (the hold is the OS's: it ends with the process).
 */
import { afterEach, describe, expect, it } from "vitest";
import { mkdtempSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { createKey } from "../../engine/live/keys.ts";
import { SqliteStore } from "../../engine/live/sqlite-store.ts";
import { ROLES, type Role } from "../../engine/live/store.ts";
import { InputError } from "../../engine/plan/errors.ts";
import { promote, RECEIPT_PLAN, spawnServe, tempDb, testServer, type TestServer } from "./live-helpers.ts";

const DENO = "./node_modules/.bin/deno";

/** A cadence command's exit code and output; one still running after 30 s is killed (a serve that started). */
async function cadence(...args: string[]): Promise<{ code: number | "still running"; stdout: string; stderr: string }> {
  const p = new Deno.Command(DENO, { args: ["run", "-A", "engine/cli/main.ts", ...args], stdout: "piped", stderr: "piped" }).spawn();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const running = await Promise.race([p.status.then(() => false), new Promise<boolean>((r) => timer = setTimeout(() => r(true), 30_000))]);
  clearTimeout(timer);
  if (running) p.kill("SIGKILL");
  const out = await p.output();
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: running ? "still running" : out.code, stdout: text(out.stdout), stderr: text(out.stderr) };
}

const children: Deno.ChildProcess[] = [];
afterEach(async () => {
  for (const p of children.splice(0)) {
    try {
      p.kill("SIGKILL");
    } catch { /* ended already */ }
    await p.status;
  }
});

/** `cadence serve` as a child process, once it listens (killed after the test). */
async function serve(db: string): Promise<{ p: Deno.ChildProcess; url: string }> {
  const server = await spawnServe(["--db", db, "--port", "0", "--clock", "manual", "--start", "2026-03-02"]);
  children.push(server.p);
  return server;
}

/** A database with a key for every role, made before any server starts (as `cadence keys create` does). */
function database(): { db: string; keys: Record<Role | "approver2", string> } {
  const db = tempDb("lock"), store = new SqliteStore(db);
  store.migrate();
  const keys = Object.fromEntries(ROLES.map((r) => [r, createKey(store, r, r, 0).key])) as Record<Role | "approver2", string>;
  keys.approver2 = createKey(store, "approver", "second", 0).key;
  store.close();
  return { db, keys };
}

/** The bits of a TestServer that `promote` needs, over HTTP to a child process. */
function client(url: string, keys: Record<Role | "approver2", string>): TestServer {
  const api: TestServer["api"] = async (method, path, body, o = {}) => {
    const headers: Record<string, string> = { authorization: `Bearer ${o.key ?? keys.admin}` };
    if (body !== undefined) headers["content-type"] = o.type ?? "application/json";
    const res = await fetch(url + path, { method, headers, body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body) });
    return { status: res.status, body: await res.json(), headers: res.headers };
  };
  return { keys, api } as TestServer;
}

describe("one server per database", () => {
  it("refuses a second serve on a held database, naming the holder's pid; keys, extract and live-report run beside it; a SIGKILL leaves no lock", async () => {
    const { db, keys } = database();
    const first = await serve(db);
    const s = client(first.url, keys);
    await promote(s, RECEIPT_PLAN);
    await s.api("POST", "/v1/events", { id: "o1", customer: "C1", type: "purchase", value: 10, time: "2026-03-02T10:00:00Z" }, { key: keys.ingest });

    const second = await cadence("serve", "--db", db, "--port", "0", "--clock", "manual");
    expect({ code: second.code, stderr: second.stderr }).toEqual({
      code: 2,
      stderr: `--db ${db}: in use by another cadence serve (pid ${first.p.pid}); one server per database (it holds the customers in memory): stop that one first, or give another --db\n`,
    });
    // the first one is untouched and still answers
    await s.api("POST", "/v1/events", { id: "o2", customer: "C1", type: "purchase", value: 5, time: "2026-03-02T11:00:00Z" }, { key: keys.ingest });
    expect((await s.api("GET", "/v1/customers/C1", undefined, { key: keys.analyst })).body.profile).toMatchObject({ orders: 2, revenue: 15 });

    const out = mkdtempSync(join(tmpdir(), "cadence-lock-out-"));
    const beside = [
      await cadence("keys", "list", "--db", db),
      await cadence("extract", "--db", db, "--date", "2026-03-02", "--out", join(out, "lists")),
      await cadence("live-report", "--db", db, "--json"),
    ];
    for (const r of beside) expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: "" });
    expect(beside[1].stdout).toContain("2 messages for 2026-03-02");
    expect(JSON.parse(beside[2].stdout).metrics.find((m: { name: string }) => m.name === "contacts").actual).toBe(2);

    first.p.kill("SIGKILL");
    await first.p.status;
    const third = await serve(db); // no stale lock: the hold died with the process
    const t = client(third.url, keys);
    expect((await t.api("GET", "/v1/customers/C1", undefined, { key: keys.analyst })).body.profile).toMatchObject({ orders: 2, revenue: 15 });
    third.p.kill("SIGTERM");
    expect((await third.p.status).code).toBe(0);
    // a clean stop releases it too
    const fourth = await serve(db);
    expect((await fetch(`${fourth.url}/readyz`).then((r) => r.json())).ok).toBe(true);
    fourth.p.kill("SIGTERM");
    expect((await fourth.p.status).code).toBe(0);
  }, 120_000);

  it("stops cleanly on a SIGTERM sent the moment it says it listens (regression)", async () => {
    // the handlers were installed after the 'listening' line: a SIGTERM sent on reading it could end the
    // process with the default action (exit 143, no clean stop); a race, so tried a few times
    for (let i = 0; i < 4; i++) {
      const { p } = await serve(tempDb(`sigterm-${i}`));
      p.kill("SIGTERM");
      expect((await p.status).code).toBe(0);
    }
  }, 120_000);

  it("in one process too: a second server on the database is refused until the first stops", async () => {
    const db = tempDb("lock-inproc");
    const a = testServer({ db });
    let error: unknown;
    try {
      testServer({ db });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toBe(`--db ${db}: in use by another cadence serve (pid ${Deno.pid}); one server per database (it holds the customers in memory): stop that one first, or give another --db`);
    await a.stop();
    const b = testServer({ db });
    await b.stop();
  });
});
