/**
 * The decision core: for one customer, an event (or a timer, a campaign send, a due message) and a time,
 * it updates the customer's state and emits actions through a sink. No I/O, no clock, no hidden
 * randomness: the simulator and the live server drive this same code.
 *
 * Order of work for an event (documented in docs/engine.md):
 *  1. the event's effect on the customer (purchase → orders, revenue; unsubscribe → consent off; ...);
 *  2. journey instances that exit on it (goal reached);
 *  3. instances waiting for it resume;
 *  4. journeys it triggers are entered;
 * each list in plan order.
 */
import type { CompiledPlan, CompiledProgram } from "./compiled.ts";
import { OP_BRANCH, OP_END, OP_SEND, OP_SPLIT, OP_WAIT, OP_WAITFOR } from "./compiled.ts";
import { CHANNELS, consentBit } from "./channels.ts";
import { type ExprCtx, newCtx } from "./context.ts";
import { type CustomerTable, NEVER } from "./customer-table.ts";
import {
  type CoreEvent,
  EV_CLICKED,
  EV_COMPLAINED,
  EV_INACTIVE,
  EV_OPENED,
  EV_PURCHASE,
  EV_UNSUBSCRIBED,
  EV_VISIT,
} from "./events.ts";
import { uniform } from "./hash.ts";
import { addContact, type Contact, pruneLedger, removeContact } from "./ledger.ts";
import { checkPressure, type PressureEnv, type Verdict } from "./pressure.ts";
import { DAY } from "./time.ts";
import { truthy } from "../plan/expr.ts";

/** What the core asks its driver to do. */
export interface ActionSink {
  /** The contact goes out now. */
  send(c: number, send: number, time: number, priority: number): void;
  /** Accepted for a later time (send window): call `core.due` then. */
  due(c: number, send: number, time: number, priority: number): void;
  /** Blocked by `rule` and deferred: call `core.retry` at `time`; give up after `deadline`. */
  retry(c: number, send: number, time: number, priority: number, deadline: number, rule: string): void;
  suppressed(c: number, send: number, time: number, rule: string): void;
  holdout(c: number, send: number, time: number): void;
  timer(c: number, journey: number, generation: number, time: number): void;
  /** Call `core.stillInactive(c, since)` at `time`: `days` after the purchase at `since`. */
  inactivity(c: number, time: number, days: number, since: number): void;
  entered(c: number, journey: number, time: number): void;
  exited(c: number, journey: number, time: number, reason: "completed" | "goal" | "left"): void;
}

const PASS: Verdict = { ok: true, rule: -1, retryAt: 0 };

// Purposes of the core's counter-based random streams.
const HOLDOUT = 0x401d, SPLIT = 0x5b17;
const MAX_STEPS = 10_000; // a journey that loops without waiting is a plan bug; stop it

/** True when the program keeps this customer out: a stable draw per seed, customer key and program. */
export function inHoldout(seed: number, key: number, program: CompiledProgram): boolean {
  return program.holdout > 0 && uniform(seed, key, program.key, HOLDOUT) < program.holdout;
}

export class Core {
  private readonly ctx: ExprCtx;
  private readonly env: PressureEnv<ExprCtx>;
  private readonly contact: Contact = { time: 0, program: 0, channel: 0, category: 0, priority: 0 };
  /** Contacts per (day in the plan's timezone, channel) against channel capacities. */
  readonly capacityUsed = new Map<number, number>();

  constructor(readonly plan: CompiledPlan, readonly table: CustomerTable, readonly sink: ActionSink, readonly seed: number) {
    this.ctx = newCtx(table, plan.names);
    const ctx = this.ctx;
    this.env = {
      ctx,
      tzOffset: 0,
      setMessage(program: number, channel: number, category: number) {
        ctx.msgProgram = program, ctx.msgChannel = channel, ctx.msgCategory = category;
      },
    };
  }

  inHoldout(c: number, program: CompiledProgram): boolean {
    return inHoldout(this.seed, this.table.key[c], program);
  }

  private at(c: number, now: number, slot = -1): ExprCtx {
    const x = this.ctx;
    x.c = c, x.now = now, x.slot = slot, x.ev = null, x.msgProgram = x.msgChannel = x.msgCategory = -1;
    return x;
  }

  priorityOf(c: number, program: CompiledProgram, now: number): number {
    const p = program.priority;
    if (typeof p === "number") return p;
    const v = p(this.at(c, now));
    return typeof v === "number" ? v : 0;
  }

  /** Handles a customer event at `now` (= ev.time). */
  event(c: number, ev: CoreEvent, now: number): void {
    const t = this.table;
    if (t.gone[c]) return;
    switch (ev.type) {
      case EV_PURCHASE:
        t.orders[c]++, t.revenue[c] += ev.value, t.lastPurchase[c] = now;
        break;
      case EV_VISIT:
        t.lastVisit[c] = now;
        break;
      case EV_OPENED:
        t.lastOpen[c] = now;
        break;
      case EV_CLICKED:
        t.lastClick[c] = now, t.lastOpen[c] = now;
        break;
      case EV_UNSUBSCRIBED:
      case EV_COMPLAINED:
        if (ev.channel >= 0) t.consent[c] &= ~consentBit(ev.channel);
        break;
    }
    const plan = this.plan, J = t.journeys;
    if (ev.type === EV_OPENED || ev.type === EV_CLICKED) {
      const j = ev.program >= 0 ? plan.programs[ev.program].journey : -1;
      if (j >= 0 && t.jPc[c * J + j] >= 0) t.jFlags[c * J + j] |= ev.type === EV_OPENED ? 1 : 3;
    }
    for (const j of plan.exits[ev.type]) {
      if (t.jPc[c * J + j] >= 0) this.exit(c, j, now, "goal");
    }
    for (const j of plan.resumes[ev.type]) {
      const slot = c * J + j, ins = plan.journeys[j].code[t.jPc[slot]];
      if (t.jPc[slot] >= 0 && ins.op === OP_WAITFOR && ins.event === ev.type) {
        t.jGen[slot]++; // the pending timeout is now stale
        t.jPc[slot] = ins.then;
        this.run(c, j, now);
      }
    }
    for (const j of plan.triggers[ev.type]) {
      const jr = plan.journeys[j];
      if (ev.type === EV_INACTIVE && ev.days !== jr.triggerDays) continue;
      this.tryEnter(c, j, ev, now);
    }
    if (ev.type === EV_PURCHASE) this.scheduleInactivity(c, now, now);
  }

  /** A customer present when a driver starts at `now`: inactivity checks still ahead of their last purchase. */
  begin(c: number, now: number): void {
    const last = this.table.lastPurchase[c];
    if (last !== NEVER) this.scheduleInactivity(c, last, now);
  }

  /** Asks for a check at each inactivity threshold the plan uses, counted from the purchase at `since`. */
  private scheduleInactivity(c: number, since: number, now: number): void {
    for (const d of this.plan.inactivityDays) {
      const at = since + d * DAY;
      if (at >= now) this.sink.inactivity(c, at, d, since);
    }
  }

  /** True when no purchase came since the one at `since`: the `inactive` event is due. */
  stillInactive(c: number, since: number): boolean {
    return !this.table.gone[c] && this.table.lastPurchase[c] === since;
  }

  private tryEnter(c: number, j: number, ev: CoreEvent, now: number): void {
    const t = this.table, slot = c * t.journeys + j, jr = this.plan.journeys[j];
    if (t.jPc[slot] >= 0) return; // one instance at a time
    if (t.jEntries[slot] > 0) {
      if (jr.reentry === "once") return;
      if (jr.reentry === "cooldown" && now - t.jLastEntry[slot] < jr.cooldown) return;
    }
    if (jr.condition) {
      const x = this.at(c, now, slot);
      x.ev = ev;
      const ok = truthy(jr.condition(x));
      x.ev = null;
      if (!ok) return;
    }
    if (t.jEntries[slot] < 65535) t.jEntries[slot]++;
    t.jLastEntry[slot] = now;
    t.jGen[slot]++;
    t.jFlags[slot] = this.inHoldout(c, this.plan.programs[jr.program]) ? 4 : 0;
    t.jPc[slot] = jr.entry;
    this.sink.entered(c, j, now);
    this.run(c, j, now);
  }

  /** A journey timer fired; stale timers (other generation) are ignored. */
  timer(c: number, j: number, generation: number, now: number): void {
    const t = this.table, slot = c * t.journeys + j;
    if (t.gone[c] || t.jPc[slot] < 0 || t.jGen[slot] !== generation) return;
    const ins = this.plan.journeys[j].code[t.jPc[slot]];
    if (ins.op === OP_WAIT) t.jPc[slot] = ins.next;
    else if (ins.op === OP_WAITFOR) t.jPc[slot] = ins.timedOut;
    else return;
    t.jGen[slot]++;
    this.run(c, j, now);
  }

  private run(c: number, j: number, now: number): void {
    const t = this.table, slot = c * t.journeys + j, jr = this.plan.journeys[j], code = jr.code;
    const program = this.plan.programs[jr.program];
    for (let steps = 0; steps < MAX_STEPS; steps++) {
      const ins = code[t.jPc[slot]];
      switch (ins.op) {
        case OP_END:
          this.exit(c, j, now, "completed");
          return;
        case OP_SEND:
          t.jPc[slot] = ins.next;
          if (t.jFlags[slot] & 4) this.sink.holdout(c, ins.send, now);
          else this.offer(c, ins.send, now, now, this.priorityOf(c, program, now), now + this.deferLimit(program));
          if (t.gone[c] || t.jPc[slot] < 0) return; // the send's consequences may have ended the instance
          break;
        case OP_WAIT:
          this.sink.timer(c, j, t.jGen[slot], now + ins.duration);
          return;
        case OP_WAITFOR:
          this.sink.timer(c, j, t.jGen[slot], now + ins.timeout);
          return;
        case OP_BRANCH:
          t.jPc[slot] = truthy(ins.condition(this.at(c, now, slot))) ? ins.then : ins.else;
          break;
        case OP_SPLIT: {
          const u = uniform(this.seed, t.key[c], program.key ^ t.jPc[slot], SPLIT + t.jEntries[slot] * 65536);
          let k = 0;
          while (k < ins.cumulative.length - 1 && u >= ins.cumulative[k]) k++;
          t.jPc[slot] = ins.targets[k];
          break;
        }
      }
    }
    throw new Error(`journey ${program.id} ran ${MAX_STEPS} steps without waiting`);
  }

  private exit(c: number, j: number, now: number, reason: "completed" | "goal" | "left"): void {
    const t = this.table, slot = c * t.journeys + j;
    t.jPc[slot] = -1;
    t.jGen[slot]++;
    this.sink.exited(c, j, now, reason);
  }

  /** The customer left the brand: every journey instance ends. */
  leave(c: number, now: number): void {
    const t = this.table;
    for (let j = 0; j < t.journeys; j++) if (t.jPc[c * t.journeys + j] >= 0) this.exit(c, j, now, "left");
  }

  private deferLimit(program: CompiledProgram): number {
    return program.onBlocked.kind === "defer" ? program.onBlocked.maxDelay : -1;
  }

  /**
   * A campaign's send to one customer of its (already selected) audience, decided at `now` (the start of
   * the campaign's day, when that day's campaigns are arbitrated together) for sending at `at`.
   */
  campaign(c: number, k: number, now: number, at: number): void {
    const cp = this.plan.campaigns[k], program = this.plan.programs[cp.program];
    if (this.table.gone[c]) return;
    if (this.inHoldout(c, program)) return this.sink.holdout(c, cp.send, at);
    const limit = this.deferLimit(program);
    this.offer(c, cp.send, now, at, this.priorityOf(c, program, now), limit < 0 ? -1 : at + limit);
  }

  /** A blocked message deferred earlier comes back for another try. */
  retry(c: number, send: number, now: number, priority: number, deadline: number): void {
    if (this.table.gone[c]) return;
    this.offer(c, send, now, now, priority, deadline);
  }

  /**
   * Decides one message, to go at `at` ≥ now: consent, send window, pressure rules, channel capacity. `deadline` < now means
   * a blocked message is dropped; otherwise it is retried while the blocking rule allows before then.
   */
  offer(c: number, send: number, now: number, at: number, priority: number, deadline: number): void {
    const t = this.table, s = this.plan.sends[send], ch = this.plan.channels[s.channel]!;
    if (ch.consent >= 0 && (t.consent[c] & consentBit(ch.consent)) === 0) return this.sink.suppressed(c, send, at, "consent");
    let time = at;
    if (ch.window) {
      const local = (((at + t.tz[c]) % DAY) + DAY) % DAY;
      const [from, to] = ch.window;
      if (local < from) time = at + (from - local);
      else if (local >= to) time = at + (DAY - local + from);
      if (time - at > ch.maxDefer) return this.sink.suppressed(c, send, at, "send-window");
    }
    const contact = this.contact;
    contact.time = time, contact.program = s.program, contact.channel = s.channel, contact.category = s.category;
    contact.priority = priority;
    // without rules there is nothing to count: no ledger is kept (a third of the simulation's time otherwise)
    const ledger = this.plan.pressure.rules.length ? t.ledger(c) : null;
    if (ledger) pruneLedger(ledger, now - this.plan.horizon);
    this.env.tzOffset = t.tz[c];
    this.at(c, now);
    const verdict = ledger ? checkPressure(this.plan.pressure, ledger, contact, now, this.env) : PASS;
    if (!verdict.ok) {
      const rule = this.plan.pressure.rules[verdict.rule].name;
      if (deadline >= now && verdict.retryAt <= deadline && verdict.retryAt > now) {
        return this.sink.retry(c, send, verdict.retryAt, priority, deadline, rule);
      }
      return this.sink.suppressed(c, send, time, rule);
    }
    if (ch.capacity !== null) {
      const day = Math.floor((time + this.plan.plan.timezone) / DAY);
      const key = day * 8 + s.channel, used = this.capacityUsed.get(key) ?? 0;
      if (used >= ch.capacity) {
        const nextDay = (day + 1) * DAY - this.plan.plan.timezone + (ch.window ? ch.window[0] - t.tz[c] + this.plan.plan.timezone : 0);
        const rule = `capacity:${CHANNELS[s.channel]}`;
        if (deadline >= now && nextDay <= deadline && nextDay > now) return this.sink.retry(c, send, nextDay, priority, deadline, rule);
        return this.sink.suppressed(c, send, time, rule);
      }
      this.capacityUsed.set(key, used + 1);
    }
    if (ledger) addContact(ledger, contact);
    if (time === now) {
      t.lastContact[c] = now;
      this.sink.send(c, send, now, priority);
    } else this.sink.due(c, send, time, priority);
  }

  /**
   * A message accepted earlier for `now` (its send window opened): re-checked against what happened
   * since (consent withdrawn, higher-priority contacts sent) before it goes out.
   */
  due(c: number, send: number, now: number, priority: number): void {
    const t = this.table, s = this.plan.sends[send], ch = this.plan.channels[s.channel]!;
    const contact = this.contact;
    contact.time = now, contact.program = s.program, contact.channel = s.channel, contact.category = s.category;
    contact.priority = priority;
    const ledger = this.plan.pressure.rules.length ? t.ledger(c) : null;
    if (ledger) removeContact(ledger, contact);
    if (t.gone[c]) return;
    if (ch.consent >= 0 && (t.consent[c] & consentBit(ch.consent)) === 0) return this.sink.suppressed(c, send, now, "consent");
    if (ledger) {
      this.env.tzOffset = t.tz[c];
      this.at(c, now);
      const verdict = checkPressure(this.plan.pressure, ledger, contact, now, this.env);
      if (!verdict.ok) return this.sink.suppressed(c, send, now, this.plan.pressure.rules[verdict.rule].name);
      addContact(ledger, contact);
    }
    t.lastContact[c] = now;
    this.sink.send(c, send, now, priority);
  }
}
