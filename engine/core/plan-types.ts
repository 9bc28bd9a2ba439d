/**
 * A plan after validation: every name resolved, every duration in minutes. Built by
 * engine/plan/validate.ts from the YAML file, compiled by engine/plan/compile.ts for the core.
 */
import type { MonthDay } from "./monthly.ts";
import type { Minutes } from "./time.ts";

export interface Plan {
  name: string;
  description: string;
  currency: string;
  timezone: number; // UTC offset in minutes for campaign times and capacity days
  margin: number; // gross margin rate on revenue, 0..1
  channels: (Channel | null)[]; // by channel index (engine/core/channels.ts); null = not used by this plan
  channelNames: string[]; // by channel index: the five built-in ones, then the plan's custom channels in declaration order
  categories: string[];
  addressOnly: number[]; // category indices whose messages need a reachable address only (default: transactional)
  pressure: unknown; // the raw `pressure:` section, compiled by engine/plan/pressure-rules.ts
  programs: Program[];
}

export interface Channel {
  cost: number; // per contact, in the plan's currency
  consent: number; // channel index whose consent bit is required, -1 = none needed
  latency: Minutes; // send → delivered
  window: [number, number] | null; // send window in the customer's local time, minutes after midnight [from, to)
  maxDefer: Minutes; // a message outside the window is deferred to its next opening, dropped past this
  capacity: number | null; // contacts per day (plan timezone) shared by all programs
  custom?: CustomChannel; // a channel the plan declares beyond the five built-in ones (issue 11 #11)
}

/** What only a custom channel has: where its consent comes from, and how the simulated world answers it. */
export interface CustomChannel {
  attribute: string | null; // customer attribute whose truthy value is the consent (attr.<name>); null = consent: none
  consentShare: number; // synthetic customers (or a history without the attribute): share drawn with the attribute true
  like: string | null; // the built-in channel whose defaults it started from
  response: Readonly<Record<string, number>>; // engine/sim/world-model.ts ChannelResponse, every field filled
}

export interface SendSpec {
  channel: number;
  message: string;
  category: number;
  discount: number; // offer: share of the order value given away when the message converts (0 = none)
}

export type Step =
  | { kind: "send"; send: SendSpec }
  | { kind: "wait"; duration: Minutes }
  | { kind: "waitFor"; event: number; timeout: Minutes; then: Step[]; onTimeout: Step[] }
  | { kind: "branch"; condition: string; then: Step[]; else: Step[] }
  | { kind: "split"; arms: { weight: number; steps: Step[] }[] }
  | { kind: "exit" };

export type OnBlocked = { kind: "drop" } | { kind: "defer"; maxDelay: Minutes };

interface ProgramBase {
  id: string;
  description: string;
  priority: number | string; // a number, or an expression per customer
  holdout: number; // share of customers kept out, 0..1
  onBlocked: OnBlocked;
}

export interface Journey extends ProgramBase {
  kind: "journey";
  trigger: { event: number; condition: string | null; days: number };
  reentry: { kind: "once" | "always" | "cooldown"; cooldown: Minutes };
  exitOn: number[];
  steps: Step[];
}

export type Schedule =
  | { kind: "once"; at: Minutes }
  | { kind: "every"; every: Minutes; at: number; start: Minutes | null; end: Minutes | null }
  | { kind: "weekly"; weekdays: number[]; at: number; start: Minutes | null; end: Minutes | null }
  // a day of the month or the n-th weekday of the month (engine/core/monthly.ts)
  | { kind: "monthly"; on: MonthDay[]; at: number; start: Minutes | null; end: Minutes | null }
  | { kind: "dates"; dates: Minutes[] };

export interface Campaign extends ProgramBase {
  kind: "campaign";
  schedule: Schedule;
  audience: string;
  targeted: { share: number; score: string } | null;
  send: SendSpec;
}

export type Program = Journey | Campaign;
