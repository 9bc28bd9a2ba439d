/**
 * A customer's contact ledger: the contacts already sent and those scheduled (time > now) that the
 * pressure rules count. Stored flat in a plain number array, STRIDE numbers per contact, sorted by time,
 * because a million customers each holding a few dozen small objects would cost gigabytes.
 *
 * Entry layout: [time, program, channel, category, priority]
 *   time      integer minutes since epoch (engine/core/time.ts)
 *   program   index into CompiledPlan.programs
 *   channel   index into CHANNELS
 *   category  index into CompiledPlan.categories
 *   priority  the program's priority for this customer when the contact was decided (higher wins)
 */
import type { Minutes } from "./time.ts";

export const STRIDE = 5;
export const L_TIME = 0, L_PROGRAM = 1, L_CHANNEL = 2, L_CATEGORY = 3, L_PRIORITY = 4;

/** A contact being decided or recorded. */
export interface Contact {
  time: Minutes;
  program: number;
  channel: number;
  category: number;
  priority: number;
}

/** Inserts a contact keeping the ledger sorted by time (stable: after equal times). */
export function addContact(ledger: number[], c: Contact): void {
  let i = ledger.length;
  while (i > 0 && ledger[i - STRIDE] > c.time) i -= STRIDE;
  ledger.splice(i, 0, c.time, c.program, c.channel, c.category, c.priority);
}

/** Removes the first entry equal to c (used when a scheduled contact is finally suppressed). */
export function removeContact(ledger: number[], c: Contact): boolean {
  for (let i = 0; i < ledger.length; i += STRIDE) {
    if (
      ledger[i] === c.time && ledger[i + 1] === c.program && ledger[i + 2] === c.channel &&
      ledger[i + 3] === c.category && ledger[i + 4] === c.priority
    ) {
      ledger.splice(i, STRIDE);
      return true;
    }
  }
  return false;
}

/** Drops entries older than `before`; the plan's longest rule horizon decides `before`. */
export function pruneLedger(ledger: number[], before: Minutes): void {
  let n = 0;
  while (n < ledger.length && ledger[n] < before) n += STRIDE;
  if (n > 0) ledger.splice(0, n);
}

export const ledgerSize = (ledger: number[]): number => ledger.length / STRIDE;
