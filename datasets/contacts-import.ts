/**
 * Reads a contact-history export (one row per message sent: time, customer, channel, optionally the
 * program or campaign, the category and the outcomes delivered, opened, clicked, unsubscribed,
 * complained) into typed columns. Sends to customers the history does not know (no purchase, not in the
 * customers file) are skipped and counted: a run from the cut-off has no such customer to seed.
 */
import { CHANNELS } from "../engine/core/channels.ts";
import { parseDate } from "../engine/core/time.ts";
import { dateParser, dateValid } from "./date-format.ts";
import type { HistoryConfig } from "./history-config.ts";
import { Skips, type SkipReport } from "./skips.ts";
import { columnLabel, FileProblems, readMappedColumns } from "./table-reader.ts";
import { resize } from "./transactions-import.ts";
import { BOOLEAN_VALID, parseBoolean, quoted } from "./values.ts";

/** Outcome bits of a send. */
export const DELIVERED = 1, OPENED = 2, CLICKED = 4, UNSUBSCRIBED = 8, COMPLAINED = 16;
export const OUTCOMES = ["delivered", "opened", "clicked", "unsubscribed", "complained"] as const;

export interface Contacts {
  length: number;
  /** index into History.ids */
  customer: Int32Array;
  time: Int32Array;
  /** index into CHANNELS */
  channel: Uint8Array;
  /** index into `programs`, -1 when the file has no program column or the cell is empty */
  program: Int32Array;
  /** index into `categories`, -1 when unknown */
  category: Int32Array;
  /** OUTCOMES bits; DELIVERED is set when the file has no delivered column */
  outcome: Uint8Array;
  programs: string[];
  categories: string[];
  /** OUTCOMES bits of the columns the file has: rates are measured only for these */
  measured: number;
  skipped: SkipReport;
  /** sends whose outcomes implied a flag the row lacked (impliedOutcomes): acted on but not marked delivered, clicked but not marked opened */
  implied: { delivered: number; opened: number };
}

const ALIASES: Record<string, number> = {
  email: 0, "e-mail": 0, sms: 1, text: 1, push: 2, "push notification": 2, mail: 3, post: 3, postal: 3,
  "direct mail": 3, call: 4, phone: 4, telephone: 4,
};
const CHANNEL_VALID = `expected a channel: ${CHANNELS.join(", ")} (also e-mail, text, post, phone; any case)`;

const KEYS = ["customer", "date", "channel", "program", "category", ...OUTCOMES] as const;

/** @param known the customer index of an id the history knows, else undefined */
export function readContacts(config: HistoryConfig, known: (id: string) => number | undefined): Contacts {
  const spec = config.contacts!;
  const problems = new FileProblems(spec.file);
  const labels = KEYS.map((k) => spec.columns[k] === undefined ? k : columnLabel(k, spec.columns[k]!));
  const parse = dateParser(spec.dateFormat, spec.timeZone);
  const parseTime = spec.format === "arrow" ? (s: string) => parse(s) ?? parseDate(s) : parse;
  let measured = 0;
  OUTCOMES.forEach((k, i) => spec.columns[k] !== undefined && (measured |= 1 << i));
  const names = { programs: new Map<string, number>(), categories: new Map<string, number>() };
  const indexOf = (m: Map<string, number>, s: string) => {
    if (s === "") return -1;
    let i = m.get(s);
    if (i === undefined) m.set(s, i = m.size);
    return i;
  };
  const out = new Builder(), skips = new Skips(), implied = { delivered: 0, opened: 0 };
  let lastDate = "", lastTime: number | null = null;
  readMappedColumns(spec, KEYS, problems, (v, line) => {
    skips.rows++;
    const show = () => KEYS.map((k, i) => (spec.columns[k] === undefined ? "" : `${k}=${quoted(v[i])}`)).filter(Boolean).join(" ");
    if (v[0] === "") return skips.add("no customer id", line, show);
    const time = v[1] === lastDate ? lastTime : parseTime(v[1]);
    lastDate = v[1], lastTime = time;
    if (time === null) return problems.add(line, labels[1], `bad date ${quoted(v[1])}: ${dateValid(spec.dateFormat)}`);
    const channel = ALIASES[v[2].toLowerCase()];
    if (channel === undefined) return problems.add(line, labels[2], `unknown channel ${quoted(v[2])}: ${CHANNEL_VALID}`);
    let outcome = measured & 1 ? 0 : DELIVERED;
    for (let k = 0; k < OUTCOMES.length; k++) {
      if (!(measured & (1 << k))) continue;
      const b = parseBoolean(v[5 + k]);
      if (b === null) return problems.add(line, labels[5 + k], `bad ${OUTCOMES[k]} flag ${quoted(v[5 + k])}: expected ${BOOLEAN_VALID}`);
      if (b) outcome |= 1 << k;
    }
    outcome = impliedOutcomes(outcome, measured, implied);
    const c = known(v[0]);
    if (c === undefined) return skips.add("customer unknown to the history (no purchase, not in the customers file)", line, show);
    out.push(c, time, channel, indexOf(names.programs, v[3]), indexOf(names.categories, v[4].toLowerCase()), outcome);
  });
  return {
    ...out.finish(),
    programs: [...names.programs.keys()],
    categories: [...names.categories.keys()],
    measured,
    skipped: skips.report(),
    implied,
  };
}

const ACTED = OPENED | CLICKED | UNSUBSCRIBED | COMPLAINED;

/**
 * A send's outcomes as the world model reads them: a message opened, clicked, unsubscribed from or
 * complained about was delivered, and a click is on an opened message (blocked images hide an open, not
 * a click). Exports disagree (a delivery receipt lost, an open pixel not loaded): taken as written, 3
 * opens of 2 delivered gave an open rate of 150 %, which `fit --world-out` wrote and every command then
 * refused. Only flags of columns the file has are set; `implied` counts them, for the import's warnings.
 */
function impliedOutcomes(o: number, measured: number, implied: { delivered: number; opened: number }): number {
  if (measured & DELIVERED && o & ACTED && !(o & DELIVERED)) o |= DELIVERED, implied.delivered++;
  if (measured & OPENED && o & CLICKED && !(o & OPENED)) o |= OPENED, implied.opened++;
  return o;
}

/** The import's warnings on outcomes it implied (impliedOutcomes), naming the file. */
export function impliedWarnings(c: Contacts, file: string): string[] {
  const n = (v: number) => `${v.toLocaleString("en-US")} send${v === 1 ? "" : "s"}`;
  const out: string[] = [];
  if (c.implied.delivered) out.push(`${file}: ${n(c.implied.delivered)} opened, clicked, unsubscribed or complained but not marked delivered, counted as delivered (a message acted on reached its customer; no rate per delivered is then above 100 %)`);
  if (c.implied.opened) out.push(`${file}: ${n(c.implied.opened)} clicked but not marked opened, counted as opened (blocked images hide an open, not a click; the world model clicks only opened messages)`);
  return out;
}

class Builder {
  length = 0;
  customer = new Int32Array(1024);
  time = new Int32Array(1024);
  channel = new Uint8Array(1024);
  program = new Int32Array(1024);
  category = new Int32Array(1024);
  outcome = new Uint8Array(1024);
  push(c: number, t: number, ch: number, p: number, cat: number, o: number): void {
    if (this.length === this.customer.length) {
      const n = this.length * 2;
      this.customer = resize(this.customer, n), this.time = resize(this.time, n), this.channel = resize(this.channel, n);
      this.program = resize(this.program, n), this.category = resize(this.category, n), this.outcome = resize(this.outcome, n);
    }
    const i = this.length++;
    this.customer[i] = c, this.time[i] = t, this.channel[i] = ch, this.program[i] = p, this.category[i] = cat, this.outcome[i] = o;
  }
  finish() {
    const n = this.length;
    return {
      length: n, customer: this.customer.slice(0, n), time: this.time.slice(0, n), channel: this.channel.slice(0, n),
      program: this.program.slice(0, n), category: this.category.slice(0, n), outcome: this.outcome.slice(0, n),
    };
  }
}
