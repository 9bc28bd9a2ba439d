/**
 * The live server's storage, behind one interface so that a PostgreSQL store can follow without
 * touching the server or the driver. Everything the live engine keeps goes through here: customers'
 * core state, events (with their idempotency ids), timers, decisions and the outbox, plans, API keys,
 * the audit log and small named values (the engine's watermark, channel capacity used per day).
 *
 * Transactions: `tx(f)` runs f atomically; the driver wraps one ingest batch (its events and every
 * decision they caused) in one call, which is what makes a 2xx durable. Implementations must be
 * synchronous inside `tx` (the driver is), so SQLite's one-writer model fits; a networked store would
 * batch the same way.
 */

import type { Expiry } from "./expiry.ts";
import type { SettingText } from "./setting-text.ts";

export interface KeyRow {
  id: string; // public part of the key, shown in the audit log
  hash: string; // sha256 of the whole key
  role: Role;
  name: string;
  created: number; // minutes
  revoked: number | null;
}

export const ROLES = ["ingest", "analyst", "approver", "operator", "admin"] as const;
export type Role = typeof ROLES[number];

export const PLAN_STATES = ["draft", "simulated", "approved", "live", "paused", "retired"] as const;
export type PlanState = typeof PLAN_STATES[number];

export interface PlanRow {
  id: number;
  name: string;
  source: string; // the uploaded text, as uploaded (YAML or JSON)
  hash: string; // content hash of the validated plan (engine/plan/load.ts hashJson)
  engine: string; // engine version at upload; frozen at promotion
  state: PlanState;
  author: string; // key id
  approver: string | null;
  forecast: string | null; // JSON (engine/live/forecast.ts)
  created: number;
  promoted: number | null; // minutes
  retired: number | null;
  /** The control group it was promoted with (JSON `{share, salt}`); null before promotion, or promoted before it was recorded. */
  control?: string | null;
}

export interface AuditRow {
  id: number;
  at: number;
  actor: string;
  action: string;
  target: string;
  detail: string; // JSON, never personal data
}

export interface EventRow {
  idem: string;
  customer: string;
  type: string;
  time: number; // the event's own time (minutes)
  processed: number; // the engine time it was processed at (late events: later than `time`)
  channel: string;
  program: string;
  value: number;
}

/**
 * A plan-side timer: journey wait, deferred retry, due send, inactivity check (kinds of
 * engine/sim/kinds.ts). Stored inside its customer's row (engine/live/timer-index.ts).
 */
export interface TimerRow {
  id: number; // insertion sequence: the last tie-break, like the simulator's queue
  time: number;
  kind: number;
  customer: string;
  a: number; // journey, threshold days or send step
  b: number; // priority
  d: number; // generation, purchase time or deadline
  e: number; // journey instance of a held message (-1: campaign)
  n?: number; // identical inactivity checks it stands for, when more than one (timer-index.ts)
}

export const DECISION_STATUS = ["sent", "suppressed", "holdout", "deferred", "delayed", "cancelled"] as const;

export interface DecisionRow {
  id: number;
  plan: number;
  time: number;
  customer: string;
  program: string;
  message: string;
  channel: string;
  category: string;
  status: typeof DECISION_STATUS[number];
  rule: string; // suppressing or deferring rule, cancel reason, "send-window" for delayed
  until: number | null; // delayed: when the send window lets it go
  control: number; // 1 = the customer is in the global control group
  why: string; // the decision in words: for a suppression or deferral, the rule and the figures it compared
}

/**
 * pending → sending (committed before the POST) → delivered | pending (definite failure: retried) | dead |
 * unknown (the POST may have reached the receiver: a crash while sending, a timeout, a reset). An
 * unknown message is never resent automatically; an operator redelivers or resolves it (docs/live.md).
 * A pending message past its expiry is `expired` instead of sent; an operator requeues a dead one.
 */
export const DELIVERY_STATES = ["pending", "sending", "delivered", "unknown", "dead", "cancelled", "expired"] as const;
export type DeliveryState = typeof DELIVERY_STATES[number];

export interface OutboxRow {
  id: number; // cursor
  key: string; // idempotency key (stable hash of plan, customer, program, message, time)
  plan: number;
  time: number;
  customer: string;
  program: string;
  message: string;
  channel: string;
  category: string;
  state: DeliveryState;
  attempts: number;
  nextAttempt: number; // ms since epoch
  lastError: string;
  /** 0, or the attempt number whose POST is in flight (marked and committed before sending). */
  sending: number;
  /**
   * When its delivery state last moved by an attempt's outcome or an operator (ms since epoch): for a
   * dead message, when it was dead-lettered. 0 when it never moved; a row older than schema 10 has its
   * decision time.
   */
  changed: number;
}

/** Which dead messages a bulk requeue takes (docs/live.md, "Requeueing dead messages"); all fields optional. */
export interface DeadFilter {
  channel?: string;
  /** Dead-lettered at or after this time (ms since epoch). */
  since?: number;
  /** Their last error contains this text (case-sensitive), such as `HTTP 503`. */
  error?: string;
}

/** The tables retention deletes old rows from (engine/live/retention.ts). */
export const PRUNED_TABLES = ["events", "decisions", "outbox"] as const;
export type PrunedTable = typeof PRUNED_TABLES[number];

export interface Store {
  /** Creates or migrates the schema; returns the schema version. */
  migrate(): number;
  tx<T>(f: () => T): T;
  close(): void;
  /**
   * Takes the exclusive hold a server needs on its database until `close`; throws (naming the holder)
   * when another server has it. A store shared by several instances by design would not need one.
   * `given` words the database's setting as the user gave it (engine/live/setting-text.ts).
   */
  claim?(given?: SettingText): void;
  ready(): boolean;

  getMeta(key: string): string | null;
  setMeta(key: string, value: string): void;

  addKey(k: KeyRow): void;
  keyByHash(hash: string): KeyRow | null;
  listKeys(): KeyRow[];
  /** Marks the key revoked at `at` (once: a key revoked already keeps its time); false when no key has this id. */
  revokeKey(id: string, at: number): boolean;

  addPlan(p: Omit<PlanRow, "id">): number;
  getPlan(id: number): PlanRow | null;
  listPlans(): PlanRow[];
  updatePlan(id: number, fields: Partial<Omit<PlanRow, "id">>): void;
  audit(at: number, actor: string, action: string, target: string, detail: unknown): void;
  auditLog(after: number, limit: number): AuditRow[];

  /** A customer's row: core state (engine/core/row-codec.ts JSON) and pending timers (TimerIndex.encode). */
  putCustomer(id: string, state: string, control: number, time: number, timers: string): void;
  getCustomer(id: string): { state: string; control: number } | null;
  allCustomers(): Iterable<{ id: string; state: string; timers: string }>;
  /** How many customers allCustomers() gives (a start's progress). */
  customerCount(): number;
  eraseCustomer(id: string): { events: number; outbox: number; decisions: number };

  hasEvent(idem: string): boolean;
  /** The event taken under this idempotency id (committed, in this transaction, or in flight to the writer), or null. */
  storedEvent(idem: string): EventRow | null;
  addEvent(e: EventRow): void;
  eventCount(): number;
  events(after: number, limit: number): (EventRow & { seq: number })[];

  addDecision(d: Omit<DecisionRow, "id">): void;
  decisions(after: number, limit: number, status?: string): DecisionRow[];
  /** A customer's latest decisions, newest first. */
  decisionsOf(customer: string, limit: number): DecisionRow[];
  /**
   * Adds a message under `o.key`, or `<key>#<n>` (lowest free n ≥ 1) when taken. Inside a transaction
   * the row may be written later (at the latest by the commit), before anything reads the outbox.
   */
  addOutbox(o: Omit<OutboxRow, "id" | "sending" | "changed">): void;
  /** Messages after the cursor, in decision order; only those in `state` when given. */
  outbox(after: number, limit: number, state?: DeliveryState): OutboxRow[];
  outboxMessage(id: number): OutboxRow | null;
  /** Messages per delivery state, those retention deleted included (healthz, metrics: the unknown ones wait for an operator). */
  outboxCounts(): Partial<Record<DeliveryState, number>>;
  /** Messages in one delivery state (an index range: cheap enough for /healthz). */
  outboxCount(state: DeliveryState): number;
  /** Pending deliveries whose next attempt is due at `nowMs`, oldest first. */
  deliverable(nowMs: number, limit: number): OutboxRow[];
  /** Moves pending messages to `sending`, with the attempt number they are about to carry (attempts + 1). */
  markSending(ids: number[]): void;
  /** Messages in state `sending` (after a crash: those that may have reached the receiver). */
  inFlight(): OutboxRow[];
  /** Clears the in-flight mark of a message that is no longer sending (cancelled or erased meanwhile). */
  clearSending(id: number): void;
  /**
   * Moves a message from state `from` (default `sending`: an attempt's outcome) and clears the in-flight
   * mark, `at` (ms) becoming its `changed`; false when the row is no longer in `from` (cancelled or erased meanwhile).
   */
  setDelivery(id: number, state: DeliveryState, attempts: number, nextAttempt: number, lastError: string, o?: { from?: DeliveryState; at?: number }): boolean;
  /**
   * Every pending message past its expiry (engine/live/expiry.ts) becomes `expired`, `atMs` its `changed`, its
   * last error `expiredReason` and then the error before it; whatever its turn in the outbox. Returns how many.
   */
  expirePending(expiry: Expiry, atMs: number): number;
  /**
   * Dead messages the filter names, in id order, but those an operator resolved as not delivered
   * (`resolve {"delivered": false}`: not to be sent), which only a requeue by id takes.
   */
  deadMessages(filter: DeadFilter): OutboxRow[];
  /**
   * Cancels one customer's undelivered messages on one channel, with `reason` as their last error:
   * pending, unknown (never to be redelivered now), dead (never to be requeued now) and sending (the
   * POST cannot be called back; its outcome no longer moves the row). Messages of the `keep` categories stay: an unsubscribe or a
   * complaint keeps those that need only an address (the plan's `addressOnly`, transactional by
   * default); a hard bounce keeps none.
   */
  cancelPending(customer: string, channel: string, keep?: readonly string[], reason?: string): number;

  /**
   * Retention (engine/live/retention.ts), one transaction: of the `limit` rows of `table` after the
   * cursor `after` (row id order), those older than `cutoff` (minutes) are deleted, what the metrics
   * read of them kept in aggregates first (engine/live/sqlite-prune.ts); messages only in `states`, and
   * settled (`changed`) before the cutoff too.
   * `next`: the cursor after the window; `older`: its rows older than the cutoff, deleted or kept (0: the
   * rest of the table is newer).
   */
  pruneBatch(table: PrunedTable, cutoff: number, after: number, limit: number, states?: readonly DeliveryState[]): { removed: number; next: number; older: number };

  /** One SQL-side aggregation per figure: see engine/live/metrics.ts. */
  query<T>(sql: string, ...params: (string | number | null)[]): T[];

  /**
   * A store may hand the ingest's writes to a writer thread (engine/live/store-writer.ts): between
   * `beginCapture` and `commitCapture` its write methods are recorded, not run, and `commitCapture`
   * resolves once they are committed. A store without one runs every write in `tx` as it comes.
   */
  readonly piped?: boolean;
  /** Groups handed to the writer thread and not yet committed. */
  readonly groupsInFlight?: number;
  /**
   * True from a group the writer thread failed to commit until the driver's state is rebuilt from the
   * store (store-writer.ts, `onFailure`): `tx` refuses meanwhile, as what it would commit was decided on
   * top of the failed group.
   */
  readonly writerFailed?: boolean;
  beginCapture?(): void;
  commitCapture?(): Promise<void>;
  abortCapture?(): void;
}
