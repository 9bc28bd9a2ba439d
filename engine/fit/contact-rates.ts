/**
 * The brand's own response rates per send, measured on its contact history: per channel, delivered per
 * send, opened per delivered, clicks per open, unsubscribes and complaints per delivered, each with a
 * 95 % Wilson interval. Transactional sends (category "transactional") are left out: the world model's
 * channel rates are those of marketing messages. `worldParams` turns them into world parameters
 * (a Partial<WorldModel> the simulator takes as RunOptions.world).
 *
 * Mapping onto the world model (engine/sim/world-model.ts), at its reference cadence:
 *   deliver = delivered / sent; open = opened / delivered (P(open | delivered), inbox placement included);
 *   click = clicks / opens / tracked (the world's click counts untracked visits too; tracked is kept);
 *   unsubscribe, complain = per delivered.
 * Measured opens include machine opens (Apple Mail Privacy Protection): with the world's machineOpens at 0
 * they all count as human opens, which overstates clicks-per-open less than it would understate opens.
 */
import { CHANNELS } from "../core/channels.ts";
import type { Minutes } from "../core/time.ts";
import { CLICKED, COMPLAINED, type Contacts, DELIVERED, OPENED, UNSUBSCRIBED } from "../../datasets/contacts-import.ts";
import { DEFAULT_WORLD, type WorldModel } from "../sim/world-model.ts";

export interface Rate {
  value: number;
  low: number;
  high: number;
  /** successes / trials */
  n: number;
  of: number;
}

export interface ChannelRates {
  channel: string;
  sent: number;
  deliver?: Rate;
  open?: Rate;
  clickPerOpen?: Rate;
  unsubscribe?: Rate;
  complain?: Rate;
}

/** Wilson score interval, 95 %. */
function rate(n: number, of: number): Rate | undefined {
  if (of === 0) return undefined;
  const z = 1.959964, p = n / of, d = 1 + (z * z) / of;
  const mid = (p + (z * z) / (2 * of)) / d, half = (z * Math.sqrt((p * (1 - p)) / of + (z * z) / (4 * of * of))) / d;
  return { value: p, low: Math.max(0, mid - half), high: Math.min(1, mid + half), n, of };
}

/**
 * Rates per channel that has sends, from sends up to `until` (inclusive minute bound; default all).
 * @example contactRates(h.contacts!).find((r) => r.channel === "email")?.open?.value
 */
export function contactRates(c: Contacts, until: Minutes = Infinity): ChannelRates[] {
  const tx = c.categories.indexOf("transactional");
  const k = CHANNELS.map(() => ({ sent: 0, delivered: 0, opened: 0, clicked: 0, unsub: 0, complained: 0 }));
  for (let i = 0; i < c.length; i++) {
    if (c.time[i] > until || (tx >= 0 && c.category[i] === tx)) continue;
    const o = c.outcome[i], s = k[c.channel[i]];
    s.sent++;
    if (o & DELIVERED) s.delivered++;
    if (o & OPENED) s.opened++;
    if (o & CLICKED) s.clicked++;
    if (o & UNSUBSCRIBED) s.unsub++;
    if (o & COMPLAINED) s.complained++;
  }
  const has = (bit: number) => (c.measured & bit) !== 0;
  const out: ChannelRates[] = [];
  k.forEach((s, ch) => {
    if (s.sent === 0) return;
    const r: ChannelRates = { channel: CHANNELS[ch], sent: s.sent };
    if (has(DELIVERED)) r.deliver = rate(s.delivered, s.sent);
    if (has(OPENED)) r.open = rate(s.opened, s.delivered);
    if (has(CLICKED) && has(OPENED)) r.clickPerOpen = rate(s.clicked, s.opened);
    if (has(UNSUBSCRIBED)) r.unsubscribe = rate(s.unsub, s.delivered);
    if (has(COMPLAINED)) r.complain = rate(s.complained, s.delivered);
    out.push(r);
  });
  return out;
}

/**
 * World parameters with the measured rates in place of the defaults (other channels and fields as in
 * `base`): `{ channels: [...] }`, the whole array since world overrides replace arrays.
 * @example runPlan(plan, { world: worldParams(contactRates(h.contacts!)) })
 */
export function worldParams(rates: ChannelRates[], base: WorldModel = DEFAULT_WORLD): Pick<WorldModel, "channels"> {
  const channels = structuredClone(base.channels);
  for (const r of rates) {
    const w = channels[CHANNELS.indexOf(r.channel as typeof CHANNELS[number])];
    if (r.deliver) w.deliver = r.deliver.value;
    if (r.open) w.open = r.open.value;
    if (r.clickPerOpen) w.click = Math.min(1, r.clickPerOpen.value / (w.tracked || 1));
    if (r.unsubscribe) w.unsubscribe = r.unsubscribe.value;
    if (r.complain) w.complain = r.complain.value;
  }
  return { channels };
}
