/**
 * Imports a purchase history described by a history config: the transactions file (and the customers
 * file when given) into struct-of-arrays columns, one typed array per attribute, because a million
 * transactions and customers may pass. Bad values stop the import with an InputError naming
 * file:line, column, value and what would be valid (up to 20 problems at once).
 */
import type { Minutes } from "../engine/core/time.ts";
import { parseDate } from "../engine/core/time.ts";
import { DATE_EXAMPLES, dateParser } from "./date-format.ts";
import { type HistoryConfig, loadHistoryConfig } from "./history-config.ts";
import { columnLabel, FileProblems, readMappedColumns } from "./table-reader.ts";
import { BOOLEAN_VALID, isTimeZone, parseBoolean, parseNumber } from "./values.ts";

/** One entry per transaction row, in file order. */
export interface Transactions {
  length: number;
  /** index into History.ids */
  customer: Int32Array;
  /** minutes since epoch (Int32 holds ±4,000 years of minutes) */
  time: Int32Array;
  amount: Float64Array;
  /** 1 when the file has no quantity column */
  quantity: Float64Array;
}

/** One entry per customer (index = position in History.ids). */
export interface CustomerAttributes {
  /** signup time in minutes, NaN when unknown (then the first purchase stands in) */
  signup: Float64Array;
  /** 1 = opted in (from the column, or the config's assumption) */
  email: Uint8Array;
  sms: Uint8Array;
  /** IANA zone or null */
  timezone: (string | null)[];
  /** 1 when the customer is listed in the customers file */
  listed: Uint8Array;
}

export interface History {
  config: HistoryConfig;
  ids: string[];
  index: Map<string, number>;
  transactions: Transactions;
  customers: CustomerAttributes;
  /** non-fatal oddities, counted (e.g. "12 transactions of customers not in the customers file") */
  warnings: string[];
}

/**
 * Reads a history config file and imports what it names.
 * @example const h = importHistory("datasets/cdnow.yaml"); h.transactions.length === 6919
 */
export function importHistory(configFile: string): History {
  return loadHistory(loadHistoryConfig(configFile));
}

/** Imports the files of an already parsed config. */
export function loadHistory(config: HistoryConfig): History {
  const ids: string[] = [];
  const index = new Map<string, number>();
  const cust = new CustomerBuilder();
  const warnings: string[] = [];
  const idOf = (id: string) => {
    let i = index.get(id);
    if (i === undefined) {
      i = ids.length;
      index.set(id, i), ids.push(id), cust.push();
    }
    return i;
  };

  if (config.customers) readCustomers(config, idOf, cust);
  const listedCount = ids.length;

  const spec = config.transactions;
  const problems = new FileProblems(spec.file);
  const keys = ["customer", "date", "amount", "quantity"] as const;
  const labels = keys.map((k) => spec.columns[k] === undefined ? k : columnLabel(k, spec.columns[k]!));
  const parse = dateParser(spec.dateFormat);
  const parseTime = spec.format === "arrow" ? (s: string) => parse(s) ?? parseDate(s) : parse;
  const validDate = `expected a date as ${spec.dateFormat}, e.g. ${DATE_EXAMPLES[spec.dateFormat]}`;
  const hasQuantity = spec.columns.quantity !== undefined;
  const tx = new TransactionBuilder();
  let lastDateText = "", lastTime: Minutes | null = null, unlisted = 0;
  readMappedColumns(spec, keys, problems, (v, line) => {
    const [id, dateText, amountText, quantityText] = v;
    if (id === "") return problems.add(line, labels[0], `empty customer id`);
    // Files are usually sorted by date or customer: consecutive rows often share the date text.
    const time = dateText === lastDateText ? lastTime : parseTime(dateText);
    lastDateText = dateText, lastTime = time;
    if (time === null) return problems.add(line, labels[1], `bad date ${JSON.stringify(dateText)}: ${validDate}`);
    const amount = parseNumber(amountText);
    if (amount === null) {
      return problems.add(line, labels[2], `bad amount ${JSON.stringify(amountText)}: expected a plain number such as 12.50 (${config.currency}, no symbol or thousands separator)`);
    }
    let quantity = 1;
    if (hasQuantity) {
      const q = parseNumber(quantityText);
      if (q === null || q < 0) return problems.add(line, labels[3], `bad quantity ${JSON.stringify(quantityText)}: expected a number ≥ 0`);
      quantity = q;
    }
    const c = idOf(id);
    if (c >= listedCount && config.customers) unlisted++;
    tx.push(c, time, amount, quantity);
  });
  if (unlisted) warnings.push(`${unlisted} transactions belong to customers not in the customers file`);
  return { config, ids, index, transactions: tx.finish(), customers: cust.finish(config), warnings };
}

function readCustomers(config: HistoryConfig, idOf: (id: string) => number, cust: CustomerBuilder): void {
  const spec = config.customers!;
  const problems = new FileProblems(spec.file);
  const keys = ["id", "signup", "emailConsent", "smsConsent", "timezone"] as const;
  const labels = keys.map((k) => spec.columns[k] === undefined ? k : columnLabel(k, spec.columns[k]!));
  const parse = dateParser(spec.dateFormat);
  const parseTime = spec.format === "arrow" ? (s: string) => parse(s) ?? parseDate(s) : parse;
  cust.emailFromColumn = spec.columns.emailConsent !== undefined;
  cust.smsFromColumn = spec.columns.smsConsent !== undefined;
  const seen = new Set<string>();
  readMappedColumns(spec, keys, problems, (v, line) => {
    const [id, signup, email, sms, tz] = v;
    if (id === "") return problems.add(line, labels[0], "empty customer id");
    if (seen.has(id)) return problems.add(line, labels[0], `duplicate customer id ${JSON.stringify(id)}: each customer is listed once`);
    seen.add(id);
    const i = idOf(id);
    cust.listed[i] = 1;
    if (signup !== "") {
      const t = parseTime(signup);
      if (t === null) {
        problems.add(line, labels[1], `bad date ${JSON.stringify(signup)}: expected a date as ${spec.dateFormat}, e.g. ${DATE_EXAMPLES[spec.dateFormat]}`);
      } else cust.signup[i] = t;
    }
    for (const [k, text, into] of [[2, email, cust.email], [3, sms, cust.sms]] as const) {
      if (spec.columns[keys[k]] === undefined) continue;
      const b = parseBoolean(text);
      if (b === null) problems.add(line, labels[k], `bad consent ${JSON.stringify(text)}: expected ${BOOLEAN_VALID}`);
      else into[i] = b ? 1 : 0;
    }
    if (tz !== "") {
      if (isTimeZone(tz)) cust.timezone[i] = tz;
      else problems.add(line, labels[4], `bad time zone ${JSON.stringify(tz)}: expected an IANA name such as Europe/Paris or UTC`);
    }
  });
}

/** Growable typed columns (doubling), trimmed at the end. */
class TransactionBuilder {
  length = 0;
  customer = new Int32Array(1024);
  time = new Int32Array(1024);
  amount = new Float64Array(1024);
  quantity = new Float64Array(1024);
  push(c: number, t: number, amount: number, quantity: number): void {
    if (this.length === this.customer.length) this.grow();
    const i = this.length++;
    this.customer[i] = c, this.time[i] = t, this.amount[i] = amount, this.quantity[i] = quantity;
  }
  private grow(): void {
    const n = this.customer.length * 2;
    this.customer = resize(this.customer, n), this.time = resize(this.time, n);
    this.amount = resize(this.amount, n), this.quantity = resize(this.quantity, n);
  }
  finish(): Transactions {
    const n = this.length;
    return {
      length: n,
      customer: this.customer.slice(0, n),
      time: this.time.slice(0, n),
      amount: this.amount.slice(0, n),
      quantity: this.quantity.slice(0, n),
    };
  }
}

class CustomerBuilder {
  length = 0;
  signup = new Float64Array(256).fill(NaN);
  email = new Uint8Array(256);
  sms = new Uint8Array(256);
  listed = new Uint8Array(256);
  timezone: (string | null)[] = [];
  emailFromColumn = false;
  smsFromColumn = false;
  push(): void {
    if (this.length === this.signup.length) {
      const n = this.length * 2;
      this.signup = resize(this.signup, n).fill(NaN, this.length);
      this.email = resize(this.email, n), this.sms = resize(this.sms, n), this.listed = resize(this.listed, n);
    }
    this.length++;
    this.timezone.push(null);
  }
  finish(config: HistoryConfig): CustomerAttributes {
    const n = this.length;
    const email = this.email.slice(0, n), sms = this.sms.slice(0, n), listed = this.listed.slice(0, n);
    // The assumption applies where no column speaks: no column at all, or a customer only seen in transactions.
    for (let i = 0; i < n; i++) {
      if (!this.emailFromColumn || !listed[i]) email[i] = config.consent.email ? 1 : 0;
      if (!this.smsFromColumn || !listed[i]) sms[i] = config.consent.sms ? 1 : 0;
    }
    return { signup: this.signup.slice(0, n), email, sms, timezone: this.timezone, listed };
  }
}

function resize<T extends Int32Array | Float64Array | Uint8Array>(a: T, n: number): T {
  const b = new (a.constructor as new (n: number) => T)(n);
  b.set(a);
  return b;
}
