/**
 * JSON Schema (draft 2020-12) of plan files, for editors (YAML language servers read it). Written to
 * docs/plan.schema.json by `deno run -A engine/plan/schema.ts`; a test keeps the file in step.
 */
import { BUILTIN_CHANNELS, CHANNELS, DEFAULT_CATEGORIES, MAX_CHANNELS } from "../core/channels.ts";
import { EVENT_TYPES } from "../core/events.ts";
import { SERIES } from "../sim/metrics.ts";
import { RESPONSE_FIELDS } from "./custom-channels.ts";
import { pressureSchema } from "./pressure-rules.ts";
import { worldSchema } from "./world-section.ts";
import { rangeOf, rangeSchema } from "./world-ranges.ts";
import { MAX_NAME_LENGTH, MAX_PRIORITY } from "./fields.ts";
import {
  anyCase, clock, date, deferText, duration, everyDuration, planTimezone, positiveDuration, positiveShare, sendWindow, share, text,
} from "./schema-patterns.ts";

const CHANNEL_PATTERN = "^[a-z][a-z0-9_]{0,31}$";
const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const FULL_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
const ORDINALS = ["first", "second", "third", "fourth", "last", "1st", "2nd", "3rd", "4th"];
// monthly-schedule.ts: a number, or words read in any case and split on spaces
const monthDay = {
  oneOf: [
    { type: "integer", minimum: 1, maximum: 31 },
    {
      type: "string",
      pattern: `^\\s*(?:0*(?:[1-9]|[12]\\d|3[01])|${anyCase("last")}|(?:${ORDINALS.map(anyCase).join("|")})\\s+(?:${[...FULL_WEEKDAYS, ...WEEKDAYS].map(anyCase).join("|")}))\\s*$`,
    },
  ],
  description: "15 (day of the month; past a shorter month's end: its last day), last, or first mon / last friday",
};
const monthly = { oneOf: [monthDay, { type: "array", items: monthDay, minItems: 1 }] };
const expression = { ...text, description: "an expression (docs/plan-format.md)" };
const event = { enum: [...EVENT_TYPES] };
const weekday = { enum: WEEKDAYS };

const send = {
  type: "object",
  additionalProperties: false,
  required: ["channel", "message"],
  properties: {
    channel: { type: "string", pattern: CHANNEL_PATTERN, description: `${CHANNELS.join(", ")} or a custom channel the plan declares` },
    message: { ...text, maxLength: MAX_NAME_LENGTH },
    category: { type: "string", description: "transactional, relational, promotional (the default) or a category the plan declares" },
    offer: { type: "object", additionalProperties: false, properties: { discount: share } },
  },
};

const steps = { type: "array", items: { $ref: "#/$defs/step" } };
const step = {
  oneOf: [
    { const: "exit" },
    { type: "object", additionalProperties: false, required: ["send"], properties: { send } },
    { type: "object", additionalProperties: false, required: ["wait"], properties: { wait: duration } },
    { type: "object", additionalProperties: false, required: ["exit"], properties: { exit: { enum: [true, null] } } },
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
      properties: {
        split: {
          type: "array",
          minItems: 2,
          items: { type: "object", additionalProperties: false, properties: { weight: { type: "number", minimum: 0, maximum: 1e6 }, steps: { type: ["array", "null"], items: { $ref: "#/$defs/step" } } } },
          // an arm without a weight weighs 1
          contains: { not: { required: ["weight"], properties: { weight: { const: 0 } } } },
          description: "at least two arms, one of them weighing more than 0",
        },
      },
    },
  ],
};

const common = {
  id: { type: "string", pattern: "^[A-Za-z0-9][\\w.-]*$", maxLength: MAX_NAME_LENGTH },
  description: text,
  priority: { oneOf: [{ type: "number", minimum: -MAX_PRIORITY, maximum: MAX_PRIORITY }, text], description: "a number, or an expression giving one (higher wins)" },
  holdout: share,
  onBlocked: { oneOf: [{ const: "drop" }, deferText, { type: "object", properties: { defer: positiveDuration }, required: ["defer"], additionalProperties: false }] },
};

const journey = {
  type: "object",
  additionalProperties: false,
  required: ["id", "type", "trigger", "steps"],
  properties: {
    ...common,
    type: { const: "journey" },
    trigger: {
      oneOf: [
        { enum: EVENT_TYPES.filter((e) => e !== "inactive"), description: "an event; inactive needs { event: inactive, days }" },
        {
          type: "object", additionalProperties: false, required: ["event"],
          properties: { event, condition: expression, days: { type: "integer", minimum: 1, maximum: 3650, description: "whole days without a purchase (inactive only)" } },
          if: { properties: { event: { const: "inactive" } } }, then: { required: ["days"] }, else: { properties: { days: false } },
        },
      ],
    },
    reentry: { oneOf: [{ enum: ["once", "always"] }, { type: "object", additionalProperties: false, required: ["cooldown"], properties: { cooldown: duration } }] },
    exitOn: { type: ["array", "null"], items: event },
    steps: { ...steps, minItems: 1 },
  },
};

// a schedule has exactly one kind; start and end bound the recurring ones only
const KINDS = ["once", "every", "weekly", "monthly", "dates"];
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
      properties: {
        once: date, every: everyDuration, weekly: { oneOf: [weekday, { type: "array", items: weekday, minItems: 1 }] }, monthly,
        dates: { type: "array", items: date, minItems: 1, uniqueItems: true }, at: clock, start: date, end: date,
      },
      oneOf: KINDS.map((k) => ({
        required: [k],
        properties: Object.fromEntries([...KINDS.filter((o) => o !== k), ...(k === "once" || k === "dates" ? ["start", "end"] : [])].map((o) => [o, false])),
      })),
    },
    audience: expression,
    targeted: { type: "object", additionalProperties: false, properties: { share: positiveShare, score: expression } },
    send,
  },
};

// validate.ts's program fields: a template's overrides are merged into its program, then validated as one
const PROGRAM_FIELDS = [...new Set([...Object.keys(journey.properties), ...Object.keys(campaign.properties)])];
const template = {
  type: "object",
  required: ["use"],
  propertyNames: { enum: ["use", "with", ...PROGRAM_FIELDS] },
  properties: {
    use: { type: "string", pattern: "^(?!.*\\.\\.)[\\w./-]+$", description: "programs/<name>: a template from scenarios/programs" },
    with: { type: "object" },
  },
};

const channelFields = {
  cost: { type: "number", minimum: 0, maximum: 1e6 },
  consent: { enum: [...CHANNELS, "none"] },
  latency: duration,
  window: { $ref: "#/$defs/window" },
  maxDefer: duration,
  capacity: { type: ["integer", "null"], minimum: 0, maximum: 1e9, description: "contacts a day: a whole number" },
};
// a built-in channel with nothing after it (`email:`) takes its defaults
const channel = { type: ["object", "null"], additionalProperties: false, properties: channelFields };

/** A custom channel (engine/plan/custom-channels.ts): the channel fields, plus consent from an attribute, like:, consentShare and response. */
const customChannel = {
  type: "object",
  additionalProperties: false,
  required: ["consent"],
  properties: {
    ...channelFields,
    consent: { type: "string", pattern: "^(attr\\.[A-Za-z_][A-Za-z0-9_]*|none)$", description: "attr.<attribute> (a truthy customer attribute is the consent) or none" },
    like: { enum: [...CHANNELS], description: "the built-in channel whose settings and response it starts from" },
    consentShare: { type: "number", minimum: 0, maximum: 1, description: "synthetic customers: share with the attribute true" },
    response: {
      type: "object",
      additionalProperties: false,
      properties: Object.fromEntries(RESPONSE_FIELDS.map((k) => [k, rangeSchema(rangeOf(`channels.*.${k}`))])),
    },
  },
};

// custom-channels.ts customNameProblem: not a built-in name give or take '_', not a reserved word, a
// run's daily series or a default category (channel and category names share pressure weights)
const spaced = (name: string) => [...name].join("_*");
const CUSTOM_NAME = `^(?!(?:${CHANNELS.map(spaced).join("|")})_*$)(?!(?:${["none", "all", ...SERIES, ...DEFAULT_CATEGORIES].join("|")})$)[a-z][a-z0-9_]{0,31}$`;

/** At most MAX_CHANNELS - BUILTIN_CHANNELS custom channels, however many built-in ones the plan lists. */
function customChannelLimit(i = 0, builtins = 0): object {
  if (i === CHANNELS.length) return { maxProperties: MAX_CHANNELS - BUILTIN_CHANNELS + builtins };
  return { if: { required: [CHANNELS[i]] }, then: customChannelLimit(i + 1, builtins + 1), else: customChannelLimit(i + 1, builtins) };
}

export const planSchema = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: "https://cadence.invalid/plan.schema.json",
  title: "Cadence plan",
  type: "object",
  additionalProperties: false,
  properties: {
    name: text,
    description: text,
    currency: text,
    timezone: planTimezone,
    margin: { type: "number", minimum: 0, maximum: 1 },
    channels: {
      type: "object", additionalProperties: false, properties: Object.fromEntries(CHANNELS.map((c) => [c, { $ref: "#/$defs/channel" }])),
      // a built-in name matches `properties` only (a custom channel's schema would ask it for a consent attribute)
      patternProperties: { [CUSTOM_NAME]: customChannel },
      ...customChannelLimit(),
      description: `the built-in channels, and at most ${MAX_CHANNELS - BUILTIN_CHANNELS} custom ones (docs/plan-format.md "Custom channels")`,
    },
    categories: {
      type: ["array", "null"],
      items: { type: "string", pattern: `^(?!(?:${CHANNELS.join("|")})$)[\\s\\S]*\\S` },
      description: "extra message categories, not named like a channel; at most 32 with the 3 defaults (transactional, relational, promotional)",
    },
    addressOnly: { type: "array", items: { type: "string" }, description: "categories that need a reachable address only, not the marketing opt-in (default: transactional)" },
    pressure: pressureSchema,
    programs: { type: ["array", "null"], items: { oneOf: [journey, campaign, template] } },
    world: worldSchema(),
  },
  $defs: {
    step,
    channel,
    window: sendWindow,
    filter: {
      type: "object",
      additionalProperties: false,
      // one name, or a list of them: an empty list would match no message
      properties: Object.fromEntries(["channels", "categories", "programs"].map((k) => {
        const name = k === "channels" ? { type: "string", pattern: CHANNEL_PATTERN } : { type: "string" };
        return [k, { oneOf: [name, { type: "array", items: name, minItems: 1 }] }];
      })),
    },
  },
};

export const schemaText = (): string => JSON.stringify(planSchema, null, 2) + "\n";

if (import.meta.main) {
  Deno.writeTextFileSync(new URL("../../docs/plan.schema.json", import.meta.url), schemaText());
  console.log("wrote docs/plan.schema.json");
}
