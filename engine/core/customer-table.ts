/**
 * Customer state as records: a customer's fields in one 64-byte record (engine/core/record.ts), each field
 * a typed array of its own type that views the records, read as `table.lastContact[c * PER4]`; a
 * customer's journey instances in 16-byte records of their own. The simulator holds millions of customers
 * in one table and updates them in place; the live driver loads a customer's row into a slot of a small
 * table, lets the core decide, and saves it back, so both drivers run the very same decision code over
 * the very same representation.
 */
import { ALL_CONSENTS } from "./channels.ts";
import { hashString } from "./hash.ts";
import { column as columnOf, type Field, fieldViews, fillRecords, layout, PER4, RECORD } from "./record.ts";

/** "No time": a customer who never purchased, opened... (far in the past, safe in Int32). */
export const NEVER = -2147483648;

/**
 * The fields of a customer's record (engine/core/record.ts): read as `table.lastContact[c * PER4]`.
 * `consent0` (read only by reports) and the journey slots are arrays of their own.
 */
export const TABLE_FIELDS = layout({
  revenue: { type: Float64Array, at: 0, initial: 0 },
  key: { type: Uint32Array, at: 8, initial: 0 },
  signup: { type: Int32Array, at: 12, initial: 0 },
  orders: { type: Int32Array, at: 16, initial: 0 },
  lastPurchase: { type: Int32Array, at: 20, initial: NEVER },
  lastVisit: { type: Int32Array, at: 24, initial: NEVER },
  lastOpen: { type: Int32Array, at: 28, initial: NEVER },
  lastClick: { type: Int32Array, at: 32, initial: NEVER },
  lastContact: { type: Int32Array, at: 36, initial: NEVER },
  lastSeen: { type: Int32Array, at: 40, initial: NEVER },
  score: { type: Float32Array, at: 44, initial: 0 },
  limit: { type: Float32Array, at: 48, initial: 3 },
  tz: { type: Int16Array, at: 52, initial: 0 },
  consent: { type: Uint16Array, at: 54, initial: 0 },
  reach: { type: Uint16Array, at: 56, initial: ALL_CONSENTS },
  birthday: { type: Int16Array, at: 58, initial: -1 },
  rfm: { type: Int16Array, at: 60, initial: 0 },
  gone: { type: Uint8Array, at: 62, initial: 0 },
});

/**
 * A journey instance's record: 16 bytes a (customer, journey) slot, slot s = c * journeys + j, so that an
 * event of one instance reads one cache line, not six. Read as `table.jPc[s * J4]`: J4, J2 and J1 are the
 * elements from one slot's value to the next's for fields of 4, 2 and 1 bytes.
 */
export const JOURNEY_SLOT = 16, J4 = JOURNEY_SLOT / 4, J2 = JOURNEY_SLOT / 2, J1 = JOURNEY_SLOT;
export const JOURNEY_FIELDS = layout({
  jPc: { type: Int32Array, at: 0, initial: -1 },
  jGen: { type: Uint32Array, at: 4, initial: 0 },
  jLastEntry: { type: Int32Array, at: 8, initial: NEVER },
  jEntries: { type: Uint16Array, at: 12, initial: 0 },
  jFlags: { type: Uint8Array, at: 14, initial: 0 },
  jPending: { type: Uint8Array, at: 15, initial: 0 },
}, JOURNEY_SLOT);

/** The arrays a table keeps its customers in: the records, the start consents, the journey slots (what a copy copies). */
export const TABLE_STORAGE = ["rows", "consent0", "slots"] as const;

export class CustomerTable {
  size = 0;
  capacity: number;
  readonly journeys: number;
  ids: string[] = [];
  /** The customers' records, RECORD bytes each: the fields below are views of it. */
  rows!: Uint8Array;
  // record fields (index c * PER8, PER4, PER2 or PER1 by their size)
  revenue!: Float64Array;
  key!: Uint32Array; // hash of the id: seeds every per-customer random stream
  signup!: Int32Array; // signup time; a customer exists from then on
  orders!: Int32Array;
  lastPurchase!: Int32Array;
  lastVisit!: Int32Array;
  lastOpen!: Int32Array;
  lastClick!: Int32Array;
  lastContact!: Int32Array;
  lastSeen!: Int32Array; // the latest moment the core acted for this customer: an older event is late (docs/engine.md)
  score!: Float32Array; // propensity score in [0, 1], for targeted campaigns and priorities
  limit!: Float32Array; // per-customer communication limit (contacts per week), a plan may use it
  tz!: Int16Array; // UTC offset in minutes
  consent!: Uint16Array; // bit per channel (engine/core/channels.ts): five built-in, up to 11 custom
  reach!: Uint16Array; // bit per channel with a working address (transactional messages need only this)
  birthday!: Int16Array; // day of year 0..365, -1 unknown
  rfm!: Int16Array; // RFM cell 111..555 at the start of the run
  gone!: Uint8Array; // 1 = left the brand (churned by fatigue, or opted out of everything)
  // arrays of their own, index c
  consent0!: Uint16Array; // consents at the start of the run (for reports)
  /** Journey instances: a JOURNEY_SLOT record per (customer, journey), slot c * journeys + j; the fields below are views of it. */
  slots!: Uint8Array;
  jPc!: Int32Array; // next instruction, -1 = not in the journey
  jGen!: Uint32Array; // instance generation: a timer carrying another generation is stale
  jLastEntry!: Int32Array;
  jEntries!: Uint16Array;
  jFlags!: Uint8Array; // 1 opened, 2 clicked a message of this instance, 4 holdout
  jPending!: Uint8Array; // messages of this instance held for later (send window, deferral)
  ledgers: (number[] | undefined)[] = []; // engine/core/ledger.ts, allocated on first contact
  /**
   * Extra attributes by name (segment, region, loyalty tier... from a history's customers file), each an
   * array indexed by customer; null = unknown. Plans read them as attr.<name> (engine/plan/scope.ts).
   */
  attrs: Map<string, (string | number | boolean | null)[]> = new Map();

  /**
   * `given`: arrays to use for some of TABLE_STORAGE instead of allocating them (a shard's customers in
   * memory shared with the coordinator: engine/parallel/shard-storage.ts), each for `capacity` customers;
   * `fresh`: they hold nothing yet and take the defaults (else they are used as they are).
   */
  constructor(capacity: number, journeys: number, given?: { columns: Partial<Record<string, ArrayLike<number>>>; fresh: boolean }) {
    this.capacity = Math.max(1, capacity);
    this.journeys = journeys;
    this.allocate(this.capacity, given);
  }

  private allocate(n: number, given?: { columns: Partial<Record<string, ArrayLike<number>>>; fresh: boolean }): void {
    const j = this.journeys, had = this.rows ? this.rows.length / RECORD : 0;
    // a column of `size` elements: the given array (zeroed if fresh), or a new one holding the old one's values
    const grow = <T extends Uint8Array | Uint16Array>(name: string, make: (n: number) => T, size: number): T => {
      const old = (this as unknown as Record<string, T | undefined>)[name], mine = given?.columns[name] as T | undefined;
      if (mine && mine.length === size) {
        if (given!.fresh) mine.fill(0);
        return mine;
      }
      const a = make(size);
      if (old) a.set(old);
      return a;
    };
    // records, `per` a customer: their fields' defaults in every record of fresh ones, in the added ones of grown ones
    const records = (name: "rows" | "slots", fields: Record<string, Field>, size: number, per: number) => {
      const a = grow(name, (s) => new Uint8Array(s), n * per * size), mine = a === given?.columns[name];
      if (!mine || given!.fresh) fillRecords(a, fields, mine ? 0 : had * per, n * per, size);
      return a;
    };
    this.rows = records("rows", TABLE_FIELDS, RECORD, 1);
    this.consent0 = grow("consent0", (s) => new Uint16Array(s), n);
    this.slots = records("slots", JOURNEY_FIELDS, JOURNEY_SLOT, j);
    this.bindRows();
    // one entry per customer up front: filled on first contact in random order, a sparse array would be
    // kept as a dictionary by the runtime until dense enough (a hash lookup per pressure check)
    for (let c = this.ledgers.length; c < n; c++) this.ledgers.push(undefined);
  }

  /** The record fields' views again, after `rows` or `slots` was replaced (a copy: engine/sim/population-copy.ts). */
  bindRows(): void {
    Object.assign(this, fieldViews(this.rows, TABLE_FIELDS), fieldViews(this.slots, JOURNEY_FIELDS, JOURNEY_SLOT));
  }

  /** Field `name` of customers 0 … size−1, as a plain array (reports, tests: not for a hot loop). */
  column(name: keyof typeof TABLE_FIELDS): number[] {
    return columnOf(this[name], TABLE_FIELDS[name], this.size);
  }

  /** Appends a customer with default attributes; returns its index. */
  add(id: string): number {
    if (this.size === this.capacity) {
      this.capacity *= 2;
      this.allocate(this.capacity);
    }
    const c = this.size++;
    this.ids[c] = id;
    this.key[c * PER4] = hashString(id);
    return c;
  }

  ledger(c: number): number[] {
    return this.ledgers[c] ??= [];
  }
}
