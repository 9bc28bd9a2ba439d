/**
 * Text a body can hold that the store cannot keep, and paths as every route names them: a lone
 * surrogate (JSON's \ud800) was accepted and stored as U+FFFD, so another event id collapsed onto the
 * first and was answered 'duplicate' and dropped; POST /v1/customers named its JSON problems
 * `body.customers.0.consents.0` and an unknown field `body.customers.0: Unrecognized key: "bogus"`.
 */
import { describe, expect, it } from "vitest";
import { at, serversStoppedAfterEach, T0 } from "./live-helpers.ts";

const server = serversStoppedAfterEach(T0);
// JSON.stringify writes a lone surrogate as its escape, as a client would send it
const event = (id: string, customer = "C1") => ({ id, customer, type: "visit", time: at(1) });

describe("text the store cannot keep", () => {
  it("refuses a lone surrogate in an event's id or customer, naming the field; two such ids were one", async () => {
    const s = server();
    const first = await s.api("POST", "/v1/events", event("\ud800"));
    expect(first.status).toBe(400);
    expect(first.body.problems).toEqual([{ path: "body.id", message: expect.stringMatching(/^not valid Unicode: a lone surrogate/) }]);
    const batch = await s.api("POST", "/v1/events", { events: [event("ok-1"), event("ok-2", "Zoë-\udfff")] });
    expect(batch.status).toBe(400);
    expect(batch.body.error).toMatch(/^body\.events\[1\]\.customer: not valid Unicode/);
    // a key too: {"\ud800": 1}
    const key = await s.api("POST", "/v1/events", `{"id": "k", "customer": "C1", "type": "visit", "\\ud800": 1}`);
    expect(key.status).toBe(400);
    expect(key.body.problems[0].path).toBe("body.\ud800");
    // a real pair is a character: taken, and read back as sent
    const pair = await s.api("POST", "/v1/events", event("emoji-\ud83d\ude00", "Zoë-日本-\ud83d\ude00"));
    expect(pair.status).toBe(200);
    expect(pair.body.results).toEqual([{ id: "emoji-😀", status: "accepted" }]);
    expect((await s.api("GET", `/v1/customers/${encodeURIComponent("Zoë-日本-😀")}`)).status).toBe(200);
    const stored = s.store.db.prepare("SELECT count(*) AS n FROM events").get() as { n: number };
    expect(Number(stored.n)).toBe(1);
  });

  it("refuses a lone surrogate in a customer profile (JSON), naming the row and field", async () => {
    const s = server();
    const r = await s.api("POST", "/v1/customers", { customers: [{ id: "C1" }, { id: "C2", attributes: { tier: "gold\udc00" } }] });
    expect(r.status).toBe(400);
    expect(r.body.problems[0].path).toBe("body.customers[1].attributes.tier");
  });
});

describe("JSON nested deeper than any body the API takes", () => {
  it("is refused with a 400 at the array nested one too deep (5,000 levels answered 500 'internal error')", async () => {
    const s = server();
    const deep = (n: number) => "[".repeat(n) + "]".repeat(n);
    for (const [path, body] of [
      ["/v1/events", `{"events": [{"id": "e1", "customer": "C1", "type": "purchase", "value": ${deep(5000)}}]}`],
      ["/v1/customers", `{"customers": [{"id": "C1", "attributes": {"tier": ${deep(5000)}}}]}`],
      ["/v1/plans", `{"name": "x", "channels": ${deep(5000)}}`],
    ]) {
      const r = await s.api("POST", path, body);
      expect(r.status, path).toBe(400);
      expect(r.body.problems, path).toHaveLength(1);
      // the root object is level 1: the array at level 65 is named, by body and 64 keys and indices
      expect(r.body.problems[0].path.split(/[.[]/), path).toHaveLength(65);
      expect(r.body.problems[0].message).toBe("nested more than 64 arrays or objects deep; no body of this API nests so deep");
    }
    expect((await s.api("POST", "/v1/events", `{"events": [{"id": "e1", "customer": "C1", "type": "purchase", "value": ${deep(5000)}}]}`)).body.problems[0].path)
      .toBe(`body.events[0].value${"[0]".repeat(61)}`);
    // 64 levels are taken as JSON (then refused by the schema, at the field)
    const r = await s.api("POST", "/v1/events", `{"events": [{"id": "e1", "customer": "C1", "type": "purchase", "value": ${deep(61)}}]}`);
    expect(r.body.problems).toEqual([{ path: "body.events[0].value", message: "Invalid input: expected number, received array" }]);
  });
});

describe("POST /v1/customers (JSON): problems named as on every other route", () => {
  it("names a row's field with brackets and an unknown field at its own path", async () => {
    const s = server();
    const r = await s.api("POST", "/v1/customers", { customers: [{ id: "C9", consents: ["fax"], bogus: 1 }] });
    expect(r.status).toBe(400);
    expect(r.body.problems.map((p: { path: string }) => p.path)).toEqual(["body.customers[0].consents[0]", "body.customers[0].bogus"]);
    expect(r.body.problems[1].message).toBe("unknown field; /v1/openapi.json lists this route's fields");
    // CSV keeps its file:line form
    const csv = await s.api("POST", "/v1/customers", "id,consents\nC9,fax\n", { type: "text/csv" });
    expect(csv.body.problems[0].path).toBe("customers.csv:2: consents.0");
  });
});

describe("a body that is not UTF-8", () => {
  // 'Zoë' and 'Zoé' from a Latin-1 export: both were read as 'Zo\ufffd'
  const latin1 = (text: string) => new Uint8Array([...text].map((ch) => ch.charCodeAt(0)));
  const post = (s: { url: string; keys: { admin: string } }, path: string, type: string, body: Uint8Array<ArrayBuffer>) =>
    fetch(s.url + path, { method: "POST", headers: { authorization: `Bearer ${s.keys.admin}`, "content-type": type }, body }).then(async (r) => ({ status: r.status, body: await r.json() }));

  it("is refused naming the line and byte, on events, customers (CSV) and plans; UTF-8 is taken", async () => {
    const s = server();
    const events = await post(s, "/v1/events", "application/json", latin1(`{"events": [{"id": "e-Zoë", "customer": "C1", "type": "visit", "time": "${at(1)}"},\n{"id": "e-Zoé", "customer": "C1", "type": "visit", "time": "${at(1)}"}]}`));
    expect(events.status).toBe(400);
    expect(events.body.problems).toEqual([{ path: "body", line: 1, message: "not UTF-8 text: byte 0xEB at byte 25 of line 1 (a Latin-1 or Windows-1252 export?); send the body as UTF-8" }]);
    const csv = await post(s, "/v1/customers", "text/csv", latin1("id,orders\nC1,1\nZoë,3\n"));
    expect(csv.status).toBe(400);
    expect(csv.body.problems[0]).toMatchObject({ path: "body", line: 3 });
    const plan = await post(s, "/v1/plans", "application/yaml", latin1("name: Zoë\nchannels: { email: {} }\nprograms: []\n"));
    expect(plan.status).toBe(400);
    expect(plan.body.problems[0]).toMatchObject({ path: "body", line: 1 });
    expect(Number((s.store.db.prepare("SELECT count(*) AS n FROM customers").get() as { n: number }).n)).toBe(0);
    const utf8 = await post(s, "/v1/events", "application/json", new TextEncoder().encode(`{"id": "e-Zoë", "customer": "Zoë", "type": "visit", "time": "${at(1)}"}`));
    expect(utf8.body.results).toEqual([{ id: "e-Zoë", status: "accepted" }]);
  });
});
