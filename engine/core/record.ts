/**
 * A customer's hot state as one 64-byte record instead of one element in each of some twenty arrays. At
 * a million customers a customer's state is far beyond the CPU caches when its next event comes, and
 * every array it is read from costs a line fetched from memory (≈ 10 ns each at 1,000,000 × 365 on this
 * project's machine: docs/performance.md, "Thirteenth session"); its record is one cache line, or two
 * side by side (a large buffer's memory starts 16 bytes past a line here; aligning it measured no gain).
 *
 * Each field stays a typed array of its own type — a view of the records' memory that starts at the
 * field's byte offset — so a reader writes `table.lastContact[c * PER4]`: customer c's element of a
 * 4-byte field is 16 elements after customer c − 1's. PER8, PER4, PER2 and PER1 are that distance for
 * fields of 8, 4, 2 and 1 bytes.
 */

/** Bytes a customer's record takes: a cache line's. */
export const RECORD = 64;
/** Elements from one customer's value of a field to the next's, for fields of 8, 4, 2 and 1 bytes. */
export const PER8 = RECORD / 8, PER4 = RECORD / 4, PER2 = RECORD / 2, PER1 = RECORD;

export type FieldArray = Float64Array | Float32Array | Int32Array | Uint32Array | Int16Array | Uint16Array | Uint8Array;
type FieldType = { new (buffer: ArrayBufferLike, byteOffset: number, length: number): FieldArray; readonly BYTES_PER_ELEMENT: number };

/**
 * A field: its element type, its byte offset in the record (a multiple of its size), its value for a new
 * customer, and how many elements it holds (one by default: a customer's affinities hold one per channel).
 */
export interface Field {
  type: FieldType;
  at: number;
  initial: number;
  count?: number;
}

/** Checks a layout once, at load: every field aligned, inside the record (`size` bytes), overlapping no other. */
export function layout<K extends string>(fields: Record<K, Field>, size = RECORD): Record<K, Field> {
  const used = new Uint8Array(size);
  for (const [name, f] of Object.entries(fields) as [string, Field][]) {
    const bytes = f.type.BYTES_PER_ELEMENT * (f.count ?? 1);
    if (f.at % f.type.BYTES_PER_ELEMENT !== 0 || f.at + bytes > size) throw new Error(`record field ${name}: offset ${f.at} is not a place for ${bytes} bytes`);
    for (let b = f.at; b < f.at + bytes; b++) if (used[b]++) throw new Error(`record field ${name} overlaps another at byte ${b}`);
  }
  return fields;
}

/**
 * Records lo … hi−1 of `rows` (records of `size` bytes, all zero) given the fields' initial values: one
 * record written field by field, then copied over the rest in doubling blocks (a store per field and
 * customer, through views of six element types, took 0.24 s for a million customers).
 */
export function fillRecords(rows: Uint8Array, fields: Record<string, Field>, lo: number, hi: number, size = RECORD): void {
  if (hi <= lo || Object.values(fields).every((f) => f.initial === 0)) return; // the memory comes zeroed
  const one = rows.subarray(lo * size, (lo + 1) * size), views = fieldViews(one, fields, size);
  for (const [name, f] of Object.entries(fields)) views[name].fill(f.initial, 0, f.count ?? 1);
  const from = lo * size, end = hi * size;
  for (let done = size; from + done < end; done *= 2) rows.copyWithin(from + done, from, Math.min(from + 2 * done, end) - done);
}

/** Each field's view of `rows` (whole records of `size` bytes, as many as it holds). */
export function fieldViews<K extends string>(rows: Uint8Array, fields: Record<K, Field>, size = RECORD): Record<K, FieldArray> {
  const n = Math.floor(rows.length / size), out = {} as Record<K, FieldArray>;
  for (const [name, f] of Object.entries(fields) as [K, Field][]) {
    const step = size / f.type.BYTES_PER_ELEMENT;
    // no record: an empty array (a view at the field's offset would start past the end of an empty buffer)
    out[name] = n === 0 ? new f.type(new ArrayBuffer(0), 0, 0) : new f.type(rows.buffer, rows.byteOffset + f.at, (n - 1) * step + (f.count ?? 1));
  }
  return out;
}

/**
 * Field `f`'s value of the first `n` records (of `size` bytes) as a plain array, from its view (reports,
 * tests, anything that is not a hot loop); a field of several values gives each record's first.
 */
export function column(view: ArrayLike<number>, f: Field, n: number, size = RECORD): number[] {
  const out = new Array<number>(n), step = size / f.type.BYTES_PER_ELEMENT;
  for (let c = 0; c < n; c++) out[c] = view[c * step];
  return out;
}
