/** Plan lifecycle routes: upload, list, read, forecast, approve, promote, pause, resume, retire, audit. */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { READERS, keyOf, requireRole } from "../auth.ts";
import { iso, planView } from "../convert.ts";
import type { Deps } from "../deps.ts";
import { accepts, acceptsOrNothing, limit } from "../guards.ts";
import { AuditEntry, ErrorBody, ForecastRequest, ForecastVsActual, IdParam, Page, Plan } from "../schemas.ts";
import { forecastVsActual } from "../../engine/live/forecast-vs-actual.ts";

const json = (schema: z.ZodType, description: string) => ({ content: { "application/json": { schema } }, description });
// the route's own answers; 400, 401, 403, 413 and 415 are documented from its guards and inputs (web/app.ts)
const notFound = { 404: json(ErrorBody, "no such plan") };
const errors = { ...notFound, 409: json(ErrorBody, "the plan is not in a state this step takes (the error names the states it needs and the plan's next step)") };
const PLAN_TYPES = ["application/yaml", "text/yaml", "application/x-yaml", "application/json", "text/plain"];

export function planRoutes(app: OpenAPIHono, { store, lifecycle }: Deps): void {
  app.openapi(createRoute({
    method: "post", path: "/v1/plans", tags: ["plans"], summary: "upload a draft plan (YAML or JSON)",
    middleware: [requireRole(store, "analyst"), accepts(...PLAN_TYPES), limit(1 << 20)] as const,
    // the plan's own validator (engine/plan) checks the text, with line numbers: the schema here documents it
    request: { body: { content: Object.fromEntries(PLAN_TYPES.map((t) => [t, { schema: z.any().openapi({ type: "string", description: "the plan file (docs/plan-format.md)" }) }])), required: true } },
    responses: { 201: json(Plan, "the stored draft") },
  }), async (c) => c.json(planView(lifecycle.upload(await c.req.text(), keyOf(c))), 201) as never);

  app.openapi(createRoute({
    method: "get", path: "/v1/plans", tags: ["plans"], summary: "list plans",
    middleware: [requireRole(store, ...READERS)] as const,
    responses: { 200: json(z.object({ plans: z.array(Plan) }), "every plan, oldest first") },
  }), (c) => c.json({ plans: store.listPlans().map(planView) }) as never);

  app.openapi(createRoute({
    method: "get", path: "/v1/plans/{id}", tags: ["plans"], summary: "one plan with its forecast",
    middleware: [requireRole(store, ...READERS)] as const,
    request: { params: IdParam },
    responses: { 200: json(Plan, "the plan"), ...notFound },
  }), (c) => c.json(planView(lifecycle.get(c.req.valid("param").id))) as never);

  app.openapi(createRoute({
    method: "post", path: "/v1/plans/{id}/forecast", tags: ["plans"],
    summary: "simulate the plan and store its forecast (compare summary with 95 % intervals); no body: every default. It runs in a worker, one at a time per server (409 while another runs)",
    middleware: [requireRole(store, "analyst"), acceptsOrNothing("application/json"), limit(16 << 10)] as const,
    request: { params: IdParam, body: { content: { "application/json": { schema: ForecastRequest } }, required: false } },
    responses: { 200: json(Plan, "the plan, now simulated, with its forecast"), ...errors, 409: json(ErrorBody, "the plan is not a draft or simulated, or another forecast is running") },
  }), async (c) => c.json(planView(await lifecycle.forecast(c.req.valid("param").id, c.req.valid("json"), keyOf(c)))) as never);

  for (const [verb, role, summary] of [
    ["approve", "approver", "approve a simulated plan (the author's key cannot)"],
    ["promote", "operator", "make an approved plan live (replaces the live plan)"],
    ["pause", "operator", "pause the live plan"],
    ["resume", "operator", "resume a paused plan"],
    ["retire", "operator", "retire a plan"],
  ] as const) {
    app.openapi(createRoute({
      method: "post", path: `/v1/plans/{id}/${verb}`, tags: ["plans"], summary,
      middleware: [requireRole(store, role)] as const,
      request: { params: IdParam },
      responses: {
        200: json(Plan, "the plan in its new state"), ...errors,
        // the role's 403 is documented from the guard (web/app.ts); approve has a second one
        ...(verb === "approve" ? { 403: json(ErrorBody, "the key's role may not: needs approver or admin; or this key uploaded the plan (four eyes: another key approves)") } : {}),
      },
    }), (c) => c.json(planView(lifecycle[verb](c.req.valid("param").id, keyOf(c)))) as never);
  }

  app.openapi(createRoute({
    method: "get", path: "/v1/plans/{id}/forecast-vs-actual", tags: ["plans", "metrics"], summary: "what happened live beside the stored forecast for the same period and population",
    middleware: [requireRole(store, ...READERS)] as const,
    request: { params: IdParam },
    responses: { 200: json(ForecastVsActual, "metrics with forecast interval, actual and whether it falls inside"), ...notFound, 409: json(ErrorBody, "the plan has no forecast, or was never promoted") },
  }), (c) => c.json(forecastVsActual(store, lifecycle.get(c.req.valid("param").id), lifecycle.now())) as never);

  app.openapi(createRoute({
    method: "get", path: "/v1/audit", tags: ["plans"], summary: "the audit log: who did what when",
    middleware: [requireRole(store, "approver", "operator")] as const,
    request: { query: Page },
    responses: { 200: json(z.object({ entries: z.array(AuditEntry), next: z.number().int() }), "entries after the cursor; pass `next` as `after`") },
  }), (c) => {
    const q = c.req.valid("query");
    // `at` as every time of the API (it had milliseconds: 2026-03-02T00:00:00.000Z)
    const entries = store.auditLog(q.after, q.limit).map((a) => ({ ...a, at: iso(a.at), detail: JSON.parse(a.detail) }));
    return c.json({ entries, next: entries.at(-1)?.id ?? q.after }) as never;
  });
}
