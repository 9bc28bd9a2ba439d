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

  /**
   * Delivers what is due, up to `batch` messages at once; the outcomes are committed together after
   * the pass (one transaction, not one per message). Returns the number of attempts made.
   */
  async pass(batch = 200): Promise<number> {
    if (this.busy) return 0;
    this.busy = true;
    try {
      const due = this.store.deliverable(this.clock.nowMs(), batch);
      if (!due.length) return 0;
      const outcomes = await Promise.all(due.map((m) => this.attempt(m)));
      this.store.tx(() => due.forEach((m, i) => this.record(m, outcomes[i])));
      return due.length;
    } finally {
      this.busy = false;
    }
  }

  /** One POST; "" when the receiver answered 2xx, else what went wrong. */
  private async attempt(m: OutboxRow): Promise<string> {
    const body = payload(m), ts = String(Math.floor(this.clock.nowMs() / 1000));
    try {
      const res = await fetch(this.config.url, {
        method: "POST",
        headers: { "content-type": "application/json", "idempotency-key": m.key, "x-cadence-timestamp": ts, "x-cadence-signature": sign(this.config.secret, ts, body) },
        body,
        signal: AbortSignal.timeout(this.config.timeoutMs),
      });
      await res.body?.cancel();
      return res.ok ? "" : `HTTP ${res.status}`;
    } catch (e) {
      return (e as Error).message.slice(0, 200) || "network error";
    }
  }

  private record(m: OutboxRow, error: string): void {
    // the row may have been cancelled (unsubscribe) or erased meanwhile: only a pending row moves on
    if (!this.store.query("SELECT 1 AS x FROM outbox WHERE id = ? AND state = 'pending'", m.id).length) return;
    const attempts = m.attempts + 1;
    if (!error) this.store.setDelivery(m.id, "delivered", attempts, 0, "");
    else if (attempts >= this.config.maxAttempts) this.store.setDelivery(m.id, "dead", attempts, 0, error);
    else this.store.setDelivery(m.id, "pending", attempts, this.clock.nowMs() + backoff(this.config, m.key, attempts), error);
  }
}
