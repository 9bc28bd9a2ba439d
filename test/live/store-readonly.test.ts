/**
 * A database that becomes read-only while the server runs. A chmod cannot show it: it does not stop a
 * process that has the file open (as uid 65534, a connection kept writing after chmod 0444 of the file,
 * its -wal and -shm; only a new connection was refused), and root passes permission checks anyway. What
 * does stop writes through open files, for root too, is what a file system remounted read-only after
 * errors does: every write fails. `chattr +i` (an immutable file: ext4 refuses any write to it, EPERM)
 * does that to the file and its -wal here; SQLite answers 'disk I/O error', as it does for EROFS.
 * The events acknowledged before stay stored; new requests — the writer thread's batches, a single event
 * on the main thread, a profile — are answered 503 with nothing of them kept, in the store or in memory;
 * a delivery the webhook made meanwhile is recorded once the file can be written; everything goes on
 * once it can. Skipped where chattr cannot set the flag (not root, or a file system without it).
 */
import { existsSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { SqliteStore } from "../../engine/live/sqlite-store.ts";
import { main } from "../../engine/cli/main.ts";
import { capture } from "../capture.ts";
import { at, promote, RECEIPT_PLAN, stoppedAfterEach, T0, tempDb, testServer, until } from "./live-helpers.ts";

const chattr = (flag: "+i" | "-i", ...files: string[]) => new Deno.Command("chattr", { args: [flag, ...files], stderr: "null" }).outputSync().success;

/** Whether this machine can make a file immutable where the tests' databases live. */
const canFreeze = (() => {
  try {
    const probe = join(dirname(tempDb("probe")), "probe");
    writeFileSync(probe, "");
    if (!chattr("+i", probe)) return false;
    // and the flag stops a write (for root too), as ext4's does: a file system that takes the flag but
    // writes anyway would make these tests fail for the wrong reason
    let refused = false;
    try {
      writeFileSync(probe, "x");
    } catch {
      refused = true;
    }
    return chattr("-i", probe) && refused;
  } catch {
    return false;
  }
})();

const stop = stoppedAfterEach();

/** Makes the database and its WAL unwritable until the returned function is called (after the test at the latest). */
function freeze(db: string): () => void {
  const files = [db, `${db}-wal`].filter((f) => existsSync(f)); // a server stopped cleanly leaves no -wal
  let frozen = true;
  const thaw = () => void (frozen && (frozen = false, chattr("-i", ...files)));
  stop.unshift(async () => thaw()); // first, even when the test fails: an immutable file cannot be removed
  if (!chattr("+i", ...files)) throw new Error(`chattr +i ${files.join(" ")} failed`);
  return thaw;
}

const purchases = (prefix: string, n: number, h: number) =>
  Array.from({ length: n }, (_, i) => ({ id: `${prefix}${i}`, customer: `${prefix}-C${i}`, type: "purchase", value: 10, time: at(h) }));

describe.skipIf(!canFreeze)("a database that becomes read-only while the server runs", () => {
  it("refuses new requests with 503, keeps what it acknowledged, stores nothing of the refused ones, and goes on once writable", async () => {
    const s = testServer({ start: T0 }); // the writer thread on: batches of 400 events and more are written there
    stop.push(() => s.stop());
    await promote(s, RECEIPT_PLAN);
    expect((await s.api("POST", "/v1/events", { events: purchases("a", 400, 1) })).body.accepted).toBe(400);
    expect((await s.api("POST", "/v1/events", { id: "one", customer: "S1", type: "purchase", value: 5, time: at(1) })).status).toBe(200);
    const count = (table: string) => Number(s.store.query<{ n: number }>(`SELECT count(*) AS n FROM ${table}`)[0].n);
    const before = { events: count("events"), outbox: count("outbox"), customers: count("customers") };
    expect(before).toEqual({ events: 401, outbox: 401, customers: 401 });

    const thaw = freeze(s.store.path);
    const batch = await s.api("POST", "/v1/events", { events: purchases("b", 400, 2) }); // the writer thread's connection
    const single = await s.api("POST", "/v1/events", { id: "two", customer: "S2", type: "purchase", value: 5, time: at(2) }); // the main one
    const profile = await s.api("POST", "/v1/customers", { customers: [{ id: "P1", consents: ["email"] }] });
    for (const [what, r] of [["batch", batch], ["single", single], ["profile", profile]] as const) {
      expect(r.status, what).toBe(503);
      expect(r.body.error, what).toBe("the database cannot be written (disk I/O error); nothing of this request was stored: check its disk (a file system remounted read-only, a file made immutable, a failing device: the system's log says which), then send it again");
    }
    // nothing of them in memory either: the customers they would have made are unknown; reads go on
    for (const id of ["b-C0", "b-C399", "S2", "P1"]) expect((await s.api("GET", `/v1/customers/${id}`)).status, id).toBe(404);
    expect((await s.api("GET", "/v1/customers/a-C7")).status).toBe(200);
    expect({ events: count("events"), outbox: count("outbox"), customers: count("customers") }).toEqual(before);

    thaw();
    // the same requests again: taken as new (not duplicates of events never stored)
    expect((await s.api("POST", "/v1/events", { events: purchases("b", 400, 2) })).body).toMatchObject({ accepted: 400, duplicates: 0 });
    expect((await s.api("POST", "/v1/events", { id: "two", customer: "S2", type: "purchase", value: 5, time: at(2) })).body).toMatchObject({ accepted: 1 });
    expect((await s.api("POST", "/v1/customers", { customers: [{ id: "P1", consents: ["email"] }] })).body).toEqual({ created: 1, updated: 0 });
    await s.stop();
    const reopened = new SqliteStore(s.store.path);
    try {
      expect(reopened.query("SELECT (SELECT count(*) FROM events) AS events, (SELECT count(*) FROM outbox) AS outbox, (SELECT count(*) FROM customers) AS customers"))
        .toEqual([{ events: 802, outbox: 802, customers: 803 }]);
    } finally {
      reopened.close();
    }
  });

  it("leaves a manual clock where it was after refused requests: the writer thread's batch, a single event, a POST /v1/clock (regression: they moved it, and the operator's clock was refused 409 after)", async () => {
    const s = testServer({ start: T0 });
    stop.push(() => s.stop());
    await promote(s, RECEIPT_PLAN);
    const clockNow = async () => new Date((await s.api("GET", "/readyz")).body.now).toISOString();
    expect((await s.api("POST", "/v1/events", { events: purchases("a", 400, 1) })).body.accepted).toBe(400);
    expect(await clockNow()).toBe(at(1));
    const thaw = freeze(s.store.path);
    expect((await s.api("POST", "/v1/events", { events: purchases("b", 400, 5) })).status).toBe(503); // the writer thread's commit fails
    expect(await clockNow()).toBe(at(1));
    expect((await s.api("POST", "/v1/events", { id: "two", customer: "S2", type: "purchase", value: 5, time: at(6) })).status).toBe(503); // the main thread's
    expect(await clockNow()).toBe(at(1));
    expect((await s.api("POST", "/v1/clock", { now: at(7) })).status).toBe(503); // the engine's time could not be stored
    expect(await clockNow()).toBe(at(1));
    thaw();
    const set = await s.api("POST", "/v1/clock", { now: at(2) });
    expect([set.status, new Date(set.body.now).toISOString()]).toEqual([200, at(2)]); // was 409: 'it is at … 07:00'
    expect((await s.api("POST", "/v1/events", { events: purchases("b", 400, 5) })).body.accepted).toBe(400);
    expect(await clockNow()).toBe(at(5));
  });

  it("refuses to start (serve) or to write (keys) on a database it cannot write, in one line; it started and answered every write 503", async () => {
    const db = tempDb("frozen");
    const s = testServer({ db, start: T0 });
    const key = s.store.listKeys()[0].id;
    await s.stop();
    freeze(db);
    const want = `--db ${db}: cannot be written (attempt to write a readonly database); make the file, its -wal and -shm files and its folder writable by this user, or give`;
    const serve = new Deno.Command("./node_modules/.bin/deno", {
      args: ["run", "-A", "engine/cli/main.ts", "serve", "--db", db, "--port", "0"], stdout: "piped", stderr: "piped", signal: AbortSignal.timeout(20_000),
    }).output();
    const r = await serve;
    expect(new TextDecoder().decode(r.stdout)).not.toMatch(/listening/);
    expect([r.code, new TextDecoder().decode(r.stderr).trim()]).toEqual([2, `${want} a Cadence database, or the path of a new file`]);
    const revoke = await capture(() => main(["keys", "revoke", key, "--db", db]));
    expect(revoke).toMatchObject({ code: 2, err: `${want} the database a live server writes` });
    expect((await capture(() => main(["keys", "list", "--db", db]))).code).toBe(0); // reading it is fine
  });

  it("records a delivery whose answer came while the file could not be written, once it can, without sending it again", async () => {
    let release!: () => void;
    const answered = new Promise<void>((r) => (release = r));
    const got: string[] = [];
    const srv = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, async (req) => {
      got.push(req.headers.get("idempotency-key")!);
      await answered; // the receiver takes the message, and answers once the database is read-only
      return new Response("", { status: 200 });
    });
    stop.push(() => srv.shutdown());
    const s = testServer({ start: T0, webhook: { url: `http://127.0.0.1:${(srv.addr as Deno.NetAddr).port}/hook`, secret: "sek" } });
    stop.unshift(() => s.stop());
    await promote(s, RECEIPT_PLAN);
    await s.api("POST", "/v1/events", { id: "p1", customer: "C1", type: "purchase", value: 9 });
    await until(() => got.length === 1);
    expect(s.store.outbox(0, 10)[0].state).toBe("sending");
    const logged: string[] = [];
    const spy = vi.spyOn(console, "error").mockImplementation((...a) => void logged.push(a.map(String).join(" ")));
    try {
      const thaw = freeze(s.store.path);
      release();
      await new Promise((r) => setTimeout(r, 300)); // several passes of the webhook loop (every 50 ms) while it cannot record
      expect(s.store.outbox(0, 10)[0].state).toBe("sending");
      thaw();
      await until(() => s.store.outbox(0, 10)[0].state === "delivered");
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      spy.mockRestore();
    }
    // the outage in two lines, not one per pass
    expect(logged.filter((l) => l.includes("webhook pass"))).toEqual([
      "cadence serve: webhook pass failed (logged once while it repeats): Error: disk I/O error",
      expect.stringMatching(/^cadence serve: webhook pass works again, after \d+ failed passes \(the last: disk I\/O error\)$/),
    ]);
    // it stayed 'sending' (and would have been 'unknown' at the next start) though the receiver had it
    expect(s.store.outbox(0, 10)[0]).toMatchObject({ state: "delivered", attempts: 1, lastError: "" });
    expect(got).toHaveLength(1);
  });
});
