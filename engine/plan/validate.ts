/**
 * Plan validation: parsed YAML → Plan (engine/plan/types.ts). Every problem is reported with its field
 * path and what would be valid; nothing is evaluated here (expressions are checked when compiled).
 */
import { monthDays } from "./monthly-schedule.ts";
import { CHANNELS, DEFAULT_CATEGORIES } from "../core/channels.ts";
import { EVENT_TYPES } from "../core/events.ts";
import { DATE_TIME, DAY, HOUR, MINUTE } from "../core/time.ts";
import { formatPath, type Path, type Reporter } from "./errors.ts";
import * as f from "./fields.ts";
import { MAX_CATEGORIES } from "./pressure-rules.ts";
import { CUSTOM_ONLY, validateCustomChannel } from "./custom-channels.ts";
import type { Campaign, Channel, Journey, OnBlocked, Plan, Program, Schedule, SendSpec, Step } from "./types.ts";

const PLAN_FIELDS = ["name", "description", "currency", "timezone", "margin", "channels", "categories", "addressOnly", "pressure", "programs", "world"]; // world: engine/plan/world-section.ts
const CHANNEL_FIELDS = ["cost", "consent", "latency", "window", "maxDefer", "capacity"];
const COMMON = ["id", "type", "description", "priority", "holdout", "onBlocked"];
const JOURNEY_FIELDS = [...COMMON, "trigger", "reentry", "exitOn", "steps"];
const CAMPAIGN_FIELDS = [...COMMON, "schedule", "audience", "targeted", "send"];
const STEP_KINDS = ["send", "wait", "waitFor", "branch", "split", "exit"];
const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/** Channel defaults: costs and windows are assumptions stated in docs/world-model.md. */
export const CHANNEL_DEFAULTS: Record<string, Omit<Channel, "consent">> = {
  email: { cost: 0.002, latency: 1 * MINUTE, window: null, maxDefer: DAY, capacity: null },
  sms: { cost: 0.05, latency: 1 * MINUTE, window: [9 * 60, 20 * 60], maxDefer: DAY, capacity: null },
  push: { cost: 0.0005, latency: 0, window: [8 * 60, 21 * 60], maxDefer: DAY, capacity: null },
  mail: { cost: 0.8, latency: 3 * DAY, window: null, maxDefer: DAY, capacity: null },
  call: { cost: 4, latency: 0, window: [9 * 60, 18 * 60], maxDefer: 3 * DAY, capacity: null },
};

interface Names {
  channels: (Channel | null)[];
  channelNames: string[];
  categories: string[];
  timezone: number; // the plan's, in minutes: a schedule's date written with an offset is moved into it
}

export function validatePlan(raw: unknown, r: Reporter): Plan {
  const o = f.object(r, raw, [], PLAN_FIELDS) ?? {};
  const { channels, names: channelNames } = validateChannels(r, o.channels);
  const categories = [...DEFAULT_CATEGORIES] as string[];
  for (const [i, c] of f.list(r, o.categories ?? [], ["categories"], "category names").entries()) {
    const name = f.string(r, c, ["categories", i]);
    if (name && !categories.includes(name)) {
      if (categories.length === MAX_CATEGORIES) {
        r.error(["categories", i], `too many categories: '${name}' would be number ${categories.length + 1}; a plan has at most ${MAX_CATEGORIES}, the ${DEFAULT_CATEGORIES.length} defaults (${DEFAULT_CATEGORIES.join(", ")}) included, because pressure rules match categories by a 32-bit mask`);
      }
      categories.push(name);
    }
  }
  for (const [i, name] of categories.entries()) {
    // pressure rules' weights take channel and category names in one mapping: they must not clash
    if (!channelNames.includes(name)) continue;
    if (i < DEFAULT_CATEGORIES.length) r.error(["channels", name], `'${name}' is a message category: a channel needs another name`);
    else r.error(["categories", i - DEFAULT_CATEGORIES.length], `'${name}' is a channel of this plan: a category needs another name`);
  }
  const timezone = f.utcOffset(r, o.timezone, ["timezone"], 0);
  const names: Names = { channels, channelNames, categories, timezone };
  // categories whose messages need a reachable address only, not the marketing opt-in (docs/engine.md)
  const addressOnly = o.addressOnly === undefined ? [0] : f.list(r, o.addressOnly, ["addressOnly"], "category names")
    .map((c, i) => categories.indexOf(f.choice(r, c, ["addressOnly", i], categories, "transactional")));
  const programs: Program[] = [];
  const seen = new Set<string>();
  for (const [i, p] of f.list(r, o.programs ?? [], ["programs"], "programs").entries()) {
    const prog = validateProgram(r, p, ["programs", i], names);
    if (!prog) continue;
    if (seen.has(prog.id)) r.error(["programs", i, "id"], `duplicate program id '${prog.id}'; ids must be unique`);
    seen.add(prog.id);
    programs.push(prog);
  }
  return {
    name: f.optString(r, o.name, ["name"], "plan"),
    description: f.optString(r, o.description, ["description"], ""),
    currency: f.optString(r, o.currency, ["currency"], "EUR"),
    timezone,
    margin: f.number(r, o.margin, ["margin"], 0, 1, 0.4),
    channels,
    channelNames,
    categories,
    addressOnly,
    pressure: o.pressure ?? null,
    programs,
  };
}

function validateChannels(r: Reporter, v: unknown): { channels: (Channel | null)[]; names: string[] } {
  const out: (Channel | null)[] = CHANNELS.map(() => null), names: string[] = [...CHANNELS];
  if (v === undefined) return { channels: out, names };
  if (v === null || typeof v !== "object" || Array.isArray(v)) {
    r.error(["channels"], `expected a mapping of channel names (${CHANNELS.join(", ")} or custom ones) to their settings, got ${f.describe(v)}`);
    return { channels: out, names };
  }
  for (const [name, cfg] of Object.entries(v as f.Obj)) {
    const builtin = CHANNELS.indexOf(name as typeof CHANNELS[number]);
    const path = ["channels", name];
    const c = f.object(r, cfg ?? {}, path, builtin >= 0 ? CHANNEL_FIELDS : [...CHANNEL_FIELDS, ...CUSTOM_ONLY]) ?? {};
    let d: Omit<Channel, "consent">, custom: Channel["custom"], idx = builtin, consent = builtin;
    if (builtin >= 0) d = CHANNEL_DEFAULTS[name];
    else {
      // a custom channel: after the built-in ones, in declaration order (issue 11 #11)
      const x = validateCustomChannel(r, name, c, path, names.length, CHANNEL_DEFAULTS);
      if (!x) continue;
      idx = names.length, names.push(name), out.push(null);
      d = x.defaults, custom = x.custom, consent = x.custom.attribute === null ? -1 : idx;
    }
    if (builtin >= 0 && c.consent !== undefined) {
      const valid = [...CHANNELS, "none"];
      const which = f.choice(r, c.consent, [...path, "consent"], valid, name as typeof valid[number]);
      consent = which === "none" ? -1 : CHANNELS.indexOf(which as typeof CHANNELS[number]);
    }
    let window = d.window;
    if (c.window === null || c.window === "always") window = null;
    else if (c.window !== undefined) {
      const m = typeof c.window === "string" ? /^\s*(\S+)\s*-\s*(\S+)\s*$/.exec(c.window) : null;
      const from = m ? f.clock(r, m[1], [...path, "window"], -1) : -1;
      const to = m ? f.clock(r, m[2], [...path, "window"], -1) : -1;
      if (!m) r.error([...path, "window"], `expected a send window "HH:MM-HH:MM" such as "09:00-20:00", or "always"`);
      else if (from >= 0 && to >= 0 && from >= to) {
        // "21:00-09:00" reads as quiet hours as easily as a night window: which was meant cannot be known, so
        // both readings are named (a window is within one local day: docs/plan-format.md "Channels")
        r.error([...path, "window"], from === to
          ? `the window must open before it closes, e.g. "09:00-20:00" (or "always")`
          : `a send window is the hours messages may go, within one local day: it must open before it closes; for quiet hours from ${m[1]} to ${m[2]}, write "${m[2]}-${m[1]}"; a window across midnight is not taken`);
      } else if (from >= 0 && to >= 0) window = [from, to];
    }
    out[idx] = {
      cost: f.number(r, c.cost, [...path, "cost"], 0, 1e6, d.cost),
      consent,
      latency: f.duration(r, c.latency, [...path, "latency"], d.latency),
      window,
      maxDefer: f.duration(r, c.maxDefer, [...path, "maxDefer"], d.maxDefer),
      capacity: c.capacity === undefined || c.capacity === null
        ? d.capacity
        : f.wholeNumber(r, c.capacity, [...path, "capacity"], 0, 1e9, 0, "a capacity (contacts a day)"),
      ...(custom ? { custom } : {}),
    };
  }
  return { channels: out, names };
}

function validateProgram(r: Reporter, v: unknown, path: Path, n: Names): Program | null {
  if (v === null || typeof v !== "object" || Array.isArray(v)) {
    r.error(path, `expected a program (a mapping with id, type and its fields), got ${f.describe(v)}`);
    return null;
  }
  const type = f.choice(r, (v as f.Obj).type, [...path, "type"], ["journey", "campaign"], "journey");
  if ((v as f.Obj).type === undefined) r.error([...path, "type"], `missing program type: expected journey or campaign`);
  const o = f.object(r, v, path, type === "journey" ? JOURNEY_FIELDS : CAMPAIGN_FIELDS) ?? {};
  const id = f.name(r, o.id, [...path, "id"], `program-${path[1]}`);
  if (id && !/^[A-Za-z0-9][\w.-]*$/.test(id)) {
    // 'Zoë' was refused by a message saying letters were allowed
    r.error([...path, "id"], `program ids use ASCII letters (A-Z, a-z), digits, '-', '_' and '.', starting with a letter or digit, got '${id.length > 60 ? `${id.slice(0, 60)}…` : id}'`);
  }
  let priority: number | string = 0;
  if (typeof o.priority === "number") priority = f.number(r, o.priority, [...path, "priority"], -f.MAX_PRIORITY, f.MAX_PRIORITY, 0);
  else if (o.priority !== undefined) priority = f.string(r, o.priority, [...path, "priority"], "0");
  const base = {
    id,
    description: f.optString(r, o.description, [...path, "description"], ""),
    priority,
    holdout: f.share(r, o.holdout, [...path, "holdout"], 0),
    onBlocked: onBlocked(r, o.onBlocked, [...path, "onBlocked"]),
  };
  if (type === "journey") return validateJourney(r, o, path, n, base);
  return validateCampaign(r, o, path, n, base);
}

function onBlocked(r: Reporter, v: unknown, path: Path): OnBlocked {
  if (v === undefined || v === "drop") return { kind: "drop" };
  // defer(0) retried nothing: it dropped every blocked message while saying it deferred them
  const defer = (d: unknown, p: Path): OnBlocked => {
    const maxDelay = f.duration(r, d, p, DAY);
    if (maxDelay === 0) r.error(p, `a deferral needs a delay above 0, such as defer(2d); to give a blocked message up, write drop`);
    return { kind: "defer", maxDelay: maxDelay || DAY };
  };
  if (typeof v === "string") {
    const m = /^defer\((.+)\)$/.exec(v.trim());
    if (m) return defer(m[1], path);
  }
  const o = f.isMapping(v) ? v : null;
  if (o && "defer" in o && Object.keys(o).length === 1) return defer(o.defer, [...path, "defer"]);
  r.error(path, `expected drop, defer(<duration>) such as defer(2d), or { defer: 2d }, got ${f.describe(v)}`);
  return { kind: "drop" };
}

function eventIndex(r: Reporter, v: unknown, path: Path): number {
  return EVENT_TYPES.indexOf(f.choice(r, v, path, EVENT_TYPES, "signup"));
}

function validateJourney(r: Reporter, o: f.Obj, path: Path, n: Names, base: Omit<Journey, "kind" | "trigger" | "reentry" | "exitOn" | "steps">): Journey {
  const tp = [...path, "trigger"];
  const t = typeof o.trigger === "string" ? { event: o.trigger } : f.object(r, o.trigger, tp, ["event", "condition", "days"]) ?? {};
  if (t.event === undefined) r.error(tp, `missing trigger event: expected ${EVENT_TYPES.join(", ")}`);
  const event = eventIndex(r, t.event, [...tp, "event"]);
  const days = f.wholeNumber(r, t.days, [...tp, "days"], 1, 3650, 0, "days without a purchase");
  if (t.event === "inactive" && t.days === undefined) r.error([...tp, "days"], `an inactive trigger needs days: the number of days without a purchase, e.g. 90`);
  if (t.event !== "inactive" && t.days !== undefined) r.error([...tp, "days"], `days only applies to the inactive trigger`);
  let reentry: Journey["reentry"] = { kind: "once", cooldown: 0 };
  if (o.reentry === "always" || o.reentry === "once") reentry = { kind: o.reentry, cooldown: 0 };
  else if (o.reentry !== undefined) {
    const re = o.reentry && typeof o.reentry === "object" && !Array.isArray(o.reentry) ? o.reentry as f.Obj : null;
    if (re && "cooldown" in re) {
      f.object(r, re, [...path, "reentry"], ["cooldown"]);
      reentry = { kind: "cooldown", cooldown: f.duration(r, re.cooldown, [...path, "reentry", "cooldown"], 0) };
    } else r.error([...path, "reentry"], `expected once, always or { cooldown: 30d }, got ${f.describe(o.reentry)}`);
  }
  const exitOn = f.list(r, o.exitOn ?? [], [...path, "exitOn"], "event names").map((e, i) => eventIndex(r, e, [...path, "exitOn", i]));
  const steps = validateSteps(r, o.steps, [...path, "steps"], n);
  if (o.steps !== undefined && Array.isArray(o.steps) && o.steps.length === 0) r.error([...path, "steps"], `a journey needs at least one step`);
  return {
    ...base,
    kind: "journey",
    trigger: { event, condition: t.condition === undefined ? null : f.string(r, t.condition, [...tp, "condition"]), days },
    reentry,
    exitOn,
    steps,
  };
}

function validateSteps(r: Reporter, v: unknown, path: Path, n: Names): Step[] {
  if (v === undefined) {
    r.error(path, `missing steps: a list of send, wait, waitFor, branch, split or exit steps`);
    return [];
  }
  const raw = f.list(r, v, path, "steps"), steps = raw.map((s, i) => validateStep(r, s, [...path, i], n));
  // steps after an exit in the same list never run: almost surely a misplaced exit
  const exit = steps.findIndex((s) => s?.kind === "exit");
  if (exit >= 0 && exit < steps.length - 1) {
    const next = steps[exit + 1];
    r.error([...path, exit + 1], `${next ? `this ${next.kind} step` : "this step"} comes after the exit at ${formatPath([...path, exit])} and is never reached: remove the steps after the exit, or move the exit to the end of its list (or into a branch)`);
  }
  return steps.filter((s): s is Step => s !== null);
}

function validateStep(r: Reporter, v: unknown, path: Path, n: Names): Step | null {
  if (v === "exit") return { kind: "exit" };
  const o = f.isMapping(v) ? v : null;
  const kinds = o ? Object.keys(o).filter((k) => STEP_KINDS.includes(k)) : [];
  if (!o || kinds.length !== 1) {
    r.error(path, `expected one step: a mapping with exactly one of ${STEP_KINDS.join(", ")}, got ${o ? `fields ${Object.keys(o).join(", ") || "none"}` : f.describe(v)}`);
    return null;
  }
  const kind = kinds[0];
  f.object(r, o, path, [kind]);
  const p = [...path, kind];
  const body = o[kind];
  switch (kind) {
    case "send":
      return { kind: "send", send: validateSend(r, body, p, n) };
    case "wait":
      return { kind: "wait", duration: f.duration(r, body, p, DAY) };
    case "waitFor": {
      const w = f.object(r, body, p, ["event", "timeout", "then", "onTimeout"]) ?? {};
      // without its event, the step waited for signup, a default nobody wrote
      if (w.event === undefined) r.error([...p, "event"], `missing event: what to wait for, one of ${EVENT_TYPES.join(", ")}`);
      if (w.timeout === undefined) r.error([...p, "timeout"], `missing timeout: how long to wait, e.g. 3d`);
      const timeout = f.duration(r, w.timeout, [...p, "timeout"], DAY);
      // a timeout of 0 waits for nothing: then never runs
      if (timeout === 0) r.error([...p, "timeout"], `a waitFor needs a timeout above 0, such as 3d: with 0 the event is never waited for and then never runs`);
      return {
        kind: "waitFor",
        event: eventIndex(r, w.event, [...p, "event"]),
        timeout,
        then: w.then === undefined ? [] : validateSteps(r, w.then, [...p, "then"], n),
        onTimeout: w.onTimeout === undefined ? [] : validateSteps(r, w.onTimeout, [...p, "onTimeout"], n),
      };
    }
    case "branch": {
      const b = f.object(r, body, p, ["if", "then", "else"]) ?? {};
      return {
        kind: "branch",
        condition: f.string(r, b.if, [...p, "if"], "false"),
        then: b.then === undefined ? [] : validateSteps(r, b.then, [...p, "then"], n),
        else: b.else === undefined ? [] : validateSteps(r, b.else, [...p, "else"], n),
      };
    }
    case "split": {
      const arms = f.list(r, body, p, "arms ({ weight, steps })").map((a, i) => {
        const ao = f.object(r, a, [...p, i], ["weight", "steps"]) ?? {};
        return { weight: f.number(r, ao.weight, [...p, i, "weight"], 0, 1e6, 1), steps: validateSteps(r, ao.steps ?? [], [...p, i, "steps"], n) };
      });
      if (arms.length < 2) r.error(p, `a split needs at least two arms`);
      if (arms.length && arms.every((a) => a.weight === 0)) r.error(p, `a split needs at least one arm with a weight above 0`);
      return { kind: "split", arms };
    }
    default:
      if (body !== true && body !== null) r.error(p, `write exit as "- exit" or "- exit: true"`);
      return { kind: "exit" };
  }
}

function validateSend(r: Reporter, v: unknown, path: Path, n: Names): SendSpec {
  const o = f.object(r, v, path, ["channel", "message", "category", "offer"]) ?? {};
  const ch = f.choice(r, o.channel, [...path, "channel"], n.channelNames, "email");
  if (o.channel === undefined) r.error([...path, "channel"], `missing channel: expected ${n.channelNames.join(", ")}`);
  const channel = n.channelNames.indexOf(ch);
  if (typeof o.channel === "string" && channel >= 0 && !n.channels[channel]) {
    r.error([...path, "channel"], `channel '${ch}' is not configured in this plan's channels (configured: ${n.channelNames.filter((_, i) => n.channels[i]).join(", ") || "none"})`);
  }
  const category = n.categories.indexOf(f.choice(r, o.category, [...path, "category"], n.categories, "promotional"));
  let discount = 0;
  if (o.offer !== undefined) {
    const off = f.object(r, o.offer, [...path, "offer"], ["discount"]) ?? {};
    discount = f.share(r, off.discount, [...path, "offer", "discount"], 0);
  }
  return { channel, message: f.name(r, o.message, [...path, "message"], "message"), category, discount };
}

function validateCampaign(r: Reporter, o: f.Obj, path: Path, n: Names, base: Omit<Campaign, "kind" | "schedule" | "audience" | "targeted" | "send">): Campaign {
  let targeted: Campaign["targeted"] = null;
  if (o.targeted !== undefined) {
    const t = f.object(r, o.targeted, [...path, "targeted"], ["share", "score"]) ?? {};
    targeted = { share: f.share(r, t.share, [...path, "targeted", "share"], 0.2), score: t.score === undefined ? "score" : f.string(r, t.score, [...path, "targeted", "score"], "score") };
    // the top 0 % is no one: the campaign never sent
    if (targeted.share === 0) r.error([...path, "targeted", "share"], `a targeted campaign sends to the top share of its audience: expected a share above 0, such as 0.2 or "20%"`);
  }
  if (o.send === undefined) r.error([...path, "send"], `missing send: { channel, message, category }`);
  return {
    ...base,
    kind: "campaign",
    schedule: validateSchedule(r, o.schedule, [...path, "schedule"], n.timezone),
    audience: o.audience === undefined ? "true" : f.string(r, o.audience, [...path, "audience"], "true"),
    targeted,
    send: validateSend(r, o.send ?? {}, [...path, "send"], n),
  };
}

function validateSchedule(r: Reporter, v: unknown, path: Path, tz: number): Schedule {
  const o = f.object(r, v, path, ["once", "every", "weekly", "monthly", "dates", "at", "start", "end"]);
  const fallback: Schedule = { kind: "dates", dates: [] };
  if (!o) return fallback;
  const kinds = ["once", "every", "weekly", "monthly", "dates"].filter((k) => k in o);
  if (kinds.length !== 1) {
    r.error(path, `expected exactly one of once (a date), every (a duration), weekly (weekdays), monthly (days of the month or "first mon") or dates (a list of dates)`);
    return fallback;
  }
  const at = f.clock(r, o.at, [...path, "at"], 10 * HOUR);
  const when = (d: unknown, p: Path) => {
    const t = f.date(r, d, p);
    // A bare date takes the schedule's time of day; a date-time keeps its own. A schedule holds times on the
    // plan's clock (engine/core/campaign-schedule.ts): one written with its offset ("2026-07-01T10:00+02:00",
    // "…Z") is that instant, moved onto the plan's clock; it was read as plan time and sent hours off
    if (t === null) return null;
    if (typeof d === "string" && d.trim().length === 10) return t + at;
    return d instanceof Date || (typeof d === "string" && DATE_TIME.exec(d.trim())?.[7] !== undefined) ? t + tz : t;
  };
  const start = o.start === undefined ? null : when(o.start, [...path, "start"]);
  const end = o.end === undefined ? null : when(o.end, [...path, "end"]);
  // the end is exclusive (engine/core/campaign-schedule.ts): an end at or before the start sends nothing
  if (start !== null && end !== null && end <= start) {
    r.error([...path, "end"], `the schedule ends before it starts: end (${String(o.end)}) must be after start (${String(o.start)})`);
  }
  if ((kinds[0] === "once" || kinds[0] === "dates") && (o.start !== undefined || o.end !== undefined)) {
    r.error([...path, o.start !== undefined ? "start" : "end"], `start and end bound a recurring schedule (every, weekly or monthly); a ${kinds[0]} schedule names its own date${kinds[0] === "dates" ? "s" : ""}: remove start and end`);
  }
  switch (kinds[0]) {
    case "once":
      return { kind: "once", at: when(o.once, [...path, "once"]) ?? 0 };
    case "every": {
      const every = f.duration(r, o.every, [...path, "every"], 7 * DAY);
      if (every < HOUR) r.error([...path, "every"], `a recurring campaign runs at most hourly: expected 1h or more`);
      return { kind: "every", every: Math.max(every, HOUR), at, start, end };
    }
    case "weekly": {
      const days = f.list(r, typeof o.weekly === "string" ? [o.weekly] : o.weekly, [...path, "weekly"], "weekdays");
      if (Array.isArray(o.weekly) && !days.length) r.error([...path, "weekly"], `expected at least one weekday: ${WEEKDAYS.join(", ")}`);
      return { kind: "weekly", weekdays: days.map((d, i) => WEEKDAYS.indexOf(f.choice(r, d, [...path, "weekly", i], WEEKDAYS, "mon"))), at, start, end };
    }
    case "monthly":
      return { kind: "monthly", on: monthDays(r, o.monthly, [...path, "monthly"]), at, start, end };
    default: {
      const items = f.list(r, o.dates, [...path, "dates"], "dates");
      if (Array.isArray(o.dates) && !items.length) r.error([...path, "dates"], `expected at least one date such as 2026-03-01 or 2026-03-01T10:00`);
      const dates = items.map((d, i) => when(d, [...path, "dates", i]) ?? 0);
      // a repeated date sent twice to everyone: almost surely a typo for another date
      dates.forEach((t, i) => {
        const first = dates.indexOf(t);
        if (t && first < i) r.error([...path, "dates", i], `${String(items[i])} repeats dates[${first}]: each date sends once, so give it once (or the date you meant)`);
      });
      return { kind: "dates", dates };
    }
  }
}
