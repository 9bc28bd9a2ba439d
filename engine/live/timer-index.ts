/**
 * The live driver's pending timers (journey waits, waitFor timeouts, held and deferred sends,
 * inactivity checks), kept in memory and stored inside each customer's row (customers.timers).
 *
 * Why: as rows of their own, timers cost an insert, a delete and three index entries each, on pages
 * spread over the whole table (events hit random customers), and were ≈ a third of the store's work
 * per event (docs/performance.md, "Live server"). The customer's row is rewritten by the same
 * transaction anyway, so its timers ride along: one write per touched customer. The store stays the
 * source of truth — the index is rebuilt from the rows at start and after a rolled-back transaction —
 * so after a crash no timer is lost or fired twice (test/live/crash.test.ts).
 *
 * Order: (time, kind, customer, id), the simulator's (time, rank, customer, sequence); `id` is an
 * insertion sequence (max stored id + 1 after a restart, as SQLite's rowid was). Customers compare as
 * JavaScript strings (UTF-16 code units): the same as SQLite's byte order for every id outside the
 * astral planes.
 */
import { K_INACTIVE } from "../sim/kinds.ts";
import type { TimerRow } from "./store.ts";

/**
 * A timer in the heap; `dead` once fired or removed (lazy deletion); `text` its row encoding, made once;
 * `n` how many identical checks it stands for (fired that many times in a row, see setInactivity).
 */
interface Entry extends TimerRow {
  n: number;
  dead: boolean;
  text: string; // "" until made (a string from the start: one field representation)
}

const DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz";

/** An integer in base 36, by hand: V8's toString(36) takes its slow any-radix path (µs per number). */
function b36(n: number): string {
  if (!Number.isSafeInteger(n)) throw new Error(`timer field ${n} is not an integer`);
  if (n === 0) return "0";
  const neg = n < 0;
  let s = "";
  for (let x = Math.abs(n); x > 0; x = Math.floor(x / 36)) s = DIGITS[x % 36] + s;
  return neg ? "-" + s : s;
}

/** Every entry built with the same fields in the same order: one object shape for the hot paths. */
function entry(t: Omit<TimerRow, "id"> & { n?: number }, id: number): Entry {
  return { id, time: t.time, kind: t.kind, customer: t.customer, a: t.a, b: t.b, d: t.d, e: t.e, n: t.n ?? 1, dead: false, text: "" };
}

function before(x: Entry, y: Entry): boolean {
  return x.time !== y.time ? x.time < y.time : x.kind !== y.kind ? x.kind < y.kind : x.customer !== y.customer ? x.customer < y.customer : x.id < y.id;
}

export class TimerIndex {
  private heap: Entry[] = [];
  private readonly byCustomer = new Map<string, Entry[]>();
  private live = 0;
  private seq = 0;
  /**
   * Each customer's encoded list, made once until the list changes: a customer touched by an event
   * that leaves its timers as they were (a visit) is rewritten without re-joining them. Bounded.
   */
  private readonly texts = new Map<string, string>();

  get size(): number {
    return this.live;
  }

  /** A stored timer (at start), in its customer's list order: keeps its id, or is numbered after the others. */
  restore(t: TimerRow): void {
    const id = t.id || this.seq + 1;
    this.seq = Math.max(this.seq, id);
    this.insert(entry(t, id));
  }

  add(t: Omit<TimerRow, "id">): void {
    this.insert(entry(t, ++this.seq));
  }

  /**
   * An inactivity check (a = days, d = the purchase it counts from). Checks at the same threshold from
   * older purchases could only find the customer active again (core.stillInactive compares with the
   * last purchase): the first is moved in place to the new purchase, the others are dropped. A check
   * identical to the customer's last-numbered one at its minute (purchases in the same minute) is
   * counted on it (`n`) instead of added: it fires as many times, in the same place, as the copies
   * would have — the simulator fires each copy — without a list that grows with every purchase of
   * the minute (a bench customer buying many times a minute rewrote ever longer rows: ≈ 10 % of the
   * ingest's CPU after 30 s). Otherwise the check is added.
   */
  setInactivity(t: Omit<TimerRow, "id">): void {
    const list = this.byCustomer.get(t.customer);
    let older: Entry | undefined, same: Entry | undefined, stale: Entry[] | undefined;
    for (const x of list ?? []) {
      if (x.kind !== K_INACTIVE || x.a !== t.a) continue;
      if (x.d === t.d && x.time === t.time) same = x;
      else if (x.d < t.d) older ? (stale ??= []).push(x) : older = x;
    }
    for (const x of stale ?? []) this.drop(x);
    if (older && same) this.drop(older), older = undefined;
    if (same && list!.every((y) => y === same || y.time !== same!.time || y.kind !== same!.kind || y.id < same!.id)) {
      same.n++;
      this.retext(same);
    } else if (older) {
      // moved in place: the check keeps its id and its place in the customer's list (ids only break ties
      // between the same customer's checks of the same kind at the same minute)
      const i = list!.indexOf(older);
      this.drop(older);
      const moved = entry({ ...older, time: t.time, d: t.d, n: 1 }, older.id);
      this.insert(moved); // appended to the customer's list: put it back where the old one was
      const now = this.byCustomer.get(t.customer)!;
      if (now === list && now.length > 1) now.pop(), now.splice(i, 0, moved);
    } else this.add(t);
  }

  /** The customer of the first timer ordered strictly before (time, kind, customer), left in place; null when none is. */
  peekBefore(time: number, kind: number, customer: string): string | null {
    return this.first(time, kind, customer)?.customer ?? null;
  }

  /** The first timer ordered strictly before (time, kind, customer), removed; null when none is. */
  popBefore(time: number, kind: number, customer: string): TimerRow | null {
    const t = this.first(time, kind, customer);
    if (!t) return null;
    if (t.n > 1) {
      // one of several identical checks fires; the rest stay on top
      t.n--;
      this.retext(t);
      return { id: t.id, time: t.time, kind: t.kind, customer: t.customer, a: t.a, b: t.b, d: t.d, e: t.e };
    }
    this.pop();
    this.drop(t);
    return t;
  }

  private first(time: number, kind: number, customer: string): Entry | null {
    const h = this.heap;
    while (h.length && h[0].dead) this.pop();
    const t = h[0];
    return t && (t.time < time || (t.time === time && (t.kind < kind || (t.kind === kind && t.customer < customer)))) ? t : null;
  }

  /**
   * The customer's first timer ordered before (time, kind) of theirs, removed (its heap entry dropped
   * lazily); null when none is. A customer has a few timers: a scan of their list.
   */
  popOwn(customer: string, time: number, kind: number): TimerRow | null {
    let t: Entry | undefined;
    for (const x of this.byCustomer.get(customer) ?? []) if (!t || before(x, t)) t = x;
    if (!t || !(t.time < time || (t.time === time && t.kind < kind))) return null;
    if (t.n > 1) {
      t.n--;
      this.retext(t);
      return { id: t.id, time: t.time, kind: t.kind, customer: t.customer, a: t.a, b: t.b, d: t.d, e: t.e };
    }
    this.drop(t);
    return t;
  }

  /** A customer's timers in firing order. */
  of(customer: string): TimerRow[] {
    return [...(this.byCustomer.get(customer) ?? [])].sort((x, y) => (before(x, y) ? -1 : 1))
      .map((t) => ({ id: t.id, time: t.time, kind: t.kind, customer: t.customer, a: t.a, b: t.b, d: t.d, e: t.e, ...(t.n > 1 ? { n: t.n } : {}) }));
  }

  customers(): IterableIterator<string> {
    return this.byCustomer.keys();
  }

  /**
   * Removes a customer's timers (all, or those `drop` selects); returns how many. `drop` may re-point a
   * kept timer's `a` (no part of the order): its text is made again.
   */
  remove(customer: string, drop: (t: TimerRow) => boolean = () => true): number {
    const list = this.byCustomer.get(customer);
    if (!list) return 0;
    this.texts.delete(customer); // a kept timer may be re-pointed
    let n = 0;
    for (const t of [...list]) {
      if (drop(t)) this.drop(t), n++;
      else t.text = "";
    }
    return n;
  }

  clear(): void {
    this.heap = [];
    this.byCustomer.clear();
    this.texts.clear();
    this.live = 0;
  }

  /**
   * The row encoding of a customer's timers (customers.timers): "" or "time,kind,a,b,d,e[,n];..." in id
   * order, integers in base 36 (a row is rewritten at each of its customer's events: the shorter, the
   * cheaper). Ids are not stored: they only order one customer's timers of the same minute and kind,
   * so the list's order carries them, and `restore` numbers them again in that order.
   */
  encode(customer: string): string {
    const list = this.byCustomer.get(customer);
    if (!list?.length) return "";
    const known = this.texts.get(customer);
    if (known !== undefined) return known;
    // each timer's text is made once: turning every timer's numbers into text at each rewrite of the
    // row was ≈ 5 % of the ingest's CPU
    const parts: string[] = new Array(list.length);
    for (let i = 0; i < list.length; i++) {
      const t = list[i];
      if (!t.text) t.text = `${b36(t.time)},${t.kind},${b36(t.a)},${t.b},${b36(t.d)},${b36(t.e)}${t.n > 1 ? "," + t.n : ""}`;
      parts[i] = t.text;
    }
    const out = parts.join(";");
    if (this.texts.size >= 100_000) this.texts.clear();
    this.texts.set(customer, out);
    return out;
  }

  /**
   * Reads a row's timers back (see encode); ids are 0 (`restore` numbers them in list order), except in
   * the JSON rows [[id, time, kind, a, b, d, e], ...] that migration 6 wrote from the old timers table.
   */
  static decode(customer: string, text: string): TimerRow[] {
    if (!text) return [];
    if (text[0] === "[") {
      return (JSON.parse(text) as number[][]).map(([id, time, kind, a, b, d, e]) => ({ id, time, kind, customer, a, b, d, e })).sort((x, y) => x.id - y.id);
    }
    return text.split(";").map((x) => {
      const [time, kind, a, b, d, e, n] = x.split(",");
      const row: TimerRow = { id: 0, time: parseInt(time, 36), kind: Number(kind), customer, a: parseInt(a, 36), b: Number(b), d: parseInt(d, 36), e: parseInt(e, 36) };
      if (n) row.n = Number(n);
      return row;
    });
  }

  /** A timer's count changed: its text and its customer's are made again. */
  private retext(t: Entry): void {
    t.text = "";
    this.texts.delete(t.customer);
  }

  private insert(t: Entry): void {
    this.texts.delete(t.customer);
    let list = this.byCustomer.get(t.customer);
    if (!list) this.byCustomer.set(t.customer, list = []);
    list.push(t);
    this.live++;
    const h = this.heap;
    h.push(t);
    for (let i = h.length - 1; i > 0;) {
      const p = (i - 1) >> 1;
      if (!before(h[i], h[p])) break;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
  }

  /** Takes a timer out of its customer's list; the heap drops it when it reaches the top. */
  private drop(t: Entry): void {
    if (t.dead) return;
    t.dead = true;
    this.live--;
    this.texts.delete(t.customer);
    const list = this.byCustomer.get(t.customer)!;
    const i = list.indexOf(t);
    if (i >= 0) list.splice(i, 1);
    if (!list.length) this.byCustomer.delete(t.customer);
    // many removed timers deep in the heap: rebuild it from the living ones
    if (this.heap.length > 1024 && this.heap.length > 4 * this.live) this.rebuild();
  }

  /** The heap without its dead entries (same objects: the customers' lists still point at them). */
  private rebuild(): void {
    this.heap = this.heap.filter((t) => !t.dead);
    for (let i = (this.heap.length >> 1) - 1; i >= 0; i--) this.down(i);
  }

  private pop(): void {
    const h = this.heap, last = h.pop()!;
    if (!h.length) return;
    h[0] = last;
    this.down(0);
  }

  private down(i: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * i + 1, r = l + 1;
      let m = i;
      if (l < h.length && before(h[l], h[m])) m = l;
      if (r < h.length && before(h[r], h[m])) m = r;
      if (m === i) return;
      [h[i], h[m]] = [h[m], h[i]];
      i = m;
    }
  }
}
