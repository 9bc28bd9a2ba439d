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

  constructor(capacity: number, journeys: number) {
    this.capacity = Math.max(1, capacity);
    this.journeys = journeys;
    this.allocate(this.capacity);
  }

  private allocate(n: number): void {
    const j = this.journeys;
    const grow = <T extends { length: number; set(a: ArrayLike<number>): void }>(
      old: T | undefined,
      make: (n: number) => T,
      size: number,
      fill?: number,
    ): T => {
      const a = make(size);
      if (fill !== undefined) (a as unknown as Int32Array).fill(fill);
      if (old) a.set(old as unknown as ArrayLike<number>);
      return a;
    };
    this.key = grow(this.key, (s) => new Uint32Array(s), n);
    this.tz = grow(this.tz, (s) => new Int16Array(s), n);
    this.signup = grow(this.signup, (s) => new Int32Array(s), n);
    this.consent = grow(this.consent, (s) => new Uint16Array(s), n);
    this.consent0 = grow(this.consent0, (s) => new Uint16Array(s), n);
    this.reach = grow(this.reach, (s) => new Uint16Array(s), n, ALL_CONSENTS);
    this.orders = grow(this.orders, (s) => new Int32Array(s), n);
    this.revenue = grow(this.revenue, (s) => new Float64Array(s), n);
    this.lastPurchase = grow(this.lastPurchase, (s) => new Int32Array(s), n, NEVER);
    this.lastVisit = grow(this.lastVisit, (s) => new Int32Array(s), n, NEVER);
    this.lastOpen = grow(this.lastOpen, (s) => new Int32Array(s), n, NEVER);
    this.lastClick = grow(this.lastClick, (s) => new Int32Array(s), n, NEVER);
    this.lastContact = grow(this.lastContact, (s) => new Int32Array(s), n, NEVER);
    this.lastSeen = grow(this.lastSeen, (s) => new Int32Array(s), n, NEVER);
    this.gone = grow(this.gone, (s) => new Uint8Array(s), n);
    this.birthday = grow(this.birthday, (s) => new Int16Array(s), n, -1);
    this.score = grow(this.score, (s) => new Float32Array(s), n);
    this.limit = grow(this.limit, (s) => new Float32Array(s), n, 3);
    this.rfm = grow(this.rfm, (s) => new Int16Array(s), n);
    this.jPc = grow(this.jPc, (s) => new Int32Array(s), n * j, -1);
    this.jGen = grow(this.jGen, (s) => new Uint32Array(s), n * j);
    this.jEntries = grow(this.jEntries, (s) => new Uint16Array(s), n * j);
    this.jLastEntry = grow(this.jLastEntry, (s) => new Int32Array(s), n * j, NEVER);
    this.jFlags = grow(this.jFlags, (s) => new Uint8Array(s), n * j);
    this.jPending = grow(this.jPending, (s) => new Uint8Array(s), n * j);
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
