/** Test helpers: plans from inline YAML, a one-customer core with a recording sink. */
import { parsePlan, type LoadedPlan } from "../engine/plan/load.ts";
import { Core, type ActionSink } from "../engine/core/decide.ts";
import { CustomerTable } from "../engine/core/customer-table.ts";
import { type CoreEvent, EVENT_TYPES, newEvent } from "../engine/core/events.ts";
import { ALL_CONSENTS } from "../engine/core/channels.ts";
import { parseDate } from "../engine/core/time.ts";
import { InputError } from "../engine/plan/errors.ts";
import { PER2, PER4 } from "../engine/core/record.ts";

export const T0 = parseDate("2026-01-05T00:00")!; // a Monday, UTC

/** A deliberately wrong argument, typed as anything: what a notebook (plain JavaScript) may pass to the engine. */
// deno-lint-ignore no-explicit-any
export const anyway = (v: unknown): any => v;

export function plan(yaml: string, file = "test.yaml"): LoadedPlan {
  return parsePlan(yaml, file);
}

/** Two library programs (abandoned cart, newsletter) on e-mail: the contribution tests' plan. */
export const TWO_PROGRAMS = `name: two
timezone: "+01:00"
margin: 0.45
channels:
  email: { cost: 0.002 }
programs:
  - use: programs/abandoned-cart
    with: { followUpChannel: email }
  - use: programs/newsletter
`;

/** The message a broken plan is refused with (an InputError; the test fails if the plan is accepted). */
export function planError(yaml: string, file = "broken.yaml"): string {
  try {
    parsePlan(yaml, file);
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    return e.message;
  }
  throw new Error("the plan was accepted");
}

export const CHANNELS_ALL = `channels:
  email: {}
  sms: { window: always }
  push: { window: always }
  mail: {}
  call: { window: always }
`;

export interface Action {
  kind: string;
  c: number;
  time: number;
  send?: string;
  rule?: string;
  journey?: number;
  generation?: number;
  priority?: number;
  deadline?: number;
  instance?: number;
  sendIndex?: number;
  days?: number;
  since?: number;
}

/** A core over a small table whose actions are recorded; timers, dues and retries are left to the test. */
export function harness(loaded: LoadedPlan, customers = 1, seed = 1) {
  const p = loaded.compiled;
  const table = new CustomerTable(customers, p.journeys.length);
  for (let i = 0; i < customers; i++) {
    const c = table.add(`C${i + 1}`);
    table.consent[c * PER2] = table.consent0[c] = ALL_CONSENTS;
    table.signup[c * PER4] = T0 - 100 * 1440;
  }
  const actions: Action[] = [];
  const msg = (s: number) => p.sends[s].message;
  const sink: ActionSink = {
    send: (c, s, time, priority) => actions.push({ kind: "send", c, send: msg(s), time, priority }),
    due: (c, s, time, priority, deadline, instance) =>
      actions.push({ kind: "due", c, send: msg(s), sendIndex: s, time, priority, deadline, instance }),
    retry: (c, s, time, priority, deadline, instance, rule) =>
      actions.push({ kind: "retry", c, send: msg(s), sendIndex: s, time, priority, deadline, instance, rule }),
    suppressed: (c, s, time, rule) => actions.push({ kind: "suppressed", c, send: msg(s), time, rule }),
    windowed: (c, s, now, time) => actions.push({ kind: "windowed", c, send: msg(s), time, since: now }),
    cancelled: (c, s, time, rule) => actions.push({ kind: "cancelled", c, send: msg(s), time, rule }),
    inactivity: (c, time, days, since) => actions.push({ kind: "inactivity", c, time, days, since }),
    holdout: (c, s, time) => actions.push({ kind: "holdout", c, send: msg(s), time }),
    timer: (c, journey, generation, time) => actions.push({ kind: "timer", c, journey, generation, time }),
    entered: (c, journey, time) => actions.push({ kind: "entered", c, journey, time }),
    exited: (c, journey, time) => actions.push({ kind: "exited", c, journey, time }),
  };
  const core = new Core(p, table, sink, seed);
  const ev: CoreEvent = newEvent();
  return {
    core,
    table,
    actions,
    plan: p,
    /** Fires an event by name at a time. */
    fire(c: number, type: string, time: number, extra: Partial<CoreEvent> = {}) {
      Object.assign(ev, newEvent(), { type: EVENT_TYPES.indexOf(type as never), time }, extra);
      core.event(c, ev, time);
    },
    /** Fires the most recent pending timer of customer c. */
    fireTimer(c: number) {
      const t = [...actions].reverse().find((a) => a.kind === "timer" && a.c === c)!;
      core.timer(c, t.journey!, t.generation!, t.time);
      return t.time;
    },
    /** Hands a held message (a recorded `due` or `retry` action) back to the core at its time. */
    resume(a: Action) {
      if (a.kind === "due") core.due(a.c, a.sendIndex!, a.time, a.priority!, a.deadline!, a.instance!);
      else core.retry(a.c, a.sendIndex!, a.time, a.priority!, a.deadline!, a.instance!);
    },
    sends: (c?: number) => actions.filter((a) => a.kind === "send" && (c === undefined || a.c === c)).map((a) => a.send),
    take() {
      return actions.splice(0, actions.length);
    },
  };
}

/**
 * mulberry32: a small seeded generator for tests (no Math.random: a failure must replay), uniform in [0, 1).
 * @example const u = seeded(42); u() // the same sequence on every run
 */
export function seeded(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
