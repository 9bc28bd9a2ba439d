/**
 * Reads the transactions file of a history config into purchases (and returns), as messy exports
 * have them: one row per order line merged into one transaction per order, an amount given or computed
 * as quantity × unit price, returns and cancellations (negative quantity or amount, or an order id with
 * the configured prefix) netted against revenue or dropped, and rows that a documented rule skips
 * (no customer id, zero price, outside the study period, filtered out) counted per reason with examples.
 * A value that cannot be parsed in a required column stops the import (file:line, column, what is valid).
 */
import { DAY, type Minutes } from "../engine/core/time.ts";
import { parseDate } from "../engine/core/time.ts";
import { dateParser, dateValid } from "./date-format.ts";
import type { ColumnRef, HistoryConfig, TableSpec } from "./history-config.ts";
import { Skips } from "./skips.ts";
import { columnLabel, FileProblems, readMappedColumns } from "./table-reader.ts";
import { numberParser, quoted } from "./values.ts";
import { amountScaler, fileAmountUnit } from "./money-unit.ts";

/** Purchases: one entry per transaction (an order, or a row when there is no order column), in file order. */
export interface Transactions {
  length: number;
  /** index into History.ids */
  customer: Int32Array;
  /** minutes since epoch (Int32 holds ±4,000 years of minutes); an order's earliest line */
  time: Int32Array;
  amount: Float64Array;
  /** 1 per row when the file has no quantity column; summed over an order's lines */
  quantity: Float64Array;
}

/** Returns and cancellations netted against revenue (`returns.handling: net`); amount is positive. */
export type Returns = Omit<Transactions, "quantity">;

export interface TransactionsRead {
  transactions: Transactions;
  returns: Returns;
  skipped: Skips;
  /** order lines merged into an earlier line's transaction */
  merged: number;
  /** rows kept (purchases, order lines, returns) whose text repeats an earlier kept row's exactly */
  identical: number;
}

const KEYS = ["customer", "date", "amount", "quantity", "order", "amount×1", "amount×2"] as const;

/**
 * @param idOf the customer index of an id (creating it)
 * @example readTransactions(config, idOf).transactions.length
 */
export function readTransactions(config: HistoryConfig, idOf: (id: string) => number): TransactionsRead {
  const spec = config.transactions;
  const problems = new FileProblems(spec.file);
  const columns: Record<string, ColumnRef> = { ...spec.columns };
  if (spec.amountFactors) [columns["amount×1"], columns["amount×2"]] = spec.amountFactors;
  const filterKeys = spec.filters.map((f, i) => `filter.${f.column}${spec.filters.findIndex((g) => g.column === f.column) < i ? `#${i + 1}` : ""}`);
  spec.filters.forEach((f, i) => columns[filterKeys[i]] = f.column);
  const keys = [...KEYS, ...filterKeys];
  const label = (k: string) => {
    const name = k === "amount×1" ? "amount.multiply[0]" : k === "amount×2" ? "amount.multiply[1]" : k;
    return columns[k] === undefined ? name : columnLabel(name, columns[k]);
  };
  const labels = keys.map(label);
  const read: TableSpec<string> = { ...spec, columns };

  const parse = dateParser(spec.dateFormat, spec.timeZone);
  const parseTime = spec.format === "arrow" ? (s: string) => parse(s) ?? parseDate(s) : parse;
  const validDate = dateValid(spec.dateFormat);
  const num = numberParser(spec.decimal);
  const counted = amountScaler(config); // the file's amounts into the money Cadence counts (amountUnit, moneyUnit)
  const amountIn = fileAmountUnit(config.currency, config.amountUnit); // an error quotes the text as written: in this unit
  const hasQuantity = spec.columns.quantity !== undefined, hasOrder = spec.columns.order !== undefined;
  const factors = spec.amountFactors !== undefined;
  const prefix = spec.returns.prefix, drop = spec.returns.handling === "drop";
  const sets = spec.filters.map((f) => new Set(f.values));
  const filterReasons = spec.filters.map((f) =>
    `filtered out (${typeof f.column === "number" ? `column ${f.column}` : f.column} ${f.exclude ? "in" : "not in"} ${f.values.join(", ")})`
  );
  const start = config.studyStart, end = config.holdoutEnd === undefined ? undefined : config.holdoutEnd + DAY;

  const tx = new Columns(true), ret = new Columns(false), skips = new Skips();
  const orders = new Map<string, number>();
  let merged = 0, lastDateText = "", lastTime: Minutes | null = null;
  let row: string[] = [];
  // an example row shows each mapped column once, by its name in the file
  const shown = keys.map((k, i) => [columns[k], i] as const).filter(([ref], j, all) => ref !== undefined && all.findIndex(([r]) => r === ref) === j);
  const show = () => shown.map(([ref, i]) => `${typeof ref === "number" ? `#${ref}` : ref}=${quoted(row[i])}`).join(" ");

  // a 53-bit hash of each kept row's text, to count exact repeats (docs/history.md: kept, and counted)
  let hashes = new Float64Array(1024), kept = 0;
  const keep = (text: string) => {
    if (kept === hashes.length) hashes = resize(hashes, 2 * kept);
    hashes[kept++] = textHash(text);
  };
  readMappedColumns(read, keys, problems, (v, line, text) => {
    row = v;
    skips.rows++;
    for (let f = 0; f < sets.length; f++) {
      if (sets[f].has(v[KEYS.length + f]) === spec.filters[f].exclude) return skips.add(filterReasons[f], line, show);
    }
    const id = v[0];
    if (id === "") return skips.add("no customer id", line, show);
    const dateText = v[1];
    // Files are usually sorted by date or order: consecutive rows often share the date text.
    const time = dateText === lastDateText ? lastTime : parseTime(dateText);
    lastDateText = dateText, lastTime = time;
    if (time === null) return problems.add(line, labels[1], `bad date ${quoted(dateText)}: ${validDate}`);
    let amount: number, quantity = 1;
    if (factors) {
      const a = num.parse(v[5]), b = num.parse(v[6]);
      if (a === null) return problems.add(line, labels[5], `bad quantity ${quoted(v[5])}: expected ${num.valid}`);
      if (b === null) return problems.add(line, labels[6], `bad unit price ${quoted(v[6])}: expected ${num.valid} in ${amountIn}`);
      amount = counted(a * b), quantity = a;
      if (b === 0) return skips.add("zero price", line, show);
      if (a === 0) return skips.add("zero quantity", line, show);
    } else {
      const a = num.parse(v[2]);
      if (a === null) return problems.add(line, labels[2], `bad amount ${quoted(v[2])}: expected ${num.valid} in ${amountIn}`);
      amount = counted(a);
    }
    if (hasQuantity) {
      const q = num.parse(v[3]);
      if (q === null) return problems.add(line, labels[3], `bad quantity ${quoted(v[3])}: expected ${num.valid}`);
      quantity = q;
    }
    if (start !== undefined && time < start) return skips.add("before the study period (studyStart)", line, show);
    if (end !== undefined && time >= end) return skips.add("after the study period (holdoutEnd)", line, show);
    const order = hasOrder ? v[4] : "";
    if (quantity < 0 || amount < 0 || (prefix !== null && order.startsWith(prefix))) {
      if (drop) return skips.add("return (dropped)", line, show);
      ret.push(idOf(id), time, Math.abs(amount), 0);
      return keep(text);
    }
    keep(text);
    const c = idOf(id);
    if (hasOrder && order !== "") {
      const i = orders.get(order);
      if (i !== undefined && tx.customer[i] === c) {
        tx.amount[i] += amount, tx.quantity[i] += quantity, merged++;
        if (time < tx.time[i]) tx.time[i] = time;
        return;
      }
      if (i === undefined) orders.set(order, tx.length);
      // an order id seen with another customer stays a separate transaction
    }
    tx.push(c, time, amount, quantity);
  });
  return { transactions: tx.finish(), returns: ret.finish(), skipped: skips, merged, identical: repeats(hashes.subarray(0, kept)) };
}

/**
 * Two 32-bit FNV-1a-style hashes of the text (different offsets and primes) as one 53-bit number: distinct rows collide
 * with a chance of about n² / 2⁵⁴ (1e-4 for a million rows), good enough for a count that is a note.
 */
function textHash(text: string): number {
  let a = 0x811c9dc5, b = 0x01000193;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193), b = Math.imul(b ^ c, 0x5bd1e995);
  }
  return (a >>> 0) * 0x200000 + (b >>> 11);
}

/** How many values repeat an earlier one (a value seen k times counts k − 1). */
function repeats(values: Float64Array): number {
  const sorted = values.slice().sort();
  let n = 0;
  for (let i = 1; i < sorted.length; i++) if (sorted[i] === sorted[i - 1]) n++;
  return n;
}

/** Growable typed columns (doubling), trimmed at the end. */
class Columns {
  length = 0;
  customer = new Int32Array(1024);
  time = new Int32Array(1024);
  amount = new Float64Array(1024);
  quantity: Float64Array;
  constructor(private readonly withQuantity: boolean) {
    this.quantity = new Float64Array(withQuantity ? 1024 : 0);
  }
  push(c: number, t: number, amount: number, quantity: number): void {
    if (this.length === this.customer.length) this.grow();
    const i = this.length++;
    this.customer[i] = c, this.time[i] = t, this.amount[i] = amount;
    if (this.withQuantity) this.quantity[i] = quantity;
  }
  private grow(): void {
    const n = this.customer.length * 2;
    this.customer = resize(this.customer, n), this.time = resize(this.time, n), this.amount = resize(this.amount, n);
    if (this.withQuantity) this.quantity = resize(this.quantity, n);
  }
  finish(): Transactions {
    const n = this.length;
    const out = { length: n, customer: this.customer.slice(0, n), time: this.time.slice(0, n), amount: this.amount.slice(0, n) };
    return this.withQuantity ? { ...out, quantity: this.quantity.slice(0, n) } : out as Transactions;
  }
}

export function resize<T extends Int32Array | Float64Array | Uint8Array>(a: T, n: number): T {
  const b = new (a.constructor as new (n: number) => T)(n);
  b.set(a);
  return b;
}
