/**
 * The live server's Hono application: every route is declared with zod schemas (web/schemas.ts) that
 * both validate requests and generate /v1/openapi.json. Input errors become 400 with the list of
 * problems (field path, what would be valid; plan files with their line numbers); auth 401/403;
 * oversized bodies 413; wrong content types 415.
 */
import { OpenAPIHono, z } from "@hono/zod-openapi";
import { HTTPException } from "hono/http-exception";
import { InputError, formatPath, type Problem } from "../engine/plan/errors.ts";
import { ApiError, Rebuilding, unwritable, UNWRITABLE_FIX } from "../engine/live/errors.ts";
import { ENGINE_VERSION } from "../engine/version.ts";
import type { Deps } from "./deps.ts";
import { planRoutes } from "./routes/plans.ts";
import { ingestRoutes } from "./routes/ingest.ts";
import { readRoutes } from "./routes/read.ts";
import { outboxRoutes } from "./routes/outbox.ts";
import { systemRoutes } from "./routes/system.ts";
import { type Guard, type Guarded, parsesJson, routeOf, utf8Body } from "./guards.ts";
import { REALM } from "./auth.ts";
import { CustomerBatch, ErrorBody, exampleOf } from "./schemas.ts";
import { flatten, type Issue } from "./issues.ts";

export type App = OpenAPIHono;

/**
 * An input error's problems; one made of its text alone (invalid YAML, a CSV header, a history config
 * that cannot be read) gets a problem per line, `where:line: what` read into path, line and message,
 * so that every 400 lists at least one.
 */
function problemsOf(message: string, problems: Problem[]): { path: string; message: string; line?: number }[] {
  if (problems.length) return problems.map((p) => ({ ...p, path: formatPath(p.path) }));
  return message.split("\n").filter((l) => l.trim()).map((l) => {
    const m = /^([^\s:]+?)(?::(\d+))?: (.+)$/s.exec(l);
    if (!m) return { path: "body", message: l };
    return { path: m[1], message: m[3], ...(m[2] ? { line: Number(m[2]) } : {}) };
  });
}

/** The methods the app answers on this path (for a 405's Allow header), none when the path is unknown. */
function methodsOf(app: App, path: string): string[] {
  const methods = new Set<string>();
  for (const r of app.routes) {
    if (r.method === "ALL") continue;
    const pattern = new RegExp(`^${r.path.replace(/[.+?^$|()[\]\\]/g, "\\$&").replace(/\/:[^/]+/g, "/[^/]+")}$`);
    if (pattern.test(path)) methods.add(r.method);
  }
  return [...methods].sort();
}

const json = (schema: z.ZodType, description: string) => ({ content: { "application/json": { schema } }, description });

/**
 * Bodies a route checks itself, documented here by the schema it checks against: POST /v1/customers
 * reads JSON or CSV into the same CustomerBatch check (web/routes/ingest.ts), so its route declares
 * no JSON schema for the validator.
 */
const CHECKED_BY_ROUTE: Record<string, z.ZodType> = { "post /v1/customers": CustomerBatch };

type Route = Parameters<App["openapi"]>[0];

/** A 401's header, documented (web/auth.ts words it). */
const CHALLENGE = {
  "WWW-Authenticate": {
    schema: { type: "string" as const },
    description: `the challenge (RFC 6750): Bearer realm="${REALM}", with error="invalid_request" (a header that is not 'Bearer <key>') or error="invalid_token" (an unknown or revoked key) and its error_description when a key was sent`,
  },
};

/** A 503's header while the state is rebuilt (engine/live/errors.ts Rebuilding). */
const RETRY_AFTER = {
  "Retry-After": {
    schema: { type: "string" as const },
    description: "seconds to wait before sending the request again; sent while the state is being rebuilt after a failed commit of the writer thread, not when the database cannot be written",
  },
};

/** The query of a route that takes none: any parameter is refused as unknown. */
const NO_QUERY = z.object({}).strict();

/**
 * Every route's documented answers include the errors its guards and inputs can give, from one place:
 * 400 when it takes a path parameter, a query or a body; 401 and 403 when it needs a key; 413 and 415
 * when it takes a body of a limited size and given types; 500 (a bug: app.onError's answer, in the body
 * of every error) and 503 (a database it cannot write, or the state being rebuilt) on every route. A body that is not JSON is
 * answered here too (web/guards.ts parsesJson), with the route's example.
 */
function documentErrors(app: App): void {
  const register = app.openapi.bind(app);
  app.openapi = ((route: Route, handler: never, hook?: never) => {
    const guards = ((route.middleware ?? []) as Guarded[]).map((m) => m.guard).filter((g): g is Guard => g !== undefined);
    const auth = guards.find((g) => g.kind === "auth"), type = guards.find((g) => g.kind === "type"), size = guards.find((g) => g.kind === "size");
    // a route without a query string of its own refuses one: ?plan=2 on /v1/metrics/live or ?days=30 on a
    // forecast was ignored, and the answer was for something else than asked. The probes without a key
    // (/healthz, /readyz) take any: a monitor may add a cache-buster (?ts=...)
    const probe = Array.isArray(route.security) && route.security.length === 0;
    const req = { ...route.request, ...(probe ? {} : { query: route.request?.query ?? NO_QUERY }) }, body = req.body;
    const own = CHECKED_BY_ROUTE[`${route.method} ${route.path}`];
    const content = body && own ? { ...body.content, "application/json": { schema: own } } : body?.content;
    const jsonSchema = (content?.["application/json"] as { schema?: z.ZodType } | undefined)?.schema;
    const errors = {
      ...(req.params || req.query || body ? { 400: json(ErrorBody, "invalid input: each problem names its field (path) and what would be valid") } : {}),
      ...(auth ? { 401: { ...json(ErrorBody, "no key, a malformed Authorization header, or an unknown or revoked key"), headers: CHALLENGE }, 403: json(ErrorBody, `the key's role may not: needs ${auth.roles.join(" or ")}`) } : {}),
      ...(size ? { 413: json(ErrorBody, `body over ${size.bytes.toLocaleString("en")} bytes`) } : {}),
      ...(type ? { 415: json(ErrorBody, `Content-Type not ${type.types.join(" or ")}${type.optional ? " (no body is fine)" : ""}`) } : {}),
      500: json(ErrorBody, "a fault of the server (a bug): the request was not applied; the server's log says what failed"),
      503: { ...json(ErrorBody, "nothing of this request was stored: the database cannot be written (a full disk, a read-only file, an I/O error; send it again once there is room), or the state is being rebuilt after a failed commit of the writer thread (send it again after Retry-After)"), headers: RETRY_AFTER },
    };
    const documented = { ...route, request: { ...req, ...(body ? { body: { ...body, content } } : {}) }, responses: { ...errors, ...route.responses } };
    const example = jsonSchema && exampleOf(jsonSchema);
    const middleware = [
      ...((route.middleware ?? []) as Guarded[]), // the body's size checked (413) before it is read
      ...(type ? [utf8Body()] : []),
      ...(jsonSchema ? [parsesJson(example === undefined ? "a JSON object" : JSON.stringify(example))] : []),
    ];
    app.openAPIRegistry.registerPath(documented as never);
    return register({ ...route, request: req, middleware, hide: true } as never, handler, hook);
  }) as App["openapi"];
}

export function createApp(deps: Deps): App {
  const app = new OpenAPIHono({
    defaultHook: (result, c) => {
      if (result.success) return;
      const where = (result as { target?: string }).target ?? "body";
      const given = (result as { data?: Record<string, unknown> }).data ?? {};
      const problems = flatten(result.error.issues as Issue[], where).map((i) => ({
        path: formatPath([where === "json" ? "body" : where, ...i.path]),
        // ?limit=2&limit=3 arrives as a list, which zod called "expected number, received NaN"
        message: where === "query" && Array.isArray(given[i.path[0]]) ? `given ${(given[i.path[0]] as unknown[]).length} times; give it once` : i.message,
      }));
      return c.json({ error: problems.map((p) => `${p.path}: ${p.message}`).join("\n"), problems }, 400);
    },
  });
  app.onError((e, c) => {
    if (e instanceof ApiError) for (const [name, value] of Object.entries(e.headers)) c.header(name, value);
    if (e instanceof ApiError && e.status !== 400) return c.json({ error: e.message, ...(e.problems.length ? { problems: e.problems.map((p) => ({ ...p, path: formatPath(p.path) })) } : {}) }, e.status);
    if (e instanceof ApiError || e instanceof InputError) return c.json({ error: e.message, problems: problemsOf(e.message, e.problems) }, 400);
    if (e instanceof HTTPException) return c.json({ error: e.message || `HTTP ${e.status}` }, e.status);
    // logged by its route (DELETE /v1/customers/{id}), not its path: a path holds a customer's id, which
    // an erasure must not leave in the log, and decoded `%0A` began a forged log line
    const route = routeOf(c);
    if (e instanceof Rebuilding) {
      // expected after a failed commit of the writer thread, and over once the state is rebuilt: not a fault
      console.warn(`cadence serve: ${route} refused: ${e.message}`);
      c.header("Retry-After", String(e.retryAfterS));
      return c.json({ error: e.message }, 503);
    }
    const storage = unwritable(e);
    if (storage) {
      console.error(`cadence serve: ${route} refused: the database cannot be written (${storage})`);
      return c.json({ error: `the database cannot be written (${storage}); nothing of this request was stored: ${UNWRITABLE_FIX[storage]}, then send it again` }, 503);
    }
    console.error(`cadence serve: ${route} failed:`, e);
    return c.json({ error: "internal error; the request was not applied (see the server log)" }, 500);
  });
  app.notFound((c) => {
    const allowed = methodsOf(app, c.req.path);
    if (allowed.length) {
      c.header("Allow", allowed.join(", "));
      return c.json({ error: `${c.req.method} ${c.req.path}: this path takes ${allowed.join(", ")}; the API is described at /v1/openapi.json` }, 405);
    }
    return c.json({ error: `no route ${c.req.method} ${c.req.path}; the API is described at /v1/openapi.json` }, 404);
  });
  documentErrors(app);
  systemRoutes(app, deps);
  planRoutes(app, deps);
  ingestRoutes(app, deps);
  readRoutes(app, deps);
  outboxRoutes(app, deps);
  app.doc31("/v1/openapi.json", {
    openapi: "3.1.0",
    info: { title: "Cadence live API", version: ENGINE_VERSION, description: "Plans, customers, events, outbox and live metrics (docs/live.md)." },
    security: [{ apiKey: [] }],
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "apiKey", { type: "http", scheme: "bearer", description: "an API key from `cadence keys create`" });
  return app;
}
