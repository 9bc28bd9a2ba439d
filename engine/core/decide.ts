/**
 * The decision core: for one customer, an event (or a timer, a campaign send, a due message) and a time,
 * it updates the customer's state and emits actions through a sink. No I/O, no clock, no hidden
 * randomness: the simulator, the backtest and the live server drive this same code (docs/engine.md).
 *
 * Order of work for an event:
 *  1. the event's effect on the customer (purchase → orders, revenue; unsubscribe → consent off; ...);
 *  2. journey instances that exit on it (goal reached);
 *  3. instances waiting for it resume;
 *  4. journeys it triggers are entered;
 *  5. a purchase asks for inactivity checks at each threshold the plan uses;
 * each list in plan order.
 */
import type { CompiledPlan, CompiledProgram } from "./compiled.ts";
import { OP_BRANCH, OP_END, OP_SEND, OP_SPLIT, OP_WAIT, OP_WAITFOR } from "./compiled.ts";
import { consentBit } from "./channels.ts";
import { type ExprCtx, newCtx } from "./context.ts";
import { type CustomerTable, NEVER, J1, J2, J4 } from "./customer-table.ts";
import { type CoreEvent, EV_CLICKED, EV_COMPLAINED, EV_INACTIVE, EV_OPENED, EV_PURCHASE, EV_UNSUBSCRIBED, EV_VISIT } from "./events.ts";
import { uniform } from "./hash.ts";
import { addContact, type Contact, pruneLedger, removeContact, SENT } from "./ledger.ts";
import { checkPressure, type PressureEnv, type Verdict } from "./pressure.ts";
import { type CapacityState, MemoryCapacity } from "./capacity.ts";
import { Coercions } from "./coercions.ts";
import { decideCampaignDay } from "./campaign-day.ts";
import { type PickBest, pickBest } from "./audience.ts";
import type { Occurrence } from "./campaign-schedule.ts";
import { truthy } from "./truthy.ts";
import { DAY } from "./time.ts";
import { windowOpen } from "./send-window.ts";
import { PER1, PER2, PER4, PER8 } from "./record.ts";

/**
 * What the core asks its driver to do. A held message (`due`, `retry`) comes back to the core with the
 * same `priority`, `deadline` and `instance` (the journey instance it belongs to, -1 for a campaign).
 */
export interface ActionSink {
  /** The contact goes out now. */
  send(c: number, send: number, time: number, priority: number): void;
  /** Accepted for a later `time` (a campaign's send time, or the send window's opening): call `core.due` then. */
  due(c: number, send: number, time: number, priority: number, deadline: number, instance: number): void;
  /** The message was accepted at `now`, but the channel's send window holds it until `time` (not a pressure deferral). */
  windowed(c: number, send: number, now: number, time: number): void;
  /**
   * Blocked by `rule` and deferred: call `core.retry` at `time`; give up after `deadline`. `blocked`: the
   * send time the rule blocked (the decision's time, as a suppression's is logged; the window's opening
   * for a message it held).
   */
  retry(c: number, send: number, time: number, priority: number, deadline: number, instance: number, rule: string, blocked: number): void;
  suppressed(c: number, send: number, time: number, rule: string): void;
  /** A held message whose journey instance ended (goal reached, customer left) before it went out. */
  cancelled(c: number, send: number, time: number, reason: string): void;
  holdout(c: number, send: number, time: number): void;
  timer(c: number, journey: number, generation: number, time: number): void;
  /** Call `core.stillInactive(c, since)` at `time`: `days` after the purchase at `since`. */
  inactivity(c: number, time: number, days: number, since: number): void;
  entered(c: number, journey: number, time: number): void;
  /** An event stamped `time` arrived after the core had acted for this customer at `appliedAt`: applied then. */
  late?(c: number, type: number, time: number, appliedAt: number): void;
  exited(c: number, journey: number, time: number, reason: "completed" | "goal" | "left"): void;
}

const PASS: Verdict = { ok: true, rule: -1, retryAt: 0 };
/** jFlags bits: a message of the instance was opened (1) / clicked (2); the customer is in the program's holdout (4). */
export const F_OPENED = 1, F_CLICKED = 2, F_HOLDOUT = 4;

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
  private readonly withdrawn: Contact = { time: 0, program: 0, channel: 0, category: 0, priority: 0 };
  /** Expression values that were not what their place needs (a priority that is not a number...), counted. */
  readonly coercions = new Coercions();
  /** How a targeted campaign's best share is chosen: within this table, or across a sharded run's tables. */
  pickBest: PickBest = pickBest;

  constructor(
    readonly plan: CompiledPlan,
    readonly table: CustomerTable,
    readonly sink: ActionSink,
    readonly seed: number,
    /** Contacts per (day in the plan's timezone, channel): state shared by all customers, persisted by a live driver. */
    readonly capacity: CapacityState = new MemoryCapacity(),
  ) {
    this.ctx = newCtx(table, plan.names);
    const ctx = this.ctx, coercions = this.coercions;
    this.env = {
      ctx,
      tzOffset: 0,
      setMessage(program: number, channel: number, category: number) {
        ctx.msgProgram = program, ctx.msgChannel = channel, ctx.msgCategory = category;
      },
      coerced(rule: string, what: string) {
        coercions.add(`rule ${rule}: ${what}`);
      },
    };
  }

  inHoldout(c: number, program: CompiledProgram): boolean {
    return inHoldout(this.seed, this.table.key[c * PER4], program);
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
    if (typeof v !== "number" || !Number.isFinite(v)) {
      this.coercions.add(`program ${program.id}: priority not a number, ranked 0`);
      return 0;
    }
    if (v < SENT) return v;
    // SENT marks what has gone out (engine/core/ledger.ts): a pending contact stays below it
    this.coercions.add(`program ${program.id}: priority above ${(SENT - 1).toLocaleString("en-US")}, ranked ${(SENT - 1).toLocaleString("en-US")}`);
    return SENT - 1;
  }

  /**
   * Handles a customer event at `now` (= ev.time). A late event — older than the last moment the core
   * acted for this customer — is applied at that moment instead: its effects are kept, but nothing is
   * decided in the past and no timer is rewound (docs/engine.md, "Late events").
   */
  event(c: number, ev: CoreEvent, now: number): void {
    if (this.table.gone[c * PER1]) return;
    now = this.affect(c, ev, now);
    this.reachGoals(c, ev.type, now);
    const plan = this.plan, t = this.table, J = t.journeys;
    for (const j of plan.resumes[ev.type]) {
      const slot = c * J + j, ins = plan.journeys[j].code[t.jPc[slot * J4]];
      if (t.jPc[slot * J4] >= 0 && ins.op === OP_WAITFOR && ins.event === ev.type) {
        t.jGen[slot * J4]++; // the pending timeout is now stale
        t.jPc[slot * J4] = ins.then;
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

  /**
   * An event while the plan is paused (the live server): its effect on the customer — step 1 of
   * `event`, an open or click marked on the journey instance of its message, the journeys it is the goal
   * of ended (which sends nothing: a purchase made during a pause must not be followed by the cart
   * reminder it made pointless once the plan resumes), and a purchase's inactivity checks (only asked
   * for: a paused plan fires none) — but no journey resumes or starts, so nothing is decided or sent.
   * Late events as in `event`.
   */
  apply(c: number, ev: CoreEvent, now: number): void {
    if (this.table.gone[c * PER1]) return;
    now = this.affect(c, ev, now);
    this.reachGoals(c, ev.type, now);
    if (ev.type === EV_PURCHASE) this.scheduleInactivity(c, now, now);
  }

  /** Step 2 of an event: the journey instances it is the goal of end. */
  private reachGoals(c: number, type: number, now: number): void {
    const J = this.table.journeys;
    for (const j of this.plan.exits[type]) {
      if (this.table.jPc[(c * J + j) * J4] >= 0) this.exit(c, j, now, "goal");
    }
  }

  /** Step 1 of an event: what it changes in the customer's own state; returns the time it is applied at. */
  private affect(c: number, ev: CoreEvent, now: number): number {
    const t = this.table;
    if (now < t.lastSeen[c * PER4]) {
      this.sink.late?.(c, ev.type, now, t.lastSeen[c * PER4]);
      now = t.lastSeen[c * PER4];
    } else t.lastSeen[c * PER4] = now;
    switch (ev.type) {
      case EV_PURCHASE:
        t.orders[c * PER4]++, t.revenue[c * PER8] += ev.value, t.lastPurchase[c * PER4] = now;
        break;
      case EV_VISIT:
        t.lastVisit[c * PER4] = now;
        break;
      case EV_OPENED:
        t.lastOpen[c * PER4] = now;
        break;
      case EV_CLICKED:
        t.lastClick[c * PER4] = now, t.lastOpen[c * PER4] = now;
        break;
      case EV_UNSUBSCRIBED:
      case EV_COMPLAINED:
        if (ev.channel >= 0) t.consent[c * PER2] &= ~consentBit(ev.channel);
        break;
    }
    const J = t.journeys;
    if (ev.type === EV_OPENED || ev.type === EV_CLICKED) {
      const j = ev.program >= 0 ? this.plan.programs[ev.program].journey : -1;
      if (j >= 0 && t.jPc[(c * J + j) * J4] >= 0) t.jFlags[(c * J + j) * J1] |= ev.type === EV_OPENED ? F_OPENED : F_OPENED | F_CLICKED;
    }
    return now;
  }

  /** A customer present when a driver starts at `now`: inactivity checks still ahead of their last purchase. */
  begin(c: number, now: number): void {
    const last = this.table.lastPurchase[c * PER4];
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
    return !this.table.gone[c * PER1] && this.table.lastPurchase[c * PER4] === since;
  }

  /**
   * A contact made outside the plan (a store visit, a sales call, another tool's message): it enters the
   * pressure ledger like the plan's own contacts (program -1: rules filtered on programs do not count it).
   */
  external(c: number, channel: number, category: number, now: number): void {
    if (!this.plan.pressure.rules.length) return;
    const ledger = this.table.ledger(c), contact = this.contact;
    pruneLedger(ledger, now - this.plan.horizon);
    contact.time = now, contact.program = -1, contact.channel = channel, contact.category = category, contact.priority = SENT;
    addContact(ledger, contact);
    this.table.lastContact[c * PER4] = now;
  }

  private tryEnter(c: number, j: number, ev: CoreEvent, now: number): void {
    const t = this.table, slot = c * t.journeys + j, jr = this.plan.journeys[j];
    if (t.jPc[slot * J4] >= 0) return; // one instance at a time
    if (t.jEntries[slot * J2] > 0) {
      if (jr.reentry === "once") return;
      if (jr.reentry === "cooldown" && now - t.jLastEntry[slot * J4] < jr.cooldown) return;
    }
    if (jr.condition) {
      const x = this.at(c, now, slot);
      x.ev = ev;
      const ok = truthy(jr.condition(x));
      x.ev = null;
      if (!ok) return;
    }
    if (t.jEntries[slot * J2] < 65535) t.jEntries[slot * J2]++;
    t.jLastEntry[slot * J4] = now;
    t.jGen[slot * J4]++;
    t.jFlags[slot * J1] = this.inHoldout(c, this.plan.programs[jr.program]) ? F_HOLDOUT : 0;
    t.jPending[slot * J1] = 0;
    t.jPc[slot * J4] = jr.entry;
    this.sink.entered(c, j, now);
    this.run(c, j, now);
  }

  /** A journey timer fired; stale timers (other generation) are ignored. */
  timer(c: number, j: number, generation: number, now: number): void {
    const t = this.table, slot = c * t.journeys + j;
    if (t.gone[c * PER1] || t.jPc[slot * J4] < 0 || t.jGen[slot * J4] !== generation) return;
    if (now > t.lastSeen[c * PER4]) t.lastSeen[c * PER4] = now;
    const ins = this.plan.journeys[j].code[t.jPc[slot * J4]];
    if (ins.op === OP_WAIT) t.jPc[slot * J4] = ins.next;
    else if (ins.op === OP_WAITFOR) t.jPc[slot * J4] = ins.timedOut;
    else return;
    t.jGen[slot * J4]++;
    this.run(c, j, now);
  }

  private run(c: number, j: number, now: number): void {
    const t = this.table, slot = c * t.journeys + j, jr = this.plan.journeys[j], code = jr.code;
    const program = this.plan.programs[jr.program];
    for (let steps = 0; steps < MAX_STEPS; steps++) {
      const ins = code[t.jPc[slot * J4]];
      switch (ins.op) {
        case OP_END:
          // an instance whose messages are still held (send window, deferral) ends when the last one resolves
          if (t.jPending[slot * J1] === 0) this.exit(c, j, now, "completed");
          return;
        case OP_SEND:
          t.jPc[slot * J4] = ins.next;
          if (t.jFlags[slot * J1] & F_HOLDOUT) this.sink.holdout(c, ins.send, now);
          else {
            const limit = this.deferLimit(program);
            this.offer(c, ins.send, now, now, this.priorityOf(c, program, now), limit < 0 ? -1 : now + limit, t.jLastEntry[slot * J4]);
          }
          if (t.gone[c * PER1] || t.jPc[slot * J4] < 0) return; // the send's consequences may have ended the instance
          break;
        case OP_WAIT:
          this.sink.timer(c, j, t.jGen[slot * J4], now + ins.duration);
          return;
        case OP_WAITFOR:
          this.sink.timer(c, j, t.jGen[slot * J4], now + ins.timeout);
          return;
        case OP_BRANCH:
          t.jPc[slot * J4] = truthy(ins.condition(this.at(c, now, slot))) ? ins.then : ins.else;
          break;
        case OP_SPLIT: {
          const u = uniform(this.seed, t.key[c * PER4], program.key ^ t.jPc[slot * J4], SPLIT + t.jEntries[slot * J2] * 65536);
          let k = 0;
          while (k < ins.cumulative.length - 1 && u >= ins.cumulative[k]) k++;
          t.jPc[slot * J4] = ins.targets[k];
          break;
        }
      }
    }
    throw new Error(`journey ${program.id} ran ${MAX_STEPS} steps without waiting`);
  }

  private exit(c: number, j: number, now: number, reason: "completed" | "goal" | "left"): void {
    const t = this.table, slot = c * t.journeys + j;
    t.jPc[slot * J4] = -1;
    t.jGen[slot * J4]++;
    this.sink.exited(c, j, now, reason);
  }

  /** The customer left the brand: every journey instance ends (their held messages are cancelled). */
  leave(c: number, now: number): void {
    const t = this.table;
    for (let j = 0; j < t.journeys; j++) if (t.jPc[(c * t.journeys + j) * J4] >= 0) this.exit(c, j, now, "left");
  }

  private deferLimit(program: CompiledProgram): number {
    return program.onBlocked.kind === "defer" ? program.onBlocked.maxDelay : -1;
  }

  /**
   * The campaigns due on one day of the plan's timezone, decided together at `now` (the start of that
   * day): audiences selected, then each customer's sends offered highest priority first
   * (engine/core/campaign-day.ts), so a lower-priority campaign sees the higher one's pending contacts.
   * Returns how many sends were decided.
   */
  campaignDay(occurrences: readonly Occurrence[], now: number): number {
    return decideCampaignDay(this, occurrences, now);
  }

  /** A campaign's send to one customer of its (already selected) audience, decided at `now` for sending at `at`. */
  campaign(c: number, k: number, now: number, at: number, priority: number): void {
    const cp = this.plan.campaigns[k], program = this.plan.programs[cp.program];
    if (this.table.gone[c * PER1]) return;
    if (this.inHoldout(c, program)) return this.sink.holdout(c, cp.send, at);
    const limit = this.deferLimit(program);
    this.offer(c, cp.send, now, at, priority, limit < 0 ? -1 : at + limit, -1);
  }

  /**
   * A held message comes back: true when it still may go. It is cancelled when its journey instance has
   * ended other than by completing (goal reached, customer left) or was replaced by a new one.
   */
  private release(c: number, send: number, now: number, instance: number): boolean {
    if (instance < 0) return true;
    const t = this.table, j = this.plan.programs[this.plan.sends[send].program].journey, slot = c * t.journeys + j;
    if (t.jPc[slot * J4] < 0 || t.jLastEntry[slot * J4] !== instance) {
      this.sink.cancelled(c, send, now, t.gone[c * PER1] ? "left" : "journey-exit");
      return false;
    }
    t.jPending[slot * J1]--;
    return true;
  }

  /** After a held message resolved: an instance that reached its end and holds nothing more completes. */
  private settle(c: number, send: number, now: number, instance: number): void {
    if (instance < 0) return;
    const t = this.table, j = this.plan.programs[this.plan.sends[send].program].journey, slot = c * t.journeys + j;
    if (t.jPc[slot * J4] >= 0 && t.jPending[slot * J1] === 0 && this.plan.journeys[j].code[t.jPc[slot * J4]].op === OP_END) {
      this.exit(c, j, now, "completed");
    }
  }

  private hold(c: number, send: number, instance: number): void {
    if (instance < 0) return;
    const t = this.table, j = this.plan.programs[this.plan.sends[send].program].journey;
    t.jPending[(c * t.journeys + j) * J1]++;
  }

  /** A blocked message deferred earlier comes back for another try. */
  retry(c: number, send: number, now: number, priority: number, deadline: number, instance: number): void {
    if (this.table.gone[c * PER1]) return this.sink.cancelled(c, send, now, "left");
    if (!this.release(c, send, now, instance)) return;
    this.offer(c, send, now, now, priority, deadline, instance);
    this.settle(c, send, now, instance);
  }

  private consented(c: number, send: number): boolean {
    const s = this.plan.sends[send], ch = this.plan.channels[s.channel]!;
    if (ch.consent < 0) return true;
    // every message needs a working address; marketing also needs the opt-in, transactional categories do not
    const bits = this.plan.addressOnly[s.category] ? this.table.reach[c * PER2] : this.table.consent[c * PER2] & this.table.reach[c * PER2];
    return (bits & consentBit(ch.consent)) !== 0;
  }

  /**
   * Decides one message, to go at `at` ≥ now: consent, send window, pressure rules, channel capacity.
   * `deadline` < now means a blocked message is dropped; otherwise it is retried while the blocking rule
   * allows before then. `instance` is the journey instance it belongs to (-1: a campaign).
   */
  offer(c: number, send: number, now: number, at: number, priority: number, deadline: number, instance: number): void {
    const t = this.table, s = this.plan.sends[send], ch = this.plan.channels[s.channel]!;
    if (now > t.lastSeen[c * PER4]) t.lastSeen[c * PER4] = now;
    if (!this.consented(c, send)) return this.sink.suppressed(c, send, at, "consent");
    const time = ch.window ? windowOpen(at, t.tz[c * PER2], ch.window) : at;
    if (time - at > ch.maxDefer) return this.sink.suppressed(c, send, at, "send-window");
    const contact = this.contact;
    contact.time = time, contact.program = s.program, contact.channel = s.channel, contact.category = s.category;
    contact.priority = priority;
    // without rules there is nothing to count: no ledger is kept (a third of the simulation's time otherwise)
    const ledger = this.plan.pressure.rules.length ? t.ledger(c) : null;
    if (ledger) pruneLedger(ledger, now - this.plan.horizon);
    this.env.tzOffset = t.tz[c * PER2];
    this.at(c, now);
    const verdict = ledger ? checkPressure(this.plan.pressure, ledger, contact, now, this.env) : PASS;
    if (!verdict.ok) {
      const rule = this.plan.pressure.rules[verdict.rule].name;
      if (deadline >= now && verdict.retryAt <= deadline && verdict.retryAt > now) {
        this.hold(c, send, instance);
        return this.sink.retry(c, send, verdict.retryAt, priority, deadline, instance, rule, time);
      }
      return this.sink.suppressed(c, send, time, rule);
    }
    if (ch.capacity !== null) {
      const day = this.capacityDay(time);
      if (this.capacity.used(day, s.channel) >= ch.capacity) {
        // the window's opening on the customer's next calendar day; when that is not in the plan's next day
        // (a customer 9 hours east of the plan: a 08:00 window in Tokyo is 23:00 the day before in UTC), the
        // first minute of the plan's next day the window is open: the retry came back on the full day, dropped
        const midnight = (day + 1) * DAY - this.plan.plan.timezone;
        let nextDay = ch.window ? midnight + ch.window[0] - t.tz[c * PER2] + this.plan.plan.timezone : midnight;
        if (nextDay < midnight || nextDay >= midnight + DAY) nextDay = windowOpen(midnight, t.tz[c * PER2], ch.window!);
        const rule = `capacity:${this.plan.names.channels[s.channel]}`;
        if (deadline >= now && nextDay <= deadline && nextDay > now) {
          this.hold(c, send, instance);
          return this.sink.retry(c, send, nextDay, priority, deadline, instance, rule, time);
        }
        return this.sink.suppressed(c, send, time, rule);
      }
      this.capacity.add(day, s.channel, 1);
    }
    if (ledger) {
      if (time === now) contact.priority = SENT; // gone: nothing decided later outranks it
      addContact(ledger, contact);
    }
    if (time === now) {
      t.lastContact[c * PER4] = now;
      this.sink.send(c, send, now, priority);
    } else {
      this.hold(c, send, instance);
      if (time > at) this.sink.windowed(c, send, now, time);
      this.sink.due(c, send, time, priority, deadline, instance);
    }
  }

  /**
   * A contact the core accepted will not go out after all: its entry (entered for `time` with `priority`,
   * SENT for one that went at `time`) leaves the customer's pressure ledger, and the channel capacity it
   * reserved for that day comes back. The one place a ledger entry is taken back: a held message that
   * comes due (`due`, which re-decides it), and what a driver withdraws — a live control-group send
   * withheld, the held messages a plan's replacement or retirement cancels (engine/live/driver.ts).
   */
  withdraw(c: number, send: number, time: number, priority: number): void {
    const s = this.plan.sends[send];
    if (this.plan.pressure.rules.length) {
      // its own object: a driver may call this from inside a sink call, while `this.contact` is in use
      const w = this.withdrawn;
      w.time = time, w.program = s.program, w.channel = s.channel, w.category = s.category, w.priority = priority;
      removeContact(this.table.ledger(c), w);
    }
    if (this.plan.channels[s.channel]!.capacity !== null) this.capacity.add(this.capacityDay(time), s.channel, -1);
  }

  /** The day, in the plan's timezone, whose channel capacity a contact at `time` uses. */
  private capacityDay(time: number): number {
    return Math.floor((time + this.plan.plan.timezone) / DAY);
  }

  /**
   * A message accepted earlier for `now` (its send window opened): withdrawn, then re-checked against
   * what happened since (consent withdrawn, journey exited, higher-priority contacts sent) before it goes
   * out. Blocked by a pressure rule, it is deferred as its program's `onBlocked` says; if it goes, it takes
   * back its ledger entry (as sent) and the channel capacity it had reserved.
   */
  due(c: number, send: number, now: number, priority: number, deadline: number, instance: number): void {
    const t = this.table, s = this.plan.sends[send];
    if (now > t.lastSeen[c * PER4]) t.lastSeen[c * PER4] = now;
    // first: re-checked below as a message going now, it must not count against itself
    this.withdraw(c, send, now, priority);
    if (t.gone[c * PER1]) return this.sink.cancelled(c, send, now, "left");
    if (!this.release(c, send, now, instance)) return;
    if (!this.consented(c, send)) {
      this.sink.suppressed(c, send, now, "consent");
      return this.settle(c, send, now, instance);
    }
    const ledger = this.plan.pressure.rules.length ? t.ledger(c) : null;
    if (ledger) {
      const contact = this.contact;
      contact.time = now, contact.program = s.program, contact.channel = s.channel, contact.category = s.category;
      contact.priority = priority;
      this.env.tzOffset = t.tz[c * PER2];
      this.at(c, now);
      const verdict = checkPressure(this.plan.pressure, ledger, contact, now, this.env);
      if (!verdict.ok) {
        const rule = this.plan.pressure.rules[verdict.rule].name;
        if (deadline >= now && verdict.retryAt <= deadline && verdict.retryAt > now) {
          this.hold(c, send, instance);
          this.sink.retry(c, send, verdict.retryAt, priority, deadline, instance, rule, now);
        } else this.sink.suppressed(c, send, now, rule);
        return this.settle(c, send, now, instance);
      }
      contact.priority = SENT;
      addContact(ledger, contact);
    }
    if (this.plan.channels[s.channel]!.capacity !== null) this.capacity.add(this.capacityDay(now), s.channel, 1);
    t.lastContact[c * PER4] = now;
    this.sink.send(c, send, now, priority);
    this.settle(c, send, now, instance);
  }
}
