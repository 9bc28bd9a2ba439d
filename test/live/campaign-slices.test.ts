/**
 * A campaign day in slices (engine/live/campaign-debt.ts): the day's audiences are selected at its start
 * and its sends made a slice of customers a transaction, events answered in between. Real servers on
 * 127.0.0.1, SQLite, manual clock: one offers 4 customers a transaction, the other all at once; both must
 * decide the same, an event for a customer still owed its newsletter has it sent first (a late event
 * too, without waiting for the other customers), so does an upload of that customer's profile, and a stop or a SIGKILL in the middle of the day leaves
 * the rest to the restarted server: none sent twice, none lost; nor after a group the writer thread failed to commit.
 */
import { DatabaseSync } from "node:sqlite";
import { describe, expect, it } from "vitest";
import { at, promote, RECEIPT_PROGRAM, serversStoppedAfterEach, spawnServe, T0, tempDb, type TestServer, testServer } from "./live-helpers.ts";
import type { ManualClock } from "../../engine/live/clock.ts";
import type { LiveEvent } from "../../engine/live/driver.ts";
import { SqliteStore } from "../../engine/live/sqlite-store.ts";
import { createKey } from "../../engine/live/keys.ts";
import { profileOf } from "../../web/convert.ts";
import { DAY } from "../../engine/core/time.ts";

// the newsletter goes at midnight, so its send is decided at the day's start; the receipt (no exemption)
// counts against the same cap: sent before a customer's purchase, the newsletter suppresses its receipt
const PLAN = `name: day-slices
channels: { email: {} }
pressure:
  rules:
    - { name: one-a-day, cap: 1, calendar: day, lookahead: true }
programs:
  - id: news
    type: campaign
    schedule: { every: 1d, start: "2026-03-03", at: "00:00" }
    audience: consent.email
    send: { channel: email, message: news, category: relational }
${RECEIPT_PROGRAM}`;

const CUSTOMERS = Array.from({ length: 30 }, (_, i) => `c${String(i).padStart(2, "0")}`);
const DAY_START = T0 + DAY; // 2026-03-03 00:00: the first newsletter's day
// c29 buys a minute into the day; c28's purchase of 23:59 the day before arrives late
const EVENTS: LiveEvent[] = [
  { id: "p29", customer: "c29", type: "purchase", time: DAY_START + 1 },
  { id: "p28", customer: "c28", type: "purchase", time: DAY_START - 1 },
];
// a brand's sync during the day: c10 withdraws its e-mail opt-in, c40 joins
const UPLOAD: Record<string, unknown>[] = [{ id: "c10", consents: [] }, { id: "c40", consents: ["email"] }];
const apiEvent = (e: LiveEvent) => ({ id: e.id, customer: e.customer, type: e.type, time: new Date(e.time * 60000).toISOString() });

const server = serversStoppedAfterEach(T0);

async function ready(s: TestServer): Promise<void> {
  const r = await s.api("POST", "/v1/customers", { customers: CUSTOMERS.map((id) => ({ id, consents: ["email"] })) });
  expect(r.status).toBe(200);
  await promote(s, PLAN);
}

/** The reference: the day decided in one pass, then the events. */
async function whole(): Promise<TestServer> {
  const s = server();
  await ready(s);
  expect((await s.api("POST", "/v1/clock", { now: at(24) })).body).toEqual({ now: "2026-03-03T00:00:00Z", fired: 0, campaignSends: 30 });
  for (const e of EVENTS) expect((await s.api("POST", "/v1/events", apiEvent(e))).status).toBe(200);
  return s;
}

/** customer,message,time,status,rule in the order decided */
async function decisions(s: TestServer): Promise<string[]> {
  const d = (await s.api("GET", "/v1/decisions?limit=10000", undefined, { key: s.keys.analyst })).body.decisions;
  return d.map((x: Record<string, string>) => `${x.customer},${x.message},${x.time},${x.status},${x.rule}`);
}

const campaignDay = async (s: TestServer) => (await s.api("GET", "/healthz", undefined, { key: "" })).body.campaignDay;

describe("a campaign day in slices", () => {
  it("answers events while 26 newsletters are owed, sending their customers' own first (a late event's too), and decides as one pass", async () => {
    const sliced = server({ fireSlice: 4 }), reference = await whole();
    await ready(sliced);
    (sliced.clock as ManualClock).set(DAY_START);
    expect(sliced.driver.tick(DAY_START)).toBe(0); // no timer: the newsletters of c00 … c03 are sent, 26 owed
    expect(sliced.driver.owing).toBe(true);
    expect(await campaignDay(sliced)).toEqual({ at: "2026-03-03T00:00:00Z", customers: 26, of: 30 });
    // before any slice more: each purchase has its customer's newsletter (at 00:00) sent first, and no one else's
    expect(sliced.driver.ingestGroups([EVENTS])).toEqual([[{ id: "p29", status: "accepted" }, { id: "p28", status: "accepted", late: true }]]);
    expect(await campaignDay(sliced)).toEqual({ at: "2026-03-03T00:00:00Z", customers: 24, of: 30 });
    expect(await sliced.driver.catchUp()).toBe(0);
    expect(sliced.driver.owing).toBe(false);
    expect(await campaignDay(sliced)).toBe(null);

    const log = await decisions(sliced);
    expect(log.slice(0, 8)).toEqual([
      ...["c00", "c01", "c02", "c03", "c29"].map((c) => `${c},news,2026-03-03T00:00:00Z,sent,`),
      "c29,receipt,2026-03-03T00:01:00Z,suppressed,one-a-day",
      "c28,news,2026-03-03T00:00:00Z,sent,",
      "c28,receipt,2026-03-03T00:00:00Z,suppressed,one-a-day", // late: applied at the customer's last moment
    ]);
    expect(log.length).toBe(32);
    expect([...log].sort()).toEqual((await decisions(reference)).sort());
  });

  it("takes an upload after its own customers' sends only, decided on their state at the day's start, and decides as one pass", async () => {
    const sliced = server({ fireSlice: 4 }), reference = server();
    await ready(reference);
    expect((await reference.api("POST", "/v1/clock", { now: at(24) })).status).toBe(200);
    expect((await reference.api("POST", "/v1/customers", { customers: UPLOAD })).body).toEqual({ created: 1, updated: 1 });
    await ready(sliced);
    (sliced.clock as ManualClock).set(DAY_START);
    sliced.driver.tick(DAY_START); // c00 … c03 served, 26 owed
    // before any slice more: c10's newsletter is decided first, on the opt-in it had at 00:00; no one
    // else's is made, and c40, in no audience of the day, is owed none
    expect(sliced.driver.upsert(UPLOAD.map((x) => profileOf(x)))).toEqual({ created: 1, updated: 1 });
    expect(await campaignDay(sliced)).toEqual({ at: "2026-03-03T00:00:00Z", customers: 25, of: 30 });
    await sliced.driver.catchUp();
    expect(sliced.driver.owing).toBe(false);

    const log = await decisions(sliced);
    expect(log.slice(0, 5)).toEqual(["c00", "c01", "c02", "c03", "c10"].map((c) => `${c},news,2026-03-03T00:00:00Z,sent,`));
    expect(log.length).toBe(30);
    expect([...log].sort()).toEqual((await decisions(reference)).sort());
    expect((await sliced.api("GET", "/v1/customers/c10")).body.profile.consents).toEqual([]);
  });

  it("shows a customer whose turn has not come the day's sends it is owed, without making them", async () => {
    const s = server({ fireSlice: 4, tickMs: 3_600_000 }); // no timer loop: the day stays owed
    await ready(s);
    (s.clock as ManualClock).set(DAY_START);
    s.driver.tick(DAY_START); // c00 … c03 served, 26 owed
    const view = async (id: string) => (await s.api("GET", `/v1/customers/${id}`, undefined, { key: s.keys.analyst })).body;
    expect((await view("c05")).campaignDay).toEqual({
      at: "2026-03-03T00:00:00Z", sends: [{ program: "news", message: "news", channel: "email", time: "2026-03-03T00:00:00Z" }],
    });
    expect((await view("c05")).decisions).toEqual([]);
    expect((await view("c00")).campaignDay).toBe(null); // served: its decision is in its log
    expect((await view("c00")).decisions.map((d: { message: string; status: string }) => `${d.message},${d.status}`)).toEqual(["news,sent"]);
    expect(await campaignDay(s)).toEqual({ at: "2026-03-03T00:00:00Z", customers: 26, of: 30 });
    await s.driver.catchUp();
    expect((await view("c05")).campaignDay).toBe(null);
  });

  it("after a stop in the middle of the day, the restarted server sends the rest: none twice, none lost", async () => {
    const first = server({ fireSlice: 4 }), reference = await whole();
    await ready(first);
    (first.clock as ManualClock).set(DAY_START);
    first.driver.tick(DAY_START);
    first.driver.ingestGroups([EVENTS]); // c29 and c28 served out of the day's order
    await first.stop(); // 6 newsletters sent and committed, 24 owed

    const again = server({ db: first.store.path, fireSlice: 4 });
    expect(await campaignDay(again)).toEqual({ at: "2026-03-03T00:00:00Z", customers: 24, of: 30 });
    await again.driver.catchUp(); // the timer loop's work, awaited here
    expect(again.driver.owing).toBe(false);
    expect((await again.api("POST", "/v1/clock", { now: at(25) })).body.fired).toBe(0);
    const log = await decisions(again);
    expect(log.length).toBe(32);
    expect([...log].sort()).toEqual((await decisions(reference)).sort());
  });

  it("erases a customer still owed its newsletter from the stored debt too: its id is kept nowhere, and it is sent nothing", async () => {
    const s = server({ fireSlice: 4, tickMs: 3_600_000 }); // no timer loop: the day stays owed
    await ready(s);
    (s.clock as ManualClock).set(DAY_START);
    s.driver.tick(DAY_START); // c00 … c03 served, 26 owed
    expect(s.store.getMeta("campaignDebt")).toContain('"c05"');
    expect((await s.api("DELETE", "/v1/customers/c05")).body).toEqual({ erased: true });
    expect(s.store.getMeta("campaignDebt")).not.toContain('"c05"');
    expect(await campaignDay(s)).toEqual({ at: "2026-03-03T00:00:00Z", customers: 25, of: 30 });
    await s.driver.catchUp();
    const log = await decisions(s);
    expect(log.length).toBe(29);
    expect(log.some((d) => d.startsWith("c05,"))).toBe(false);
  });

  it("after a stop with an erased customer's newsletter still owed, the restarted server sends the others' only", async () => {
    const first = server({ fireSlice: 4 });
    await ready(first);
    (first.clock as ManualClock).set(DAY_START);
    first.driver.tick(DAY_START);
    expect((await first.api("DELETE", "/v1/customers/c05")).status).toBe(200);
    await first.stop();

    const again = server({ db: first.store.path, fireSlice: 4 });
    expect(await campaignDay(again)).toEqual({ at: "2026-03-03T00:00:00Z", customers: 25, of: 30 });
    await again.driver.catchUp();
    const log = await decisions(again);
    expect(log.length).toBe(29);
    expect(log.some((d) => d.startsWith("c05,"))).toBe(false);
  });

  it("makes the owed day's sends before the next days' when the clock jumps three days, and decides as one pass", async () => {
    const sliced = server({ fireSlice: 4 }), reference = await whole();
    expect((await reference.api("POST", "/v1/clock", { now: at(4 * 24) })).body.campaignSends).toBe(90);
    await ready(sliced);
    (sliced.clock as ManualClock).set(DAY_START);
    sliced.driver.tick(DAY_START); // c00 … c03 served, 26 owed
    sliced.driver.ingestGroups([EVENTS]);
    expect((await sliced.api("POST", "/v1/clock", { now: at(4 * 24) })).body).toEqual({ now: "2026-03-06T00:00:00Z", fired: 0, campaignSends: 24 + 90 });
    expect(sliced.driver.owing).toBe(false);
    const log = await decisions(sliced);
    expect(log.length).toBe(32 + 90);
    expect([...log].sort()).toEqual((await decisions(reference)).sort());
  });

  it("gives a late event of a customer owed both its send and the timer holding it for 10:00 both first, and decides as one pass", async () => {
    const plan = PLAN.replace(`at: "00:00"`, `at: "10:00"`), late: LiveEvent = { id: "p29", customer: "c29", type: "purchase", time: DAY_START + 9 * 60 + 30 };
    const reference = server(), sliced = server({ fireSlice: 4 });
    for (const s of [reference, sliced]) {
      expect((await s.api("POST", "/v1/customers", { customers: CUSTOMERS.map((id) => ({ id, consents: ["email"] })) })).status).toBe(200);
      await promote(s, plan);
    }
    expect((await reference.api("POST", "/v1/clock", { now: at(34 + 1 / 60) })).body.fired).toBe(30);
    expect(reference.driver.ingestGroups([[late]])[0][0].late).toBe(true);
    (sliced.clock as ManualClock).set(DAY_START + 10 * 60 + 1);
    sliced.driver.tick(DAY_START + 10 * 60 + 1); // the day and 10:00 in one move: 4 held and fired, 26 owed their send and its timer
    expect(sliced.driver.ingestGroups([[late]])).toEqual([[{ id: "p29", status: "accepted", late: true }]]);
    expect((await decisions(sliced)).slice(-2)).toEqual(["c29,news,2026-03-03T10:00:00Z,sent,", "c29,receipt,2026-03-03T10:00:00Z,suppressed,one-a-day"]);
    expect(await campaignDay(sliced)).toEqual({ at: "2026-03-03T00:00:00Z", customers: 25, of: 30 });
    await sliced.driver.catchUp();
    expect([...await decisions(sliced)].sort()).toEqual((await decisions(reference)).sort());
  });

  it("holds a newsletter for 10:00 and sends it at 10:00, though its customer's turn came after the engine passed 10:00", async () => {
    const s = server({ fireSlice: 4 });
    const r = await s.api("POST", "/v1/customers", { customers: CUSTOMERS.map((id) => ({ id, consents: ["email"] })) });
    expect(r.status).toBe(200);
    await promote(s, PLAN.replace(`at: "00:00"`, `at: "10:00"`));
    (s.clock as ManualClock).set(DAY_START);
    s.driver.tick(DAY_START); // c00 … c03 hold theirs for 10:00; 26 owed
    // c00's purchase at 10:05 moves the engine past 10:00 before any other customer's turn
    s.driver.ingestGroups([[{ id: "p00", customer: "c00", type: "purchase", time: DAY_START + 10 * 60 + 5 }]]);
    await s.driver.catchUp();
    const sent = (await decisions(s)).filter((d) => d.includes(",news,"));
    expect(sent.length).toBe(30);
    expect(sent.every((d) => d.endsWith(",2026-03-03T10:00:00Z,sent,"))).toBe(true);
  });

  it("answers POST /v1/clock with the campaign sends its pass made, apart from the timers it fired", async () => {
    const s = server({ fireSlice: 4 });
    expect((await s.api("POST", "/v1/customers", { customers: CUSTOMERS.map((id) => ({ id, consents: ["email"] })) })).status).toBe(200);
    await promote(s, PLAN.replace(`at: "00:00"`, `at: "10:00"`));
    const clock = async (h: number) => (await s.api("POST", "/v1/clock", { now: at(h) })).body;
    // over midnight: 30 newsletters decided, 4 customers a transaction, each held for 10:00 (a timer)
    expect(await clock(24)).toEqual({ now: "2026-03-03T00:00:00Z", fired: 0, campaignSends: 30 });
    expect(await clock(34 + 1 / 60)).toEqual({ now: "2026-03-03T10:01:00Z", fired: 30, campaignSends: 0 });
  });

  for (const [what, plan] of [
    ["a later audience reads lastContact", PLAN.replace("    audience: consent.email\n", "    audience: consent.email\n    priority: 20\n") +
      `  - { id: quiet, type: campaign, priority: 10, schedule: { every: 1d, start: "2026-03-03", at: "00:00" }, audience: "lastContact == null", send: { channel: email, message: quiet } }\n`],
    ["customers share a channel's capacity", PLAN.replace("channels: { email: {} }", "channels: { email: { capacity: 20 } }")],
  ]) {
    it(`decides the day in one pass where ${what}`, async () => {
      const s = server({ fireSlice: 4 });
      const r = await s.api("POST", "/v1/customers", { customers: CUSTOMERS.map((id) => ({ id, consents: ["email"] })) });
      expect(r.status).toBe(200);
      await promote(s, plan);
      (s.clock as ManualClock).set(DAY_START);
      s.driver.tick(DAY_START);
      expect(s.driver.owing).toBe(false);
      expect((await decisions(s)).filter((d) => d.includes(",news,")).length).toBe(30);
    });
  }

  it("refuses a catch-up slice while the writer thread's failed group is undone: an event's out-of-turn newsletter is not lost", async () => {
    const s = server({ fireSlice: 4, tickMs: 3_600_000 }); // the catch-up below is the only one
    const eight = CUSTOMERS.slice(0, 8);
    expect((await s.api("POST", "/v1/customers", { customers: eight.map((id) => ({ id, consents: ["email"] })) })).status).toBe(200);
    await promote(s, PLAN);
    (s.clock as ManualClock).set(DAY_START);
    s.driver.tick(DAY_START); // c00 … c03 served, c04 … c07 owed
    refuseSlowly(s.store.path, "boom");
    // c05's purchase, out of its turn: its newsletter is made first, in the purchase's group, whose commit
    // on the writer thread fails; the catch-up slice starts meanwhile, on the main connection, and would
    // close the day on top of it (c04, c06, c07: none left owed), before the rebuild that undoes the group
    const piped = s.driver.ingestPiped([[{ id: "boom", customer: "c05", type: "purchase", time: DAY_START + 1 }]]);
    const slice = s.driver.catchUp();
    const [event, caught] = await Promise.allSettled([piped, slice]);
    expect(event.status === "rejected" && String(event.reason)).toMatch(/refused by the test/); // the client's error
    await s.driver.catchUp();
    const news = async (t: TestServer) => (await decisions(t)).filter((d) => d.includes(",news,")).map((d) => d.split(",")[0]).sort();
    expect(await news(s)).toEqual(eight); // c05's was lost: the slice closed the day, the rebuild found nothing owed
    // the slice did come before the rebuild, and was refused
    expect(caught.status === "rejected" && String(caught.reason)).toMatch(/writer thread's last group failed/);
    expect((await decisions(s)).some((d) => d.includes(",receipt,"))).toBe(false); // the refused purchase left nothing
    await s.stop();
    const again = server({ db: s.store.path, fireSlice: 4 });
    expect(again.driver.owing).toBe(false);
    expect(await news(again)).toEqual(eight);
  });

  it("does not log the timer loop as failing when its catch-up is refused while the writer thread's failed group is undone", async () => {
    const s = server({ fireSlice: 4, tickMs: 20 }); // the timer loop runs the catch-up
    const eight = CUSTOMERS.slice(0, 8);
    expect((await s.api("POST", "/v1/customers", { customers: eight.map((id) => ({ id, consents: ["email"] })) })).status).toBe(200);
    await promote(s, PLAN);
    const logged: string[] = [], error = console.error;
    console.error = (...line: unknown[]) => void logged.push(line.map(String).join(" "));
    try {
      (s.clock as ManualClock).set(DAY_START);
      s.driver.tick(DAY_START); // c00 … c03 served, c04 … c07 owed to the loop's catch-up
      refuseSlowly(s.store.path, "boom");
      // a group failing on the writer thread after ≈ 0.45 s: the loop's next catch-up slice, on the main
      // connection, is refused until the state is rebuilt (as in the test above), then runs again
      const piped = s.driver.ingestPiped([[{ id: "boom", customer: "c05", type: "purchase", time: DAY_START + 1 }]]);
      expect(await piped.then(() => "taken", String)).toMatch(/refused by the test/);
      for (let i = 0; i < 250 && s.driver.owing; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    } finally {
      console.error = error;
    }
    expect(s.driver.owing).toBe(false);
    expect((await decisions(s)).filter((d) => d.includes(",news,")).map((d) => d.split(",")[0]).sort()).toEqual(eight);
    // was "timer loop failed (logged once while it repeats): Rebuilding …", then "timer loop works again"
    expect(logged.filter((l) => l.includes("timer loop"))).toEqual([]);
  });

  it("answers a request sent while the writer thread's failed group is undone 503 with a Retry-After, and takes it sent again", async () => {
    const s = server({ fireSlice: 4, tickMs: 3_600_000 });
    const eight = CUSTOMERS.slice(0, 8);
    expect((await s.api("POST", "/v1/customers", { customers: eight.map((id) => ({ id, consents: ["email"] })) })).status).toBe(200);
    await promote(s, PLAN);
    (s.clock as ManualClock).set(DAY_START);
    s.driver.tick(DAY_START);
    // the key found now (auth caches it): c06's request reads nothing of the store before its transaction,
    // which would wait for the writer thread and let its answer (the rebuild) come first
    expect((await s.api("POST", "/v1/events", { events: [] }, { key: s.keys.ingest })).status).toBe(400);
    refuseSlowly(s.store.path, "boom");
    const piped = s.driver.ingestPiped([[{ id: "boom", customer: "c05", type: "purchase", time: DAY_START + 1 }]]).then(() => "taken", String);
    // c06's purchase reaches its transaction while the writer thread is still at the failing group
    const purchase = apiEvent({ id: "p06", customer: "c06", type: "purchase", time: DAY_START + 2 });
    const warned: unknown[][] = [], warn = console.warn;
    console.warn = (...line: unknown[]) => void warned.push(line);
    const refused = await s.api("POST", "/v1/events", purchase, { key: s.keys.ingest }).finally(() => console.warn = warn);
    expect(refused.status).toBe(503); // was 500, "internal error", logged with a stack like a fault
    expect(refused.headers.get("retry-after")).toBe("1");
    expect(refused.body.error).toBe("the writer thread's last group failed and the state is being rebuilt from the store; nothing was written, send it again");
    expect(warned).toEqual([[`cadence serve: POST /v1/events refused: ${refused.body.error}`]]);
    expect(await piped).toMatch(/refused by the test/);
    const again = await s.api("POST", "/v1/events", purchase, { key: s.keys.ingest });
    expect([again.status, again.body.results]).toEqual([200, [{ id: "p06", status: "accepted" }]]);
    expect((await decisions(s)).filter((d) => d.startsWith("c06,"))).toEqual(["c06,news,2026-03-03T00:00:00Z,sent,", "c06,receipt,2026-03-03T00:02:00Z,suppressed,one-a-day"]);
  });

  it("after a SIGKILL in the middle of a day of 30,000 newsletters, the restarted server sends each of the rest once", async () => {
    const N = 30_000, ids = Array.from({ length: N }, (_, i) => `k${String(i).padStart(5, "0")}`);
    const db = tempDb("campaign-kill");
    const boot = new SqliteStore(db);
    boot.migrate();
    const admin = createKey(boot, "admin", "kill test", 0).key, approver = createKey(boot, "approver", "kill test approver", 0).key;
    boot.close();
    const child = await spawnServe(["--db", db, "--port", "0", "--clock", "manual", "--start", "2026-03-02"]);
    const call = async (method: string, path: string, body?: unknown, key = admin, type = "application/json") => {
      const res = await fetch(child.url + path, { method, headers: { authorization: `Bearer ${key}`, "content-type": type }, body: typeof body === "string" ? body : JSON.stringify(body) });
      return { status: res.status, body: await res.json() };
    };
    try {
      for (let i = 0; i < N; i += 10_000) await call("POST", "/v1/customers", { customers: ids.slice(i, i + 10_000).map((id) => ({ id, consents: ["email"] })) });
      const plan = (await call("POST", "/v1/plans", PLAN, admin, "application/yaml")).body.id;
      await call("POST", `/v1/plans/${plan}/forecast`, { customers: 200, days: 7, replications: 2 });
      await call("POST", `/v1/plans/${plan}/approve`, undefined, approver);
      expect((await call("POST", `/v1/plans/${plan}/promote`)).status).toBe(200);
      // the clock over midnight, not awaited: it answers once the day is done; /healthz answers meanwhile
      let answered = false, seen: { customers: number; of: number } | null = null;
      call("POST", "/v1/clock", { now: at(24) }).then(() => answered = true, () => {});
      while (!answered && (!seen || seen.customers === seen.of)) seen = (await fetch(`${child.url}/healthz`).then((r) => r.json())).campaignDay;
      expect(seen?.customers).toBeGreaterThan(0); // still in the middle of it
      child.p.kill("SIGKILL");
      await child.p.status;
    } finally {
      try {
        child.p.kill("SIGKILL");
      } catch { /* dead already */ }
    }
    const dead = new SqliteStore(db);
    const before = dead.query<{ n: number }>("SELECT count(*) AS n FROM decisions")[0].n;
    dead.close();
    expect(before).toBeGreaterThan(0);
    expect(before).toBeLessThan(N);

    const again = testServer({ db, start: DAY_START });
    try {
      await again.driver.catchUp();
      expect(again.driver.owing).toBe(false);
      const rows = again.store.query<{ customer: string; message: string; time: number; status: string }>("SELECT customer, message, time, status FROM decisions");
      expect(rows.length).toBe(N);
      expect(new Set(rows.map((r) => r.customer)).size).toBe(N);
      expect(rows.every((r) => r.message === "news" && r.time === DAY_START && r.status === "sent")).toBe(true);
      // one message a customer, each under its own key: no repeat (`#1`) of a key sent before the kill
      const keys = again.store.query<{ key: string }>("SELECT key FROM outbox").map((r) => r.key);
      expect(keys.length).toBe(N);
      expect(keys.filter((k) => k.includes("#"))).toEqual([]);
    } finally {
      await again.stop();
    }
  });
});

/**
 * SQLite refuses the event with this id (a trigger) after ≈ 0.45 s of work, as a slow disk's failing
 * commit would: the main thread's next turn comes while the writer thread is still at it.
 */
function refuseSlowly(path: string, idem: string): void {
  const db = new DatabaseSync(path);
  db.exec(`CREATE TABLE slow (n INTEGER); WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 4000) INSERT INTO slow SELECT n FROM r;
    CREATE TRIGGER boom BEFORE INSERT ON events WHEN NEW.idem = '${idem}'
    BEGIN SELECT RAISE(ABORT, 'refused by the test') FROM (SELECT count(*) FROM slow a, slow b WHERE a.n + b.n < 0); END`);
  db.close();
}
