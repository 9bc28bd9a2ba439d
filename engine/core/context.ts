/**
 * What an expression sees when it runs inside the decision core: the customer (a row of the table),
 * the time, and, where relevant, the event being handled, the journey instance and the message being
 * weighed. One mutable context object is reused per core, never allocated per evaluation.
 */
import type { CustomerTable } from "./customer-table.ts";
import type { CoreEvent } from "./events.ts";

export interface ExprCtx {
  t: CustomerTable;
  c: number;
  now: number;
  ev: CoreEvent | null;
  slot: number; // journey instance slot (c * journeys + j), -1 outside a journey
  msgProgram: number;
  msgChannel: number;
  msgCategory: number;
  names: { programs: readonly string[]; categories: readonly string[]; channels: readonly string[] };
}

export function newCtx(t: CustomerTable, names: ExprCtx["names"]): ExprCtx {
  return { t, c: 0, now: 0, ev: null, slot: -1, msgProgram: -1, msgChannel: -1, msgCategory: -1, names };
}
