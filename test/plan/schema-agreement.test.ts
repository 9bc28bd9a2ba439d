/**
 * docs/plan.schema.json against the plan loader, case by case: each fragment below is a small complete
 * plan; the loader's verdict (parsePlan loads it or throws an InputError) and the schema's (a JSON Schema
 * validator on the same parsed YAML) must agree. An editor that flags a plan the tool runs, or passes
 * one the tool refuses, misleads its user.
 * What JSON Schema cannot say (references between fields, expressions, files) is listed in EXCEPTIONS
 * with the reason; what the loader lets through but should not is listed in LOADER_GAPS. Both tables are
 * checked too, so an entry that stops being true fails the test and is removed.
 */
import { describe, expect, it } from "vitest";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../../engine/plan/errors.ts";
import { loadPlan, parsePlan, SCENARIOS_DIR } from "../../engine/plan/load.ts";
import { parseYaml } from "../../engine/plan/yaml.ts";
import { CHANNELS_ALL } from "../helpers.ts";

import { validate } from "./json-schema.ts";

// the file editors are given; schema.test.ts keeps it equal to the generated schema
const schema = JSON.parse(readFileSync("docs/plan.schema.json", "utf8"));

const loads = (yaml: string): true | string => {
  try {
    parsePlan(yaml, "case.yaml");
    return true;
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    return e.message;
  }
};
const fits = (value: unknown): true | string => {
  const problems = validate(schema, value);
  return !problems.length || problems.join("; ");
};
const fitsYaml = (yaml: string) => fits(parseYaml(yaml, "case.yaml").value);

// Builders: each gives a whole plan around the fragment under test.
const CH = "channels:\n  email: {}\n";
const top = (yaml: string) => `${CH}${yaml}\n`;
const channels = (yaml: string) => `channels:\n  email: {}\n${yaml}\n`;
const journey = ({ trigger = "signup", steps = "[{ wait: 1d }]", extra = "" } = {}) =>
  `${CH}programs:\n  - { id: j, type: journey, trigger: ${trigger}, steps: ${steps}${extra ? `, ${extra}` : ""} }\n`;
const step = (s: string) => journey({ steps: `[${s}]` });
const campaign = ({ schedule = "{ weekly: [mon] }", extra = "" } = {}) =>
  `${CH}programs:\n  - { id: c, type: campaign, schedule: ${schedule}, send: { channel: email, message: m }${extra ? `, ${extra}` : ""} }\n`;
const schedule = (s: string) => campaign({ schedule: s });
const rule = (r: string) => `${CH}pressure:\n  rules:\n    - ${r}\n`;
const customs = (n: number, builtins = "") =>
  `channels:\n${builtins}${Array.from({ length: n }, (_, i) => `  c${i}: { consent: none }\n`).join("")}`;

type Case = [valid: boolean, label: string, plan: string];

const CASES: Case[] = [
  // top level
  [true, "an empty plan", "{}\n"],
  [true, "programs: with nothing after it", top("programs:")],
  [true, "categories: with nothing after it", top("categories:")],
  [true, "pressure: with nothing after it", top("pressure:")],
  [false, "addressOnly: with nothing after it", top("addressOnly:")],
  [false, "channels: with nothing after it", "channels:\n"],
  [true, "a name", top("name: spring")],
  [false, "an empty name", top("name: ''")],
  [false, "a blank name", top("name: '  '")],
  [false, "an empty description", top("description: ''")],
  [false, "an empty currency", top("currency: ''")],
  [true, "timezone +01:00", top("timezone: '+01:00'")],
  [true, "timezone -05:30", top("timezone: '-05:30'")],
  [true, "timezone +0100", top("timezone: '+0100'")],
  [true, "timezone +14:00", top("timezone: '+14:00'")],
  [true, "timezone UTC", top("timezone: UTC")],
  [true, "timezone Z", top("timezone: Z")],
  [false, "timezone in minutes", top("timezone: -840")],
  [false, "timezone in hours", top("timezone: 1")],
  [true, "timezone 0", top("timezone: 0")],
  [false, "timezone Europe/Paris", top("timezone: Europe/Paris")],
  [false, "timezone +25:00", top("timezone: '+25:00'")],
  [false, "timezone +14:30", top("timezone: '+14:30'")],
  [false, "a rule timezone +25:00 (the loader took it)", rule("{ name: r, cap: 1, calendar: day, timezone: '+25:00' }")],
  [false, "a rule timezone +01:60", rule("{ name: r, cap: 1, calendar: day, timezone: '+01:60' }")],
  [true, "a rule timezone -05:30", rule("{ name: r, cap: 1, calendar: day, timezone: '-05:30' }")],
  [false, "timezone +01:60", top("timezone: '+01:60'")],
  [false, "timezone utc", top("timezone: utc")],
  [false, "timezone 841 minutes", top("timezone: 841")],
  [false, "timezone 1.5 minutes", top("timezone: 1.5")],
  [false, "margin 1.5", top("margin: 1.5")],
  [true, "a category", top("categories: [vip]")],
  [false, "an empty category", top("categories: ['']")],
  [false, "a category named after a built-in channel", top("categories: [sms]")],
  [true, "addressOnly names a category", top("addressOnly: [relational]")],

  // channels
  [true, "email: with nothing after it", "channels:\n  email:\n"],
  [true, "sms window 09:00-20:00", channels("  sms: { window: '09:00-20:00' }")],
  [true, "sms window 9:00 - 20:00", channels("  sms: { window: '9:00 - 20:00' }")],
  [true, "sms window 00:00-24:00", channels("  sms: { window: '00:00-24:00' }")],
  [true, "sms window 09:59-10:00", channels("  sms: { window: '09:59-10:00' }")],
  [true, "sms window always", channels("  sms: { window: always }")],
  [true, "sms window null", channels("  sms: { window: null }")],
  [false, "sms window 9-20", channels("  sms: { window: '9-20' }")],
  [false, "sms window 22:00-06:00 (closes before it opens)", channels("  sms: { window: '22:00-06:00' }")],
  [false, "sms window 10:00-10:00", channels("  sms: { window: '10:00-10:00' }")],
  [false, "sms window 10:30-10:05", channels("  sms: { window: '10:30-10:05' }")],
  [false, "sms window 09:00-24:01", channels("  sms: { window: '09:00-24:01' }")],
  [false, "sms window 09:00-25:00", channels("  sms: { window: '09:00-25:00' }")],
  [true, "a built-in channel's consent from another", channels("  sms: { consent: email }")],
  [false, "a built-in channel's consent from an attribute", channels("  sms: { consent: attr.x }")],
  [false, "a negative cost", channels("  sms: { cost: -1 }")],
  [true, "latency '0'", channels("  sms: { latency: '0' }")],
  [false, "latency '1' (no unit)", channels("  sms: { latency: '1' }")],
  [true, "capacity null", channels("  sms: { capacity: null }")],
  [true, "a custom channel", channels("  in_app: { consent: attr.app_user, like: push, response: { open: 0.2, gapDays: 2 } }")],
  [false, "a custom channel with nothing after it", channels("  in_app:")],
  [false, "a custom channel without consent", channels("  in_app: { like: push }")],
  [false, "a custom channel named none", channels("  none: { consent: none }")],
  [false, "a custom channel named all", channels("  all: { consent: none }")],
  [false, "a custom channel named e_mail", channels("  e_mail: { consent: none }")],
  [false, "a custom channel named sms_", channels("  sms_: { consent: none }")],
  [false, "a custom channel named revenue", channels("  revenue: { consent: none }")],
  [false, "a custom channel named baselineRevenue", channels("  baselineRevenue: { consent: none }")],
  [false, "a custom channel named promotional", channels("  promotional: { consent: none }")],
  [false, "a custom channel named In_App", channels("  In_App: { consent: none }")],
  [false, "a custom channel's response share above 1", channels("  in_app: { consent: none, response: { open: 1.5 } }")],
  [false, "a custom channel's response gapDays 0", channels("  in_app: { consent: none, response: { gapDays: 0 } }")],
  [false, "a custom channel's consentShare 2", channels("  in_app: { consent: none, consentShare: 2 }")],
  [true, "11 custom channels", customs(11)],
  [true, "11 custom channels beside the 5 built-in ones", customs(11, "  email: {}\n  sms: {}\n  push: {}\n  mail: {}\n  call: {}\n")],
  [false, "12 custom channels", customs(12)],
  [false, "12 custom channels beside 4 built-in ones", customs(12, "  email: {}\n  sms: {}\n  push: {}\n  mail: {}\n")],

  // programs: common fields
  [true, "holdout 10%", journey({ extra: "holdout: '10%'" })],
  [true, "holdout 100%", journey({ extra: "holdout: '100%'" })],
  [true, "holdout ' 10% '", journey({ extra: "holdout: ' 10% '" })],
  [true, "holdout 0.1", journey({ extra: "holdout: 0.1" })],
  [false, "holdout 200%", journey({ extra: "holdout: '200%'" })],
  [false, "holdout 100.5%", journey({ extra: "holdout: '100.5%'" })],
  [false, "holdout 1.5", journey({ extra: "holdout: 1.5" })],
  [false, "an empty program description", journey({ extra: "description: ''" })],
  [true, "priority 5", journey({ extra: "priority: 5" })],
  [true, "priority as an expression", journey({ extra: "priority: score" })],
  [false, "an empty priority", journey({ extra: "priority: ''" })],
  [false, "priority 2e6", journey({ extra: "priority: 2000000" })],
  [false, "an id starting with '-'", journey().replace("id: j", "id: -j")],
  [true, "onBlocked drop", journey({ extra: "onBlocked: drop" })],
  [true, "onBlocked defer(2d)", journey({ extra: "onBlocked: defer(2d)" })],
  [true, "onBlocked defer( 2d )", journey({ extra: "onBlocked: 'defer( 2d )'" })],
  [true, "onBlocked { defer: 2d }", journey({ extra: "onBlocked: { defer: 2d }" })],
  [false, "onBlocked defer(2)", journey({ extra: "onBlocked: defer(2)" })],
  [false, "onBlocked defer(0h)", journey({ extra: "onBlocked: defer(0h)" })],
  [false, "onBlocked defer(soon)", journey({ extra: "onBlocked: defer(soon)" })],
  [false, "onBlocked { defer: 0 }", journey({ extra: "onBlocked: { defer: 0 }" })],
  [false, "onBlocked {}", journey({ extra: "onBlocked: {}" })],
  [false, "onBlocked Drop", journey({ extra: "onBlocked: Drop" })],

  // journeys
  [true, "trigger { event, condition }", journey({ trigger: "{ event: signup, condition: 'true' }" })],
  [true, "an inactive trigger with days", journey({ trigger: "{ event: inactive, days: 90 }" })],
  [false, "trigger days 1.5 (a fraction: the journey never started)", journey({ trigger: "{ event: inactive, days: 1.5 }" })],
  [false, "trigger days 0", journey({ trigger: "{ event: inactive, days: 0 }" })],
  [false, "trigger days 4000", journey({ trigger: "{ event: inactive, days: 4000 }" })],
  [false, "an inactive trigger without days", journey({ trigger: "{ event: inactive }" })],
  [false, "trigger: inactive", journey({ trigger: "inactive" })],
  [false, "days on a signup trigger", journey({ trigger: "{ event: signup, days: 3 }" })],
  [false, "an unknown event", journey({ trigger: "nope" })],
  [false, "an empty trigger condition", journey({ trigger: "{ event: signup, condition: '' }" })],
  [true, "reentry { cooldown: 30d }", journey({ extra: "reentry: { cooldown: 30d }" })],
  [false, "reentry {}", journey({ extra: "reentry: {}" })],
  [false, "reentry { cooldown: '30' }", journey({ extra: "reentry: { cooldown: '30' }" })],
  [true, "exitOn: with nothing after it", journey({ extra: "exitOn: null" })],
  [false, "steps: []", journey({ steps: "[]" })],
  [false, "no steps", `${CH}programs:\n  - { id: j, type: journey, trigger: signup }\n`],
  [true, "wait: '0'", step("{ wait: '0' }")],
  [true, "wait: 0", step("{ wait: 0 }")],
  [true, "wait: ' 2 d '", step("{ wait: ' 2 d ' }")],
  [true, "wait: 30min", step("{ wait: 30min }")],
  [false, "wait: '2' (no unit)", step("{ wait: '2' }")],
  [false, "wait: 2 (no unit)", step("{ wait: 2 }")],
  [false, "wait: -1d", step("{ wait: -1d }")],
  [false, "wait: 2 days", step("{ wait: 2 days }")],
  [true, "- exit", step("exit")],
  [true, "exit: true", step("{ exit: true }")],
  [true, "exit: with nothing after it", step("{ exit: null }")],
  [false, "exit: false", step("{ exit: false }")],
  [true, "waitFor", step("{ waitFor: { event: opened, timeout: 3d, then: [{ wait: 1d }], onTimeout: [] } }")],
  [false, "waitFor timeout 0", step("{ waitFor: { event: opened, timeout: 0 } }")],
  [false, "waitFor without timeout", step("{ waitFor: { event: opened } }")],
  [false, "waitFor without event (the loader waited for signup)", step("{ waitFor: { timeout: 3d } }")],
  [false, "a message name of 201 characters", step(`{ send: { channel: email, message: ${"m".repeat(201)} } }`)],
  [true, "a message name of 200 characters", step(`{ send: { channel: email, message: ${"m".repeat(200)} } }`)],
  [true, "branch", step("{ branch: { if: 'true', then: [exit] } }")],
  [false, "branch with an empty if", step("{ branch: { if: '' } }")],
  [false, "branch without if", step("{ branch: { then: [exit] } }")],
  [true, "split", step("{ split: [{ weight: 1, steps: [{ wait: 1d }] }, { steps: null }] }")],
  [true, "split with one arm weighted 0", step("{ split: [{ weight: 0 }, { weight: 2 }] }")],
  [false, "split with one arm", step("{ split: [{ weight: 1 }] }")],
  [false, "split with every weight 0", step("{ split: [{ weight: 0 }, { weight: 0 }] }")],
  [false, "split with a null arm", step("{ split: [{ weight: 1 }, null] }")],
  [false, "two step kinds in one step", step("{ wait: 1d, exit: true }")],
  [false, "an unknown step", step("{ sleep: 1d }")],
  [true, "send with category and offer", step("{ send: { channel: email, message: m, category: relational, offer: { discount: '10%' } } }")],
  [false, "send with an empty message", step("{ send: { channel: email, message: '' } }")],
  [false, "send without channel", step("{ send: { message: m } }")],
  [false, "send with an offer of 200%", step("{ send: { channel: email, message: m, offer: { discount: '200%' } } }")],

  // campaigns
  [true, "weekly: [mon]", schedule("{ weekly: [mon] }")],
  [true, "weekly: tue", schedule("{ weekly: tue }")],
  [false, "weekly: []", schedule("{ weekly: [] }")],
  [false, "weekly: funday", schedule("{ weekly: funday }")],
  [false, "weekly: Tue", schedule("{ weekly: Tue }")],
  [true, "monthly: 15", schedule("{ monthly: 15 }")],
  [true, "monthly: '15'", schedule("{ monthly: '15' }")],
  [true, "monthly: '01'", schedule("{ monthly: '01' }")],
  [true, "monthly: 'Last Friday'", schedule("{ monthly: 'Last Friday' }")],
  [true, "monthly: ' first  mon '", schedule("{ monthly: ' first  mon ' }")],
  [true, "monthly: 2nd tuesday", schedule("{ monthly: 2nd tuesday }")],
  [true, "monthly: LAST", schedule("{ monthly: LAST }")],
  [true, "monthly: [1, last]", schedule("{ monthly: [1, last] }")],
  [false, "monthly: 0", schedule("{ monthly: 0 }")],
  [false, "monthly: '32'", schedule("{ monthly: '32' }")],
  [false, "monthly: 15.5", schedule("{ monthly: 15.5 }")],
  [false, "monthly: fifth mon", schedule("{ monthly: fifth mon }")],
  [false, "monthly: first monx", schedule("{ monthly: first monx }")],
  [false, "monthly: []", schedule("{ monthly: [] }")],
  [true, "every: 1h", schedule("{ every: 1h }")],
  [true, "every: 60m", schedule("{ every: 60m }")],
  [true, "every: 59.5m (rounds to 60 minutes)", schedule("{ every: 59.5m }")],
  [true, "every: 1.5h", schedule("{ every: 1.5h }")],
  [true, "every: 0.05d (72 minutes)", schedule("{ every: 0.05d }")],
  [true, "every: 2w", schedule("{ every: 2w }")],
  [false, "every: 30m", schedule("{ every: 30m }")],
  [false, "every: 59m", schedule("{ every: 59m }")],
  [false, "every: 0.5h", schedule("{ every: 0.5h }")],
  [false, "every: 0.04d (58 minutes)", schedule("{ every: 0.04d }")],
  [false, "every: 0", schedule("{ every: 0 }")],
  [true, "once", schedule("{ once: 2026-03-01 }")],
  [true, "once with a time", schedule("{ once: '2026-03-01T10:00' }")],
  [false, "once 2026-13-01", schedule("{ once: 2026-13-01 }")],
  [false, "once soon", schedule("{ once: soon }")],
  [false, "once in 2300", schedule("{ once: 2300-01-01 }")],
  [true, "dates", schedule("{ dates: [2026-03-01, 2026-04-01] }")],
  [false, "dates: []", schedule("{ dates: [] }")],
  [false, "a date given twice", schedule("{ dates: [2026-03-01, 2026-03-01] }")],
  [true, "at 9:30", schedule("{ weekly: [mon], at: '9:30' }")],
  [true, "at 24:00", schedule("{ weekly: [mon], at: '24:00' }")],
  [false, "at 25:00", schedule("{ weekly: [mon], at: '25:00' }")],
  [false, "at 9h", schedule("{ weekly: [mon], at: 9h }")],
  [false, "weekly and every", schedule("{ weekly: [mon], every: 1w }")],
  [false, "a schedule with no kind", schedule("{ at: '10:00' }")],
  [false, "schedule: with nothing after it", schedule("null")],
  [true, "start and end on a weekly schedule", schedule("{ weekly: [mon], start: 2026-03-01, end: 2026-06-01 }")],
  [false, "start on a once schedule", schedule("{ once: 2026-03-01, start: 2026-02-01 }")],
  [false, "end on a dates schedule", schedule("{ dates: [2026-03-01], end: 2026-04-01 }")],
  [true, "targeted 20%", campaign({ extra: "targeted: { share: '20%' }" })],
  [false, "targeted 0", campaign({ extra: "targeted: { share: 0 }" })],
  [false, "an empty audience", campaign({ extra: "audience: ''" })],
  [false, "a campaign without send", `${CH}programs:\n  - { id: c, type: campaign, schedule: { weekly: [mon] } }\n`],

  // pressure rules
  [true, "a cap with a window", rule("{ name: a, cap: 2, window: 7d }")],
  [true, "a cap with a calendar", rule("{ cap: 2, calendar: week }")],
  [true, "a cap as an attribute", rule("{ cap: limit, window: 7d }")],
  [false, "a cap with no window or calendar", rule("{ cap: 2 }")],
  [false, "a rule with both cap and spacing", rule("{ cap: 2, window: 7d, spacing: 4h }")],
  [false, "a rule with no kind", rule("{ name: a }")],
  [false, "a cap of 2.5", rule("{ cap: 2.5, window: 7d }")],
  [false, "a cap of -1", rule("{ cap: -1, window: 7d }")],
  [false, "an empty cap", rule("{ cap: '', window: 7d }")],
  [false, "a cap's window 0", rule("{ cap: 2, window: 0 }")],
  [true, "spacing 4h", rule("{ spacing: 4h }")],
  [false, "spacing 0", rule("{ spacing: 0 }")],
  [false, "spacing '4' (no unit)", rule("{ spacing: '4' }")],
  [false, "a window on a spacing rule", rule("{ spacing: 4h, window: 7d }")],
  [false, "a calendar on a weighted rule", rule("{ weighted: { threshold: 3 }, calendar: week }")],
  [true, "a weighted rule", rule("{ weighted: { threshold: 3, weights: { email: 1 }, decay: { halfLife: 7d } } }")],
  [true, "a weighted rule with bands", rule("{ weighted: { threshold: 3, decay: { bands: [[7d, 1], [30d, 0.5]] } } }")],
  [false, "weight together with weights", rule("{ weighted: { threshold: 3, weight: 1, weights: { email: 1 } } }")],
  [false, "a weighted threshold of -1", rule("{ weighted: { threshold: -1 } }")],
  [false, "a weighted rule without threshold", rule("{ weighted: { weight: 1 } }")],
  [false, "a negative weight", rule("{ weighted: { threshold: 3, weight: -1 } }")],
  [false, "decay halfLife 0", rule("{ weighted: { threshold: 3, decay: { halfLife: 0 } } }")],
  [false, "decay {}", rule("{ weighted: { threshold: 3, decay: {} } }")],
  [false, "a band factor of 2", rule("{ weighted: { threshold: 3, decay: { bands: [[7d, 2]] } } }")],
  [true, "rule timezone customer", rule("{ cap: 1, calendar: week, timezone: customer }")],
  [true, "rule timezone UTC", rule("{ cap: 1, calendar: week, timezone: UTC }")],
  [true, "rule timezone +0100", rule("{ cap: 1, calendar: week, timezone: '+0100' }")],
  [false, "a rule timezone without calendar (spacing: it was ignored)", rule("{ spacing: 4h, timezone: '+01:00' }")],
  [false, "a rule timezone without calendar (rolling window)", rule("{ cap: 2, window: 7d, timezone: UTC }")],
  [false, "a rule timezone customer without calendar", rule("{ cap: 2, window: 7d, timezone: customer }")],
  [true, "a rule timezone with calendar and window", rule("{ cap: 2, window: 7d, calendar: week, timezone: UTC }")],
  [false, "a fractional channel capacity (2.5 let 3 through)", channels("  sms: { capacity: 2.5 }")],
  [true, "a whole channel capacity", channels("  sms: { capacity: 3 }")],
  [false, "rule timezone Europe/Paris", rule("{ cap: 1, calendar: week, timezone: Europe/Paris }")],
  [false, "lookahead yes", rule("{ spacing: 4h, lookahead: 'yes' }")],
  [false, "an empty rule name", rule("{ name: '', spacing: 4h }")],
  [true, "counts a single channel name", rule("{ spacing: 4h, counts: { channels: email } }")],
  [false, "exempt an empty list", `${CH}pressure: { exempt: { channels: [] } }\n`],

  // world
  [true, "a world parameter", top("world: { machineOpens: 0.4 }")],
  [false, "a world share of 2", top("world: { machineOpens: 2 }")],
  [false, "world: with nothing after it", top("world:")],
  [false, "a world relevance of 0", top("world: { relevance: { triggered: 0 } }")],
  [false, "world timezones with no share above 0", top("world: { timezones: [[60, 0]] }")],
  [false, "a world peak with an empty name", top("world: { seasonality: { peaks: [{ name: '', start: 11-24, days: 3, factor: 2 }] } }")],
  [false, "a world peak starting 13-01", top("world: { seasonality: { peaks: [{ name: p, start: 13-01, days: 3, factor: 2 }] } }")],
  // every world number has a range (engine/plan/world-ranges.ts), in the schema as in the loader
  [true, "a world number at the top of its range", top("world: { visitsPerPurchase: 1000, seasonality: { peaks: [{ name: p, start: 11-24, days: 3, factor: 1000 }] } }")],
  [false, "a world visit rate of 1e300", top("world: { visitsPerPurchase: 1e300 }")],
  [false, "a world spend scale of 1e300", top("world: { spend: { scale: 1e300 } }")],
  [false, "a world spend q of 1", top("world: { spend: { q: 1 } }")],
  [true, "a world relevance of 0.01", top("world: { relevance: { broadcast: 0.01 } }")],
  [false, "a world relevance of 0.001", top("world: { relevance: { broadcast: 0.001 } }")],
  [false, "a world seasonality weight of 1e10", top(`world: { seasonality: { months: [${Array(12).fill(1e10).join(", ")}] } }`)],
  [false, "a world peak factor of 1001", top("world: { seasonality: { peaks: [{ name: p, start: 11-24, days: 3, factor: 1001 }] } }")],
  [false, "a custom channel's response openDelay of a year", channels("  in_app: { consent: none, response: { openDelay: 525600 } }")],
  [false, "a custom channel's response gapDays of 0.05", channels("  in_app: { consent: none, response: { gapDays: 0.05 } }")],

  // templates
  [true, "a template", top("programs:\n  - use: programs/welcome")],
  [true, "a template with an override", top("programs:\n  - { use: programs/welcome, priority: 90 }")],
  [false, "a template path with ..", top("programs:\n  - use: ../welcome")],
  [false, "a template's with: 5", top("programs:\n  - { use: programs/welcome, with: 5 }")],
  [false, "a template's with: with nothing after it", top("programs:\n  - { use: programs/welcome, with: null }")],
  [false, "a template override that no program has", top("programs:\n  - { use: programs/welcome, bogus: 1 }")],
];

/** Refused by the loader, accepted by the schema: rules JSON Schema cannot state, and why. */
const EXCEPTIONS: [label: string, plan: string, reason: string][] = [
  ["a send on a channel the plan does not configure", step("{ send: { channel: sms, message: m } }"), "a reference to the plan's channels: mapping"],
  ["a send in an undeclared category", step("{ send: { channel: email, message: m, category: vip } }"), "a reference to the plan's categories list"],
  ["two programs with one id", `${CH}programs:\n  - { id: j, type: journey, trigger: signup, steps: [exit] }\n  - { id: j, type: journey, trigger: signup, steps: [exit] }\n`, "uniqueness of a field across list items"],
  ["an unknown attribute in an expression", journey({ trigger: "{ event: signup, condition: 'orders +' }" }), "expressions are compiled by the loader"],
  ["a pressure filter naming an unknown category", rule("{ spacing: 4h, counts: { categories: [vip] } }"), "a reference to the plan's categories"],
  ["a weight for an unknown channel", rule("{ weighted: { threshold: 3, weights: { fax: 1 } } }"), "a reference to the plan's channels and categories"],
  ["two rules with one name", `${CH}pressure:\n  rules:\n    - { name: a, spacing: 4h }\n    - { name: a, spacing: 2h }\n`, "uniqueness of a field across list items"],
  ["band ages that do not increase", rule("{ weighted: { threshold: 3, decay: { bands: [[30d, 1], [7d, 0.5]] } } }"), "an order between list items"],
  ["band factors that rise", rule("{ weighted: { threshold: 3, decay: { bands: [[7d, 0.5], [30d, 1]] } } }"), "an order between list items"],
  ["a step after an exit", step("exit, { wait: 1d }"), "a position in a list"],
  ["a schedule that ends before it starts", schedule("{ weekly: [mon], start: 2026-06-01, end: 2026-03-01 }"), "an order between two dates"],
  ["a date and the same date-time", schedule("{ dates: [2026-03-01, '2026-03-01T10:00'] }"), "two texts naming one time (a bare date takes at:)"],
  ["February 30th", schedule("{ once: 2026-02-30 }"), "the length of a month (the schema checks days 01-31)"],
  ["a duration longer than the engine's calendar", step("{ wait: 200000d }"), "a bound on a number inside a text with a unit"],
  ["a deferral that rounds to 0 minutes", journey({ extra: "onBlocked: defer(0.001h)" }), "rounding of a number inside a text with a unit"],
  ["a category named after a custom channel", `channels:\n  email: {}\n  in_app: { consent: none }\ncategories: [in_app]\n`, "a reference to the plan's channels"],
  ["33 categories", top(`categories: [${Array.from({ length: 30 }, (_, i) => `k${i}`).join(", ")}]`), "a count of distinct names beside the defaults (repeats are merged)"],
  ["addressOnly naming an undeclared category", top("addressOnly: [vip]"), "a reference to the plan's categories"],
  ["a template that does not exist", top("programs:\n  - use: programs/nope"), "a file on disk"],
  ["a template parameter the template lacks", top("programs:\n  - { use: programs/welcome, with: { nope: 1 } }"), "the template file's params"],
  ["a campaign field overriding a journey template", top("programs:\n  - { use: programs/welcome, audience: 'true' }"), "the template file's program type"],
  ["world seasonality that sums to nothing", top(`world: { seasonality: { hours: [${Array(24).fill(0).join(", ")}] } }`), "a sum over a list"],
  ["world time zone shares that do not add up to 1", top("world: { timezones: [[60, 0.5], [0, 0.1]] }"), "a sum over a list"],
  ["world reputation worstAt below goodBelow", top("world: { reputation: { goodBelow: 0.5, worstAt: 0.2 } }"), "an order between two fields"],
  ["world purchases faster than once a day", top("world: { purchase: { r: 25, alpha: 2 } }"), "a ratio of two fields (the mean purchase rate)"],
  ["world visits beyond ten a day", top("world: { purchase: { alpha: 0.5 }, visitsPerPurchase: 200 }"), "a product of fields (the mean visit rate)"],
  ["world mean order value beyond 10 million", top("world: { spend: { q: 1.000001 } }"), "a ratio of fields (the mean order value)"],
  ["world seasonality with a year whose every day weighs 0", top("world: { seasonality: { peaks: [{ name: closed, start: 01-01, days: 366, factor: 0 }] } }"), "a sum over the days of a calendar year"],
];

/** Accepted by the loader, refused by the schema: the loader should refuse them too (reported). */
// the two this test found (a waitFor without event waited for signup; a rule's timezone took +25:00) are
// fixed and are cases of the table now
const LOADER_GAPS: [label: string, plan: string, why: string][] = [];

describe("the plan JSON Schema agrees with the plan loader", () => {
  it("on every case of the table", () => {
    const wrongCase: string[] = [], disagree: string[] = [];
    for (const [valid, label, plan] of CASES) {
      const loader = loads(plan), schemaVerdict = fitsYaml(plan);
      if ((loader === true) !== valid) wrongCase.push(`${label}: the loader ${loader === true ? "accepts it" : `refuses it: ${loader}`}`);
      if ((loader === true) !== (schemaVerdict === true)) {
        disagree.push(`${label}: the loader ${loader === true ? "accepts it" : "refuses it"}, the schema ${schemaVerdict === true ? "accepts it" : `refuses it (${schemaVerdict})`}`);
      }
    }
    expect(wrongCase).toEqual([]);
    expect(disagree).toEqual([]);
  });

  it("on every example plan and program template, as written and with templates expanded", () => {
    const files = readdirSync(SCENARIOS_DIR).filter((f) => f.endsWith(".yaml")).map((f) => join(SCENARIOS_DIR, f));
    const templates = readdirSync(join(SCENARIOS_DIR, "programs")).filter((f) => f.endsWith(".yaml")).map((f) => f.slice(0, -5));
    expect(files.length).toBeGreaterThanOrEqual(4);
    expect(templates.length).toBe(23);
    const plans = [
      ...files.map((f) => ({ name: f, text: readFileSync(f, "utf8") })),
      // as test/scenarios/programs.test.ts instantiates them
      ...templates.map((t) => ({ name: t, text: `name: t-${t}\n${CHANNELS_ALL}programs:\n  - use: programs/${t}\n` })),
    ];
    const refused: string[] = [];
    for (const { name, text } of plans) {
      const source = parsePlan(text, name).source;
      for (const [how, verdict] of [["as written", fitsYaml(text)], ["expanded", fits(source)]] as const) {
        if (verdict !== true) refused.push(`${name} ${how}: ${verdict}`);
      }
    }
    expect(loadPlan(files[0]).plan).toBeTruthy();
    expect(refused).toEqual([]);
  });

  it("except where JSON Schema cannot state the loader's rule (each listed with its reason)", () => {
    const stale = EXCEPTIONS.filter(([, plan]) => loads(plan) === true || fitsYaml(plan) !== true).map(([label, plan]) =>
      `${label}: the loader ${loads(plan) === true ? "accepts it" : "refuses it"}, the schema ${fitsYaml(plan) === true ? "accepts it" : "refuses it"}`
    );
    expect(stale).toEqual([]);
  });

  it("and where the loader lets through what the schema refuses (loader gaps, reported)", () => {
    const stale = LOADER_GAPS.filter(([, plan]) => loads(plan) !== true || fitsYaml(plan) === true).map(([label]) => label);
    expect(stale).toEqual([]);
  });
});
