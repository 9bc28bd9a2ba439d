/**
 * The history config: a YAML file naming a transactions file (and optionally a customers file), how to
 * read them (delimiter, header, column mapping, date format), the currency, the calibration cut-off and
 * holdout end, and consent assumptions when the customers file has no consent column.
 * Relative paths resolve against the config's folder; `${CADENCE_DATA}` expands to the environment
 * variable CADENCE_DATA or, by default, `<project root>/../shared/data`.
 */
import { isMap, isSeq, LineCounter, parseDocument } from "yaml";
import { checkFields, isObj, table, TABLE_FIELDS } from "./table-spec.ts";
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import process from "node:process";
import { InputError, type Path, Reporter } from "../engine/plan/errors.ts";
import { type Minutes, YEARS } from "../engine/core/time.ts";
import { type DateFormat, dateParser } from "./date-format.ts";
import type { Delimiter } from "./csv.ts";
import type { Decimal } from "./values.ts";
import { type AttributeSpec, attributesOf } from "./customer-attributes.ts";
import { seasonalityOf } from "./seasonality-config.ts";
import type { SeasonalityOptions } from "../engine/fit/seasonality.ts";
import { CHANNELS, type ChannelName } from "../engine/core/channels.ts";
import { type FilterSpec, filtersOf, multiplyOf, type ReturnsSpec, returnsOf } from "./line-items-config.ts";
import { amountUnitOf, moneyLabel, type MoneyUnit, moneyUnitOf } from "./money-unit.ts";

/** A column by header name, or by 1-based position (files without a header). */
export type ColumnRef = string | number;

export const TRANSACTION_COLUMNS = ["customer", "date", "amount", "quantity", "order"] as const;
export const CUSTOMER_COLUMNS = ["id", "signup", "emailConsent", "smsConsent", "pushConsent", "mailConsent", "callConsent", "timezone"] as const;
export type TransactionColumn = typeof TRANSACTION_COLUMNS[number];
/** A contact-history export: one row per message sent (outcome columns optional, 1/0 or yes/no). */
export const CONTACT_COLUMNS = ["customer", "date", "channel", "program", "category", "delivered", "opened", "clicked", "unsubscribed", "complained"] as const;
export type ContactColumn = typeof CONTACT_COLUMNS[number];
export type CustomerColumn = typeof CUSTOMER_COLUMNS[number];

export const FILE_FORMATS = ["text", "arrow"] as const;
export type FileFormat = typeof FILE_FORMATS[number];

export interface TableSpec<C extends string> {
  /** absolute path after expansion */
  file: string;
  format: FileFormat;
  delimiter: Delimiter;
  header: boolean;
  dateFormat: DateFormat;
  /** decimal mark of numbers: point (12.50) or comma (12,50) */
  decimal: Decimal;
  /** IANA zone of times written without an offset (default UTC) */
  timeZone: string;
  columns: Partial<Record<C, ColumnRef>>;
}

/** The customers table: columns, plus typed attributes plans read as attr.<name>. */
export interface CustomerSpec extends TableSpec<CustomerColumn> {
  attributes: AttributeSpec[];
}

/** The transactions table: line items, returns and filters on top of the plain columns. */
export interface TransactionSpec extends TableSpec<TransactionColumn> {
  /** amount = product of these two columns (quantity × unit price), when the amount is not given */
  amountFactors?: [ColumnRef, ColumnRef];
  returns: ReturnsSpec;
  filters: FilterSpec[];
}

export interface HistoryConfig extends MoneyUnit {
  /** the config file, or "<config>" when parsed from text */
  source: string;
  currency: string;
  /** the history's money as outputs label it: the currency, in `moneyUnit` ("thousands of IDR"; datasets/money-unit.ts) */
  money: string;
  /** last day of the calibration period, inclusive (00:00 UTC of that day) */
  calibrationEnd: Minutes;
  /** last day of the holdout period, inclusive; absent when there is no holdout */
  holdoutEnd?: Minutes;
  /** first day of the study period (rows before it are skipped, counted); absent: no lower bound */
  studyStart?: Minutes;
  transactions: TransactionSpec;
  customers?: CustomerSpec;
  /** the seasonal purchase model's options (default: weekly and yearly); null: plain BG/NBD only */
  seasonality: SeasonalityOptions | null;
  /** past sends: they seed each customer's pressure ledger and fatigue, and `cadence fit` measures response rates */
  contacts?: TableSpec<ContactColumn>;
  /** assumed consent when the customers file has no column for it (default false: never assume opt-in) */
  consent: Record<ChannelName, boolean>;
}

export { dataDir } from "./table-spec.ts";

/** Reads and validates a history config; throws InputError listing every problem with its line. */
export function loadHistoryConfig(file: string): HistoryConfig {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new InputError(`${file}: cannot read the history config (${(e as Error).message})`);
  }
  return parseHistoryConfig(text, file, dirname(resolve(file)));
}

/**
 * Parses config text; `baseDir` anchors relative file paths.
 * @example parseHistoryConfig("transactions: {file: tx.csv, columns: {customer: id, date: day, amount: usd}}\ncalibrationEnd: 2024-06-30", "h.yaml", "/data")
 */
export function parseHistoryConfig(text: string, source = "<config>", baseDir = process.cwd()): HistoryConfig {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length) {
    throw new InputError(doc.errors.map((e) => {
      const pos = e.linePos?.[0];
      return `${source}${pos ? `:${pos.line}` : ""}: invalid YAML: ${e.message.split("\n")[0]}`;
    }).join("\n"));
  }
  const r = new Reporter(source, (path) => lineOf(doc.contents, lines, path));
  const raw = doc.toJS();
  const config = validate(raw, r, source, baseDir);
  if (!r.ok || !config) throw new InputError(r.format(), r.problems);
  return config;
}

function lineOf(root: unknown, lines: LineCounter, path: Path): number | undefined {
  let node = root, line: number | undefined;
  const at = (n: unknown) => (n as { range?: number[] })?.range;
  if (at(node)) line = lines.linePos(at(node)![0]).line;
  for (const key of path) {
    let next: unknown;
    if (isMap(node)) {
      const pair = node.items.find((p) => (p.key as { value?: unknown })?.value === key);
      next = pair?.value ?? pair?.key;
    } else if (isSeq(node) && typeof key === "number") next = node.items[key];
    if (!next) break;
    node = next;
    if (at(node)) line = lines.linePos(at(node)![0]).line;
  }
  return line;
}

const TOP_FIELDS = ["currency", "amountUnit", "moneyUnit", "studyStart", "calibrationEnd", "holdoutEnd", "transactions", "customers", "contacts", "consent", "seasonality"];
const TRANSACTION_FIELDS = [...TABLE_FIELDS, "returns", "filter"];
const CUSTOMER_FIELDS = [...TABLE_FIELDS, "attributes"];

function validate(raw: unknown, r: Reporter, source: string, baseDir: string): HistoryConfig | undefined {
  if (!isObj(raw)) {
    r.error([], "expected a mapping with transactions, calibrationEnd and optionally customers, holdoutEnd, currency, consent");
    return undefined;
  }
  checkFields(raw, TOP_FIELDS, [], r);
  const day = (key: string, required: boolean): Minutes | undefined => {
    const v = raw[key];
    if (v === undefined) {
      if (required) r.error([key], "missing: the last day of the calibration period (inclusive), e.g. 1997-09-30");
      return undefined;
    }
    // a YAML date comes as a Date: read back as its text, so that the text's rules (the years) apply
    const t = typeof v === "string" || v instanceof Date ? dateParser("YYYY-MM-DD")(v instanceof Date ? v.toISOString().slice(0, 10) : v.trim()) : null;
    if (t === null || !Number.isInteger(t)) r.error([key], `expected a date YYYY-MM-DD (${YEARS}), got ${JSON.stringify(v)}`);
    return t ?? undefined;
  };
  const calibrationEnd = day("calibrationEnd", true);
  const holdoutEnd = day("holdoutEnd", false);
  const studyStart = day("studyStart", false);
  if (calibrationEnd !== undefined && studyStart !== undefined && studyStart > calibrationEnd) {
    r.error(["studyStart"], "must be on or before calibrationEnd");
  }
  if (calibrationEnd !== undefined && holdoutEnd !== undefined && holdoutEnd <= calibrationEnd) {
    r.error(["holdoutEnd"], "must be after calibrationEnd");
  }
  let currency = "USD";
  if (raw.currency !== undefined) {
    if (typeof raw.currency === "string" && /^[A-Z]{3}$/.test(raw.currency)) currency = raw.currency;
    else r.error(["currency"], `expected an ISO 4217 code such as USD or EUR, got ${JSON.stringify(raw.currency)}`);
  }
  const amountUnit = amountUnitOf(raw.amountUnit, ["amountUnit"], r), moneyUnit = moneyUnitOf(raw.moneyUnit, ["moneyUnit"], r);
  const consent = { email: false, sms: false, push: false, mail: false, call: false };
  if (raw.consent !== undefined) {
    if (!isObj(raw.consent)) r.error(["consent"], "expected a mapping such as {email: true, sms: false}");
    else {
      checkFields(raw.consent, CHANNELS, ["consent"], r);
      for (const k of CHANNELS) {
        const v = raw.consent[k];
        if (v === undefined) continue;
        if (typeof v === "boolean") consent[k] = v;
        else r.error(["consent", k], `expected true or false, got ${JSON.stringify(v)}`);
      }
    }
  }
  const transactions = transactionTable(raw.transactions, r, baseDir);
  let customers: CustomerSpec | undefined;
  if (raw.customers !== undefined) {
    const { attributes, ...rest } = isObj(raw.customers) ? raw.customers : { attributes: undefined };
    const spec = table(isObj(raw.customers) ? rest : raw.customers, ["customers"], CUSTOMER_COLUMNS, ["id"], r, baseDir, CUSTOMER_FIELDS);
    const attrs = attributesOf(attributes, ["customers", "attributes"], r);
    if (spec) customers = { ...spec, attributes: attrs };
  }
  const contacts = raw.contacts === undefined
    ? undefined
    : table(raw.contacts, ["contacts"], CONTACT_COLUMNS, ["customer", "date", "channel"], r, baseDir);
  const seasonality = seasonalityOf(raw.seasonality, ["seasonality"], r);
  if (!transactions || calibrationEnd === undefined) return undefined;
  return { source, currency, amountUnit, moneyUnit, money: moneyLabel(currency, moneyUnit), calibrationEnd, holdoutEnd, studyStart, transactions, customers, contacts, consent, seasonality };
}

/** The transactions table, with `amount: { multiply: [a, b] }`, `returns` and `filter`. */
function transactionTable(raw: unknown, r: Reporter, baseDir: string): TransactionSpec | undefined {
  const path = ["transactions"];
  let amountFactors: [ColumnRef, ColumnRef] | undefined;
  let plain = raw;
  if (isObj(raw) && isObj(raw.columns) && isObj(raw.columns.amount)) {
    amountFactors = multiplyOf(raw.columns.amount, [...path, "columns", "amount"], r);
    const { amount: _, ...rest } = raw.columns;
    plain = { ...raw, columns: rest };
  }
  const { returns, filter, ...tableRaw } = isObj(plain) ? plain : { returns: undefined, filter: undefined };
  const required: TransactionColumn[] = amountFactors || (isObj(raw) && isObj(raw.columns) && isObj(raw.columns.amount))
    ? ["customer", "date"]
    : ["customer", "date", "amount"];
  const spec = table(isObj(plain) ? tableRaw : plain, path, TRANSACTION_COLUMNS, required, r, baseDir, TRANSACTION_FIELDS);
  const ret = returnsOf(returns, [...path, "returns"], r);
  const filters = filtersOf(filter, [...path, "filter"], r);
  if (spec && ret.prefix !== null && spec.columns.order === undefined) {
    r.error([...path, "returns", "prefix"], "needs the order column (columns.order): the prefix is read from the order id");
  }
  if (spec && spec.format === "text" && !spec.header) {
    for (const [i, f] of filters.entries()) {
      if (typeof f.column === "string") r.error([...path, "filter", i], `column names need header: true; without a header give a 1-based position`);
    }
  }
  return spec ? { ...spec, amountFactors, returns: ret, filters } : undefined;
}
