/**
 * Queue events that hand control back to the decision core — journey timers, inactivity checks,
 * deferred retries and held sends — pushed and dispatched the same way by every driver that uses the
 * simulator's queue (simulation, backtest). Payloads, by kind:
 *   K_TIMER     a: journey, d: instance generation
 *   K_INACTIVE  a: threshold in days, d: time of the purchase it counts from
 *   K_RETRY     a: send, b: priority, d: deadline, e: journey instance (-1: campaign)
 *   K_DUE       a: send, b: priority, d: deadline, e: journey instance (-1: campaign)
 */
import type { ActionSink, Core } from "../core/decide.ts";
import type { QueuePush } from "./lanes.ts";
import { K_DUE, K_INACTIVE, K_RETRY, K_TIMER } from "./kinds.ts";

/** The sink's scheduling half: what the core asks to be called back for, as queue events. */
export function queueSink(q: QueuePush): Pick<ActionSink, "timer" | "inactivity"> & {
  due(c: number, send: number, time: number, priority: number, deadline: number, instance: number): void;
  retry(c: number, send: number, time: number, priority: number, deadline: number, instance: number): void;
} {
  return {
    timer: (c, journey, generation, time) => void q.push(time, K_TIMER, c, journey, 0, generation | 0),
    inactivity: (c, time, days, since) => void q.push(time, K_INACTIVE, c, days, 0, since),
    due: (c, send, time, priority, deadline, instance) => void q.push(time, K_DUE, c, send, priority, deadline, instance),
    retry: (c, send, time, priority, deadline, instance) => void q.push(time, K_RETRY, c, send, priority, deadline, instance),
  };
}

/**
 * Runs a plan event; false when `kind` is not one (the caller handles its own kinds). An inactivity
 * check that finds the customer still inactive calls `inactive(c, time, days)`: the driver fires the event.
 */
export function runPlanEvent(
  core: Core,
  kind: number,
  c: number,
  time: number,
  p: { a: number; b: number; d: number; e: number },
  inactive: (c: number, time: number, days: number) => void,
): boolean {
  switch (kind) {
    case K_TIMER:
      core.timer(c, p.a, p.d >>> 0, time);
      return true;
    case K_INACTIVE:
      if (core.stillInactive(c, p.d)) inactive(c, time, p.a);
      return true;
    case K_RETRY:
      core.retry(c, p.a, time, p.b, p.d, p.e);
      return true;
    case K_DUE:
      core.due(c, p.a, time, p.b, p.d, p.e);
      return true;
  }
  return false;
}
