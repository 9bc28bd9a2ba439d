/**
 * Reads the customers file of a history config: signup date, consents for every channel (e-mail, SMS,
 * push, mail, call), time zone, and the typed extra attributes plans read as `attr.<name>`.
 * Consent where no column speaks (no column for that channel, or a customer only seen in transactions)
 * is the config's assumption (default: no opt-in).
 */
import { CHANNELS, consentBit } from "../engine/core/channels.ts";
import { parseDate } from "../engine/core/time.ts";
import type { Attributes, AttrValue } from "./customer-attributes.ts";
import { dateParser, dateValid } from "./date-format.ts";
import type { ColumnRef, HistoryConfig, TableSpec } from "./history-config.ts";
import { columnLabel, FileProblems, readMappedColumns } from "./table-reader.ts";
import { resize } from "./transactions-import.ts";
import { BOOLEAN_VALID, isTimeZone, numberParser, parseBoolean, quoted } from "./values.ts";

/** One entry per customer (index = position in History.ids). */
export interface CustomerAttributes {
  /** signup time in minutes, NaN when unknown (then the first purchase stands in) */
  signup: Float64Array;
  /** consent bits per channel, as CustomerTable.consent (engine/core/channels.ts consentBit) */
  consent: Uint8Array;
  /** 1 = opted in to e-mail / SMS (the consent bits of those channels, kept for readers of the two) */
  email: Uint8Array;
  sms: Uint8Array;
  /** IANA zone or null */
  timezone: (string | null)[];
  /** 1 when the customer is listed in the customers file */
  listed: Uint8Array;
  /** extra attributes by name, values indexed by customer (null: unknown or not listed) */
  attrs: Attributes;
}

const CONSENT_KEYS = ["emailConsent", "smsConsent", "pushConsent", "mailConsent", "callConsent"] as const; // CHANNELS order
const KEYS = ["id", "signup", "timezone", ...CONSENT_KEYS] as const;

export function readCustomers(config: HistoryConfig, idOf: (id: string) => number, cust: CustomerBuilder): void {
  const spec = config.customers!;
  const problems = new FileProblems(spec.file);
  const columns: Record<string, ColumnRef> = { ...spec.columns };
  const attrKeys = spec.attributes.map((a) => `attributes.${a.name}`);
  spec.attributes.forEach((a, i) => columns[attrKeys[i]] = a.column);
  const keys = [...KEYS, ...attrKeys];
  const labels = keys.map((k) => columns[k] === undefined ? k : columnLabel(k, columns[k]));
  const read: TableSpec<string> = { ...spec, columns };
  const parse = dateParser(spec.dateFormat, spec.timeZone);
  const parseTime = spec.format === "arrow" ? (s: string) => parse(s) ?? parseDate(s) : parse;
  const num = numberParser(spec.decimal);
  const fromColumn = CONSENT_KEYS.map((k) => spec.columns[k] !== undefined);
  cust.fromColumn = fromColumn;
  const values = spec.attributes.map((a) => {
    const list: AttrValue[] = [];
    cust.attrs.set(a.name, list);
    return list;
  });
  const seen = new Set<string>();
  readMappedColumns(read, keys, problems, (v, line) => {
    const [id, signup, tz] = v;
    if (id === "") return problems.add(line, labels[0], "empty customer id");
    if (seen.has(id)) return problems.add(line, labels[0], `duplicate customer id ${quoted(id)}: each customer is listed once`);
    seen.add(id);
    const i = idOf(id);
    cust.listed[i] = 1;
    if (signup !== "") {
      const t = parseTime(signup);
      if (t === null) problems.add(line, labels[1], `bad date ${quoted(signup)}: ${dateValid(spec.dateFormat)}`);
      else cust.signup[i] = t;
    }
    if (tz !== "") {
      if (isTimeZone(tz)) cust.timezone[i] = tz;
      else problems.add(line, labels[2], `bad time zone ${quoted(tz)}: expected an IANA name such as Europe/Paris or UTC`);
    }
    for (let ch = 0; ch < CONSENT_KEYS.length; ch++) {
      if (!fromColumn[ch]) continue;
      const text = v[3 + ch], b = parseBoolean(text);
      if (b === null) problems.add(line, labels[3 + ch], `bad consent ${quoted(text)}: expected ${BOOLEAN_VALID}`);
      else if (b) cust.consent[i] |= consentBit(ch);
    }
    for (let a = 0; a < spec.attributes.length; a++) {
      const text = v[KEYS.length + a], type = spec.attributes[a].type;
      let value: AttrValue = null;
      if (text !== "") {
        value = type === "text" ? text : type === "number" ? num.parse(text) : type === "boolean" ? parseBoolean(text) : parseTime(text);
        if (value === null) {
          const valid = type === "number" ? num.valid : type === "boolean" ? BOOLEAN_VALID : dateValid(spec.dateFormat);
          problems.add(line, labels[KEYS.length + a], `bad ${type} ${quoted(text)}: expected ${valid} (empty means unknown)`);
        }
      }
      values[a][i] = value;
    }
  });
}

/** Growable per-customer columns, one entry per id in History.ids order. */
export class CustomerBuilder {
  length = 0;
  signup = new Float64Array(256).fill(NaN);
  consent = new Uint8Array(256);
  listed = new Uint8Array(256);
  timezone: (string | null)[] = [];
  attrs: Attributes = new Map();
  /** per channel: the customers file has a column for it */
  fromColumn: boolean[] = CHANNELS.map(() => false);
  push(): void {
    if (this.length === this.signup.length) {
      const n = this.length * 2;
      this.signup = resize(this.signup, n).fill(NaN, this.length);
      this.consent = resize(this.consent, n), this.listed = resize(this.listed, n);
    }
    this.length++;
    this.timezone.push(null);
  }
  finish(config: HistoryConfig): CustomerAttributes {
    const n = this.length;
    const consent = this.consent.slice(0, n), listed = this.listed.slice(0, n);
    // The assumption applies where no column speaks: no column at all, or a customer only seen in transactions.
    for (let ch = 0; ch < CHANNELS.length; ch++) {
      const bit = consentBit(ch), assume = config.consent[CHANNELS[ch]];
      for (let i = 0; i < n; i++) {
        if (this.fromColumn[ch] && listed[i]) continue;
        consent[i] = assume ? consent[i] | bit : consent[i] & ~bit;
      }
    }
    for (const list of this.attrs.values()) for (let i = 0; i < n; i++) if (list[i] === undefined) list[i] = null;
    const email = consent.map((b) => b & 1), sms = consent.map((b) => (b >> 1) & 1);
    return { signup: this.signup.slice(0, n), consent, email, sms, timezone: this.timezone, listed, attrs: this.attrs };
  }
}
