/**
 * Group commit for the API: requests handled together in one transaction, committed once, then all
 * answered — a commit (writing the transaction's pages to the WAL) costs far more than an event, so
 * concurrent requests share it. Each answer still comes only after its commit. If the group fails,
 * each request is retried alone, so one bad request cannot fail the others.
 *
 * Requests announce themselves as they arrive (`arrive`, before their body is read and validated) and
 * `leave` when they are queued or rejected. The commit waits, a few milliseconds at most, while
 * announced requests are still being read: without this a batch of 100 events, whose body takes
 * several reads, always missed the group it arrived during and every batch request paid a commit alone
 * (docs/performance.md, "Live server").
 */

/** The longest a queued request waits for the others being read before its group commits. */
const MAX_WAIT_MS = 5;

export interface Arrival {
  left: boolean;
}

export class GroupCommit<I, O> {
  private queue: { input: I; resolve: (o: O) => void; reject: (e: unknown) => void }[] = [];
  private scheduled = false;
  private since = 0;
  private arriving = 0;
  private held = false;

  /**
   * `together` handles several inputs in one transaction (after a failed group, each input is retried
   * as a group of one); `maxWaitMs` bounds the wait for announced requests (tests give a long one, so a
   * loaded machine's timer delays cannot split the group they check).
   */
  constructor(
    private readonly together: (inputs: I[]) => O[] | Promise<O[]>,
    private readonly maxWaitMs = MAX_WAIT_MS,
    /** True while the commits in flight are enough: the group waits, and requests arriving join it. */
    private readonly busy: () => boolean = () => false,
  ) {}

  arrive(): Arrival {
    this.arriving++;
    return { left: false };
  }

  /** Idempotent: a request leaves once, whether queued, rejected or failed. */
  leave(a: Arrival | undefined): void {
    if (!a || a.left) return;
    a.left = true;
    this.arriving--;
  }

  submit(input: I): Promise<O> {
    return new Promise((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      if (!this.scheduled) this.scheduled = true, this.since = performance.now(), setTimeout(() => this.flush(), 0);
    });
  }

  /** A commit in flight has finished: a group held back by `busy` goes now. */
  wake(): void {
    if (!this.held) return;
    this.held = false;
    this.flush();
  }

  private flush(): void {
    if (this.busy()) {
      this.held = true; // `wake` flushes it
      return;
    }
    // wall time only bounds a wait here; it never reaches a decision
    if (this.arriving > 0 && performance.now() - this.since < this.maxWaitMs) {
      setTimeout(() => this.flush(), 0);
      return;
    }
    const q = this.queue;
    this.queue = [], this.scheduled = false;
    let results: O[] | Promise<O[]>;
    try {
      results = this.together(q.map((x) => x.input));
    } catch {
      return void this.oneByOne(q);
    }
    if (results instanceof Promise) results.then((r) => q.forEach((x, i) => x.resolve(r[i])), () => this.oneByOne(q));
    else q.forEach((x, i) => x.resolve((results as O[])[i]));
  }

  /** After a failed group: each request alone, in order, so one bad request cannot fail the others. */
  private async oneByOne(q: { input: I; resolve: (o: O) => void; reject: (e: unknown) => void }[]): Promise<void> {
    for (const x of q) {
      try {
        x.resolve((await this.together([x.input]))[0]);
      } catch (e) {
        x.reject(e);
      }
    }
  }
}
