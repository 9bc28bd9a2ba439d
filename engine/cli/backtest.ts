/**
 * `cadence backtest <plan.yaml> --history <config.yaml> [--from DATE] [--to DATE] [--seed S] [--json] [--out DIR]`:
 * replays a recorded history through a plan (engine/backtest/replay.ts) and reports what it would
 * have sent and the pressure it would have put on each customer.
 */
import { writableFolder, writeWhole } from "../report/write-file.ts";
import { join } from "node:path";
import * as aq from "arquero";
import { loadPlan } from "../plan/load.ts";
import { InputError } from "../plan/errors.ts";
import { formatDate, parseDate, YEARS } from "../core/time.ts";
import { importHistory } from "../../datasets/import.ts";
import { backtest, type BacktestResult, type BacktestSummary } from "../backtest/replay.ts";
import { backtestPeriod } from "../backtest/period.ts";
import { messagesTable } from "../sim/tables.ts";
import { writeCSV } from "../sim/csv-file.ts";
import { backtestWarnings } from "../backtest/warnings.ts";
import { actualContacts, formatPlanVsActual } from "../backtest/actual-contacts.ts";
import { outputFolder, parse, sizeFlag } from "./args.ts";
import { transactionDays } from "../../datasets/cutoff.ts";
import { fmtInt, fmtMoney, table } from "./format.ts";
import { T8 } from "../sim/metrics.ts";

const USAGE = "cadence backtest <plan.yaml> --history <config.yaml> [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--seed S] [--json] [--out DIR]";

const dateFlag = (v: string | undefined, flag: string): number | undefined => {
  if (v === undefined) return undefined;
  const t = parseDate(v);
  if (t === null || v.length !== 10) throw new InputError(`--${flag}: expected a date such as 1997-10-01 (${YEARS}), got '${v}'`);
  return t;
};

/** @example await backtestCommand(["scenarios/lifecycle.yaml", "--history", "datasets/cdnow-optin.yaml", "--json"]) */
export async function backtestCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, {
    history: { type: "string" },
    from: { type: "string" },
    to: { type: "string" },
    seed: { type: "string" },
    json: { type: "boolean" },
    out: { type: "string" },
    help: { type: "boolean", short: "h" },
  }, USAGE);
  if (values.help) {
    console.log(`usage: ${USAGE}\n\nReplays the history's purchases (and signups, and inactivity thresholds) in time order through the\nplan, with no simulated responses. Defaults: --from the day after the config's calibrationEnd, --to its\nholdoutEnd (else the last transaction's day), seed 1.`);
    return 0;
  }
  if (positionals.length !== 1) throw new InputError(`expected one plan file, got ${positionals.length}\nusage: ${USAGE}`);
  if (!values.history) throw new InputError(`missing --history <config.yaml> (a history config; see docs/history.md)\nusage: ${USAGE}`);
  const seed = sizeFlag(values.seed, "seed", 1);
  const fromFlag = dateFlag(values.from, "from"), toFlag = dateFlag(values.to, "to");
  const loaded = loadPlan(positionals[0]);
  const h = importHistory(values.history);
  if (fromFlag !== undefined && toFlag !== undefined && toFlag < fromFlag) throw new InputError(`--to ${formatDate(toFlag)} is before --from ${formatDate(fromFlag)}`);
  const { from, to } = backtestPeriod(h, { from: fromFlag, to: toFlag }); // the defaults the API has
  // once the plan, the history and the flags are checked (a bad one leaves nothing behind), before the replay
  if (values.out !== undefined) outputFolder("--out", values.out);
  const result = backtest(loaded, h, { from, to, seed });
  const data = transactionDays(h) ?? undefined; // the days of the first and last transactions
  const warnings = backtestWarnings(result.plan, result.summary, result.metrics.programs.map((p) => p.entered), h.config.money, from, to, data);
  const files = values.out !== undefined ? writeBacktest(result, values.out) : [];
  // with a contact history: what was actually sent over the same period, beside the plan's
  const actual = actualContacts(h, from, to);
  if (values.json) console.log(JSON.stringify({ ...result.summary, currency: h.config.money, identicalRows: h.identical, warnings, ...(actual ? { actual } : {}) }));
  else {
    console.log(formatBacktest(result.summary, h.config.money));
    // identical purchases can be real: replayed as they are, and said (docs/history.md)
    if (h.identical) console.log(`\nthe history has ${fmtInt(h.identical)} row${h.identical === 1 ? "" : "s"} repeating an earlier row exactly, replayed as purchases (an export that doubled rows would double-count them)`);
    if (actual) console.log(formatPlanVsActual(result.summary, actual));
    if (warnings.length) console.log(`\nwarnings (${warnings.length}):\n${warnings.map((w) => `  - ${w.message}`).join("\n")}`);
    // after the summary, so the last line says where the files are
    if (files.length) console.log(`\nwrote ${files.length} files to ${values.out}`);
  }
  await Promise.resolve();
  return 0;
}

/** summary.json, messages.csv (simulate's columns) and customers.csv (contacts, most in a week, purchases). */
export function writeBacktest(r: BacktestResult, dir: string): string[] {
  writableFolder(dir);
  const t = r.population.table, m = r.metrics, out: string[] = [];
  const put = (name: string, text: string) => out.push(writeWhole(join(dir, name), text));
  const csv = (name: string, table: aq.ColumnTable) => out.push(writeWhole(join(dir, name), (partial) => writeCSV(partial, table)));
  put("summary.json", JSON.stringify(r.summary, null, 2) + "\n");
  csv("messages.csv", messagesTable(r, r.recorder));
  const rows = Array.from({ length: t.size }, (_, c) => c);
  csv("customers.csv", aq.table({
    id: t.ids.slice(0, t.size),
    contacts: m.column("contactsOf"),
    maxWeek: Array.from(r.maxWeek),
    purchases: m.column("purchasesOf"),
    revenue: rows.map((c) => Math.round(m.revenueOf[c * T8] * 100) / 100),
  }));
  return out;
}

/** The readable report. */
export function formatBacktest(s: BacktestSummary, currency: string): string {
  const w = s.contactsPerCustomerWeek;
  const lines = [
    `backtest ${s.plan} on ${s.history} · ${s.from} .. ${s.to} (${s.days} days) · seed ${s.seed}`,
    `digest ${s.digest}`,
    "",
    table([
      ["customers (existing in the period)", fmtInt(s.customers)],
      ["replayed: signups / purchases / inactivity events", `${fmtInt(s.signups)} / ${fmtInt(s.purchases)} / ${fmtInt(s.inactive)}`],
      [`revenue replayed (${currency})`, fmtMoney(s.revenue)],
      ["reach (customers contacted)", fmtInt(s.reach)],
      ["contacts", fmtInt(s.contacts)],
      ...Object.entries(s.contactsByChannel).filter(([, v]) => v > 0).map(([k, v]) => [`  ${k}`, fmtInt(v)]),
      ["contacts per customer-week mean / p50 / p90 / p99 / max", `${w.mean.toFixed(2)} / ${w.p50} / ${w.p90} / ${w.p99} / ${w.max}`],
      ["suppressed / deferred / holdout", `${fmtInt(s.suppressed)} / ${fmtInt(s.deferred)} / ${fmtInt(s.holdout)}`],
      ...Object.entries(s.suppressedByRule).sort((a, b) => b[1] - a[1]).map(([k, v]) => [`  suppressed by ${k}`, fmtInt(v)]),
    ]),
  ];
  if (s.messages.length) {
    lines.push("", "messages by program, channel and status:", table(
      s.messages.map((m) => [m.program, m.channel, m.status, fmtInt(m.count)]),
      ["program", "channel", "status", "messages"],
    ));
  }
  if (s.topCustomers.length) {
    lines.push("", "customers under the most pressure:", table(
      s.topCustomers.map((c) => [c.id, fmtInt(c.contacts), fmtInt(c.maxWeek), fmtInt(c.purchases)]),
      ["customer", "contacts", "most in a week", "purchases"],
    ));
  }
  return lines.join("\n");
}
