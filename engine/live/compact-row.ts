/**
 * The stored form of a customer's core state in the live store: the row of engine/core/row-codec.ts
 * as a JSON array in a fixed field order instead of an object — no field names, and no id (the
 * customers table's key already holds it). A bench customer's state went from ≈ 470 to ≈ 300 bytes:
 * smaller rows share 4 KiB pages, so the pages a group commit writes to the WAL (and the checkpointer
 * copies) are fewer for the same customers touched (docs/performance.md, "Live server").
 *
 * The first element is the row version (row-codec.ts ROW_VERSION), then the fields of FIELDS, then
 * `attrs` and `channels` (null when the row has none). Rows written before this format (a JSON object,
 * text beginning with "{") are still read as they are, so no migration rewrites the table: a customer's
 * row moves to this form the next time it is written.
 */
import type { CustomerRow } from "../core/row-codec.ts";

const FIELDS = [
  "tz", "signup", "consent", "consent0", "reach", "orders", "revenue", "lastPurchase", "lastVisit", "lastOpen", "lastClick",
  "lastContact", "lastSeen", "gone", "birthday", "score", "limit", "rfm", "journeys", "ledger",
] as const;

/** The stored text of a row. */
export function packRow(r: CustomerRow): string {
  const out: unknown[] = [r.v];
  for (const f of FIELDS) out.push(r[f] ?? null);
  out.push(r.attrs ?? null, r.channels ?? null);
  return JSON.stringify(out);
}

/** The row stored under `id`: this module's array form, or the older JSON object. */
export function unpackRow(id: string, text: string): CustomerRow {
  const parsed = JSON.parse(text) as unknown;
  if (!Array.isArray(parsed)) return parsed as CustomerRow;
  if (parsed.length !== FIELDS.length + 3) {
    throw new Error(`customer ${id}: stored row has ${parsed.length} fields, expected ${FIELDS.length + 3}`);
  }
  const row: Record<string, unknown> = { v: parsed[0], id };
  for (let i = 0; i < FIELDS.length; i++) row[FIELDS[i]] = parsed[i + 1];
  const attrs = parsed[FIELDS.length + 1], channels = parsed[FIELDS.length + 2];
  if (attrs !== null) row.attrs = attrs;
  if (channels !== null) row.channels = channels;
  // `reach` and `lastSeen` are absent from version-1 rows; null here means absent for reach
  if (row.reach === null) delete row.reach;
  return row as unknown as CustomerRow;
}
