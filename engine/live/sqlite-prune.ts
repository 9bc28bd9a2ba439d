/**
 * The SQL of one retention batch (engine/live/retention.ts) on the SQLite store: the rows of a window
 * of row ids, older than the cutoff, are added to the aggregates the metrics read (schema 11) and
 * deleted, in the caller's transaction. A window is a range of the table's primary key, so a batch
 * reads `limit` rows from where the last one stopped and never scans the table.
 *
 * What is kept of a deleted row:
 * - an event: if a purchase, unsubscribe or complaint processed during a plan's period (promotion to
 *   retirement), its count and value under that plan, customer, type and program (pruned_events), which
 *   is what revenueStats and eventTally (engine/live/metrics.ts) sum per customer;
 * - a decision: its count under plan, program, control flag, status and rule (pruned_decisions, what
 *   the live metrics group by), and a treated customer sent a message, once per plan (pruned_reach);
 * - a message: its count per state (pruned_outbox). Only messages in the states given (?4) with no
 *   POST in flight are deleted: delivered, dead, cancelled and expired ones, and pending ones on a server
 *   whose readers pull the outbox (engine/live/retention.ts); sending and unknown ones stay however old.
 *   A message goes when both its decision and its last change of state (`changed`, schema 10) are
 *   older than the cutoff: one dead-lettered yesterday, however old its decision, stays the window's
 *   days for an operator to requeue it (it went with its decision's day, perhaps at once).
 */

import type { PrunedTable } from "./store.ts";

interface TableSql {
  /** The primary key (row order) and the time compared with the cutoff. */
  key: string;
  time: string;
  /** Extra condition for a row to go, beside its age. */
  deletable: string;
  /** Statements adding the window's deletable rows to the aggregates; parameters: lo, hi, cutoff (and the outbox's states). */
  keep: string[];
}

/**
 * The outbox's states that may go (?4, a JSON array: engine/live/retention.ts prunableStates), with no
 * POST in flight, settled before the cutoff (`changed` is in ms, 0 when the state never moved).
 */
const SETTLED = "state IN (SELECT value FROM json_each(?4)) AND sending = 0 AND changed < ?3 * 60000";

export const PRUNE_SQL: Record<PrunedTable, TableSql> = {
  events: {
    key: "seq",
    time: "processed",
    deletable: "1",
    keep: [
      // periods never overlap (a retired plan's ends at its successor's promotion): at most one plan per event
      `INSERT INTO pruned_events (plan, customer, type, program, n, v)
       SELECT p.id, e.customer, e.type, e.program, count(*), sum(e.value) FROM events e
       JOIN plans p ON p.promoted IS NOT NULL AND e.processed >= p.promoted AND (p.retired IS NULL OR e.processed < p.retired)
       WHERE e.seq > ?1 AND e.seq <= ?2 AND e.processed < ?3 AND e.type IN ('purchase', 'unsubscribed', 'complained')
       GROUP BY p.id, e.customer, e.type, e.program
       ON CONFLICT (plan, customer, type, program) DO UPDATE SET n = n + excluded.n, v = v + excluded.v`,
    ],
  },
  decisions: {
    key: "id",
    time: "time",
    deletable: "1",
    keep: [
      `INSERT INTO pruned_decisions (plan, program, control, status, rule, n)
       SELECT plan, program, control, status, rule, count(*) FROM decisions WHERE id > ?1 AND id <= ?2 AND time < ?3
       GROUP BY plan, program, control, status, rule
       ON CONFLICT (plan, program, control, status, rule) DO UPDATE SET n = n + excluded.n`,
      `INSERT INTO pruned_reach (plan, customer)
       SELECT DISTINCT plan, customer FROM decisions WHERE id > ?1 AND id <= ?2 AND time < ?3 AND status = 'sent' AND control = 0
       ON CONFLICT (plan, customer) DO NOTHING`,
    ],
  },
  outbox: {
    key: "id",
    time: "time",
    deletable: SETTLED,
    keep: [
      `INSERT INTO pruned_outbox (state, n)
       SELECT state, count(*) FROM outbox WHERE id > ?1 AND id <= ?2 AND time < ?3 AND ${SETTLED} GROUP BY state
       ON CONFLICT (state) DO UPDATE SET n = n + excluded.n`,
    ],
  },
};

/** The window after `after`: its last key, its size, and how many of its rows are older than the cutoff (?3). */
export function windowSql(t: PrunedTable): string {
  const { key, time } = PRUNE_SQL[t];
  return `SELECT max(${key}) AS hi, count(*) AS n, coalesce(sum(${time} < ?3), 0) AS old FROM (SELECT ${key}, ${time} FROM ${t} WHERE ${key} > ?1 ORDER BY ${key} LIMIT ?2)`;
}

export function deleteSql(t: PrunedTable): string {
  const { key, time, deletable } = PRUNE_SQL[t];
  return `DELETE FROM ${t} WHERE ${key} > ?1 AND ${key} <= ?2 AND ${time} < ?3 AND ${deletable}`;
}
