/**
 * The webhook channel adapter: POSTs each pending outbox message to a configured URL, signed with
 * HMAC-SHA256 over `<timestamp>.<body>` (headers X-Cadence-Timestamp, X-Cadence-Signature:
 * sha256=<hex>) and carrying its idempotency key (Idempotency-Key). A non-2xx answer or a network error
 * is retried with exponential back-off and jitter (base · 2^(attempt−1), capped, times a factor in
 * [0.5, 1) drawn from a seeded stream keyed by message and attempt); after `maxAttempts` tries the
 * message is dead-lettered (state `dead`, last error kept).
 *
 * Delivery is at-least-once, with the repeat window as narrow as a sender can make it: before its POST
 * a message is marked in flight with the attempt number it carries (one commit per pass), and each
 * outcome is committed the moment its answer arrives, not with the rest of the pass. After a crash,
 * only the messages still marked in flight — POSTed, answer not yet recorded — can reach the receiver
 * twice; they are resent under the same idempotency key, which the receiver uses to drop the repeat.
 * Why no sender can do better across a crash between the receiver's 2xx and its own commit: docs/live.md,
 * "Delivery".
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
  concurrency: number; // default 32: messages POSTed at once, hence the most a crash can leave in flight
}

export const WEBHOOK_DEFAULTS = { maxAttempts: 8, baseMs: 1000, capMs: 600_000, seed: 1, timeoutMs: 10_000, concurrency: 32 };

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
  private current: Promise<number> | null = null;
  private stopped = false;

  constructor(readonly store: Store, readonly clock: Clock, readonly config: WebhookConfig) {
    this.recover();
  }

  /**
   * Messages marked in flight when the previous process died: their POST may or may not have reached
   * the receiver. The attempt counts as made with an unknown outcome; the message goes back to the queue
   * (due now) to be resent under the same key, or is dead-lettered if that was its last try.
   */
  private recover(): number {
    const rows = this.store.inFlight();
    if (!rows.length) return 0;
    const why = "in flight at a restart: may have reached the receiver; resent under the same key";
    this.store.tx(() => {
      for (const m of rows) {
        if (m.state !== "pending") this.store.clearSending(m.id);
        else if (m.sending >= this.config.maxAttempts) this.store.setDelivery(m.id, "dead", m.sending, 0, why);
        else this.store.setDelivery(m.id, "pending", m.sending, this.clock.nowMs(), why);
      }
    });
    return rows.length;
  }

  /**
   * Delivers what is due, up to `batch` messages at once (the delivery concurrency, hence the most
   * messages a crash can leave in flight). Returns the number of attempts made.
   */
  pass(batch = this.config.concurrency): Promise<number> {
    if (this.current || this.stopped) return Promise.resolve(0);
    this.current = this.run(batch).finally(() => (this.current = null));
    return this.current;
  }

  /** Lets the pass in flight record its outcomes (bounded by the request timeout), then starts no other. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.current?.catch(() => 0);
  }

  private async run(batch: number): Promise<number> {
    const due = this.store.deliverable(this.clock.nowMs(), batch);
    if (!due.length) return 0;
    this.store.tx(() => this.store.markSending(due.map((m) => m.id)));
    await Promise.all(due.map(async (m) => {
      const error = await this.attempt(m);
      this.store.tx(() => this.record(m, error)); // durable as soon as the answer is in
    }));
    return due.length;
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
    const attempts = m.attempts + 1;
    const moved = !error
      ? this.store.setDelivery(m.id, "delivered", attempts, 0, "")
      : attempts >= this.config.maxAttempts
      ? this.store.setDelivery(m.id, "dead", attempts, 0, error)
      : this.store.setDelivery(m.id, "pending", attempts, this.clock.nowMs() + backoff(this.config, m.key, attempts), error);
    if (!moved) this.store.clearSending(m.id); // cancelled (unsubscribe) while in flight: it stays cancelled
  }
}
