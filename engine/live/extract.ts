/**
 * Manual extraction (issue 10c), for teams without an integration: the day's target lists, one CSV per
 * program and channel, taken from the outbox — so after consent, send windows, pressure rules,
 * holdouts and the control group, exactly what the live engine decided to send that day (a day of the
 * plan's timezone). With `confirm`, the extracted messages are recorded as sent (outbox state
 * `delivered`, last error `extracted`) in the transaction that reads them, and the extraction is audited.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DAY, formatTime } from "../core/time.ts";
import { InputError } from "../plan/errors.ts";
import { listFileName } from "./list-file.ts";
import { csvField } from "../report/csv-export.ts";
import type { OutboxRow, Store } from "./store.ts";

export interface Extraction {
  day: string;
  files: { file: string; program: string; channel: string; messages: number }[];
  messages: number;
  confirmed: boolean;
}

type Pending = OutboxRow & { next_attempt: number; last_error: string };

/**
 * `day`: YYYY-MM-DD; `dayStart`: its first minute (UTC minutes of the plan's local midnight).
 * With `confirm`, the messages are read, marked sent and written in one transaction (BEGIN IMMEDIATE:
 * the server cannot cancel or send one meanwhile), and only those marked are written and counted: a
 * message cancelled (unsubscribe) or taken by the webhook between an earlier read and the marks was
 * still written to a list and counted "recorded as sent". A file that cannot be written undoes the marks.
 */
export function extractDay(store: Store, day: string, dayStart: number, dir: string, confirm: boolean, actor: string, now: number): Extraction {
  const read = () =>
    store.query<Pending>(
      "SELECT * FROM outbox WHERE state = 'pending' AND time >= ? AND time < ? ORDER BY program, channel, time, customer, id",
      dayStart, dayStart + DAY,
    );
  if (!confirm) {
    const rows = read();
    return { day, files: writeLists(rows, day, dir), messages: rows.length, confirmed: false };
  }
  return store.tx(() => {
    const marked = read().filter((r) => store.setDelivery(r.id, "delivered", r.attempts + 1, 0, "extracted", { from: "pending", at: now * 60_000 }));
    const files = writeLists(marked, day, dir);
    if (marked.length) store.audit(now, actor, "outbox.extract", day, { messages: marked.length, files: files.length });
    return { day, files, messages: marked.length, confirmed: marked.length > 0 };
  });
}

/** One CSV per program and channel (list-file.ts names them); a file that cannot be written is an InputError naming it. */
function writeLists(rows: Pending[], day: string, dir: string): Extraction["files"] {
  const groups = new Map<string, Pending[]>();
  for (const r of rows) {
    const k = `${r.program}\u0000${r.channel}`;
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k)!.push(r);
  }
  const files: Extraction["files"] = [], names = new Set<string>();
  attempt(dir, () => mkdirSync(dir, { recursive: true }));
  for (const list of groups.values()) {
    const { program, channel } = list[0];
    const file = join(dir, listFileName(day, program, channel));
    if (names.has(file)) throw new Error(`extract: two lists named ${file}`); // list-file.ts makes names unique
    names.add(file);
    const lines = ["customer,program,message,channel,category,time,key", ...list.map((r) =>
      [r.customer, r.program, r.message, r.channel, r.category, formatTime(r.time), r.key].map(csvField).join(",")
    )];
    attempt(file, () => writeFileSync(file, lines.join("\n") + "\n"));
    files.push({ file, program, channel, messages: list.length });
  }
  return files;
}

/** Runs a file operation; its failure (a full disk, a folder not writable) is one line naming the path. */
function attempt(path: string, f: () => void): void {
  try {
    f();
  } catch (e) {
    throw new InputError(`--out: cannot write ${path} (${(e as Error).message.split("\n")[0]}); nothing was recorded as sent`);
  }
}
