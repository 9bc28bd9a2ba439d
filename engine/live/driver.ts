/**
 * The live driver: the decision core fed by stored events and timers instead of a simulated world.
 * It keeps every customer in one CustomerTable (the simulator's representation), writes back the rows
 * it touched, and drives the core in the simulator's order (engine/live/event-kinds.ts):
 *  - when time reaches a new day, the timers of the previous days fire, then the day's campaigns are
 *    arbitrated (engine/core/campaign-day.ts) before any event of that day — for each customer: the
 *    sends of a large day are made a slice of customers at a time (engine/live/campaign-debt.ts);
 *  - before an event at (time, rank, customer), every stored timer ordered before it fires;
 *  - the clock (engine/live/clock.ts) fires what is due when no event drives time forward.
 * Each call that changes state runs in one store transaction with everything it caused.
 */
import { consentBit } from "../core/channels.ts";
import { applyConsentAttributes } from "../core/custom-consent.ts";
import { Core } from "../core/decide.ts";
import { CustomerTable, NEVER } from "../core/customer-table.ts";
import { EVENT_TYPES, EV_INACTIVE, newEvent } from "../core/events.ts";
import { MemoryCapacity } from "../core/capacity.ts";
import { campaignOccurrences, type Occurrence } from "../core/campaign-schedule.ts";
import { daySends, offerSends, selectedFirst } from "../core/campaign-day.ts";
import { DAY } from "../core/time.ts";
import { type LoadedPlan, parsePlan } from "../plan/load.ts";
import { runPlanEvent } from "../sim/plan-events.ts";
import * as K from "../sim/kinds.ts";
import { CampaignDebt } from "./campaign-debt.ts";
import { type Clock, ManualClock } from "./clock.ts";
import { type ControlGroup, inControl } from "./control-group.ts";
import { differences } from "./event-conflict.ts";
import { rankOf } from "./event-kinds.ts";
import { GroupCommit } from "./group-commit.ts";
import { liveSink } from "./live-sink.ts";
import { markSent } from "./sent-marks.ts";
import { TimerIndex } from "./timer-index.ts";
import { type CustomerRow, decodeRow, emptyRow, encodeRow } from "../core/row-codec.ts";
import type { PlanRow, Store, TimerRow } from "./store.ts";
import { PER1, PER2, PER4 } from "../core/record.ts";

/** An event as the driver takes it (the API has validated it and turned times into minutes). */
export interface LiveEvent {
  id: string;
  customer: string;
  type: string;
  time: number;
  channel?: string;
  category?: string;
  program?: string;
  message?: string;
  value?: number;
  /** The time is the server's clock (the event gave none): a repeat's time is then not compared (event-conflict.ts). */
  serverTime?: boolean;
}

export interface Outcome {
  id: string;
  /** duplicate: the id's event was taken already (a retry); conflict: another event under a taken id, not taken */
  status: "accepted" | "duplicate" | "conflict";
  late?: boolean;
  /** conflict: the fields that differ from the event taken under this id */
  differs?: string[];
}

/** Events in a group from which its writes go to the writer thread (store-writer.ts). */
const PIPE_MIN = 400;

/**
 * Timers a clock pass fires in one transaction, and customers a campaign day offers their sends in one;
 * more due (a campaign's send time, its day) are owed and done in further slices of this size,
 * requests answered between two (catchUp).
 */
const FIRE_SLICE = 2_000;

const count = (groups: LiveEvent[][]) => groups.reduce((n, g) => n + g.length, 0);

const NO_PLAN = "name: no live plan\nprograms: []\n";

export class LiveDriver {
  plan!: LoadedPlan;
  planRow: PlanRow | null = null;
  table!: CustomerTable;
  core!: Core;
  readonly slots = new Map<string, number>();
  readonly dirty = new Set<number>();
  /** Every pending timer, in firing order; stored in the customers' rows (engine/live/timer-index.ts). */
  readonly timers = new TimerIndex();
  private readonly ev = newEvent();
  /** Engine time processed so far: nothing before it will be decided again. */
  watermark = 0;
  private lastDay = 0; // last day whose campaigns were decided
  private campaignsFrom = 0; // occurrences before this (the promotion) are not sent
  private capacity = new MemoryCapacity();
  /**
   * Owed timers: every timer ordered before (time, rank, customer) is due and not fired yet, each to fire
   * at max(its time, floor) — the engine's time when the pass began (docs/live.md, "Scale"). Null: none.
   */
  private owed: { time: number; rank: number; customer: string; floor: number } | null = null;
  /** The campaign day's sends still owed (engine/live/campaign-debt.ts); null: none. */
  private campaigns: CampaignDebt | null = null;
  /** While the customers load: the stored campaign debt, and the customers whose rows say they had their sends. */
  private storedDebt: ReturnType<typeof CampaignDebt.read> | null = null;
  private readonly offeredSlots = new Set<number>();
  private catching: Promise<number> | null = null;
  /** Campaign sends decided by this process (each customer's campaigns of a day): POST /v1/clock answers its pass's. */
  campaignSends = 0;

  /** The clock when the server started: a manual clock is restored no earlier than this (reloadDirty). */
  private readonly clockAtStart: number;

  /** `load` false: the customers are loaded by `loadInSteps` (a server's start, answering /healthz meanwhile). */
  constructor(readonly store: Store, readonly clock: Clock, readonly control: ControlGroup, readonly seed: number, load = true, readonly slice = FIRE_SLICE) {
    this.clockAtStart = clock.now();
    store.claim?.(); // the customers in memory are this driver's alone: no second server on the database
    if (load) this.load();
  }

  get running(): boolean {
    return this.planRow?.state === "live";
  }

  get paused(): boolean {
    return this.planRow?.state === "paused";
  }

  /** The categories whose messages need only a working address, not the opt-in (transactional by default). */
  private addressOnly(): string[] {
    const compiled = this.plan.compiled;
    return compiled.names.categories.filter((_, i) => compiled.addressOnly[i]);
  }

  /** (Re)builds the in-memory state from the store: the live or paused plan, every customer, the meta values. */
  load(): void {
    this.loadMeta();
    this.buildTable();
    this.restoreDebt();
  }

  /**
   * As load(), handing the event loop back every `step` customers, with `progress(loaded)` after each
   * step: a server's start (engine/live/server.ts startServerLoading) answers /healthz meanwhile. A
   * million customers take ≈ 13 s; the HTTP server answered nothing that long, so a liveness probe
   * could kill a server that was only loading.
   */
  async loadInSteps(progress: (loaded: number) => void, step = 5_000): Promise<void> {
    this.loadMeta();
    this.newTable();
    const rows = this.store.allCustomers()[Symbol.iterator]();
    let n = 0;
    for (let r = rows.next(); !r.done; r = rows.next()) {
      this.addStored(r.value);
      if (++n % step === 0) {
        progress(n);
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
    }
    this.newCore();
    this.restoreDebt();
    progress(n);
  }

  private loadMeta(): void {
    const rows = this.store.listPlans().filter((p) => p.state === "live" || p.state === "paused");
    this.planRow = rows.at(-1) ?? null;
    this.plan = parsePlan(this.planRow?.source ?? NO_PLAN, this.planRow ? `plan ${this.planRow.id}` : "<none>");
    this.watermark = Number(this.store.getMeta("watermark") ?? this.clock.now());
    this.lastDay = Number(this.store.getMeta("campaignDay") ?? this.localDay(this.watermark));
    this.campaignsFrom = Number(this.store.getMeta("campaignsFrom") ?? 0);
    const cap = this.store.getMeta("capacity");
    this.capacity = cap ? MemoryCapacity.fromJSON(JSON.parse(cap)) : new MemoryCapacity();
    // a pass cut short (a stop, a crash) goes on: what it owed is every timer before the engine's time
    const floor = this.store.getMeta("owedFloor");
    this.owed = floor ? { time: this.watermark, rank: -1, customer: "", floor: Number(floor) } : null;
    const debt = this.store.getMeta("campaignDebt");
    this.storedDebt = debt ? CampaignDebt.read(debt) : null;
    this.campaigns = null;
  }

  /** A campaign day owed when the store was last written (a stop, a crash, a transaction rolled back) goes on. */
  private restoreDebt(): void {
    const stored = this.storedDebt;
    this.campaigns = stored && stored.restore(this.slots, this.table.size, (c) => this.offeredSlots.has(c));
    if (this.campaigns?.left) this.written.set("campaignDebt", this.campaigns.stored);
    else this.campaigns = null;
    this.storedDebt = null;
    this.offeredSlots.clear();
  }

  /** Days are the plan's: local midnights in its timezone, as the simulator's day loop. */
  private localDay(t: number): number {
    return Math.floor((t + this.plan.plan.timezone) / DAY);
  }

  private buildTable(keep?: Set<string>): void {
    this.newTable();
    for (const row of this.store.allCustomers()) this.addStored(row, keep);
    this.newCore();
  }

  private newTable(): void {
    this.table = new CustomerTable(1024, this.plan.compiled.journeys.length);
    this.slots.clear();
    this.controlOf.fill(0);
    this.timers.clear();
  }

  /** One stored customer into the table, with its timers. */
  private addStored({ id, state, timers }: { id: string; state: string; timers: string }, keep?: Set<string>): void {
    const compiled = this.plan.compiled;
    const c = this.table.add(id), row = JSON.parse(state) as CustomerRow;
    decodeRow(compiled, this.table, c, row, keep);
    if (row.offered !== undefined && row.offered === this.storedDebt?.now) this.offeredSlots.add(c);
    this.slots.set(id, c);
    const stored = TimerIndex.decode(id, timers);
    // a row of a server before the sent mark: its contacts without a held message have gone out. Not
    // under a replacing plan (keep): its timers still name the old plan's send steps (remapTimers)
    if (!keep) markSent(compiled, this.table.ledgers[c], stored);
    for (const t of stored) this.timers.restore(t);
  }

  private newCore(): void {
    const compiled = this.plan.compiled;
    this.core = new Core(compiled, this.table, liveSink({
      store: this.store, timers: this.timers, plan: compiled, planId: this.planRow?.id ?? 0, table: this.table, dirty: this.dirty,
      control: (c) => this.inControl(c), nowMs: () => this.clock.nowMs(),
      withdraw: (c, send, time, priority) => this.core.withdraw(c, send, time, priority),
    }), this.seed, this.capacity);
  }

  /**
   * Control-group membership by slot, hashed once per slot: hashing the id at every row write and
   * decision was ≈ 4 % of a batched event's CPU. A slot keeps its customer until the table is rebuilt
   * (an erased slot is never reused), so the cache is cleared only then.
   */
  private controlOf = new Uint8Array(1024); // 0 not known yet, 1 treated, 2 control
  private inControl(c: number): boolean {
    if (c >= this.controlOf.length) {
      const grown = new Uint8Array(Math.max(2 * this.controlOf.length, c + 1));
      grown.set(this.controlOf);
      this.controlOf = grown;
    }
    return (this.controlOf[c] ||= inControl(this.control, this.table.ids[c]) ? 2 : 1) === 2;
  }

  /** Runs f in one transaction and saves what it touched; on failure the touched customers are reloaded. */
  atomically<T>(f: () => T): T {
    try {
      return this.store.tx(() => {
        const out = f();
        this.flush();
        return out;
      });
    } catch (e) {
      // refused after a group the writer thread failed: its answer rebuilds the state (onFailure), once
      if (!this.store.writerFailed) this.reloadDirty();
      throw e;
    }
  }

  private flush(): void {
    const now = this.clock.now(), compiled = this.plan.compiled, debt = this.campaigns;
    for (const c of this.dirty) {
      const id = this.table.ids[c];
      if (this.slots.get(id) !== c) continue; // erased meanwhile
      const row = encodeRow(compiled, this.table, c);
      // while a campaign day is owed to others, the row says this customer is owed nothing (campaign-debt.ts)
      if (debt && !debt.owes(c)) row.offered = debt.now;
      this.store.putCustomer(id, JSON.stringify(row), this.inControl(c) ? 1 : 0, now, this.timers.encode(id));
    }
    this.dirty.clear();
    this.meta("watermark", String(this.watermark));
    this.meta("campaignDay", String(this.lastDay));
    this.meta("capacity", JSON.stringify(this.capacity.toJSON()));
    this.meta("owedFloor", this.owed ? String(this.owed.floor) : "");
    this.meta("campaignDebt", debt ? debt.stored : "");
  }

  private readonly written = new Map<string, string>();
  /** Writes a meta value when it changed since the last write of this process. */
  private meta(key: string, value: string): void {
    if (this.written.get(key) === value) return;
    this.store.setMeta(key, value);
    this.written.set(key, value);
  }

  private reloadDirty(): void {
    // simplest correct recovery: state in memory may be ahead of the store; rebuild it all
    this.dirty.clear();
    this.written.clear();
    // a manual clock too: it follows events (and POST /v1/clock) as they are decided, before their
    // commit; a refused group (503) moved it on though nothing of it was stored, and an operator's
    // clock then refused (409) the earlier time the store was at. Every commit stores the engine's
    // time (the watermark) as far as the clock has gone, so the store says where it was.
    if (this.clock instanceof ManualClock) {
      const saved = this.store.getMeta("watermark");
      this.clock.restore(Math.max(this.clockAtStart, saved === null ? this.clockAtStart : Number(saved)));
    }
    this.load();
  }

  /** The slot of a customer, created with defaults (signing up at `time`) when unknown. */
  slot(id: string, time: number): number {
    let c = this.slots.get(id);
    if (c === undefined) {
      c = this.table.add(id);
      decodeRow(this.plan.compiled, this.table, c, { ...emptyRow(id), signup: time });
      this.slots.set(id, c);
      this.dirty.add(c);
    }
    return c;
  }

  /**
   * Several requests' batches, in order, in one transaction (group commit); a repeated id is acknowledged
   * and skipped (a duplicate), or refused when its event differs from the one taken (a conflict).
   */
  ingestGroups(groups: LiveEvent[][]): Outcome[][] {
    return this.atomically(() => this.decideGroups(groups));
  }

  private decideGroups(groups: LiveEvent[][]): Outcome[][] {
    const seen = new Map<string, LiveEvent>();
    return groups.map((events) =>
      events.map((e): Outcome => {
        // the store is read only for an id it may have (id-filter.ts): a new id costs no comparison
        const first = seen.get(e.id) ?? this.store.storedEvent(e.id);
        if (first) {
          const differs = differences(first, e);
          return differs.length ? { id: e.id, status: "conflict", differs } : { id: e.id, status: "duplicate" };
        }
        seen.set(e.id, e);
        return this.one(e);
      })
    );
  }

  /**
   * As ingestGroups, with a store that has a writer thread: the group is decided here and its writes
   * handed over; the answer comes once they are committed, while the next group is being decided. A
   * failure while deciding drops the group's writes and rebuilds the state from the store (after the
   * groups in flight); a failed commit is handled by the writer (store-writer.ts: `onFailure`).
   */
  ingestPiped(groups: LiveEvent[][]): Promise<Outcome[][]> {
    const store = this.store;
    store.beginCapture!();
    let out: Outcome[][];
    try {
      out = this.decideGroups(groups);
      this.flush();
    } catch (e) {
      store.abortCapture!();
      this.reloadDirty();
      return Promise.reject(e);
    }
    return store.commitCapture!().then(() => out).finally(() => this.commits.wake());
  }

  /** After a failed commit on the writer thread: the state in memory is ahead of the store; rebuild it. */
  recover(): void {
    this.reloadDirty();
  }

  /**
   * Group commit for the API (engine/live/group-commit.ts): concurrent requests share a transaction.
   * With a writer thread, a group of at least PIPE_MIN events goes to it, and at most two groups are in
   * flight: requests arriving meanwhile join the next. A smaller group (single events) is written here,
   * after those in flight: handing it over costs more than its writes.
   */
  readonly commits = new GroupCommit<LiveEvent[], Outcome[]>(
    (groups) => (this.store.piped && count(groups) >= PIPE_MIN ? this.ingestPiped(groups) : this.ingestGroups(groups)),
    undefined,
    () => (this.store.groupsInFlight ?? 0) >= 2,
  );

  submit(events: LiveEvent[]): Promise<Outcome[]> {
    return this.commits.submit(events);
  }

  private one(e: LiveEvent): Outcome {
    const compiled = this.plan.compiled;
    const send = this.sendOf(e.program, e.message);
    const rank = rankOf(e.type, e.type === "purchase" && send >= 0);
    if (this.clock instanceof ManualClock) this.clock.follow(e.time); // a manual clock follows the event stream
    // the stored timers ordered before this event fire first; older than the watermark, only those an
    // earlier such event made (a wait begun in the engine's past) are left before it
    if (e.time >= this.watermark) this.advance(e.time, rank, e.customer);
    else if (this.running) {
      if (this.owed) this.fireOwedOf(e.customer);
      else this.fireBefore(e.time, rank, e.customer, true);
    }
    const c = this.slot(e.customer, e.time);
    this.dirty.add(c);
    const t = this.table;
    // late events, the core's rule (docs/engine.md): older than the last moment the core acted for this
    // customer, an event is applied at that moment; nothing is decided in the past
    const late = t.lastSeen[c * PER4] !== NEVER && e.time < t.lastSeen[c * PER4];
    const at = late ? t.lastSeen[c * PER4] : e.time;
    const ev = this.ev;
    ev.time = at, ev.value = e.value ?? 0, ev.days = 0, ev.send = send;
    ev.program = send >= 0 ? compiled.sends[send].program : -1;
    // the API refuses channels the plan lacks; one that slipped through a plan change is recorded, not applied
    ev.channel = e.channel ? compiled.names.channels.indexOf(e.channel) : send >= 0 ? compiled.sends[send].channel : -1;
    switch (e.type) {
      case "left":
        // the customer's departure, not a decision: their journeys end (held messages are cancelled when due)
        if (!t.gone[c * PER1]) t.gone[c * PER1] = 1, this.core.leave(c, at);
        break;
      case "contact": { // a contact made outside the plan counts in the pressure rules (issue 10b)
        // the API refuses categories the plan lacks; one that slipped through a plan change is recorded, not applied
        const category = compiled.names.categories.indexOf(e.category ?? "relational");
        if (ev.channel >= 0 && category >= 0) this.core.external(c, ev.channel, category, at);
        break;
      }
      case "bounced": {
        // a hard bounce: the address is dead, so the channel is lost (as the simulated world does), and
        // its undelivered messages with it, transactional ones included: none can reach the customer now
        const consent = ev.channel >= 0 ? compiled.channels[ev.channel]?.consent ?? ev.channel : -1;
        if (consent >= 0) t.reach[c * PER2] &= ~consentBit(consent), t.consent[c * PER2] &= ~consentBit(consent);
        if (ev.channel >= 0) this.store.cancelPending(e.customer, compiled.names.channels[ev.channel], [], "hard bounce");
        break;
      }
      case "delivered":
        break; // recorded; the simulator does not hand deliveries to the core either
      case "unsubscribed":
      case "complained": {
        if (ev.channel < 0) break;
        // the opt-in is withdrawn: messages that need it are cancelled; those that need only an address
        // (addressOnly: transactional by default) still go, as the core still decides them (Core.consented)
        this.store.cancelPending(e.customer, compiled.names.channels[ev.channel], this.addressOnly(), "opted out");
        const consent = compiled.channels[ev.channel]?.consent ?? ev.channel;
        if (t.gone[c * PER1] || consent < 0 || !(t.consent[c * PER2] & consentBit(consent))) break; // already off: nothing changes
        this.react(c, e.type, at);
        break;
      }
      default:
        if (t.gone[c * PER1] && e.type !== "signup") break;
        if (e.type === "signup") t.signup[c * PER4] = Math.min(t.signup[c * PER4], at);
        this.react(c, e.type, at);
    }
    this.store.addEvent({
      idem: e.id, customer: e.customer, type: e.type, time: e.time, processed: at, channel: e.channel ?? "",
      program: e.program ?? "", value: e.value ?? 0,
    });
    this.watermark = Math.max(this.watermark, e.time);
    return late ? { id: e.id, status: "accepted", late } : { id: e.id, status: "accepted" };
  }

  /** Hands the event prepared in `ev` to the core; paused, the plan does not react to it (docs/live.md, "Plan lifecycle"). */
  private react(c: number, type: string, at: number): void {
    this.ev.type = EVENT_TYPES.indexOf(type as typeof EVENT_TYPES[number]);
    if (this.paused) this.core.apply(c, this.ev, at);
    else this.core.event(c, this.ev, at);
  }

  /** The plan's send step for a (program id, message) pair named by feedback or an attributed purchase. */
  sendOf(program?: string, message?: string): number {
    if (!program) return -1;
    const compiled = this.plan.compiled, p = compiled.names.programs.indexOf(program);
    if (p < 0) return -1;
    const s = compiled.sends.find((x) => x.program === p && (message === undefined || x.message === message));
    return s ? s.index : -1;
  }

  /**
   * Moves engine time to `now` (the clock loop): every day start before it is decided and the timers
   * due before it fire — at most `slice` of them here, and the sends of a campaign day's first `slice`
   * customers; the rest are owed, done by catchUp.
   */
  tick(now = this.clock.now()): number {
    if (now <= this.watermark && this.lastDay >= this.localDay(now)) return 0;
    return this.atomically(() => {
      const n = this.advance(now, -1, "", this.coupled() ? Infinity : this.slice);
      this.watermark = Math.max(this.watermark, now);
      return n;
    });
  }

  /** True while timers or a campaign day's sends are owed (tick): catchUp does them. */
  get owing(): boolean {
    return this.owed !== null || this.campaigns !== null;
  }

  /** The campaign day in progress: its decision time, the customers still owed their sends, and of how many; null: none. */
  get campaignDay(): { at: number; customers: number; of: number } | null {
    const debt = this.campaigns;
    return debt && { at: debt.now, customers: debt.left, of: debt.of };
  }

  /** Customer c's sends of the campaign day in progress not made yet (its turn has not come): none when it is owed nothing. */
  campaignSendsOwed(c: number): Occurrence[] {
    return this.campaigns?.sendsOf(c) ?? [];
  }

  /**
   * Does what is owed, `slice` to a transaction — the campaign day's sends (at its start) first, then
   * the timers — handing the event loop back between two so that requests are answered meanwhile (an
   * event has its own customer's owed sends and timers done first: offerOwn, advance). Resolves with
   * how many timers fired, once nothing is owed; one catch-up runs at a time.
   *
   * Why: a newsletter's 800,000 messages due at 10:00 fired in one transaction of 42 s, and its day
   * selected and held them in one of 15 s; every POST /v1/events waited for them (docs/live.md, "Scale").
   */
  catchUp(): Promise<number> {
    if (this.catching) return this.catching;
    if (!this.owing) return Promise.resolve(0);
    const run = async () => {
      let n = 0;
      try {
        for (;;) {
          await new Promise((resolve) => setTimeout(resolve, 0)); // requests waiting since the last slice go first
          if (!this.owing || !this.running) return n;
          n += this.atomically(() => this.catchUpSlice());
        }
      } finally {
        this.catching = null;
      }
    };
    return this.catching = run();
  }

  /** One slice of what is owed: the campaign day's sends (at its start) first, then the timers; how many timers fired. */
  private catchUpSlice(): number {
    if (!this.campaigns) return this.fireOwed(this.slice);
    this.offerCampaigns(this.slice);
    return 0;
  }

  /**
   * Customers share something only through a channel's capacity (a counter consumed in firing order):
   * a plan with one keeps the simulator's global order, every due timer fired in one pass.
   */
  private coupled(): boolean {
    return this.plan.compiled.channels.some((ch) => ch && ch.capacity !== null);
  }

  /**
   * Decides every day start and fires every stored timer ordered before (time, rank, customer).
   * Paused or without a live plan, nothing fires: timers wait in the store.
   *
   * With `limit` (a clock pass) at most that many fire; if more are due, the timers before (time, rank,
   * customer) are owed. While some are owed, an event (a customer given) fires only its customer's
   * timers ordered before it, and the owed ones extend to it: customers are independent but for a
   * channel's capacity (engine/sim/lanes.ts), so each customer's decisions are those of the
   * simulator's order. A new day does everything owed first: its campaigns see every customer.
   */
  advance(time: number, rank: number, customer: string, limit = Infinity): number {
    if (!this.running) return 0;
    let fired = 0;
    const day = this.localDay(time), tz = this.plan.plan.timezone;
    while (this.lastDay < day) {
      fired += this.settleOwed();
      const next = this.lastDay + 1, dayStart = next * DAY - tz, now = Math.max(dayStart, this.campaignsFrom);
      fired += this.fireBefore(dayStart, -1, "");
      const occurrences = campaignOccurrences(this.plan.compiled, now, dayStart + DAY);
      this.watermark = Math.max(this.watermark, now);
      if (occurrences.length) this.decideDay(occurrences, now);
      this.lastDay = next;
    }
    if (!this.owed && limit === Infinity) return fired + this.fireBefore(time, rank, customer);
    this.owe(time, rank, customer);
    return fired + (customer && this.owed ? this.fireOwn(customer, time, rank) : this.fireOwed(limit));
  }

  /**
   * The day's campaigns decided at `now`: in one pass where customers share a channel's capacity or where
   * selecting every audience first could change one (engine/core/campaign-day.ts selectedFirst); else
   * the sends of the first `slice` customers now, the others' owed (catchUp, offerOwn). While any are,
   * the timers are owed from `now`: a send made later may hold a message for a time the engine has passed
   * since, and it fires at its own time, as the simulator's, not at the engine's.
   */
  private decideDay(occurrences: Occurrence[], now: number): void {
    if (this.coupled() || !selectedFirst(this.plan.compiled, occurrences)) {
      this.campaignSends += this.core.campaignDay(occurrences, now);
      return;
    }
    const day = daySends(this.core, occurrences, now);
    this.campaigns = new CampaignDebt(day, now, day.customers.length, this.table.size);
    this.offerCampaigns(this.slice);
    if (!this.campaigns) return;
    this.campaigns.encode(this.table.ids);
    this.owe(now, -1, ""); // a new day fired every timer before it: nothing was owed, the floor is `now`
  }

  /** The campaign day's sends owed to up to `limit` customers, in the day's order; the debt is closed once none is left. */
  private offerCampaigns(limit: number): void {
    const debt = this.campaigns;
    if (!debt) return;
    for (let n = 0, i; n < limit && (i = debt.takeNext()) >= 0; n++) this.offerDay(debt, i);
    if (!debt.left) this.campaigns = null;
  }

  /** Customer c's campaign sends, if still owed (before anything else happens to c on the day); true when they were. */
  private offerOwn(c: number | undefined): boolean {
    const debt = this.campaigns, i = debt && c !== undefined ? debt.take(c) : -1;
    if (i < 0) return false;
    this.offerDay(debt!, i);
    if (!debt!.left) this.campaigns = null;
    return true;
  }

  private offerDay(debt: CampaignDebt, i: number): void {
    const c = debt.day.customers[i];
    if (!this.table.gone[c * PER1]) this.campaignSends += debt.day.start[i + 1] - debt.day.start[i]; // an erased customer's are not decided
    offerSends(this.core, debt.day, i, debt.now);
    this.dirty.add(c); // its row says it was offered, a gone customer's too
  }

  /** Everything owed made now — the campaign day's sends, then the timers — before what needs every customer. */
  private settleOwed(): number {
    this.offerCampaigns(Infinity);
    return this.fireOwed(Infinity);
  }

  /** The timers before (time, rank, customer) are owed too; a first debt fires from the engine's time. */
  private owe(time: number, rank: number, customer: string): void {
    const o = this.owed;
    if (!o) this.owed = { time, rank, customer, floor: this.watermark };
    else if (time > o.time || (time === o.time && (rank > o.rank || (rank === o.rank && customer > o.customer)))) {
      o.time = time, o.rank = rank, o.customer = customer;
    }
  }

  /**
   * Fires up to `limit` owed timers, in the simulator's order; the debt is settled when none is left and
   * no campaign send still owed can add one.
   */
  private fireOwed(limit: number): number {
    const o = this.owed;
    if (!o) return 0;
    let n = 0;
    for (let r; n < limit && (r = this.nextBefore(o.time, o.rank, o.customer)); n++) this.fire(r, Math.max(r.time, o.floor));
    if (n < limit && !this.campaigns) this.owed = null;
    return n;
  }

  /** Fires one customer's timers ordered before (time, rank) of theirs, owed or not, each at its own time (or the debt's floor). */
  private fireOwn(customer: string, time: number, rank: number): number {
    const floor = this.owed!.floor;
    this.offerOwn(this.slots.get(customer)); // its campaign sends first: they may hold messages before (time, rank)
    let n = 0;
    for (let r; (r = this.timers.popOwn(customer, time, rank)); n++) this.fire(r, Math.max(r.time, floor));
    return n;
  }

  /**
   * Before an event in the engine's past (a late event) while timers are owed: its customer's owed timers,
   * every one before the debt's end, as when the whole debt fired first. Only theirs: the others' fire
   * later at the same minutes (their own, or the floor), each customer's in the same order (customers
   * share nothing but a channel's capacity, and such a plan owes nothing: tick); and the debt's end is
   * never before the engine's time, so no other timer is left before the event (fireBefore's `past`
   * case, when nothing is owed). Firing the whole debt held every request: 1.3 s for 80,000 messages at
   * 100,000 customers, when an event posted before the clock passed the send time arrived after it.
   */
  private fireOwedOf(customer: string): number {
    const o = this.owed!;
    // a timer at the end's own minute and kind is before it when its customer is (the order's last key)
    return this.fireOwn(customer, o.time, customer < o.customer ? o.rank + 1 : o.rank);
  }

  /**
   * The first timer ordered before (time, rank, customer), taken from the index; its customer's campaign
   * sends, if still owed, are made first, and may put one of theirs before it.
   */
  private nextBefore(time: number, rank: number, customer: string): TimerRow | null {
    while (this.campaigns) {
      const id = this.timers.peekBefore(time, rank, customer);
      if (id === null || !this.offerOwn(this.slots.get(id))) break;
    }
    return this.timers.popBefore(time, rank, customer);
  }

  /**
   * Fires the stored timers ordered before (time, rank, customer), each at its own time and never before
   * the engine's time. `past`: before an event older than the engine's time, the timers still ordered
   * before it were stored by events applied in the engine's past (docs/live.md, "Late events"); each fires
   * at its own time, never before its customer's last moment, and the engine's time stays. They used to
   * wait for the next move of the engine, so that customer's later event, older than the engine's time,
   * came first: a purchase an hour after a cart's wait had ended ended the journey, and the reminder
   * never went, or did, depending on whether another client's later event had arrived first.
   */
  private fireBefore(time: number, rank: number, customer: string, past = false): number {
    let n = 0;
    for (let r; (r = this.nextBefore(time, rank, customer));) {
      const c = this.slots.get(r.customer);
      n++;
      if (c === undefined) continue;
      const at = Math.max(r.time, past ? this.table.lastSeen[c * PER4] : this.watermark); // lastSeen: NEVER is the lowest int
      if (!past) this.watermark = at;
      this.fire(r, at);
    }
    return n;
  }

  /** One timer taken from the index, decided at `at`. */
  private fire(r: TimerRow, at: number): void {
    const c = this.slots.get(r.customer);
    if (c === undefined) return;
    this.dirty.add(c); // its row no longer holds the timer
    runPlanEvent(this.core, r.kind, c, at, r, (c, time, days) => {
      const ev = this.ev;
      ev.type = EV_INACTIVE, ev.time = time, ev.value = 0, ev.days = days, ev.send = -1, ev.channel = -1, ev.program = -1;
      this.core.event(c, ev, time);
    });
  }

  /**
   * Creates or updates customers' profiles (not their journeys or ledger). A known customer still owed
   * campaign sends or timers has them made first, on the state they were owed on (an opt-in withdrawn
   * by the upload does not stop the day's newsletter, as in the simulator, where the day is decided at
   * its start), and no one else's: an upload changes its own customers only, and every other customer's
   * owed sends were ranked and selected at the day's start (engine/live/campaign-debt.ts). A new
   * customer was in no audience of the day. The upload used to make everything owed first: at 1,000,000
   * customers a brand's nightly sync waited ≈ 5 s for the rest of the campaign day.
   */
  upsert(rows: Partial<CustomerRow>[]): { created: number; updated: number } {
    return this.atomically(() => {
      let created = 0, updated = 0;
      const now = this.watermark;
      for (const r of rows) {
        const known = this.slots.has(r.id!);
        // `begin` and the new profile decide at the engine's time: the customer's own debt before it is done
        if (known && this.owed) this.fireOwedOf(r.id!);
        const c = this.slot(r.id!, r.signup ?? now);
        const before = encodeRow(this.plan.compiled, this.table, c);
        const merged = { ...before, ...r, journeys: before.journeys, ledger: before.ledger, v: before.v };
        if (!known) merged.consent0 = merged.consent;
        // attributes merge into the stored ones (null clears one: the row keeps it as unknown)
        if (r.attrs) merged.attrs = { ...before.attrs, ...r.attrs };
        decodeRow(this.plan.compiled, this.table, c, merged);
        // custom channels' consents follow their attribute when it is given (engine/core/custom-consent.ts)
        if (r.attrs) applyConsentAttributes(this.plan.compiled, this.table, c, r.attrs, !known);
        this.dirty.add(c);
        if (known) updated++;
        else created++;
        // paused too: the check is stored, and fires once the plan is resumed (as a purchase's, docs/live.md)
        if ((this.running || this.paused) && (!known || before.lastPurchase !== merged.lastPurchase)) {
          if (known) this.timers.remove(r.id!, (t) => t.kind === K.K_INACTIVE);
          this.core.begin(c, now);
        }
      }
      return { created, updated };
    });
  }

  /** GDPR erasure: the customer's profile, state, events, timers and messages are deleted, and its campaign sends still owed. */
  erase(id: string): boolean {
    const c = this.slots.get(id);
    if (c === undefined) return false;
    this.atomically(() => {
      this.store.eraseCustomer(id);
      this.timers.remove(id);
      this.slots.delete(id);
      // the slot stays allocated until the next start, emptied and marked gone so nothing selects it
      decodeRow(this.plan.compiled, this.table, c, { ...emptyRow(""), gone: 1 });
      this.dirty.delete(c);
      this.forgetOwed(c);
    });
    return true;
  }

  /**
   * An erased customer's campaign sends, if still owed, leave the debt, and the stored debt is written
   * again without its id (meta `campaignDebt` kept it until the day was done, a restart's too): one
   * encoding of the customers still owed (58–77 ms for 800,000, docs/live.md "Scale"), at an erasure
   * of a customer whose turn has not come.
   */
  private forgetOwed(c: number): void {
    const debt = this.campaigns;
    if (!debt || debt.take(c) < 0) return;
    if (debt.left) debt.encode(this.table.ids);
    else this.campaigns = null;
  }

  /** Makes `row` the live plan at `now` (docs/live.md, "Replacing a live plan"). */
  activate(row: PlanRow, now: number): void {
    this.atomically(() => {
      this.settleOwed(); // under the plan that made them
      const old = this.plan, next = parsePlan(row.source, `plan ${row.id}`);
      const keep = unchangedPrograms(old, next);
      this.cancelHeld(now, "plan-replaced", (program) => !keep.has(program));
      // save every customer under the old plan's names, then re-read them under the new plan
      for (const c of this.slots.values()) this.dirty.add(c);
      this.flush();
      this.planRow = row;
      this.plan = next;
      this.buildTable(keep);
      remapTimers(this.timers, old, next, keep);
      for (const c of this.slots.values()) {
        this.dirty.add(c);
        this.core.begin(c, now);
      }
      this.watermark = Math.max(this.watermark, now);
      this.lastDay = this.localDay(now) - 1;
      this.campaignsFrom = now;
      this.store.setMeta("campaignsFrom", String(now));
      this.advance(now, -1, "");
      this.settleOwed(); // today's campaigns decided in the promotion's transaction, as every customer's row is
    });
  }

  /**
   * Before a replacement or a retirement, under the plan that held them: the held and deferred messages
   * of the programs `ends` names are logged `cancelled` (`reason`: `plan-replaced`, `plan-retired`) at
   * `now`, and a held one's contact, entered in the pressure ledger at its send time, leaves it, with the
   * channel capacity it reserved. They used to be dropped silently: the contact of a message never sent
   * stayed in the ledger, so the next plan's rules suppressed the customer's next message against it
   * (after a retirement, the restart-time sent mark even took it for a contact that had gone out).
   */
  private cancelHeld(now: number, reason: string, ends: (program: string) => boolean): void {
    const o = this.plan.compiled;
    for (const id of [...this.timers.customers()]) {
      const c = this.slots.get(id);
      if (c === undefined) continue;
      for (const x of this.timers.of(id)) {
        if ((x.kind !== K.K_DUE && x.kind !== K.K_RETRY) || !ends(o.names.programs[o.sends[x.a].program])) continue;
        // a deferred (retry) message entered neither the ledger nor the capacity yet
        if (x.kind === K.K_DUE) this.core.withdraw(c, x.a, x.time, x.b);
        this.core.sink.cancelled(c, x.a, now, reason);
        this.dirty.add(c);
      }
    }
  }

  /**
   * Pause, resume or retire the live plan (the row's new state is already stored by the caller).
   * Paused: events still update profiles, but no timer fires and no campaign is decided; on resume the
   * overdue timers fire at once and the days' campaigns missed while paused are not sent. Retired:
   * every pending timer (waits, deferred and due contacts) is dropped, its held and deferred messages
   * cancelled as a replacement cancels those of the programs it ends (cancelHeld).
   */
  setState(row: PlanRow, now: number): void {
    this.atomically(() => {
      if (this.running) this.settleOwed(); // what was due before the pause or the retirement is done first
      if (row.state === "retired") {
        this.cancelHeld(now, "plan-retired", () => true);
        for (const id of [...this.timers.customers()]) this.dirty.add(this.slots.get(id)!);
        this.timers.clear();
        this.flush(); // the rows without their timers, before the state is re-read
        this.planRow = null;
        this.load();
        return;
      }
      this.planRow = row;
      if (row.state === "live") {
        this.campaignsFrom = Math.max(now, this.watermark);
        this.store.setMeta("campaignsFrom", String(this.campaignsFrom));
        // the overdue timers fire now, not at the next tick: a manual clock has no tick, and they waited
        // for its next move
        this.advance(this.campaignsFrom, -1, "");
        this.settleOwed();
        this.watermark = this.campaignsFrom;
      }
    });
  }
}

/**
 * Program ids whose definition is the same in both plans: their running instances continue. Compared
 * as canonical JSON (keys sorted at every level), so a definition written with its keys in another
 * order (`{ message: m, channel: sms }`) is the same program: it used to count as changed, and
 * promoting such a re-typed plan ended every journey in flight and cancelled their held messages.
 */
function unchangedPrograms(old: LoadedPlan, next: LoadedPlan): Set<string> {
  const defs = (l: LoadedPlan) => {
    const src = (l.source as { programs?: { id?: string }[] })?.programs ?? [];
    return new Map(l.compiled.programs.map((p, i) => [p.id, canonicalJson(src[i] ?? null)]));
  };
  const a = defs(old), b = defs(next), keep = new Set<string>();
  for (const [id, def] of b) if (a.get(id) === def) keep.add(id);
  return keep;
}

/** JSON with every object's keys in sorted order: equal for values that differ only in key order. */
function canonicalJson(v: unknown): string {
  return JSON.stringify(v, (_key, x) =>
    x && typeof x === "object" && !Array.isArray(x)
      ? Object.fromEntries(Object.keys(x).sort().map((k) => [k, (x as Record<string, unknown>)[k]]))
      : x);
}

/**
 * Pending timers carry plan indices (journey, send step): they are re-pointed at the new plan's indices
 * by program id; timers of programs removed or changed are dropped (their pending contacts cancelled),
 * and inactivity checks are re-asked by `core.begin` for the new plan's thresholds. (Every customer's
 * row is rewritten by the promotion, so the change reaches the store.)
 */
function remapTimers(timers: TimerIndex, old: LoadedPlan, next: LoadedPlan, keep: Set<string>): void {
  const o = old.compiled, n = next.compiled;
  const journeyOf = (j: number) => {
    const id = o.programs[o.journeys[j].program].id;
    return keep.has(id) ? n.programs[n.names.programs.indexOf(id)].journey : -1;
  };
  const sendOf = (s: number) => {
    const id = o.names.programs[o.sends[s].program];
    if (!keep.has(id)) return -1;
    const p = n.names.programs.indexOf(id);
    return n.sends.find((x) => x.program === p && x.message === o.sends[s].message)?.index ?? -1;
  };
  for (const customer of [...timers.customers()]) {
    // `a` is no part of the firing order, so it is re-pointed in place
    timers.remove(customer, (t) => {
      if (t.kind === K.K_INACTIVE) return true;
      if (t.kind !== K.K_TIMER && t.kind !== K.K_DUE && t.kind !== K.K_RETRY) return false;
      const a = t.kind === K.K_TIMER ? journeyOf(t.a) : sendOf(t.a);
      if (a < 0) return true;
      t.a = a;
      return false;
    });
  }
}
