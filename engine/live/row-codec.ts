/**
 * One customer's state as a compact versioned JSON row: profile, consents, journey instances keyed by
 * program id, and the contact ledger with program ids and category names (so a row outlives the plan
 * that wrote it: indices change when a plan is replaced, ids do not).
 *
 * The live driver keeps every customer in one CustomerTable (the same struct-of-arrays the simulator
 * uses, so both drivers run the same decision code over the same representation) and writes the rows
 * it touched back to the store in the transaction that touched them.
 *
 * Interim: the lead's core/row-codec.ts (issue 9) will replace this file; the live driver only calls
 * `encodeRow`/`decodeRow`.
 */
import type { CompiledPlan } from "../core/compiled.ts";
import type { CustomerTable } from "../core/customer-table.ts";
import { NEVER } from "../core/customer-table.ts";
import { STRIDE } from "../core/ledger.ts";

export const ROW_VERSION = 1;

/** A journey instance: next instruction, generation, entries, last entry, flags. */
export type JourneyRow = [pc: number, gen: number, entries: number, lastEntry: number | null, flags: number];

export interface CustomerRow {
  v: number;
  id: string;
  tz: number;
  signup: number;
  consent: number;
  consent0: number;
  orders: number;
  revenue: number;
  lastPurchase: number | null;
  lastVisit: number | null;
  lastOpen: number | null;
  lastClick: number | null;
  lastContact: number | null;
  gone: number;
  birthday: number;
  score: number;
  limit: number;
  rfm: number;
  journeys: Record<string, JourneyRow>; // by program id
  ledger: [time: number, program: string | null, channel: number, category: string, priority: number][];
}

const t2j = (t: number) => (t === NEVER ? null : t);
const j2t = (t: number | null | undefined) => (t === null || t === undefined ? NEVER : t);

export function encodeRow(plan: CompiledPlan, t: CustomerTable, c: number): CustomerRow {
  const journeys: Record<string, JourneyRow> = {};
  for (let j = 0; j < t.journeys; j++) {
    const s = c * t.journeys + j;
    if (t.jPc[s] < 0 && t.jEntries[s] === 0) continue;
    journeys[plan.programs[plan.journeys[j].program].id] = [t.jPc[s], t.jGen[s], t.jEntries[s], t2j(t.jLastEntry[s]), t.jFlags[s]];
  }
  const ledger: CustomerRow["ledger"] = [];
  const l = t.ledgers[c] ?? [];
  for (let i = 0; i < l.length; i += STRIDE) {
    ledger.push([l[i], l[i + 1] >= 0 ? plan.names.programs[l[i + 1]] ?? null : null, l[i + 2], plan.names.categories[l[i + 3]] ?? "", l[i + 4]]);
  }
  return {
    v: ROW_VERSION, id: t.ids[c], tz: t.tz[c], signup: t.signup[c], consent: t.consent[c], consent0: t.consent0[c],
    orders: t.orders[c], revenue: t.revenue[c], lastPurchase: t2j(t.lastPurchase[c]), lastVisit: t2j(t.lastVisit[c]),
    lastOpen: t2j(t.lastOpen[c]), lastClick: t2j(t.lastClick[c]), lastContact: t2j(t.lastContact[c]), gone: t.gone[c],
    birthday: t.birthday[c], score: t.score[c], limit: t.limit[c], rfm: t.rfm[c], journeys, ledger,
  };
}

/**
 * Writes a row into slot c. Journey instances of programs the plan no longer has are dropped, and so
 * is the instance of a program whose code changed (`keep` says which program ids may continue).
 */
export function decodeRow(plan: CompiledPlan, t: CustomerTable, c: number, r: CustomerRow, keep?: Set<string>): void {
  if (r.v !== ROW_VERSION) throw new Error(`customer ${r.id}: row version ${r.v}, expected ${ROW_VERSION}`);
  t.ids[c] = r.id;
  t.tz[c] = r.tz, t.signup[c] = r.signup, t.consent[c] = r.consent, t.consent0[c] = r.consent0;
  t.orders[c] = r.orders, t.revenue[c] = r.revenue, t.lastPurchase[c] = j2t(r.lastPurchase), t.lastVisit[c] = j2t(r.lastVisit);
  t.lastOpen[c] = j2t(r.lastOpen), t.lastClick[c] = j2t(r.lastClick), t.lastContact[c] = j2t(r.lastContact);
  t.gone[c] = r.gone, t.birthday[c] = r.birthday, t.score[c] = r.score, t.limit[c] = r.limit, t.rfm[c] = r.rfm;
  for (let j = 0; j < t.journeys; j++) {
    const s = c * t.journeys + j, id = plan.programs[plan.journeys[j].program].id, row = r.journeys[id];
    if (!row) {
      t.jPc[s] = -1, t.jGen[s] = 0, t.jEntries[s] = 0, t.jLastEntry[s] = NEVER, t.jFlags[s] = 0;
      continue;
    }
    const continues = !keep || keep.has(id);
    // a changed program keeps its entry history (re-entry rules) but its running instance ends
    t.jPc[s] = continues ? row[0] : -1, t.jGen[s] = continues ? row[1] : row[1] + 1;
    t.jEntries[s] = row[2], t.jLastEntry[s] = j2t(row[3]), t.jFlags[s] = row[4];
  }
  const l: number[] = [];
  for (const [time, program, channel, category, priority] of r.ledger) {
    const p = program === null ? -1 : plan.names.programs.indexOf(program);
    let k = plan.names.categories.indexOf(category);
    if (k < 0) k = 0;
    l.push(time, p, channel, k, priority);
  }
  t.ledgers[c] = l.length ? l : undefined;
}

/** A new customer's row with the table's defaults. */
export function emptyRow(id: string): CustomerRow {
  return {
    v: ROW_VERSION, id, tz: 0, signup: 0, consent: 0, consent0: 0, orders: 0, revenue: 0, lastPurchase: null, lastVisit: null,
    lastOpen: null, lastClick: null, lastContact: null, gone: 0, birthday: -1, score: 0, limit: 3, rfm: 0, journeys: {}, ledger: [],
  };
}
