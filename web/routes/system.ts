/** Health, readiness, the engine's clock (manual-clock servers only), and key creation by an admin. */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { forgetKeys, keyOf, requireRole } from "../auth.ts";
import { iso, minutes } from "../convert.ts";
import type { Deps } from "../deps.ts";
import { accepts, limit } from "../guards.ts";
import { CampaignDayStatus, ClockAnswer, ClockBody, ErrorBody, KeyBody, KeyIdParam, Readiness, RetentionStatus, WebhookStatus } from "../schemas.ts";
import { retentionStatus } from "../../engine/live/retention.ts";
import { unknownCategories } from "../../engine/live/expiry.ts";
import { ApiError } from "../../engine/live/errors.ts";
import { ManualClock } from "../../engine/live/clock.ts";
import { createKey, revokeKey } from "../../engine/live/keys.ts";
import { ENGINE_VERSION } from "../../engine/version.ts";

const json = (schema: z.ZodType, description: string) => ({ content: { "application/json": { schema } }, description });

export function systemRoutes(app: OpenAPIHono, { store, driver, clock, webhook, retention }: Deps): void {
  const webhookView = () => {
    const w = webhook?.status();
    // the categories the expiry names that the live plan lacks: their span applies to no message
    const unknown = webhook ? unknownCategories(webhook.config.expiry, driver.plan.compiled.names.categories) : [];
    return w ? { ...w, expireAfterUnknown: unknown, until: w.until === null ? null : new Date(w.until).toISOString() } : null;
  };
  const campaignDayView = () => {
    const d = driver.campaignDay;
    return d && { at: iso(d.at)!, customers: d.customers, of: d.of };
  };
  app.openapi(createRoute({
    method: "get", path: "/healthz", tags: ["system"], summary: "the process answers; `unknownDeliveries`: webhook messages whose fate an operator must settle; `webhook`: its circuit; `retention`: the last prune; `campaignDay`: a campaign day's sends in progress", security: [],
    responses: { 200: json(z.object({ ok: z.boolean(), unknownDeliveries: z.number().int(), webhook: WebhookStatus, retention: RetentionStatus, campaignDay: CampaignDayStatus }), "alive") },
  }), (c) => c.json({ ok: true, unknownDeliveries: store.outboxCount("unknown"), webhook: webhookView(), retention: retentionStatus(retention), campaignDay: campaignDayView() }) as never);

  app.openapi(createRoute({
    method: "get", path: "/readyz", tags: ["system"], summary: "the store answers and the schema is current", security: [],
    responses: { 200: json(Readiness, "ready"), 503: json(Readiness, "not ready: the store does not answer, or its schema is not current") },
  }), (c) => {
    const ok = store.ready();
    const plan = driver.planRow;
    return c.json({
      ok, engine: ENGINE_VERSION, clock: clock.kind, unknownDeliveries: ok ? store.outboxCount("unknown") : null, webhook: webhookView(), now: iso(clock.now()), watermark: iso(driver.watermark),
      plan: plan ? { id: plan.id, state: plan.state, hash: plan.hash, engine: plan.engine } : null,
    }, ok ? 200 : 503) as never;
  });

  app.openapi(createRoute({
    method: "post", path: "/v1/clock", tags: ["system"], summary: "move a manual clock forward and fire what is due (servers started with --clock manual)",
    middleware: [requireRole(store, "admin"), accepts("application/json"), limit(1024)] as const,
    request: { body: { content: { "application/json": { schema: ClockBody } }, required: true } },
    responses: { 200: json(ClockAnswer, "the new time, once everything due has been done"), 409: json(ErrorBody, "this server follows the system clock, or the time is before the clock's (the error says where the clock is)") },
  }), async (c) => {
    if (!(clock instanceof ManualClock)) throw new ApiError(409, "this server follows the system clock; start it with --clock manual to drive time");
    const t = minutes(c.req.valid("json").now);
    clock.set(t);
    // answered once everything due has fired; beyond one slice, in transactions that let requests in between
    const sends = driver.campaignSends;
    const fired = driver.tick(clock.now()) + await driver.catchUp();
    return c.json({ now: iso(clock.now())!, fired, campaignSends: driver.campaignSends - sends }) as never;
  });

  app.openapi(createRoute({
    method: "post", path: "/v1/keys", tags: ["system"], summary: "create an API key (shown once)",
    middleware: [requireRole(store, "admin"), accepts("application/json"), limit(4096)] as const,
    request: { body: { content: { "application/json": { schema: KeyBody } }, required: true } },
    responses: { 201: json(z.object({ id: z.string(), role: z.string(), key: z.string() }), "the key, in clear this once") },
  }), (c) => {
    const b = c.req.valid("json");
    // one audit entry, naming the admin key that asked (it was written twice, once as made by "cli")
    const { key, row } = createKey(store, b.role, b.name, clock.now(), keyOf(c).id);
    // a credential in clear: no cache on the way may keep it (RFC 6749 §5.1 asks the same of a token's answer)
    c.header("Cache-Control", "no-store");
    return c.json({ id: row.id, role: row.role, key }, 201) as never;
  });

  app.openapi(createRoute({
    method: "delete", path: "/v1/keys/{id}", tags: ["system"], summary: "revoke an API key: refused from then on (the audit log keeps its id)",
    middleware: [requireRole(store, "admin")] as const,
    request: { params: KeyIdParam },
    responses: {
      200: json(z.object({ id: z.string(), role: z.string(), name: z.string(), revoked: z.string() }), "revoked (a key revoked already keeps its first time)"),
      404: json(ErrorBody, "no key with this id"),
      409: json(ErrorBody, "the last admin key"),
    },
  }), (c) => {
    const { id } = c.req.valid("param");
    const admins = store.listKeys().filter((k) => k.role === "admin" && k.revoked === null);
    if (admins.length === 1 && admins[0].id === id) {
      // the API would be left without a key that can make keys: only the database's owner could recover it
      throw new ApiError(409, `key ${id} is the last admin key: create another first (POST /v1/keys with {"role": "admin"}, or \`cadence keys create --role admin\`), then revoke this one`);
    }
    const row = revokeKey(store, id, keyOf(c).id, clock.now());
    if (!row) throw new ApiError(404, `no key '${id}': GET the ids with \`cadence keys list --db <file>\``);
    forgetKeys(store); // this server stops taking it at once; another server on the same database within seconds
    return c.json({ id: row.id, role: row.role, name: row.name, revoked: iso(row.revoked)! }) as never;
  });
}
