/**
 * The action sink of the queue-driven drivers (simulation, backtest): every decision is counted in
 * the metrics and logged in the recorder the same way; held messages, timers and inactivity checks go
 * on the queue (engine/sim/plan-events.ts). Only what a sent message does differs between drivers.
 */
import type { CompiledPlan } from "../core/compiled.ts";
import type { ActionSink } from "../core/decide.ts";
import type { QueuePush } from "./lanes.ts";
import type { Metrics } from "./metrics.ts";
import { queueSink } from "./plan-events.ts";
import type { Recorder } from "./recorder.ts";

export function decisionSink(
  plan: CompiledPlan,
  q: QueuePush,
  metrics: Metrics,
  rec: Recorder | undefined,
  dayOf: (time: number) => number,
  send: ActionSink["send"],
): ActionSink {
  const queued = queueSink(q), programName = (send: number) => plan.names.programs[plan.sends[send].program];
  return {
    send,
    due: queued.due,
    windowed(c, send, now, time) {
      const s = plan.sends[send];
      metrics.delay(s.program, s.channel);
      rec?.message(now, c, send, "delayed", "send-window", 0, time);
    },
    retry(c, send, time, priority, deadline, instance, rule, blocked) {
      const s = plan.sends[send];
      metrics.defer(programName(send), s.program, s.channel, rule);
      rec?.message(blocked, c, send, "deferred", rule, 0, time); // logged at the send time blocked, retried at `time`
      queued.retry(c, send, time, priority, deadline, instance);
    },
    suppressed(c, send, time, rule) {
      const s = plan.sends[send];
      metrics.suppress(dayOf(time), programName(send), s.program, s.channel, rule);
      rec?.message(time, c, send, "suppressed", rule, 0);
    },
    cancelled(c, send, time, reason) {
      metrics.cancel(plan.sends[send].program);
      rec?.message(time, c, send, "cancelled", reason, 0);
    },
    holdout(c, send, time) {
      metrics.holdout++, metrics.programs[plan.sends[send].program].holdout++;
      rec?.message(time, c, send, "holdout", "", 0);
    },
    timer: queued.timer,
    inactivity: queued.inactivity,
    entered(c, journey, time) {
      metrics.programs[plan.journeys[journey].program].entered++;
      rec?.journey(time, c, journey, "entered");
    },
    exited(c, journey, time, reason) {
      rec?.journey(time, c, journey, reason);
    },
  };
}
