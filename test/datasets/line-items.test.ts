import { describe, expect, it } from "vitest";
import { gzipSync } from "node:zlib";
import { importHistory } from "../../datasets/import.ts";
import { historyState } from "../../datasets/history.ts";
import { formatSkips } from "../../datasets/skips.ts";
import { errorOf, tempDir } from "./temp-files.ts";
import { lineItemConfig, lineItems } from "./line-items.ts";

const { dir, write } = tempDir();
const sum = (a: ArrayLike<number>) => Array.from(a).reduce((s, v) => s + v, 0);
const iso = (t: number) => new Date(t * 60000).toISOString().slice(0, 16);

/** A hand-written export with one of each kind of messy row. */
const EXPORT = [
  "Invoice,StockCode,Quantity,UnitPrice,InvoiceDate,CustomerID,Country",
  "536365,85123A,6,2.55,2011-06-01 08:26:00,17850,United Kingdom", // order 536365: 3 lines, 15.30 + 20.34 + 22.00
  "536365,71053,6,3.39,2011-06-01 08:26:00,17850,United Kingdom",
  "536365,84406B,8,2.75,2011-06-01 08:26:00,17850,United Kingdom",
  "536366,22633,6,1.85,2011-06-02 09:00:00,17850,United Kingdom", // second order, same customer: 11.10
  "C536379,D,-1,27.50,2011-06-03 09:41:00,17850,United Kingdom", // cancellation (prefix and negative quantity)
  "536380,22961,-2,1.45,2011-06-03 10:00:00,17850,United Kingdom", // return by negative quantity only: 2.90
  "536381,22139,12,4.25,2011-06-04 10:30:00,,United Kingdom", // no customer id
  "536382,PADS,1,0.00,2011-06-04 11:00:00,13047,United Kingdom", // zero price
  "536383,22727,4,3.75,2011-06-05 12:00:00,12583,France", // filtered out
  "536384,22728,2,5.00,2010-11-30 23:59:00,13047,United Kingdom", // before the study period
  "536385,22729,3,2.00,2011-12-01 00:30:00,13047,United Kingdom", // after the holdout (00:30 UK = 00:30 UTC)
  "536386,22730,1,9.99,2011-11-30 23:30:00+02:00,13047,United Kingdom", // offset given: 21:30 UTC on 11-30, kept
  "536387,22731,2,4.50,2011-07-01 00:30:00,13047,United Kingdom", // BST: 2011-06-30 23:30 UTC
].join("\n") + "\n";

function importExport(text: string, name = "retail.csv", extra = "", returns = "{prefix: C}"): ReturnType<typeof importHistory> {
  write(name, text);
  const config = write("retail.yaml", [
    "currency: GBP",
    "studyStart: 2010-12-01",
    "calibrationEnd: 2011-08-31",
    "holdoutEnd: 2011-11-30",
    "transactions:",
    `  file: ${name}`,
    "  timeZone: Europe/London",
    "  columns: {customer: CustomerID, date: InvoiceDate, order: Invoice, quantity: Quantity, amount: {multiply: [Quantity, UnitPrice]}}",
    `  returns: ${returns}`,
    "  filter: {Country: United Kingdom}",
    extra,
  ].join("\n"));
  return importHistory(config);
}

describe("line-item exports, with the mapping config alone", () => {
  const h = importExport(EXPORT);

  it("merges an order's lines into one transaction with amount = quantity × unit price", () => {
    expect(h.ids).toEqual(["17850", "13047"]);
    expect(h.transactions.length).toBe(4);
    expect(Array.from(h.transactions.amount).map((a) => a.toFixed(2))).toEqual(["57.64", "11.10", "9.99", "9.00"]);
    expect(Array.from(h.transactions.quantity)).toEqual([20, 6, 1, 2]);
    expect(h.merged).toBe(2);
  });

  it("converts local times in the table's zone (BST in summer) and honours a written offset", () => {
    expect(Array.from(h.transactions.time, iso)).toEqual(["2011-06-01T07:26", "2011-06-02T08:00", "2011-11-30T21:30", "2011-06-30T23:30"]);
  });

  it("nets returns (prefix C, negative quantity) against revenue; they are not purchases", () => {
    expect(h.returns.length).toBe(2);
    expect(sum(h.returns.amount)).toBeCloseTo(30.4, 10);
    const s = historyState(h);
    expect(s.orders[0]).toBe(2);
    expect(s.value[0]).toBeCloseTo(57.64 + 11.1 - 30.4, 10);
    expect(s.returned[0]).toBeCloseTo(30.4, 10);
    expect(s.x[0]).toBe(1); // two purchase days; the return day is not one
  });

  it("counts every skipped row per reason, with examples naming the line and the values", () => {
    expect(h.skipped.rows).toBe(13);
    expect(h.skipped.counts).toEqual({
      "no customer id": 1,
      "zero price": 1,
      "filtered out (Country not in United Kingdom)": 1,
      "before the study period (studyStart)": 1,
      "after the study period (holdoutEnd)": 1,
    });
    expect(h.skipped.examples["no customer id"]).toEqual([{
      line: 8,
      values: 'CustomerID="" InvoiceDate="2011-06-04 10:30:00" Quantity="12" Invoice="536381" UnitPrice="4.25" Country="United Kingdom"',
    }]);
    expect(formatSkips(h.skipped, "retail.csv").slice(0, 3)).toEqual([
      "skipped   5 of 13 rows (38.5 %) of retail.csv:",
      "  no customer id                                        1  (7.7 %)",
      '    line 8: CustomerID="" InvoiceDate="2011-06-04 10:30:00" Quantity="12" Invoice="536381" UnitPrice="4.25" Country="United Kingdom"',
    ]);
  });

  it("drops returns instead when configured, counting them", () => {
    const d = importExport(EXPORT, "retail.csv", "", "{handling: drop, prefix: C}");
    expect(d.returns.length).toBe(0);
    expect(d.skipped.counts["return (dropped)"]).toBe(2);
  });

  it("reads semicolon-separated files with decimal commas, and gzip files directly", () => {
    const euro = EXPORT.replaceAll(",", ";").replace(/;(\d+)\.(\d+);/g, ";$1,$2;");
    const e = importExport(euro, "retail.csv", "  delimiter: semicolon\n  decimal: comma");
    expect(Array.from(e.transactions.amount).map((a) => a.toFixed(2))).toEqual(["57.64", "11.10", "9.99", "9.00"]);
    const z = importExport(gzipSync(new TextEncoder().encode(EXPORT)) as unknown as string, "retail.csv.gz");
    expect(Array.from(z.transactions.amount)).toEqual(Array.from(h.transactions.amount));
    expect(z.skipped.counts).toEqual(h.skipped.counts);
  });
});

describe("generated line-item exports (seeded)", () => {
  for (const style of ["comma", "semicolon"] as const) {
    it(`reproduce the generator's truth (${style})`, () => {
      const { text, truth } = lineItems({ rows: 20000, style });
      write(`gen-${style}.csv`, text);
      const h = importHistory(write(`gen-${style}.yaml`, lineItemConfig(`gen-${style}.csv`, style)));
      expect(h.skipped.rows).toBe(truth.rows);
      expect(h.skipped.counts).toEqual(truth.skipped);
      expect(h.transactions.length).toBe(truth.orders);
      expect(sum(h.transactions.amount)).toBeCloseTo(truth.revenue, 6);
      expect([h.returns.length, h.ids.length]).toEqual([truth.returns, truth.customers]);
      expect(sum(h.returns.amount)).toBeCloseTo(truth.returned, 6);
    });
  }

  it("has real figures: 20,005 rows, 4,360 skipped, 2,392 orders of £628,675, 491 returns of £19,932", () => {
    const { truth } = lineItems({ rows: 20000 });
    expect(truth.rows).toBe(20005);
    expect(Object.values(truth.skipped).reduce((a, b) => a + b)).toBe(4360);
    expect(truth.skipped["no customer id"]).toBe(1119);
    expect(truth.orders).toBe(2392);
    expect(Math.round(truth.revenue)).toBe(628675);
    expect([truth.returns, Math.round(truth.returned)]).toEqual([491, 19932]);
  });
});

describe("line-item errors stop the import with file, line, column and what is valid", () => {
  it("names a bad unit price", () => {
    const bad = EXPORT.replace("536366,22633,6,1.85", "536366,22633,6,1.8.5");
    expect(errorOf(() => importExport(bad), dir)).toContain(
      `<dir>/retail.csv:5: amount.multiply[1] (column "UnitPrice"): bad unit price "1.8.5": expected a plain number such as 12.50 (no symbol or thousands separator; decimal: comma reads 12,50) in GBP`,
    );
  });

  it("names a filter column missing from the header, with the closest name", () => {
    write("retail.csv", EXPORT);
    const config = write("f.yaml", lineItemConfig("retail.csv").replace("Country: United Kingdom", "country: United Kingdom").replace("Customer ID", "CustomerID").replace("Price]", "UnitPrice]"));
    expect(errorOf(() => importHistory(config), dir)).toBe(
      `<dir>/retail.csv:1: filter.country (column "country"): no such column in the header (did you mean "Country"?); the header has "Invoice", "StockCode", "Quantity", "UnitPrice", "InvoiceDate", "CustomerID", "Country"`,
    );
  });

  it("refuses a file that is not gzip although named .gz", () => {
    expect(errorOf(() => importExport(EXPORT, "plain.csv.gz"), dir)).toMatch(/^<dir>\/plain\.csv\.gz: cannot read the file \(/);
  });

  it("checks the config: returns, multiply, filter, time zone", () => {
    write("retail.csv", EXPORT);
    const config = write("bad.yaml", [
      "calibrationEnd: 2011-08-31",
      "transactions:",
      "  file: retail.csv",
      "  timeZone: Europe/Londres",
      "  columns: {customer: CustomerID, date: InvoiceDate, amount: {multiply: [Quantity]}}",
      "  returns: {handling: keep, prefix: C}",
      "  filter: {Country: {nope: France}}",
    ].join("\n"));
    expect(errorOf(() => importHistory(config), dir)).toBe([
      `<dir>/bad.yaml:5: transactions.columns.amount: expected a column, or { multiply: [<quantity column>, <unit price column>] }`,
      `<dir>/bad.yaml:4: transactions.timeZone: unknown time zone "Europe/Londres"; expected an IANA name such as Europe/London or UTC`,
      `<dir>/bad.yaml:6: transactions.returns.handling: unknown handling "keep"; expected net (subtract returns from revenue) or drop (skip them, counted)`,
      `<dir>/bad.yaml:7: transactions.filter.Country: expected {not: value or [values]} to exclude rows`,
      `<dir>/bad.yaml:6: transactions.returns.prefix: needs the order column (columns.order): the prefix is read from the order id`,
    ].join("\n"));
  });
});
