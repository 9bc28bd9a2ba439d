/**
 * One customer's state as GET /v1/customers/{id} shows it: the profile, journeys in flight, the pressure
 * ledger, pending timers and contacts, the campaign day's sends still owed to it, the programs holding
 * the customer out, control-group membership.
 */
import { inHoldout } from "../core/decide.ts";
import { formatTime } from "../core/time.ts";
import * as K from "../sim/kinds.ts";
import { inControl } from "./control-group.ts";
import type { LiveDriver } from "./driver.ts";
import { type CustomerRow, encodeRow } from "../core/row-codec.ts";
import { PER4 } from "../core/record.ts";

const TIMER_KINDS: Record<number, string> = { [K.K_TIMER]: "journey", [K.K_RETRY]: "retry", [K.K_DUE]: "due", [K.K_INACTIVE]: "inactivity" };

export function customerState(driver: LiveDriver, id: string) {
  const c = driver.slots.get(id);
  if (c === undefined) return null;
  const plan = driver.plan.compiled, t = driver.table;
  const row: CustomerRow = encodeRow(plan, t, c);
  const journeys = Object.entries(row.journeys).filter(([, j]) => j[0] >= 0).map(([program, j]) => ({ program, step: j[0], entries: j[2] }));
  const timers = driver.timers.of(id).map((r) => {
    const base = { time: formatTime(r.time), kind: TIMER_KINDS[r.kind] ?? String(r.kind) };
    if (r.kind === K.K_TIMER) return { ...base, program: plan.names.programs[plan.journeys[r.a]?.program] };
    if (r.kind === K.K_DUE || r.kind === K.K_RETRY) {
      const s = plan.sends[r.a];
      return { ...base, program: plan.names.programs[s?.program], message: s?.message, channel: plan.names.channels[s?.channel] };
    }
    return { ...base, days: r.a };
  });
  // the day's sends not made yet: shown from the debt, not made by this read (a read writes nothing)
  const owed = driver.campaignSendsOwed(c).map(({ campaign, time }) => {
    const s = plan.sends[plan.campaigns[campaign].send];
    return { program: plan.names.programs[s.program], message: s.message, channel: plan.names.channels[s.channel], time: formatTime(time) };
  });
  return {
    id,
    row,
    journeys,
    ledger: row.ledger.map(([time, program, channel, category]) => ({ time: formatTime(time), program, channel: typeof channel === "number" ? plan.names.channels[channel] : channel, category })),
    timers,
    pendingContacts: timers.filter((x) => x.kind === "due" || x.kind === "retry"),
    // a campaign day in progress whose turn has not come for this customer: its sends, to be decided as
    // of the day's start on the state then (docs/live.md, "Scale"); null when none are owed
    campaignDay: owed.length ? { at: formatTime(driver.campaignDay!.at), sends: owed } : null,
    holdouts: plan.programs.filter((p) => inHoldout(driver.seed, t.key[c * PER4], p)).map((p) => p.id),
    // the latest decisions about this customer, each in words (why a message was held, deferred or stopped)
    decisions: driver.store.decisionsOf(id, 50).map((d) => ({
      time: formatTime(d.time), program: d.program, message: d.message, channel: d.channel, status: d.status, rule: d.rule, why: d.why,
    })),
    controlGroup: inControl(driver.control, id),
  };
}
