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
  // contacts last: only customers the history knows by now (purchases, returns, customers file) are seeded
  const contacts = config.contacts ? readContacts(config, (id) => index.get(id)) : undefined;
  if (contacts) warnings.push(...impliedWarnings(contacts, config.contacts!.file));
  return {
    config, ids, index, transactions: read.transactions, returns: read.returns, customers: cust.finish(config),
    skipped: read.skipped.report(), merged: read.merged, identical: read.identical, contacts, warnings,
  };
}
