/**
 * A split run's customers in memory shared by the coordinator and its workers: the table's records and
 * start consents (TABLE_COLUMNS) and the traits' records, each one SharedArrayBuffer for the whole
 * population, and each shard draws and simulates its customers lo … hi−1 in place, in views of it. The merged run
 * (engine/parallel/merge-shards.ts) then reads the columns where they are instead of allocating the
 * whole population's again and copying every shard's into them: ≈ 140 bytes a customer, 0.9 s of a
 * 2-worker run at a million customers, most of it memory touched for the first time
 * (docs/performance.md, "Fifth session").
 */
import { CustomerTable } from "../core/customer-table.ts";
import { RECORD } from "../core/record.ts";
import { newTraits, TRAIT, TRAIT_STORAGE, type Traits } from "../sim/population.ts";

export interface ShardStorage {
  customers: number;
  table: Record<string, SharedArrayBuffer>;
  traits: Record<string, SharedArrayBuffer>;
}

export type Column = ArrayLike<number> & { buffer: ArrayBufferLike; byteOffset: number; BYTES_PER_ELEMENT: number };
type ColumnType = new (buffer: ArrayBufferLike, byteOffset?: number, length?: number) => Column;

/** Elements a customer holds in a column: its record's bytes for the table's rows and the traits' records (engine/core/record.ts), else one. */
export const width = (k: string) => k === "rows" ? RECORD : k === "records" ? TRAIT : 1;

// the element type of each column, read from an empty table and empty traits
const template = (): Record<"table" | "traits", Record<string, Column>> => ({
  table: new CustomerTable(1, 0) as unknown as Record<string, Column>,
  traits: newTraits(1) as unknown as Record<string, Column>,
});
const typeOf = (c: Column) => c.constructor as ColumnType;

/** Zeroed shared columns for `customers`: the given table columns, and every trait. */
export function newShardStorage(customers: number, columns: readonly string[]): ShardStorage {
  const t = template(), bytes = (c: Column, k: string) => customers * width(k) * c.BYTES_PER_ELEMENT;
  return {
    customers,
    table: Object.fromEntries(columns.map((k) => [k, new SharedArrayBuffer(bytes(t.table[k], k))])),
    traits: Object.fromEntries(TRAIT_STORAGE.map((k) => [k, new SharedArrayBuffer(bytes(t.traits[k], k))])),
  };
}

/** Views of customers lo … hi−1 (for a shard's population: `PopulationOptions.shard.storage`). */
export function shardViews(s: ShardStorage, lo: number, hi: number): { table: Record<string, ArrayLike<number>>; traits: Partial<Traits> } {
  const t = template();
  const view = (of: Record<string, Column>, k: string, b: SharedArrayBuffer) => {
    const type = typeOf(of[k]);
    return new type(b, lo * width(k) * of[k].BYTES_PER_ELEMENT, (hi - lo) * width(k));
  };
  return {
    table: Object.fromEntries(Object.entries(s.table).map(([k, b]) => [k, view(t.table, k, b)])),
    traits: Object.fromEntries(Object.entries(s.traits).map(([k, b]) => [k, view(t.traits, k, b)])) as Partial<Traits>,
  };
}

/**
 * The whole population's column `k`, a view of its shared buffer `b`, when every shard's column (in
 * order, shard s holding customers from `los[s]`) is its view there — in shared memory, at its
 * customers' place; otherwise null (a shard that ran on a copy of its customers: the merge copies). A
 * view that crossed to another thread is another object on the same memory, so the test is where it
 * lies, not which buffer object.
 */
export function joined(b: SharedArrayBuffer | undefined, parts: Column[], los: number[], k: string): Column | null {
  const first = parts[0];
  if (!b || !first) return null;
  for (let s = 0; s < parts.length; s++) {
    const p = parts[s], bytes = width(k) * p.BYTES_PER_ELEMENT;
    if (!(p.buffer instanceof SharedArrayBuffer) || p.buffer.byteLength !== b.byteLength || p.byteOffset !== los[s] * bytes) return null;
  }
  const type = typeOf(first);
  return new type(b);
}
