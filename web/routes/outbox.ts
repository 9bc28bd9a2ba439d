/**
 * Outbox routes: the pull cursor, and an operator's answers to messages whose delivery is unknown
 * (engine/live/outbox-ops.ts; docs/live.md, "Delivery").
 */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { keyOf, requireRole } from "../auth.ts";
import { iso, minutes } from "../convert.ts";
import type { Deps } from "../deps.ts";
import { accepts, limit } from "../guards.ts";
import { ErrorBody, IdParam, OutboxMessage, OutboxPage, RequeueBody, ResolveBody } from "../schemas.ts";
import { redeliver, requeue, requeueDead, resolve } from "../../engine/live/outbox-ops.ts";
import type { OutboxRow } from "../../engine/live/store.ts";

const json = (schema: z.ZodType, description: string) => ({ content: { "application/json": { schema } }, description });
// the route's own answers; 400, 401 and 403 are documented from its guards and inputs (web/app.ts)
const errors = { 404: json(ErrorBody, "no such message"), 409: json(ErrorBody, "the message is not unknown") };
const view = (m: OutboxRow) => ({ ...m, time: iso(m.time), nextAttempt: undefined, changed: m.changed ? new Date(m.changed).toISOString() : null });

export function outboxRoutes(app: OpenAPIHono, { store, clock, webhook }: Deps): void {
  const expiry = webhook?.config.expiry ?? null;
  app.openapi(createRoute({
    method: "get", path: "/v1/outbox", tags: ["outbox"],
    summary: "messages to send, in decision order, from a cursor (for systems that pull instead of receiving the webhook); `status=unknown` lists the deliveries waiting for an operator",
    middleware: [requireRole(store, "ingest", "operator")] as const,
    request: { query: OutboxPage },
    responses: { 200: json(z.object({ messages: z.array(OutboxMessage), next: z.number().int() }), "a page; pass `next` as `after`") },
  }), (c) => {
    const q = c.req.valid("query");
    const messages = store.outbox(q.after, q.limit, q.status).map(view);
    return c.json({ messages, next: messages.at(-1)?.id ?? q.after }) as never;
  });

  app.openapi(createRoute({
    method: "post", path: "/v1/outbox/{id}/redeliver", tags: ["outbox"],
    summary: "send an unknown message again, under the same idempotency key (the receiver must drop a key it has already acted on)",
    middleware: [requireRole(store, "operator")] as const,
    request: { params: IdParam },
    responses: { 200: json(OutboxMessage, "the message, pending again and due now"), ...errors },
  }), (c) => c.json(view(redeliver(store, c.req.valid("param").id, keyOf(c).id, clock.now(), clock.nowMs()))) as never);

  app.openapi(createRoute({
    method: "post", path: "/v1/outbox/{id}/resolve", tags: ["outbox"],
    summary: "record what the receiver says of an unknown message: delivered, or not (then it is not sent)",
    middleware: [requireRole(store, "operator"), accepts("application/json"), limit(1024)] as const,
    request: { params: IdParam, body: { content: { "application/json": { schema: ResolveBody } }, required: true } },
    responses: { 200: json(OutboxMessage, "the message, delivered or dead"), ...errors },
  }), (c) => c.json(view(resolve(store, c.req.valid("param").id, c.req.valid("json").delivered, keyOf(c).id, clock.now(), clock.nowMs()))) as never);

  app.openapi(createRoute({
    method: "post", path: "/v1/outbox/{id}/requeue", tags: ["outbox"],
    summary: "send a dead message again once the receiver is back: pending, due now, a fresh count of attempts (expired instead, past its expiry)",
    middleware: [requireRole(store, "operator")] as const,
    request: { params: IdParam },
    responses: { 200: json(OutboxMessage, "the message, pending again (or expired)"), 404: errors[404], 409: json(ErrorBody, "the message is not dead") },
  }), (c) => c.json(view(requeue(store, c.req.valid("param").id, keyOf(c).id, clock.now(), clock.nowMs(), expiry))) as never);

  app.openapi(createRoute({
    method: "post", path: "/v1/outbox/requeue", tags: ["outbox"],
    summary: "requeue every dead message the filter names (channel, dead since, last error; `{}`: all), but those an operator resolved as not to be sent; one audit entry",
    middleware: [requireRole(store, "operator"), accepts("application/json"), limit(4096)] as const,
    request: { body: { content: { "application/json": { schema: RequeueBody } }, required: true } },
    responses: { 200: json(z.object({ requeued: z.number().int(), expired: z.number().int() }), "how many went back to pending, and how many were past their expiry (expired, not sent)") },
  }), (c) => {
    const b = c.req.valid("json");
    const filter = { channel: b.channel, since: b.deadSince === undefined ? undefined : minutes(b.deadSince) * 60_000, error: b.error };
    return c.json(requeueDead(store, filter, keyOf(c).id, clock.now(), clock.nowMs(), expiry)) as never;
  });
}
