/**
 * The simulation driver: a virtual clock, the event queue and the synthetic world around the decision
 * core. Same compiled plan, population and seed ⇒ the same events in the same order ⇒ identical results.
 */
import type { CompiledPlan } from "../core/compiled.ts";
import { Core } from "../core/decide.ts";
import { EV_INACTIVE, newEvent } from "../core/events.ts";
import { EMAIL } from "../core/channels.ts";
import { DAY, WEEK } from "../core/time.ts";
import { STAGES, stageAt } from "../core/lifecycle.ts";
import { LANE_WIDTH, LaneQueue } from "./lanes.ts";
import { sharesCapacity } from "../core/capacity.ts";
import { runPlanEvent } from "./plan-events.ts";
import { decisionSink } from "./decision-sink.ts";
import { runDays } from "./day-loop.ts";
import * as K from "./kinds.ts";
import { Metrics, WeekExistence } from "./metrics.ts";
import { type Population, TR4 } from "./population.ts";
import { MOVE, Streams } from "./random.ts";
import type { Recorder } from "./recorder.ts";
import { campaignOccurrences } from "../core/campaign-schedule.ts";
import { reputationLag, type WorldModel } from "./world-model.ts";
import { dayLag, World } from "./world.ts";
import type { PickBest } from "../core/audience.ts";
import { settleMoney } from "./money.ts";
import type { ShardTimes } from "../parallel/shard.ts";
import { PER4 } from "../core/record.ts";
import { customerPrefetch } from "./prefetch.ts";

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
  coercions: Record<string, number>; // engine/core/coercions.ts
  /** A run split across workers (engine/parallel/sharded-run.ts): each worker's peak heap and buffers, bytes. */
  shardMemory?: number[];
  /** The same run's workers: where each one's time went (engine/parallel/shard.ts, ShardTimes). */
  shardTimes?: ShardTimes[];
}

/** Event slots allocated up front per customer (the pool still grows if a plan needs more). */
const SLOTS_PER_CUSTOMER = 2.5;

/** K_LIFE's `a` for a contact made outside the plan (b: channel, d: category); life events carry an event type ≥ 0. */
const EXTERNAL = -1;

export interface SimulateOptions {
  seed: number;
  start: number;
  days: number;
  world: WorldModel;
  recorder?: Recorder;
  onDay?: (day: number, days: number) => void;
  /**
   * Only the run's revenue is read (a no-plan baseline's figures: `simulateBaseline`): the world leaves out
   * the abandoned carts and birthdays its plan does not hear (engine/sim/world.ts). Its other figures,
   * visits and events, are then not the full world's.
   */
  revenueOnly?: boolean;
  /** Contacts made outside the plan (engine/sim/external-contacts.ts): they count in the pressure rules. */
  external?: { c: number; time: number; channel: number; category: number }[];
  /** This run is one shard of a run split across workers: what it shares with the others (engine/parallel/). */
  shard?: ShardHooks;
  /** Customers per queue lane (engine/sim/lanes.ts), default LANE_WIDTH; results do not depend on it. */
  laneWidth?: number;
}

/** What a shard exchanges with the other shards of its run, at the same moments in every shard. */
export interface ShardHooks {
  /** A run starts: its reputation lags `lagDays` days (engine/sim/world-model.ts). */
  startRun(lagDays: number): void;
  /**
   * A day's e-mail deliveries and complaints in this shard → the totals over every shard of the day
   * `lagDays` − 1 days before (0, 0 before the run's first such day), as `dayLag` gives one thread.
   */
  sumDay(delivered: number, complaints: number): [number, number];
  /** A targeted campaign's best share, ranked over every shard's audience. */
  pickBest: PickBest;
}

/**
 * Runs one plan over one population. The population's table is updated in place.
 * @example const start = parseDate("2026-01-01")!, world = planWorld(plan), journeys = plan.compiled.journeys.length;
 * const run = simulate(plan.compiled, syntheticPopulation({ customers: 1000, seed: 1, start, days: 30, journeys, world }), { seed: 1, start, days: 30, world })
 */
export function simulate(plan: CompiledPlan, population: Population, o: SimulateOptions): SimulationRun {
  const t0 = performance.now();
  const { table } = population;
  const w = o.world, n = population.size, end = o.start + o.days * DAY;
  // a run holds about 2.2 events per customer at its peak (lifecycle, capped, batch-and-blast and
  // custom-channels plans): the pools are sized for that up front instead of growing (each growth copies it).
  // A channel capacity is consumed in event order by every customer: such a plan runs in one lane.
  const q = new LaneQueue(o.start, end, n, sharesCapacity(plan) ? Math.max(1, n) : o.laneWidth ?? LANE_WIDTH, SLOTS_PER_CUSTOMER);
  // the world's random streams count their draws in the customers' traits records, from zero
  const counters = population.traits.counters;
  for (let c = 0; c < n; c++) for (let k = 0; k < MOVE; k++) counters[c * TR4 + k] = 0;
  const rnd = new Streams(o.seed, n, "", MOVE, { at: counters, stride: TR4 });
  const metrics = new Metrics(n, o.days, plan.names.programs, plan.names.channels);
  q.prefetch(customerPrefetch(table, population.traits, metrics.tallies));
  const rec = o.recorder;
  const ev = newEvent();
  const dayOf = (t: number) => Math.min(o.days - 1, Math.max(0, Math.floor((t - o.start) / DAY)));
  const sink = decisionSink(plan, q, metrics, rec, dayOf, (c, send, time) => {
    const s = plan.sends[send], ch = plan.channels[s.channel]!;
    metrics.contact(c, dayOf(time), s.program, s.channel, ch.cost);
    metrics.stageContacts[s.program * STAGES.length + stageAt(table, c, time)]++;
    rec?.message(time, c, send, "sent", "", ch.cost);
    world.respond(c, send, time);
  });
  const core = new Core(plan, table, sink, o.seed);
  if (o.shard) core.pickBest = o.shard.pickBest;
  const stageStart = new Uint8Array(n);
  for (let c = 0; c < n; c++) {
    stageStart[c] = stageAt(table, c, o.start);
  }

  const fire = (c: number, type: number, time: number, send = -1, value = 0, days = 0) => {
    ev.type = type, ev.time = time, ev.value = value, ev.days = days;
    ev.send = send;
    ev.channel = send >= 0 ? plan.sends[send].channel : -1;
    ev.program = send >= 0 ? plan.sends[send].program : -1;
    rec?.event(time, c, type, ev.channel, ev.program, send, value);
    core.event(c, ev, time);
  };
  const world = new World({
    plan, population, model: w, streams: rnd, queue: q, metrics, recorder: rec, dayOf, fire,
    leave: (c, time) => core.leave(c, time), revenueOnly: o.revenueOnly,
  });
  for (let c = 0; c < n; c++) {
    if (table.signup[c * PER4] >= o.start) q.push(table.signup[c * PER4], K.K_SIGNUP, c);
    else {
      world.begin(c, o.start);
      core.begin(c, o.start);
    }
  }
  for (const x of o.external ?? []) if (x.time >= o.start) q.push(x.time, K.K_LIFE, x.c, EXTERNAL, x.channel, x.category);

  // --- the clock ------------------------------------------------------------------------------------
  let events = 0;
  const payload = { a: 0, b: 0, d: 0, e: 0 };
  const inactive = (c: number, time: number, days: number) => fire(c, EV_INACTIVE, time, -1, 0, days);
  let weekEnd = o.start + WEEK;
  const existence = new WeekExistence(table, o.start, Math.ceil(o.days / 7));
  const mails = plan.sends.some((s) => s.channel === EMAIL);
  // the deliveries and complaints that join the reputation at a day's end: those of `lagDays` − 1 days before
  const lag = reputationLag(w), lagged = dayLag(lag);
  o.shard?.startRun(lag);
  runDays({
    start: o.start,
    end,
    timezone: plan.plan.timezone,
    occurrences: campaignOccurrences(plan, o.start, end),
    campaignDay: (today, now) => core.campaignDay(today, now),
    drain(limit) {
      // lane after lane (engine/sim/lanes.ts): a lane's customers and records stay in cache while it drains
      for (const lane of q.lanes) {
        for (let id = lane.popBefore(limit); id >= 0; id = lane.popBefore(limit)) {
          events++;
          const c = lane.cust(id), time = lane.time(id), kind = lane.kind(id);
          payload.a = lane.a(id), payload.b = lane.b(id), payload.d = lane.d(id), payload.e = lane.e(id);
          lane.release(id);
          // a contact made outside the plan ranks with the customer's own life events, as the live server ranks it
          if (kind === K.K_LIFE && payload.a === EXTERNAL) core.external(c, payload.b, payload.d, time);
          else if (!world.handle(kind, c, time, payload.a, payload.b)) runPlanEvent(core, kind, c, time, payload, inactive);
        }
      }
    },
    closeWeek() {
      metrics.closeWeek(existence.before(weekEnd));
      weekEnd += WEEK;
    },
    closeDay(at) {
      const [delivered, complaints] = world.takeDay();
      // a plan that sends no e-mail (a no-plan baseline) has no reputation to share: its shards exchange nothing daily
      const [all, complained] = o.shard && mails ? o.shard.sumDay(delivered, complaints) : lagged(delivered, complaints);
      world.closeDay(at, all, complained);
    },
    onDay: o.onDay,
  });
  // a shard's money stays in units: the shards' sums are added as integers, then settled (engine/sim/money.ts)
  if (!o.shard) settleMoney(metrics, population.moneyLevers);
  return { plan, population, seed: o.seed, start: o.start, days: o.days, metrics, stageStart, events, wallMs: performance.now() - t0, coercions: core.coercions.toJSON() };
}
