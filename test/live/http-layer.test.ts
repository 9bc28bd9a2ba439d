/**
 * The HTTP layer's answers, as a tester found them wrong: the decision filter refusing statuses the
 * store writes; an OpenAPI document missing the errors routes really give; error bodies without their
 * path or example, with no problem listed, or with the server's own paths; media types compared
 * case-sensitively; 404 for a wrong method; the last admin key revocable.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DECISION_STATUS } from "../../engine/live/store.ts";
import { at, promote, RECEIPT_PLAN, serversStoppedAfterEach, T0, type TestServer } from "./live-helpers.ts";

const server = serversStoppedAfterEach(T0);

const raw = async (s: TestServer, method: string, path: string, headers: Record<string, string>, body?: string) => {
  const r = await fetch(s.url + path, { method, headers: { authorization: `Bearer ${s.keys.admin}`, ...headers }, body });
  return { status: r.status, headers: r.headers, body: await r.json() };
};

describe("HTTP layer", () => {
  it("filters decisions by every status the store writes, delayed and cancelled included", async () => {
    const s = server();
    for (const status of DECISION_STATUS) expect((await s.api("GET", `/v1/decisions?status=${status}`)).status, status).toBe(200);
    const bad = await s.api("GET", "/v1/decisions?status=late");
    expect(bad.status).toBe(400);
    expect(bad.body.problems[0].path).toBe("query.status");
    expect(bad.body.problems[0].message).toContain("delayed");
  });

  it("documents, on every operation, the errors its key, input and body can give", async () => {
    const s = server();
    const doc = (await s.api("GET", "/v1/openapi.json")).body;
    let checked = 0;
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
      for (const [method, op] of Object.entries(ops)) {
        const where = `${method.toUpperCase()} ${path}`, codes = Object.keys(op.responses);
        // what the server really answers, asked of the server itself
        const plain = await raw(s, method.toUpperCase(), path.replace("{id}", "1"), { authorization: "" });
        if (plain.status === 401) expect(codes, where).toEqual(expect.arrayContaining(["401", "403"]));
        const takesInput = (op.parameters?.length ?? 0) > 0 || op.requestBody !== undefined;
        if (takesInput) expect(codes, where).toContain("400");
        if (op.requestBody) expect(codes, where).toContain("415");
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(20);
    expect(doc.paths["/v1/clock"].post.responses).toHaveProperty("400");
    expect(doc.paths["/v1/keys/{id}"].delete.responses).toHaveProperty("403");
    expect(doc.paths["/v1/customers/{id}"].get.responses).toHaveProperty("401");
    // the generated answers are not overridden by a route file's older generic ones ("role not allowed")
    for (const [path, method] of [["/v1/events", "post"], ["/v1/plans", "get"], ["/v1/decisions", "get"], ["/v1/outbox", "get"]] as const) {
      expect(doc.paths[path][method].responses["403"].description, `${method} ${path}`).toMatch(/^the key's role may not: needs /);
    }
    expect(doc.paths["/v1/customers"].post.requestBody.content["application/json"].schema).toEqual({ $ref: "#/components/schemas/CustomerBatch" });
    expect(doc.components.schemas.CustomerBatch.properties.customers.items).toEqual({ $ref: "#/components/schemas/Customer" });
    expect(doc.paths["/v1/plans/{id}/forecast"].post.requestBody.required).not.toBe(true);
  });

  it("takes a forecast without a body, or with an empty one, as every default", async () => {
    const s = server();
    const id = (await s.api("POST", "/v1/plans", RECEIPT_PLAN, { type: "application/yaml" })).body.id;
    const none = await raw(s, "POST", `/v1/plans/${id}/forecast`, {});
    expect(none.status).toBe(200);
    expect(none.body.forecast).toMatchObject({ customers: 10_000, days: 90, replications: 3, seed: 1, population: "synthetic" });
    const empty = await raw(s, "POST", `/v1/plans/${id}/forecast`, { "content-type": "application/json" }, "");
    expect(empty.status).toBe(200);
  });

  it("answers a body that is not JSON with its path and an example, on every JSON route", async () => {
    const s = server();
    const routes: [string, string, string][] = [
      ["POST", "/v1/events", '{"events":[{"id":"ord-1"'], ["POST", "/v1/clock", "{now:"], ["POST", "/v1/plans/1/forecast", "{customers: 10}"],
      ["POST", "/v1/keys", "role=ingest"], ["POST", "/v1/customers", "{"], ["POST", "/v1/outbox/1/resolve", "yes"],
    ];
    for (const [method, path, body] of routes) {
      const r = await raw(s, method, path, { "content-type": "application/json" }, body);
      expect(r.status, path).toBe(400);
      expect(r.body.problems, path).toEqual([{ path: "body", message: expect.stringMatching(/^not valid JSON \(.+\); expected such as \{/) }]);
      expect(r.body.error, path).toBe(`body: ${r.body.problems[0].message}`);
    }
    expect((await raw(s, "POST", "/v1/events", { "content-type": "application/json" }, "{")).body.error).toContain('expected such as {"events":[{"id":"ord-1","customer":"C1","type":"purchase","value":42}]}');
  });

  it("writes every time of the pull routes as an ISO time: a delayed decision's until, an audit entry's at", async () => {
    const s = server();
    // a push at 02:00 is held for push's default send window (08:00–21:00)
    await promote(s, "name: nudges\nchannels: { push: {} }\nprograms:\n  - id: nudge\n    type: journey\n    trigger: { event: purchase }\n    steps:\n      - send: { channel: push, message: thanks }\n");
    await s.api("POST", "/v1/customers", { customers: [{ id: "C1", consents: ["push"] }] });
    await s.api("POST", "/v1/events", { id: "o1", customer: "C1", type: "purchase", value: 5, time: at(2) });
    const [delayed] = (await s.api("GET", "/v1/decisions?status=delayed", undefined, { key: s.keys.analyst })).body.decisions;
    // until was 29540640, minutes since 1970, beside an ISO time
    expect(delayed).toMatchObject({ time: "2026-03-02T02:00:00Z", status: "delayed", rule: "send-window", until: "2026-03-02T08:00:00Z" });
    expect((await s.api("GET", "/v1/decisions?status=sent")).body.decisions).toEqual([]);
    const audit = (await s.api("GET", "/v1/audit")).body.entries;
    // at had milliseconds (2026-03-02T00:00:00.000Z), unlike every other time
    expect(audit.find((e: { action: string }) => e.action === "plan.promote")).toMatchObject({ at: "2026-03-02T00:00:00Z" });
  });

  it("says a repeated query parameter is repeated", async () => {
    const s = server();
    const r = await s.api("GET", "/v1/outbox?limit=2&limit=3");
    expect(r.status).toBe(400);
    expect(r.body.problems).toEqual([{ path: "query.limit", message: "given 2 times; give it once" }]);
  });

  it("compares media types case-insensitively: Text/CSV is read as CSV", async () => {
    const s = server();
    const r = await raw(s, "POST", "/v1/customers", { "content-type": "Text/CSV; charset=UTF-8" }, "id,consents\nC1,email|sms\n");
    expect(r).toMatchObject({ status: 200, body: { created: 1, updated: 0 } });
    expect((await s.api("GET", "/v1/customers/C1")).body.profile.consents).toEqual(["email", "sms"]);
    expect((await raw(s, "POST", "/v1/clock", { "content-type": "Application/JSON" }, '{"now": "2026-03-03T00:00:00Z"}')).status).toBe(200);
  });

  it("lists at least one problem for input refused as a whole: plan YAML, a CSV header, a history config (named in its folder)", async () => {
    const folder = mkdtempSync(join(tmpdir(), "cadence-histories-"));
    writeFileSync(join(folder, "shop.yaml"), "currency: EUR\ncalibrationEnd: 2025-12-31\ntransactions:\n  file: missing.csv\n  dateFormat: YYYY-MM-DD\n  columns: { customer: customer, date: date, amount: amount }\n");
    const s = server({ histories: folder });
    const yaml = await s.api("POST", "/v1/plans", "name: [x\n", { type: "application/yaml" });
    expect(yaml.status).toBe(400);
    expect(yaml.body.problems).toEqual([{ path: "plan", line: 2, message: "invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ] (column 1)" }]);
    const csv = await s.api("POST", "/v1/customers", "id;consents\nC1;email\n", { type: "text/csv" });
    expect(csv.body.problems).toEqual([{ path: "customers.csv", line: 1, message: expect.stringContaining("unknown column 'id;consents'") }]);
    const id = (await s.api("POST", "/v1/plans", RECEIPT_PLAN, { type: "application/yaml" })).body.id;
    const hist = await s.api("POST", `/v1/plans/${id}/forecast`, { customers: 100, days: 7, replications: 2, population: "history:shop.yaml" });
    expect(hist.status).toBe(400);
    expect(hist.body.problems.length).toBeGreaterThan(0);
    expect(JSON.stringify(hist.body)).not.toContain(folder);
    expect(hist.body.error).toMatch(/^(shop\.yaml|missing\.csv)\b/);
  });

  it("answers 405 with Allow for a path that takes other methods, 404 for an unknown path", async () => {
    const s = server();
    const r = await raw(s, "POST", "/healthz", {});
    expect(r.status).toBe(405);
    expect(r.headers.get("allow")).toBe("GET");
    const k = await raw(s, "PUT", "/v1/keys/0123456789ab", {});
    expect(k.status).toBe(405);
    expect(k.headers.get("allow")).toBe("DELETE");
    expect((await raw(s, "GET", "/v1/nothing", {})).status).toBe(404);
  });

  it("names the roles that may once, and a malformed Authorization header as malformed", async () => {
    const s = server();
    const r = await s.api("POST", "/v1/clock", { now: "2026-03-03T00:00:00Z" }, { key: s.keys.analyst });
    expect(r.body.error).toBe("this key's role is analyst; POST /v1/clock needs admin");
    const extra = await raw(s, "GET", "/v1/plans", { authorization: `Bearer ${s.keys.admin} extra` });
    expect(extra.status).toBe(401);
    expect(extra.body.error).toMatch(/^malformed Authorization header: expected 'Bearer <key>' with nothing after the key/);
  });

  it("says a key is missing after 'Bearer' (curl -H \"Authorization: Bearer $KEY\" with $KEY unset), not that something follows it", async () => {
    const s = server();
    for (const authorization of ["Bearer", "Bearer ", "bearer   "]) {
      const r = await raw(s, "GET", "/v1/plans", { authorization });
      expect([r.status, r.body.error, r.headers.get("www-authenticate")], JSON.stringify(authorization)).toEqual([
        401,
        "no key after 'Bearer' (an empty variable in 'Bearer $KEY'?); send the header 'Authorization: Bearer <key>' (an admin creates keys with `cadence keys create --role <role> --db <file>`)",
        'Bearer realm="cadence", error="invalid_request", error_description="no key after Bearer"',
      ]);
    }
  });

  it("challenges every 401 with WWW-Authenticate (RFC 9110 §11.6.1, Bearer as RFC 6750 §3 words it) and documents it", async () => {
    const s = server();
    const made = await s.api("POST", "/v1/keys", { role: "ingest", name: "to revoke" });
    expect((await s.api("DELETE", `/v1/keys/${made.body.id}`)).status).toBe(200);
    const sent = [
      ["no key", "", 'Bearer realm="cadence"'],
      ["another scheme", "Basic YWxhZGRpbjpvcGVu", 'Bearer realm="cadence", error="invalid_request", error_description="expected Bearer <key>"'],
      ["words after the key", `Bearer ${s.keys.admin} extra`, 'Bearer realm="cadence", error="invalid_request", error_description="expected Bearer <key>"'],
      ["an unknown key", "Bearer ck_nosuchkey", 'Bearer realm="cadence", error="invalid_token", error_description="unknown or revoked API key"'],
      ["a revoked key", `Bearer ${made.body.key}`, 'Bearer realm="cadence", error="invalid_token", error_description="unknown or revoked API key"'],
    ];
    for (const [what, authorization, challenge] of sent) {
      for (const [method, path] of [["GET", "/v1/plans"], ["POST", "/v1/events"]]) {
        const r = await raw(s, method, path, { authorization, "content-type": "application/json" }, method === "POST" ? "{}" : undefined);
        expect([r.status, r.headers.get("www-authenticate")], `${what}: ${method} ${path}`).toEqual([401, challenge]);
      }
    }
    // other answers carry none
    expect((await raw(s, "GET", "/v1/plans", {})).headers.get("www-authenticate")).toBe(null);
    expect((await raw(s, "POST", "/v1/clock", { authorization: `Bearer ${s.keys.analyst}`, "content-type": "application/json" }, "{}")).headers.get("www-authenticate")).toBe(null);
    const doc = (await s.api("GET", "/v1/openapi.json")).body;
    let documented = 0;
    for (const ops of Object.values(doc.paths as Record<string, Record<string, any>>)) {
      for (const op of Object.values(ops)) {
        if (!op.responses["401"]) continue;
        expect(op.responses["401"].headers["WWW-Authenticate"].description).toMatch(/^the challenge \(RFC 6750\): Bearer realm="cadence"/);
        documented++;
      }
    }
    expect(documented).toBeGreaterThan(20);
  });

  it("refuses to revoke the last admin key", async () => {
    const s = server();
    const me = s.store.listKeys().find((k) => k.role === "admin")!;
    const r = await s.api("DELETE", `/v1/keys/${me.id}`);
    expect(r.status).toBe(409);
    expect(r.body.error).toContain(`key ${me.id} is the last admin key: create another first`);
    const other = await s.api("POST", "/v1/keys", { role: "admin", name: "second admin" });
    expect((await s.api("DELETE", `/v1/keys/${me.id}`, undefined, { key: other.body.key })).status).toBe(200);
    expect((await s.api("DELETE", `/v1/keys/${other.body.id}`, undefined, { key: other.body.key })).status).toBe(409);
  });
});
