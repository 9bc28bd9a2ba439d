/**
 * Query strings and path ids as the API reads them: whole numbers in plain digits (z.coerce took
 * ?after=0x10 as 16, ?after= and ?after=%20 as 0, ?limit=1e3 as 1000 and /v1/plans/1.0 as plan 1), and a
 * parameter a route does not take refused (?plan=2 on /v1/metrics/live answered the live plan's
 * figures; ?days=30 on a forecast ran 90 days). The health probes take any query (cache-busters).
 */
import { describe, expect, it } from "vitest";
import { serversStoppedAfterEach, T0 } from "./live-helpers.ts";

const server = serversStoppedAfterEach(T0);

describe("numbers in a query or a path", () => {
  it("takes plain digits only, and says what would be valid", async () => {
    const s = server();
    for (const q of ["after=0x10", "after=", "after=%20", "after=1.0", "after=-1", "after=abc"]) {
      const r = await s.api("GET", `/v1/outbox?${q}`);
      expect(r.status, q).toBe(400);
      expect(r.body.problems, q).toEqual([{ path: "query.after", message: "expected a cursor: a whole number from 0, in digits (the `next` of the page before)" }]);
    }
    for (const q of ["limit=1e3", "limit=0", "limit=10001", "limit=", "limit=true"]) {
      const r = await s.api("GET", `/v1/decisions?${q}`);
      expect(r.status, q).toBe(400);
      expect(r.body.problems[0], q).toEqual({ path: "query.limit", message: "expected a whole number from 1 to 10000, in digits" });
    }
    expect((await s.api("GET", "/v1/outbox?after=16&limit=10000")).body).toEqual({ messages: [], next: 16 });
    expect((await s.api("GET", "/v1/audit?limit=2&limit=3")).body.problems[0].message).toBe("given 2 times; give it once");
    for (const id of ["1.0", "0x1", "0", "abc"]) {
      const r = await s.api("GET", `/v1/plans/${id}`);
      expect(r.status, id).toBe(400);
      expect(r.body.problems, id).toEqual([{ path: "param.id", message: "expected an id: a whole number from 1, in digits (such as 42)" }]);
    }
    expect((await s.api("GET", "/v1/plans/7")).status).toBe(404);
  });

  it("documents them as integers with their range and default (after was typed integer or null)", async () => {
    const s = server();
    const doc = (await s.api("GET", "/v1/openapi.json")).body;
    const params = Object.fromEntries(doc.paths["/v1/outbox"].get.parameters.map((p: { name: string; schema: unknown }) => [p.name, p.schema]));
    expect(params.after).toMatchObject({ type: "integer", minimum: 0, default: 0 });
    expect(params.limit).toMatchObject({ type: "integer", minimum: 1, maximum: 10000, default: 1000 });
    expect(doc.paths["/v1/plans/{id}"].get.parameters[0].schema).toMatchObject({ type: "integer", minimum: 1 });
  });
});

describe("a query parameter a route does not take", () => {
  it("is refused by name on every route with a key, taken by the health probes", async () => {
    const s = server();
    const metrics = await s.api("GET", "/v1/metrics/live?plan=2");
    expect(metrics.status).toBe(400);
    expect(metrics.body.problems).toEqual([{ path: "query.plan", message: "unknown parameter; /v1/openapi.json lists this route's parameters" }]);
    const up = await s.api("POST", "/v1/plans?name=x", "name: p\nchannels: { email: {} }\nprograms: []\n", { type: "application/yaml" });
    expect(up.status).toBe(400);
    expect(up.body.problems[0].path).toBe("query.name");
    expect((await s.api("GET", "/v1/plans")).body.plans).toEqual([]); // nothing uploaded
    const forecast = await s.api("POST", "/v1/plans/1/forecast?days=30");
    expect(forecast.status).toBe(400);
    expect(forecast.body.problems[0].path).toBe("query.days");
    const event = await s.api("POST", "/v1/events?dry=1", { id: "e1", customer: "C1", type: "visit" });
    expect(event.body.problems[0].path).toBe("query.dry");
    expect((await s.api("GET", "/v1/customers/C1?full=1")).body.problems[0].path).toBe("query.full");
    expect((await s.api("GET", "/healthz?ts=1", undefined, { key: "" })).status).toBe(200);
    expect((await s.api("GET", "/readyz?ts=1", undefined, { key: "" })).status).toBe(200);
  });
});
