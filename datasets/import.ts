/**
 * Imports a purchase history described by a history config: the transactions file (and the customers
 * file when given) into struct-of-arrays columns, one typed array per attribute, because a million
 * transactions and customers may pass. Bad values stop the import with an InputError naming
 * file:line, column, value and what would be valid (up to 20 problems at once).
 */
import { type HistoryConfig, loadHistoryConfig } from "./history-config.ts";
import type { SkipReport } from "./skips.ts";
import { readTransactions, type Returns, type Transactions } from "./transactions-import.ts";
import { type CustomerAttributes, CustomerBuilder, readCustomers } from "./customers-import.ts";
import { type Contacts, impliedWarnings, readContacts } from "./contacts-import.ts";
import { DAY } from "../engine/core/time.ts";

export type { Returns, Transactions } from "./transactions-import.ts";

export type { CustomerAttributes } from "./customers-import.ts";

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
  /** rows kept whose text repeats an earlier kept row exactly (identical purchases can be real: kept, counted) */
  identical: number;
  /** past sends, when the config has a contacts file */
  contacts?: Contacts;
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
  const customers = cust.finish(config);
  const early = boughtBeforeSignup(customers.signup, read.transactions);
  if (early) {
    warnings.push(
      `${config.customers!.file}: ${early.toLocaleString("en-US")} ${early === 1 ? "customer has" : "customers have"} a purchase before the signup date; ` +
        "their tenure and simulated signup run from the first purchase (docs/history.md)",
    );
  }
  // contacts last: only customers the history knows by now (purchases, returns, customers file) are seeded
  const contacts = config.contacts ? readContacts(config, (id) => index.get(id)) : undefined;
  if (contacts) warnings.push(...impliedWarnings(contacts, config.contacts!.file));
  return {
    config, ids, index, transactions: read.transactions, returns: read.returns, customers,
    skipped: read.skipped.report(), merged: read.merged, identical: read.identical, contacts, warnings,
  };
}

/**
 * Customers whose first purchase is on a day before the day of the signup the customers file gives them:
 * the history is read with the earlier of the two (tenure, a history population's signup), which the count
 * makes visible. A purchase earlier the same day is a signup at checkout, not counted.
 */
function boughtBeforeSignup(signup: Float64Array, t: Transactions): number {
  const first = new Float64Array(signup.length).fill(Infinity);
  for (let i = 0; i < t.length; i++) if (t.time[i] < first[t.customer[i]]) first[t.customer[i]] = t.time[i];
  let n = 0;
  for (let c = 0; c < signup.length; c++) if (Math.floor(first[c] / DAY) < Math.floor(signup[c] / DAY)) n++; // NaN (no signup) compares false
  return n;
}
