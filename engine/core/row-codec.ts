/**
 * One customer's state as a compact, versioned JSON row, for a driver that keeps customers in a store
 * (the live server) rather than all in memory: it decodes a row into a slot of a CustomerTable, lets
 * the core decide, and encodes the slot back. The row holds the profile, consents and reachable
 * addresses, extra attributes, journey instances keyed by program id, and the contact ledger with
 * program ids and category names — ids and names, not indices, so that a row outlives the plan that
 * wrote it (indices change when a plan is replaced; ids do not).
 *
 * Versions: 1 (no `reach`, `lastSeen`, `attrs`, held-message counts), 2 (this one). Decoding a version-1 row reads
 * every address as reachable and no message as held. Entries of programs the plan no longer has are
 * kept with program -1 (they still count in rules without a program filter); a category the plan no
 * longer has is read as `relational` (a marketing contact, never exempt as transactional would be).
 *
 * Custom channels (issue 11 #11) are named, not numbered, for the same reason: their consent, start
 * consent and reach are kept by channel name in `channels` (bits 1, 2, 4), their ledger entries carry
 * the channel's name. A custom channel a row has no bits for (a plan that adds it) takes them from its
 * attribute (engine/core/custom-consent.ts); ledger entries of a custom channel the plan no longer has
 * are dropped (no rule of the new plan can name it). Rows of plans without custom channels are as before.
 */
import type { CompiledPlan } from "./compiled.ts";
import { ALL_CONSENTS, BUILTIN_CHANNELS } from "./channels.ts";
import { customBits, setCustomBits } from "./custom-consent.ts";
import { type CustomerTable, NEVER, J1, J2, J4 } from "./customer-table.ts";
import { hashString } from "./hash.ts";
import { STRIDE } from "./ledger.ts";
import { PER1, PER2, PER4, PER8 } from "./record.ts";

export const ROW_VERSION = 2;

/** A journey instance: next instruction, generation, entries, last entry, flags, held messages. */
export type JourneyRow = [pc: number, gen: number, entries: number, lastEntry: number | null, flags: number, held?: number];

export type AttrValue = string | number | boolean | null;

export interface CustomerRow {
  v: number;
  id: string;
  tz: number;
  signup: number;
  consent: number;
  consent0: number;
  reach?: number; // bit per channel with a working address; absent in version 1 (all reachable)
  orders: number;
  revenue: number;
  lastPurchase: number | null;
  lastVisit: number | null;
  lastOpen: number | null;
  lastClick: number | null;
  lastContact: number | null;
  lastSeen?: number | null; // absent in version 1
  gone: number;
  birthday: number;
  score: number;
  limit: number;
  rfm: number;
  attrs?: Record<string, AttrValue>;
  channels?: Record<string, number>; // custom channels: 1 consent, 2 consent at the start, 4 reachable
  journeys: Record<string, JourneyRow>; // by program id
  ledger: [time: number, program: string | null, channel: number | string, category: string, priority: number][]; // channel: built-in index or custom name
  /** Live server: the decision time of a campaign day still owed to others whose sends this customer has had (engine/live/campaign-debt.ts). */
  offered?: number;
}

const t2j = (t: number) => (t === NEVER ? null : t);
const j2t = (t: number | null | undefined) => (t === null || t === undefined ? NEVER : t);
const RELATIONAL = 1; // engine/core/channels.ts DEFAULT_CATEGORIES

/** The row of slot `c`. @example store.put(id, JSON.stringify(encodeRow(plan, table, c))) */
export function encodeRow(plan: CompiledPlan, t: CustomerTable, c: number): CustomerRow {
  const journeys: Record<string, JourneyRow> = {};
  for (let j = 0; j < t.journeys; j++) {
    const s = c * t.journeys + j;
    if (t.jPc[s * J4] < 0 && t.jEntries[s * J2] === 0) continue;
    journeys[plan.programs[plan.journeys[j].program].id] = [t.jPc[s * J4], t.jGen[s * J4], t.jEntries[s * J2], t2j(t.jLastEntry[s * J4]), t.jFlags[s * J1], t.jPending[s * J1]];
  }
  const ledger: CustomerRow["ledger"] = [];
  const l = t.ledgers[c] ?? [];
  for (let i = 0; i < l.length; i += STRIDE) {
    const ch = l[i + 2] < BUILTIN_CHANNELS ? l[i + 2] : plan.names.channels[l[i + 2]];
    ledger.push([l[i], l[i + 1] >= 0 ? plan.names.programs[l[i + 1]] ?? null : null, ch, plan.names.categories[l[i + 3]] ?? "", l[i + 4]]);
  }
  const row: CustomerRow = {
    v: ROW_VERSION, id: t.ids[c], tz: t.tz[c * PER2], signup: t.signup[c * PER4], consent: t.consent[c * PER2] & ALL_CONSENTS, consent0: t.consent0[c] & ALL_CONSENTS,
    reach: t.reach[c * PER2] & ALL_CONSENTS, orders: t.orders[c * PER4], revenue: t.revenue[c * PER8], lastPurchase: t2j(t.lastPurchase[c * PER4]),
    lastVisit: t2j(t.lastVisit[c * PER4]), lastOpen: t2j(t.lastOpen[c * PER4]), lastClick: t2j(t.lastClick[c * PER4]),
    lastContact: t2j(t.lastContact[c * PER4]), lastSeen: t2j(t.lastSeen[c * PER4]), gone: t.gone[c * PER1], birthday: t.birthday[c * PER2], score: t.score[c * PER4], limit: t.limit[c * PER4],
    rfm: t.rfm[c * PER2], journeys, ledger,
  };
  if (plan.names.channels.length > BUILTIN_CHANNELS) row.channels = customBits(plan, t, c);
  if (t.attrs.size) {
    row.attrs = {};
    for (const [name, values] of [...t.attrs.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) row.attrs[name] = values[c] ?? null;
  }
  return row;
}

/**
 * Writes a row into slot c. Journey instances of programs the plan no longer has are dropped, and so
 * is the running instance of a program whose code changed (`keep` says which program ids may continue;
 * all when absent); entry history (re-entry rules) is kept.
 */
export function decodeRow(plan: CompiledPlan, t: CustomerTable, c: number, r: CustomerRow, keep?: Set<string>): void {
  if (r.v !== 1 && r.v !== ROW_VERSION) throw new Error(`customer ${r.id}: row version ${r.v}, expected 1 or ${ROW_VERSION}`);
  t.ids[c] = r.id, t.key[c * PER4] = hashString(r.id);
  t.tz[c * PER2] = r.tz, t.signup[c * PER4] = r.signup, t.consent[c * PER2] = r.consent & ALL_CONSENTS, t.consent0[c] = r.consent0 & ALL_CONSENTS;
  t.reach[c * PER2] = (r.reach ?? ALL_CONSENTS) & ALL_CONSENTS;
  t.orders[c * PER4] = r.orders, t.revenue[c * PER8] = r.revenue, t.lastPurchase[c * PER4] = j2t(r.lastPurchase), t.lastVisit[c * PER4] = j2t(r.lastVisit);
  t.lastOpen[c * PER4] = j2t(r.lastOpen), t.lastClick[c * PER4] = j2t(r.lastClick), t.lastContact[c * PER4] = j2t(r.lastContact);
  t.lastSeen[c * PER4] = j2t(r.lastSeen);
  t.gone[c * PER1] = r.gone, t.birthday[c * PER2] = r.birthday, t.score[c * PER4] = r.score, t.limit[c * PER4] = r.limit, t.rfm[c * PER2] = r.rfm;
  for (const values of t.attrs.values()) values[c] = null;
  for (const [name, v] of Object.entries(r.attrs ?? {})) {
    let values = t.attrs.get(name);
    if (!values) t.attrs.set(name, values = []);
    values[c] = v;
  }
  if (plan.names.channels.length > BUILTIN_CHANNELS) setCustomBits(plan, t, c, r.channels ?? {}, r.attrs ?? {});
  for (let j = 0; j < t.journeys; j++) {
    const s = c * t.journeys + j, id = plan.programs[plan.journeys[j].program].id, row = r.journeys[id];
    if (!row) {
      t.jPc[s * J4] = -1, t.jGen[s * J4] = 0, t.jEntries[s * J2] = 0, t.jLastEntry[s * J4] = NEVER, t.jFlags[s * J1] = 0, t.jPending[s * J1] = 0;
      continue;
    }
    const continues = !keep || keep.has(id);
    t.jPc[s * J4] = continues ? row[0] : -1, t.jGen[s * J4] = continues ? row[1] : row[1] + 1;
    t.jEntries[s * J2] = row[2], t.jLastEntry[s * J4] = j2t(row[3]), t.jFlags[s * J1] = row[4], t.jPending[s * J1] = continues ? row[5] ?? 0 : 0;
  }
  const l: number[] = [];
  for (const [time, program, channel, category, priority] of r.ledger) {
    const p = program === null ? -1 : plan.names.programs.indexOf(program);
    const k = plan.names.categories.indexOf(category);
    const ch = typeof channel === "number" ? channel : plan.names.channels.indexOf(channel);
    if (ch < 0) continue; // a custom channel this plan does not have
    l.push(time, p, ch, k < 0 ? RELATIONAL : k, priority);
  }
  t.ledgers[c] = l.length ? l : undefined;
}

/** A new customer's row with the table's defaults. */
export function emptyRow(id: string): CustomerRow {
  return {
    v: ROW_VERSION, id, tz: 0, signup: 0, consent: 0, consent0: 0, reach: ALL_CONSENTS, orders: 0, revenue: 0,
    lastPurchase: null, lastVisit: null, lastOpen: null, lastClick: null, lastContact: null, lastSeen: null, gone: 0, birthday: -1, score: 0,
    limit: 3, rfm: 0, journeys: {}, ledger: [],
  };
}
