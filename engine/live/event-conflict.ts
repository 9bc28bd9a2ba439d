/**
 * An idempotency id seen again: a retry (the same event, a duplicate: acknowledged, not processed again)
 * or another event under a taken id (a conflict: refused, reported with the fields that differ). It used
 * to be a duplicate either way, so a sender reusing ids lost events silently (e5's purchase for P7).
 *
 * Compared: what the event log keeps of an event (engine/live/store.ts EventRow) — customer, type, time,
 * channel, program, value (absent = 0). Its time only when the repeat gives one: a retry without a time
 * takes the server's clock again, a later minute than the first attempt's. The message and the category
 * are not kept in the log, so they are not compared.
 */

/** The fields of an event the log keeps (EventRow and LiveEvent both have them). */
export interface EventContent {
  customer: string;
  type: string;
  time: number;
  channel?: string;
  program?: string;
  value?: number;
}

/** The fields in which `again` differs from the event first taken under its id (none: a duplicate). */
export function differences(first: EventContent, again: EventContent & { serverTime?: boolean }): string[] {
  const out: string[] = [];
  if (first.customer !== again.customer) out.push("customer");
  if (first.type !== again.type) out.push("type");
  if (!again.serverTime && first.time !== again.time) out.push("time");
  if ((first.channel ?? "") !== (again.channel ?? "")) out.push("channel");
  if ((first.program ?? "") !== (again.program ?? "")) out.push("program");
  if ((first.value ?? 0) !== (again.value ?? 0)) out.push("value");
  return out;
}
