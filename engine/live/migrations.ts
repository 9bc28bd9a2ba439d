/**
 * Versioned schema migrations for the SQLite store. Each entry moves the schema from version i to i+1;
 * the applied version is SQLite's `user_version`, so a database created by an older server is brought
 * up to date on start and a newer one is refused. Entries are append-only: never edit a shipped one.
 * Schema 12 calls a function of this code's (`REDACT_FUNCTION`): run it through `SqliteStore.migrate`.
 */
export const MIGRATIONS: string[] = [
  // 1: the whole live schema
  `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE keys (id TEXT PRIMARY KEY, hash TEXT NOT NULL UNIQUE, role TEXT NOT NULL, name TEXT NOT NULL,
    created INTEGER NOT NULL, revoked INTEGER);
  CREATE TABLE plans (id INTEGER PRIMARY KEY, name TEXT NOT NULL, source TEXT NOT NULL, hash TEXT NOT NULL,
    engine TEXT NOT NULL, state TEXT NOT NULL, author TEXT NOT NULL, approver TEXT, forecast TEXT,
    created INTEGER NOT NULL, promoted INTEGER, retired INTEGER);
  CREATE TABLE audit (id INTEGER PRIMARY KEY, at INTEGER NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
    target TEXT NOT NULL, detail TEXT NOT NULL);
  CREATE TABLE customers (id TEXT PRIMARY KEY, state TEXT NOT NULL, control INTEGER NOT NULL, updated INTEGER NOT NULL);
  CREATE TABLE events (seq INTEGER PRIMARY KEY, idem TEXT NOT NULL UNIQUE, customer TEXT NOT NULL, type TEXT NOT NULL,
    time INTEGER NOT NULL, processed INTEGER NOT NULL, channel TEXT NOT NULL, program TEXT NOT NULL, value REAL NOT NULL);
  CREATE INDEX events_customer ON events (customer);
  CREATE TABLE timers (id INTEGER PRIMARY KEY AUTOINCREMENT, time INTEGER NOT NULL, kind INTEGER NOT NULL,
    customer TEXT NOT NULL, a INTEGER NOT NULL, b REAL NOT NULL, d INTEGER NOT NULL, e INTEGER NOT NULL);
  CREATE INDEX timers_order ON timers (time, kind, customer, id);
  CREATE INDEX timers_customer ON timers (customer);
  CREATE TABLE decisions (id INTEGER PRIMARY KEY, plan INTEGER NOT NULL, time INTEGER NOT NULL, customer TEXT NOT NULL,
    program TEXT NOT NULL, message TEXT NOT NULL, channel TEXT NOT NULL, category TEXT NOT NULL, status TEXT NOT NULL,
    rule TEXT NOT NULL, until INTEGER, control INTEGER NOT NULL);
  CREATE INDEX decisions_customer ON decisions (customer);
  CREATE TABLE outbox (id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, plan INTEGER NOT NULL, time INTEGER NOT NULL,
    customer TEXT NOT NULL, program TEXT NOT NULL, message TEXT NOT NULL, channel TEXT NOT NULL, category TEXT NOT NULL,
    state TEXT NOT NULL, attempts INTEGER NOT NULL, next_attempt INTEGER NOT NULL, last_error TEXT NOT NULL);
  CREATE INDEX outbox_pending ON outbox (state, next_attempt);
  CREATE INDEX outbox_customer ON outbox (customer, channel);
  `,
  // 2: timers without AUTOINCREMENT. Its only job was ids never reused, which costs a write to
  // sqlite_sequence per timer; a plain rowid (max + 1) is already greater than every live timer's id,
  // so ids still follow insertion order among the timers that exist, which is all the tie-break needs.
  `
  CREATE TABLE timers2 (id INTEGER PRIMARY KEY, time INTEGER NOT NULL, kind INTEGER NOT NULL,
    customer TEXT NOT NULL, a INTEGER NOT NULL, b REAL NOT NULL, d INTEGER NOT NULL, e INTEGER NOT NULL);
  INSERT INTO timers2 SELECT id, time, kind, customer, a, b, d, e FROM timers;
  DROP TABLE timers;
  ALTER TABLE timers2 RENAME TO timers;
  CREATE INDEX timers_order ON timers (time, kind, customer, id);
  CREATE INDEX timers_customer ON timers (customer);
  `,
  // 3: a delivery in flight is marked before its POST (the attempt number it carries), so a restart
  // knows which messages may have reached the receiver (engine/live/webhook.ts)
  `
  ALTER TABLE outbox ADD COLUMN sending INTEGER NOT NULL DEFAULT 0;
  `,
  // 4: each decision says why in words (engine/explain/why.ts), as simulate --out's messages.csv does
  `
  ALTER TABLE decisions ADD COLUMN why TEXT NOT NULL DEFAULT '';
  `,
  // 5: delivery states `sending` and `unknown` (engine/live/webhook.ts): a message a crash left in
  // flight under the old scheme (pending with an in-flight mark) is now `sending`, which the next start
  // turns into `unknown` instead of resending it
  `
  UPDATE outbox SET state = 'sending' WHERE state = 'pending' AND sending > 0;
  `,
  // 6: pending timers live inside their customer's row (engine/live/timer-index.ts): one write per
  // touched customer instead of a row and three index entries per timer. A timer whose customer has
  // no row could never fire (the driver skips it), so it is not carried over.
  `
  ALTER TABLE customers ADD COLUMN timers TEXT NOT NULL DEFAULT '';
  UPDATE customers SET timers = (SELECT json_group_array(json_array(t.id, t.time, t.kind, t.a, t.b, t.d, t.e)) FROM timers t WHERE t.customer = customers.id)
    WHERE id IN (SELECT customer FROM timers);
  DROP TABLE timers;
  `,
  // 7: events and outbox messages are no longer indexed by customer. Each row inserted an entry into
  // such an index on a page chosen by a random customer (events hit random customers), a page more for
  // every commit to write. Events by customer are read only by erasure (a full scan now: rare) and the
  // metrics (one pass over the events anyway); a customer's messages are found through the key index,
  // whose keys begin with "<plan>:<customer>:" (SqliteStore.customerKeys).
  `
  DROP INDEX events_customer;
  DROP INDEX outbox_customer;
  `,
  // 8: what forecast vs actual needs to take a plan's actuals over its own life (docs/live.md).
  // plans.control: the control group (share and salt, JSON) the plan was promoted with, so a restart
  // with other flags is refused while it runs and its report reads the group it was measured on.
  // customers.created: when the row was first written, so a retired plan's treated and control
  // customers are those known before its retirement. An existing row gets the earliest time known of
  // it: its first event's or its last write's, whichever is earlier.
  `
  ALTER TABLE plans ADD COLUMN control TEXT;
  ALTER TABLE customers ADD COLUMN created INTEGER NOT NULL DEFAULT 0;
  UPDATE customers SET created = updated;
  UPDATE customers SET created = min(customers.created, f.first)
    FROM (SELECT customer, min(processed) AS first FROM events GROUP BY customer) AS f WHERE f.customer = customers.id;
  `,
  // 9: the cursors of GET /v1/outbox and /v1/decisions are never reused. A plain rowid is max + 1, so
  // erasing the customer whose rows were the last ones gave their ids to the next rows, behind every
  // reader's cursor: a reader that had paged past them never saw the new ones (and an operator's
  // redeliver by id could name another message). AUTOINCREMENT keeps the highest id ever given; it
  // costs one sqlite_sequence update per INSERT statement (32 rows, row-buffer.ts), on a page the
  // transaction writes anyway.
  `
  CREATE TABLE outbox2 (id INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT NOT NULL UNIQUE, plan INTEGER NOT NULL, time INTEGER NOT NULL,
    customer TEXT NOT NULL, program TEXT NOT NULL, message TEXT NOT NULL, channel TEXT NOT NULL, category TEXT NOT NULL,
    state TEXT NOT NULL, attempts INTEGER NOT NULL, next_attempt INTEGER NOT NULL, last_error TEXT NOT NULL,
    sending INTEGER NOT NULL DEFAULT 0);
  INSERT INTO outbox2 (id, key, plan, time, customer, program, message, channel, category, state, attempts, next_attempt, last_error, sending)
    SELECT id, key, plan, time, customer, program, message, channel, category, state, attempts, next_attempt, last_error, sending FROM outbox;
  DROP TABLE outbox;
  ALTER TABLE outbox2 RENAME TO outbox;
  CREATE INDEX outbox_pending ON outbox (state, next_attempt);
  CREATE TABLE decisions2 (id INTEGER PRIMARY KEY AUTOINCREMENT, plan INTEGER NOT NULL, time INTEGER NOT NULL, customer TEXT NOT NULL,
    program TEXT NOT NULL, message TEXT NOT NULL, channel TEXT NOT NULL, category TEXT NOT NULL, status TEXT NOT NULL,
    rule TEXT NOT NULL, until INTEGER, control INTEGER NOT NULL, why TEXT NOT NULL DEFAULT '');
  INSERT INTO decisions2 (id, plan, time, customer, program, message, channel, category, status, rule, until, control, why)
    SELECT id, plan, time, customer, program, message, channel, category, status, rule, until, control, why FROM decisions;
  DROP TABLE decisions;
  ALTER TABLE decisions2 RENAME TO decisions;
  CREATE INDEX decisions_customer ON decisions (customer);
  `,
  // 10: when a message's delivery state last moved (ms), so an operator can requeue the messages
  // dead-lettered since a time (engine/live/outbox-ops.ts). A message settled before it gets its
  // decision time, the best known: a filter "dead since T" takes it when it was decided since T.
  `
  ALTER TABLE outbox ADD COLUMN changed INTEGER NOT NULL DEFAULT 0;
  UPDATE outbox SET changed = time * 60000 WHERE state NOT IN ('pending', 'sending');
  `,
  // 11: retention (engine/live/retention.ts). Rows older than --retain-days are deleted in small
  // transactions; what forecast vs actual and the live metrics read of them is added here first, in
  // the same transaction: per plan (the plan whose period held the row), the purchases, unsubscribes
  // and complaints of each customer, the decisions by program, group, status and rule, and the treated
  // customers a plan sent to (its reach); the outbox's messages per final state.
  `
  CREATE TABLE pruned_events (plan INTEGER NOT NULL, customer TEXT NOT NULL, type TEXT NOT NULL, program TEXT NOT NULL,
    n INTEGER NOT NULL, v REAL NOT NULL, PRIMARY KEY (plan, customer, type, program)) WITHOUT ROWID;
  CREATE TABLE pruned_decisions (plan INTEGER NOT NULL, program TEXT NOT NULL, control INTEGER NOT NULL, status TEXT NOT NULL,
    rule TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (plan, program, control, status, rule)) WITHOUT ROWID;
  CREATE TABLE pruned_reach (plan INTEGER NOT NULL, customer TEXT NOT NULL, PRIMARY KEY (plan, customer)) WITHOUT ROWID;
  CREATE TABLE pruned_outbox (state TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
  `,
  // 12: last errors written before the webhook redacted them held its URL's token, or a redirect's
  // Location with one (GET /v1/outbox showed them): rewritten once as it writes them now, by the SQL
  // function SqliteStore.migrate registers (engine/live/stored-errors.ts). No table changes.
  `
  UPDATE outbox SET last_error = cadence_redact_error(last_error)
    WHERE instr(last_error, '://') > 0 OR instr(last_error, 'a redirect to ') > 0;
  `,
];
