/**
 * Contacts made outside the plan — a store visit, a sales meeting, a service call, another tool's
 * message — read from a CSV file so that a forecast counts them in the pressure rules exactly as the live
 * server does with posted `contact` events (docs/live.md): `time,customer,channel[,category]`, a header
 * line first; time ISO-8601 (UTC unless an offset is given), customer an id of the population, channel
 * one of email, sms, push, mail, call or the plan's custom channels, category one of the plan's (default relational). A line that
 * cannot be used stops the run with the file, the line and what would be valid.
 */
import { CHANNELS } from "../core/channels.ts";
import type { CompiledPlan } from "../core/compiled.ts";
import { DAY, formatDate, type Minutes, parseDate } from "../core/time.ts";
import { closest } from "../plan/errors.ts";
import { InputError } from "../plan/errors.ts";
import { eachRecord } from "../../datasets/csv.ts";
import { originalText } from "../report/spreadsheet-text.ts";

export interface ExternalContacts {
  customer: string[];
  time: number[];
  channel: number[]; // by index in the channel list the file was read with (the plan's: built-in, then custom)
  category: string[];
  source: string;
}

/**
 * `channels`: the plan's channels by index (CompiledPlan.names.channels), so that its custom channels
 * are accepted; the built-in ones by default.
 * @example readExternalContacts("out/meetings.csv", loaded.compiled.names.channels)
 */
export function readExternalContacts(file: string, channels: readonly string[] = CHANNELS): ExternalContacts {
  const out: ExternalContacts = { customer: [], time: [], channel: [], category: [], source: file };
  let columns: Record<string, number> | null = null;
  const problems: string[] = [];
  try {
    eachRecord(file, "comma", (f, line) => {
      if (!columns) {
        columns = Object.fromEntries(f.map((h, i) => [h.trim().toLowerCase(), i]));
        const missing = ["time", "customer", "channel"].filter((k) => columns![k] === undefined);
        if (missing.length) throw new InputError(`${file}:1: missing column(s) ${missing.join(", ")}; expected a header time,customer,channel[,category]`);
        return;
      }
      // a cell written '=… by a spreadsheet-safe export (an extract list's customer id) reads as =…
      const get = (k: string) => (columns![k] === undefined ? "" : originalText(f[columns![k]] ?? "").trim());
      const time = parseDate(get("time")), channel = channels.indexOf(get("channel"));
      if (time === null) problems.push(`${file}:${line}: time '${get("time")}' is not a date such as 2026-03-02 or 2026-03-02T15:30+01:00`);
      else if (channel < 0) {
        const hint = closest(get("channel"), channels);
        problems.push(`${file}:${line}: channel '${get("channel")}'${hint ? ` (did you mean '${hint}'?)` : ""}; expected one of ${channels.join(", ")}`);
      } else if (!get("customer")) problems.push(`${file}:${line}: no customer id`);
      else {
        out.customer.push(get("customer")), out.time.push(time), out.channel.push(channel), out.category.push(get("category") || "relational");
      }
      if (problems.length >= 5) throw new InputError(problems.join("\n"));
    });
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`${file}: cannot read the contacts file (${(e as Error).message})`);
  }
  if (problems.length) throw new InputError(problems.join("\n"));
  if (!columns) throw new InputError(`${file}: no header line; expected time,customer,channel[,category], then one contact per line`);
  return out;
}

/**
 * What a run makes of a contacts file, in words: how many contacts it read, and how many fall in the
 * run's days [start, end) and so count in the pressure rules (the simulated customers have no contacts
 * before the run, the plan's own included: one outside contact before it would be counted alone).
 */
export function describeExternalContacts(x: ExternalContacts, start: Minutes, end: Minutes, rules: number): string {
  const within = x.time.filter((t) => t >= start && t < end).length, outside = x.time.length - within;
  const days = `${formatDate(start)} to ${formatDate(end - DAY)}`;
  const read = `contacts made outside the plan: ${x.time.length} read from ${x.source}`;
  // they only ever count in pressure rules: a plan without any takes them and changes nothing
  if (rules === 0) return `${read}; this plan has no pressure rules, so they change nothing`;
  return `${read}; ${within} within the run's days count in the pressure rules` + (outside ? `, ${outside} outside them (${days}) do not` : "");
}

/** Each contact as (customer index, time, channel, category index), checked against the plan and the population's ids. */
export function resolveExternalContacts(x: ExternalContacts, plan: CompiledPlan, ids: readonly string[]): { c: number; time: number; channel: number; category: number }[] {
  const index = new Map(ids.map((id, c) => [id, c]));
  const out: { c: number; time: number; channel: number; category: number }[] = [];
  x.customer.forEach((id, i) => {
    const c = index.get(id), category = plan.names.categories.indexOf(x.category[i]);
    if (c === undefined) throw new InputError(`${x.source}: contact ${i + 1}: customer '${id}' is not in the population (ids run ${ids[0]} … ${ids[ids.length - 1]})`);
    if (category < 0) throw new InputError(`${x.source}: contact ${i + 1}: category '${x.category[i]}' is not one of the plan's: ${plan.names.categories.join(", ")}`);
    out.push({ c, time: x.time[i], channel: x.channel[i], category });
  });
  return out;
}
