/**
 * Customer state as struct-of-arrays: one typed array per attribute, the index is the customer.
 * The simulator holds millions of customers in one table and updates them in place; the live driver
 * loads a customer's row into a slot of a small table, lets the core decide, and saves it back, so
 * both drivers run the very same decision code over the very same representation.
 */
import { ALL_CONSENTS } from "./channels.ts";
import { hashString } from "./hash.ts";

/** "No time": a customer who never purchased, opened... (far in the past, safe in Int32). */
export const NEVER = -2147483648;

export class CustomerTable {
  size = 0;
  capacity: number;
  readonly journeys: number;
  ids: string[] = [];
  key!: Uint32Array; // hash of the id: seeds every per-customer random stream
  tz!: Int16Array; // UTC offset in minutes
  signup!: Int32Array; // signup time; a customer exists from then on
  consent!: Uint16Array; // bit per channel (engine/core/channels.ts): five built-in, up to 11 custom
  consent0!: Uint16Array; // consents at the start of the run (for reports)
  reach!: Uint16Array; // bit per channel with a working address (transactional messages need only this)
  orders!: Int32Array;
  revenue!: Float64Array;
  lastPurchase!: Int32Array;
  lastVisit!: Int32Array;
  lastOpen!: Int32Array;
  lastClick!: Int32Array;
  lastContact!: Int32Array;
  lastSeen!: Int32Array; // the latest moment the core acted for this customer: an older event is late (docs/engine.md)
  gone!: Uint8Array; // 1 = left the brand (churned by fatigue, or opted out of everything)
  birthday!: Int16Array; // day of year 0..365, -1 unknown
  score!: Float32Array; // propensity score in [0, 1], for targeted campaigns and priorities
  limit!: Float32Array; // per-customer communication limit (contacts per week), a plan may use it
  rfm!: Int16Array; // RFM cell 111..555 at the start of the run
  // journey instances: one slot per (customer, journey), index c * journeys + j
  jPc!: Int32Array; // next instruction, -1 = not in the journey
  jGen!: Uint32Array; // instance generation: a timer carrying another generation is stale
  jEntries!: Uint16Array;
  jLastEntry!: Int32Array;
  jFlags!: Uint8Array; // 1 opened, 2 clicked a message of this instance, 4 holdout
  jPending!: Uint8Array; // messages of this instance held for later (send window, deferral)
  ledgers: (number[] | undefined)[] = []; // engine/core/ledger.ts, allocated on first contact
  /**
   * Extra attributes by name (segment, region, loyalty tier... from a history's customers file), each an
   * array indexed by customer; null = unknown. Plans read them as attr.<name> (engine/plan/scope.ts).
   */
  attrs: Map<string, (string | number | boolean | null)[]> = new Map();

  /**
   * `given`: arrays to use for some columns instead of allocating them (a shard's customers in memory
   * shared with the coordinator: engine/parallel/shard-storage.ts), each of `capacity` elements;
   * `fresh`: they hold nothing yet and take the columns' defaults (else they are used as they are).
   */
  constructor(capacity: number, journeys: number, given?: { columns: Partial<Record<string, ArrayLike<number>>>; fresh: boolean }) {
    this.capacity = Math.max(1, capacity);
    this.journeys = journeys;
    this.allocate(this.capacity, given);
  }

  private allocate(n: number, given?: { columns: Partial<Record<string, ArrayLike<number>>>; fresh: boolean }): void {
    const j = this.journeys;
    // a column of `size` elements: the given array, or a new one holding the old one's values
    const grow = <T extends { length: number; set(a: ArrayLike<number>): void }>(
      name: string,
      make: (n: number) => T,
      size: number,
      fill?: number,
    ): T => {
      const old = (this as unknown as Record<string, T | undefined>)[name], mine = given?.columns[name] as T | undefined;
      if (mine && mine.length === size) {
        if (given!.fresh) (mine as unknown as Int32Array).fill(fill ?? 0);
        return mine;
      }
      const a = make(size);
      if (fill !== undefined) (a as unknown as Int32Array).fill(fill);
      if (old) a.set(old as unknown as ArrayLike<number>);
      return a;
    };
    this.key = grow("key", (s) => new Uint32Array(s), n);
    this.tz = grow("tz", (s) => new Int16Array(s), n);
    this.signup = grow("signup", (s) => new Int32Array(s), n);
    this.consent = grow("consent", (s) => new Uint16Array(s), n);
    this.consent0 = grow("consent0", (s) => new Uint16Array(s), n);
    this.reach = grow("reach", (s) => new Uint16Array(s), n, ALL_CONSENTS);
    this.orders = grow("orders", (s) => new Int32Array(s), n);
    this.revenue = grow("revenue", (s) => new Float64Array(s), n);
    this.lastPurchase = grow("lastPurchase", (s) => new Int32Array(s), n, NEVER);
    this.lastVisit = grow("lastVisit", (s) => new Int32Array(s), n, NEVER);
    this.lastOpen = grow("lastOpen", (s) => new Int32Array(s), n, NEVER);
    this.lastClick = grow("lastClick", (s) => new Int32Array(s), n, NEVER);
    this.lastContact = grow("lastContact", (s) => new Int32Array(s), n, NEVER);
    this.lastSeen = grow("lastSeen", (s) => new Int32Array(s), n, NEVER);
    this.gone = grow("gone", (s) => new Uint8Array(s), n);
    this.birthday = grow("birthday", (s) => new Int16Array(s), n, -1);
    this.score = grow("score", (s) => new Float32Array(s), n);
    this.limit = grow("limit", (s) => new Float32Array(s), n, 3);
    this.rfm = grow("rfm", (s) => new Int16Array(s), n);
    this.jPc = grow("jPc", (s) => new Int32Array(s), n * j, -1);
    this.jGen = grow("jGen", (s) => new Uint32Array(s), n * j);
    this.jEntries = grow("jEntries", (s) => new Uint16Array(s), n * j);
    this.jLastEntry = grow("jLastEntry", (s) => new Int32Array(s), n * j, NEVER);
    this.jFlags = grow("jFlags", (s) => new Uint8Array(s), n * j);
    this.jPending = grow("jPending", (s) => new Uint8Array(s), n * j);
    // one entry per customer up front: filled on first contact in random order, a sparse array would be
    // kept as a dictionary by the runtime until dense enough (a hash lookup per pressure check)
    for (let c = this.ledgers.length; c < n; c++) this.ledgers.push(undefined);
  }

  /** Appends a customer with default attributes; returns its index. */
  add(id: string): number {
    if (this.size === this.capacity) {
      this.capacity *= 2;
      this.allocate(this.capacity);
    }
    const c = this.size++;
    this.ids[c] = id;
    this.key[c] = hashString(id);
    return c;
  }

  ledger(c: number): number[] {
    return this.ledgers[c] ??= [];
  }
}
