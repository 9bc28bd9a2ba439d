/**
 * The embedded store: one SQLite file (node:sqlite) in WAL mode. `synchronous=NORMAL` (the default
 * here) makes a committed transaction survive a crash of the process — the WAL is in the OS's page
 * cache — but not a power loss between commit and the next checkpoint; `FULL` fsyncs every commit and
 * survives power loss at the cost of throughput (docs/live.md, docs/performance.md).
 */
import { DatabaseSync, type StatementSync } from "node:sqlite";
import { MIGRATIONS } from "./migrations.ts";
import { REDACT_FUNCTION, redactStoredError } from "./stored-errors.ts";
import type { StoreWriter } from "./store-writer.ts";
import { RowBuffer } from "./row-buffer.ts";
import { IdFilter } from "./id-filter.ts";
import { InputError } from "../plan/errors.ts";
import { Rebuilding } from "./errors.ts";
import type { AuditRow, DeadFilter, DecisionRow, DeliveryState, EventRow, KeyRow, OutboxRow, PlanRow, PrunedTable, Store } from "./store.ts";
import { FLAG_TEXT, type SettingText } from "./setting-text.ts";
import { deleteSql, PRUNE_SQL, windowSql } from "./sqlite-prune.ts";
import { type Expiry, expiredReason } from "./expiry.ts";

/** Outbox keys counted in memory before the count is dropped (a miss only costs the old path). */
const KEY_COUNT_LIMIT = 100_000;

export type Synchronous = "OFF" | "NORMAL" | "FULL";

type Row = Record<string, unknown>;

/**
 * A group's writes as handed to the writer thread (engine/live/store-writer.ts), in order: the rows
 * of the four buffered tables as flat value lists (cheap to copy between threads: primitives only),
 * and between them the calls of the two other write methods an ingest makes.
 */
export type Op =
  | { rows: [events: Value[], customers: Value[], decisions: Value[], outbox: Value[]] }
  | { call: "setMeta" | "cancelPending"; args: string[] };
type Value = string | number | null;

export class SqliteStore implements Store {
  readonly db: DatabaseSync;
  private depth = 0;
  private readonly stmts = new Map<string, StatementSync>();
  // rows appended by an ingest, written as multi-row INSERTs before any other statement and before COMMIT
  private readonly eventRows: RowBuffer;
  private readonly customerRows: RowBuffer;
  private readonly decisionRows: RowBuffer;
  private readonly outboxRows: RowBuffer;
  /** The events buffered by this transaction, by id: the duplicate check compares a repeat with them. */
  private readonly bufferedIdems = new Map<string, EventRow>();
  /** The writer thread, when the server has one; `capture`: the current group's writes, recorded for it. */
  private writer: StoreWriter | null = null;
  private capture: Op[] | null = null;
  private captureIdems: string[] = [];
  /** Every idempotency id taken (id-filter.ts); loaded at the first duplicate check or with the writer thread. */
  private ids: IdFilter | null = null;
  /** The events in groups handed to the writer and not answered yet, by id: the duplicate check sees them. */
  private readonly flightIdems = new Map<string, EventRow>();
  /**
   * Outbox keys (as decided, without `#n`) whose rows this process wrote or buffered: key → how many
   * rows hold it (the key itself, then #1, #2, ...). A message under a counted key is numbered here and
   * goes into the multi-row INSERT like any other, instead of failing there and then costing a failed
   * insert, a count and an insert alone (insertOutbox): repeats were ≈ 80 % of the bench's messages
   * (the same confirmation many times in one minute). Exact because this process is the outbox's only
   * writer of keys and repeats are erased only all together (erasure clears it; so does a rollback).
   * A key not counted here goes optimistically under its own name, as before. Bounded: cleared when large.
   */
  private readonly keyCount = new Map<string, number>();

  /**
   * `readOnly`: the connection of a command that only reads (extract, live-report, keys list): SQLite
   * opens the file read-only, so nothing — a migration, the journal mode, a checkpoint at close — can
   * change it, beside a running server or not.
   */
  constructor(readonly path: string, readonly synchronous: Synchronous = "NORMAL", readonly readOnly = false) {
    this.db = new DatabaseSync(path, { readOnly });
    // a 64 MiB page cache keeps the customers' and indexes' hot pages in memory (events touch random
    // customers); a 16k-page WAL checkpoints less often, so a page rewritten by many commits is copied
    // into the database once per checkpoint instead of once per 1,000 pages of WAL
    this.db.exec(readOnly ? "PRAGMA busy_timeout=5000; PRAGMA temp_store=MEMORY;" : `PRAGMA journal_mode=WAL; PRAGMA synchronous=${synchronous}; PRAGMA busy_timeout=5000; PRAGMA foreign_keys=ON;
      PRAGMA cache_size=-65536; PRAGMA wal_autocheckpoint=16384; PRAGMA temp_store=MEMORY;`);
    this.eventRows = new RowBuffer(this.db, "INSERT INTO events (idem, customer, type, time, processed, channel, program, value)", 8);
    this.customerRows = new RowBuffer(
      // `created` is written by the insert only: an update keeps the time the customer was first stored
      this.db, "INSERT INTO customers (id, state, control, updated, timers, created)", 6,
      " ON CONFLICT (id) DO UPDATE SET state = excluded.state, control = excluded.control, updated = excluded.updated, timers = excluded.timers",
    );
    this.decisionRows = new RowBuffer(this.db, "INSERT INTO decisions (plan, time, customer, program, message, channel, category, status, rule, until, control, why)", 12);
    this.outboxRows = new RowBuffer(
      this.db, "INSERT INTO outbox (key, plan, time, customer, program, message, channel, category, state, attempts, next_attempt, last_error)", 12,
      " ON CONFLICT (key) DO NOTHING RETURNING key",
    );
  }

  /** Writes the buffered rows (row-buffer.ts): called before every other statement and before COMMIT. */
  private flushRows(): void {
    if (this.capture) throw new Error("store: a read or statement inside a group handed to the writer thread (only its write methods may run)");
    this.writer?.idle(); // everything the writer was handed is committed first, and it is not writing meanwhile
    if (!(this.eventRows.size || this.customerRows.size || this.decisionRows.size || this.outboxRows.size)) return;
    this.eventRows.flush();
    this.bufferedIdems.clear();
    this.customerRows.flush();
    this.decisionRows.flush();
    // a key already taken (an identical repeat decision at the same minute) is skipped by its chunk; that
    // row then goes alone, as `<key>#<n>`, right after the chunk: its cursor id follows the chunk's
    this.outboxRows.flush((row) => this.insertOutbox(row), (key) => {
      // a key as decided went in: one row holds it (a `#n` key was counted when numbered)
      const k = key as string;
      if (k.lastIndexOf("#") < k.lastIndexOf(":") && !this.keyCount.has(k)) this.keyCount.set(k, 1);
    });
  }

  private clearRows(): void {
    for (const b of [this.eventRows, this.customerRows, this.decisionRows, this.outboxRows]) b.clear();
    this.bufferedIdems.clear();
    this.keyCount.clear(); // counts of rows rolled back
  }

  /** Outside a transaction a buffered row is written at once. */
  private buffered(): void {
    if (this.depth === 0 && !this.capture) this.flushRows();
  }

  private st(sql: string): StatementSync {
    let s = this.stmts.get(sql);
    if (!s) this.stmts.set(sql, s = this.db.prepare(sql));
    return s;
  }
  private all<T>(sql: string, ...p: (string | number | null)[]): T[] {
    this.flushRows();
    return this.st(sql).all(...p) as T[];
  }
  private get<T>(sql: string, ...p: (string | number | null)[]): T | null {
    this.flushRows();
    return (this.st(sql).get(...p) as T | undefined) ?? null;
  }
  private run(sql: string, ...p: (string | number | null)[]): number {
    this.flushRows();
    return Number(this.st(sql).run(...p).changes);
  }

  /** The schema version the file holds (SQLite's user_version): 0 for a new or empty one, MIGRATIONS.length when current. */
  schemaVersion(): number {
    return Number((this.db.prepare("PRAGMA user_version").get() as Row).user_version);
  }

  /** The file's tables, the first five by name (`a, b, c, d, e, …`), for a message; null when it has none. */
  tableList(): string | null {
    const names = (this.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((t) => t.name);
    return names.length ? `${names.slice(0, 5).join(", ")}${names.length > 5 ? ", …" : ""}` : null;
  }

  migrate(): number {
    const v = this.schemaVersion();
    if (v > MIGRATIONS.length) {
      throw new Error(`${this.path}: database schema version ${v} is newer than this server's (${MIGRATIONS.length}); upgrade cadence`);
    }
    // another program's database: Cadence's tables would be written into it (or clash with its own)
    const theirs = v === 0 ? this.tableList() : null;
    if (theirs) throw new Error(`${this.path}: no Cadence schema version, and tables of its own (${theirs}): another program's database`);
    if (v < MIGRATIONS.length) this.db.function(REDACT_FUNCTION, { deterministic: true }, (text) => redactStoredError(String(text)));
    for (let i = v; i < MIGRATIONS.length; i++) {
      this.tx(() => {
        this.db.exec(MIGRATIONS[i]);
        this.db.exec(`PRAGMA user_version=${i + 1}`);
      });
    }
    return MIGRATIONS.length;
  }

  /**
   * Throws SQLite's own error when this connection cannot write, writing nothing: a file SQLite could
   * open only read-only (its mode or owner, an immutable file) otherwise opens without a word, and every
   * write after it fails.
   */
  checkWritable(): void {
    this.db.exec("BEGIN IMMEDIATE");
    try {
      this.db.exec(`PRAGMA user_version=${this.schemaVersion()}`); // the same value, rolled back: a write attempted, none made
    } finally {
      if (this.db.isTransaction) this.db.exec("ROLLBACK");
    }
  }

  /** Nested calls join the outer transaction. */
  tx<T>(f: () => T): T {
    if (this.depth > 0) return f();
    this.flushRows(); // nothing buffered outside a transaction; waits for the writer thread if there is one
    if (this.writerFailed) throw new Rebuilding();
    this.db.exec("BEGIN IMMEDIATE");
    this.depth++;
    try {
      const out = f();
      this.flushRows();
      this.db.exec("COMMIT");
      return out;
    } catch (e) {
      this.clearRows();
      // SQLite may have rolled back already (a full disk, SQLITE_FULL): a second ROLLBACK would throw
      // 'no transaction is active' in place of the cause
      if (this.db.isTransaction) this.db.exec("ROLLBACK");
      throw e;
    } finally {
      this.depth--;
    }
  }
  /** Hands this store's writes of the ingest to a writer thread (the server's), from now on. */
  attachWriter(writer: StoreWriter): void {
    this.flushRows();
    this.idFilter(); // loaded now: groups for the writer cannot read the store
    this.writer = writer;
  }

  get piped(): boolean {
    return this.writer !== null;
  }

  get groupsInFlight(): number {
    return this.writer?.inFlight ?? 0;
  }

  get writerFailed(): boolean {
    return this.writer?.failed ?? false;
  }

  /** Starts recording a group's writes for the writer thread instead of running them (see Op). */
  beginCapture(): void {
    if (!this.writer) throw new Error("store: no writer thread");
    this.capture = [];
    this.captureIdems = [];
  }

  /** Hands the recorded group to the writer; resolves once it is committed. */
  commitCapture(): Promise<void> {
    this.cutRows();
    const ops = this.capture!, idems = this.captureIdems;
    this.capture = null;
    if (!ops.length) return Promise.resolve();
    return this.writer!.submit(ops, () => {
      for (const id of idems) this.flightIdems.delete(id);
    });
  }

  /** Drops the recorded group (its decisions failed before it was handed over). */
  abortCapture(): void {
    this.capture = null;
    this.clearRows();
    for (const id of this.captureIdems) this.flightIdems.delete(id);
  }

  /** Runs a group's recorded writes in one transaction: the writer thread's side. */
  apply(ops: Op[]): void {
    this.tx(() => {
      for (const op of ops) {
        if ("rows" in op) {
          const [e, c, d, o] = op.rows;
          this.eventRows.load(e), this.customerRows.load(c), this.decisionRows.load(d), this.outboxRows.load(o);
        } else if (op.call === "setMeta") this.setMeta(op.args[0], op.args[1]);
        else this.cancelPending(op.args[0], op.args[1], JSON.parse(op.args[2]), op.args[3]);
      }
    });
  }

  /** Drops the numbering of repeated outbox keys: after a group the writer thread refused, it counts rows never written. */
  forgetKeyCounts(): void {
    this.keyCount.clear();
  }

  /** In a group for the writer thread: the rows so far, then this call, are recorded instead of run. */
  private record(call: "setMeta" | "cancelPending", args: string[]): boolean {
    if (!this.capture) return false;
    this.cutRows();
    this.capture.push({ call, args });
    return true;
  }

  private cutRows(): void {
    const b = [this.eventRows, this.customerRows, this.decisionRows, this.outboxRows];
    if (b.some((x) => x.size)) this.capture!.push({ rows: b.map((x) => x.take()) as [Value[], Value[], Value[], Value[]] });
  }

  close(): void {
    this.flushRows();
    this.stmts.clear();
    this.db.close();
    this.server?.close(); // the lock goes with the file's last descriptor
    this.server = null;
  }

  /** The lock file held while this store is a server's (claim). */
  private server: Deno.FsFile | null = null;

  /**
   * Makes this store the only server of its database, until `close` (or the process's end): a server
   * holds every customer in memory and writes them back, so a second one on the same file would
   * overwrite the first's updates. The hold is an exclusive `flock` on `<db>-serve.lock`, which also
   * holds the pid for the message: the OS drops it when the process ends, however it ends (SIGKILL
   * included), so a dead server never leaves the database locked. Only servers claim: the other
   * commands (keys, extract, live-report) and the server's own writer and checkpoint threads open the
   * database as before, beside a running server.
   */
  claim(given: SettingText = FLAG_TEXT): void {
    if (this.server || this.path === ":memory:" || this.path === "") return;
    const lock = `${this.path}-serve.lock`;
    const file = Deno.openSync(lock, { read: true, write: true, create: true });
    if (!file.tryLockSync(true)) {
      file.close();
      const pid = Number.parseInt(Deno.readTextFileSync(lock), 10);
      throw new InputError(
        `${given("db", this.path)}: in use by another cadence serve (pid ${Number.isNaN(pid) ? "unknown" : pid}); one server per database (it holds the customers in memory): stop that one first, or give another ${given("db")}`,
      );
    }
    const pid = new TextEncoder().encode(`${Deno.pid}\n`);
    file.writeSync(pid);
    file.truncateSync(pid.length);
    this.server = file;
  }

  ready(): boolean {
    try {
      return this.get<Row>("SELECT 1 AS ok")?.ok === 1;
    } catch {
      return false;
    }
  }

  getMeta(key: string): string | null {
    return this.get<{ value: string }>("SELECT value FROM meta WHERE key = ?", key)?.value ?? null;
  }
  setMeta(key: string, value: string): void {
    if (this.record("setMeta", [key, value])) return;
    this.run("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", key, value);
  }

  addKey(k: KeyRow): void {
    this.run("INSERT INTO keys (id, hash, role, name, created, revoked) VALUES (?, ?, ?, ?, ?, ?)", k.id, k.hash, k.role, k.name, k.created, k.revoked);
  }
  keyByHash(hash: string): KeyRow | null {
    return this.get<KeyRow>("SELECT * FROM keys WHERE hash = ?", hash);
  }
  listKeys(): KeyRow[] {
    return this.all<KeyRow>("SELECT * FROM keys ORDER BY created, id");
  }
  revokeKey(id: string, at: number): boolean {
    this.run("UPDATE keys SET revoked = ? WHERE id = ? AND revoked IS NULL", at, id);
    return this.get<{ n: number }>("SELECT count(*) AS n FROM keys WHERE id = ?", id)!.n > 0;
  }

  addPlan(p: Omit<PlanRow, "id">): number {
    this.flushRows();
    return Number(this.st(
      "INSERT INTO plans (name, source, hash, engine, state, author, approver, forecast, created, promoted, retired) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    ).run(p.name, p.source, p.hash, p.engine, p.state, p.author, p.approver, p.forecast, p.created, p.promoted, p.retired).lastInsertRowid);
  }
  getPlan(id: number): PlanRow | null {
    return this.get<PlanRow>("SELECT * FROM plans WHERE id = ?", id);
  }
  listPlans(): PlanRow[] {
    return this.all<PlanRow>("SELECT * FROM plans ORDER BY id");
  }
  updatePlan(id: number, fields: Partial<Omit<PlanRow, "id">>): void {
    const keys = Object.keys(fields).filter((k) => /^[a-z]+$/.test(k));
    if (!keys.length) return;
    this.flushRows();
    this.db.prepare(`UPDATE plans SET ${keys.map((k) => `${k} = ?`).join(", ")} WHERE id = ?`)
      .run(...keys.map((k) => (fields as Record<string, string | number | null>)[k]), id);
  }
  audit(at: number, actor: string, action: string, target: string, detail: unknown): void {
    this.run("INSERT INTO audit (at, actor, action, target, detail) VALUES (?, ?, ?, ?, ?)", at, actor, action, target, JSON.stringify(detail ?? {}));
  }
  auditLog(after: number, limit: number): AuditRow[] {
    return this.all<AuditRow>("SELECT * FROM audit WHERE id > ? ORDER BY id LIMIT ?", after, limit);
  }

  putCustomer(id: string, state: string, control: number, time: number, timers: string): void {
    this.customerRows.push(id, state, control, time, timers, time);
    this.buffered();
  }
  getCustomer(id: string): { state: string; control: number } | null {
    return this.get("SELECT state, control FROM customers WHERE id = ?", id);
  }
  allCustomers(): Iterable<{ id: string; state: string; timers: string }> {
    this.flushRows();
    return this.db.prepare("SELECT id, state, timers FROM customers ORDER BY id").iterate() as Iterable<{ id: string; state: string; timers: string }>;
  }
  customerCount(): number {
    return Number((this.db.prepare("SELECT count(*) AS n FROM customers").get() as { n: number }).n);
  }
  eraseCustomer(id: string) {
    this.keyCount.clear(); // the customer's keys (and their repeats) are gone
    return this.tx(() => {
      const events = this.run("DELETE FROM events WHERE customer = ?", id);
      let outbox = 0;
      for (const [lo, hi] of this.customerKeys(id)) outbox += this.run("DELETE FROM outbox WHERE key >= ? AND key < ? AND customer = ?", lo, hi, id);
      const decisions = this.run("DELETE FROM decisions WHERE customer = ?", id);
      // what retention kept of their pruned rows under their id (their share of the per-plan counts names no one)
      this.run("DELETE FROM pruned_events WHERE customer = ?", id);
      this.run("DELETE FROM pruned_reach WHERE customer = ?", id);
      this.run("DELETE FROM customers WHERE id = ?", id);
      return { events, outbox, decisions };
    });
  }

  hasEvent(idem: string): boolean {
    return this.storedEvent(idem) !== null;
  }
  storedEvent(idem: string): EventRow | null {
    if (!this.idFilter().mightHave(idem)) return null;
    // the buffered events are this transaction's; the statement runs without flushing them
    return this.bufferedIdems.get(idem) ?? this.flightIdems.get(idem) ??
      (this.st("SELECT idem, customer, type, time, processed, channel, program, value FROM events WHERE idem = ?").get(idem) as EventRow | undefined) ?? null;
  }

  private idFilter(): IdFilter {
    if (!this.ids) {
      this.flushRows();
      const n = Number((this.st("SELECT count(*) AS n FROM events").get() as Row).n);
      const rows = this.db.prepare("SELECT idem FROM events").iterate() as Iterable<{ idem: string }>;
      this.ids = new IdFilter((function* () {
        for (const r of rows) yield r.idem;
      })(), Math.max(1 << 16, 2 * n));
    }
    return this.ids;
  }
  addEvent(e: EventRow): void {
    this.ids?.add(e.idem);
    this.eventRows.push(e.idem, e.customer, e.type, e.time, e.processed, e.channel, e.program, e.value);
    if (this.capture) {
      // in a group for the writer thread: the duplicate check sees the event until its group is answered
      this.flightIdems.set(e.idem, e);
      this.captureIdems.push(e.idem);
      return;
    }
    this.bufferedIdems.set(e.idem, e);
    this.buffered();
  }
  eventCount(): number {
    return Number(this.get<Row>("SELECT count(*) AS n FROM events")!.n);
  }
  events(after: number, limit: number): (EventRow & { seq: number })[] {
    return this.all("SELECT * FROM events WHERE seq > ? ORDER BY seq LIMIT ?", after, limit);
  }

  addDecision(d: Omit<DecisionRow, "id">): void {
    this.decisionRows.push(d.plan, d.time, d.customer, d.program, d.message, d.channel, d.category, d.status, d.rule, d.until, d.control, d.why);
    this.buffered();
  }
  decisionsOf(customer: string, limit: number): DecisionRow[] {
    return this.all("SELECT * FROM decisions WHERE customer = ? ORDER BY id DESC LIMIT ?", customer, limit);
  }
  decisions(after: number, limit: number, status?: string): DecisionRow[] {
    return status
      ? this.all("SELECT * FROM decisions WHERE id > ? AND status = ? ORDER BY id LIMIT ?", after, status, limit)
      : this.all("SELECT * FROM decisions WHERE id > ? ORDER BY id LIMIT ?", after, limit);
  }
  addOutbox(o: Omit<OutboxRow, "id" | "sending" | "changed">): void {
    const n = this.keyCount.get(o.key);
    let key = o.key;
    if (n !== undefined) key = `${o.key}#${n}`, this.keyCount.set(o.key, n + 1);
    else {
      if (this.keyCount.size >= KEY_COUNT_LIMIT) this.keyCount.clear();
      // in a group for the writer thread the key counts as written now (a failed group clears the counts;
      // a key already in the store from before is numbered by the writer's insert, see insertOutbox)
      if (this.capture) this.keyCount.set(o.key, 1);
    }
    this.outboxRows.push(key, o.plan, o.time, o.customer, o.program, o.message, o.channel, o.category, o.state, o.attempts, o.nextAttempt, o.lastError);
    this.buffered();
  }
  /**
   * One message, under its key or `<key>#<n>` when taken, n = 1 + the repeats already numbered (they
   * are numbered in order and only erased all together, so that is the lowest free n): one count in the
   * key index instead of trying #1, #2, ... in turn (a customer sent the same message many times in one
   * minute made that quadratic).
   */
  private insertOutbox([key, ...rest]: (string | number | null)[]): void {
    const sql = "INSERT INTO outbox (key, plan, time, customer, program, message, channel, category, state, attempts, next_attempt, last_error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING";
    const k = key as string;
    if (Number(this.st(sql).run(key, ...rest).changes)) return void this.keyCount.set(k, this.keyCount.get(k) ?? 1);
    const taken = Number((this.st("SELECT count(*) AS n FROM outbox WHERE key > ? AND key < ?").get(`${key}#`, `${key}#\uffff`) as Row).n);
    for (let n = taken + 1;; n++) {
      if (Number(this.st(sql).run(`${key}#${n}`, ...rest).changes)) return void this.keyCount.set(k, n + 1);
    }
  }
  private static outboxRow(r: Row): OutboxRow {
    const { next_attempt, last_error, ...rest } = r;
    return { ...rest, nextAttempt: next_attempt, lastError: last_error } as OutboxRow;
  }
  outbox(after: number, limit: number, state?: DeliveryState): OutboxRow[] {
    return (state
      ? this.all<Row>("SELECT * FROM outbox WHERE id > ? AND state = ? ORDER BY id LIMIT ?", after, state, limit)
      : this.all<Row>("SELECT * FROM outbox WHERE id > ? ORDER BY id LIMIT ?", after, limit)).map(SqliteStore.outboxRow);
  }
  outboxMessage(id: number): OutboxRow | null {
    const r = this.get<Row>("SELECT * FROM outbox WHERE id = ?", id);
    return r ? SqliteStore.outboxRow(r) : null;
  }
  outboxCounts(): Partial<Record<DeliveryState, number>> {
    // the messages retention deleted count in their final state (sqlite-prune.ts)
    const rows = this.all<{ state: DeliveryState; n: number }>(
      "SELECT state, sum(n) AS n FROM (SELECT state, count(*) AS n FROM outbox GROUP BY state UNION ALL SELECT state, n FROM pruned_outbox) GROUP BY state",
    );
    return Object.fromEntries(rows.map((r) => [r.state, r.n]));
  }
  outboxCount(state: DeliveryState): number {
    return Number(this.get<Row>("SELECT count(*) AS n FROM outbox WHERE state = ?", state)!.n);
  }
  deliverable(nowMs: number, limit: number): OutboxRow[] {
    return this.all<Row>("SELECT * FROM outbox WHERE state = 'pending' AND next_attempt <= ? ORDER BY id LIMIT ?", nowMs, limit)
      .map(SqliteStore.outboxRow);
  }
  markSending(ids: number[]): void {
    for (const id of ids) this.run("UPDATE outbox SET state = 'sending', sending = attempts + 1 WHERE id = ? AND state = 'pending'", id);
  }
  inFlight(): OutboxRow[] {
    return this.all<Row>("SELECT * FROM outbox WHERE state = 'sending' ORDER BY id").map(SqliteStore.outboxRow);
  }
  clearSending(id: number): void {
    this.run("UPDATE outbox SET sending = 0 WHERE id = ?", id);
  }
  setDelivery(id: number, state: DeliveryState, attempts: number, nextAttempt: number, lastError: string, o: { from?: DeliveryState; at?: number } = {}): boolean {
    // the row may have been cancelled (unsubscribe) or erased meanwhile: only a row still in `from` moves on
    return this.run(
      "UPDATE outbox SET state = ?, attempts = ?, next_attempt = ?, last_error = ?, sending = 0, changed = ? WHERE id = ? AND state = ?",
      state, attempts, nextAttempt, lastError, o.at ?? 0, id, o.from ?? "sending",
    ) > 0;
  }
  expirePending(e: Expiry, atMs: number): number {
    // one statement per span: the categories with their own, then every other one with the default
    const spans: [string, number, string, string][] = Object.entries(e.byCategory).map(([c, ms]) => ["category = ?", ms, c, expiredReason(e, c)]);
    const own = JSON.stringify(Object.keys(e.byCategory));
    spans.push(["category NOT IN (SELECT value FROM json_each(?))", e.defaultMs, own, expiredReason(e, "")]);
    let n = 0;
    for (const [which, ms, param, reason] of spans) {
      if (ms === Infinity) continue;
      n += this.run(
        `UPDATE outbox SET state = 'expired', next_attempt = 0, changed = ?,
          last_error = ? || CASE WHEN last_error = '' THEN '' ELSE '; last error: ' || last_error END
          WHERE state = 'pending' AND time * 60000 < ? AND ${which}`,
        atMs, reason, atMs - ms, param,
      );
    }
    return n;
  }
  deadMessages(f: DeadFilter): OutboxRow[] {
    return this.all<Row>(
      `SELECT * FROM outbox WHERE state = 'dead' AND last_error NOT LIKE 'resolved by key %'
        AND (? IS NULL OR channel = ?) AND changed >= ? AND instr(last_error, ?) > 0 ORDER BY id`,
      f.channel ?? null, f.channel ?? null, f.since ?? 0, f.error ?? "",
    ).map(SqliteStore.outboxRow);
  }
  cancelPending(customer: string, channel: string, keep: readonly string[] = [], reason = "opted out"): number {
    if (this.record("cancelPending", [customer, channel, JSON.stringify(keep), reason])) return 0;
    let n = 0;
    for (const [lo, hi] of this.customerKeys(customer)) {
      // the kept categories as a JSON array: one statement for any number of them
      n += this.run(
        `UPDATE outbox SET state = 'cancelled', last_error = ? WHERE key >= ? AND key < ? AND customer = ? AND channel = ?
          AND state IN ('pending', 'sending', 'unknown', 'dead') AND category NOT IN (SELECT value FROM json_each(?))`,
        reason, lo, hi, customer, channel, JSON.stringify(keep),
      );
    }
    return n;
  }
  /**
   * The ranges of the key index holding a customer's messages, one per plan: keys are
   * "<plan>:<customer>:<program>:..." (engine/live/live-sink.ts), so [`<plan>:<customer>:`,
   * `<plan>:<customer>;`) holds them all (";" follows ":"); the caller's `customer = ?` drops another
   * customer whose id merely begins with "<customer>:".
   */
  private customerKeys(customer: string): [string, string][] {
    return this.all<{ id: number }>("SELECT id FROM plans").map((p) => [`${p.id}:${customer}:`, `${p.id}:${customer};`]);
  }

  pruneBatch(table: PrunedTable, cutoff: number, after: number, limit: number, states: readonly DeliveryState[] = []): { removed: number; next: number; older: number } {
    return this.tx(() => {
      const w = this.get<{ hi: number | null; n: number; old: number }>(windowSql(table), after, limit, cutoff)!;
      if (!w.n) return { removed: 0, next: after, older: 0 };
      let removed = 0;
      if (w.old) {
        const p: (string | number)[] = table === "outbox" ? [after, w.hi!, cutoff, JSON.stringify(states)] : [after, w.hi!, cutoff];
        for (const sql of PRUNE_SQL[table].keep) this.run(sql, ...p);
        removed = this.run(deleteSql(table), ...p);
      }
      return { removed, next: w.hi!, older: w.old };
    });
  }

  query<T>(sql: string, ...params: (string | number | null)[]): T[] {
    return this.all<T>(sql, ...params);
  }
}
