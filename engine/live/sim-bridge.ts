/**
 * From a simulation to the live API: a population's starting profiles as POST /v1/customers takes
 * them, and the simulated world's event stream as POST /v1/events takes it. Used by the parity and
 * crash tests, `cadence live-demo` and the notebook that replays a simulated "reality".
 */
import { CHANNELS } from "../core/channels.ts";
import { FEB_29, monthDay } from "../core/calendar.ts";
import type { CompiledPlan } from "../core/compiled.ts";
import { NEVER } from "../core/customer-table.ts";
import { EV_INACTIVE, EVENT_TYPES } from "../core/events.ts";
import { formatTime } from "../core/time.ts";
import type { Population } from "../sim/population.ts";
import type { Recorder } from "../sim/recorder.ts";
import { PER2, PER4, PER8 } from "../core/record.ts";

const iso = (t: number) => (t === NEVER ? null : formatTime(t));

/**
 * The population's profiles now (call it before the simulation changes them), with their extra
 * attributes when the population has any (custom channels' consents come from them: docs/live.md).
 */
export function profilesOf(p: Population): Record<string, unknown>[] {
  const t = p.table, out: Record<string, unknown>[] = [];
  for (let c = 0; c < t.size; c++) {
    const [m, d] = monthDay(Math.min(FEB_29, Math.max(0, t.birthday[c * PER2])));
    out.push({
      id: t.ids[c], timezone: t.tz[c * PER2], signup: formatTime(t.signup[c * PER4]), consents: CHANNELS.filter((_, i) => t.consent[c * PER2] & (1 << i)),
      orders: t.orders[c * PER4], revenue: t.revenue[c * PER8], lastPurchase: iso(t.lastPurchase[c * PER4]), lastVisit: iso(t.lastVisit[c * PER4]),
      lastOpen: iso(t.lastOpen[c * PER4]), lastClick: iso(t.lastClick[c * PER4]), lastContact: iso(t.lastContact[c * PER4]),
      birthday: t.birthday[c * PER2] >= 0 ? `${String(m + 1).padStart(2, "0")}-${String(d).padStart(2, "0")}` : null,
      score: t.score[c * PER4], limit: t.limit[c * PER4], rfm: t.rfm[c * PER2],
      ...(t.attrs.size ? { attributes: Object.fromEntries([...t.attrs].map(([k, v]) => [k, v[c] ?? null])) } : {}),
    });
  }
  return out;
}

export interface StreamEvent {
  id: string;
  customer: string;
  type: string;
  time: string;
  channel?: string;
  program?: string;
  message?: string;
  value?: number;
}

/**
 * The recorded event stream in time order. Inactivity events are the plan's own (a live server
 * schedules them itself) and are left out; `keep(c)` picks customers (all by default).
 */
export function eventsOf(plan: CompiledPlan, ids: string[], rec: Recorder, keep: (c: number) => boolean = () => true, prefix = "e"): StreamEvent[] {
  const out: StreamEvent[] = [];
  for (const i of rec.eventOrder()) {
    const type = rec.eType[i], c = rec.eCust[i];
    if (type === EV_INACTIVE || !keep(c)) continue;
    const send = rec.eSend[i];
    const e: StreamEvent = { id: `${prefix}${i}`, customer: ids[c], type: type < 0 ? "left" : EVENT_TYPES[type], time: formatTime(rec.eTime[i]) };
    if (rec.eChannel[i] >= 0) e.channel = plan.names.channels[rec.eChannel[i]];
    if (send >= 0) e.program = plan.names.programs[plan.sends[send].program], e.message = plan.sends[send].message;
    if (rec.eValue[i]) e.value = rec.eValue[i];
    out.push(e);
  }
  return out;
}
