/**
 * A campaign day's sends still owed (docs/live.md, "Scale"). At 1,000,000 customers the day's
 * newsletter was selected and 800,000 messages held in one transaction of 15 s, every request waiting
 * for it. Now the day's audiences are selected at its start (engine/core/campaign-day.ts daySends) and
 * the driver offers the sends a slice of customers a transaction (LiveDriver.catchUp), the event loop
 * handed back between two; a customer the driver acts for meanwhile (an event, a timer) is offered
 * its own first, at the day's start, as the simulator orders them.
 *
 * Stored, so that after a stop or a crash in its middle the rest is offered, none twice, none lost:
 * the customers still owed when the day opened, with their sends, once, in meta `campaignDebt` (by id:
 * a restarted server's table indexes differ; written again without an owed customer erased meanwhile);
 * and `offered` (the day's decision time) in the row of every customer written while it is open and
 * owed nothing, in the transaction of its sends (engine/core/row-codec.ts). A restart owes the stored
 * customers whose rows do not say so.
 */
import type { DaySends } from "../core/campaign-day.ts";
import type { Occurrence } from "../core/campaign-schedule.ts";

/** meta `campaignDebt`: the day's decision time and occurrences, and the owed customers' sends (a count each). */
interface Stored {
  now: number;
  of: number;
  occurrences: [campaign: number, time: number][];
  customers: string[];
  sends: number[];
  occurrence: number[];
  priority: number[];
}

export class CampaignDebt {
  /** Per table index: 1 + the customer's place in `day.customers` while its sends are owed, else 0. */
  private readonly owed: Int32Array;
  private next = 0;
  /** Customers still owed their sends. */
  left = 0;
  /** The stored form (meta `campaignDebt`), made once. */
  stored = "";

  /**
   * `now`: the day's decision time; `of`: the customers with sends that day; `size`: the table's; `owes(i)`:
   * whether `day.customers[i]` is still owed (all are, at the day's start).
   */
  constructor(readonly day: DaySends, readonly now: number, readonly of: number, size: number, owes: (i: number) => boolean = () => true) {
    this.owed = new Int32Array(size);
    day.customers.forEach((c, i) => {
      if (c >= 0 && owes(i)) this.owed[c] = i + 1, this.left++;
    });
  }

  owes(c: number): boolean {
    return c < this.owed.length && this.owed[c] > 0;
  }

  /** Customer c's place in `day` when its sends are owed (they are no longer), else -1. */
  take(c: number): number {
    if (!this.owes(c)) return -1;
    const i = this.owed[c] - 1;
    this.owed[c] = 0, this.left--;
    return i;
  }

  /** The next customer owed, in the day's order, taken out of the debt: its place in `day`, or -1 when none is left. */
  takeNext(): number {
    while (this.next < this.day.customers.length) {
      const c = this.day.customers[this.next++];
      if (c >= 0 && this.owed[c] > 0) return this.take(c);
    }
    return -1;
  }

  /** Customer c's sends still owed, each its campaign and send time (never before the day's decision time); none when it is owed nothing. */
  sendsOf(c: number): Occurrence[] {
    if (!this.owes(c)) return [];
    const d = this.day, i = this.owed[c] - 1, sends: Occurrence[] = [];
    for (let k = d.start[i]; k < d.start[i + 1]; k++) {
      const o = d.occurrences[d.occurrence[k]];
      sends.push({ campaign: o.campaign, time: Math.max(o.time, this.now) });
    }
    return sends;
  }

  /** The customers still owed and their sends, as meta `campaignDebt` keeps them; `ids`: the table's. */
  encode(ids: readonly string[]): string {
    const d = this.day, s: Stored = { now: this.now, of: this.of, occurrences: d.occurrences.map((o) => [o.campaign, o.time]), customers: [], sends: [], occurrence: [], priority: [] };
    d.customers.forEach((c, i) => {
      if (!this.owes(c)) return;
      s.customers.push(ids[c]), s.sends.push(d.start[i + 1] - d.start[i]);
      for (let k = d.start[i]; k < d.start[i + 1]; k++) s.occurrence.push(d.occurrence[k]), s.priority.push(d.priority[k]);
    });
    return this.stored = JSON.stringify(s);
  }

  /**
   * A stored debt, read before the table is loaded: `now` marks the rows of customers offered already
   * (their `offered`); `restore` makes the debt on the loaded table (`slots` by id; `offered(c)`: the
   * customer's row says its sends were made). An erased customer is owed nothing.
   */
  static read(text: string): { now: number; restore(slots: ReadonlyMap<string, number>, size: number, offered: (c: number) => boolean): CampaignDebt } {
    const s = JSON.parse(text) as Stored;
    return {
      now: s.now,
      restore(slots, size, offered) {
        const start = new Int32Array(s.customers.length + 1);
        s.sends.forEach((n, i) => start[i + 1] = start[i] + n);
        const day: DaySends = {
          occurrences: s.occurrences.map(([campaign, time]) => ({ campaign, time })),
          customers: Int32Array.from(s.customers, (id) => slots.get(id) ?? -1),
          start, occurrence: Int32Array.from(s.occurrence), priority: Float64Array.from(s.priority),
        };
        const debt = new CampaignDebt(day, s.now, s.of, size, (i) => !offered(day.customers[i]));
        debt.stored = text;
        return debt;
      },
    };
  }
}
