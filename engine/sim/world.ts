/**
 * The synthetic world around the decision core: what simulated customers do on their own (sign up,
 * browse, abandon carts, buy, have birthdays and life events) and how they answer the messages the
 * plan sends (delivery, opens, clicks, purchases, opt-outs, fatigue, leaving). It schedules its own
 * events on the simulator's queue and hands the customer events it produces to the driver (`fire`),
 * which passes them to the core. It never makes a plan decision.
 */
import { BUILTIN_CHANNELS, consentBit, EMAIL } from "../core/channels.ts";
import { channelResponses, customAffinity, customDeadAddress, grantCustomConsents } from "./custom-channels.ts";
import { NEVER } from "../core/customer-table.ts";
import { hashString } from "../core/hash.ts";
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
import { DAY, HOUR } from "../core/time.ts";
import type { QueuePush } from "./lanes.ts";
import * as K from "./kinds.ts";
import type { Metrics } from "./metrics.ts";
import type { Population } from "./population.ts";
import { ALERT, CART, MOVE, ORGANIC, RESPONSE, Streams, VISIT } from "./random.ts";
import type { Recorder } from "./recorder.ts";
import type { ChannelResponse, WorldModel } from "./world-model.ts";
import { type ResponseTables, responseTables } from "./response-tables.ts";
import { type WorldCounters, worldCounters } from "./world-metrics.ts";
import { TimeProfile } from "./time-profile.ts";
import { units } from "./money.ts";
import { PER1, PER2, PER4 } from "../core/record.ts";
import { TR1, TR4, TR8 } from "./population.ts";

/** What the world needs from the driver that runs it. */
export interface WorldDriver {
  plan: CompiledPlan;
  population: Population;
  model: WorldModel;
  streams: Streams;
  queue: QueuePush;
  metrics: Metrics;
  recorder?: Recorder;
  dayOf(time: number): number;
  /** A customer event happened: the driver records it and hands it to the core. */
  fire(c: number, type: number, time: number, send?: number, value?: number): void;
  /** The customer left the brand (churned by fatigue). */
  leave(c: number, time: number): void;
  /** Only the run's revenue is read (a no-plan baseline's figures): what cannot change it is left out. */
  revenueOnly?: boolean;
}

// purposes of per-customer hashes (fixed facts, not streams): whose mail client opens everything, whose address is dead
const MACHINE_OPENS = 9, DEAD_ADDRESS = 10;

export class World {
  private readonly halfLife: number;
  // Life events (product alerts, moves, membership renewals) are simulated only when the plan listens to
  // them; each has its own stream (or none), so adding one to a plan changes no other draw. Abandoned carts
  // (CART stream) and birthdays (no randomness) are always simulated — carts are visits, which the world's
  // figures count — except in a run whose revenue alone is read and whose plan hears neither (a no-plan
  // baseline): there they change nothing, and were three quarters of its events.
  private readonly carts: boolean;
  private readonly birthdays: boolean;
  private readonly alerts: boolean;
  private readonly moves: boolean;
  private readonly renewals: boolean;
  // A message's delivery is fired to the plan only when it listens to `delivered` (a trigger, an exit, a
  // wait): one more queue event per delivered message, which no other plan pays for
  private readonly deliveries: boolean;
  readonly counters: WorldCounters;
  private readonly time: TimeProfile;
  // Sender reputation: e-mail deliveries and complaints, decayed with the world's half-life (one sender).
  // Day-lagged: a day's inbox placement reads the totals up to the end of the day before, and the day's
  // own counts join them at its end (`closeDay`), summed over every shard of a sharded run, so placement
  // never depends on the order in which customers of one day are handled (docs/performance.md).
  private repDelivered = 0;
  private repComplaints = 0;
  private repAt = 0;
  /** Response figures by channel index: the world's built-in five, then the plan's custom channels. */
  private readonly responses: ChannelResponse[];
  /** What a message's answer owes to its send and channel alone, computed once (engine/sim/response-tables.ts). */
  private readonly tables: ResponseTables;
  /** The custom channels' response streams (engine/sim/random.ts), independent of the built-in ones'. */
  private readonly customRnd: Streams | null;
  private readonly nameHash: number[]; // hashString of each channel's name (custom channels' affinity draws)
  private dayDelivered = 0;
  private dayComplaints = 0;

  constructor(private readonly d: WorldDriver) {
    const plan = d.plan;
    this.responses = channelResponses(plan, d.model);
    this.tables = responseTables(plan, d.model, this.responses);
    const custom = plan.channels.length > BUILTIN_CHANNELS;
    if (custom) grantCustomConsents(plan, d.population.table, d.streams.seed);
    this.nameHash = plan.names.channels.map(hashString);
    this.customRnd = custom ? new Streams(d.streams.seed, d.streams.size, ":custom-channels", RESPONSE) : null;
    this.halfLife = d.model.fatigueHalfLifeDays * DAY;
    const listens = (e: number) => plan.triggers[e].length + plan.exits[e].length + plan.resumes[e].length > 0;
    this.alerts = listens(EV_BACK_IN_STOCK), this.moves = listens(EV_MOVED), this.renewals = listens(EV_SUBSCRIPTION_EXPIRING);
    this.deliveries = listens(EV_DELIVERED);
    this.carts = !d.revenueOnly || listens(EV_CART) || plan.usesVisits, this.birthdays = !d.revenueOnly || listens(EV_BIRTHDAY);
    this.counters = worldCounters(d.metrics);
    this.time = new TimeProfile(d.model.seasonality, d.queue.start, d.queue.end);
  }

  /** A customer's organic life starts at `at` (the run's start, or their signup). */
  begin(c: number, at: number): void {
    this.nextPurchase(c, at);
    this.nextVisit(c, at);
    if (this.carts) this.nextCart(c, at);
    if (this.birthdays) this.nextBirthday(c, at);
    if (this.alerts) this.nextAlert(c, at);
    if (this.moves) this.nextMove(c, at);
    if (this.renewals) this.nextRenewal(c, at);
  }

  /**
   * How movable the customer is by a message (docs/world-model.md, "Who a message moves"): an active
   * recent buyer 1 (Hillstrom's customers, on whom conversion is fitted); no longer buying, never
   * bought, or last bought long ago: less.
   */
  private movable(c: number, time: number): number {
    const { population: { table, traits }, model: { state } } = this.d;
    let m = traits.alive[c * TR1] ? 1 : state.dormant;
    const last = table.lastPurchase[c * PER4];
    if (last === NEVER) m *= state.prospect;
    else if (time - last > state.lapsedDays * DAY) m *= state.lapsed;
    return m;
  }

  /** P(inbox | delivered) for an e-mail today: the channel's placement, lowered while complaints ran high up to yesterday. */
  private inbox(): number {
    const w = this.d.model, r = w.reputation, base = w.channels[EMAIL].inbox;
    if (this.repDelivered < 500) return base;
    const rate = this.repComplaints / this.repDelivered;
    if (rate <= r.goodBelow) return base;
    const x = Math.min(1, (rate - r.goodBelow) / (r.worstAt - r.goodBelow));
    return base * (1 - x * (1 - r.worstInbox));
  }

  /** This shard's e-mail deliveries and complaints since the last call: what a day adds to the reputation. */
  takeDay(): [delivered: number, complaints: number] {
    const day: [number, number] = [this.dayDelivered, this.dayComplaints];
    this.dayDelivered = this.dayComplaints = 0;
    return day;
  }

  /**
   * A day ends at `at`: the reputation decays to then and takes the deliveries and complaints of the day
   * `reputation.lagDays` − 1 days before this one (every shard's, summed: integers, so the order does not
   * matter; `dayLag` or ShardLink.sumDay hands them over), which move the placement from tomorrow on.
   */
  closeDay(at: number, delivered: number, complaints: number): void {
    if (at > this.repAt) {
      const k = Math.pow(0.5, (at - this.repAt) / (this.d.model.reputation.halfLifeDays * DAY));
      this.repDelivered *= k, this.repComplaints *= k, this.repAt = at;
    }
    this.repDelivered += delivered, this.repComplaints += complaints;
  }

  /**
   * The world answers a message sent at `time`: fatigue, bounce, inbox placement, then opens (human and
   * machine), opt-outs, visits (tracked clicks or not) and purchases, which are caused by the message,
   * pulled forward from one already due, or none. Transactional messages are opened and nothing more.
   */
  respond(c: number, send: number, time: number): void {
    // a custom channel draws from its own stream and is damped by its own figures (engine/sim/custom-channels.ts)
    const R = this.d.plan.sends[send].channel >= BUILTIN_CHANNELS ? this.customRnd! : this.d.streams;
    // every draw of the answer is the customer's next RESPONSE draw: one run of draws (engine/sim/random.ts)
    R.open(c, this.d.population.table.key[c * PER4], RESPONSE);
    this.answer(c, send, time, R);
    R.close();
  }

  /** `respond`'s answer, drawn from R's open run of the customer's RESPONSE draws. */
  private answer(c: number, send: number, time: number, R: Streams): void {
    const { plan, population: { table, traits }, model: w, streams: rnd, queue: q, metrics } = this.d;
    const s = plan.sends[send], ch = plan.channels[s.channel]!, key = table.key[c * PER4], wc = this.counters;
    const r = this.responses[s.channel], tables = this.tables, transactional = tables.transactional[send] === 1;
    const custom = s.channel >= BUILTIN_CHANNELS;
    const decayed = traits.fatigue[c * TR8] * Math.pow(0.5, (time - traits.fatigueAt[c * TR4]) / this.halfLife);
    // a transactional message is expected: it neither tires nor annoys (docs/world-model.md)
    const f = transactional ? decayed : decayed + r.fatigueWeight * traits.sensitivity[c * TR4];
    traits.fatigue[c * TR8] = f, traits.fatigueAt[c * TR4] = time;
    const dead = r.hardBounce > 0 && (custom ? customDeadAddress(rnd.seed, key, this.nameHash[s.channel]) : rnd.fact(key, DEAD_ADDRESS + s.channel)) < r.hardBounce;
    if (dead) {
      wc.bounces++, wc.hardBounces++; // a dead address: its first send bounces and the channel is lost for good
      if (ch.consent >= 0) table.reach[c * PER2] &= ~consentBit(ch.consent), table.consent[c * PER2] &= ~consentBit(ch.consent);
      return;
    }
    if (R.next() >= r.deliver) return void wc.bounces++; // soft bounce
    const delivered = time + ch.latency, day = this.d.dayOf(time);
    metrics.delivered++, metrics.daily.delivered[day]++, metrics.channels[s.channel].delivered++;
    // heard by the plan, the delivery is an event of its own, recorded when it fires; else recorded now
    if (this.deliveries) q.push(delivered, K.K_LIFE, c, EV_DELIVERED, send);
    else this.d.recorder?.event(delivered, c, EV_DELIVERED, s.channel, s.program, send, 0);
    const aff = custom ? customAffinity(rnd.seed, key, this.nameHash[s.channel], w.affinitySigma) : traits.affinity[c * TR4 + s.channel];
    let inbox = r.inbox;
    if (s.channel === EMAIL) {
      inbox = this.inbox();
      this.dayDelivered++;
      if (w.machineOpens > 0 && rnd.fact(key, MACHINE_OPENS) < w.machineOpens) {
        q.push(delivered + 1, K.K_OPENED, c, send, 1); // the mail client fetches every image, inbox or not
      }
    }
    if (inbox < 1 && R.next() >= inbox) return void wc.spam++;
    wc.inbox++;
    if (transactional) {
      wc.transactional++;
      if (R.next() < Math.min(0.98, w.transactionalOpen * aff)) {
        q.push(delivered + Math.round(R.nextExp(r.openDelay)), K.K_OPENED, c, send);
      }
      return;
    }
    // fatigueDamp and fatigueOptOut (engine/sim/world-model.ts) with their per-channel halves read from the tables
    const damp = tables.dampAtReference[s.channel] / (1 + f / w.fatigueScale), rel = tables.relevance[send];
    const sqrtRel = tables.sqrtRelevance[send];
    const optOut = (1 + f / w.fatigueOptOut) / tables.optOutAtReference[s.channel] / sqrtRel;
    if (R.next() < r.unsubscribe * optOut) {
      q.push(delivered + 60, K.K_UNSUBSCRIBED, c, send);
    } else if (R.next() < r.complain * optOut) {
      q.push(delivered + 60, K.K_COMPLAINED, c, send);
    }
    if (R.next() < w.leaveRate * (f / w.fatigueScale) ** 2) q.push(delivered + DAY, K.K_LEAVE, c);
    const weekday = this.time.weekday(delivered, table.tz[c * PER2]); // the benchmarks average over the week
    const pOpen = Math.min(0.98, (r.open / inbox) * tables.openBoost[send] * sqrtRel * aff * damp * weekday);
    const movable = this.movable(c, time), boost = tables.discountBoost[send];
    if (R.next() < pOpen) {
      const opened = delivered + Math.round(R.nextExp(r.openDelay));
      q.push(opened, K.K_OPENED, c, send);
      if (s.discount > 0) traits.offerSend[c * TR4] = send + 1, traits.offerUntil[c * TR4] = opened + w.discount.validDays * DAY;
      if (R.next() < Math.min(0.95, r.click * sqrtRel * damp)) {
        const came = opened + 2;
        if (R.next() < r.tracked) q.push(came, K.K_CLICKED, c, send);
        else q.push(came, K.K_VISIT, c, 1);
        wc.visits++, wc.programs[s.program].visits++;
        traits.cameSend[c * TR4] = send + 1, traits.cameUntil[c * TR4] = came + w.attributionDays * DAY;
        const due = traits.dueAt[c * TR4];
        const pending = traits.alive[c * TR1] && !traits.absorbed[c * TR1] && due > came && due - came <= w.pullForwardDays * DAY;
        const p = pending ? w.pullForwardConvert : Math.min(0.9, r.convert * rel * movable * boost);
        if (R.next() < p) {
          const value = R.nextGamma(w.spend.p, traits.spend[c * TR4]);
          if (pending) traits.absorbed[c * TR1] = 1; // the purchase already due happens now, because of the message
          q.push(came + Math.round(R.nextExp(w.conversionDelay)), K.K_MESSAGE_PURCHASE, c, send, pending ? -value : value);
        }
        return;
      }
    }
    if (R.next() < r.lift * aff * rel * damp * movable * boost) {
      const value = R.nextGamma(w.spend.p, traits.spend[c * TR4]);
      q.push(delivered + Math.round(R.nextExp(w.liftDays * DAY)), K.K_MESSAGE_PURCHASE, c, send, value);
    }
  }

  /**
   * An organic purchase: credited to the message that brought the customer within the attribution
   * window, and paid with an offer's discount when one is open (the customer would have bought anyway).
   */
  private organicPurchase(c: number, time: number, value: number): void {
    const { plan, population: { table, traits }, model: w, streams: rnd, metrics } = this.d;
    const wc = this.counters, day = this.d.dayOf(time);
    let program = -1, paid = value;
    const offer = traits.offerSend[c * TR4] - 1;
    if (offer >= 0 && traits.offerUntil[c * TR4] >= time && rnd.u(c, table.key[c * PER4], RESPONSE) < w.discount.redeemAnyway) {
      const d = plan.sends[offer].discount;
      paid = value * (1 - d), program = plan.sends[offer].program;
      const given = units(value * d); // money summed across customers is counted in units (engine/sim/money.ts)
      metrics.discountCost += given;
      traits.offerSend[c * TR4] = 0; // one redemption per offer
      wc.redeemedAnyway++, wc.discountAnyway += given;
      wc.programs[program].redeemedAnyway++, wc.programs[program].incrementalRevenue -= given;
    } else if (traits.cameSend[c * TR4] > 0 && traits.cameUntil[c * TR4] >= time) {
      program = plan.sends[traits.cameSend[c * TR4] - 1].program;
    }
    metrics.purchase(c, day, paid, -1);
    if (program >= 0) {
      wc.attributedOrganic++, wc.attributedOrganicRevenue += units(paid), wc.programs[program].attributedOrders++;
      const p = metrics.programs[program];
      p.conversions++, p.revenue += units(paid);
    }
    this.d.fire(c, EV_PURCHASE, time, -1, paid);
  }

  /** Handles one of the world's queue kinds; false when `kind` is not the world's. */
  handle(kind: number, c: number, time: number, a: number, b: number): boolean {
    const { plan, population: { table, traits }, model: w, streams: rnd, metrics } = this.d;
    const fire = this.d.fire, dayOf = this.d.dayOf; // no closure per event: a run handles millions
    switch (kind) {
      case K.K_SIGNUP:
        fire(c, EV_SIGNUP, time);
        this.begin(c, time);
        return true;
      case K.K_ORGANIC_PURCHASE: {
        if (table.gone[c * PER1]) return true;
        const value = rnd.gamma(c, table.key[c * PER4], ORGANIC, w.spend.p, traits.spend[c * TR4]);
        // pulled forward by a message: it happened then; the organic life goes on with the same draws
        if (traits.absorbed[c * TR1]) traits.absorbed[c * TR1] = 0;
        else this.organicPurchase(c, time, value);
        if (rnd.u(c, table.key[c * PER4], ORGANIC) < traits.drop[c * TR4]) traits.alive[c * TR1] = 0;
        this.nextPurchase(c, time);
        return true;
      }
      case K.K_MESSAGE_PURCHASE: {
        if (table.gone[c * PER1]) return true;
        const pulled = b < 0, full = Math.abs(b), discount = plan.sends[a].discount, value = full * (1 - discount);
        const program = plan.sends[a].program, wc = this.counters, pw = wc.programs[program];
        const given = units(full * discount), paid = units(value);
        metrics.discountCost += given;
        metrics.purchase(c, dayOf(time), value, program);
        pw.attributedOrders++;
        if (pulled) wc.pulledForward++, pw.pulledForward++, pw.incrementalRevenue -= given;
        else wc.causedOrders++, wc.causedRevenue += paid, pw.incrementalOrders++, pw.incrementalRevenue += paid;
        fire(c, EV_PURCHASE, time, a, value);
        return true;
      }
      case K.K_VISIT:
        if (table.gone[c * PER1]) return true;
        fire(c, EV_VISIT, time);
        if (a === 0) this.nextVisit(c, time); // a = 1: a visit a message brought, not part of the organic stream
        return true;
      case K.K_CART:
        if (table.gone[c * PER1]) return true;
        if (plan.usesVisits) fire(c, EV_VISIT, time); // the visit in which the cart was left
        fire(c, EV_CART, time);
        if (a === 0) this.nextCart(c, time); // a = 1: the cart before an organic purchase (intent)
        return true;
      case K.K_BIRTHDAY:
        if (table.gone[c * PER1]) return true;
        fire(c, EV_BIRTHDAY, time);
        this.nextBirthday(c, time);
        return true;
      case K.K_LIFE:
        if (table.gone[c * PER1]) return true;
        // a delivery rides on the life-event kind (the queue's 16 kinds are taken): b is the message delivered;
        // fired only for a plan that listens, and recorded by `fire` then (engine/sim/simulate.ts)
        if (a === EV_DELIVERED) return fire(c, a, time, b), true;
        fire(c, a, time);
        if (a === EV_BACK_IN_STOCK) this.nextAlert(c, time);
        else if (a === EV_MOVED) this.nextMove(c, time);
        else this.nextRenewal(c, time);
        return true;
      case K.K_OPENED:
        if (table.gone[c * PER1]) return true;
        if (b === 1) this.counters.machineOpens++;
        else this.counters.humanOpens++;
        metrics.opens++, metrics.daily.opens[dayOf(time)]++, metrics.programs[plan.sends[a].program].opens++;
        fire(c, EV_OPENED, time, a);
        return true;
      case K.K_CLICKED:
        if (table.gone[c * PER1]) return true;
        metrics.clicks++, metrics.daily.clicks[dayOf(time)]++, metrics.programs[plan.sends[a].program].clicks++;
        fire(c, EV_CLICKED, time, a);
        return true;
      case K.K_UNSUBSCRIBED:
      case K.K_COMPLAINED: {
        const ch = plan.sends[a].channel, consent = plan.channels[ch]!.consent;
        if (table.gone[c * PER1] || consent < 0 || !(table.consent[c * PER2] & consentBit(consent))) return true;
        const unsub = kind === K.K_UNSUBSCRIBED;
        if (unsub) metrics.unsubscribes++, metrics.channels[ch].unsubscribes++, metrics.daily.unsubscribes[dayOf(time)]++;
        else metrics.complaints++, metrics.channels[ch].complaints++, metrics.daily.complaints[dayOf(time)]++;
        if (!unsub && ch === EMAIL) this.dayComplaints++;
        fire(c, unsub ? EV_UNSUBSCRIBED : EV_COMPLAINED, time, a);
        return true;
      }
      case K.K_LEAVE:
        if (table.gone[c * PER1]) return true;
        table.gone[c * PER1] = 1;
        metrics.left++, metrics.daily.left[dayOf(time)]++;
        this.d.recorder?.event(time, c, -1, -1, -1, -1, 0);
        this.d.leave(c, time);
        return true;
    }
    return false;
  }

  // --- organic life: each kind of event schedules the next one of its kind --------------------------
  private nextPurchase(c: number, after: number): void {
    const { population: { table, traits }, streams: rnd, queue: q } = this.d;
    if (traits.alive[c * TR1] && traits.rate[c * TR8] > 0) {
      const at = this.time.advance(after, rnd.exp(c, table.key[c * PER4], ORGANIC, 1 / traits.rate[c * TR8]), table.tz[c * PER2]);
      q.push(at, K.K_ORGANIC_PURCHASE, c);
      traits.dueAt[c * TR4] = at;
      // intent: some purchases follow an abandoned cart (the customer comes back without any message)
      const w = this.d.model;
      if (this.carts && w.cartBeforePurchase > 0 && rnd.u(c, table.key[c * PER4], CART) < w.cartBeforePurchase) {
        const cart = at - 1 - Math.floor(rnd.exp(c, table.key[c * PER4], CART, w.cartLeadHours * HOUR));
        if (cart > after) q.push(cart, K.K_CART, c, 1), this.counters.intentCarts++;
      }
    } else traits.dueAt[c * TR4] = 0;
  }

  // Visits that end in an abandoned cart, and the other visits, are two independent streams: most plans
  // never look at plain visits, and skipping them (the bulk of all events) changes no other draw.
  private nextCart(c: number, after: number): void {
    const { population: { table, traits }, model: w, streams: rnd, queue: q } = this.d;
    const rate = traits.visitRate[c * TR4] * w.cartAbandon;
    q.push(this.time.advance(after, rnd.exp(c, table.key[c * PER4], CART, 1 / rate), table.tz[c * PER2]), K.K_CART, c);
  }

  private nextVisit(c: number, after: number): void {
    const { plan, population: { table, traits }, model: w, streams: rnd, queue: q } = this.d;
    if (!plan.usesVisits) return;
    const rate = traits.visitRate[c * TR4] * (1 - w.cartAbandon);
    q.push(this.time.advance(after, rnd.exp(c, table.key[c * PER4], VISIT, 1 / rate), table.tz[c * PER2]), K.K_VISIT, c);
  }

  /** Birthdays fire at 09:00 on the calendar date in the customer's timezone (engine/core/calendar.ts). */
  private nextBirthday(c: number, after: number): void {
    const { population: { table }, queue: q } = this.d;
    const at = nextBirthday(table.birthday[c * PER2], table.tz[c * PER2], after);
    if (at !== null) q.push(at, K.K_BIRTHDAY, c);
  }

  private nextAlert(c: number, after: number): void {
    const { population: { table, traits }, model: w, streams: rnd, queue: q } = this.d;
    const rate = traits.visitRate[c * TR4] * w.alertsPerVisit;
    if (rate > 0) q.push(after + 1 + Math.floor(rnd.exp(c, table.key[c * PER4], ALERT, 1 / rate) * DAY), K.K_LIFE, c, EV_BACK_IN_STOCK);
  }

  private nextMove(c: number, after: number): void {
    const { population: { table }, model: w, streams: rnd, queue: q } = this.d;
    if (w.movesPerYear > 0) q.push(after + 1 + Math.floor(rnd.exp(c, table.key[c * PER4], MOVE, 365 / w.movesPerYear) * DAY), K.K_LIFE, c, EV_MOVED);
  }

  private nextRenewal(c: number, after: number): void {
    const { population: { table }, model: w, queue: q } = this.d;
    const year = 365 * DAY, notice = w.renewalNoticeDays * DAY;
    const k = Math.max(1, Math.floor((after + notice - table.signup[c * PER4]) / year) + 1); // first anniversary whose notice is after `after`
    q.push(table.signup[c * PER4] + k * year - notice, K.K_LIFE, c, EV_SUBSCRIPTION_EXPIRING);
  }
}

/**
 * One thread's side of the reputation's lag: each day's deliveries and complaints go in at the day's
 * end, and come out `lagDays` − 1 days later (0, 0 before then): what joins the reputation at that day's
 * end (World.closeDay). A run split across workers gets them from ShardLink.sumDay, summed over shards.
 */
export function dayLag(lagDays: number): (delivered: number, complaints: number) => [number, number] {
  const held = lagDays - 1, ring = new Float64Array(2 * Math.max(1, held)); // the last lagDays − 1 days
  let day = 0;
  return (delivered, complaints) => {
    if (held === 0) return [delivered, complaints];
    const at = 2 * (day++ % held), out: [number, number] = [ring[at], ring[at + 1]];
    ring[at] = delivered, ring[at + 1] = complaints;
    return out;
  };
}
