/**
 * Manual extraction (issue 10c), for teams without an integration: the day's target lists, one CSV per
 * program and channel, taken from the outbox — so after consent, send windows, pressure rules,
 * holdouts and the control group, exactly what the live engine decided to send that day (a day of the
 * plan's timezone). With `confirm`, the extracted messages are recorded as sent (outbox state
 * `delivered`, last error `extracted`) in one transaction, and the extraction is audited.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DAY, formatTime } from "../core/time.ts";
import type { OutboxRow, Store } from "./store.ts";

export interface Extraction {
  day: string;
  files: { file: string; program: string; channel: string; messages: number }[];
  messages: number;
  confirmed: boolean;
}

const csvCell = (v: string | number) => (/[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));

/** `day`: YYYY-MM-DD; `dayStart`: its first minute (UTC minutes of the plan's local midnight). */
export function extractDay(store: Store, day: string, dayStart: number, dir: string, confirm: boolean, actor: string, now: number): Extraction {
  const rows = store.query<OutboxRow & { next_attempt: number; last_error: string }>(
    "SELECT * FROM outbox WHERE state = 'pending' AND time >= ? AND time < ? ORDER BY program, channel, time, customer, id",
    dayStart, dayStart + DAY,
  );
  const groups = new Map<string, typeof rows>();
  for (const r of rows) {
    const k = `${r.program}\u0000${r.channel}`;
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k)!.push(r);
  }
  mkdirSync(dir, { recursive: true });
  const files: Extraction["files"] = [];
  for (const list of groups.values()) {
    const { program, channel } = list[0];
    const file = join(dir, `${day}_${program}_${channel}.csv`.replace(/[^\w.-]/g, "_"));
    const lines = ["customer,program,message,channel,category,time,key", ...list.map((r) =>
      [r.customer, r.program, r.message, r.channel, r.category, formatTime(r.time), r.key].map(csvCell).join(",")
    )];
    writeFileSync(file, lines.join("\n") + "\n");
    files.push({ file, program, channel, messages: list.length });
  }
  if (confirm && rows.length) {
    store.tx(() => {
      for (const r of rows) store.setDelivery(r.id, "delivered", r.attempts + 1, 0, "extracted", "pending");
      store.audit(now, actor, "outbox.extract", day, { messages: rows.length, files: files.length });
    });
  }
  return { day, files, messages: rows.length, confirmed: confirm && rows.length > 0 };
}
