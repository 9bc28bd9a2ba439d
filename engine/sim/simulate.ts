/**
 * The simulation driver: a virtual clock, the event queue and the synthetic world around the decision
 * core. Same compiled plan, population and seed ⇒ the same events in the same order ⇒ identical results.
 */
import type { CompiledPlan } from "../core/compiled.ts";
import { type ActionSink, Core } from "../core/decide.ts";
import { EV_INACTIVE, newEvent } from "../core/events.ts";
import { DAY, WEEK } from "../core/time.ts";
import { STAGES, stageAt } from "../core/lifecycle.ts";
import { EventQueue } from "./event-queue.ts";
import { runPlanEvent } from "./plan-events.ts";
import * as K from "./kinds.ts";
import { Metrics } from "./metrics.ts";
import type { Population } from "./population.ts";
import { Streams } from "./random.ts";
import type { Recorder } from "./recorder.ts";
import { campaignOccurrences } from "./campaign-schedule.ts";
import { selectAudience } from "../core/audience.ts";
import type { WorldModel } from "./world-model.ts";
import { World } from "./world.ts";

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
  const sink: ActionSink = {
    send(c, send, time) {
      const s = plan.sends[send], ch = plan.channels[s.channel]!;
      metrics.contact(c, dayOf(time), s.program, s.channel, ch.cost);
      metrics.stageContacts[s.program * STAGES.length + stageAt(table, c, time)]++;
      rec?.message(time, c, send, "sent", "", ch.cost);
      world.respond(c, send, time);
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
    inactivity(c, time, days, since) {
      q.push(time, K.K_INACTIVE, c, days, 0, since);
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
    leave: (c, time) => core.leave(c, time),
  });
  for (let c = 0; c < n; c++) {
    if (table.signup[c] >= o.start) q.push(table.signup[c], K.K_SIGNUP, c);
    else {
      world.begin(c, o.start);
      core.begin(c, o.start);
    }
  }

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
      if (kind === K.K_INACTIVE) {
        if (core.stillInactive(c, dd)) fire(c, EV_INACTIVE, time, -1, 0, a);
      } else if (!world.handle(kind, c, time, a, b)) runPlanEvent(core, kind, c, time, a, b, dd);
    }
    if (dayEnd >= weekEnd || d === o.days - 1) {
      metrics.closeWeek(exists);
      weekEnd += WEEK;
    }
    o.onDay?.(d + 1, o.days);
  }
  return { plan, population, seed: o.seed, start: o.start, days: o.days, metrics, stageStart, events, wallMs: performance.now() - t0 };
}
