/**
 * The live driver's clock, injected so tests, the parity check and the demo drive time themselves.
 * Time is integer minutes since the epoch (engine/core/time.ts); webhook back-off needs finer grain, so
 * a clock also answers in milliseconds.
 */
import { formatTime } from "../core/time.ts";
import { ApiError } from "./errors.ts";

export interface Clock {
  /** Minutes since the epoch. */
  now(): number;
  /** Milliseconds since the epoch (delivery retries). */
  nowMs(): number;
  /** "system" follows the wall clock; "manual" moves only when set (POST /v1/clock) or by the event stream. */
  readonly kind: "system" | "manual";
}

/** The wall clock: the only place the live engine reads real time. */
export class SystemClock implements Clock {
  readonly kind = "system";
  now(): number {
    return Math.floor(this.nowMs() / 60000);
  }
  nowMs(): number {
    return Date.now();
  }
}

/**
 * A clock that moves only when told: by an operator (`set`, POST /v1/clock), which may not turn it back,
 * or by the event stream (`follow`), whose older events leave it where it is (they are late, not a
 * rewind).
 */
export class ManualClock implements Clock {
  readonly kind = "manual";
  constructor(private minutes: number, private extraMs = 0) {}
  now(): number {
    return this.minutes;
  }
  nowMs(): number {
    return this.minutes * 60000 + this.extraMs;
  }
  /** Moves the clock to `minutes`; an earlier time is refused (409): what is done cannot be done again. */
  set(minutes: number): void {
    if (minutes < this.minutes) {
      throw new ApiError(409, `the clock cannot go back: it is at ${formatTime(this.minutes)}, ${formatTime(minutes)} is earlier; give a time from then on`, [
        { path: ["body", "now"], message: `earlier than the clock (${formatTime(this.minutes)})` },
      ]);
    }
    this.follow(minutes);
  }
  /** An event's time: moves the clock forward to it, never back. */
  follow(minutes: number): void {
    if (minutes > this.minutes) this.minutes = minutes, this.extraMs = 0;
  }
  /**
   * Back to `minutes` (never forward), after a write that failed: the time a refused request moved the
   * clock to was never stored, so it never was (engine/live/driver.ts, reloadDirty). Not for operators:
   * `set` refuses an earlier time.
   */
  restore(minutes: number): void {
    if (minutes < this.minutes) this.minutes = minutes, this.extraMs = 0;
  }
  /** Milliseconds within the current minute, for driving webhook back-off in tests. */
  advanceMs(ms: number): void {
    this.extraMs += ms;
  }
}
