/** Ingest routes: events (one or a batch), customer profiles (JSON or CSV), GDPR erasure. */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { keyOf, READERS, requireRole } from "../auth.ts";
import { iso, minutes, profileOf, profileView } from "../convert.ts";
import { parseCustomersCsv } from "../csv.ts";
import type { Deps } from "../deps.ts";
import type { MiddlewareHandler } from "hono";
import { accepts, limit } from "../guards.ts";
import { flatten, type Issue } from "../issues.ts";
import { Customer, CustomerBatch, CustomerParam, ErrorBody, EventBatch, EventResult, MAX_CUSTOMERS } from "../schemas.ts";
import { ApiError } from "../../engine/live/errors.ts";
import { closest, formatPath } from "../../engine/plan/errors.ts";
import { customerState } from "../../engine/live/customer-state.ts";
import type { LiveEvent } from "../../engine/live/driver.ts";
import type { CompiledPlan } from "../../engine/core/compiled.ts";

const json = (schema: z.ZodType, description: string) => ({ content: { "application/json": { schema } }, description });

/** Announces an events request to the group commit before its body is read (engine/live/group-commit.ts). */
function arriving(driver: Deps["driver"]): MiddlewareHandler {
  return async (c, next) => {
    const a = driver.commits.arrive();
    c.set("arrival" as never, a as never);
    try {
      await next();
    } finally {
      driver.commits.leave(a);
    }
  };
}

/** How far ahead of a system clock an event's time may be: clock skew between the sender and this server. */
export const MAX_AHEAD_MINUTES = 15;
const FEEDBACK_ON_A_CHANNEL = new Set(["unsubscribed", "complained", "bounced"]);

/** A name that is not one of `valid`: what is wrong (`head`), a did-you-mean, and the valid ones. */
function unknown(head: string, name: string, valid: readonly string[], whose: string): string {
  const hint = closest(name, valid);
  return `${head}${hint ? `; did you mean '${hint}'?` : ";"} ${whose} ${valid.length ? valid.join(", ") : "none"}`;
}

/**
 * What the schema cannot know about a batch: the live plan's channels (built-in, or custom: issue 11
 * #11), programs, their messages and categories; the server's clock; and the fields an event type needs
 * to do anything (an unsubscribe without its channel used to be accepted and change nothing; so was
 * feedback naming a program or message the plan does not have, and a contact of an unknown category
 * was counted under the first one). `plan`: the live or paused plan; without one the events are only
 * stored, so there are no programs or categories to check them against. A manual clock takes any
 * time: its events drive it (replays).
 */
function checkEvents(
  compiled: CompiledPlan, plan: boolean, list: { type: string; channel?: string; category?: string; program?: string; message?: string }[],
  times: number[], now: number, systemClock: boolean, batch: boolean,
): void {
  const { channels, programs, categories } = compiled.names;
  const problems = list.flatMap((e, i) => {
    const at = (field: string) => (batch ? ["body", "events", i, field] : ["body", field]);
    const out: { path: (string | number)[]; message: string }[] = [];
    if (e.channel !== undefined && !channels.includes(e.channel)) out.push({ path: at("channel"), message: unknown(`unknown channel '${e.channel}'`, e.channel, channels, "the live plan's channels are") });
    if (e.type === "contact" && e.channel === undefined) {
      out.push({ path: at("channel"), message: `a contact made outside the plan needs its channel, one of ${channels.join(", ")}` });
    }
    if (FEEDBACK_ON_A_CHANNEL.has(e.type) && e.channel === undefined && e.program === undefined) {
      out.push({ path: at("channel"), message: `'${e.type}' needs the channel it concerns, or the message it answers (program and message); to withdraw every consent at once, POST /v1/customers with "consents": []` });
    }
    if (e.message !== undefined && e.program === undefined) {
      out.push({ path: at("program"), message: `message '${e.message}' needs the program it belongs to` });
    }
    if (plan && e.program !== undefined) {
      const p = programs.indexOf(e.program);
      if (p < 0) out.push({ path: at("program"), message: unknown(`unknown program '${e.program}'`, e.program, programs, "the live plan's programs are") });
      else if (e.message !== undefined && !compiled.sends.some((s) => s.program === p && s.message === e.message)) {
        // the program's messages listed only for the error: a valid event allocates nothing here
        const messages = [...new Set(compiled.sends.filter((s) => s.program === p).map((s) => s.message))];
        out.push({ path: at("message"), message: unknown(`program '${e.program}' has no message '${e.message}'`, e.message, messages, "its messages are") });
      }
    }
    if (plan && e.type === "contact" && e.category !== undefined && !categories.includes(e.category)) {
      out.push({ path: at("category"), message: unknown(`unknown category '${e.category}'`, e.category, categories, "the live plan's categories are") });
    }
    if (systemClock && times[i] > now + MAX_AHEAD_MINUTES) {
      out.push({ path: at("time"), message: `${iso(times[i])} is ahead of the server's clock (${iso(now)}): an event is something that happened; send its own time (at most ${MAX_AHEAD_MINUTES} minutes ahead, for clock skew)` });
    }
    return out;
  }).slice(0, 20);
  if (problems.length) throw new ApiError(400, problems.map((p) => `${formatPath(p.path)}: ${p.message}`).join("\n"), problems);
}

export function ingestRoutes(app: OpenAPIHono, { store, driver, clock }: Deps): void {
  app.openapi(createRoute({
    method: "post", path: "/v1/events", tags: ["events"],
    summary: "one event or {events: [...]} (at most 1,000); 2xx = the events and every decision they caused are committed",
    middleware: [arriving(driver), requireRole(store, "ingest"), accepts("application/json"), limit(4 << 20)] as const,
    request: { body: { content: { "application/json": { schema: EventBatch } }, required: true } },
    responses: { 200: json(EventResult, "per event: accepted, duplicate (already processed) or conflict (another event under a taken id: not taken); late = older than the engine's time") },
  }), async (c) => {
    const body = c.req.valid("json");
    const list = "events" in body ? body.events : [body];
    const now = clock.now();
    const events: LiveEvent[] = list.map((e) => (e.time === undefined ? { ...e, time: now, serverTime: true } : { ...e, time: minutes(e.time) }));
    checkEvents(driver.plan.compiled, driver.planRow !== null, list, events.map((e) => e.time), now, clock.kind === "system", "events" in body);
    const submitted = driver.submit(events);
    driver.commits.leave(c.get("arrival" as never));
    const results = await submitted;
    const count = (s: string) => results.filter((r) => r.status === s).length;
    return c.json({ accepted: count("accepted"), duplicates: count("duplicate"), conflicts: count("conflict"), late: results.filter((r) => r.late).length, results }) as never;
  });

  app.openapi(createRoute({
    method: "post", path: "/v1/customers", tags: ["customers"],
    summary: `bulk upsert of profiles and consents: JSON {customers: [...]} or text/csv (at most ${MAX_CUSTOMERS.toLocaleString("en")})`,
    middleware: [requireRole(store, "ingest"), accepts("application/json", "text/csv"), limit(16 << 20)] as const,
    request: { body: { content: { "application/json": { schema: z.any() }, "text/csv": { schema: z.string() } }, required: true } },
    responses: { 200: json(z.object({ created: z.number(), updated: z.number() }), "counts") },
  }), async (c) => {
    const csv = (c.req.header("content-type") ?? "").startsWith("text/csv");
    let raw: unknown, lines: number[] | null = null;
    if (csv) {
      const parsed = parseCustomersCsv(await c.req.text());
      raw = { customers: parsed.rows }, lines = parsed.lines;
    } else raw = await c.req.json(); // a body that is not JSON was answered already (web/guards.ts parsesJson)
    const r = CustomerBatch.safeParse(raw);
    if (!r.success) {
      // JSON's paths as every other route's (body.customers[0].consents[0]; an unknown key at its own path)
      const problems = flatten(r.error.issues as Issue[]).map((i) => {
        const [, row, ...rest] = i.path;
        const where = lines && typeof row === "number" ? `customers.csv:${lines[row]}: ${rest.join(".") || "(row)"}` : formatPath(["body", ...i.path]);
        return { path: where, message: i.message };
      });
      return c.json({ error: problems.map((p) => `${p.path}: ${p.message}`).join("\n"), problems }, 400) as never;
    }
    return c.json(driver.upsert(r.data.customers.map((x) => profileOf(x)))) as never;
  });

  app.openapi(createRoute({
    method: "get", path: "/v1/customers/{id}", tags: ["customers"], summary: "one customer's state: profile, journeys in flight, pressure ledger, pending timers and contacts, the campaign day's sends still owed to it (campaignDay), holdouts, control group",
    middleware: [requireRole(store, ...READERS)] as const,
    request: { params: CustomerParam },
    responses: { 200: json(z.any(), "the customer's state"), 404: json(ErrorBody, "unknown customer") },
  }), (c) => {
    const id = c.req.valid("param").id;
    const s = customerState(driver, id);
    if (!s) throw new ApiError(404, `no customer '${id}'`);
    return c.json({ ...s, profile: profileView(s.row, driver.plan.compiled.names.channels), row: undefined }) as never;
  });

  app.openapi(createRoute({
    method: "delete", path: "/v1/customers/{id}", tags: ["customers"], summary: "GDPR erasure: profile, state, events, pending messages and timers deleted; the erasure is logged without personal data",
    middleware: [requireRole(store, "operator")] as const,
    request: { params: CustomerParam },
    responses: { 200: json(z.object({ erased: z.boolean() }), "done"), 404: json(ErrorBody, "unknown customer") },
  }), (c) => {
    const id = c.req.valid("param").id;
    if (!driver.erase(id)) throw new ApiError(404, `no customer '${id}'`);
    store.audit(clock.now(), keyOf(c).id, "customer.erase", "one customer", {});
    return c.json({ erased: true }) as never;
  });
}

export { Customer };
