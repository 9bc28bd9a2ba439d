/**
 * An operator's answers to a message whose delivery is `unknown` (engine/live/webhook.ts): only the
 * operator can learn from the receiver whether it arrived, so only the operator moves it on.
 *  - redeliver: back to `pending`, due now, to be POSTed again under the same idempotency key (the
 *    receiver must drop it if it already acted on that key);
 *  - resolve delivered: `delivered`; resolve not delivered: `dead` (not sent, and not to be sent).
 * Each is audited with the message id (no personal data).
 */
import { ApiError } from "./errors.ts";
import type { OutboxRow, Store } from "./store.ts";

function unknownMessage(store: Store, id: number): OutboxRow {
  const m = store.outboxMessage(id);
  if (!m) throw new ApiError(404, `no outbox message ${id}`);
  if (m.state !== "unknown") throw new ApiError(409, `outbox message ${id} is ${m.state}; only an unknown message can be redelivered or resolved`);
  return m;
}

export function redeliver(store: Store, id: number, actor: string, at: number, nowMs: number): OutboxRow {
  return store.tx(() => {
    const m = unknownMessage(store, id);
    store.setDelivery(id, "pending", m.attempts, nowMs, `redelivery requested by key ${actor}`, "unknown");
    store.audit(at, actor, "outbox.redeliver", String(id), { attempts: m.attempts });
    return store.outboxMessage(id)!;
  });
}

export function resolve(store: Store, id: number, delivered: boolean, actor: string, at: number): OutboxRow {
  return store.tx(() => {
    const m = unknownMessage(store, id);
    const why = `resolved by key ${actor}: ${delivered ? "delivered" : "not delivered, not to be sent"}`;
    store.setDelivery(id, delivered ? "delivered" : "dead", m.attempts, 0, why, "unknown");
    store.audit(at, actor, "outbox.resolve", String(id), { delivered });
    return store.outboxMessage(id)!;
  });
}
