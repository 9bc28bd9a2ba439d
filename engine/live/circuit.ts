/**
 * The webhook's circuit breaker: a receiver that is down, overloaded or hung is not sent the whole
 * outbox. Closed, a pass sends up to its concurrency (32). After `threshold` outcomes in a row that say
 * the receiver is not taking messages — a refused connection, a 5xx, a 408 or 429, a timeout or a reset —
 * or at once on a 429/503 with `Retry-After`, it opens: nothing is sent until its time is up (30 s, the
 * Retry-After if later), then **one** message probes the receiver. Any answer that shows the receiver
 * up (a 2xx, or a 4xx about that one message) closes it; another failure opens it again for twice as
 * long (at most the back-off cap). Messages held back meanwhile spend no attempt. Its state is kept in
 * the store (`saved`, `Circuit.resume`: webhook.ts) so a restart resumes it: started closed, a restart
 * sent a whole batch to a receiver still down (32 failures again, or 32 more `unknown` from a hung one).
 * docs/live.md, "A receiver that is down or hung".
 */

export type CircuitState = "closed" | "open" | "probing";

export interface CircuitView {
  state: CircuitState;
  /** Outcomes in a row that said the receiver was not taking messages. */
  failuresInARow: number;
  /** Open: when the next probe may go (ms since epoch); else null. */
  until: number | null;
  lastError: string;
}

/** What a restart resumes from: the probe in flight when it stopped, if any, is not (a new one goes when due). */
export interface SavedCircuit {
  failures: number;
  /** Open: when the next probe may go (ms since epoch); else null. */
  openUntil: number | null;
  /** Failed probes since it opened. */
  probes: number;
  lastError: string;
}

export class Circuit {
  private failures = 0;
  private opened = false;
  private openUntil = 0;
  private probes = 0; // failed probes since it opened: each doubles the wait
  private probing = false;
  private lastError = "";

  constructor(readonly threshold: number, readonly probeMs: number, readonly capMs: number) {}

  /** A circuit in the state `saved` left it, or closed without one. */
  static resume(threshold: number, probeMs: number, capMs: number, saved: SavedCircuit | null): Circuit {
    const c = new Circuit(threshold, probeMs, capMs);
    if (saved) {
      c.failures = saved.failures, c.probes = saved.probes, c.lastError = saved.lastError;
      c.opened = saved.openUntil !== null, c.openUntil = saved.openUntil ?? 0;
    }
    return c;
  }

  saved(): SavedCircuit {
    return { failures: this.failures, openUntil: this.opened ? this.openUntil : null, probes: this.probes, lastError: this.lastError };
  }

  /** How many messages a pass at `nowMs` may send: all (closed), none (open), one (a probe). */
  allowance(nowMs: number, batch: number): number {
    if (!this.opened) return batch;
    return this.probing || nowMs < this.openUntil ? 0 : 1;
  }

  /** A pass sent `n` messages: open, that one is the probe. */
  sent(n: number): void {
    if (this.opened && n > 0) this.probing = true;
  }

  /** The receiver answered as one that is up: closed, the count of failures reset. */
  up(): void {
    this.failures = 0;
    this.opened = this.probing = false;
    this.probes = 0;
  }

  /** An outcome that says the receiver is not taking messages; `retryAfterMs`: what it asked (bounded). */
  down(nowMs: number, error: string, retryAfterMs: number | null): void {
    this.failures++;
    this.lastError = error;
    const asked = retryAfterMs === null ? 0 : nowMs + retryAfterMs;
    if (this.probing) {
      this.probing = false;
      this.probes++;
      this.openUntil = Math.max(asked, nowMs + Math.min(this.capMs, this.probeMs * 2 ** this.probes));
    } else if (this.opened) {
      this.openUntil = Math.max(this.openUntil, asked); // an answer of the batch that opened it
    } else if (this.failures >= this.threshold || retryAfterMs !== null) {
      this.opened = true;
      this.openUntil = Math.max(asked, nowMs + (retryAfterMs === null ? this.probeMs : 0));
    }
  }

  view(nowMs: number): CircuitView {
    const state: CircuitState = !this.opened ? "closed" : this.probing || nowMs >= this.openUntil ? "probing" : "open";
    return { state, failuresInARow: this.failures, until: this.opened ? this.openUntil : null, lastError: this.lastError };
  }
}
