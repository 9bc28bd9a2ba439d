/**
 * One customer's timeline under a plan: who they were at the start, then every event of their simulated
 * life and every message decision about them, in time order, each suppression or deferral with the rule
 * and the figures it compared. The run is the same as `simulate`'s for the same plan, population and
 * seed (the recorder only observes), so the timeline matches that run's messages.csv row for row.
 */
import { grantCustomConsents } from "../sim/custom-channels.ts";
import { worldSeed } from "../sim/random.ts";
import { EVENT_TYPES } from "../core/events.ts";
import { STAGES, stageAt } from "../core/lifecycle.ts";
import { DAY, formatTime, parseDate, YEARS } from "../core/time.ts";
import type { LoadedPlan } from "../plan/load.ts";
import { type Population, syntheticPopulation } from "../sim/population.ts";
import { STATUS } from "../sim/recorder.ts";
import { checkLoaded, DEFAULT_START } from "../sim/run.ts";
import { checkOptionTypes } from "../sim/option-types.ts";
import { checkWorldOption } from "../sim/world-option.ts";
import { simulate } from "../sim/simulate.ts";
import type { WorldModel } from "../sim/world-model.ts";
import { planWorld } from "../plan/world-section.ts";
import { checkOptionNames, checkRunSizes, InputError } from "../plan/errors.ts";
import { describe } from "../plan/fields.ts";
import { ExplainRecorder } from "./observer.ts";
import { offsetText } from "./counted.ts";
import { PER2, PER4 } from "../core/record.ts";

export interface TimelineRow {
  time: string; // ISO UTC
  kind: "event" | "journey" | "message";
  what: string; // event type, or "program · message (channel)"
  status?: string; // message: sent, suppressed, holdout, deferred, delayed, cancelled
  rule?: string;
  why?: string;
  value?: number; // purchase value
}

export interface Timeline {
  plan: string;
  customer: string;
  seed: number;
  start: string;
  days: number;
  profile: { signup: string; timezone: string; lifecycleStart: string; lifecycleEnd: string; consents: string[] };
  rows: TimelineRow[];
  counts: Record<string, number>; // messages by status
}

export interface ExplainOptions {
  customer: string;
  customers?: number; // synthetic population size, default 10,000
  days?: number; // default 365
  seed?: number; // default 1
  start?: string;
  world?: Partial<WorldModel>;
  population?: (o: { journeys: number; seed: number; start: number; days: number; world: WorldModel }) => Population;
}

/** ExplainOptions' names (explainCustomer refuses any other: { customer: "C0000042", dys: 30 } explained a year). */
const EXPLAIN_OPTIONS = ["customer", "customers", "days", "seed", "start", "world", "population"] as const satisfies readonly (keyof ExplainOptions)[];


/**
 * @example explainCustomer(loadPlan("scenarios/lifecycle-capped.yaml"), { customer: "C0000042", customers: 2000, days: 90 })
 */
export function explainCustomer(loaded: LoadedPlan, o: ExplainOptions): Timeline {
  // as runPlan checks them: 10.5 customers ran for ever, -5 days failed in an array, a NaN seed gave no rows
  checkLoaded("explainCustomer", loaded);
  if (!(o !== null && typeof o === "object" && !Array.isArray(o))) {
    throw new InputError(`explainCustomer: options: expected an object such as { customer: "C0000042", customers: 2000, days: 90 }, got ${o === null ? "null" : describe(o)}`);
  }
  checkOptionNames("explainCustomer", o, EXPLAIN_OPTIONS);
  checkRunSizes(o);
  checkOptionTypes("explainCustomer", o as unknown as Record<string, unknown>);
  checkWorldOption(o.world);
  if (typeof o.customer !== "string") throw new InputError(`customer: expected a customer id such as "C0000042", got ${describe(o.customer)}`);
  const days = o.days ?? 365, seed = o.seed ?? 1, startText = o.start ?? DEFAULT_START;
  const start = parseDate(startText);
  if (start === null) throw new InputError(`--start: expected a date such as 2026-01-01 (${YEARS}), got '${startText}'`);
  const world = planWorld(loaded, o.world), plan = loaded.compiled;
  const p = { journeys: plan.journeys.length, seed, start, days, world };
  const population = o.population ? o.population(p) : syntheticPopulation({ ...p, customers: o.customers ?? 10_000 });
  return explainIn(loaded, population, o.customer, { seed, start, days, world });
}

/**
 * The timeline of customer `id` of a population built by the caller (a hand-built one in tests).
 * @example const start = parseDate("2026-01-01")!, world = planWorld(plan), journeys = plan.compiled.journeys.length;
 * explainIn(plan, syntheticPopulation({ customers: 100, seed: 1, start, days: 30, journeys, world }), "C0000001", { seed: 1, start, days: 30, world })
 */
export function explainIn(loaded: LoadedPlan, population: Population, id: string, o: { seed: number; start: number; days: number; world: WorldModel }): Timeline {
  const plan = loaded.compiled, t = population.table;
  const c = t.ids.indexOf(id);
  if (c < 0 || c >= population.size) {
    const n = population.size;
    throw new InputError(`--customer: no customer '${id}' in this population of ${n.toLocaleString("en-US")}; ids run ${t.ids[0]} … ${t.ids[n - 1]}`);
  }
  grantCustomConsents(plan, t, worldSeed(o.seed)); // as the world will at the start of the run: the consents it starts with
  const consents0 = plan.names.channels.filter((_, i) => t.consent[c * PER2] & (1 << i));
  const stage0 = t.signup[c * PER4] > o.start ? `signs up ${formatTime(t.signup[c * PER4]).slice(0, 10)}` : STAGES[stageAt(t, c, o.start)];
  const rec = new ExplainRecorder(plan, t, c);
  simulate(plan, population, { seed: o.seed, start: o.start, days: o.days, world: o.world, recorder: rec });
  const names = plan.names.programs;
  const rows: (TimelineRow & { t: number; order: number })[] = [];
  rec.mTime.forEach((time, i) => {
    const s = plan.sends[rec.mSend[i]];
    rows.push({
      t: time, order: rec.mSeq[i], time: formatTime(time), kind: "message",
      what: `${names[s.program]} · ${s.message} (${plan.names.channels[s.channel]})`,
      status: STATUS[rec.mStatus[i]], ...(rec.mRule[i] ? { rule: rec.mRule[i] } : {}), ...(rec.why[i] ? { why: rec.why[i] } : {}),
    });
  });
  for (const i of rec.eventOrder()) {
    const type = rec.eType[i] < 0 ? "left the brand" : EVENT_TYPES[rec.eType[i]];
    const send = rec.eSend[i] >= 0 ? plan.sends[rec.eSend[i]] : null;
    rows.push({
      t: rec.eTime[i], order: rows.length, time: formatTime(rec.eTime[i]), kind: "event",
      what: send ? `${type} · ${names[send.program]} · ${send.message}` : type,
      ...(rec.eValue[i] ? { value: Math.round(rec.eValue[i] * 100) / 100 } : {}),
    });
  }
  const HOW: Record<string, string> = { entered: "enters the journey", completed: "journey completed", goal: "leaves the journey: goal reached", left: "journey ended: the customer left" };
  rec.jTime.forEach((time, i) => {
    rows.push({ t: time, order: rec.jSeq[i], time: formatTime(time), kind: "journey", what: `${names[plan.journeys[rec.jJourney[i]].program]} · ${HOW[rec.jHow[i]] ?? rec.jHow[i]}` });
  });
  // time order; at the same minute the event first (a purchase, then the confirmation it triggered), then logging order
  // time order; at the same minute the customer's events first, then the plan's steps and decisions as they were logged
  const rank = { event: 0, journey: 1, message: 1 };
  rows.sort((a, b) => a.t - b.t || rank[a.kind] - rank[b.kind] || a.order - b.order);
  const counts: Record<string, number> = {};
  for (const r of rows) if (r.status) counts[r.status] = (counts[r.status] ?? 0) + 1;
  const end = o.start + o.days * DAY;
  return {
    plan: loaded.plan.name, customer: id, seed: o.seed, start: formatTime(o.start).slice(0, 10), days: o.days,
    profile: { signup: formatTime(t.signup[c * PER4]).slice(0, 10), timezone: offsetText(t.tz[c * PER2]), lifecycleStart: stage0, lifecycleEnd: STAGES[stageAt(t, c, end)], consents: consents0 },
    rows: rows.map(({ t: _t, order: _o, ...r }) => r),
    counts,
  };
}

/**
 * The timeline as text lines for the terminal.
 * @example console.log(formatTimeline(explainCustomer(plan, { customer: "C0000042", customers: 1000, days: 90 }))) // "C0000042 under lifecycle · seed 1 · 90 days from 2026-01-01 · times UTC", …
 */
export function formatTimeline(tl: Timeline): string {
  const head = [
    `${tl.customer} under ${tl.plan} · seed ${tl.seed} · ${tl.days} days from ${tl.start} · times UTC`,
    `signed up ${tl.profile.signup} · ${tl.profile.timezone} · at the start: ${tl.profile.lifecycleStart} · at the end: ${tl.profile.lifecycleEnd} · consents at the start: ${tl.profile.consents.join(", ") || "none"}`,
    `messages: ${Object.entries(tl.counts).map(([k, v]) => `${v} ${k}`).join(", ") || "none"}`,
    "",
  ];
  const lines = tl.rows.map((r) => {
    const when = r.time.replace("T", " ").replace(":00Z", "");
    if (r.kind === "event") return `${when}  ${r.what}${r.value ? ` (${r.value})` : ""}`;
    if (r.kind === "journey") return `${when}  ${r.what}`;
    return `${when}  ${r.what}: ${r.status}${r.why ? ` — ${r.why}` : r.rule ? ` (${r.rule})` : ""}`;
  });
  return [...head, ...lines].join("\n");
}
