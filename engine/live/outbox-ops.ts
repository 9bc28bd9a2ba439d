/**
 * An operator's answers to a message whose delivery is `unknown` (engine/live/webhook.ts): only the
 * operator can learn from the receiver whether it arrived, so only the operator moves it on.
 *  - redeliver: back to `pending`, due now, to be POSTed again under the same idempotency key (the
 *    receiver must drop it if it already acted on that key);
 *  - resolve delivered: `delivered`; resolve not delivered: `dead` (not sent, and not to be sent).
 * Each is audited with the message id (no personal data).
 *
 * And to dead messages, once the receiver is back: requeue, by id or in bulk (by channel, dead since a
 * time, last error), back to `pending`, due now, with a fresh count of attempts (every attempt of a dead
 * message was a definite failure: the receiver never acted on it). A message past its expiry is not
 * requeued but `expired` (the webhook would never send it); with no webhook, nothing expires.
 */
import { ApiError } from "./errors.ts";
import { deadline, type Expiry } from "./expiry.ts";
import type { DeadFilter, OutboxRow, Store } from "./store.ts";

function unknownMessage(store: Store, id: number): OutboxRow {
  const m = store.outboxMessage(id);
  if (!m) throw new ApiError(404, `no outbox message ${id}`);
  if (m.state !== "unknown") throw new ApiError(409, `outbox message ${id} is ${m.state}; only an unknown message can be redelivered or resolved`);
  return m;
}

export function redeliver(store: Store, id: number, actor: string, at: number, nowMs: number): OutboxRow {
  return store.tx(() => {
    const m = unknownMessage(store, id);
    store.setDelivery(id, "pending", m.attempts, nowMs, `redelivery requested by key ${actor}`, { from: "unknown", at: nowMs });
    store.audit(at, actor, "outbox.redeliver", String(id), { attempts: m.attempts });
    return store.outboxMessage(id)!;
  });
}

export function resolve(store: Store, id: number, delivered: boolean, actor: string, at: number, nowMs = at * 60_000): OutboxRow {
  return store.tx(() => {
    const m = unknownMessage(store, id);
    // deadMessages() knows an operator's "not to be sent" by these words: a bulk requeue leaves it dead
    const why = `resolved by key ${actor}: ${delivered ? "delivered" : "not delivered, not to be sent"}`;
    store.setDelivery(id, delivered ? "delivered" : "dead", m.attempts, 0, why, { from: "unknown", at: nowMs });
    store.audit(at, actor, "outbox.resolve", String(id), { delivered });
    return store.outboxMessage(id)!;
  });
}

/** One dead message back to pending (or expired, past its expiry): true when requeued. */
function requeueOne(store: Store, m: OutboxRow, actor: string, nowMs: number, expiry: Expiry | null): boolean {
  if (expiry && nowMs > deadline(expiry, m)) {
    store.setDelivery(m.id, "expired", m.attempts, 0, `expired: requeued by key ${actor} past its expiry, not sent; last error: ${m.lastError}`, { from: "dead", at: nowMs });
    return false;
  }
  store.setDelivery(m.id, "pending", 0, nowMs, `requeued by key ${actor} after ${m.attempts} failed attempts; last error: ${m.lastError}`, { from: "dead", at: nowMs });
  return true;
}

/** Requeues one dead message (any dead one: the operator names it, a "not to be sent" resolution too). */
export function requeue(store: Store, id: number, actor: string, at: number, nowMs: number, expiry: Expiry | null): OutboxRow {
  return store.tx(() => {
    const m = store.outboxMessage(id);
    if (!m) throw new ApiError(404, `no outbox message ${id}`);
    if (m.state !== "dead") throw new ApiError(409, `outbox message ${id} is ${m.state}; only a dead message can be requeued${m.state === "unknown" ? " (an unknown one is redelivered: POST /v1/outbox/" + id + "/redeliver)" : ""}`);
    const requeued = requeueOne(store, m, actor, nowMs, expiry);
    store.audit(at, actor, "outbox.requeue", String(id), { attempts: m.attempts, requeued });
    return store.outboxMessage(id)!;
  });
}

/** Requeues every dead message the filter names (not those an operator resolved as not to be sent), in one transaction. */
export function requeueDead(store: Store, filter: DeadFilter, actor: string, at: number, nowMs: number, expiry: Expiry | null): { requeued: number; expired: number } {
  return store.tx(() => {
    let requeued = 0, expired = 0;
    for (const m of store.deadMessages(filter)) requeueOne(store, m, actor, nowMs, expiry) ? requeued++ : expired++;
    const named = { ...filter, since: filter.since === undefined ? undefined : new Date(filter.since).toISOString() };
    store.audit(at, actor, "outbox.requeue", "dead", { filter: named, requeued, expired });
    return { requeued, expired };
  });
}
