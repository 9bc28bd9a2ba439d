/**
 * Plan → CompiledPlan: expressions compiled against the core's scope, journeys flattened into
 * instruction programs, pressure rules compiled. Reports problems with field paths like validation.
 */
import {
  type CompiledCampaign,
  type CompiledJourney,
  type CompiledPlan,
  type CompiledProgram,
  type CompiledSend,
  type Expr,
  type Instr,
  OP_BRANCH,
  OP_END,
  OP_SEND,
  OP_SPLIT,
  OP_WAIT,
  OP_WAITFOR,
} from "../core/compiled.ts";
import type { ExprCtx } from "../core/context.ts";
import { EV_INACTIVE, EV_VISIT, EVENT_TYPES } from "../core/events.ts";
import { hashString } from "../core/hash.ts";
import { pressureHorizon } from "../core/pressure.ts";
import { compilePressure } from "./pressure-rules.ts";
import { misplaced } from "./expr-places.ts";
import { earlyReads } from "./open-reads.ts";
import { InputError, type Path, Reporter } from "./errors.ts";
import { describe, isMapping, MAX_PRIORITY } from "./fields.ts";
import { type CompiledExpr, compileWithin } from "./expr.ts";
import { scopeFor } from "./scope.ts";
import type { Plan, SendSpec, Step } from "./types.ts";

const always = Object.assign((_: ExprCtx) => true, { source: "true", refs: [] as string[] }) as Expr;

/** Compiles a validated plan. @example const compiled = compilePlan(loadPlan("scenarios/lifecycle.yaml").plan) */
export function compilePlan(plan: Plan, reporter?: Reporter): CompiledPlan {
  checkValidated(plan);
  const r = reporter ?? new Reporter(plan.name);
  const refs = new Set<string>(), scope = scopeFor(plan.channelNames);
  const expr = (source: string, path: Path): Expr => {
    const e = compileWithin(source, scope, (m) => r.error(path, `invalid expression: ${m}`)) ?? always;
    const wrongPlace = misplaced(e.refs, path);
    if (wrongPlace) r.error(path, `invalid expression: ${wrongPlace}`);
    for (const ref of e.refs) refs.add(ref);
    return e;
  };
  // An expression whose value is known at load time must already be what its place needs.
  const numeric = (source: string, path: Path, what: string): Expr | number => {
    const e = expr(source, path);
    if (!(e as CompiledExpr<ExprCtx>).constant) return e;
    const v = e(undefined as unknown as ExprCtx);
    if (typeof v === "number" && Number.isFinite(v)) return v;
    r.error(path, `expected ${what} as a number or an expression giving one; '${source}' is always ${JSON.stringify(v)}`);
    return 0;
  };
  // a priority known at load time lies where a literal one must (engine/plan/validate.ts): '2e9' as text
  // went past the literal's range, and past the check of an expression's value at run time (decide.ts)
  const constantPriority = (source: string, path: Path): Expr | number => {
    const v = numeric(source, path, "a priority");
    if (typeof v === "number" && Math.abs(v) > MAX_PRIORITY) {
      r.error(path, `expected a priority from ${-MAX_PRIORITY} to ${MAX_PRIORITY}, as a number is; '${source}' is always ${v}`);
      return 0;
    }
    return v;
  };
  const sends: CompiledSend[] = [];
  const addSend = (s: SendSpec, program: number): number => {
    sends.push({ index: sends.length, program, ...s });
    return sends.length - 1;
  };
  const programs: CompiledProgram[] = [];
  const journeys: CompiledJourney[] = [];
  const campaigns: CompiledCampaign[] = [];
  for (const [i, p] of plan.programs.entries()) {
    const path = ["programs", i];
    const prog: CompiledProgram = {
      index: i,
      id: p.id,
      kind: p.kind,
      key: hashString(p.id),
      priority: typeof p.priority === "number" ? p.priority : constantPriority(p.priority, [...path, "priority"]),
      holdout: p.holdout,
      onBlocked: p.onBlocked,
      journey: -1,
      campaign: -1,
    };
    programs.push(prog);
    if (p.kind === "journey") {
      const code: Instr[] = [{ op: OP_END }];
      // the names each branch condition reads, from its compilation here (an invalid one, reported, reads none)
      const branchRefs = new Map<string, readonly string[]>();
      const list = (steps: Step[], cont: number, sp: Path): number => {
        let entry = cont;
        for (let k = steps.length - 1; k >= 0; k--) entry = step(steps[k], entry, [...sp, k]);
        return entry;
      };
      const push = (ins: Instr) => code.push(ins) - 1;
      const step = (s: Step, next: number, sp: Path): number => {
        switch (s.kind) {
          case "send":
            return push({ op: OP_SEND, send: addSend(s.send, i), next });
          case "wait":
            return push({ op: OP_WAIT, duration: s.duration, next });
          case "waitFor":
            return push({
              op: OP_WAITFOR,
              event: s.event,
              timeout: s.timeout,
              then: list(s.then, next, [...sp, "waitFor", "then"]),
              timedOut: list(s.onTimeout, next, [...sp, "waitFor", "onTimeout"]),
            });
          case "branch": {
            const condition = expr(s.condition, [...sp, "branch", "if"]);
            branchRefs.set(s.condition, condition.refs);
            return push({
              op: OP_BRANCH,
              condition,
              then: list(s.then, next, [...sp, "branch", "then"]),
              else: list(s.else, next, [...sp, "branch", "else"]),
            });
          }
          case "split": {
            const total = s.arms.reduce((a, b) => a + b.weight, 0) || 1;
            let acc = 0;
            return push({
              op: OP_SPLIT,
              cumulative: s.arms.map((a) => (acc += a.weight / total)),
              targets: s.arms.map((a, k) => list(a.steps, next, [...sp, "split", k, "steps"])),
            });
          }
          case "exit":
            return 0;
        }
      };
      const entry = list(p.steps, 0, [...path, "steps"]);
      for (const e of earlyReads(p.steps, [...path, "steps"], (c) => branchRefs.get(c) ?? [])) r.error(e.path, e.message);
      prog.journey = journeys.length;
      journeys.push({
        index: journeys.length,
        program: i,
        triggerEvent: p.trigger.event,
        triggerDays: p.trigger.days,
        condition: p.trigger.condition === null ? null : expr(p.trigger.condition, [...path, "trigger", "condition"]),
        reentry: p.reentry.kind,
        cooldown: p.reentry.cooldown,
        code,
        entry,
      });
    } else {
      prog.campaign = campaigns.length;
      campaigns.push({
        index: campaigns.length,
        program: i,
        schedule: p.schedule,
        audience: expr(p.audience, [...path, "audience"]),
        targeted: p.targeted && { share: p.targeted.share, score: expr(p.targeted.score, [...path, "targeted", "score"]) },
        send: addSend(p.send, i),
      });
    }
  }
  const names = { programs: programs.map((p) => p.id), categories: plan.categories, channels: plan.channelNames };
  const pressure = compilePressure<ExprCtx>(
    plan.pressure ?? {},
    ["pressure"],
    { channels: plan.channelNames, categories: plan.categories, programs: names.programs },
    (source, path) => expr(source, path),
    r,
  );
  const perEvent = () => EVENT_TYPES.map(() => [] as number[]);
  const triggers = perEvent(), exits = perEvent(), resumes = perEvent();
  for (const j of journeys) {
    triggers[j.triggerEvent].push(j.index);
    const p = plan.programs[j.program];
    if (p.kind === "journey") for (const e of new Set(p.exitOn)) exits[e].push(j.index);
    for (const e of new Set(j.code.flatMap((ins) => (ins.op === OP_WAITFOR ? [ins.event] : [])))) resumes[e].push(j.index);
  }
  const inactivityDays = [...new Set(journeys.filter((j) => j.triggerEvent === EV_INACTIVE).map((j) => j.triggerDays))].sort((a, b) => a - b);
  if (!reporter && !r.ok) throw new InputError(r.format(), r.problems);
  return {
    plan,
    channels: plan.channels,
    programs,
    journeys,
    campaigns,
    sends,
    pressure,
    names,
    triggers,
    exits,
    resumes,
    inactivityDays,
    usesVisits: refs.has("lastVisit") || triggers[EV_VISIT].length + exits[EV_VISIT].length + resumes[EV_VISIT].length > 0,
    horizon: pressureHorizon(pressure),
    addressOnly: Uint8Array.from(plan.categories, (_, i) => (plan.addressOnly.includes(i) ? 1 : 0)),
  };
}

/**
 * Refuses what is not a validated plan (its channels' names and its programs' list are what validation
 * gives): given a loaded plan, a file name or a plan as written, compilePlan failed on its first line with
 * "Cannot read properties of undefined (reading 'length')".
 */
function checkValidated(plan: unknown): void {
  const o = isMapping(plan) ? plan : null;
  if (o && Array.isArray(o.channelNames) && Array.isArray(o.programs)) return;
  const head = "compilePlan: expected a validated plan (loadPlan(…).plan), got";
  if (o && "compiled" in o && "plan" in o) throw new InputError(`${head} a loaded plan: it is compiled already, loaded.compiled (compilePlan(loaded.plan) compiles it again)`);
  if (typeof plan === "string") {
    const file = /\.(ya?ml|json)$/i.test(plan) ? plan : "scenarios/lifecycle.yaml";
    throw new InputError(`${head} the text '${plan.length > 60 ? plan.slice(0, 57) + "..." : plan}': a plan file is read, validated and compiled by loadPlan("${file}").compiled`);
  }
  throw new InputError(`${head} ${describe(plan)}${o ? ` with ${Object.keys(o).slice(0, 5).join(", ") || "no fields"}` : ""}: a plan as written is validated and compiled by parsePlan(JSON.stringify(plan), "name.yaml").compiled`);
}
