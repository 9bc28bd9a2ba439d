/** A customer's contact ledger (engine/core/ledger.ts): sorted insertion, exact removal, pruning (issue 9 #24). */
import { describe, expect, it } from "vitest";
import { addContact, type Contact, ledgerSize, pruneLedger, removeContact, STRIDE } from "../../engine/core/ledger.ts";

const c = (time: number, program = 0, priority = 0, channel = 0, category = 2): Contact => ({ time, program, channel, category, priority });
const rows = (ledger: number[]) => Array.from({ length: ledgerSize(ledger) }, (_, i) => ledger.slice(i * STRIDE, (i + 1) * STRIDE));

describe("contact ledger", () => {
  it("keeps entries sorted by time, later insertions after equal times", () => {
    const l: number[] = [];
    for (const [t, p] of [[50, 0], [10, 1], [50, 2], [30, 3], [10, 4], [90, 5]]) addContact(l, c(t, p));
    expect(rows(l).map(([t, p]) => `${t}/${p}`)).toEqual(["10/1", "10/4", "30/3", "50/0", "50/2", "90/5"]);
    expect(ledgerSize(l)).toBe(6);
    expect(l.length).toBe(6 * STRIDE);
  });

  it("stays sorted under random insertions (against a stable sort)", () => {
    let s = 3;
    const next = () => (s = (s * 1103515245 + 12345) >>> 0) % 100;
    const l: number[] = [], model: [number, number][] = [];
    for (let i = 0; i < 500; i++) {
      const t = next();
      addContact(l, c(t, i));
      model.push([t, i]);
    }
    model.sort((a, b) => a[0] - b[0]); // Array.prototype.sort is stable
    expect(rows(l).map(([t, p]) => [t, p])).toEqual(model);
  });

  it("removes the first entry equal in every field, and only that one", () => {
    const l: number[] = [];
    addContact(l, c(10, 1, 5));
    addContact(l, c(20, 1, 5));
    addContact(l, c(20, 1, 5)); // a duplicate: removing one leaves the other
    addContact(l, c(20, 1, 6));
    expect(removeContact(l, c(20, 1, 5))).toBe(true);
    expect(rows(l).map(([t, , , , pr]) => `${t}/${pr}`)).toEqual(["10/5", "20/5", "20/6"]);
    expect(removeContact(l, c(20, 1, 7))).toBe(false); // priority differs
    expect(removeContact(l, c(20, 2, 5))).toBe(false); // program differs
    expect(removeContact(l, { ...c(20, 1, 5), channel: 1 })).toBe(false);
    expect(removeContact(l, { ...c(20, 1, 5), category: 0 })).toBe(false);
    expect(ledgerSize(l)).toBe(3);
    expect(removeContact(l, c(20, 1, 5))).toBe(true);
    expect(removeContact(l, c(20, 1, 5))).toBe(false);
    expect(rows(l).map(([t, , , , pr]) => `${t}/${pr}`)).toEqual(["10/5", "20/6"]);
  });

  it("prunes entries strictly before the horizon and keeps the rest in order", () => {
    const l: number[] = [];
    for (const t of [5, 10, 10, 15, 20, 30]) addContact(l, c(t));
    pruneLedger(l, 10);
    expect(rows(l).map(([t]) => t)).toEqual([10, 10, 15, 20, 30]);
    pruneLedger(l, 16);
    expect(rows(l).map(([t]) => t)).toEqual([20, 30]);
    pruneLedger(l, 0);
    expect(ledgerSize(l)).toBe(2);
    pruneLedger(l, 1000);
    expect(l).toEqual([]);
    pruneLedger(l, 2000); // empty: no-op
    expect(l).toEqual([]);
  });
});
