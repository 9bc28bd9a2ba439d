/**
 * A history population's starting pressure and fatigue from the contact history: what each customer
 * really received before the run (docs/history.md, "Contact history").
 */
import { consentBit, DEFAULT_CATEGORIES } from "../core/channels.ts";
import type { CustomerTable } from "../core/customer-table.ts";
import { addContact, SENT } from "../core/ledger.ts";
import { DAY, type Minutes } from "../core/time.ts";
import { CLICKED, COMPLAINED, DELIVERED, OPENED, UNSUBSCRIBED } from "../../datasets/contacts-import.ts";
import type { History } from "../../datasets/import.ts";
import type { Traits } from "./population.ts";
import type { WorldModel } from "./world-model.ts";
import { PER2, PER4 } from "../core/record.ts";
import { TR4, TR8 } from "./population.ts";

/** Past sends within this many days of the start enter the pressure ledgers (rules rarely look further back). */
export const LEDGER_DAYS = 90;

/**
 * The contact history before the start, as each customer really received it: sends of the last
 * LEDGER_DAYS days enter the pressure ledger (program -1, a contact outside the plan, as decide.ts's
 * `external`; categories by name among transactional, relational, promotional, any other counting as
 * promotional), lastContact / lastOpen / lastClick are the latest such sends, an unsubscribe or complaint
 * withdraws that channel's consent, and fatigue is what the world model would have accumulated: each
 * delivered non-transactional send adds its channel's weight × the customer's sensitivity, halved every
 * fatigueHalfLifeDays up to the start.
 */
export function seedContacts(h: History, start: Minutes, rowOf: Int32Array, table: CustomerTable, traits: Traits, w: WorldModel): void {
  const k = h.contacts!, halfLife = w.fatigueHalfLifeDays * DAY, from = start - LEDGER_DAYS * DAY;
  const core = k.categories.map((name) => {
    const i = (DEFAULT_CATEGORIES as readonly string[]).indexOf(name);
    return i >= 0 ? i : DEFAULT_CATEGORIES.indexOf("promotional");
  });
  const transactional = DEFAULT_CATEGORIES.indexOf("transactional"), promotional = DEFAULT_CATEGORIES.indexOf("promotional");
  const contact = { time: 0, program: -1, channel: 0, category: 0, priority: SENT }; // gone before the run
  for (let i = 0; i < k.length; i++) {
    const c = rowOf[k.customer[i]], time = k.time[i];
    if (c < 0 || time >= start) continue;
    const ch = k.channel[i], cat = k.category[i] >= 0 ? core[k.category[i]] : promotional, o = k.outcome[i];
    if (time >= from) {
      contact.time = time, contact.channel = ch, contact.category = cat;
      addContact(table.ledger(c), contact);
    }
    if (time > table.lastContact[c * PER4]) table.lastContact[c * PER4] = time;
    if (o & OPENED && time > table.lastOpen[c * PER4]) table.lastOpen[c * PER4] = time;
    if (o & CLICKED && time > table.lastClick[c * PER4]) table.lastClick[c * PER4] = time;
    if (o & (UNSUBSCRIBED | COMPLAINED)) table.consent[c * PER2] = table.consent0[c] = table.consent[c * PER2] & ~consentBit(ch);
    if (o & DELIVERED && cat !== transactional) {
      traits.fatigue[c * TR8] += w.channels[ch].fatigueWeight * traits.sensitivity[c * TR4] * Math.pow(0.5, (start - time) / halfLife);
    }
  }
}
