/**
 * The compiled plan the decision core runs: journeys as small instruction programs, expressions as
 * closures, pressure rules compiled, and per-event dispatch lists so an event only visits the
 * journeys that listen to it.
 */
import type { Compiled } from "./truthy.ts";
import type { Channel, OnBlocked, Plan, Schedule } from "./plan-types.ts";
import type { ExprCtx } from "./context.ts";
import type { CompiledPressure } from "./pressure.ts";

export const OP_END = 0, OP_SEND = 1, OP_WAIT = 2, OP_WAITFOR = 3, OP_BRANCH = 4, OP_SPLIT = 5;

export type Instr =
  | { op: typeof OP_END }
  | { op: typeof OP_SEND; send: number; next: number }
  | { op: typeof OP_WAIT; duration: number; next: number }
  | { op: typeof OP_WAITFOR; event: number; timeout: number; then: number; timedOut: number }
  | { op: typeof OP_BRANCH; condition: Compiled<ExprCtx>; then: number; else: number }
  | { op: typeof OP_SPLIT; cumulative: number[]; targets: number[] };

export type Expr = Compiled<ExprCtx>;

export interface CompiledSend {
  index: number;
  program: number;
  channel: number;
  category: number;
  message: string;
  discount: number;
}

export interface CompiledProgram {
  index: number;
  id: string;
  kind: "journey" | "campaign";
  key: number; // hash of the id: program-level random streams (holdout, split) stay put when programs are reordered
  priority: number | Expr;
  holdout: number;
  onBlocked: OnBlocked;
  journey: number; // index into journeys, -1 for a campaign
  campaign: number; // index into campaigns, -1 for a journey
}

export interface CompiledJourney {
  index: number;
  program: number;
  triggerEvent: number;
  triggerDays: number;
  condition: Expr | null;
  reentry: "once" | "always" | "cooldown";
  cooldown: number;
  code: Instr[]; // code[0] is OP_END
  entry: number;
}

export interface CompiledCampaign {
  index: number;
  program: number;
  schedule: Schedule;
  audience: Expr;
  targeted: { share: number; score: Expr } | null;
  send: number;
}

export interface CompiledPlan {
  plan: Plan;
  channels: (Channel | null)[];
  programs: CompiledProgram[];
  journeys: CompiledJourney[];
  campaigns: CompiledCampaign[];
  sends: CompiledSend[];
  pressure: CompiledPressure<ExprCtx>;
  names: { programs: string[]; categories: string[]; channels: string[] }; // channels: by index, built-in then custom
  // dispatch: per event type, the journeys it triggers, exits, or may resume
  triggers: number[][];
  exits: number[][];
  resumes: number[][];
  inactivityDays: number[]; // distinct thresholds of inactive triggers
  usesVisits: boolean; // some journey listens to visits or an expression reads lastVisit
  horizon: number; // how long the ledger must remember sent contacts (minutes); no rules, no ledger
  /** Per category: 1 when its messages need only a reachable address, not the marketing opt-in (transactional). */
  addressOnly: Uint8Array;
}
