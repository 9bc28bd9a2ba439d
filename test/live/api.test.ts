/**
 * The live API against a real server over HTTP and a real SQLite file: authentication and roles, input
 * errors (400 with the field, 413, 415), the plan lifecycle with four eyes and the audit log, events
 * with idempotency ids, customers in JSON and CSV, GDPR erasure, opt-outs cancelling pending messages,
 * contacts made outside the plan counting in pressure, the control group, timers across a restart and
 * replacing a live plan mid-journey.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { at, promote, serversStoppedAfterEach, T0, tempDb, type TestServer } from "./live-helpers.ts";


const PLAN = `name: live test
timezone: "+00:00"
channels:
  email: {}
  sms: { window: always }
pressure:
  exempt: { categories: [transactional] }
  rules:
    - name: one-a-day
      cap: 1
      window: 24h
programs:
  - id: welcome
    type: journey
    trigger: { event: signup }
    exitOn: [purchase]
    steps:
      - wait: 2d
      - send: { channel: email, message: welcome, category: relational }
  - id: receipt
    type: journey
    trigger: { event: purchase }
    reentry: always
    steps:
      - send: { channel: email, message: receipt, category: transactional }
`;

const server = serversStoppedAfterEach(T0);

const customer = (id: string, extra: Record<string, unknown> = {}) => ({ id, signup: at(0), consents: ["email", "sms"], ...extra });

describe("authentication and input errors", () => {
  it("answers 401 without a key, 403 for a role that may not, naming the roles that may", async () => {
    const s = server();
    const none = await s.api("GET", "/v1/plans", undefined, { key: "" });
    expect(none.status).toBe(401);
    expect(none.body.error).toContain("Authorization: Bearer <key>");
    expect((await s.api("GET", "/v1/plans", undefined, { key: "cad_000000000000_" + "x".repeat(32) })).body.error).toBe("unknown or revoked API key");
    const wrong = await s.api("POST", "/v1/events", { id: "e1", customer: "C1", type: "visit" }, { key: s.keys.analyst });
    expect(wrong.status).toBe(403);
    expect(wrong.body.error).toBe("this key's role is analyst; POST /v1/events needs ingest or admin");
  });

  it("refuses an event that could do nothing, or that has not happened yet by the server's clock", async () => {
    const s = server();
    // an unsubscribe or a complaint without its channel (or message) was accepted and changed nothing
    for (const type of ["unsubscribed", "complained", "bounced"]) {
      const r = await s.api("POST", "/v1/events", { events: [{ id: `f-${type}`, customer: "C1", type }] });
      expect(r.status, type).toBe(400);
      expect(r.body.problems[0], type).toMatchObject({ path: "body.events[0].channel", message: expect.stringContaining(`'${type}' needs the channel it concerns`) });
    }
    const contact = await s.api("POST", "/v1/events", { id: "f-contact", customer: "C1", type: "contact" });
    expect(contact.body.problems[0]).toMatchObject({ path: "body.channel", message: expect.stringContaining("a contact made outside the plan needs its channel") });
    expect((await s.api("POST", "/v1/events", { id: "f-ok", customer: "C1", type: "unsubscribed", channel: "email" })).status).toBe(200);
    // a manual clock is driven by its events (replays); a system clock refuses a time ahead of it (a sender's
    // clock a year fast moved the engine there: every pending wait fired at once)
    const live = server({ clock: "system" });
    const now = Date.now(), at = (ms: number) => new Date(now + ms).toISOString();
    const ahead = await live.api("POST", "/v1/events", { events: [{ id: "t-ok", customer: "C1", type: "visit", time: at(5 * 60_000) }, { id: "t-far", customer: "C1", type: "visit", time: at(366 * 86_400_000) }] });
    expect(ahead.status).toBe(400);
    expect(ahead.body.problems).toEqual([{ path: "body.events[1].time", message: expect.stringContaining("is ahead of the server's clock") }]);
    expect((await live.api("POST", "/v1/events", { id: "t-ok", customer: "C1", type: "visit", time: at(5 * 60_000) })).status).toBe(200);
    expect(live.store.eventCount()).toBe(1); // nothing of the refused batch was stored
  });

  it("refuses feedback or a purchase naming a program or message the live plan lacks, and a contact of a category it lacks, naming the valid ones", async () => {
    const s = server();
    const post = async (e: Record<string, unknown>) => (await s.api("POST", "/v1/events", { id: "e1", customer: "X", ...e }, { key: s.keys.ingest })).body;
    // without a plan the events are only stored: there are no programs to check a name against
    expect(await post({ type: "unsubscribed", program: "welkome" })).toMatchObject({ accepted: 1 });
    await promote(s, PLAN);
    const refused = [
      [{ id: "e2", type: "unsubscribed", program: "welkome" }, "body.program: unknown program 'welkome'; did you mean 'welcome'? the live plan's programs are welcome, receipt"],
      [{ id: "e3", type: "bounced", program: "Receipt" }, "body.program: unknown program 'Receipt'; did you mean 'receipt'? the live plan's programs are welcome, receipt"],
      [{ id: "e4", type: "complained", program: "receipt", message: "typo" }, "body.message: program 'receipt' has no message 'typo'; its messages are receipt"],
      [{ id: "e5", type: "purchase", value: 5, program: "newsletter" }, "body.program: unknown program 'newsletter'; the live plan's programs are welcome, receipt"],
      [{ id: "e6", type: "opened", message: "welcome" }, "body.program: message 'welcome' needs the program it belongs to"],
      [{ id: "e7", type: "contact", channel: "email", category: "nonsense-cat" }, "body.category: unknown category 'nonsense-cat'; the live plan's categories are transactional, relational, promotional"],
    ] as const;
    for (const [e, error] of refused) expect(await post(e), e.id).toEqual({ error, problems: [{ path: error.split(":")[0], message: error.slice(error.indexOf(": ") + 2) }] });
    expect(s.store.query("SELECT idem FROM events")).toEqual([{ idem: "e1" }]);
    // the names the plan has are taken, and act: the unsubscribe answering a welcome withdraws the e-mail consent
    await s.api("POST", "/v1/customers", { customers: [customer("C1")] }, { key: s.keys.ingest });
    const ok = await s.api("POST", "/v1/events", { events: [
      { id: "k1", customer: "C1", type: "unsubscribed", program: "welcome", message: "welcome" },
      { id: "k2", customer: "C1", type: "contact", channel: "sms", category: "relational" },
      { id: "k3", customer: "C1", type: "purchase", value: 5, program: "receipt" },
    ] }, { key: s.keys.ingest });
    expect(ok.body).toMatchObject({ accepted: 3 });
    expect((await s.api("GET", "/v1/customers/C1", undefined, { key: s.keys.analyst })).body.profile.consents).toEqual(["sms"]);
  });

  it("revokes a key: refused at once, the others unaffected; only an admin revokes; an unknown id is a 404", async () => {
    const s = server();
    const made = await s.api("POST", "/v1/keys", { role: "ingest", name: "leaked" }, { key: s.keys.admin });
    expect(made.status).toBe(201);
    const leaked = made.body.key, id = made.body.id;
    expect((await s.api("POST", "/v1/events", { id: "r1", customer: "C1", type: "visit" }, { key: leaked })).status).toBe(200);
    expect((await s.api("DELETE", `/v1/keys/${id}`, undefined, { key: s.keys.operator })).status).toBe(403);
    const revoked = await s.api("DELETE", `/v1/keys/${id}`, undefined, { key: s.keys.admin });
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ id, role: "ingest", name: "leaked", revoked: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/) });
    // refused at once, although the server had just found it (it keeps found keys a few seconds)
    const after = await s.api("POST", "/v1/events", { id: "r2", customer: "C1", type: "visit" }, { key: leaked });
    expect([after.status, after.body.error]).toEqual([401, "unknown or revoked API key"]);
    expect((await s.api("POST", "/v1/events", { id: "r3", customer: "C1", type: "visit" }, { key: s.keys.ingest })).status).toBe(200);
    expect((await s.api("DELETE", `/v1/keys/${id}`, undefined, { key: s.keys.admin })).body.revoked).toBe(revoked.body.revoked); // once
    expect((await s.api("DELETE", "/v1/keys/000000000000", undefined, { key: s.keys.admin })).status).toBe(404);
    expect((await s.api("DELETE", "/v1/keys/nope", undefined, { key: s.keys.admin })).body.problems[0].path).toBe("param.id");
  });

  it("names the field and what is valid (400), refuses other content types (415) and big bodies (413)", async () => {
    const s = server();
    const bad = await s.api("POST", "/v1/events", { events: [{ id: "e1", customer: "C1", type: "visit" }, { id: "e2", customer: "C1", type: "purchse" }] });
    expect(bad.status).toBe(400);
    expect(bad.body.problems[0].path).toBe("body.events[1].type");
    expect(bad.body.problems[0].message).toContain('"purchase"');
    const many = await s.api("POST", "/v1/events", { events: Array.from({ length: 1001 }, (_, i) => ({ id: `e${i}`, customer: "C1", type: "visit" })) });
    expect(many.status).toBe(400);
    expect(many.body.problems[0].path).toBe("body.events");
    expect(many.body.problems[0].message).toContain("1000");
    // times that match the layout but do not exist: refused (a day past its month's end used to be taken as
    // the next month's, and an offset out of range left the event without a time)
    // and a year that overflowed the engine's minutes (a visit "in 9999" was stored as 1833, and the manual clock jumped there)
    for (const time of ["2026-02-30T10:00:00Z", "2026-01-05T10:00:00+99:00", "9999-12-31T23:59:00Z"]) {
      const r = await s.api("POST", "/v1/events", { events: [{ id: "t1", customer: "C1", type: "visit", time }] });
      expect(r.status, time).toBe(400);
      expect(r.body.problems, time).toEqual([{ path: "body.events[0].time", message: expect.stringContaining("does not exist") }]);
    }
    const badSignup = await s.api("POST", "/v1/customers", "id,signup\nC5,2026-04-31\n", { key: s.keys.ingest, type: "text/csv" });
    expect(badSignup.status).toBe(400);
    expect(badSignup.body.problems[0]).toMatchObject({ path: "customers.csv:2: signup", message: expect.stringContaining("does not exist") });
    // a misspelt filter was ignored and the whole list came back; an unknown field said "Unrecognized key" at the body's root
    const misspelt = await s.api("GET", "/v1/outbox?state=unknown", undefined, { key: s.keys.operator });
    expect([misspelt.status, misspelt.body.problems]).toEqual([400, [{ path: "query.state", message: "unknown parameter; /v1/openapi.json lists this route's parameters" }]]);
    const field = await s.api("POST", "/v1/events", { events: [{ id: "u1", customer: "C1", type: "visit", tme: "2026-01-05" }] });
    expect(field.body.problems).toEqual([{ path: "body.events[0].tme", message: "unknown field; /v1/openapi.json lists this route's fields" }]);
    const query = await s.api("GET", "/v1/outbox?limit=0");
    expect(query.status).toBe(400);
    expect(query.body.problems[0].path).toBe("query.limit");
    const text = await s.api("POST", "/v1/events", "id=1", { type: "text/plain" });
    expect(text.status).toBe(415);
    expect(text.body.error).toBe("Content-Type 'text/plain'; POST /v1/events takes application/json");
    const big = await s.api("POST", "/v1/events", { id: "e1", customer: "C1", type: "visit", message: "x".repeat(5 << 20) });
    expect(big.status).toBe(413);
    // nothing of the refused requests was stored
    expect(s.store.eventCount()).toBe(0);
  });

  it("returns a plan's problems with their line numbers", async () => {
    const s = server();
    const r = await s.api("POST", "/v1/plans", "name: x\nprograms:\n  - id: a\n    type: journey\n    trigger: { event: signup }\n    steps:\n      - send: { channel: fax, message: m }\n", { type: "application/yaml" });
    expect(r.status).toBe(400);
    expect(r.body.problems[0]).toEqual({ path: "programs[0].steps[0].send.channel", line: 7, message: "expected one of email, sms, push, mail or call, got string \"fax\"" });
    expect(r.body.error).toMatch(/^plan:7: programs\[0\]\.steps\[0\]\.send\.channel: /);
  });

  it("describes every route in /v1/openapi.json from the validating schemas", async () => {
    const s = server();
    const doc = (await s.api("GET", "/v1/openapi.json", undefined, { key: "" })).body;
    for (const p of ["/v1/events", "/v1/customers", "/v1/customers/{id}", "/v1/plans", "/v1/plans/{id}/approve", "/v1/outbox", "/v1/metrics/live", "/v1/plans/{id}/forecast-vs-actual", "/v1/keys/{id}", "/healthz", "/readyz"]) {
      expect(Object.keys(doc.paths)).toContain(p);
    }
    expect(doc.components.schemas.Event.properties.type.enum).toContain("contact");
    expect(doc.components.schemas.EventBatch).toBeDefined();
  });
});

describe("plan lifecycle", () => {
  it("forecasts on a history config only from the server's histories folder, never a path of the caller's choosing", async () => {
    const folder = mkdtempSync(join(tmpdir(), "cadence-histories-"));
    const rows = Array.from({ length: 60 }, (_, i) => `C${i % 20},2025-${String(1 + (i % 12)).padStart(2, "0")}-${String(1 + (i % 27)).padStart(2, "0")},${10 + i}`);
    writeFileSync(join(folder, "tx.csv"), `customer,date,amount\n${rows.join("\n")}\n`);
    writeFileSync(join(folder, "shop.yaml"), "currency: EUR\ncalibrationEnd: 2025-12-31\ntransactions:\n  file: tx.csv\n  dateFormat: YYYY-MM-DD\n  columns: { customer: customer, date: date, amount: amount }\n");
    const forecast = async (s: TestServer, population: string) => {
      const id = (await s.api("POST", "/v1/plans", PLAN, { key: s.keys.analyst, type: "application/yaml" })).body.id;
      return s.api("POST", `/v1/plans/${id}/forecast`, { customers: 100, days: 7, replications: 2, population }, { key: s.keys.analyst });
    };
    const plain = server(); // started without --histories: synthetic forecasts only
    const none = await forecast(plain, "history:shop.yaml");
    expect(none.status).toBe(400);
    expect(none.body.error).toContain("start it with --histories DIR");
    const s = server({ histories: folder });
    {
      // a path out of the folder is refused by the schema (it used to read any file the server could: /etc/passwd's first line answered "expected a mapping")
      for (const population of ["history:/etc/passwd", "history:../etc/passwd", "history:shop/../../x.yaml"]) {
        const r = await forecast(s, population);
        expect(r.status, population).toBe(400);
        expect(r.body.problems?.[0]?.path, population).toBe("body.population");
      }
      const ok = await forecast(s, "history:shop.yaml");
      expect(ok.status).toBe(200);
      expect(ok.body.forecast.population).toBe("history:shop.yaml");
      expect(ok.body.forecast.customers).toBe(20); // the history's own customers
    }
  });

  it("needs a forecast to approve, another key to approve, an approved plan to promote; logs who did what", async () => {
    const s = server();
    const up = await s.api("POST", "/v1/plans", PLAN, { key: s.keys.analyst, type: "application/yaml" });
    expect(up.status).toBe(201);
    const id = up.body.id;
    expect((await s.api("POST", `/v1/plans/${id}/approve`, undefined, { key: s.keys.approver })).body.error).toContain("has no forecast");
    expect((await s.api("POST", `/v1/plans/${id}/promote`, undefined, { key: s.keys.operator })).status).toBe(409);
    const f = await s.api("POST", `/v1/plans/${id}/forecast`, { customers: 200, days: 14, replications: 2 }, { key: s.keys.analyst });
    expect(f.status).toBe(200);
    expect(f.body.state).toBe("simulated");
    expect(f.body.forecast.metrics.contacts.lo).toBeLessThanOrEqual(f.body.forecast.metrics.contacts.mean);
    // four eyes: an admin who uploaded cannot approve their own plan
    const own = await s.api("POST", "/v1/plans", PLAN, { type: "application/yaml" });
    await s.api("POST", `/v1/plans/${own.body.id}/forecast`, { customers: 200, days: 7, replications: 2 });
    const self = await s.api("POST", `/v1/plans/${own.body.id}/approve`);
    expect(self.status).toBe(403);
    expect(self.body.error).toContain("four eyes");
    expect((await s.api("POST", `/v1/plans/${id}/approve`, undefined, { key: s.keys.approver })).body.state).toBe("approved");
    const live = await s.api("POST", `/v1/plans/${id}/promote`, undefined, { key: s.keys.operator });
    expect(live.body).toMatchObject({ state: "live", engine: "0.1.0", hash: up.body.hash, promoted: at(0).replace(".000Z", "Z") });
    expect((await s.api("POST", `/v1/plans/${id}/pause`, undefined, { key: s.keys.operator })).body.state).toBe("paused");
    expect((await s.api("POST", `/v1/plans/${id}/resume`, undefined, { key: s.keys.operator })).body.state).toBe("live");
    expect((await s.api("GET", "/readyz", undefined, { key: "" })).body.plan).toMatchObject({ id, state: "live", hash: up.body.hash });
    const audit = (await s.api("GET", "/v1/audit", undefined, { key: s.keys.operator })).body.entries.filter((e: { target: string }) => e.target === `plan ${id}`);
    expect(audit.map((e: { action: string }) => e.action)).toEqual(["plan.upload", "plan.forecast", "plan.approve", "plan.promote", "plan.pause", "plan.resume"]);
    expect(audit[2].actor).not.toBe(audit[0].actor);
  });
});

describe("events and customers", () => {
  it("processes an idempotency id once, and a 2xx means the events and their decisions are stored", async () => {
    const s = server();
    await promote(s, PLAN);
    const e = { id: "order-1", customer: "C1", type: "purchase", time: at(1), value: 40 };
    expect((await s.api("POST", "/v1/events", { events: [e, e] }, { key: s.keys.ingest })).body).toMatchObject({ accepted: 1, duplicates: 1 });
    expect((await s.api("POST", "/v1/events", e, { key: s.keys.ingest })).body).toMatchObject({ accepted: 0, duplicates: 1 });
    const state = (await s.api("GET", "/v1/customers/C1", undefined, { key: s.keys.analyst })).body;
    expect(state.profile).toMatchObject({ orders: 1, revenue: 40 });
    // the receipt is transactional: the customer has no e-mail consent but a reachable address
    const outbox = (await s.api("GET", "/v1/outbox", undefined, { key: s.keys.ingest })).body.messages;
    expect(outbox.map((m: { message: string; state: string }) => `${m.message}:${m.state}`)).toEqual(["receipt:pending"]);
  });

  it("upserts customers from CSV and names the line of a bad row", async () => {
    const s = server();
    const csv = "id,timezone,signup,consents,orders,revenue,birthday\nC1,+01:00,2026-01-10,email|sms,2,80.5,03-14\nC2,0,2026-02-01,,0,0,\n";
    expect((await s.api("POST", "/v1/customers", csv, { key: s.keys.ingest, type: "text/csv" })).body).toEqual({ created: 2, updated: 0 });
    const c1 = (await s.api("GET", "/v1/customers/C1", undefined, { key: s.keys.analyst })).body.profile;
    expect(c1).toMatchObject({ timezone: 60, consents: ["email", "sms"], orders: 2, revenue: 80.5, birthday: "03-14", signup: "2026-01-10T00:00:00Z" });
    const bad = await s.api("POST", "/v1/customers", "id,consents\nC3,email\nC4,emial\n", { key: s.keys.ingest, type: "text/csv" });
    expect(bad.status).toBe(400);
    expect(bad.body.problems[0].path).toBe("customers.csv:3: consents.0");
    // a birthday that is no calendar day (13-45 was read as January 1st, 04-31 as April 30th); 02-29 is one
    for (const birthday of ["13-45", "00-10", "04-31", "02-30", "06-00"]) {
      const r = await s.api("POST", "/v1/customers", `id,birthday\nC7,${birthday}\n`, { key: s.keys.ingest, type: "text/csv" });
      expect(r.status, birthday).toBe(400);
      expect(r.body.problems[0], birthday).toMatchObject({ path: "customers.csv:2: birthday", message: expect.stringContaining("MM-DD") });
    }
    expect((await s.api("POST", "/v1/customers", "id,birthday\nC7,02-29\n", { key: s.keys.ingest, type: "text/csv" })).status).toBe(200);
    // and is kept: it read back as 02-28 (and fired on the 28th in leap years)
    expect((await s.api("GET", "/v1/customers/C7", undefined, { key: s.keys.analyst })).body.profile.birthday).toBe("02-29");
    // an offset beyond the world's (±14:00) was taken as written when given as text (+99:99: 4 days ahead)
    for (const timezone of ["+99:99", "-15:00", "+01:75"]) {
      const r = await s.api("POST", "/v1/customers", `id,timezone\nC8,${timezone}\n`, { key: s.keys.ingest, type: "text/csv" });
      expect(r.status, timezone).toBe(400);
      expect(r.body.problems[0], timezone).toMatchObject({ path: "customers.csv:2: timezone", message: expect.stringContaining("-14:00 to +14:00") });
    }
    expect((await s.api("POST", "/v1/customers", "id,timezone\nC8,-09:30\n", { key: s.keys.ingest, type: "text/csv" })).status).toBe(200);
    // an empty file was "unknown column ''", a header alone "body.customers: Too small"
    expect((await s.api("POST", "/v1/customers", "", { key: s.keys.ingest, type: "text/csv" })).body.error).toBe("customers.csv: empty; expected a header line naming the columns, id first (such as id,timezone,signup,consents), then one customer per line");
    expect((await s.api("POST", "/v1/customers", "id,timezone\n", { key: s.keys.ingest, type: "text/csv" })).body.error).toBe("customers.csv: no customer after the header line; one per line, such as C0001,+01:00");
    const col = await s.api("POST", "/v1/customers", "id,signp\nC3,2026-01-01\n", { key: s.keys.ingest, type: "text/csv" });
    expect(col.body.error).toContain("customers.csv:1: unknown column 'signp'; did you mean 'signup'?");
  });

  it("erases a customer: profile, events, timers and messages gone; the log keeps no id", async () => {
    const s = server();
    await promote(s, PLAN);
    await s.api("POST", "/v1/customers", { customers: [customer("C9")] }, { key: s.keys.ingest });
    await s.api("POST", "/v1/events", { id: "s9", customer: "C9", type: "signup", time: at(1) }, { key: s.keys.ingest });
    expect(s.driver.timers.of("C9").length).toBeGreaterThan(0);
    expect((await s.api("DELETE", "/v1/customers/C9", undefined, { key: s.keys.operator })).body).toEqual({ erased: true });
    expect((await s.api("GET", "/v1/customers/C9", undefined, { key: s.keys.analyst })).status).toBe(404);
    expect(s.driver.timers.of("C9")).toEqual([]);
    expect(s.store.query("SELECT count(*) AS n FROM events WHERE customer = 'C9'")).toEqual([{ n: 0 }]);
    const audit = JSON.stringify(s.store.auditLog(0, 100));
    expect(audit).toContain("customer.erase");
    expect(audit).not.toContain("C9");
  });

  it("an unsubscribe or complaint cancels the channel's undelivered marketing, never a transactional message; a hard bounce cancels both", async () => {
    const s = server();
    await promote(s, PLAN);
    const ingest = { key: s.keys.ingest };
    await s.api("POST", "/v1/customers", { customers: [customer("C1"), customer("C2")] }, ingest);
    for (const c of ["C1", "C2"]) await s.api("POST", "/v1/events", { id: `s-${c}`, customer: c, type: "signup", time: at(0) }, ingest);
    await s.api("POST", "/v1/clock", { now: at(48) }); // the welcomes (relational: they need the opt-in) go after 2 days
    for (const c of ["C1", "C2"]) await s.api("POST", "/v1/events", { id: `p-${c}`, customer: c, type: "purchase", time: at(49), value: 10 }, ingest);
    const messages = async () =>
      ((await s.api("GET", "/v1/outbox", undefined, ingest)).body.messages as { id: number; customer: string; message: string; state: string; lastError: string }[])
        .map((m) => `${m.customer} ${m.message} ${m.state}${m.lastError ? ` (${m.lastError})` : ""}`);
    expect(await messages()).toEqual(["C1 welcome pending", "C2 welcome pending", "C1 receipt pending", "C2 receipt pending"]);
    // C1's receipt is being POSTed to a receiver that hangs when the unsubscribe comes: it went on 'sending' → 'cancelled'
    const receipt = (await s.api("GET", "/v1/outbox", undefined, ingest)).body.messages[2].id;
    s.store.markSending([receipt]);
    await s.api("POST", "/v1/events", { id: "u1", customer: "C1", type: "unsubscribed", channel: "email", time: at(50) }, ingest);
    await s.api("POST", "/v1/events", { id: "c2", customer: "C2", type: "complained", channel: "email", time: at(50) }, ingest);
    expect(await messages()).toEqual(["C1 welcome cancelled (opted out)", "C2 welcome cancelled (opted out)", "C1 receipt sending", "C2 receipt pending"]);
    expect((await s.api("GET", "/v1/customers/C1", undefined, { key: s.keys.analyst })).body.profile.consents).toEqual(["sms"]);
    // a later order still gets its receipt (the core decides it: it needs only the address)
    await s.api("POST", "/v1/events", { id: "p2-C1", customer: "C1", type: "purchase", time: at(51), value: 5 }, ingest);
    expect((await messages()).at(-1)).toBe("C1 receipt pending");
    // a hard bounce: no address left, so no message of any category can go
    await s.api("POST", "/v1/events", { id: "b1", customer: "C1", type: "bounced", channel: "email", time: at(52) }, ingest);
    expect(await messages()).toEqual([
      "C1 welcome cancelled (opted out)", "C2 welcome cancelled (opted out)", "C1 receipt cancelled (hard bounce)", "C2 receipt pending", "C1 receipt cancelled (hard bounce)",
    ]);
  });

  it("a contact made outside the plan counts in the pressure rules like the plan's own", async () => {
    const s = server();
    await promote(s, PLAN);
    await s.api("POST", "/v1/customers", { customers: [customer("C1"), customer("C2")] }, { key: s.keys.ingest });
    for (const id of ["C1", "C2"]) await s.api("POST", "/v1/events", { id: `s-${id}`, customer: id, type: "signup", time: at(0) }, { key: s.keys.ingest });
    // C1 met a salesperson the evening before the welcome e-mail is due (48 h after signup)
    await s.api("POST", "/v1/events", { id: "meet", customer: "C1", type: "contact", channel: "call", category: "relational", time: at(40) }, { key: s.keys.ingest });
    await s.api("POST", "/v1/clock", { now: at(49) });
    const d = (await s.api("GET", "/v1/decisions", undefined, { key: s.keys.analyst })).body.decisions;
    expect(d.map((x: { customer: string; status: string; rule: string }) => `${x.customer}:${x.status}:${x.rule}`).sort()).toEqual(["C1:suppressed:one-a-day", "C2:sent:"]);
    // the customer's state says why, in the words of simulate --out's why column and cadence explain
    const state = (await s.api("GET", "/v1/customers/C1", undefined, { key: s.keys.analyst })).body;
    const stopped = state.decisions.find((x: { status: string }) => x.status === "suppressed");
    expect(stopped.why).toBe("one-a-day: 1 counted contact in (T−1d, T] ≥ cap 1: outside the plan (call) 03-03");
  });
});

describe("custom channels", () => {
  const CUSTOM = PLAN.replace("  sms: { window: always }\n", "  sms: { window: always }\n  in_app: { consent: attr.app_user, like: push, window: always }\n") + `  - id: cart
    type: journey
    trigger: { event: cart_abandoned }
    reentry: always
    steps:
      - send: { channel: in_app, message: cart-nudge, category: promotional }
`;

  it("takes consent from the customer's attribute, delivers to the outbox under the channel's name, and names it in feedback", async () => {
    const s = server();
    await promote(s, CUSTOM); // its forecast simulates the custom channel too
    const customers = [customer("C1", { attributes: { app_user: true } }), customer("C2", { attributes: { app_user: false } }), customer("C3")];
    expect((await s.api("POST", "/v1/customers", { customers }, { key: s.keys.ingest })).status).toBe(200);
    const cart = (id: string, h: number) => ({ id: `cart-${id}-${h}`, customer: id, type: "cart_abandoned", time: at(h) });
    await s.api("POST", "/v1/events", { events: ["C1", "C2", "C3"].map((id) => cart(id, 1)) }, { key: s.keys.ingest });
    const outbox = async () => (await s.api("GET", "/v1/outbox", undefined, { key: s.keys.ingest })).body.messages.map((m: { customer: string; channel: string; message: string; state: string }) => `${m.customer}:${m.channel}:${m.message}:${m.state}`);
    expect(await outbox()).toEqual(["C1:in_app:cart-nudge:pending"]);
    const d = (await s.api("GET", "/v1/decisions", undefined, { key: s.keys.analyst })).body.decisions;
    expect(d.map((x: { customer: string; channel: string; status: string; rule: string }) => `${x.customer}:${x.channel}:${x.status}:${x.rule}`).sort())
      .toEqual(["C1:in_app:sent:", "C2:in_app:suppressed:consent", "C3:in_app:suppressed:consent"]);
    const profile = async (id: string) => (await s.api("GET", `/v1/customers/${id}`, undefined, { key: s.keys.analyst })).body.profile;
    expect(await profile("C1")).toMatchObject({ consents: ["email", "sms", "in_app"], attributes: { app_user: true } });
    // the stored row keeps the custom channel by name, so it outlives the plan's channel indices
    const row = JSON.parse((s.store.query("SELECT state FROM customers WHERE id = 'C1'") as { state: string }[])[0].state);
    expect(row.channels).toEqual({ in_app: 7 });

    // feedback names the channel; a channel the live plan lacks is refused with the field and a hint
    const bad = await s.api("POST", "/v1/events", { id: "u0", customer: "C1", type: "unsubscribed", channel: "in_ap", time: at(2) }, { key: s.keys.ingest });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe("body.channel: unknown channel 'in_ap'; did you mean 'in_app'? the live plan's channels are email, sms, push, mail, call, in_app");
    expect((await s.api("POST", "/v1/events", { id: "u1", customer: "C1", type: "unsubscribed", channel: "in_app", time: at(2) }, { key: s.keys.ingest })).status).toBe(200);
    expect((await profile("C1")).consents).toEqual(["email", "sms"]);
    expect(await outbox()).toEqual(["C1:in_app:cart-nudge:cancelled"]);

    // consents list the built-in channels; a custom channel's is its attribute, and saying so is the error
    const wrong = await s.api("POST", "/v1/customers", { customers: [{ id: "C2", consents: ["in_app"] }] }, { key: s.keys.ingest });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toMatch(/^body\.customers\[0\]\.consents\[0\]: expected a built-in channel: email, sms, push, mail, call; a custom channel's consent comes from the attribute its plan names \(attributes\)/);
    // C2 installs the app: the attribute's new value is the consent
    await s.api("POST", "/v1/customers", { customers: [{ id: "C2", attributes: { app_user: true } }] }, { key: s.keys.ingest });
    await s.api("POST", "/v1/events", { events: [cart("C1", 3), cart("C2", 3)] }, { key: s.keys.ingest });
    expect((await outbox()).sort()).toEqual(["C1:in_app:cart-nudge:cancelled", "C2:in_app:cart-nudge:pending"]);
  });
});

describe("timers and control group", () => {
  it("a timer that stores one due before the rest of its batch lets that one fire first, at its own time", async () => {
    const s = server();
    await promote(s, `name: windowed
timezone: "+00:00"
channels:
  email: { window: "07:00-22:00" }
programs:
  - id: welcome
    type: journey
    trigger: { event: signup }
    steps:
      - wait: 1d
      - send: { channel: email, message: welcome, category: relational }
`);
    await s.api("POST", "/v1/customers", { customers: [customer("A", { timezone: 0 }), customer("B", { timezone: 0 })] }, { key: s.keys.ingest });
    // A's wait ends at 06:41 next day, before the window: held until 07:00; B's ends at 07:15, in the same timer batch
    await s.api("POST", "/v1/events", { id: "sa", customer: "A", type: "signup", time: at(6 + 41 / 60) }, { key: s.keys.ingest });
    await s.api("POST", "/v1/events", { id: "sb", customer: "B", type: "signup", time: at(7.25) }, { key: s.keys.ingest });
    await s.api("POST", "/v1/clock", { now: at(24 + 8) });
    const d = (await s.api("GET", "/v1/decisions", undefined, { key: s.keys.analyst })).body.decisions;
    expect(d.map((x: { customer: string; status: string; time: string }) => `${x.customer}:${x.status}:${x.time.slice(11, 16)}`).sort())
      .toEqual(["A:delayed:06:41", "A:sent:07:00", "B:sent:07:15"]); // A's was sent at 07:15 when the batch ran on
  });

  it("a wait stored before a restart fires once after it", async () => {
    const db = tempDb();
    const a = server({ db });
    await promote(a, PLAN);
    await a.api("POST", "/v1/customers", { customers: [customer("C1")] }, { key: a.keys.ingest });
    await a.api("POST", "/v1/events", { id: "s1", customer: "C1", type: "signup", time: at(0) }, { key: a.keys.ingest });
    await a.stop();
    const b = server({ db });
    expect((await b.api("POST", "/v1/clock", { now: at(47) })).body.fired).toBe(0);
    expect((await b.api("POST", "/v1/clock", { now: at(49) })).body.fired).toBe(1);
    await b.api("POST", "/v1/clock", { now: at(100) });
    expect(b.store.query("SELECT message, state FROM outbox")).toEqual([{ message: "welcome", state: "pending" }]);
  });

  it("keeps the control group from marketing messages, not from transactional ones; membership is stable", async () => {
    const db = tempDb();
    const s = server({ db, control: { share: 0.5, salt: "s1" } });
    await promote(s, PLAN);
    const ids = Array.from({ length: 40 }, (_, i) => `K${i}`);
    await s.api("POST", "/v1/customers", { customers: ids.map((id) => customer(id)) }, { key: s.keys.ingest });
    await s.api("POST", "/v1/events", { events: ids.flatMap((id) => [{ id: `s${id}`, customer: id, type: "signup", time: at(0) }, { id: `p${id}`, customer: id, type: "purchase", time: at(72), value: 5 }]) }, { key: s.keys.ingest });
    await s.api("POST", "/v1/clock", { now: at(80) });
    const rows = s.store.query<{ customer: string; message: string; status: string; rule: string; control: number }>("SELECT customer, message, status, rule, control FROM decisions");
    const control = new Set(rows.filter((r) => r.control).map((r) => r.customer));
    expect(control.size).toBeGreaterThan(8);
    expect(control.size).toBeLessThan(32);
    for (const r of rows) {
      if (r.message === "receipt") expect(r.status).toBe("sent");
      else expect(`${r.status}:${r.rule}`).toBe(control.has(r.customer) ? "holdout:control-group" : "sent:");
    }
    const m = (await s.api("GET", "/v1/metrics/live", undefined, { key: s.keys.analyst })).body;
    expect(m.total.control.customers).toBe(control.size);
    expect(m.total.treated.sends).toBe(rows.filter((r) => r.status === "sent" && !r.control).length);
    await s.stop();
    const again = server({ db, control: { share: 0.5, salt: "s1" } });
    const state = await Promise.all(ids.map(async (id) => (await again.api("GET", `/v1/customers/${id}`, undefined, { key: again.keys.analyst })).body.controlGroup));
    expect(new Set(ids.filter((_, i) => state[i]))).toEqual(control);
  });

  it("a message withheld from a control customer leaves no contact in their pressure ledger", async () => {
    const s = server({ control: { share: 0.5, salt: "s1" } });
    await promote(s, PLAN);
    const ids = Array.from({ length: 12 }, (_, i) => `K${i}`);
    await s.api("POST", "/v1/customers", { customers: ids.map((id) => customer(id)) }, { key: s.keys.ingest });
    await s.api("POST", "/v1/events", { events: ids.map((id) => ({ id: `s${id}`, customer: id, type: "signup", time: at(0) })) }, { key: s.keys.ingest });
    await s.api("POST", "/v1/clock", { now: at(49) });
    const ledgers = await Promise.all(ids.map(async (id) => (await s.api("GET", `/v1/customers/${id}`, undefined, { key: s.keys.analyst })).body));
    const inControl = ledgers.filter((x) => x.controlGroup), treated = ledgers.filter((x) => !x.controlGroup);
    expect(inControl.length).toBeGreaterThan(0);
    expect(treated.length).toBeGreaterThan(0);
    for (const x of inControl) expect(x.ledger).toEqual([]);
    for (const x of treated) expect(x.ledger.map((l: { program: string }) => l.program)).toEqual(["welcome"]);
  });

  it("replacing a live plan: unchanged programs continue, removed ones end and their pending timers go", async () => {
    const s = server();
    const both = PLAN.replace("programs:\n", `programs:
  - id: nurture
    type: journey
    trigger: { event: signup }
    steps:
      - wait: 3d
      - send: { channel: sms, message: nurture, category: relational }
`);
    await promote(s, both);
    await s.api("POST", "/v1/customers", { customers: [customer("C1")] }, { key: s.keys.ingest });
    await s.api("POST", "/v1/events", { id: "s1", customer: "C1", type: "signup", time: at(0) }, { key: s.keys.ingest });
    expect(s.driver.timers.of("C1").length).toBe(2);
    await s.api("POST", "/v1/clock", { now: at(24) });
    await promote(s, PLAN); // nurture removed, welcome unchanged
    const state = (await s.api("GET", "/v1/customers/C1", undefined, { key: s.keys.analyst })).body;
    expect(state.journeys.map((j: { program: string }) => j.program)).toEqual(["welcome"]);
    await s.api("POST", "/v1/clock", { now: at(100) });
    expect(s.store.query("SELECT message FROM decisions")).toEqual([{ message: "welcome" }]);
    expect(s.store.listPlans().map((p) => p.state)).toEqual(["retired", "live"]);
  });
});

describe("time: late events and pause", () => {
  it("applies a late event at the engine's time, keeps its own time, and says it was late", async () => {
    const s = server();
    await promote(s, PLAN);
    await s.api("POST", "/v1/customers", { customers: [customer("C1")] }, { key: s.keys.ingest });
    await s.api("POST", "/v1/events", { id: "v1", customer: "C1", type: "visit", time: at(30) }, { key: s.keys.ingest });
    const late = await s.api("POST", "/v1/events", { id: "p0", customer: "C1", type: "purchase", value: 7, time: at(5) }, { key: s.keys.ingest });
    expect(late.body).toMatchObject({ accepted: 1, late: 1, results: [{ id: "p0", status: "accepted", late: true }] });
    expect(s.store.query("SELECT time, processed FROM events WHERE idem = 'p0'")).toEqual([{ time: T0 + 5 * 60, processed: T0 + 30 * 60 }]);
    const profile = (await s.api("GET", "/v1/customers/C1", undefined, { key: s.keys.analyst })).body.profile;
    expect(profile.lastPurchase).toBe(at(30).replace(".000Z", "Z"));
    // the receipt it caused goes out now, not in the past
    expect(s.store.query("SELECT message, time FROM decisions")).toEqual([{ message: "receipt", time: T0 + 30 * 60 }]);
  });

  it("a manual clock does not go back: an earlier time is refused (409) saying where the clock is; an older event leaves it where it is", async () => {
    const s = server();
    const iso = (h: number) => at(h).replace(".000Z", "Z");
    expect((await s.api("POST", "/v1/clock", { now: at(48) })).body).toEqual({ now: iso(48), fired: 0, campaignSends: 0 });
    const back = await s.api("POST", "/v1/clock", { now: at(24) });
    expect(back.status).toBe(409);
    expect(back.body).toEqual({
      error: "the clock cannot go back: it is at 2026-03-04T00:00:00Z, 2026-03-03T00:00:00Z is earlier; give a time from then on",
      problems: [{ path: "body.now", message: "earlier than the clock (2026-03-04T00:00:00Z)" }],
    });
    expect((await s.api("POST", "/v1/clock", { now: at(48) })).body).toEqual({ now: iso(48), fired: 0, campaignSends: 0 });
    expect((await s.api("POST", "/v1/events", { id: "v1", customer: "C1", type: "visit", time: at(10) }, { key: s.keys.ingest })).body).toMatchObject({ accepted: 1 });
    expect((await s.api("GET", "/readyz")).body.now).toBe(iso(48));
  });

  it("paused: an event changes the customer but starts, resumes or ends no journey and sends nothing; resumed, the plan reacts again", async () => {
    const s = server();
    const id = await promote(s, `name: pause test
timezone: "+00:00"
channels: { email: {}, sms: { window: always } }
programs:
  - { id: welcome, type: journey, trigger: { event: signup }, steps: [{ send: { channel: email, message: welcome, category: relational } }] }
  - { id: receipt, type: journey, trigger: { event: purchase }, reentry: always, steps: [{ send: { channel: email, message: receipt, category: transactional } }] }
  - { id: winback, type: journey, trigger: { event: inactive, days: 2 }, steps: [{ send: { channel: email, message: winback, category: promotional } }] }
`);
    const ingest = { key: s.keys.ingest }, analyst = { key: s.keys.analyst };
    await s.api("POST", "/v1/customers", { customers: [customer("C1")] }, ingest);
    await s.api("POST", `/v1/plans/${id}/pause`, undefined, { key: s.keys.operator });
    const paused = await s.api("POST", "/v1/events", { events: [
      { id: "s2", customer: "C2", type: "signup", time: at(1) },
      { id: "p1", customer: "C1", type: "purchase", value: 30, time: at(2) },
      { id: "u1", customer: "C1", type: "unsubscribed", channel: "sms", time: at(3) },
    ] }, ingest);
    expect(paused.body).toMatchObject({ accepted: 3 });
    // no welcome for the signup, no receipt for the order: nothing decided, nothing queued
    expect(s.store.query("SELECT count(*) AS n FROM decisions")).toEqual([{ n: 0 }]);
    expect(s.store.query("SELECT count(*) AS n FROM outbox")).toEqual([{ n: 0 }]);
    const c1 = (await s.api("GET", "/v1/customers/C1", undefined, analyst)).body;
    expect(c1.profile).toMatchObject({ orders: 1, revenue: 30, lastPurchase: at(2).replace(".000Z", "Z"), consents: ["email"] });
    expect(c1.journeys).toEqual([]);
    // the order restarts the customer's inactivity count: its check is stored, and fires only once resumed
    expect(c1.timers).toMatchObject([{ kind: "inactivity", time: at(50).replace(".000Z", "Z") }]);
    expect((await s.api("GET", "/v1/customers/C2", undefined, analyst)).body.journeys).toEqual([]);
    // a profile posted while paused gets its inactivity check too (it got none until the next promote)
    await s.api("POST", "/v1/customers", { customers: [customer("C3", { orders: 1, lastPurchase: at(4) })] }, ingest);
    expect((await s.api("GET", "/v1/customers/C3", undefined, analyst)).body.timers).toMatchObject([{ kind: "inactivity", time: at(52).replace(".000Z", "Z") }]);
    expect((await s.api("POST", "/v1/clock", { now: at(60) })).body.fired).toBe(0);
    await s.api("POST", `/v1/plans/${id}/resume`, undefined, { key: s.keys.operator });
    expect((await s.api("POST", "/v1/clock", { now: at(61) })).body.fired).toBe(0); // both fired at the resume
    await s.api("POST", "/v1/events", { id: "p2", customer: "C2", type: "purchase", value: 9, time: at(62) }, ingest);
    expect(s.store.query("SELECT customer, message, status, time FROM decisions ORDER BY id")).toEqual([
      { customer: "C1", message: "winback", status: "sent", time: T0 + 60 * 60 },
      { customer: "C3", message: "winback", status: "sent", time: T0 + 60 * 60 },
      { customer: "C2", message: "receipt", status: "sent", time: T0 + 62 * 60 },
    ]);
  });

  it("paused: a purchase still ends the journeys it is the goal of, so the resumed plan does not send their reminders (regression)", async () => {
    const s = server();
    const id = await promote(s, PLAN); // welcome: exitOn purchase, a 2-day wait, then the mail
    await s.api("POST", "/v1/customers", { customers: [customer("C1")] }, { key: s.keys.ingest });
    await s.api("POST", "/v1/events", { id: "s1", customer: "C1", type: "signup", time: at(0) }, { key: s.keys.ingest });
    await s.api("POST", `/v1/plans/${id}/pause`, undefined, { key: s.keys.operator });
    await s.api("POST", "/v1/events", { id: "p1", customer: "C1", type: "purchase", value: 20, time: at(10) }, { key: s.keys.ingest });
    expect((await s.api("GET", "/v1/customers/C1", undefined, { key: s.keys.analyst })).body.journeys).toEqual([]);
    await s.api("POST", "/v1/clock", { now: at(72) });
    await s.api("POST", `/v1/plans/${id}/resume`, undefined, { key: s.keys.operator });
    await s.api("POST", "/v1/clock", { now: at(100) });
    // the welcome's wait came due during the pause: it used to send the welcome at the resume
    expect(s.store.query("SELECT message FROM decisions")).toEqual([]);
  });

  it("paused: events update profiles, nothing fires; resumed: overdue waits fire at once", async () => {
    const s = server();
    const id = await promote(s, PLAN);
    await s.api("POST", "/v1/customers", { customers: [customer("C1")] }, { key: s.keys.ingest });
    await s.api("POST", "/v1/events", { id: "s1", customer: "C1", type: "signup", time: at(0) }, { key: s.keys.ingest });
    await s.api("POST", `/v1/plans/${id}/pause`, undefined, { key: s.keys.operator });
    await s.api("POST", "/v1/events", { id: "v1", customer: "C1", type: "visit", time: at(60) }, { key: s.keys.ingest });
    expect((await s.api("POST", "/v1/clock", { now: at(72) })).body.fired).toBe(0);
    expect(s.store.query("SELECT count(*) AS n FROM decisions")).toEqual([{ n: 0 }]);
    expect((await s.api("GET", "/v1/customers/C1", undefined, { key: s.keys.analyst })).body.profile.lastVisit).toBe(at(60).replace(".000Z", "Z"));
    await s.api("POST", `/v1/plans/${id}/resume`, undefined, { key: s.keys.operator });
    // at once, on a manual clock too (they waited for the clock's next move: regression)
    expect(s.store.query("SELECT message, time FROM decisions")).toEqual([{ message: "welcome", time: T0 + 72 * 60 }]);
    expect((await s.api("POST", "/v1/clock", { now: at(73) })).body.fired).toBe(0);
  });
});
