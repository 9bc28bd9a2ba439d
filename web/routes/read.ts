/** Read routes: the decision log, live metrics (the outbox: web/routes/outbox.ts). */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { READERS, requireRole } from "../auth.ts";
import { iso } from "../convert.ts";
import type { Deps } from "../deps.ts";
import { Decision, DecisionPage, LiveMetrics } from "../schemas.ts";
import { liveMetrics } from "../../engine/live/metrics.ts";
import { retentionStatus } from "../../engine/live/retention.ts";

const json = (schema: z.ZodType, description: string) => ({ content: { "application/json": { schema } }, description });

export function readRoutes(app: OpenAPIHono, { store, driver, retention }: Deps): void {
  app.openapi(createRoute({
    method: "get", path: "/v1/decisions", tags: ["outbox"], summary: "every message decision (sent, suppressed with its rule, holdout, deferred, delayed, cancelled)",
    middleware: [requireRole(store, ...READERS)] as const,
    request: { query: DecisionPage },
    responses: { 200: json(z.object({ decisions: z.array(Decision), next: z.number().int() }), "a page; pass `next` as `after`") },
  }), (c) => {
    const q = c.req.valid("query");
    // every time as the API writes times: `until` was minutes since 1970 (29540640) beside an ISO `time`
    const decisions = store.decisions(q.after, q.limit, q.status).map((d) => ({ ...d, time: iso(d.time), until: iso(d.until) }));
    return c.json({ decisions, next: decisions.at(-1)?.id ?? q.after }) as never;
  });

  app.openapi(createRoute({
    method: "get", path: "/v1/metrics/live", tags: ["metrics"], summary: "treated vs control: sends, suppressions by rule, conversions, revenue, incremental difference with its 95 % interval",
    middleware: [requireRole(store, ...READERS)] as const,
    responses: { 200: json(LiveMetrics, "per program and in total; with no plan live, the delivery states and retention only") },
  }), (c) => c.json({ ...liveMetrics(store, driver), retention: retentionStatus(retention) }) as never);
}
