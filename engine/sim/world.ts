/**
 * The synthetic world around the decision core: what simulated customers do on their own (sign up,
 * browse, abandon carts, buy, have birthdays and life events) and how they answer the messages the
 * plan sends (delivery, opens, clicks, purchases, opt-outs, fatigue, leaving). It schedules its own
 * events on the simulator's queue and hands the customer events it produces to the driver (`fire`),
 * which passes them to the core. It never makes a plan decision.
 */
import { CHANNELS, consentBit } from "../core/channels.ts";
import type { CompiledPlan } from "../core/compiled.ts";
import {
  EV_BACK_IN_STOCK,
  EV_BIRTHDAY,
  EV_CART,
  EV_CLICKED,
  EV_COMPLAINED,
  EV_DELIVERED,
  EV_MOVED,
  EV_OPENED,
  EV_PURCHASE,
  EV_SIGNUP,
  EV_SUBSCRIPTION_EXPIRING,
  EV_UNSUBSCRIBED,
  EV_VISIT,
} from "../core/events.ts";
import { nextBirthday } from "../core/calendar.ts";
import { DAY } from "../core/time.ts";
import type { EventQueue } from "./event-queue.ts";
import * as K from "./kinds.ts";
import type { Metrics } from "./metrics.ts";
import type { Population } from "./population.ts";
import { ALERT, CART, MOVE, ORGANIC, RESPONSE, type Streams, VISIT } from "./random.ts";
import type { Recorder } from "./recorder.ts";
import type { WorldModel } from "./world-model.ts";

/** What the world needs from the driver that runs it. */
export interface WorldDriver {
  plan: CompiledPlan;
  population: Population;
  model: WorldModel;
  streams: Streams;
  queue: EventQueue;
  metrics: Metrics;
  recorder?: Recorder;
  dayOf(time: number): number;
  /** A customer event happened: the driver records it and hands it to the core. */
  fire(c: number, type: number, time: number, send?: number, value?: number): void;
  /** The customer left the brand (churned by fatigue). */
  leave(c: number, time: number): void;
}

export class World {
  private readonly halfLife: number;
  // Life events (product alerts, moves, membership renewals) are simulated only when the plan listens to
  // them; each has its own stream (or none), so adding one to a plan changes no other draw.
  private readonly alerts: boolean;
  private readonly moves: boolean;
  private readonly renewals: boolean;

  constructor(private readonly d: WorldDriver) {
    const plan = d.plan;
    this.halfLife = d.model.fatigueHalfLifeDays * DAY;
    const listens = (e: number) => plan.triggers[e].length + plan.exits[e].length + plan.resumes[e].length > 0;
    this.alerts = listens(EV_BACK_IN_STOCK), this.moves = listens(EV_MOVED), this.renewals = listens(EV_SUBSCRIPTION_EXPIRING);
  }

  /** A customer's organic life starts at `at` (the run's start, or their signup). */
  begin(c: number, at: number): void {
    this.nextPurchase(c, at);
    this.nextVisit(c, at);
    this.nextCart(c, at);
    this.nextBirthday(c, at);
    if (this.alerts) this.nextAlert(c, at);
    if (this.moves) this.nextMove(c, at);
    if (this.renewals) this.nextRenewal(c, at);
  }

  private relevance(send: number): number {
    const plan = this.d.plan, rel = this.d.model.relevance, p = plan.programs[plan.sends[send].program];
    if (p.kind === "journey") return rel.triggered;
    return plan.campaigns[p.campaign].targeted ? rel.targeted : rel.broadcast;
  }

  /** The world answers a message sent at `time`: fatigue first, then delivery, opens, clicks, purchases, opt-outs. */
  respond(c: number, send: number, time: number): void {
    const { plan, population: { table, traits }, model: w, streams: rnd, queue: q, metrics } = this.d;
    const s = plan.sends[send], ch = plan.channels[s.channel]!, key = table.key[c];
    const r = w.channels[s.channel];
    const f = traits.fatigue[c] * Math.pow(0.5, (time - traits.fatigueAt[c]) / this.halfLife) +
      r.fatigueWeight * traits.sensitivity[c];
    traits.fatigue[c] = f, traits.fatigueAt[c] = time;
    if (rnd.u(c, key, RESPONSE) >= r.deliver) return;
    const delivered = time + ch.latency, day = this.d.dayOf(time);
    metrics.delivered++, metrics.daily.delivered[day]++, metrics.channels[s.channel].delivered++;
    this.d.recorder?.event(delivered, c, EV_DELIVERED, s.channel, s.program, send, 0);
    const damp = 1 / (1 + f / w.fatigueScale), rel = this.relevance(send);
    const aff = traits.affinity[c * CHANNELS.length + s.channel];
    const optOut = 1 + f / w.fatigueOptOut;
    if (rnd.u(c, key, RESPONSE) < r.unsubscribe * optOut / Math.sqrt(rel)) {
      q.push(delivered + 60, K.K_UNSUBSCRIBED, c, send);
    } else if (rnd.u(c, key, RESPONSE) < r.complain * optOut / Math.sqrt(rel)) {
      q.push(delivered + 60, K.K_COMPLAINED, c, send);
    }
    if (rnd.u(c, key, RESPONSE) < w.leaveRate * (f / w.fatigueScale) ** 2) q.push(delivered + DAY, K.K_LEAVE, c);
    const pOpen = Math.min(0.98, r.open * aff * Math.sqrt(rel) * damp);
    if (rnd.u(c, key, RESPONSE) < pOpen) {
      const opened = delivered + Math.round(rnd.exp(c, key, RESPONSE, r.openDelay));
      q.push(opened, K.K_OPENED, c, send);
      if (rnd.u(c, key, RESPONSE) < Math.min(0.95, r.click * Math.sqrt(rel) * damp)) {
        const clicked = opened + 2;
        q.push(clicked, K.K_CLICKED, c, send);
        if (rnd.u(c, key, RESPONSE) < Math.min(0.9, r.convert * rel)) {
          const value = rnd.gamma(c, key, RESPONSE, w.spend.p, traits.spend[c]);
          q.push(clicked + Math.round(rnd.exp(c, key, RESPONSE, w.conversionDelay)), K.K_MESSAGE_PURCHASE, c, send, value);
        }
        return;
      }
    }
    if (rnd.u(c, key, RESPONSE) < r.lift * aff * rel * damp) {
      const value = rnd.gamma(c, key, RESPONSE, w.spend.p, traits.spend[c]);
      q.push(delivered + Math.round(rnd.exp(c, key, RESPONSE, w.liftDays * DAY)), K.K_MESSAGE_PURCHASE, c, send, value);
    }
  }

  /** Handles one of the world's queue kinds; false when `kind` is not the world's. */
  handle(kind: number, c: number, time: number, a: number, b: number): boolean {
    const { plan, population: { table, traits }, model: w, streams: rnd, metrics } = this.d;
    const fire = this.d.fire, day = () => this.d.dayOf(time);
    switch (kind) {
      case K.K_SIGNUP:
        fire(c, EV_SIGNUP, time);
        this.begin(c, time);
        return true;
      case K.K_ORGANIC_PURCHASE: {
        if (table.gone[c]) return true;
        const value = rnd.gamma(c, table.key[c], ORGANIC, w.spend.p, traits.spend[c]);
        metrics.purchase(c, day(), value, -1);
        fire(c, EV_PURCHASE, time, -1, value);
        if (rnd.u(c, table.key[c], ORGANIC) < traits.drop[c]) traits.alive[c] = 0;
        this.nextPurchase(c, time);
        return true;
      }
      case K.K_MESSAGE_PURCHASE: {
        if (table.gone[c]) return true;
        const discount = plan.sends[a].discount, value = b * (1 - discount);
        metrics.discountCost += b * discount;
        metrics.purchase(c, day(), value, plan.sends[a].program);
        fire(c, EV_PURCHASE, time, a, value);
        return true;
      }
      case K.K_VISIT:
        if (table.gone[c]) return true;
        fire(c, EV_VISIT, time);
        this.nextVisit(c, time);
        return true;
      case K.K_CART:
        if (table.gone[c]) return true;
        if (plan.usesVisits) fire(c, EV_VISIT, time); // the visit in which the cart was left
        fire(c, EV_CART, time);
        this.nextCart(c, time);
        return true;
      case K.K_BIRTHDAY:
        if (table.gone[c]) return true;
        fire(c, EV_BIRTHDAY, time);
        this.nextBirthday(c, time);
        return true;
      case K.K_LIFE:
        if (table.gone[c]) return true;
        fire(c, a, time);
        if (a === EV_BACK_IN_STOCK) this.nextAlert(c, time);
        else if (a === EV_MOVED) this.nextMove(c, time);
        else this.nextRenewal(c, time);
        return true;
      case K.K_OPENED:
        if (table.gone[c]) return true;
        metrics.opens++, metrics.daily.opens[day()]++, metrics.programs[plan.sends[a].program].opens++;
        fire(c, EV_OPENED, time, a);
        return true;
      case K.K_CLICKED:
        if (table.gone[c]) return true;
        metrics.clicks++, metrics.daily.clicks[day()]++, metrics.programs[plan.sends[a].program].clicks++;
        fire(c, EV_CLICKED, time, a);
        return true;
      case K.K_UNSUBSCRIBED:
      case K.K_COMPLAINED: {
        const ch = plan.sends[a].channel, consent = plan.channels[ch]!.consent;
        if (table.gone[c] || consent < 0 || !(table.consent[c] & consentBit(consent))) return true;
        const unsub = kind === K.K_UNSUBSCRIBED;
        if (unsub) metrics.unsubscribes++, metrics.channels[ch].unsubscribes++, metrics.daily.unsubscribes[day()]++;
        else metrics.complaints++, metrics.channels[ch].complaints++, metrics.daily.complaints[day()]++;
        fire(c, unsub ? EV_UNSUBSCRIBED : EV_COMPLAINED, time, a);
        return true;
      }
      case K.K_LEAVE:
        if (table.gone[c]) return true;
        table.gone[c] = 1;
        metrics.left++, metrics.daily.left[day()]++;
        this.d.recorder?.event(time, c, -1, -1, -1, -1, 0);
        this.d.leave(c, time);
        return true;
    }
    return false;
  }

  // --- organic life: each kind of event schedules the next one of its kind --------------------------
  private nextPurchase(c: number, after: number): void {
    const { population: { table, traits }, streams: rnd, queue: q } = this.d;
    if (traits.alive[c] && traits.rate[c] > 0) {
      q.push(after + 1 + Math.floor(rnd.exp(c, table.key[c], ORGANIC, 1 / traits.rate[c]) * DAY), K.K_ORGANIC_PURCHASE, c);
    }
  }

  // Visits that end in an abandoned cart, and the other visits, are two independent streams: most plans
  // never look at plain visits, and skipping them (the bulk of all events) changes no other draw.
  private nextCart(c: number, after: number): void {
    const { population: { table, traits }, model: w, streams: rnd, queue: q } = this.d;
    const rate = traits.visitRate[c] * w.cartAbandon;
    q.push(after + 1 + Math.floor(rnd.exp(c, table.key[c], CART, 1 / rate) * DAY), K.K_CART, c);
  }

  private nextVisit(c: number, after: number): void {
    const { plan, population: { table, traits }, model: w, streams: rnd, queue: q } = this.d;
    if (!plan.usesVisits) return;
    const rate = traits.visitRate[c] * (1 - w.cartAbandon);
    q.push(after + 1 + Math.floor(rnd.exp(c, table.key[c], VISIT, 1 / rate) * DAY), K.K_VISIT, c);
  }

  /** Birthdays fire at 09:00 on the calendar date in the customer's timezone (engine/core/calendar.ts). */
  private nextBirthday(c: number, after: number): void {
    const { population: { table }, queue: q } = this.d;
    const at = nextBirthday(table.birthday[c], table.tz[c], after);
    if (at !== null) q.push(at, K.K_BIRTHDAY, c);
  }

  private nextAlert(c: number, after: number): void {
    const { population: { table, traits }, model: w, streams: rnd, queue: q } = this.d;
    const rate = traits.visitRate[c] * w.alertsPerVisit;
    if (rate > 0) q.push(after + 1 + Math.floor(rnd.exp(c, table.key[c], ALERT, 1 / rate) * DAY), K.K_LIFE, c, EV_BACK_IN_STOCK);
  }

  private nextMove(c: number, after: number): void {
    const { population: { table }, model: w, streams: rnd, queue: q } = this.d;
    if (w.movesPerYear > 0) q.push(after + 1 + Math.floor(rnd.exp(c, table.key[c], MOVE, 365 / w.movesPerYear) * DAY), K.K_LIFE, c, EV_MOVED);
  }

  private nextRenewal(c: number, after: number): void {
    const { population: { table }, model: w, queue: q } = this.d;
    const year = 365 * DAY, notice = w.renewalNoticeDays * DAY;
    const k = Math.max(1, Math.floor((after + notice - table.signup[c]) / year) + 1); // first anniversary whose notice is after `after`
    q.push(table.signup[c] + k * year - notice, K.K_LIFE, c, EV_SUBSCRIPTION_EXPIRING);
  }
}
