/**
 * Where the core's actions go in the live driver: every decision becomes a row of the decision log
 * (the statuses of the simulator's messages.csv); a send also becomes an outbox row (delivered by a
 * channel adapter); timers, retries, held sends and inactivity checks go to the timer index, stored in
 * the customer's row (engine/live/timer-index.ts). All of it is written inside the transaction of the event or timer that caused it, so a crash keeps either the
 * cause and all its effects or none of them.
 */
import type { CompiledPlan } from "../core/compiled.ts";
import type { ActionSink } from "../core/decide.ts";
import type { CustomerTable } from "../core/customer-table.ts";
import { SENT } from "../core/ledger.ts";
import * as K from "../sim/kinds.ts";
import type { DecisionRow, Store } from "./store.ts";
import type { TimerIndex } from "./timer-index.ts";
import { Explainer } from "../explain/why.ts";

export interface SinkContext {
  store: Store;
  timers: TimerIndex;
  plan: CompiledPlan;
  planId: number;
  table: CustomerTable;
  control: (c: number) => boolean;
  dirty: Set<number>;
  nowMs: () => number;
  /** The core's `withdraw`: a contact it accepted that will not go out leaves the ledger and gives back its capacity. */
  withdraw: (c: number, send: number, time: number, priority: number) => void;
}

export function liveSink(x: SinkContext): ActionSink {
  const { store, plan, planId, table } = x;
  // explained at the decision, while the customer's ledger is as the core saw it (GET /v1/customers/{id})
  const explainer = new Explainer(plan, table);
  const decide = (c: number, send: number, time: number, status: DecisionRow["status"], rule: string, until: number | null = null) => {
    const s = plan.sends[send];
    x.dirty.add(c);
    const why = status === "sent" || status === "holdout" ? "" : explainer.explain(c, { time, at: until ?? time, send, status, rule }).text;
    store.addDecision({
      plan: planId, time, customer: table.ids[c], program: plan.names.programs[s.program], message: s.message,
      channel: plan.names.channels[s.channel], category: plan.names.categories[s.category], status, rule, until, control: x.control(c) ? 1 : 0, why,
    });
  };
  const timer = (c: number, time: number, kind: number, a: number, b: number, d: number, e: number) => {
    x.dirty.add(c);
    x.timers.add({ time, kind, customer: table.ids[c], a, b, d, e });
  };
  return {
    send(c, send, time) {
      const s = plan.sends[send];
      // control group: the core decided, the message is withheld — and since it never goes out, the
      // contact it entered in the ledger and the channel capacity it took are given back (docs/live.md)
      if (!plan.addressOnly[s.category] && x.control(c)) {
        x.withdraw(c, send, time, SENT);
        return decide(c, send, time, "holdout", "control-group");
      }
      decide(c, send, time, "sent", "");
      const id = table.ids[c], program = plan.names.programs[s.program];
      store.addOutbox({
        key: outboxKey(planId, id, program, s.message, time), plan: planId, time, customer: id, program, message: s.message,
        channel: plan.names.channels[s.channel], category: plan.names.categories[s.category], state: "pending", attempts: 0, nextAttempt: x.nowMs(), lastError: "",
      });
    },
    due: (c, send, time, priority, deadline, instance) => timer(c, time, K.K_DUE, send, priority, deadline, instance),
    windowed: (c, send, now, time) => decide(c, send, now, "delayed", "send-window", time),
    retry(c, send, time, priority, deadline, instance, rule, blocked) {
      decide(c, send, blocked, "deferred", rule, time); // at the send time blocked, retried at `time` (until), as the simulator logs it
      timer(c, time, K.K_RETRY, send, priority, deadline, instance);
    },
    suppressed: (c, send, time, rule) => decide(c, send, time, "suppressed", rule),
    cancelled: (c, send, time, reason) => decide(c, send, time, "cancelled", reason),
    holdout: (c, send, time) => decide(c, send, time, "holdout", ""),
    timer: (c, journey, generation, time) => timer(c, time, K.K_TIMER, journey, 0, generation | 0, 0),
    inactivity(c, time, days, since) {
      x.dirty.add(c);
      x.timers.setInactivity({ time, kind: K.K_INACTIVE, customer: table.ids[c], a: days, b: 0, d: since, e: 0 });
    },
    entered: (c) => void x.dirty.add(c),
    exited: (c) => void x.dirty.add(c),
  };
}

/**
 * The idempotency key a channel adapter sends with a message: what the message is (plan, customer,
 * program, message, minute); the store adds a counter for the rare identical repeat. Never random —
 * the same decision re-made after a crash (its transaction rolled back) gets the same key.
 */
function outboxKey(plan: number, customer: string, program: string, message: string, time: number): string {
  return `${plan}:${customer}:${program}:${message}:${time}`;
}
