/**
 * The webhook channel adapter: POSTs each pending outbox message to a configured URL, signed with
 * HMAC-SHA256 over `<timestamp>.<body>` (headers X-Cadence-Timestamp, X-Cadence-Signature:
 * sha256=<hex>) and carrying its idempotency key (Idempotency-Key). A non-2xx answer or a network error
 * is retried with exponential back-off and jitter (base · 2^(attempt−1), capped, times a factor in
 * [0.5, 1) drawn from a seeded stream keyed by message and attempt); after `maxAttempts` tries the
 * message is dead-lettered (state `dead`, last error kept). Delivery is at-least-once: a crash between
 * the receiver's 2xx and the commit of `delivered` resends the message under the same key, which is
 * what the key is for (docs/live.md).
 */
import { createHmac } from "node:crypto";
import { hashString, uniform } from "../core/hash.ts";
import type { Clock } from "./clock.ts";
import type { OutboxRow, Store } from "./store.ts";

export interface WebhookConfig {
  url: string;
  secret: string;
  maxAttempts: number; // default 8
  baseMs: number; // default 1,000
  capMs: number; // default 600,000
  seed: number;
  timeoutMs: number; // default 10,000
}

export const WEBHOOK_DEFAULTS = { maxAttempts: 8, baseMs: 1000, capMs: 600_000, seed: 1, timeoutMs: 10_000 };

const JITTER = 0x717e;

/** The delay before attempt `attempt + 1`, after `attempt` failures. */
export function backoff(c: Pick<WebhookConfig, "baseMs" | "capMs" | "seed">, key: string, attempt: number): number {
  const u = uniform(c.seed, hashString(key), JITTER, attempt);
  return Math.round(Math.min(c.capMs, c.baseMs * 2 ** (attempt - 1)) * (0.5 + 0.5 * u));
}

export function sign(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

export function payload(m: OutboxRow): string {
  return JSON.stringify({
    key: m.key, id: m.id, plan: m.plan, time: new Date(m.time * 60000).toISOString(), customer: m.customer,
    program: m.program, message: m.message, channel: m.channel, category: m.category,
  });
}

export class WebhookAdapter {
  private busy = false;
  constructor(readonly store: Store, readonly clock: Clock, readonly config: WebhookConfig) {}

  /** Delivers what is due; returns the number of attempts made. One pass at a time. */
  async pass(batch = 50): Promise<number> {
    if (this.busy) return 0;
    this.busy = true;
    try {
      const due = this.store.deliverable(this.clock.nowMs(), batch);
      await Promise.all(due.map((m) => this.deliver(m)));
      return due.length;
    } finally {
      this.busy = false;
    }
  }

  private async deliver(m: OutboxRow): Promise<void> {
    const body = payload(m), ts = String(Math.floor(this.clock.nowMs() / 1000));
    let error = "";
    try {
      const res = await fetch(this.config.url, {
        method: "POST",
        headers: { "content-type": "application/json", "idempotency-key": m.key, "x-cadence-timestamp": ts, "x-cadence-signature": sign(this.config.secret, ts, body) },
        body,
        signal: AbortSignal.timeout(this.config.timeoutMs),
      });
      await res.body?.cancel();
      if (res.ok) return this.store.tx(() => this.store.setDelivery(m.id, "delivered", m.attempts + 1, 0, ""));
      error = `HTTP ${res.status}`;
    } catch (e) {
      error = (e as Error).message.slice(0, 200);
    }
    const attempts = m.attempts + 1;
    // the row may have been cancelled (unsubscribe) or erased meanwhile: only a pending row moves on
    this.store.tx(() => {
      if (!this.store.query("SELECT 1 AS x FROM outbox WHERE id = ? AND state = 'pending'", m.id).length) return;
      if (attempts >= this.config.maxAttempts) this.store.setDelivery(m.id, "dead", attempts, 0, error);
      else this.store.setDelivery(m.id, "pending", attempts, this.clock.nowMs() + backoff(this.config, m.key, attempts), error);
    });
  }
}
