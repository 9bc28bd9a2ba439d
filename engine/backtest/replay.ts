/**
 * Backtest: the recorded history replayed in time order through a plan's decision core, with no
 * simulated world — no organic draws, no responses to messages. What it answers: which messages the
 * plan would have sent over the period, which the pressure rules would have stopped, and how much
 * pressure each customer would have felt.
 *
 * Events fed to the core, ordered by the simulator's key (time, kind, customer, sequence):
 *  - signup: at the customers file's signup, else at the first purchase (just before it);
 *  - purchase: one per transaction row with its amount; a date without a time is placed at 12:00 UTC;
 *  - inactive: N days after a customer's last purchase for every threshold N the plan's journeys use
 *    (fires only if no purchase came in between, as in the simulator);
 *  - the plan's own timers, retries, due sends and scheduled campaigns, as in the simulator.
 * Visits, abandoned carts, birthdays and message responses are not in a purchase history, so journeys
 * triggered by them never start. It reuses the simulator's queue, campaign schedule, metrics and
 * recorder; the driver loop is its own because the simulator's owns a synthetic world.
 */
import { runPlanEvent } from "../sim/plan-events.ts";
import { grantCustomConsents } from "../sim/custom-channels.ts";
import { worldSeed } from "../sim/random.ts";
import { seedContacts } from "../sim/contact-seed.ts";
import { newTraits } from "../sim/population.ts";
import { DEFAULT_WORLD } from "../sim/world-model.ts";
import type { CompiledPlan } from "../core/compiled.ts";
import { Core } from "../core/decide.ts";
import { CustomerTable, NEVER } from "../core/customer-table.ts";
import { EV_INACTIVE, EV_PURCHASE, EV_SIGNUP, newEvent } from "../core/events.ts";
import { DAY, formatDate, HOUR, WEEK } from "../core/time.ts";
import { canonical, hashJson, type LoadedPlan } from "../plan/load.ts";
import type { History } from "../../datasets/import.ts";
import { historyState } from "../../datasets/history.ts";
import { historyHash, zoneOffset } from "../sim/history-population.ts";
import { campaignOccurrences } from "../core/campaign-schedule.ts";
import { decisionSink } from "../sim/decision-sink.ts";
import { runDays } from "../sim/day-loop.ts";
import { settleMoney } from "../sim/money.ts";
import { EventQueue } from "../sim/event-queue.ts";
import * as K from "../sim/kinds.ts";
import { Metrics, T4, WeekExistence } from "../sim/metrics.ts";
import { Recorder, STATUS } from "../sim/recorder.ts";
import { ENGINE_VERSION } from "../version.ts";
import { checkOptionNames, checkRunSizes, InputError } from "../plan/errors.ts";
import { describe } from "../plan/fields.ts";
import { checkLoaded } from "../sim/run.ts";
import { backtestPeriod, type Day } from "./period.ts";
import { PER2, PER4, PER8 } from "../core/record.ts";

export interface BacktestOptions {
  from?: Day; // first day replayed (00:00 UTC), a date or its minutes; default the day after the history's calibrationEnd
  to?: Day; // last day replayed, inclusive (00:00 UTC); default its holdoutEnd, else its last transaction's day (engine/backtest/period.ts)
  seed?: number; // the core's holdout and split draws (default 1)
}

export interface BacktestSummary {
  digest: string;
  plan: string;
  planHash: string;
  engine: string;
  history: string;
  dataHash: string;
  from: string;
  to: string;
  days: number;
  seed: number;
  customers: number; // customers who existed at some point of the period
  signups: number; // signups during the period
  purchases: number; // transactions replayed
  revenue: number;
  inactive: number; // inactivity events fired
  contacts: number;
  reach: number;
  contactsByChannel: Record<string, number>;
  /** message decisions by program, channel and status (sent, suppressed, holdout, deferred) */
  messages: { program: string; channel: string; status: string; count: number }[];
  suppressed: number;
  suppressedByRule: Record<string, number>;
  deferred: number;
  holdout: number;
  contactsPerCustomerWeek: { mean: number; p50: number; p90: number; p99: number; max: number };
  /** the customers under the most pressure: most contacts, then most in one week, then id */
  topCustomers: { id: string; contacts: number; maxWeek: number; purchases: number }[];
}

export interface BacktestResult {
  summary: BacktestSummary;
  plan: CompiledPlan;
  population: { table: CustomerTable }; // the shape engine/sim/tables.ts's messagesTable reads
  recorder: Recorder;
  metrics: Metrics;
  maxWeek: Uint16Array; // per customer: most contacts in one week of the period
}

/** Transactions carry dates; a date alone (00:00 UTC) is placed at noon so sends fall in the day. */
const placed = (t: number) => (t % DAY === 0 ? t + 12 * HOUR : t);
const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

/**
 * @example const r = backtest(loadPlan("scenarios/lifecycle.yaml"), importHistory("datasets/cdnow-optin.yaml"), { from: parseDate("1997-10-01")!, to: parseDate("1998-06-30")! })
 */
export function backtest(loaded: LoadedPlan, h: History, o: BacktestOptions = {}): BacktestResult {
  checkLoaded("backtest", loaded);
  if (!(h && typeof h === "object" && "transactions" in h && "config" in h)) {
    throw new InputError(`backtest: expected a history imported by importHistory("datasets/cdnow-optin.yaml"), got ${typeof h === "string" ? `the text '${h}': import it first` : describe(h)}`);
  }
  if (!(o !== null && typeof o === "object" && !Array.isArray(o))) throw new InputError(`backtest: options: expected an object such as { from: "1997-10-01", to: "1998-06-30", seed: 1 } (or nothing), got ${o === null ? "null" : describe(o)}`);
  checkOptionNames("backtest", o, ["from", "to", "seed"] satisfies (keyof BacktestOptions)[]); // { form: … } replayed the default period
  checkRunSizes({ seed: o.seed });
  const period = backtestPeriod(h, o);
  const plan = loaded.compiled, seed = o.seed ?? 1;
  const from = Math.floor(period.from / DAY) * DAY, end = (Math.floor(period.to / DAY) + 1) * DAY;
  if (end <= from) throw new Error(`backtest: empty period ${formatDate(from)} .. ${formatDate(period.to)}`);
  const days = (end - from) / DAY, n = h.ids.length, tx = h.transactions;
  const s = historyState(h, from - DAY, undefined);

  // --- customers at the start ---------------------------------------------------------------------
  const firstTx = new Float64Array(n).fill(Infinity);
  for (let i = 0; i < tx.length; i++) firstTx[tx.customer[i]] = Math.min(firstTx[tx.customer[i]], placed(tx.time[i]));
  const table = new CustomerTable(n, plan.journeys.length);
  const q = new EventQueue(from, end);
  let customers = 0;
  for (let i = 0; i < n; i++) {
    const c = table.add(h.ids[i]);
    const signup = h.customers.signup[i];
    const since = Math.min(Number.isNaN(signup) ? Infinity : signup, firstTx[i]);
    // listed without a signup date nor purchases: present from before the period
    table.signup[c * PER4] = Number.isFinite(since) ? since : from - 1;
    table.consent[c * PER2] = table.consent0[c] = h.customers.consent[i]; // every channel the customers file gives
    const zone = h.customers.timezone[i];
    table.tz[c * PER2] = zone ? zoneOffset(zone, from) : plan.plan.timezone;
    table.orders[c * PER4] = s.orders[i];
    table.revenue[c * PER8] = s.value[i];
    table.lastPurchase[c * PER4] = s.orders[i] > 0 ? placed(s.lastPurchase[i]) : NEVER;
    if (table.signup[c * PER4] < end) customers++;
    if (table.signup[c * PER4] >= from) q.push(table.signup[c * PER4], K.K_SIGNUP, c);
  }
  // extra attributes (attr.<name> in plans), as the history population carries them
  for (const [name, values] of h.customers.attrs) table.attrs.set(name, Array.from({ length: n }, (_, i) => values[i] ?? null));
  // custom channels' consents come from their attribute (drawn with consentShare where the history has none)
  grantCustomConsents(plan, table, worldSeed(seed));
  // what customers really received before the period: their pressure ledgers and last contacts start from it
  if (h.contacts) {
    const rowOf = Int32Array.from({ length: n }, (_, i) => i);
    seedContacts(h, from, rowOf, table, newTraits(n), DEFAULT_WORLD);
    for (let c = 0; c < n; c++) table.consent0[c] = table.consent[c * PER2];
  }
  // the recorded purchases, in file order within a (time, customer): the queue's sequence keeps it
  for (let i = 0; i < tx.length; i++) {
    const t = placed(tx.time[i]);
    if (t >= from && t < end) q.push(t, K.K_ORGANIC_PURCHASE, tx.customer[i], i, tx.amount[i]);
  }

  // --- the plan's side: the core and what it asks for -------------------------------------------------
  const metrics = new Metrics(n, days, plan.names.programs, plan.names.channels);
  const rec = new Recorder();
  const week = new Uint16Array(n), maxWeek = new Uint16Array(n), bought = new Uint32Array(n);
  const dayOf = (t: number) => Math.min(days - 1, Math.max(0, Math.floor((t - from) / DAY)));
  const sink = decisionSink(plan, q, metrics, rec, dayOf, (c, send, time) => {
    const sd = plan.sends[send], ch = plan.channels[sd.channel]!;
    metrics.contact(c, dayOf(time), sd.program, sd.channel, ch.cost);
    if (week[c] < 65535) week[c]++;
    rec.message(time, c, send, "sent", "", ch.cost);
  });
  const core = new Core(plan, table, sink, seed);
  for (let c = 0; c < n; c++) if (table.signup[c * PER4] < from) core.begin(c, from);
  const ev = newEvent();
  const fire = (c: number, type: number, time: number, value = 0, days = 0) => {
    ev.type = type, ev.time = time, ev.value = value, ev.days = days, ev.send = ev.channel = ev.program = -1;
    rec.event(time, c, type, -1, -1, -1, value);
    core.event(c, ev, time);
  };

  // --- the clock: the simulator's (engine/sim/day-loop.ts) --------------------------------------------
  let weekEnd = from + WEEK, signups = 0, purchases = 0, revenue = 0, inactive = 0;
  const existence = new WeekExistence(table, from, Math.ceil(days / 7));
  const payload = { a: 0, b: 0, d: 0, e: 0 };
  const fireInactive = (c: number, time: number, days: number) => void (inactive++, fire(c, EV_INACTIVE, time, 0, days));
  runDays({
    start: from,
    end,
    timezone: plan.plan.timezone,
    occurrences: campaignOccurrences(plan, from, end),
    campaignDay: (today, now) => core.campaignDay(today, now),
    drain(limit) {
      for (let id = q.popBefore(limit); id >= 0; id = q.popBefore(limit)) {
        const c = q.cust(id), time = q.time(id), kind = q.kind(id);
        payload.a = q.a(id), payload.b = q.b(id), payload.d = q.d(id), payload.e = q.e(id);
        q.release(id);
        if (kind === K.K_SIGNUP) {
          signups++;
          fire(c, EV_SIGNUP, time);
        } else if (kind === K.K_ORGANIC_PURCHASE) {
          const amount = payload.b;
          purchases++, revenue += amount, bought[c]++;
          metrics.purchase(c, dayOf(time), amount, -1);
          fire(c, EV_PURCHASE, time, amount);
        } else if (!runPlanEvent(core, kind, c, time, payload, fireInactive)) throw new Error(`backtest: unexpected queue kind ${kind}`);
      }
    },
    closeWeek() {
      metrics.closeWeek(existence.before(weekEnd));
      for (let c = 0; c < n; c++) {
        if (week[c] > maxWeek[c]) maxWeek[c] = week[c];
        week[c] = 0;
      }
      weekEnd += WEEK;
    },
  });
  settleMoney(metrics, "replayed"); // money is counted in units during the run (engine/sim/money.ts); a replay is never refused

  // --- the report -------------------------------------------------------------------------------------
  const byMessage = new Map<string, BacktestSummary["messages"][number]>();
  for (let i = 0; i < rec.mSend.length; i++) {
    const sd = plan.sends[rec.mSend[i]];
    const program = plan.names.programs[sd.program], channel = plan.names.channels[sd.channel], status = STATUS[rec.mStatus[i]];
    const key = `${program}\u0000${channel}\u0000${status}`;
    const row = byMessage.get(key);
    if (row) row.count++;
    else byMessage.set(key, { program, channel, status, count: 1 });
  }
  const messages = [...byMessage.values()].sort((x, y) =>
    x.program.localeCompare(y.program) || x.channel.localeCompare(y.channel) || STATUS.indexOf(x.status as never) - STATUS.indexOf(y.status as never)
  );
  const suppressedByRule: Record<string, number> = {};
  for (const v of [...metrics.suppressedBy.values()].sort((x, y) => x.rule.localeCompare(y.rule))) {
    suppressedByRule[v.rule] = (suppressedByRule[v.rule] ?? 0) + v.count;
  }
  const top = Array.from({ length: n }, (_, c) => c).filter((c) => metrics.contactsOf[c * T4] > 0)
    .sort((x, y) => metrics.contactsOf[y * T4] - metrics.contactsOf[x * T4] || maxWeek[y] - maxWeek[x] || (h.ids[x] < h.ids[y] ? -1 : 1))
    .slice(0, 10)
    .map((c) => ({ id: h.ids[c], contacts: metrics.contactsOf[c * T4], maxWeek: maxWeek[c], purchases: bought[c] }));
  const w = metrics.weekly();
  const body: Omit<BacktestSummary, "digest"> = {
    plan: plan.plan.name,
    planHash: loaded.hash,
    engine: ENGINE_VERSION,
    history: h.config.source,
    dataHash: historyHash(h),
    from: formatDate(from),
    to: formatDate(end - DAY),
    days,
    seed,
    customers,
    signups,
    purchases,
    revenue: round(revenue),
    inactive,
    contacts: metrics.contacts,
    reach: metrics.reach,
    contactsByChannel: Object.fromEntries(plan.names.channels.map((ch, i) => [ch, metrics.channels[i].contacts])),
    messages,
    suppressed: metrics.suppressed,
    suppressedByRule,
    deferred: metrics.deferred,
    holdout: metrics.holdout,
    contactsPerCustomerWeek: { mean: round(w.mean, 4), p50: w.p50, p90: w.p90, p99: w.p99, max: w.max },
    topCustomers: top,
  };
  const { history: _source, ...stable } = body; // the config's path does not change the results
  const digest = hashJson({ kind: "backtest", results: JSON.parse(canonical(stable)) });
  return { summary: { digest, ...body }, plan, population: { table }, recorder: rec, metrics, maxWeek };
}
