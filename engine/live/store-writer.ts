/**
 * The writer thread: the ingest's SQLite writes and commits, off the main thread.
 *
 * Why: about two thirds of a batched event's CPU were SQLite calls on the main thread — the rows'
 * inserts and the COMMIT writing their pages to the WAL — so one thread did the HTTP, the decisions
 * and the writes in turn, and the batch rate stopped at what one core could do (docs/performance.md,
 * "Live server"). Now the main thread decides a group of requests and hands its writes to this
 * thread, then decides the next group while the previous one commits.
 *
 * What stays true:
 * - **Durability**: a request is answered only after the commit of its group, on the writer's own
 *   connection (same WAL, same `synchronous`).
 * - **Order**: groups commit one at a time, in the order they were decided. Every other write (timers,
 *   uploads, erasure, plan lifecycle, deliveries) and every read first waits, synchronously, until no
 *   group is in flight (`idle`), then runs on the main connection as before: it sees every decided
 *   group committed, and the two connections never write at once.
 * - **Idempotency**: events in flight are visible to the duplicate check (SqliteStore keeps their ids
 *   until their group's answer). A duplicate of an event in flight is answered only with a later
 *   group, which commits only if the earlier one did.
 * - **Failure**: if a group's commit fails, the writer rolls it back and refuses every group after it
 *   (they were decided on top of it) until the main thread has rebuilt its state from the store
 *   (`onFailure`) and says so (`reset`); those requests fail, and group commit retries each alone.
 *   The main connection refuses its transactions from the failure until that rebuild (`failed`): the
 *   rebuild runs when the main thread takes the writer's answer, and a transaction before it (a
 *   catch-up slice) would commit state decided on top of the failed group — a campaign day closed
 *   while the group that had made a customer's sends out of turn was rolled back, its sends lost.
 */
import type { Op } from "./sqlite-store.ts";

/** The longest the main thread waits for the writer to finish the groups in flight. */
const IDLE_LIMIT_MS = 60_000;

export interface WriterOptions {
  path: string;
  synchronous: string;
  /** Called once per failure, after every group in flight has been refused: rebuild state from the store. */
  onFailure: () => void;
}

/** The writer's answer to a group: `error` if it was not committed; `refused` if because of an earlier failure. */
interface Answer {
  id: number;
  error?: string;
  refused?: boolean;
}

interface Pending {
  resolve: () => void;
  reject: (e: Error) => void;
  done: () => void;
}

export class StoreWriter {
  private readonly worker: Worker;
  /**
   * [0]: groups posted and not yet finished by the writer (it decrements and notifies); [1]: 1 from a
   * failed commit (the writer sets it before finishing that group) until the main thread has rebuilt.
   */
  private readonly flight = new Int32Array(new SharedArrayBuffer(8));
  private readonly pending = new Map<number, Pending>();
  private next = 1;
  private readonly ready: Promise<void>;

  constructor(private readonly opts: WriterOptions) {
    this.worker = new Worker(new URL("./store-writer-worker.ts", import.meta.url), { type: "module" });
    this.ready = new Promise((resolve, reject) => {
      this.worker.onmessage = (e: MessageEvent<Answer | "ready" | "closed">) => {
        if (e.data === "ready") return resolve();
        if (e.data === "closed") return;
        this.answer(e.data);
      };
      this.worker.onerror = (e) => {
        // the thread itself died (not a failed commit: that is answered): nothing more can be made
        // durable, so the server stops; unanswered requests were not acknowledged, clients retry
        e.preventDefault();
        reject(new Error(`the writer thread failed: ${e.message}`));
        console.error(`cadence serve: the writer thread failed (${e.message}); stopping`);
        Deno.exit(1);
      };
    });
    this.worker.postMessage({ open: { path: opts.path, synchronous: opts.synchronous, flight: this.flight.buffer } });
  }

  /** Resolves once the writer's connection is open. */
  started(): Promise<void> {
    return this.ready;
  }

  /** Groups posted whose commit has not finished. */
  get inFlight(): number {
    return Atomics.load(this.flight, 0);
  }

  /**
   * Posts a group's writes; resolves when they are committed, rejects if its commit (or an earlier
   * group's) failed. `done` runs when the writer has answered either way (the store drops the group's
   * event ids from its in-flight set).
   */
  submit(ops: Op[], done: () => void): Promise<void> {
    const id = this.next++;
    Atomics.add(this.flight, 0, 1);
    return new Promise<void>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, done });
      this.worker.postMessage({ id, ops });
    });
  }

  /**
   * True from a failed commit until the main thread has rebuilt its state from the store: its state in
   * memory still holds what the failed group decided. Read after `idle`, it covers every group posted.
   */
  get failed(): boolean {
    return Atomics.load(this.flight, 1) === 1;
  }

  /**
   * Blocks the main thread until no group is in flight. The writer never waits for the main thread, so
   * this ends when the groups posted have committed (tens of milliseconds under load).
   */
  idle(): void {
    const since = performance.now();
    for (let n; (n = Atomics.load(this.flight, 0)) > 0;) {
      // wall time only bounds a wait here: a writer that stopped answering must not hang the server
      if (performance.now() - since > IDLE_LIMIT_MS) throw new Error(`the writer thread has not committed its ${n} group(s) in ${IDLE_LIMIT_MS / 1000} s`);
      Atomics.wait(this.flight, 0, n, 1000);
    }
  }

  private answer({ id, error, refused }: Answer): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    p.done();
    if (!error) return p.resolve();
    if (!refused) {
      // the failure: the groups after it are refused (their answers follow); once none is in flight the
      // store holds exactly the groups committed, and the main thread rebuilds from it
      try {
        this.idle();
        this.opts.onFailure();
      } finally {
        Atomics.store(this.flight, 1, 0);
        this.worker.postMessage({ reset: true });
      }
    }
    p.reject(new Error(`store write failed: ${error}`));
  }

  /** Waits for the groups in flight, then closes the writer's connection and ends the thread. */
  close(): Promise<void> {
    this.idle();
    return new Promise<void>((resolve) => {
      const done = () => (clearTimeout(timer), this.worker.terminate(), resolve());
      const timer = setTimeout(done, 2000);
      this.worker.onmessage = (e) => {
        if (e.data === "closed") done();
        else if (e.data !== "ready") this.answer(e.data);
      };
      this.worker.postMessage({ close: true });
    });
  }
}
