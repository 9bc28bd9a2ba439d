/**
 * The live server's Hono application: every route is declared with zod schemas (web/schemas.ts) that
 * both validate requests and generate /v1/openapi.json. Input errors become 400 with the list of
 * problems (field path, what would be valid; plan files with their line numbers); auth 401/403;
 * oversized bodies 413; wrong content types 415.
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import { HTTPException } from "hono/http-exception";
import { InputError, formatPath } from "../engine/plan/errors.ts";
import { ApiError } from "../engine/live/errors.ts";
import { ENGINE_VERSION } from "../engine/version.ts";
import type { Deps } from "./deps.ts";
import { planRoutes } from "./routes/plans.ts";
import { ingestRoutes } from "./routes/ingest.ts";
import { readRoutes } from "./routes/read.ts";
import { outboxRoutes } from "./routes/outbox.ts";
import { systemRoutes } from "./routes/system.ts";

export type App = OpenAPIHono;

interface Issue {
  code: string;
  path: (string | number)[];
  message: string;
  errors?: Issue[][];
  keys?: string[];
}

/**
 * A union's failure ("invalid input") says nothing useful; the branch the body meant to match — the
 * one whose problems are not about the body's shape at the root — names the real field and fault.
 */
const unknownKey = (where: string) => {
  const kind = where === "query" ? "parameter" : "field";
  return `unknown ${kind}; /v1/openapi.json lists this route's ${kind}s`;
};

function flatten(issues: Issue[], where = "body"): Issue[] {
  return issues.flatMap((i) => {
    // one problem per unknown key, at its own path ("query.state: unknown parameter")
    if (i.code === "unrecognized_keys" && i.keys?.length) return i.keys.map((k) => ({ ...i, path: [...i.path, k], message: unknownKey(where) }));
    if (i.code !== "invalid_union" || !i.errors?.length) return [i];
    const rootless = (b: Issue[]) => b.every((x) => x.path.length > 0 || x.code === "custom");
    const branch = i.errors.find(rootless) ?? i.errors.reduce((a, b) => (b.length < a.length ? b : a));
    return flatten(branch.map((x) => ({ ...x, path: [...i.path, ...x.path] })), where);
  });
}

export function createApp(deps: Deps): App {
  const app = new OpenAPIHono({
    defaultHook: (result, c) => {
      if (result.success) return;
      const where = (result as { target?: string }).target ?? "body";
      const problems = flatten(result.error.issues as Issue[], where).map((i) => ({ path: formatPath([where === "json" ? "body" : where, ...i.path]), message: i.message }));
      return c.json({ error: problems.map((p) => `${p.path}: ${p.message}`).join("\n"), problems }, 400);
    },
  });
  app.onError((e, c) => {
    if (e instanceof ApiError) return c.json({ error: e.message, ...(e.problems.length ? { problems: e.problems.map((p) => ({ ...p, path: formatPath(p.path) })) } : {}) }, e.status);
    if (e instanceof InputError) return c.json({ error: e.message, problems: e.problems.map((p) => ({ ...p, path: formatPath(p.path) })) }, 400);
    if (e instanceof HTTPException) return c.json({ error: e.message || `HTTP ${e.status}` }, e.status);
    console.error(`cadence serve: ${c.req.method} ${c.req.path} failed:`, e);
    return c.json({ error: "internal error; the request was not applied (see the server log)" }, 500);
  });
  app.notFound((c) => c.json({ error: `no route ${c.req.method} ${c.req.path}; the API is described at /v1/openapi.json` }, 404));
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
