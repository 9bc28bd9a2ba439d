/**
 * The names a plan's expressions may use: customer attributes and history, the triggering event, the
 * journey instance and the message being weighed. Documented for users in docs/plan-format.md.
 */
import { CHANNELS, consentBit } from "../core/channels.ts";
import type { ExprCtx } from "../core/context.ts";
import { NEVER, J1 } from "../core/customer-table.ts";
import { EVENT_TYPES } from "../core/events.ts";
import { stageAt, STAGES } from "../core/lifecycle.ts";
import { DAY, HOUR } from "../core/time.ts";
import type { Scope, Value } from "./expr.ts";
import { PER2, PER4, PER8 } from "../core/record.ts";

const time = (v: number): Value => (v === NEVER ? null : v);
const daysSince = (t: number, now: number) => Math.floor((now - t) / DAY);

export function stage(ctx: ExprCtx): number {
  const { t, c } = ctx;
  return stageAt(t, c, ctx.now);
}

const vars: Scope<ExprCtx>["vars"] = {
  lifecycle: (x) => STAGES[stage(x)],
  orders: (x) => x.t.orders[x.c * PER4],
  revenue: (x) => x.t.revenue[x.c * PER8],
  aov: (x) => (x.t.orders[x.c * PER4] ? x.t.revenue[x.c * PER8] / x.t.orders[x.c * PER4] : null),
  recency: (x) => (x.t.lastPurchase[x.c * PER4] === NEVER ? null : daysSince(x.t.lastPurchase[x.c * PER4], x.now)),
  tenure: (x) => daysSince(x.t.signup[x.c * PER4], x.now),
  score: (x) => x.t.score[x.c * PER4],
  limit: (x) => x.t.limit[x.c * PER4],
  rfm: (x) => x.t.rfm[x.c * PER2],
  timezone: (x) => x.t.tz[x.c * PER2] / 60,
  signup: (x) => time(x.t.signup[x.c * PER4]),
  lastPurchase: (x) => time(x.t.lastPurchase[x.c * PER4]),
  lastVisit: (x) => time(x.t.lastVisit[x.c * PER4]),
  lastOpen: (x) => time(x.t.lastOpen[x.c * PER4]),
  lastClick: (x) => time(x.t.lastClick[x.c * PER4]),
  lastContact: (x) => time(x.t.lastContact[x.c * PER4]),
  "event.type": (x) => (x.ev ? EVENT_TYPES[x.ev.type] : null),
  "event.value": (x) => (x.ev ? x.ev.value : null),
  "event.channel": (x) => (x.ev && x.ev.channel >= 0 ? x.names.channels[x.ev.channel] : null),
  "event.program": (x) => (x.ev && x.ev.program >= 0 ? x.names.programs[x.ev.program] : null),
  "event.days": (x) => (x.ev ? x.ev.days : null),
  "journey.opened": (x) => x.slot >= 0 && (x.t.jFlags[x.slot * J1] & 1) !== 0,
  "journey.clicked": (x) => x.slot >= 0 && (x.t.jFlags[x.slot * J1] & 2) !== 0,
  "message.channel": (x) => (x.msgChannel >= 0 ? x.names.channels[x.msgChannel] : null),
  "message.category": (x) => (x.msgCategory >= 0 ? x.names.categories[x.msgCategory] : null),
  "message.program": (x) => (x.msgProgram >= 0 ? x.names.programs[x.msgProgram] : null),
};
for (const [i, ch] of CHANNELS.entries()) {
  const bit = consentBit(i);
  vars[`consent.${ch}`] = (x) => (x.t.consent[x.c * PER2] & bit) !== 0;
}

const num = (v: Value): number | null => (typeof v === "number" ? v : null);

const functions: Scope<ExprCtx>["functions"] = {
  daysSince: { args: 1, call: (x, [t]) => (typeof t === "number" ? daysSince(t, x.now) : null) },
  hoursSince: { args: 1, call: (x, [t]) => (typeof t === "number" ? Math.floor((x.now - t) / HOUR) : null) },
  min: { args: [2, 8], call: (_x, a) => (a.every((v) => typeof v === "number") ? Math.min(...a as number[]) : null) },
  max: { args: [2, 8], call: (_x, a) => (a.every((v) => typeof v === "number") ? Math.max(...a as number[]) : null) },
  abs: { args: 1, call: (_x, [v]) => (num(v) === null ? null : Math.abs(v as number)) },
  round: { args: 1, call: (_x, [v]) => (num(v) === null ? null : Math.round(v as number)) },
  // Local calendar of the customer: weekday 0 = Monday … 6 = Sunday; hour 0..23.
  weekday: { args: 0, call: (x) => (Math.floor((x.now + x.t.tz[x.c * PER2]) / DAY) + 3) % 7 },
  hour: { args: 0, call: (x) => Math.floor((((x.now + x.t.tz[x.c * PER2]) % DAY) + DAY) % DAY / HOUR) },
};

/**
 * `attr.<name>`: an extra customer attribute (CustomerTable.attrs, from a history's customers file).
 * Any identifier compiles: a plan is validated without knowing the population, so the names are checked
 * against it when a run starts (engine/sim/population-spec.ts checkPlanAttributes); a customer without
 * the value reads null.
 */
const ATTR = /^attr\.[A-Za-z_][A-Za-z0-9_]*$/;
const attrGetters = new Map<string, (x: ExprCtx) => Value>();
function attrGetter(name: string): (x: ExprCtx) => Value {
  let f = attrGetters.get(name);
  if (!f) {
    const key = name.slice(5);
    attrGetters.set(name, f = (x) => x.t.attrs.get(key)?.[x.c] ?? null);
  }
  return f;
}
const attrHandler: ProxyHandler<Scope<ExprCtx>["vars"]> = {
  getOwnPropertyDescriptor: (target, name) =>
    typeof name === "string" && ATTR.test(name)
      ? { value: attrGetter(name), writable: false, enumerable: false, configurable: true }
      : Reflect.getOwnPropertyDescriptor(target, name),
  get: (target, name, receiver) => (typeof name === "string" && ATTR.test(name) ? attrGetter(name) : Reflect.get(target, name, receiver)),
};
const withAttrs = new Proxy(vars, attrHandler);

export const coreScope: Scope<ExprCtx> = { vars: withAttrs, functions };

/**
 * The scope of a plan with custom channels (issue 11 #11): `consent.<name>` for each of them too, read
 * from the same consent bits as the built-in ones (the attribute's consent, until an opt-out).
 * @example scopeFor(["email", "sms", "push", "mail", "call", "in_app"]).vars["consent.in_app"]
 */
export function scopeFor(channels: readonly string[]): Scope<ExprCtx> {
  if (channels.length <= CHANNELS.length) return coreScope;
  const more = { ...vars };
  for (let i = CHANNELS.length; i < channels.length; i++) {
    const bit = consentBit(i);
    more[`consent.${channels[i]}`] = (x) => (x.t.consent[x.c * PER2] & bit) !== 0;
  }
  return { vars: new Proxy(more, attrHandler), functions };
}
