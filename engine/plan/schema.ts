/**
 * JSON Schema (draft 2020-12) of plan files, for editors (YAML language servers read it). Written to
 * docs/plan.schema.json by `deno run -A engine/plan/schema.ts`; a test keeps the file in step.
 */
import { CHANNELS, MAX_CHANNELS } from "../core/channels.ts";
import { RESPONSE_FIELDS } from "./custom-channels.ts";

const CHANNEL_PATTERN = "^[a-z][a-z0-9_]{0,31}$";
import { EVENT_TYPES } from "../core/events.ts";
import { pressureSchema } from "./pressure-rules.ts";
import { worldSchema } from "./world-section.ts";

// A duration needs its unit (a bare 24 could be minutes, hours or days); only 0 may go without one.
const duration = { oneOf: [{ type: "string", pattern: "^\\d+(\\.\\d+)?\\s*(m|min|h|d|w)$" }, { const: 0 }], description: "30m, 12h, 3d or 2w: a unit is required" };
// A duration above 0 (a deferral's delay, a waitFor's timeout): 0 in any unit is refused.
const positiveDuration = { type: "string", pattern: "^(?!0+(\\.0+)?\\s*(m|min|h|d|w)$)\\d+(\\.\\d+)?\\s*(m|min|h|d|w)$", description: "30m, 12h, 3d or 2w, above 0" };
const date = { type: "string", description: "2026-03-01 or 2026-03-01T10:00 (plan timezone)" };
const clock = { type: "string", pattern: "^\\d{1,2}:\\d{2}$" };
const monthDay = {
  oneOf: [{ type: "integer", minimum: 1, maximum: 31 }, { type: "string", pattern: "^(last|(first|second|third|fourth|last|1st|2nd|3rd|4th) (mon|tue|wed|thu|fri|sat|sun)[a-z]*)$" }],
  description: "15 (day of the month; past a shorter month's end: its last day), last, or first mon / last fri",
};
const monthly = { oneOf: [monthDay, { type: "array", items: monthDay, minItems: 1 }] };
const share = { oneOf: [{ type: "number", minimum: 0, maximum: 1 }, { type: "string", pattern: "^\\d+(\\.\\d+)?%$" }] };
const expression = { type: "string", description: "an expression (docs/plan-format.md)" };
const event = { enum: [...EVENT_TYPES] };

const send = {
  type: "object",
  additionalProperties: false,
  required: ["channel", "message"],
  properties: {
    channel: { type: "string", pattern: CHANNEL_PATTERN, description: `${CHANNELS.join(", ")} or a custom channel the plan declares` },
    message: { type: "string" },
    category: { type: "string" },
    offer: { type: "object", additionalProperties: false, properties: { discount: share } },
  },
};

const steps = { type: "array", items: { $ref: "#/$defs/step" } };
const step = {
  oneOf: [
    { const: "exit" },
    { type: "object", additionalProperties: false, required: ["send"], properties: { send } },
    { type: "object", additionalProperties: false, required: ["wait"], properties: { wait: duration } },
    { type: "object", additionalProperties: false, required: ["exit"], properties: { exit: { const: true } } },
    {
      type: "object", additionalProperties: false, required: ["waitFor"],
      properties: { waitFor: { type: "object", additionalProperties: false, required: ["event", "timeout"], properties: { event, timeout: positiveDuration, then: steps, onTimeout: steps } } },
    },
    {
      type: "object", additionalProperties: false, required: ["branch"],
      properties: { branch: { type: "object", additionalProperties: false, required: ["if"], properties: { if: expression, then: steps, else: steps } } },
    },
    {
      type: "object", additionalProperties: false, required: ["split"],
      properties: { split: { type: "array", minItems: 2, items: { type: "object", additionalProperties: false, properties: { weight: { type: "number", minimum: 0 }, steps } } } },
    },
  ],
};

const common = {
  id: { type: "string", pattern: "^[A-Za-z0-9][\\w.-]*$" },
  description: { type: "string" },
  priority: { type: ["number", "string"], description: "a number, or an expression giving one (higher wins)" },
  holdout: share,
  onBlocked: { oneOf: [{ const: "drop" }, { type: "string", pattern: "^defer\\((?!\\s*0+(\\.0+)?\\s*(m|min|h|d|w)?\\s*\\)).+\\)$" }, { type: "object", properties: { defer: positiveDuration }, additionalProperties: false }] },
};

const journey = {
  type: "object",
  additionalProperties: false,
  required: ["id", "type", "trigger", "steps"],
  properties: {
    ...common,
    type: { const: "journey" },
    trigger: { oneOf: [event, { type: "object", additionalProperties: false, required: ["event"], properties: { event, condition: expression, days: { type: "integer", minimum: 1 } } }] },
    reentry: { oneOf: [{ enum: ["once", "always"] }, { type: "object", additionalProperties: false, properties: { cooldown: duration } }] },
    exitOn: { type: "array", items: event },
    steps,
  },
};

const campaign = {
  type: "object",
  additionalProperties: false,
  required: ["id", "type", "schedule", "send"],
  properties: {
    ...common,
    type: { const: "campaign" },
    schedule: {
      type: "object",
      additionalProperties: false,
      properties: { once: date, every: duration, weekly: { type: "array", items: { enum: ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] }, minItems: 1 }, monthly: monthly, dates: { type: "array", items: date, minItems: 1, uniqueItems: true }, at: clock, start: date, end: date },
    },
    audience: expression,
    targeted: { type: "object", additionalProperties: false, properties: { share: { oneOf: [{ type: "number", exclusiveMinimum: 0, maximum: 1 }, { type: "string", pattern: "^(?!0+(\\.0+)?%$)\\d+(\\.\\d+)?%$" }] }, score: expression } },
    send,
  },
};

const template = {
  type: "object",
  required: ["use"],
  properties: { use: { type: "string", description: "programs/<name>: a template from scenarios/programs" }, with: { type: "object" } },
};

const channel = {
  type: "object",
  additionalProperties: false,
  properties: {
    cost: { type: "number", minimum: 0 },
    consent: { enum: [...CHANNELS, "none"] },
    latency: duration,
    window: { type: ["string", "null"], description: "HH:MM-HH:MM in the customer's local time, or always" },
    maxDefer: duration,
    capacity: { type: ["number", "null"], minimum: 0 },
  },
};

/** A custom channel (engine/plan/custom-channels.ts): the channel fields, plus consent from an attribute, like:, consentShare and response. */
const customChannel = {
  type: "object",
  additionalProperties: false,
  required: ["consent"],
  properties: {
    ...channel.properties,
    consent: { type: "string", pattern: "^(attr\\.[A-Za-z_][A-Za-z0-9_]*|none)$", description: "attr.<attribute> (a truthy customer attribute is the consent) or none" },
    like: { enum: [...CHANNELS], description: "the built-in channel whose settings and response it starts from" },
    consentShare: { type: "number", minimum: 0, maximum: 1, description: "synthetic customers: share with the attribute true" },
    response: { type: "object", additionalProperties: false, properties: Object.fromEntries(RESPONSE_FIELDS.map((k) => [k, { type: "number", minimum: 0 }])) },
  },
};

export const planSchema = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: "https://cadence.invalid/plan.schema.json",
  title: "Cadence plan",
  type: "object",
  additionalProperties: false,
  properties: {
    name: { type: "string" },
    description: { type: "string" },
    currency: { type: "string" },
    timezone: { type: ["string", "number"] },
    margin: { type: "number", minimum: 0, maximum: 1 },
    channels: {
      type: "object", additionalProperties: false, properties: Object.fromEntries(CHANNELS.map((c) => [c, channel])),
      // a built-in name matches `properties` only (a custom channel's schema would ask it for a consent attribute)
      patternProperties: { [`^(?!(${CHANNELS.join("|")})$)[a-z][a-z0-9_]{0,31}$`]: customChannel }, maxProperties: MAX_CHANNELS,
      description: "the built-in channels, and at most 11 custom ones (docs/plan-format.md \"Custom channels\")",
    },
    categories: { type: "array", items: { type: "string" }, description: "extra message categories; at most 32 with the 3 defaults (transactional, relational, promotional)" },
    addressOnly: { type: "array", items: { type: "string" }, description: "categories that need a reachable address only, not the marketing opt-in (default: transactional)" },
    pressure: pressureSchema,
    programs: { type: "array", items: { oneOf: [journey, campaign, template] } },
    world: worldSchema(),
  },
  $defs: {
    step,
    filter: {
      type: "object",
      additionalProperties: false,
      // an empty list would match no message
      properties: { channels: { type: "array", items: { type: "string", pattern: CHANNEL_PATTERN }, minItems: 1 }, categories: { type: "array", items: { type: "string" }, minItems: 1 }, programs: { type: "array", items: { type: "string" }, minItems: 1 } },
    },
  },
};

export const schemaText = (): string => JSON.stringify(planSchema, null, 2) + "\n";

if (import.meta.main) {
  Deno.writeTextFileSync(new URL("../../docs/plan.schema.json", import.meta.url), schemaText());
  console.log("wrote docs/plan.schema.json");
}
