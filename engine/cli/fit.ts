/**
 * `cadence fit --history <config> [--json]`: imports a purchase history, fits BG/NBD and gamma-gamma on
 * the calibration period, and compares predicted with actual repeat purchases in the holdout.
 */
import { DAY, formatDate } from "../core/time.ts";
import { InputError } from "../plan/errors.ts";
import { type Flags, parse } from "./args.ts";
import { importHistory } from "../../datasets/import.ts";
import { frequencyData, historyState, spendData } from "../../datasets/history.ts";
import { fitBgnbd } from "../fit/bgnbd.ts";
import { fitGammaGamma, type GammaGammaFit } from "../fit/gamma-gamma.ts";
import { compareHoldout, type HoldoutComparison } from "../fit/holdout.ts";
import { formatSkips, type SkipReport } from "../../datasets/skips.ts";

const USAGE = "usage: cadence fit --history <config.yaml> [--json]";

/**
 * Runs the command; returns the exit code (0 ok, 1 bad input files, 2 bad arguments).
 * @example await fitCommand(["--history", "datasets/cdnow.yaml", "--json"])
 */
export async function fitCommand(args: string[]): Promise<number> {
  let flags: Flags;
  try {
    flags = parse(args, { history: { type: "string" }, json: { type: "boolean" } }, USAGE.replace(/^usage: /, ""));
    if (flags.positionals.length) throw new InputError(`unexpected argument '${flags.positionals[0]}'\n${USAGE}`);
  } catch (e) {
    if (!(e instanceof InputError)) throw e; // --help (HelpRequested) is answered by main()
    console.error(`cadence fit: ${e.message}`);
    return 2;
  }
  const values = flags.values as { history?: string; json?: boolean };
  if (!values.history) {
    console.error(`cadence fit: missing --history <config.yaml> (a history config; see docs/history.md)\n${USAGE}`);
    return 2;
  }
  try {
    const report = await fitHistory(values.history);
    console.log(values.json ? JSON.stringify(toJson(report), null, 2) : formatReport(report));
    return 0;
  } catch (e) {
    if (e instanceof InputError) {
      console.error(e.message);
      return 1;
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
  currency: string;
  /** rows a documented rule skipped, per reason, with examples */
  skipped: SkipReport;
  /** the transactions file, for the skip summary */
  file: string;
  bgnbd: ReturnType<typeof fitBgnbd>;
  gammaGamma: GammaGammaFit | null;
  holdout: HoldoutComparison | null;
  seconds: { import: number; fit: number };
}

/** Import, summarise at the cut-off, fit both models and compare on the holdout. */
export function fitHistory(configFile: string): Promise<FitReport> {
  const t0 = performance.now();
  const h = importHistory(configFile);
  const s = historyState(h);
  const t1 = performance.now();
  const d = frequencyData(s);
  const bgnbd = fitBgnbd(d);
  const spend = spendData(s);
  const gammaGamma = spend.x.length > 0 ? fitGammaGamma(spend) : null;
  const t2 = performance.now();
  let holdout: HoldoutComparison | null = null;
  if (h.config.holdoutEnd !== undefined && s.holdout) {
    const weeks = (Math.floor(h.config.holdoutEnd / DAY) - Math.floor(h.config.calibrationEnd / DAY)) / 7;
    const actual = Int32Array.from(d.customers, (c) => s.holdout![c]);
    holdout = compareHoldout(bgnbd.params, weeks, d.x, d.tx, d.T, actual);
  }
  return Promise.resolve({
    config: configFile,
    transactions: h.transactions.length,
    customers: d.x.length,
    calibrationEnd: h.config.calibrationEnd,
    holdoutEnd: h.config.holdoutEnd,
    currency: h.config.currency,
    skipped: h.skipped,
    file: h.config.transactions.file,
    bgnbd,
    gammaGamma,
    holdout,
    seconds: { import: (t1 - t0) / 1000, fit: (t2 - t1) / 1000 },
  });
}

function toJson(r: FitReport) {
  return {
    bgnbd: r.bgnbd.params,
    gammaGamma: r.gammaGamma?.params ?? null,
    customers: r.customers,
    transactions: r.transactions,
    logLikelihood: r.bgnbd.logLikelihood,
    skipped: r.skipped.counts,
    holdout: r.holdout ? { predicted: r.holdout.predicted, actual: r.holdout.actual } : null,
  };
}

const f = (v: number, digits = 4) => v.toFixed(digits);
const int = (v: number) => Math.round(v).toLocaleString("en-US");
const pct = (v: number) => (Number.isNaN(v) ? "—" : `${v >= 0 ? "+" : ""}${v.toFixed(1)} %`);

/** The readable report. */
export function formatReport(r: FitReport): string {
  const { r: rr, alpha, a, b } = r.bgnbd.params;
  const out = [
    `history   ${r.config}`,
    `data      ${int(r.transactions)} transactions, ${int(r.customers)} customers purchasing by ${formatDate(r.calibrationEnd)} (calibration end, inclusive)`,
    ...formatSkips(r.skipped, r.file),
    "",
    `BG/NBD (time in weeks)`,
    `  r ${f(rr)}   alpha ${f(alpha)}   a ${f(a)}   b ${f(b)}`,
    `  log-likelihood ${r.bgnbd.logLikelihood.toFixed(2)}`,
  ];
  if (r.gammaGamma) {
    const g = r.gammaGamma.params;
    out.push("", `gamma-gamma (order value, ${r.currency}; ${int(r.gammaGamma.customers)} repeat buyers)`);
    out.push(`  p ${f(g.p)}   q ${f(g.q)}   gamma ${f(g.gamma)}`);
    if (g.q > 1) out.push(`  mean order value implied ${(g.p * g.gamma / (g.q - 1)).toFixed(2)}`);
  } else out.push("", "gamma-gamma: no repeat buyers with a positive spend; not fitted");
  if (r.holdout && r.holdoutEnd !== undefined) {
    const h = r.holdout;
    out.push("", `holdout ${formatDate(r.calibrationEnd + DAY)} .. ${formatDate(r.holdoutEnd)} (${h.t.toFixed(2)} weeks): repeat purchases`);
    out.push(`  ${"x (calib.)".padEnd(10)} ${"customers".padStart(9)} ${"predicted".padStart(10)} ${"actual".padStart(8)} ${"error".padStart(9)}`);
    for (const row of [...h.byFrequency, { x: "total", customers: r.customers, predicted: h.predicted, actual: h.actual, errorPct: h.errorPct }]) {
      out.push(`  ${row.x.padEnd(10)} ${int(row.customers).padStart(9)} ${row.predicted.toFixed(1).padStart(10)} ${int(row.actual).padStart(8)} ${pct(row.errorPct).padStart(9)}`);
    }
  } else out.push("", "holdout: none (set holdoutEnd in the config to compare)");
  out.push("", `time      import ${r.seconds.import.toFixed(2)} s, fit ${r.seconds.fit.toFixed(2)} s`);
  return out.join("\n");
}
