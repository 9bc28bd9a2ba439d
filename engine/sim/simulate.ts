/**
 * The simulation driver: a virtual clock, the event queue and the synthetic world around the decision
 * core. Same compiled plan, population and seed ⇒ the same events in the same order ⇒ identical results.
 */
import { CHANNELS, consentBit } from "../core/channels.ts";
import type { CompiledPlan } from "../core/compiled.ts";
import { type ActionSink, Core } from "../core/decide.ts";
import { NEVER } from "../core/customer-table.ts";
import {
  EV_BACK_IN_STOCK,
  EV_BIRTHDAY,
  EV_CART,
  EV_CLICKED,
  EV_COMPLAINED,
  EV_DELIVERED,
  EV_INACTIVE,
  EV_MOVED,
  EV_OPENED,
  EV_PURCHASE,
  EV_SIGNUP,
  EV_SUBSCRIPTION_EXPIRING,
  EV_UNSUBSCRIBED,
  EV_VISIT,
  newEvent,
} from "../core/events.ts";
import { DAY, WEEK } from "../core/time.ts";
import { STAGES, stageAt } from "../core/lifecycle.ts";
import { EventQueue } from "./event-queue.ts";
import { runPlanEvent } from "./plan-events.ts";
import * as K from "./kinds.ts";
import { Metrics } from "./metrics.ts";
import type { Population } from "./population.ts";
import { ALERT, CART, MOVE, ORGANIC, RESPONSE, Streams, VISIT } from "./random.ts";
import type { Recorder } from "./recorder.ts";
import { campaignOccurrences } from "./campaign-schedule.ts";
import { selectAudience } from "../core/audience.ts";
import type { WorldModel } from "./world-model.ts";

export interface SimulationRun {
  plan: CompiledPlan;
  population: Population;
  seed: number;
  start: number;
  days: number;
  metrics: Metrics;
  stageStart: Uint8Array; // lifecycle stage of each customer at the start
  events: number;
  wallMs: number;
}

export interface SimulateOptions {
  seed: number;
  start: number;
  days: number;
  world: WorldModel;
  recorder?: Recorder;
  onDay?: (day: number, days: number) => void;
}

/** Runs one plan over one population. The population's table is updated in place. */
export function simulate(plan: CompiledPlan, population: Population, o: SimulateOptions): SimulationRun {
  const t0 = performance.now();
  const { table, traits } = population;
  const w = o.world, n = population.size, end = o.start + o.days * DAY;
  const q = new EventQueue(o.start, end);
  const rnd = new Streams(o.seed, n);
  const metrics = new Metrics(n, o.days, plan.names.programs);
  const rec = o.recorder;
  const ev = newEvent();
  const dayOf = (t: number) => Math.min(o.days - 1, Math.max(0, Math.floor((t - o.start) / DAY)));
  const halfLife = w.fatigueHalfLifeDays * DAY;
  const relevance = (send: number) => {
    const p = plan.programs[plan.sends[send].program];
    if (p.kind === "journey") return w.relevance.triggered;
    return plan.campaigns[p.campaign].targeted ? w.relevance.targeted : w.relevance.broadcast;
  };

  const sink: ActionSink = {
    send(c, send, time) {
      const s = plan.sends[send], ch = plan.channels[s.channel]!, key = table.key[c];
      const day = dayOf(time);
      metrics.contact(c, day, s.program, s.channel, ch.cost);
      metrics.stageContacts[s.program * STAGES.length + stageAt(table, c, time)]++;
      rec?.message(time, c, send, "sent", "", ch.cost);
      // the world answers: fatigue first, then delivery, opens, clicks, purchases, opt-outs
      const r = w.channels[s.channel];
      const f = traits.fatigue[c] * Math.pow(0.5, (time - traits.fatigueAt[c]) / halfLife) +
        r.fatigueWeight * traits.sensitivity[c];
      traits.fatigue[c] = f, traits.fatigueAt[c] = time;
      if (rnd.u(c, key, RESPONSE) >= r.deliver) return;
      const delivered = time + ch.latency;
      metrics.delivered++, metrics.daily.delivered[day]++, metrics.channels[s.channel].delivered++;
      rec?.event(delivered, c, EV_DELIVERED, s.channel, s.program, send, 0);
      const damp = 1 / (1 + f / w.fatigueScale), rel = relevance(send);
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
    },
    due(c, send, time, priority) {
      q.push(time, K.K_DUE, c, send, priority);
    },
    retry(c, send, time, priority, deadline, rule) {
      const s = plan.sends[send];
      metrics.defer(plan.names.programs[s.program], s.program, s.channel, rule);
      rec?.message(time, c, send, "deferred", rule, 0);
      q.push(time, K.K_RETRY, c, send, priority, deadline);
    },
    suppressed(c, send, time, rule) {
      const s = plan.sends[send];
      metrics.suppress(dayOf(time), plan.names.programs[s.program], s.program, s.channel, rule);
      rec?.message(time, c, send, "suppressed", rule, 0);
    },
    holdout(c, send, time) {
      metrics.holdout++, metrics.programs[plan.sends[send].program].holdout++;
      rec?.message(time, c, send, "holdout", "", 0);
    },
    timer(c, journey, generation, time) {
      q.push(time, K.K_TIMER, c, journey, 0, generation | 0);
    },
    entered(_c, journey) {
      metrics.programs[plan.journeys[journey].program].entered++;
    },
    exited() {},
  };
  const core = new Core(plan, table, sink, o.seed);
  const stageStart = new Uint8Array(n);
  for (let c = 0; c < n; c++) {
    stageStart[c] = stageAt(table, c, o.start);
  }

  // --- organic life -------------------------------------------------------------------------------
  const scheduleInactivity = (c: number, from: number) => {
    for (const d of plan.inactivityDays) {
      const at = from + d * DAY;
      if (at >= o.start) q.push(at, K.K_INACTIVE, c, d, 0, from);
    }
  };
  const nextPurchase = (c: number, after: number) => {
    if (traits.alive[c] && traits.rate[c] > 0) {
      q.push(after + 1 + Math.floor(rnd.exp(c, table.key[c], ORGANIC, 1 / traits.rate[c]) * DAY), K.K_ORGANIC_PURCHASE, c);
    }
  };
  // Visits that end in an abandoned cart, and the other visits, are two independent streams: most plans
  // never look at plain visits, and skipping them (the bulk of all events) changes no other draw.
  const nextCart = (c: number, after: number) => {
    const rate = traits.visitRate[c] * w.cartAbandon;
    q.push(after + 1 + Math.floor(rnd.exp(c, table.key[c], CART, 1 / rate) * DAY), K.K_CART, c);
  };
  const nextVisit = (c: number, after: number) => {
    if (!plan.usesVisits) return;
    const rate = traits.visitRate[c] * (1 - w.cartAbandon);
    q.push(after + 1 + Math.floor(rnd.exp(c, table.key[c], VISIT, 1 / rate) * DAY), K.K_VISIT, c);
  };
  const nextBirthday = (c: number, after: number) => {
    const b = table.birthday[c];
    if (b < 0) return;
    const yearStart = Math.floor(after / (365 * DAY)) * 365 * DAY; // a 365-day calendar keeps birthdays yearly
    let at = yearStart + b * DAY + 9 * 60 - table.tz[c];
    if (at <= after) at += 365 * DAY;
    q.push(at, K.K_BIRTHDAY, c);
  };
  // Life events (product alerts, moves, membership renewals) are simulated only when the plan listens to
  // them; each has its own stream (or none), so adding one to a plan changes no other draw.
  const listens = (e: number) => plan.triggers[e].length + plan.exits[e].length + plan.resumes[e].length > 0;
  const alerts = listens(EV_BACK_IN_STOCK), moves = listens(EV_MOVED), renewals = listens(EV_SUBSCRIPTION_EXPIRING);
  const nextAlert = (c: number, after: number) => {
    const rate = traits.visitRate[c] * w.alertsPerVisit;
    if (rate > 0) q.push(after + 1 + Math.floor(rnd.exp(c, table.key[c], ALERT, 1 / rate) * DAY), K.K_LIFE, c, EV_BACK_IN_STOCK);
  };
  const nextMove = (c: number, after: number) => {
    if (w.movesPerYear > 0) q.push(after + 1 + Math.floor(rnd.exp(c, table.key[c], MOVE, 365 / w.movesPerYear) * DAY), K.K_LIFE, c, EV_MOVED);
  };
  const nextRenewal = (c: number, after: number) => {
    const year = 365 * DAY, notice = w.renewalNoticeDays * DAY;
    const k = Math.max(1, Math.floor((after + notice - table.signup[c]) / year) + 1); // first anniversary whose notice is after `after`
    q.push(table.signup[c] + k * year - notice, K.K_LIFE, c, EV_SUBSCRIPTION_EXPIRING);
  };
  const begin = (c: number, at: number) => {
    nextPurchase(c, at);
    nextVisit(c, at);
    nextCart(c, at);
    nextBirthday(c, at);
    if (alerts) nextAlert(c, at);
    if (moves) nextMove(c, at);
    if (renewals) nextRenewal(c, at);
  };
  for (let c = 0; c < n; c++) {
    if (table.signup[c] >= o.start) q.push(table.signup[c], K.K_SIGNUP, c);
    else {
      begin(c, o.start);
      if (table.lastPurchase[c] !== NEVER) scheduleInactivity(c, table.lastPurchase[c]);
    }
  }

  const fire = (c: number, type: number, time: number, send = -1, value = 0, days = 0) => {
    ev.type = type, ev.time = time, ev.value = value, ev.days = days;
    ev.send = send;
    ev.channel = send >= 0 ? plan.sends[send].channel : -1;
    ev.program = send >= 0 ? plan.sends[send].program : -1;
    rec?.event(time, c, type, ev.channel, ev.program, send, value);
    core.event(c, ev, time);
  };

  // --- the clock ------------------------------------------------------------------------------------
  const occurrences = campaignOccurrences(plan, o.start, end);
  let nextOcc = 0, events = 0;
  const exists = (c: number) => table.signup[c] < weekEnd;
  let weekEnd = o.start + WEEK;
  for (let d = 0; d < o.days; d++) {
    const dayStart = o.start + d * DAY, dayEnd = dayStart + DAY;
    // campaigns due today are arbitrated together before anything is sent: higher priority first
    const today: number[] = [];
    while (nextOcc < occurrences.length && occurrences[nextOcc].time < dayEnd) today.push(nextOcc++);
    if (today.length) {
      const ranked = today.map((i) => occurrences[i]).sort((x, y) =>
        y.priority - x.priority || x.time - y.time || x.campaign - y.campaign
      );
      for (const occ of ranked) {
        const k = occ.campaign;
        for (const c of selectAudience(plan, k, table, dayStart)) {
          core.campaign(c, k, dayStart, Math.max(occ.time, dayStart));
        }
      }
    }
    for (let id = q.popBefore(dayEnd); id >= 0; id = q.popBefore(dayEnd)) {
      events++;
      const c = q.cust[id], time = q.time[id], a = q.a[id], b = q.b[id], dd = q.d[id], kind = q.kind[id];
      q.release(id);
      switch (kind) {
        case K.K_SIGNUP:
          fire(c, EV_SIGNUP, time);
          begin(c, time);
          break;
        case K.K_ORGANIC_PURCHASE: {
          if (table.gone[c]) break;
          const value = rnd.gamma(c, table.key[c], ORGANIC, w.spend.p, traits.spend[c]);
          metrics.purchase(c, dayOf(time), value, -1);
          fire(c, EV_PURCHASE, time, -1, value);
          scheduleInactivity(c, time);
          if (rnd.u(c, table.key[c], ORGANIC) < traits.drop[c]) traits.alive[c] = 0;
          nextPurchase(c, time);
          break;
        }
        case K.K_MESSAGE_PURCHASE: {
          if (table.gone[c]) break;
          const discount = plan.sends[a].discount, value = b * (1 - discount);
          metrics.discountCost += b * discount;
          metrics.purchase(c, dayOf(time), value, plan.sends[a].program);
          fire(c, EV_PURCHASE, time, a, value);
          scheduleInactivity(c, time);
          break;
        }
        case K.K_VISIT:
          if (table.gone[c]) break;
          fire(c, EV_VISIT, time);
          nextVisit(c, time);
          break;
        case K.K_CART:
          if (table.gone[c]) break;
          if (plan.usesVisits) fire(c, EV_VISIT, time); // the visit in which the cart was left
          fire(c, EV_CART, time);
          nextCart(c, time);
          break;
        case K.K_BIRTHDAY:
          if (table.gone[c]) break;
          fire(c, EV_BIRTHDAY, time);
          nextBirthday(c, time);
          break;
        case K.K_LIFE:
          if (table.gone[c]) break;
          fire(c, a, time);
          if (a === EV_BACK_IN_STOCK) nextAlert(c, time);
          else if (a === EV_MOVED) nextMove(c, time);
          else nextRenewal(c, time);
          break;
        case K.K_INACTIVE:
          if (!table.gone[c] && table.lastPurchase[c] === dd) fire(c, EV_INACTIVE, time, -1, 0, a);
          break;
        case K.K_OPENED:
          if (table.gone[c]) break;
          metrics.opens++, metrics.daily.opens[dayOf(time)]++, metrics.programs[plan.sends[a].program].opens++;
          fire(c, EV_OPENED, time, a);
          break;
        case K.K_CLICKED:
          if (table.gone[c]) break;
          metrics.clicks++, metrics.daily.clicks[dayOf(time)]++, metrics.programs[plan.sends[a].program].clicks++;
          fire(c, EV_CLICKED, time, a);
          break;
        case K.K_UNSUBSCRIBED:
        case K.K_COMPLAINED: {
          const ch = plan.sends[a].channel, consent = plan.channels[ch]!.consent;
          if (table.gone[c] || consent < 0 || !(table.consent[c] & consentBit(consent))) break;
          const unsub = kind === K.K_UNSUBSCRIBED;
          if (unsub) metrics.unsubscribes++, metrics.channels[ch].unsubscribes++, metrics.daily.unsubscribes[dayOf(time)]++;
          else metrics.complaints++, metrics.channels[ch].complaints++, metrics.daily.complaints[dayOf(time)]++;
          fire(c, unsub ? EV_UNSUBSCRIBED : EV_COMPLAINED, time, a);
          break;
        }
        case K.K_LEAVE:
          if (table.gone[c]) break;
          table.gone[c] = 1;
          metrics.left++, metrics.daily.left[dayOf(time)]++;
          rec?.event(time, c, -1, -1, -1, -1, 0);
          core.leave(c, time);
          break;
        default:
          runPlanEvent(core, kind, c, time, a, b, dd);
      }
    }
    if (dayEnd >= weekEnd || d === o.days - 1) {
      metrics.closeWeek(exists);
      weekEnd += WEEK;
    }
    o.onDay?.(d + 1, o.days);
  }
  return { plan, population, seed: o.seed, start: o.start, days: o.days, metrics, stageStart, events, wallMs: performance.now() - t0 };
}
