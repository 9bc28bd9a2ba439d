/**
 * The live API against its own document: a client written from /v1/openapi.json alone meets no status
 * and no body shape the document does not list. The test walks the document: every operation is called
 * the documented way (a lifecycle from upload to retirement, in order), then in every documented error
 * way it can be made to give — each error call derived from the operation's own entry where it can be
 * (no key, a role its 403 does not name, an unknown query parameter or body field, a body over its 413's
 * size, another content type) and from a short table for the 404s and 409s. Each answer's status must
 * be listed for its operation and its body must match that status's schema; every status an operation
 * lists must be produced, but 500 (a bug) and 503 (a disk that cannot be written:
 * test/live/store-readonly.test.ts). Methods a path does not list answer 405 with Allow; unknown paths
 * 404 in the API's error shape.
 */
import { describe, expect, it } from "vitest";
import { RECEIPT_PLAN, serversStoppedAfterEach, T0, type TestServer } from "./live-helpers.ts";

const server = serversStoppedAfterEach(T0);

type Schema = Record<string, any>;
type Operation = { responses: Record<string, { description: string; content?: Record<string, { schema: Schema }> }>; requestBody?: any; parameters?: any[] };
type Doc = { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Schema> } };

/** Where `value` departs from `schema`: the JSON Schema keywords the document uses (type, enum, required, properties, items, anyOf, $ref). */
function departures(doc: Doc, schema: Schema, value: unknown, at = "body"): string[] {
  if (schema.$ref) return departures(doc, doc.components.schemas[schema.$ref.split("/").pop()!], value, at);
  if (schema.anyOf) return schema.anyOf.some((s: Schema) => departures(doc, s, value, at).length === 0) ? [] : [`${at}: matches none of anyOf`];
  const kind = value === null ? "null" : Array.isArray(value) ? "array" : typeof value;
  const types: string[] = schema.type === undefined ? [] : [schema.type].flat();
  if (types.length && !types.some((t) => t === kind || (t === "integer" && Number.isInteger(value)))) return [`${at}: ${kind}, documented ${types.join(" or ")}`];
  if (schema.enum && !schema.enum.includes(value)) return [`${at}: ${JSON.stringify(value)} is not one of ${schema.enum.join(", ")}`];
  const out: string[] = [];
  if (kind === "object") {
    const o = value as Record<string, unknown>;
    for (const k of schema.required ?? []) if (!(k in o)) out.push(`${at}.${k}: missing`);
    for (const [k, v] of Object.entries(o)) {
      if (schema.properties?.[k]) out.push(...departures(doc, schema.properties[k], v, `${at}.${k}`));
      else if (schema.additionalProperties === false) out.push(`${at}.${k}: not documented`);
    }
  }
  if (kind === "array" && schema.items) (value as unknown[]).forEach((v, i) => out.push(...departures(doc, schema.items, v, `${at}[${i}]`)));
  return out;
}

interface Call {
  method: string;
  path: string;
  key?: string; // a role's key; "" for none; default admin
  authorization?: string;
  type?: string;
  body?: string;
}

/** A client of one server that checks every answer against the document and counts what each operation answered. */
function contractClient(s: TestServer, doc: Doc) {
  const seen = new Map<string, Set<number>>();
  const operationOf = (method: string, path: string) => {
    const bare = path.split("?")[0];
    const route = Object.keys(doc.paths).find((p) => new RegExp(`^${p.replace(/\{\w+\}/g, "[^/]+")}$`).test(bare));
    return route && doc.paths[route][method.toLowerCase()] ? `${method} ${route}` : null;
  };
  return {
    seen,
    operationOf,
    async call(c: Call): Promise<{ status: number; body: any; headers: Headers }> {
      const headers: Record<string, string> = {};
      const key = c.key ?? s.keys.admin;
      if (c.authorization !== undefined) headers.authorization = c.authorization;
      else if (key) headers.authorization = `Bearer ${key}`;
      if (c.type) headers["content-type"] = c.type;
      // a Uint8Array: fetch would give a string body a text/plain type of its own
      const res = await fetch(s.url + c.path, { method: c.method, headers, body: c.body === undefined ? undefined : new TextEncoder().encode(c.body) });
      const text = await res.text(), body = text ? JSON.parse(text) : undefined;
      const where = `${c.method} ${c.path.slice(0, 60)} answered ${res.status} ${text.slice(0, 160)}`;
      const op = operationOf(c.method, c.path);
      expect(op, `${where}: the document lists no such operation`).not.toBe(null);
      const [method, route] = op!.split(" ");
      const documented = doc.paths[route][method.toLowerCase()].responses[res.status];
      expect(documented, `${where}: a status ${op} does not list`).toBeDefined();
      const schema = documented.content?.["application/json"]?.schema;
      if (schema) expect(departures(doc, schema, body), where).toEqual([]);
      if (res.status >= 400) expect(body.error, where).toMatch(/\S/);
      if (res.status === 400) expect(body.problems.length, where).toBeGreaterThan(0);
      if (res.status === 401) expect(res.headers.get("www-authenticate"), where).toMatch(/^Bearer realm="cadence"/);
      if (!seen.has(op!)) seen.set(op!, new Set());
      seen.get(op!)!.add(res.status);
      return { status: res.status, body, headers: res.headers };
    },
  };
}

const json = (v: unknown) => ({ type: "application/json", body: JSON.stringify(v) });

describe("the live API against /v1/openapi.json", () => {
  it("answers every operation's documented success and errors, and nothing it does not list", async () => {
    const started = performance.now();
    const s = server();
    const doc: Doc = await (await fetch(`${s.url}/v1/openapi.json`)).json();
    const api = contractClient(s, doc);
    const ok = async (c: Call, status = 200) => {
      const r = await api.call(c);
      expect(r.status, `${c.method} ${c.path}: ${JSON.stringify(r.body).slice(0, 300)}`).toBe(status);
      return r.body;
    };

    // the documented way, in the order of a plan's life
    await ok({ method: "GET", path: "/healthz", key: "" });
    await ok({ method: "GET", path: "/readyz", key: "" });
    const made = await ok({ method: "POST", path: "/v1/keys", ...json({ role: "ingest", name: "shop front" }) }, 201);
    await ok({ method: "DELETE", path: `/v1/keys/${made.id}` });
    const plan = (await ok({ method: "POST", path: "/v1/plans", key: s.keys.analyst, type: "application/yaml", body: RECEIPT_PLAN }, 201)).id;
    await ok({ method: "GET", path: "/v1/plans", key: s.keys.analyst });
    await ok({ method: "GET", path: `/v1/plans/${plan}`, key: s.keys.analyst });
    await ok({ method: "POST", path: `/v1/plans/${plan}/forecast`, key: s.keys.analyst, ...json({ customers: 100, days: 7, replications: 2 }) });
    await ok({ method: "POST", path: `/v1/plans/${plan}/approve`, key: s.keys.approver });
    await ok({ method: "POST", path: `/v1/plans/${plan}/promote`, key: s.keys.operator });
    await ok({ method: "POST", path: "/v1/customers", key: s.keys.ingest, ...json({ customers: [{ id: "C1", consents: ["email"] }] }) });
    await ok({ method: "POST", path: "/v1/customers", key: s.keys.ingest, type: "text/csv", body: "id,consents\nC2,email\n" });
    const purchase = (id: string, customer: string) => ({ id, customer, type: "purchase", value: 42, time: "2026-03-02T10:00:00Z" });
    await ok({ method: "POST", path: "/v1/events", key: s.keys.ingest, ...json(purchase("o1", "C1")) });
    await ok({ method: "POST", path: "/v1/events", key: s.keys.ingest, ...json({ events: [purchase("o2", "C2")] }) });
    await ok({ method: "POST", path: "/v1/clock", ...json({ now: "2026-03-02T12:00:00Z" }) });
    await ok({ method: "GET", path: "/v1/customers/C1", key: s.keys.analyst });
    const outbox = await ok({ method: "GET", path: "/v1/outbox?after=0&limit=10", key: s.keys.ingest });
    expect(outbox.messages.map((m: { customer: string }) => m.customer)).toEqual(["C1", "C2"]);
    await ok({ method: "GET", path: "/v1/decisions?status=sent", key: s.keys.analyst });
    await ok({ method: "GET", path: "/v1/metrics/live", key: s.keys.analyst });
    await ok({ method: "GET", path: `/v1/plans/${plan}/forecast-vs-actual`, key: s.keys.analyst });
    await ok({ method: "GET", path: "/v1/audit", key: s.keys.operator });
    // the state a webhook leaves a POST that timed out in (engine/live/webhook.ts): unknown, for an operator
    const [m1, m2] = outbox.messages.map((m: { id: number }) => m.id);
    s.store.markSending([m1, m2]);
    for (const id of [m1, m2]) s.store.setDelivery(id, "unknown", 1, 0, "timed out");
    await ok({ method: "POST", path: `/v1/outbox/${m1}/redeliver`, key: s.keys.operator });
    await ok({ method: "POST", path: `/v1/outbox/${m2}/resolve`, key: s.keys.operator, ...json({ delivered: true }) });
    // dead after its tries (the state --webhook-max-attempts leaves), requeued once the receiver is back
    s.store.markSending([m1]);
    s.store.setDelivery(m1, "dead", 2, 0, "HTTP 503");
    await ok({ method: "POST", path: `/v1/outbox/${m1}/requeue`, key: s.keys.operator });
    await ok({ method: "POST", path: "/v1/outbox/requeue", key: s.keys.operator, ...json({ channel: "email" }) });
    await ok({ method: "POST", path: `/v1/plans/${plan}/pause`, key: s.keys.operator });
    await ok({ method: "POST", path: `/v1/plans/${plan}/resume`, key: s.keys.operator });
    await ok({ method: "DELETE", path: "/v1/customers/C2", key: s.keys.operator });
    await ok({ method: "POST", path: `/v1/plans/${plan}/retire`, key: s.keys.operator });

    // the 404s and 409s, which need the state above
    const draft = (await ok({ method: "POST", path: "/v1/plans", type: "application/yaml", body: RECEIPT_PLAN }, 201)).id;
    const onlyAdmin = s.store.listKeys().find((k) => k.role === "admin")!.id;
    const refused: [number, Call][] = [
      ...["forecast", "approve", "promote", "pause", "resume", "retire"].flatMap((verb): [number, Call][] => [
        [404, { method: "POST", path: `/v1/plans/99/${verb}` }],
        [409, { method: "POST", path: `/v1/plans/${plan}/${verb}` }], // retired
      ]),
      [404, { method: "GET", path: "/v1/plans/99" }],
      [404, { method: "GET", path: "/v1/plans/99/forecast-vs-actual" }],
      [409, { method: "GET", path: `/v1/plans/${draft}/forecast-vs-actual` }], // no forecast
      [404, { method: "GET", path: "/v1/customers/C2" }], // erased
      [404, { method: "DELETE", path: "/v1/customers/C2" }],
      [404, { method: "DELETE", path: "/v1/keys/000000000000" }],
      [409, { method: "DELETE", path: `/v1/keys/${onlyAdmin}` }],
      [409, { method: "POST", path: "/v1/clock", ...json({ now: "2026-03-02T11:00:00Z" }) }], // before the clock
      [404, { method: "POST", path: "/v1/outbox/99/redeliver" }],
      [404, { method: "POST", path: "/v1/outbox/99/resolve", ...json({ delivered: false }) }],
      [409, { method: "POST", path: `/v1/outbox/${m1}/redeliver` }], // pending again
      [409, { method: "POST", path: `/v1/outbox/${m1}/resolve`, ...json({ delivered: false }) }],
      [404, { method: "POST", path: "/v1/outbox/99/requeue" }],
      [409, { method: "POST", path: `/v1/outbox/${m1}/requeue` }], // not dead
    ];
    for (const [status, c] of refused) expect((await api.call(c)).status, `${c.method} ${c.path}`).toBe(status);

    // the errors each operation's entry says it gives, called as it describes them
    const ROLES = ["ingest", "analyst", "approver", "operator"] as const;
    let operations = 0;
    for (const [route, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        operations++;
        const M = method.toUpperCase(), codes = op.responses, where = `${M} ${route}`;
        const path = route.replace("{id}", route.startsWith("/v1/customers") ? "C1" : route.startsWith("/v1/keys") ? made.id : String(plan));
        const types = Object.keys(op.requestBody?.content ?? {});
        // a body the operation takes, as its document shows it (its example), so that one thing only is wrong
        const schema = op.requestBody?.content["application/json"]?.schema;
        const example = schema?.$ref ? doc.components.schemas[schema.$ref.split("/").pop()!].example : undefined;
        const body = types.length === 0 ? {} : example ? json(example) : { type: types[0], body: RECEIPT_PLAN };
        if (codes[401]) {
          expect((await api.call({ method: M, path, key: "", ...body })).status, where).toBe(401);
          expect((await api.call({ method: M, path, key: "ck_not_a_key", ...body })).status, where).toBe(401);
          expect((await api.call({ method: M, path, authorization: "Basic YTpi", ...body })).status, where).toBe(401);
        }
        if (codes[403]) {
          const may = /needs (\w+(?: or \w+)*)/.exec(codes[403].description)![1].split(" or ");
          const role = ROLES.find((r) => !may.includes(r));
          expect(role, `${where}: every role may`).toBeDefined();
          expect((await api.call({ method: M, path, key: s.keys[role!], ...body })).status, `${where} as ${role}`).toBe(403);
        }
        if (codes[400]) {
          const unknown = await api.call({ method: M, path: `${path}?zzz=1`, ...body });
          expect([unknown.status, unknown.body.problems], where).toEqual([400, [{ path: "query.zzz", message: expect.stringMatching(/^unknown parameter/) }]]);
          for (const p of (op.parameters ?? []).filter((p) => p.in === "query")) {
            const twice = await api.call({ method: M, path: `${path}?${p.name}=1&${p.name}=2`, ...body });
            expect([twice.status, twice.body.problems[0].path], where).toEqual([400, `query.${p.name}`]);
          }
          if ((op.parameters ?? []).some((p) => p.in === "path")) {
            const bad = await api.call({ method: M, path: route.replace("{id}", "x".repeat(201)), ...body });
            expect([bad.status, bad.body.problems[0].path], where).toEqual([400, "param.id"]);
          }
          if (example) {
            const extra = await api.call({ method: M, path, ...json({ ...example, zzz: 1 }) });
            expect([extra.status, extra.body.problems], where).toEqual([400, [{ path: "body.zzz", message: expect.stringMatching(/^unknown field/) }]]);
          }
        }
        if (types.includes("application/json")) {
          // nested far deeper than any body (5,000 levels answered 500), within the route's size
          const size = codes[413] ? Number(/over ([\d,]+) bytes/.exec(codes[413].description)![1].replaceAll(",", "")) : 1 << 20;
          const depth = Math.min(5000, (size - 16) >> 1);
          const deep = await api.call({ method: M, path, type: "application/json", body: `${"[".repeat(depth)}${"]".repeat(depth)}` });
          expect([deep.status, deep.body.problems[0].message], where).toEqual([400, expect.stringMatching(/^nested more than 64 arrays or objects deep/)]);
        }
        if (codes[413]) {
          const bytes = Number(/over ([\d,]+) bytes/.exec(codes[413].description)![1].replaceAll(",", ""));
          expect((await api.call({ method: M, path, type: types[0], body: " ".repeat(bytes + 1) })).status, where).toBe(413);
        }
        if (codes[415]) {
          expect((await api.call({ method: M, path, type: "application/xml", body: "<a/>" })).status, where).toBe(415);
        }
        // every status the document lists is one a client can meet, but a bug's and a full disk's
        const listed = Object.keys(codes).map(Number).filter((c) => c !== 500 && c !== 503);
        expect([...api.seen.get(`${M} ${route}`) ?? []].sort(), `${where}: statuses listed, statuses met`).toEqual(listed.sort());
        expect(Object.keys(codes), where).toEqual(expect.arrayContaining(["500", "503"]));
        // a method the path does not list: 405, with the ones it does
        const allow = Object.keys(ops).map((m) => m.toUpperCase()).sort().join(", ");
        for (const other of ["GET", "POST", "PUT", "PATCH", "DELETE"].filter((m) => !ops[m.toLowerCase()])) {
          const r = await fetch(s.url + path, { method: other, headers: { authorization: `Bearer ${s.keys.admin}` } });
          expect([r.status, r.headers.get("allow"), (await r.json()).error], `${other} ${route}`).toEqual([405, allow, expect.stringContaining(`this path takes ${allow}`)]);
        }
      }
    }
    expect(operations).toBe(27);
    for (const path of ["/v1/nothing", "/v1/plans/1/nothing", "/", "/V1/plans"]) {
      const r = await fetch(s.url + path, { headers: { authorization: `Bearer ${s.keys.admin}` } });
      expect([r.status, (await r.json()).error], path).toEqual([404, `no route GET ${path}; the API is described at /v1/openapi.json`]);
    }
    expect(performance.now() - started).toBeLessThan(10_000);
  }, 20_000);
});
