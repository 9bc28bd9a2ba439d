/**
 * A loop's failures, logged once while the same one repeats. A database that cannot be written fails
 * every pass of the timer, webhook and checkpoint loops — a line a second from each of the first two
 * and five from the checkpoint thread — so an hour's outage wrote tens of thousands of copies of one
 * error (with its stack) and buried the line that said when it began. The first failure is logged
 * with its error, a different one again, and the recovery once, with how many passes failed.
 */
export class FailureLog {
  private last: string | null = null;
  private failures = 0;

  constructor(private readonly what: string, private readonly log: (...data: unknown[]) => void = (...data) => console.error(...data)) {}

  failed(e: unknown): void {
    const text = String((e as Error)?.message ?? e);
    this.failures++;
    if (text === this.last) return;
    this.last = text;
    this.log(`cadence serve: ${this.what} failed (logged once while it repeats):`, e);
  }

  /** A pass went through: the end of a run of failures is logged. */
  ok(): void {
    if (this.last === null) return;
    this.log(`cadence serve: ${this.what} works again, after ${this.failures} failed passes (the last: ${this.last})`);
    this.last = null;
    this.failures = 0;
  }
}
