/** Records (engine/core/record.ts): a customer's fields in one block of memory, each field a strided view. */
import { describe, expect, it } from "vitest";
import { column, fieldViews, fillRecords, layout, PER4, RECORD } from "../../engine/core/record.ts";
import { CustomerTable, JOURNEY_FIELDS, JOURNEY_SLOT, NEVER } from "../../engine/core/customer-table.ts";

const fields = layout({
  a: { type: Float64Array, at: 0, initial: 1.5 },
  b: { type: Int32Array, at: 8, initial: -7 },
  c: { type: Uint16Array, at: 12, initial: 0 },
  d: { type: Float32Array, at: 16, initial: 2, count: 3 },
  e: { type: Uint8Array, at: 31, initial: 9 },
}, 32);

describe("records", () => {
  it("refuses a layout with a field out of place, past the record or over another", () => {
    expect(() => layout({ x: { type: Int32Array, at: 2, initial: 0 } })).toThrow(/offset 2 is not a place for 4 bytes/);
    expect(() => layout({ x: { type: Float64Array, at: 60, initial: 0 } })).toThrow(/offset 60/);
    expect(() => layout({ x: { type: Int32Array, at: 0, initial: 0 }, y: { type: Uint16Array, at: 2, initial: 0 } })).toThrow(/y overlaps another at byte 2/);
    expect(() => layout({ x: { type: Float32Array, at: 56, initial: 0, count: 3 } })).toThrow(/offset 56 is not a place for 12 bytes/);
  });

  for (const [lo, hi] of [[0, 1], [0, 7], [3, 100], [5, 5], [0, 1000]]) {
    it(`gives records ${lo} … ${hi - 1} their fields' initial values and leaves the others as they were`, () => {
      const rows = new Uint8Array(1000 * 32), v = fieldViews(rows, fields, 32);
      fillRecords(rows, fields, lo, hi, 32);
      for (const c of [0, 1, 2, 3, 4, 5, 6, 7, 99, 100, 999]) {
        const set = c >= lo && c < hi;
        expect([v.a[c * 4], v.b[c * 8], v.c[c * 16], v.d[c * 8], v.d[c * 8 + 1], v.d[c * 8 + 2], v.e[c * 32]]).toEqual(set ? [1.5, -7, 0, 2, 2, 2, 9] : [0, 0, 0, 0, 0, 0, 0]);
      }
    });
  }

  it("a table's fields are its customers' records: one written, the others untouched, the defaults for new ones", () => {
    const t = new CustomerTable(2, 1);
    for (let i = 0; i < 5; i++) t.add(`c${i}`); // grows the records twice
    t.lastContact[3 * PER4] = 42, t.orders[1 * PER4] = 2;
    expect(t.column("lastContact")).toEqual([NEVER, NEVER, NEVER, 42, NEVER]);
    expect(t.column("orders")).toEqual([0, 2, 0, 0, 0]);
    expect(t.column("limit")).toEqual([3, 3, 3, 3, 3]);
    expect(t.rows.length).toBe(8 * RECORD); // capacity 8 after growing from 2
    expect(column(t.jPc, JOURNEY_FIELDS.jPc, 5, JOURNEY_SLOT)).toEqual([-1, -1, -1, -1, -1]);
  });
});
