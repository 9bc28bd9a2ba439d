/**
 * Same-day campaign arbitration. The campaigns due on one day of the plan's timezone are decided
 * together at the start of that day: every audience is selected first (engine/core/audience.ts), then
 * the (customer, campaign) sends are offered in this order:
 *   priority, highest first (a priority expression is evaluated per customer at the decision time);
 *   then the occurrence's time, then the campaign's plan order, then the customer's place in the table.
 * So each customer's campaigns are ranked by their own priorities, a lower-priority send sees the
 * higher ones as pending contacts (pressure lookahead), and shared channel capacity goes to the
 * higher priorities first. With constant priorities the order is the campaigns' rank, audience by
 * audience (each selected once the one ranked above is offered), and no per-customer sort is needed.
 */
import type { Core } from "./decide.ts";
import type { CompiledPlan } from "./compiled.ts";
import type { Occurrence } from "./campaign-schedule.ts";
import { selectAudience } from "./audience.ts";

const byTimeThenPlan = (x: Occurrence, y: Occurrence) => x.time - y.time || x.campaign - y.campaign;
const programOf = (plan: CompiledPlan, o: Occurrence) => plan.programs[plan.campaigns[o.campaign].program];
const constantPriorities = (plan: CompiledPlan, occurrences: readonly Occurrence[]) =>
  occurrences.every((o) => typeof programOf(plan, o).priority === "number");

/** Decides the day's sends (the module's comment says in what order); returns how many there were. */
export function decideCampaignDay(core: Core, occurrences: readonly Occurrence[], now: number): number {
  const plan = core.plan, table = core.table;
  const at = (o: Occurrence) => Math.max(o.time, now);
  if (constantPriorities(plan, occurrences)) {
    const ranked = [...occurrences].sort((x, y) =>
      (programOf(plan, y).priority as number) - (programOf(plan, x).priority as number) || byTimeThenPlan(x, y)
    );
    let sends = 0;
    for (const o of ranked) {
      const p = programOf(plan, o).priority as number;
      const audience = selectAudience(plan, o.campaign, table, now, core.pickBest);
      for (let i = 0; i < audience.length; i++) core.campaign(audience[i], o.campaign, now, at(o), p);
      sends += audience.length;
    }
    return sends;
  }
  // per-customer priorities: one entry per (occurrence, customer) with its evaluated priority
  const order = [...occurrences].sort(byTimeThenPlan);
  const occ: number[] = [], cust: number[] = [], prio: number[] = [];
  order.forEach((o, i) => {
    const program = programOf(plan, o);
    const audience = selectAudience(plan, o.campaign, table, now, core.pickBest);
    for (let k = 0; k < audience.length; k++) {
      const c = audience[k];
      occ.push(i), cust.push(c), prio.push(core.priorityOf(c, program, now));
    }
  });
  const idx = Array.from({ length: occ.length }, (_, i) => i);
  idx.sort((x, y) => prio[y] - prio[x] || occ[x] - occ[y] || cust[x] - cust[y]);
  for (const i of idx) {
    const o = order[occ[i]];
    core.campaign(cust[i], o.campaign, now, at(o), prio[i]);
  }
  return idx.length;
}

/**
 * A campaign day's sends grouped by customer, for a driver that offers them a few customers at a time
 * (the live server: engine/live/campaign-debt.ts). Customer i (a table index, `customers[i]`) has the
 * sends [start[i], start[i + 1]): each an index into `occurrences` (sorted by time, then plan order) and
 * its priority, in the order decideCampaignDay offers them to that customer — priority, highest first,
 * then time and plan order.
 */
export interface DaySends {
  occurrences: Occurrence[];
  customers: Int32Array;
  start: Int32Array;
  occurrence: Int32Array;
  priority: Float64Array;
}

/**
 * Every audience of the day selected at `now`, then each customer's sends ranked (DaySends). Offered
 * customer by customer (offerSends), in any order of customers, they decide as decideCampaignDay when
 * customers share nothing — no channel with a `capacity`, whose counter decideCampaignDay takes in its
 * global order — and `selectedFirst` holds.
 * @example const day = daySends(core, occurrences, now); for (let i = 0; i < day.customers.length; i++) offerSends(core, day, i, now)
 */
export function daySends(core: Core, occurrences: readonly Occurrence[], now: number): DaySends {
  const plan = core.plan, table = core.table, order = [...occurrences].sort(byTimeThenPlan);
  const audiences = order.map((o) => selectAudience(plan, o.campaign, table, now, core.pickBest));
  // a counting sort by customer: each customer's sends stay in `order`, the ranking's tie-break
  const start = new Int32Array(table.size + 1);
  for (const a of audiences) for (let k = 0; k < a.length; k++) start[a[k] + 1]++;
  for (let c = 0; c < table.size; c++) start[c + 1] += start[c];
  const n = start[table.size], fill = start.slice(0, table.size);
  const occurrence = new Int32Array(n), priority = new Float64Array(n);
  audiences.forEach((a, i) => {
    const program = programOf(plan, order[i]);
    for (let k = 0; k < a.length; k++) {
      const at = fill[a[k]]++;
      occurrence[at] = i, priority[at] = core.priorityOf(a[k], program, now);
    }
  });
  const customers: number[] = [], starts: number[] = [];
  for (let c = 0; c < table.size; c++) {
    if (start[c] === start[c + 1]) continue;
    customers.push(c), starts.push(start[c]);
    rankByPriority(occurrence, priority, start[c], start[c + 1]);
  }
  starts.push(n);
  return { occurrences: order, customers: Int32Array.from(customers), start: Int32Array.from(starts), occurrence, priority };
}

/** Sorts one customer's sends [from, to) by priority, highest first, keeping their order among equals (a few sends: an insertion sort). */
function rankByPriority(occurrence: Int32Array, priority: Float64Array, from: number, to: number): void {
  for (let i = from + 1; i < to; i++) {
    const o = occurrence[i], p = priority[i];
    let j = i - 1;
    for (; j >= from && priority[j] < p; j--) occurrence[j + 1] = occurrence[j], priority[j + 1] = priority[j];
    occurrence[j + 1] = o, priority[j + 1] = p;
  }
}

/** Customer i of `day` (a DaySends) offered its sends, decided at `now` (the day's start) as decideCampaignDay decides them. */
export function offerSends(core: Core, day: DaySends, i: number, now: number): void {
  const c = day.customers[i];
  for (let k = day.start[i]; k < day.start[i + 1]; k++) {
    const o = day.occurrences[day.occurrence[k]];
    core.campaign(c, o.campaign, now, Math.max(o.time, now), day.priority[k]);
  }
}

/**
 * True when selecting every audience of the day before any send is offered (daySends) selects what
 * decideCampaignDay selects. With per-customer priorities it selects them all first too. With constant
 * priorities it selects each audience once the campaigns ranked above it are offered, and an offer
 * changes, of what an expression can read (engine/plan/scope.ts), only `lastContact` (a message that
 * goes at once: its other effects are on the ledger, the channel capacity, held counts and the core's
 * last moment for the customer, which no expression reads). So: unless an audience or a targeting score
 * of a day with several campaigns reads `lastContact`.
 */
export function selectedFirst(plan: CompiledPlan, occurrences: readonly Occurrence[]): boolean {
  if (occurrences.length < 2 || !constantPriorities(plan, occurrences)) return true;
  return !occurrences.some((o) => {
    const cp = plan.campaigns[o.campaign];
    return cp.audience.refs.includes("lastContact") || (cp.targeted?.score.refs.includes("lastContact") ?? false);
  });
}
