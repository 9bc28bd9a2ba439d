/**
 * Imports a purchase history described by a history config: the transactions file (and the customers
 * file when given) into struct-of-arrays columns, one typed array per attribute, because a million
 * transactions and customers may pass. Bad values stop the import with an InputError naming
 * file:line, column, value and what would be valid (up to 20 problems at once).
 */
import { parseDate } from "../engine/core/time.ts";
import { dateParser, dateValid } from "./date-format.ts";
import { type HistoryConfig, loadHistoryConfig } from "./history-config.ts";
import type { SkipReport } from "./skips.ts";
import { columnLabel, FileProblems, readMappedColumns } from "./table-reader.ts";
import { readTransactions, resize, type Returns, type Transactions } from "./transactions-import.ts";
import { BOOLEAN_VALID, isTimeZone, parseBoolean } from "./values.ts";

export type { Returns, Transactions } from "./transactions-import.ts";

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
  /** purchases (an order's lines merged into one transaction) */
  transactions: Transactions;
  /** returns and cancellations netted against revenue (empty with `returns.handling: drop`) */
  returns: Returns;
  customers: CustomerAttributes;
  /** rows skipped by a documented rule, per reason, with the first examples */
  skipped: SkipReport;
  /** order lines merged into their order's transaction */
  merged: number;
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

  const read = readTransactions(config, idOf);
  let unlisted = 0;
  if (config.customers) for (const c of read.transactions.customer) if (c >= listedCount) unlisted++;
  if (unlisted) warnings.push(`${unlisted} transactions belong to customers not in the customers file`);
  return {
    config, ids, index, transactions: read.transactions, returns: read.returns, customers: cust.finish(config),
    skipped: read.skipped.report(), merged: read.merged, warnings,
  };
}

function readCustomers(config: HistoryConfig, idOf: (id: string) => number, cust: CustomerBuilder): void {
  const spec = config.customers!;
  const problems = new FileProblems(spec.file);
  const keys = ["id", "signup", "emailConsent", "smsConsent", "timezone"] as const;
  const labels = keys.map((k) => spec.columns[k] === undefined ? k : columnLabel(k, spec.columns[k]!));
  const parse = dateParser(spec.dateFormat, spec.timeZone);
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
        problems.add(line, labels[1], `bad date ${JSON.stringify(signup)}: ${dateValid(spec.dateFormat)}`);
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
