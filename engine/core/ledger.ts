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
 *   priority  the program's priority for this customer when the contact was decided (higher wins), until
 *             it goes out; then SENT
 */
import type { Minutes } from "./time.ts";

export const STRIDE = 5;
export const L_TIME = 0, L_PROGRAM = 1, L_CHANNEL = 2, L_CATEGORY = 3, L_PRIORITY = 4;

/**
 * The priority of a contact that has gone out: above every program's (a literal or constant priority
 * lies in ±1,000,000, engine/plan/validate.ts; an expression's value is kept below SENT by
 * engine/core/decide.ts `priorityOf`), so that nothing decided later outranks it. A contact waiting for
 * its send time keeps its program's priority until it goes, and a message of higher priority decided
 * at the very minute it is due still outranks it (the time alone cannot tell them apart:
 * docs/pressure-rules.md, "Sent or pending"). 2^30 − 1, the largest integer V8 keeps unboxed: a ledger
 * of integers stays an array of small integers (Number.MAX_VALUE made every ledger an array of doubles;
 * no slower measurably, docs/performance.md, but not faster either).
 */
export const SENT = 2 ** 30 - 1;

/** Has the entry at i gone out by `now`: before `now`, or at `now` and marked SENT? */
export function isSent(ledger: number[], i: number, now: Minutes): boolean {
  return ledger[i] < now || ledger[i + L_PRIORITY] === SENT;
}

/** A contact being decided or recorded. */
export interface Contact {
  time: Minutes;
  program: number;
  channel: number;
  category: number;
  priority: number;
}

// The ledger changes on almost every decision: entries are moved in place by plain loops (splice
// allocates an array of the removed items each time; copyWithin on a plain array is slower still).

/** Moves ledger[from, length) to `to` (to < from) and drops the rest. */
function shiftDown(ledger: number[], to: number, from: number): void {
  const n = ledger.length;
  for (let i = from; i < n; i++) ledger[to++] = ledger[i];
  for (let k = to; k < n; k++) ledger.pop(); // inlined by the compiler, where `length = to` calls the runtime
}

/** Inserts a contact keeping the ledger sorted by time (stable: after equal times). */
export function addContact(ledger: number[], c: Contact): void {
  let i = ledger.length;
  while (i > 0 && ledger[i - STRIDE] > c.time) i -= STRIDE;
  ledger.push(c.time, c.program, c.channel, c.category, c.priority); // most contacts are the latest: appended
  if (i < ledger.length - STRIDE) {
    for (let k = ledger.length - 1; k >= i + STRIDE; k--) ledger[k] = ledger[k - STRIDE];
    ledger[i] = c.time, ledger[i + 1] = c.program, ledger[i + 2] = c.channel, ledger[i + 3] = c.category, ledger[i + 4] = c.priority;
  }
}

/**
 * Removes an entry equal to c (used when a scheduled contact is finally suppressed). Searched from the
 * end, where scheduled contacts are; entries equal to c are alike, so which one goes does not matter.
 */
export function removeContact(ledger: number[], c: Contact): boolean {
  for (let i = ledger.length - STRIDE; i >= 0; i -= STRIDE) {
    if (
      ledger[i] === c.time && ledger[i + 1] === c.program && ledger[i + 2] === c.channel &&
      ledger[i + 3] === c.category && ledger[i + 4] === c.priority
    ) {
      shiftDown(ledger, i, i + STRIDE);
      return true;
    }
  }
  return false;
}

/** Drops entries older than `before`; the plan's longest rule horizon decides `before`. */
export function pruneLedger(ledger: number[], before: Minutes): void {
  let n = 0;
  while (n < ledger.length && ledger[n] < before) n += STRIDE;
  if (n > 0) shiftDown(ledger, 0, n);
}

export const ledgerSize = (ledger: number[]): number => ledger.length / STRIDE;
