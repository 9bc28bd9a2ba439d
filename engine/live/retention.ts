/**
 * Retention (`--retain-days N`): the server deletes the events, decisions and delivered, dead,
 * cancelled or expired outbox messages older than N days (a message: decided and settled more than N
 * days ago), in the background, so the database stops growing with time (docs/live.md, "Retention"). Only `cadence serve` writes the database, so pruning runs inside it.
 *
 * What stays, however old: customers (their state, ledgers and pending timers are in their rows), plans,
 * keys, the audit log, meta, and the messages still to be settled (`prunableStates`). What the
 * metrics and forecast vs actual read of a deleted row is kept in aggregates, in the same transaction
 * as the delete (engine/live/sqlite-prune.ts), so their figures are the same before and after a prune.
 *
 * A pass walks each table from its first row in windows of `batch` rows, one transaction per window,
 * and then waits as long as the window took: requests and timers run meanwhile, a request waits for at
 * most one window's transaction, and a pass takes at most half of the main thread. That still deletes
 * thousands of rows a second, hundreds of times what 1 M events a day add (docs/live.md, "Retention").
 * It stops at the first window with no row older than the cutoff (rows are written in time order, but
 * for late events: one processed in the engine's past after newer ones may wait for a later pass).
 */
import { DAY, formatTime } from "../core/time.ts";
import { type DeliveryState, PRUNED_TABLES, type PrunedTable, type Store } from "./store.ts";

/** Rows per transaction: measured in docs/live.md ("Retention"). */
export const PRUNE_BATCH = 500;

/**
 * The outbox states a message older than the window may be deleted in. Never `sending` or `unknown`
 * (a POST whose outcome is not known: an operator settles it). `pending` only on a server without a
 * webhook: its readers pull the outbox by cursor (GET /v1/outbox, extract), which moves no state, so a
 * pulled message stays pending forever and the outbox — the largest table — would never shrink; the
 * window is their time to read it. With a webhook a pending message is one still to be POSTed.
 */
export function prunableStates(webhook: boolean): DeliveryState[] {
  const settled: DeliveryState[] = ["delivered", "dead", "cancelled", "expired"]; // expired: past its expiry, never to be sent
  return webhook ? settled : [...settled, "pending"];
}

export interface PruneRecord {
  /** The engine time of the pass and its cutoff (minutes): rows before the cutoff went. */
  at: number;
  cutoff: number;
  removed: Record<PrunedTable, number>;
  /** Wall time the pass took, in ms (transactions and the waits between them). */
  ms: number;
}

export class Retention {
  /** The last pass, this process's or (after a restart) the one recorded in the store. */
  last: PruneRecord | null;
  private running: Promise<PruneRecord> | null = null;
  private stopping = false;

  constructor(
    private readonly store: Store,
    readonly days: number,
    /** The engine's time (minutes): the cutoff is `days` before it. */
    private readonly now: () => number,
    /** The outbox states that may go (prunableStates). */
    private readonly states: readonly DeliveryState[],
    private readonly batch = PRUNE_BATCH,
  ) {
    const saved = store.getMeta("lastPrune");
    this.last = saved ? JSON.parse(saved) as PruneRecord : null;
  }

  /** One pass over the tables; asked while one runs, it answers with that one. */
  pass(): Promise<PruneRecord> {
    return this.running ??= this.run().finally(() => (this.running = null));
  }

  /** Ends a running pass after its current window (each window is a transaction of its own). */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.running?.catch(() => {});
  }

  private async run(): Promise<PruneRecord> {
    const started = performance.now(); // wall time, reported only
    const at = this.now(), cutoff = at - this.days * DAY;
    const removed = { events: 0, decisions: 0, outbox: 0 };
    for (const table of PRUNED_TABLES) {
      for (let after = 0; !this.stopping;) {
        const t = performance.now(); // wall time paces the pass; it decides nothing
        const w = this.store.pruneBatch(table, cutoff, after, this.batch, this.states);
        removed[table] += w.removed;
        after = w.next;
        if (!w.older) break;
        await new Promise((resolve) => setTimeout(resolve, Math.max(1, performance.now() - t))); // requests and timers run meanwhile
      }
    }
    const record = { at, cutoff, removed, ms: Math.round(performance.now() - started) };
    if (!this.stopping) this.store.setMeta("lastPrune", JSON.stringify(record));
    this.last = record;
    return record;
  }
}

/** Retention as /healthz and /v1/metrics/live show it: the setting and the last pass; null when rows are kept forever. */
export function retentionStatus(retention: Retention | null | undefined) {
  if (!retention) return null;
  const p = retention.last;
  return { days: retention.days, lastPrune: p && { at: formatTime(p.at), cutoff: formatTime(p.cutoff), ...p.removed, ms: p.ms } };
}
