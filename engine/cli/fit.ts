/**
 * `cadence fit --history <config> [--json]`: imports a purchase history, fits BG/NBD and gamma-gamma on
 * the calibration period, and compares predicted with actual repeat purchases in the holdout.
 */
import { DAY, formatDate } from "../core/time.ts";
import { InputError } from "../plan/errors.ts";
import { type Flags, outputFile, parse } from "./args.ts";
import { importHistory } from "../../datasets/import.ts";
import { cutoffWarnings, requirePurchasesBy } from "../../datasets/cutoff.ts";
import { gapWarnings } from "../../datasets/data-gaps.ts";
import { fitWarnings } from "../fit/fit-warnings.ts";
import { dayData, frequencyData, historyState, spendData } from "../../datasets/history.ts";
import { fitSeasonalBgnbd, type SeasonalFit } from "../fit/seasonality.ts";
import { fitBgnbd } from "../fit/bgnbd.ts";
import { fitGammaGamma, type GammaGammaFit } from "../fit/gamma-gamma.ts";
import { compareHoldout, type HoldoutComparison } from "../fit/holdout.ts";
import { formatSkips, type SkipReport } from "../../datasets/skips.ts";
import { type ChannelRates, contactRates, worldParams } from "../fit/contact-rates.ts";
import { writeWhole } from "../report/write-file.ts";

const USAGE = "usage: cadence fit --history <config.yaml> [--json] [--world-out <world.json>]";

/**
 * Runs the command; returns the exit code (0 ok, 2 bad arguments or input files, as every command).
 * @example await fitCommand(["--history", "datasets/cdnow.yaml", "--json"])
 */
export async function fitCommand(args: string[]): Promise<number> {
  let flags: Flags;
  try {
    flags = parse(args, { history: { type: "string" }, json: { type: "boolean" }, "world-out": { type: "string" } }, USAGE.replace(/^usage: /, ""));
    if (flags.positionals.length) throw new InputError(`unexpected argument '${flags.positionals[0]}'\n${USAGE}`);
  } catch (e) {
    if (!(e instanceof InputError)) throw e; // --help (HelpRequested) is answered by main()
    console.error(`cadence fit: ${e.message}`);
    return 2;
  }
  const values = flags.values as { history?: string; json?: boolean; "world-out"?: string };
  if (!values.history) {
    console.error(`cadence fit: missing --history <config.yaml> (a history config; see docs/history.md)\n${USAGE}`);
    return 2;
  }
  try {
    const out = values["world-out"];
    if (out !== undefined) outputFile("--world-out", out); // before the import and the fit: a bad path fails now
    const report = await fitHistory(values.history);
    if (out !== undefined) {
      if (!report.contacts) {
        console.error(`cadence fit: --world-out needs a contact history (contacts: in ${values.history}; see docs/history.md)`);
        return 2;
      }
      writeWorld(out, report.contacts);
    }
    console.log(values.json ? JSON.stringify(toJson(report), null, 2) : formatReport(report));
    if (out !== undefined && !values.json) console.log(`\nworld parameters written to ${out} (RunOptions.world; docs/history.md)`);
    return 0;
  } catch (e) {
    if (e instanceof InputError) {
      console.error(e.message);
      return 2;
    }
    throw e;
  }
}

export interface FitReport {
  config: string;
  transactions: number;
  customers: number;
  calibrationEnd: number;
  holdoutEnd?: number;
  /** the config's currency (ISO 4217) and moneyUnit, and the label they make: order values are in `money` ("thousands of IDR") */
  currency: string;
  moneyUnit: number;
  money: string;
  /** rows a documented rule skipped, per reason, with examples */
  skipped: SkipReport;
  /** what became of the rows that were not skipped: returns netted, order lines merged, rows repeating an earlier row exactly */
  rows: { returns: number; merged: number; identical: number };
  /** what the figures cannot show as they are: a cut-off after the data, a fit run to an extreme */
  warnings: string[];
  /** the transactions file, for the skip summary */
  file: string;
  bgnbd: ReturnType<typeof fitBgnbd>;
  gammaGamma: GammaGammaFit | null;
  holdout: HoldoutComparison | null;
  /** BG/NBD with seasonality (null when the config turns it off) and its holdout comparison */
  seasonal: SeasonalFit | null;
  seasonalHoldout: HoldoutComparison | null;
  /** response rates per channel measured on the contact history up to the cut-off, when the config has one */
  contacts: ChannelRates[] | null;
  /** contact rows skipped, per reason */
  contactsSkipped: Record<string, number> | null;
  seconds: { import: number; fit: number };
}

/**
 * Import, summarise at the cut-off, fit both models and compare on the holdout.
 * @example const fit = await fitHistory("datasets/cdnow.yaml"); fit.bgnbd.params // { r: 0.243, alpha: 4.41, a: 0.793, b: 2.43 }
 */
export function fitHistory(configFile: string): Promise<FitReport> {
  const t0 = performance.now();
  const h = importHistory(configFile);
  requirePurchasesBy(h, configFile, h.config.calibrationEnd, "calibrationEnd"); // else no customer to fit
  const s = historyState(h);
  const t1 = performance.now();
  const d = frequencyData(s);
  const bgnbd = fitBgnbd(d);
  const spend = spendData(s);
  const gammaGamma = spend.x.length > 0 ? fitGammaGamma(spend) : null;
  const t2 = performance.now();
  const cutDay = Math.floor(h.config.calibrationEnd / DAY);
  const endDay = h.config.holdoutEnd === undefined ? cutDay : Math.floor(h.config.holdoutEnd / DAY);
  const days = h.config.seasonality ? dayData(h) : null;
  const seasonal = days && days.x.length > 0 ? fitSeasonalBgnbd(days, endDay, h.config.seasonality!) : null;
  let holdout: HoldoutComparison | null = null, seasonalHoldout: HoldoutComparison | null = null;
  if (h.config.holdoutEnd !== undefined && s.holdout) {
    const actual = Int32Array.from(d.customers, (c) => s.holdout![c]);
    holdout = compareHoldout(bgnbd.params, (endDay - cutDay) / 7, d.x, d.tx, d.T, actual);
    if (seasonal && days) {
      const f = seasonal.frequency, t = seasonal.clock.at(endDay) - seasonal.clock.at(cutDay);
      seasonalHoldout = compareHoldout(seasonal.params, t, f.x, f.tx, f.T, Int32Array.from(days.customers, (c) => s.holdout![c]));
    }
  }
  const warnings = [...h.warnings, ...cutoffWarnings(h), ...gapWarnings(h), ...fitWarnings(bgnbd.params, gammaGamma?.params ?? null)];
  return Promise.resolve({
    config: configFile,
    rows: { returns: h.returns.length, merged: h.merged, identical: h.identical },
    warnings,
    transactions: h.transactions.length,
    customers: d.x.length,
    calibrationEnd: h.config.calibrationEnd,
    holdoutEnd: h.config.holdoutEnd,
    currency: h.config.currency,
    moneyUnit: h.config.moneyUnit,
    money: h.config.money,
    skipped: h.skipped,
    file: h.config.transactions.file,
    bgnbd,
    gammaGamma,
    holdout,
    seasonal,
    seasonalHoldout,
    contacts: h.contacts ? contactRates(h.contacts, h.config.calibrationEnd + DAY - 1) : null,
    contactsSkipped: h.contacts ? h.contacts.skipped.counts : null,
    seconds: { import: (t1 - t0) / 1000, fit: (t2 - t1) / 1000 },
  });
}

/** Writes the measured rates as world parameters (JSON: a Partial<WorldModel> for RunOptions.world). */
function writeWorld(file: string, rates: ChannelRates[]): void {
  try {
    writeWhole(file, JSON.stringify(worldParams(rates), null, 2) + "\n");
  } catch (e) {
    throw new InputError(`${file}: cannot write the world parameters (${(e as Error).message.split("\n")[0]})`);
  }
}

/** The contact-history section of the readable report. */
function formatContacts(rates: ChannelRates[]): string[] {
  const p = (r?: { value: number; low: number; high: number }, d = 2) =>
    r ? `${(100 * r.value).toFixed(d)} % [${(100 * r.low).toFixed(d)}, ${(100 * r.high).toFixed(d)}]` : "—";
  const out = ["", "contact history to the cut-off: response per marketing send (95 % Wilson intervals)"];
  for (const r of rates) {
    out.push(`  ${r.channel.padEnd(5)} ${r.sent.toLocaleString("en-US")} sent; delivered ${p(r.deliver, 1)}; opened ${p(r.open, 1)} of delivered; clicked ${p(r.clickPerOpen, 1)} of opens`);
    out.push(`        unsubscribed ${p(r.unsubscribe, 3)}, complained ${p(r.complain, 3)} of delivered`);
  }
  return out;
}

function toJson(r: FitReport) {
  return {
    bgnbd: r.bgnbd.params,
    gammaGamma: r.gammaGamma?.params ?? null,
    // gammaGamma's order values are money: a script must tell rupiahs from thousands of rupiahs
    currency: r.currency,
    moneyUnit: r.moneyUnit,
    money: r.money,
    customers: r.customers,
    transactions: r.transactions,
    logLikelihood: r.bgnbd.logLikelihood,
    skipped: r.skipped.counts,
    returnsNetted: r.rows.returns,
    identicalRows: r.rows.identical,
    warnings: r.warnings,
    ...(r.contacts ? { contacts: r.contacts, contactsSkipped: r.contactsSkipped } : {}),
    seasonality: r.seasonal
      ? { ...r.seasonal.params, logLikelihood: r.seasonal.logLikelihood, weekday: r.seasonal.seasonality.weekday, month: r.seasonal.seasonality.month, peaks: r.seasonal.seasonality.peaks }
      : null,
    holdout: r.holdout ? { actual: r.holdout.actual, bgnbd: r.holdout.predicted, seasonal: r.seasonalHoldout?.predicted ?? null } : null,
  };
}

const f = (v: number, digits = 4) => v.toFixed(digits);
const int = (v: number) => Math.round(v).toLocaleString("en-US");
/** A predicted count, one decimal, with the thousands separators of the counts beside it (1653.4 sat next to 1,882). */
const dec1 = (v: number) => v.toLocaleString("en-US", { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const pct = (v: number) => (Number.isNaN(v) ? "—" : `${v >= 0 ? "+" : ""}${v.toFixed(1)} %`);

/**
 * The holdout table's note on its error columns, with the total's figures: a bare "error  -4.9 %" was read
 * as percentage points, or as an error of 4.9 purchases.
 */
function relativeErrorNote(h: HoldoutComparison): string {
  const what = "rel. error = (predicted − actual) / actual, in % of the actual count";
  if (Number.isNaN(h.errorPct)) return what;
  return `${what}: total ${pct(h.errorPct)} is ${dec1(h.predicted)} predicted, ${Math.abs(h.errorPct).toFixed(1)} % ${h.errorPct < 0 ? "below" : "above"} the ${int(h.actual)} made`;
}

/** The rows that were kept but are not one transaction each: so that transactions + these + skipped = rows read. */
function formatKept(k: FitReport["rows"]): string[] {
  const parts = [
    k.returns ? `${int(k.returns)} return${k.returns === 1 ? "" : "s"} netted against revenue (not purchases)` : "",
    k.merged ? `${int(k.merged)} order line${k.merged === 1 ? "" : "s"} merged into their orders` : "",
  ].filter(Boolean);
  const out = parts.length ? [`kept      ${parts.join("; ")}`] : [];
  // identical purchases can be real (two of the same CD on one day): kept, and said (docs/history.md)
  if (k.identical) out.push(`identical ${int(k.identical)} row${k.identical === 1 ? "" : "s"} repeat an earlier row exactly, kept as purchases (an export that doubled rows would double-count them)`);
  return out;
}

/** The readable report. */
export function formatReport(r: FitReport): string {
  const { r: rr, alpha, a, b } = r.bgnbd.params;
  const out = [
    `history   ${r.config}`,
    `data      ${int(r.transactions)} transactions, ${int(r.customers)} customers purchasing by ${formatDate(r.calibrationEnd)} (calibration end, inclusive)`,
    ...formatSkips(r.skipped, r.file),
    ...formatKept(r.rows),
    "",
    `BG/NBD (time in weeks)`,
    `  r ${f(rr)}   alpha ${f(alpha)}   a ${f(a)}   b ${f(b)}`,
    `  log-likelihood ${r.bgnbd.logLikelihood.toFixed(2)}`,
  ];
  if (r.gammaGamma) {
    const g = r.gammaGamma.params;
    out.push("", `gamma-gamma (order value, ${r.money}; ${int(r.gammaGamma.customers)} repeat buyers)`);
    out.push(`  p ${f(g.p)}   q ${f(g.q)}   gamma ${f(g.gamma)}`);
    if (g.q > 1) out.push(`  mean order value implied ${(g.p * g.gamma / (g.q - 1)).toFixed(2)}`);
  } else out.push("", "gamma-gamma: no repeat buyers with a positive spend; not fitted");
  if (r.seasonal) {
    const p = r.seasonal.params, z = r.seasonal.seasonality;
    out.push("", "BG/NBD with seasonality (time in operational weeks; docs/history.md)");
    out.push(`  r ${f(p.r)}   alpha ${f(p.alpha)}   a ${f(p.a)}   b ${f(p.b)}`);
    out.push(`  log-likelihood ${r.seasonal.logLikelihood.toFixed(2)} (calendar time, comparable with plain BG/NBD's)`);
    out.push(`  weekday Mon..Sun  ${z.weekday.map((v) => v.toFixed(2)).join(" ")}`);
    out.push(`  month Jan..Dec    ${z.month.map((v, k) => (z.monthObserved[k] ? v.toFixed(2) : " —  ")).join(" ")}  (— not in the calibration: 1)`);
    for (const pk of z.peaks) out.push(`  peak ${pk.name}: ${pk.factor.toFixed(2)}${pk.observed ? "" : " (not in the calibration: the configured lift)"}`);
  }
  if (r.holdout && r.holdoutEnd !== undefined) {
    const h = r.holdout, sh = r.seasonalHoldout;
    out.push("", `holdout ${formatDate(r.calibrationEnd + DAY)} .. ${formatDate(r.holdoutEnd)} (${h.t.toFixed(2)} weeks): repeat purchases`);
    out.push(`  ${"x (calib.)".padEnd(10)} ${"customers".padStart(9)} ${"predicted".padStart(10)} ${"actual".padStart(8)} ${"rel. error".padStart(10)}${sh ? ` ${"seasonal".padStart(10)} ${"rel. error".padStart(10)}` : ""}`);
    const rows = [...h.byFrequency, { x: "total", customers: r.customers, predicted: h.predicted, actual: h.actual, errorPct: h.errorPct }];
    const srows = sh ? [...sh.byFrequency, sh] : [];
    for (const [i, row] of rows.entries()) {
      const s = srows[i] ? ` ${dec1(srows[i].predicted).padStart(10)} ${pct(srows[i].errorPct).padStart(10)}` : "";
      out.push(`  ${row.x.padEnd(10)} ${int(row.customers).padStart(9)} ${dec1(row.predicted).padStart(10)} ${int(row.actual).padStart(8)} ${pct(row.errorPct).padStart(10)}${s}`);
    }
    out.push(`  ${relativeErrorNote(h)}`);
  } else out.push("", "holdout: none (set holdoutEnd in the config to compare)");
  if (r.contacts) out.push(...formatContacts(r.contacts));
  if (r.warnings.length) out.push("", `warnings (${r.warnings.length}):`, ...r.warnings.map((w) => `  - ${w}`));
  out.push("", `time      import ${r.seconds.import.toFixed(2)} s, fit ${r.seconds.fit.toFixed(2)} s`);
  return out.join("\n");
}
