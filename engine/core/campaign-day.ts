/**
 * Same-day campaign arbitration. The campaigns due on one day of the plan's timezone are decided
 * together at the start of that day: every audience is selected first (engine/core/audience.ts), then
 * the (customer, campaign) sends are offered in this order:
 *   priority, highest first (a priority expression is evaluated per customer at the decision time);
 *   then the occurrence's time, then the campaign's plan order, then the customer's place in the table.
 * So each customer's campaigns are ranked by their own priorities, a lower-priority send sees the
 * higher ones as pending contacts (pressure lookahead), and shared channel capacity goes to the
 * higher priorities first. With constant priorities the order is the campaigns' rank, audience by
 * audience, and no per-customer sort is needed.
 */
import type { Core } from "./decide.ts";
import type { Occurrence } from "./campaign-schedule.ts";
import { selectAudience } from "./audience.ts";

export function decideCampaignDay(core: Core, occurrences: readonly Occurrence[], now: number): void {
  const plan = core.plan, table = core.table;
  const programOf = (o: Occurrence) => plan.programs[plan.campaigns[o.campaign].program];
  const at = (o: Occurrence) => Math.max(o.time, now);
  const byTimeThenPlan = (x: Occurrence, y: Occurrence) => x.time - y.time || x.campaign - y.campaign;
  if (occurrences.every((o) => typeof programOf(o).priority === "number")) {
    const ranked = [...occurrences].sort((x, y) =>
      (programOf(y).priority as number) - (programOf(x).priority as number) || byTimeThenPlan(x, y)
    );
    for (const o of ranked) {
      const p = programOf(o).priority as number;
      const audience = selectAudience(plan, o.campaign, table, now, core.pickBest);
      for (let i = 0; i < audience.length; i++) core.campaign(audience[i], o.campaign, now, at(o), p);
    }
    return;
  }
  // per-customer priorities: one entry per (occurrence, customer) with its evaluated priority
  const order = [...occurrences].sort(byTimeThenPlan);
  const occ: number[] = [], cust: number[] = [], prio: number[] = [];
  order.forEach((o, i) => {
    const program = programOf(o);
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
}
