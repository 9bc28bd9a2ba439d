/**
 * Sent marks for ledgers stored before them. Since 2026-11-26 a contact that goes out is marked in its
 * ledger entry (priority SENT, engine/core/ledger.ts; docs/pressure-rules.md, "Sent or pending"); a
 * server of before stored a sent contact with its program's priority, and told sent from pending by
 * time alone. Read as they are, such entries at the engine's very minute were pending: a message of
 * higher priority decided at that minute outranked a contact that had gone out, and a one-a-day rule
 * let a second message through.
 *
 * In a stored row a pending contact is one a held message stands for: a `due` timer of the same row
 * (same send time, program, channel, category and priority; engine/core/decide.ts `offer` enters the
 * two together, `due` takes both out). Every other entry has gone out, and is marked. On rows written
 * since the mark this changes nothing: their sent entries carry it, their pending ones have their timer.
 */
import type { CompiledPlan } from "../core/compiled.ts";
import { L_CATEGORY, L_CHANNEL, L_PRIORITY, L_PROGRAM, L_TIME, SENT, STRIDE } from "../core/ledger.ts";
import { K_DUE } from "../sim/kinds.ts";
import type { TimerRow } from "./store.ts";

/**
 * Marks SENT each entry of `ledger` that no `due` timer among `timers` stands for. The timers' send
 * steps must be `plan`'s (a row read at start; not one being re-read under a replacing plan).
 */
export function markSent(plan: CompiledPlan, ledger: number[] | undefined, timers: readonly TimerRow[]): void {
  if (!ledger) return;
  let held: TimerRow[] | null = null; // made only for a ledger with an unmarked entry
  for (let i = 0; i < ledger.length; i += STRIDE) {
    const priority = ledger[i + L_PRIORITY];
    if (priority === SENT) continue;
    held ??= timers.filter((t) => t.kind === K_DUE);
    const k = held.findIndex((t) => {
      const s = plan.sends[t.a];
      return s !== undefined && t.time === ledger[i + L_TIME] && t.b === priority && s.program === ledger[i + L_PROGRAM] &&
        s.channel === ledger[i + L_CHANNEL] && s.category === ledger[i + L_CATEGORY];
    });
    if (k >= 0) held.splice(k, 1); // each held message stands for one entry
    else ledger[i + L_PRIORITY] = SENT;
  }
}
