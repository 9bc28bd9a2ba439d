/**
 * The API's schemas: one zod definition per body and query, used both to validate requests and to
 * generate /v1/openapi.json, so the document cannot drift from what the server accepts.
 */
import { z } from "@hono/zod-openapi";
import { CHANNELS } from "../engine/core/channels.ts";
import { DATE_TIME, offsetMinutes, parseDate } from "../engine/core/time.ts";
import { MAX_NAME_LENGTH } from "../engine/plan/fields.ts";
import { minutesOf } from "./convert.ts";

/** A built-in channel's name or a custom channel's (engine/plan/custom-channels.ts): the live plan decides which exist. */
const CHANNEL_NAME = /^[a-z][a-z0-9_]{0,31}$/;
import { LIVE_EVENT_TYPES } from "../engine/live/event-kinds.ts";
import { DECISION_STATUS, DELIVERY_STATES, ROLES } from "../engine/live/store.ts";

/** Each body's example, for the message that answers a body that is not JSON (web/guards.ts parsesJson). */
const examples = new WeakMap<z.ZodType, unknown>();
/** `schema` as the document's component `name`, with `example` in the document and in messages. */
function exampled<T extends z.ZodType>(schema: T, name: string, example: unknown): T {
  const s = schema.openapi(name, { example }) as T;
  examples.set(s, example);
  return s;
}
export const exampleOf = (schema: z.ZodType): unknown => examples.get(schema);

/** Events per POST /v1/events batch: large enough for bulk loads, small enough to keep one transaction short. */
export const MAX_BATCH = 1000;
/** Customers per bulk upsert. */
export const MAX_CUSTOMERS = 10_000;

/**
 * An ISO-8601 time that exists: parseDate's layout (with RFC 3339's lower-case `t` and `z` too), then its
 * day within its month, its offset within ±14:00 and its year in range. A date alone is that day at
 * 00:00 UTC; a time of day without an offset is UTC (profiles, the manual clock).
 */
// a time's layout as the engine reads it (engine/core/time.ts DATE_TIME), with RFC 3339's lower-case t and z
const API_TIME = new RegExp(DATE_TIME.source, "i");
const NOT_A_TIME = "this time does not exist, or is out of range: a day past the end of its month, a UTC offset beyond ±14:00, or a year outside 1900 to 2199 (such as 2026-03-01T10:30:00Z)";
const isoTime = z.string()
  .regex(API_TIME, { message: "expected an ISO-8601 time such as 2026-03-01T10:30:00Z" })
  .refine((s) => !API_TIME.test(s) || minutesOf(s) !== null, { message: NOT_A_TIME });
/**
 * An event's time: a date, a time of day and its offset (`Z` or ±HH:MM). Without the offset it used to be
 * taken as UTC: a sender in another zone was hours off, and an event drives the engine's clock.
 */
const EVENT_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})$/;
const eventTime = z.string()
  .regex(EVENT_TIME, { message: "expected an ISO-8601 time with its UTC offset, such as 2026-03-01T10:30:00Z or 2026-03-01T11:30:00+01:00 (without one, which zone is meant is unknown)" })
  .refine((s) => !EVENT_TIME.test(s) || minutesOf(s) !== null, { message: NOT_A_TIME });

const DAY_TEXT = /^\d{4}-\d{2}-\d{2}$/;

/** MM-DD naming a day of the calendar: a month 01–12 and a day within it (02-29 included). */
function isMonthDay(s: string): boolean {
  const m = /^(\d{2})-(\d{2})$/.exec(s);
  return m !== null && parseDate(`2024-${m[1]}-${m[2]}`) !== null; // 2024: a leap year, so 02-29 exists
}

export const Problem = z.object({ path: z.string(), message: z.string(), line: z.number().int().optional() }).openapi("Problem");
export const ErrorBody = z.object({ error: z.string(), problems: z.array(Problem).optional() }).openapi("Error");

export const Event = z.object({
  id: z.string().min(1).max(200).openapi({ description: "idempotency id: the same event again is acknowledged (duplicate) and never processed twice; another event under a taken id is refused (conflict)", example: "evt-0001" }),
  customer: z.string().min(1).max(200).openapi({ example: "C0000001" }),
  type: z.enum(LIVE_EVENT_TYPES).openapi({ description: "`contact` = a contact made outside the plan (counts in pressure rules)" }),
  time: eventTime.optional().openapi({ description: "when it happened, with its UTC offset (default: the server's clock)", example: "2026-01-05T10:30:00Z" }),
  channel: z.string().regex(CHANNEL_NAME, { message: `expected a channel: ${CHANNELS.join(", ")} or a custom channel of the live plan` }).optional()
    .openapi({ description: "channel of a message response, bounce or outside contact: a built-in channel or a custom one the live plan declares (checked against it)" }),
  category: z.string().max(100).optional().openapi({ description: "category of an outside contact (default relational)" }),
  program: z.string().max(MAX_NAME_LENGTH).optional().openapi({ description: "program of the message responded to, or of an attributed purchase; an opened or clicked without it marks no journey (journey.opened: the templates' 'if not opened' follow-ups still go)" }),
  message: z.string().max(MAX_NAME_LENGTH).optional(),
  value: z.number().min(0).max(1e9).optional().openapi({ description: "order value of a purchase" }),
}).strict().openapi("Event");

export const EventBatch = exampled(z.union([Event, z.object({ events: z.array(Event).min(1).max(MAX_BATCH) }).strict()]), "EventBatch", {
  events: [{ id: "ord-1", customer: "C1", type: "purchase", value: 42 }],
});

export const EventResult = z.object({
  accepted: z.number().int(),
  duplicates: z.number().int(),
  conflicts: z.number().int().openapi({ description: "events under an id already taken by another event: not taken" }),
  late: z.number().int(),
  results: z.array(z.object({
    id: z.string(),
    status: z.enum(["accepted", "duplicate", "conflict"]).openapi({ description: "duplicate: this event was taken already (a retry); conflict: the id was taken by another event, this one is not taken" }),
    late: z.boolean().optional(),
    differs: z.array(z.string()).optional().openapi({ description: "conflict: the fields that differ from the event taken under this id (customer, type, time, channel, program, value)" }),
  })),
}).openapi("EventResult");

/** A UTC offset: minutes, or ±HH:MM, within the world's -14:00 to +14:00 either way (engine/core/time.ts). */
const TZ_TEXT = /^[+-]\d{2}:\d{2}$/;
const tz = z.union([
  z.number().int().min(-840).max(840),
  z.string().regex(TZ_TEXT, { message: "expected an offset such as +01:00" })
    .refine((s) => !TZ_TEXT.test(s) || offsetMinutes(s) !== null, { message: "expected an offset from -14:00 to +14:00, minutes under 60" }),
]);

export const Customer = z.object({
  id: z.string().min(1).max(200),
  timezone: tz.optional().openapi({ description: "UTC offset: minutes, or ±HH:MM" }),
  signup: isoTime.optional(),
  consents: z.array(z.enum(CHANNELS, { message: `expected a built-in channel: ${CHANNELS.join(", ")}; a custom channel's consent comes from the attribute its plan names (attributes)` }))
    .optional().openapi({ description: "built-in channels the customer agreed to be contacted on (custom channels: from `attributes`)" }),
  orders: z.number().int().min(0).optional(),
  revenue: z.number().min(0).optional(),
  lastPurchase: isoTime.nullable().optional(),
  lastVisit: isoTime.nullable().optional(),
  lastOpen: isoTime.nullable().optional(),
  lastClick: isoTime.nullable().optional(),
  lastContact: isoTime.nullable().optional(),
  birthday: z.string().refine(isMonthDay, { message: "expected a calendar day as MM-DD, such as 03-14 (02-29 falls on 02-28 in years without one)" }).nullable().optional(),
  score: z.number().min(0).max(1).optional(),
  limit: z.number().min(0).max(1000).optional(),
  rfm: z.number().int().min(0).max(555).optional(),
  attributes: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, { message: "expected an attribute name: letters, digits and '_'" }), z.union([z.string().max(200), z.number(), z.boolean(), z.null()]))
    .optional().openapi({ description: "extra attributes, read by plans as attr.<name>; a custom channel's consent comes from one (docs/live.md). Merged into the stored ones; null clears one" }),
}).strict().openapi("Customer");

export const CustomerBatch = exampled(z.object({ customers: z.array(Customer).min(1).max(MAX_CUSTOMERS) }).strict(), "CustomerBatch", {
  customers: [{ id: "C1", consents: ["email", "sms"], timezone: "+01:00", signup: "2026-01-10T00:00:00Z" }],
});

/** A forecast's options; no body at all is `{}`: every default. */
export const ForecastRequest = exampled(z.object({
  customers: z.number().int().min(100).max(200_000).default(10_000),
  days: z.number().int().min(1).max(730).default(90),
  replications: z.number().int().min(2).max(20).default(3),
  seed: z.number().int().min(0).max(2 ** 31 - 1).default(1),
  start: z.string().regex(DAY_TEXT, { message: "expected a date such as 2026-01-01" })
    .refine((s) => !DAY_TEXT.test(s) || parseDate(s) !== null, { message: "this date does not exist, or is out of range: a day past the end of its month, or a year outside 1900 to 2199" })
    .default("2026-01-01"),
  // a history config is named inside the server's histories folder (cadence serve --histories DIR): no absolute path, no '..'
  population: z.string().regex(/^(synthetic|history:\w[\w.-]*(\/\w[\w.-]*)*)$/, { message: "expected 'synthetic' or 'history:<config.yaml>', a config in the server's histories folder" }).default("synthetic"),
}).strict(), "ForecastRequest", { customers: 10_000, days: 90, replications: 3 });

/**
 * A whole number in a path or query string, in plain digits. z.coerce.number read '0x10' as 16, ' ' and
 * an empty value as 0, '1e3' as 1000 and '1.0' as 1; and said "expected number, received NaN" for a word.
 */
function wholeText(min: number, max: number, valid: string) {
  const DIGITS = /^\d{1,16}$/, message = `expected ${valid}`;
  return z.string().regex(DIGITS, { message }).refine((s) => !DIGITS.test(s) || (Number(s) >= min && Number(s) <= max), { message })
    .transform(Number).openapi({ type: "integer", minimum: min, maximum: max });
}

export const IdParam = z.object({
  id: wholeText(1, Number.MAX_SAFE_INTEGER, "an id: a whole number from 1, in digits (such as 42)").openapi({ param: { name: "id", in: "path" }, example: 1 }),
});
export const CustomerParam = z.object({ id: z.string().min(1).max(200).openapi({ param: { name: "id", in: "path" }, example: "C0000001" }) });

// query strings are strict: a misspelt filter (?state= for ?status=) used to be ignored, and the whole list came back
export const Page = z.object({
  after: wholeText(0, Number.MAX_SAFE_INTEGER, "a cursor: a whole number from 0, in digits (the `next` of the page before)").default(0)
    .openapi({ description: "cursor: the last id already read", default: 0 }),
  limit: wholeText(1, 10_000, "a whole number from 1 to 10000, in digits").default(1000).openapi({ default: 1000 }),
}).strict();
export const OutboxPage = Page.extend({
  status: z.enum(DELIVERY_STATES).optional().openapi({ description: "only messages in this delivery state (unknown: waiting for an operator)" }),
}).strict();
export const ResolveBody = exampled(z.object({
  delivered: z.boolean().openapi({ description: "true: the receiver has it (delivered); false: it did not arrive and is not to be sent (dead)" }),
}).strict(), "ResolveBody", { delivered: true });
// which dead messages a bulk requeue takes: every field narrows it; {} takes every dead message but
// those an operator resolved as not to be sent
export const RequeueBody = exampled(z.object({
  channel: z.string().min(1).max(100).optional().openapi({ description: "only messages on this channel" }),
  deadSince: isoTime.optional().openapi({ description: "only messages dead-lettered at or after this time" }),
  error: z.string().min(1).max(300).optional().openapi({ description: "only messages whose last error contains this text (case-sensitive), such as \"HTTP 503\"" }),
}).strict(), "RequeueBody", { channel: "email", deadSince: "2026-03-02T09:00:00Z", error: "HTTP 503" });
// the store's list (live-sink writes delayed and cancelled too): a second list here refused them with a 400
export const DecisionPage = Page.extend({ status: z.enum(DECISION_STATUS).optional().openapi({ description: "only decisions with this status" }) }).strict();

// the rows the pull routes answer, documented for a client written from /v1/openapi.json (they were `any`)
const TIME = "an ISO-8601 UTC time, such as 2026-03-02T08:00:00Z";
export const OutboxMessage = z.object({
  id: z.number().int().openapi({ description: "the cursor" }),
  key: z.string().openapi({ description: "idempotency key: a receiver acts once per key (a redelivery carries the same)" }),
  plan: z.number().int(), time: z.string().openapi({ description: `when it is due: ${TIME}` }),
  customer: z.string(), program: z.string(), message: z.string(), channel: z.string(), category: z.string(),
  state: z.enum(DELIVERY_STATES), attempts: z.number().int(),
  sending: z.number().int().openapi({ description: "0, or the attempt whose POST is in flight" }), lastError: z.string(),
  changed: z.string().nullable().openapi({ description: `when the webhook or an operator last moved its state (what a requeue's deadSince compares), ${TIME}, to the millisecond; null while neither has (a message not tried yet)` }),
}).openapi("OutboxMessage");
export const Decision = z.object({
  id: z.number().int().openapi({ description: "the cursor" }),
  plan: z.number().int(), time: z.string().openapi({ description: TIME }),
  customer: z.string(), program: z.string(), message: z.string(), channel: z.string(), category: z.string(),
  status: z.enum(DECISION_STATUS),
  rule: z.string().openapi({ description: "the suppressing or deferring rule, the cancel reason, send-window for delayed; empty for sent" }),
  until: z.string().nullable().openapi({ description: `delayed: when its send window lets it go, ${TIME}; else null` }),
  control: z.number().int().openapi({ description: "1: the customer is in the global control group" }),
  why: z.string().openapi({ description: "the decision in words: a rule and the figures it compared" }),
}).openapi("Decision");
export const AuditEntry = z.object({
  id: z.number().int().openapi({ description: "the cursor" }), at: z.string().openapi({ description: TIME }),
  actor: z.string().openapi({ description: "the key id that acted, or cli" }), action: z.string(), target: z.string(), detail: z.any(),
}).openapi("AuditEntry");

export const Plan = z.object({
  id: z.number().int(), name: z.string(), hash: z.string(), engine: z.string(),
  state: z.enum(["draft", "simulated", "approved", "live", "paused", "retired"]), author: z.string(),
  approver: z.string().nullable(), created: z.string(), promoted: z.string().nullable(), retired: z.string().nullable(),
  forecast: z.any().nullable(),
}).openapi("Plan");

export const ClockBody = exampled(z.object({ now: isoTime }).strict(), "ClockBody", { now: "2026-03-02T09:00:00Z" });
/** POST /v1/clock's answer: what its pass did, timers and campaign sends apart (a day's sends are no timer). */
export const ClockAnswer = z.object({
  now: z.string().openapi({ description: "the clock's new time" }),
  fired: z.number().int().openapi({ description: "timers the pass fired: held messages sent at their time, deferred ones retried, journey waits and inactivity checks ended" }),
  campaignSends: z.number().int().openapi({
    description: "campaign sends decided while the pass ran: each customer's campaigns of the days it opened, sent, held for their send time or suppressed by a rule (an event or upload that made its own customer's first meanwhile included)",
  }),
}).strict().openapi("ClockAnswer");
export const KeyIdParam = z.object({
  id: z.string().regex(/^[0-9a-f]{12}$/, { message: "expected a key id: 12 hexadecimal digits, the first column of `cadence keys list`" }).openapi({ param: { name: "id", in: "path" }, example: "f499d6ff5f2d" }),
});
// a name of spaces only was listed as a blank by `cadence keys list` (the CLI's --name refuses it too)
const KEY_NAME = 'expected a name of 1 to 100 characters, not only spaces, such as "shop front"';
export const KeyBody = exampled(z.object({
  role: z.enum(ROLES),
  name: z.string().max(100, { message: KEY_NAME }).refine((s) => s.trim() !== "", { message: KEY_NAME }),
}).strict(), "KeyBody", { role: "ingest", name: "shop front" });
export const Anything = z.any();

/** Retention as /healthz and /v1/metrics/live show it (engine/live/retention.ts); null when rows are kept forever. */
export const RetentionStatus = z.object({
  days: z.number().int(),
  lastPrune: z.object({
    at: z.string(), cutoff: z.string(), events: z.number().int(), decisions: z.number().int(), outbox: z.number().int(), ms: z.number().int(),
  }).nullable().describe("the last pass: its engine time, the cutoff (rows before it went), the rows removed per table, its wall time in ms"),
}).nullable().describe("retention (--retain-days): the setting and the last prune; null when rows are kept forever");

/** A campaign day whose sends are still being made, a slice of customers at a time (engine/live/campaign-debt.ts). */
export const CampaignDayStatus = z.object({
  at: z.string().openapi({ description: "the day's decision time (its start in the plan's timezone, or the promotion's)" }),
  customers: z.number().int().openapi({ description: "customers still owed their sends of the day" }),
  of: z.number().int().openapi({ description: "customers with sends that day" }),
}).nullable().describe("the campaign day in progress; null when none is");

/** The webhook's circuit and expiry as /healthz and /readyz show them (engine/live/webhook.ts status). */
export const WebhookStatus = z.object({
  state: z.enum(["closed", "open", "probing"]), failuresInARow: z.number().int(),
  until: z.string().nullable().openapi({ description: "open: when the next probe may go, to the millisecond; else null" }),
  lastError: z.string(), expireAfter: z.string().openapi({ description: "--webhook-expire-after in its own words, such as 24h,transactional=7d" }),
  expireAfterUnknown: z.array(z.string()).openapi({ description: "the categories expireAfter names that the live plan does not have (with none live, that no plan has by default): their span applies to no message; empty when every one is the plan's" }),
}).nullable().openapi({ description: "the webhook's circuit (null: no webhook): `open` while the receiver is left alone after failures in a row, a Retry-After or timeouts, until `until`; then one message probes it" });

/** GET /readyz, ready (200) or not (503): the same shape. */
export const Readiness = z.object({
  ok: z.boolean(), engine: z.string(), clock: z.enum(["system", "manual"]),
  unknownDeliveries: z.number().int().nullable().openapi({ description: "null when the store does not answer" }),
  webhook: WebhookStatus, now: z.string(), watermark: z.string().openapi({ description: "the engine's time: the latest event or timer processed" }),
  plan: z.object({ id: z.number().int(), state: z.string(), hash: z.string(), engine: z.string() }).nullable(),
});

// the live metrics' rows (engine/live/metrics.ts), documented for a client written from /v1/openapi.json
const Interval = z.object({ lo: z.number(), hi: z.number() });
const Group = z.object({
  customers: z.number().int(), sends: z.number().int(), suppressed: z.number().int(), holdout: z.number().int(),
  conversions: z.number().int(), purchasers: z.number().int(), revenue: z.number(), revenuePerCustomer: z.number(),
});
export const LiveMetrics = z.object({
  plan: z.object({ id: z.number().int(), name: z.string(), hash: z.string(), engine: z.string(), state: z.string(), promoted: z.string() }).nullable(),
  message: z.string().optional().openapi({ description: "no plan live: only `delivery` and `retention` follow" }),
  controlShare: z.number().optional(),
  delivery: z.object(Object.fromEntries(DELIVERY_STATES.map((st) => [st, z.number().int()]))).openapi({ description: "the outbox's messages per delivery state, those retention deleted included" }),
  total: z.object({
    treated: Group, control: Group,
    incrementalRevenuePerCustomer: Interval.extend({ difference: z.number() }).nullable(),
    incrementalRevenue: Interval.extend({ mean: z.number() }).nullable(),
    incrementalRevenueNote: z.string().optional().openapi({ description: "why the two figures above are null (no control group, or none stored yet), in words; absent when they are measured" }),
  }).optional(),
  suppressedByRule: z.record(z.string(), z.number().int()).optional(),
  programs: z.array(z.object({ program: z.string(), treated: Group, control: Group })).optional(),
  retention: RetentionStatus,
}).openapi("LiveMetrics");

export const ForecastVsActual = z.object({
  plan: z.object({ id: z.number().int(), name: z.string(), hash: z.string(), engine: z.string(), state: z.string(), currency: z.string() }),
  period: z.object({
    from: z.string(), to: z.string(), days: z.number(),
    pausedDays: z.number().openapi({ description: "of `days`, those the plan was paused: the forecast is taken for the others" }),
  }),
  population: z.object({ treated: z.number().int(), control: z.number().int(), forecastCustomers: z.number().int(), forecastDays: z.number(), scale: z.number() }),
  metrics: z.array(z.object({
    name: z.enum(["contacts", "reach", "unsubscribes", "complaints", "conversions", "incrementalRevenue"]),
    forecast: z.object({ mean: z.number(), lo: z.number(), hi: z.number() }).openapi({ description: "pro rata to the treated customers and the days the plan ran; a 95 % prediction interval for one run" }),
    actual: z.number().nullable(),
    actualInterval: Interval.nullable().optional().openapi({ description: "incrementalRevenue only: the measured increment's own 95 % interval" }),
    note: z.string().optional().openapi({ description: "incrementalRevenue only, when its actual is null: why it is not measured, in words" }),
    inside: z.boolean().nullable(),
  })),
}).openapi("ForecastVsActual");
