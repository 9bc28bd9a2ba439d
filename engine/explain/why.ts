/**
 * One message decision in words: why it was sent, held, deferred, suppressed or cancelled, with the
 * figures a pressure rule compared and the contacts it counted (engine/explain/counted.ts), e.g.
 * "two-a-week: 2 counted contacts in (T−7d, T] ≥ cap 2: newsletter 03-10, cart-1 03-12".
 */
import type { CompiledPlan } from "../core/compiled.ts";
import { type ExprCtx, newCtx } from "../core/context.ts";
import { type CustomerTable, NEVER } from "../core/customer-table.ts";
import type { PressureEnv } from "../core/pressure.ts";
import { formatTime } from "../core/time.ts";
import { type CountedContact, duration, explainRule, type RuleExplanation } from "./counted.ts";
import { PER2, PER4 } from "../core/record.ts";

/** "03-10", or "03-10 14:00" when the time of day matters (two contacts the same day). */
const md = (t: number, withTime = false) => {
  const s = formatTime(t); // 2026-03-10T14:00Z
  return withTime ? `${s.slice(5, 10)} ${s.slice(11, 16)}` : s.slice(5, 10);
};
const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;

export interface Decision {
  time: number; // when the core decided (the recorder's `time`)
  at: number; // when it goes, or is retried (the recorder's `at`; equal to time when not given)
  send: number;
  status: string;
  rule: string;
}

export interface Why {
  text: string;
  rule?: RuleExplanation;
}

/** Explains decisions for one plan over one customer table; reuses one expression context. */
export class Explainer {
  private readonly ctx: ExprCtx;
  private readonly env: PressureEnv<ExprCtx>;

  constructor(readonly plan: CompiledPlan, readonly table: CustomerTable) {
    const ctx = (this.ctx = newCtx(table, plan.names));
    this.env = {
      ctx,
      tzOffset: 0,
      setMessage(program: number, channel: number, category: number) {
        ctx.msgProgram = program, ctx.msgChannel = channel, ctx.msgCategory = category;
      },
    };
  }

  /** Must be called at the decision, while the customer's ledger is as the core saw it. */
  explain(c: number, d: Decision): Why {
    const p = this.plan, s = p.sends[d.send], ch = p.channels[s.channel], chName = p.names.channels[s.channel];
    switch (d.status) {
      case "sent":
        return { text: "" };
      case "holdout":
        return { text: `in ${p.names.programs[s.program]}'s holdout (${Math.round(p.programs[s.program].holdout * 100)} % of customers are kept out to measure its effect)` };
      case "delayed":
        return { text: `held for the ${chName} send window${ch?.window ? ` (${hhmm(ch.window[0])}–${hhmm(ch.window[1])} local time)` : ""} until ${formatTime(d.at)}` };
      case "cancelled":
        return { text: d.rule === "left" ? "the customer left the brand before it went out" : "its journey ended before it went out" };
    }
    if (d.rule === "consent") {
      return { text: p.addressOnly[s.category] ? `no reachable ${chName} address` : `no ${chName} consent` };
    }
    if (d.rule === "send-window") {
      return { text: `the ${chName} send window${ch?.window ? ` (${hhmm(ch.window[0])}–${hhmm(ch.window[1])} local)` : ""} opens more than ${duration(ch?.maxDefer ?? 0)} (max deferral) later` };
    }
    if (d.rule.startsWith("capacity:")) {
      const tail = d.status === "deferred" ? `; tried again ${formatTime(d.at)}` : "";
      return { text: `${chName}'s daily capacity (${ch?.capacity ?? "?"}) was used up${tail}` };
    }
    const k = p.pressure.rules.findIndex((r) => r.name === d.rule);
    if (k < 0) return { text: d.rule };
    return this.pressure(c, d, k);
  }

  private pressure(c: number, d: Decision, k: number): Why {
    const p = this.plan, s = p.sends[d.send], rule = p.pressure.rules[k];
    // the candidate's send time T: a suppression and a deferral are logged at the send time the rule blocked.
    // The core may have decided earlier (a campaign at the start of its day, a message held for its send
    // window): its decision time is the customer's lastSeen, which the core sets on every decision. A contact
    // scheduled after it was pending there, counted by priority, whatever its place before T.
    const T = d.time, seen = this.table.lastSeen[c * PER4], now = seen !== NEVER && seen < T ? seen : T;
    const ctx = this.ctx;
    ctx.c = c, ctx.now = now, ctx.slot = -1, ctx.ev = null, ctx.msgProgram = ctx.msgChannel = ctx.msgCategory = -1;
    this.env.tzOffset = this.table.tz[c * PER2];
    const prio = p.programs[s.program].priority;
    const v = typeof prio === "number" ? prio : prio(ctx);
    const priority = typeof v === "number" && Number.isFinite(v) ? v : 0;
    const e = explainRule(rule, this.table.ledger(c), { time: T, program: s.program, channel: s.channel, category: s.category, priority }, now, this.env);
    const list = this.contacts(e.counted);
    const retry = d.status === "deferred" ? `; retried ${formatTime(d.at)}` : "";
    return { text: `${rule.name}: ${e.text}${list ? `: ${list}` : ""}${retry}`, rule: e };
  }

  /** "newsletter 03-10, cart-1 03-12 (pending)"; a tie of priorities says so: "(pending, same priority, decided first)". */
  contacts(xs: CountedContact[]): string {
    const days = xs.map((x) => md(x.time));
    return xs.map((x, i) => {
      // program -1: a contact made outside the plan (a meeting, the contact history, another tool)
      const name = x.program < 0 ? "outside the plan" : this.plan.names.programs[x.program] ?? `program ${x.program}`;
      const sameDay = days.filter((dd) => dd === days[i]).length > 1;
      return `${name}${x.channel !== 0 ? ` (${this.plan.names.channels[x.channel]})` : ""} ${md(x.time, sameDay)}${x.pending ? ` (pending${x.tie ? `, same priority, ${x.tie === "first" ? "decided first" : "earlier"}` : ""})` : ""}${x.weight !== undefined ? ` ×${x.weight}` : ""}`;
    }).join(", ");
  }
}
