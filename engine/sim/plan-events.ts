/**
 * Queue events that hand control back to the decision core — journey timers, deferred retries and due
 * sends — dispatched the same way by every driver that uses the simulator's queue (simulation, backtest).
 */
import type { Core } from "../core/decide.ts";
import { K_DUE, K_RETRY, K_TIMER } from "./kinds.ts";

/** Runs a plan event; false when `kind` is not one (the caller handles its own kinds). */
export function runPlanEvent(core: Core, kind: number, c: number, time: number, a: number, b: number, d: number): boolean {
  switch (kind) {
    case K_TIMER:
      core.timer(c, a, d >>> 0, time); // a: journey, d: instance generation
      return true;
    case K_RETRY:
      core.retry(c, a, time, b, d); // a: send, b: priority, d: deadline
      return true;
    case K_DUE:
      core.due(c, a, time, b); // a: send, b: priority
      return true;
  }
  return false;
}
