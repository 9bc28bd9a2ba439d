/**
 * Kevin Hillstrom's MineThatData e-mail experiment (2008): 64,000 recent customers randomised into a
 * men's e-mail, a women's e-mail and no e-mail, outcomes over two weeks. Loads the CSV into typed
 * columns and computes per-arm figures with lifts against No E-Mail (95 % normal intervals), the
 * calibration target of the e-mail response model. The file is read from ../shared/data (or
 * CADENCE_DATA), never copied into the project.
 */
import { join } from "node:path";
import { dataDir } from "./history-config.ts";
import { eachRecord } from "./csv.ts";
import { FileProblems } from "./table-reader.ts";
import { parseNumber } from "./values.ts";

export const HILLSTROM_ARMS = ["Mens E-Mail", "Womens E-Mail", "No E-Mail"] as const;
export type HillstromArmName = typeof HILLSTROM_ARMS[number];
const COLUMNS = ["recency", "history", "mens", "womens", "newbie", "segment", "visit", "conversion", "spend"] as const;

/** One entry per customer (struct-of-arrays). */
export interface HillstromRows {
  length: number;
  /** index into HILLSTROM_ARMS */
  arm: Uint8Array;
  /** months since last purchase */
  recency: Int32Array;
  /** dollars spent in the past year */
  history: Float64Array;
  mens: Uint8Array;
  womens: Uint8Array;
  newbie: Uint8Array;
  visit: Uint8Array;
  conversion: Uint8Array;
  /** dollars over the two weeks */
  spend: Float64Array;
}

export interface ArmStats {
  arm: HillstromArmName;
  n: number;
  visit: number;
  conversion: number;
  /** mean spend per customer */
  spend: number;
}

/** Difference against No E-Mail with its 95 % normal interval (rates as fractions, spend in dollars). */
export interface Lift {
  diff: number;
  lo: number;
  hi: number;
}

export interface ArmLift {
  arm: HillstromArmName;
  visit: Lift;
  conversion: Lift;
  spend: Lift;
}

export interface HillstromSummary {
  rows: HillstromRows;
  arms: ArmStats[];
  lifts: ArmLift[];
  overall: Omit<ArmStats, "arm">;
}

/** Default location: `${CADENCE_DATA}/hillstrom/hillstrom.csv`. */
export const hillstromFile = (): string => join(dataDir(), "hillstrom", "hillstrom.csv");

/**
 * @example loadHillstrom().arms[0] // { arm: "Mens E-Mail", n: 21307, visit: 0.18276, … }
 */
export function loadHillstrom(file = hillstromFile()): HillstromSummary {
  const rows = readRows(file);
  return { rows, ...hillstromStats(rows) };
}

function readRows(file: string): HillstromRows {
  const problems = new FileProblems(file);
  const cap = 70000;
  const r: HillstromRows = {
    length: 0,
    arm: new Uint8Array(cap),
    recency: new Int32Array(cap),
    history: new Float64Array(cap),
    mens: new Uint8Array(cap),
    womens: new Uint8Array(cap),
    newbie: new Uint8Array(cap),
    visit: new Uint8Array(cap),
    conversion: new Uint8Array(cap),
    spend: new Float64Array(cap),
  };
  let idx: number[] | null = null;
  eachRecord(file, "comma", (fields, line) => {
    if (!idx) {
      idx = COLUMNS.map((c) => fields.indexOf(c));
      const missing = COLUMNS.filter((_, i) => idx![i] < 0);
      if (missing.length) problems.add(1, "", `missing column${missing.length > 1 ? "s" : ""} ${missing.join(", ")}; expected ${COLUMNS.join(", ")}`);
      problems.throwIfAny();
      return;
    }
    const i = r.length;
    if (i >= cap) return problems.add(line, "", `more than ${cap} rows: not the Hillstrom file`);
    const num = (k: number) => {
      const v = parseNumber(fields[idx![k]] ?? "");
      if (v === null) problems.add(line, COLUMNS[k], `bad number ${JSON.stringify(fields[idx![k]])}`);
      return v ?? 0;
    };
    const arm = HILLSTROM_ARMS.indexOf(fields[idx[5]] as HillstromArmName);
    if (arm < 0) return problems.add(line, "segment", `unknown arm ${JSON.stringify(fields[idx[5]])}; expected ${HILLSTROM_ARMS.join(", ")}`);
    r.arm[i] = arm, r.recency[i] = num(0), r.history[i] = num(1), r.mens[i] = num(2), r.womens[i] = num(3);
    r.newbie[i] = num(4), r.visit[i] = num(6), r.conversion[i] = num(7), r.spend[i] = num(8);
    r.length++;
  });
  if (!idx) problems.add(undefined, "", `empty file; expected a header with ${COLUMNS.join(", ")}`);
  problems.throwIfAny();
  return r;
}

/** Per-arm means and lifts against No E-Mail; variances are sample variances (n − 1). */
export function hillstromStats(r: HillstromRows): Omit<HillstromSummary, "rows"> {
  const k = HILLSTROM_ARMS.length;
  const n = new Float64Array(k), sum = [new Float64Array(k), new Float64Array(k), new Float64Array(k)];
  const sq = [new Float64Array(k), new Float64Array(k), new Float64Array(k)];
  for (let i = 0; i < r.length; i++) {
    const a = r.arm[i], v = [r.visit[i], r.conversion[i], r.spend[i]];
    n[a]++;
    for (let m = 0; m < 3; m++) sum[m][a] += v[m], sq[m][a] += v[m] * v[m];
  }
  const mean = (m: number, a: number) => sum[m][a] / n[a];
  const variance = (m: number, a: number) => (sq[m][a] - n[a] * mean(m, a) ** 2) / (n[a] - 1);
  const arms: ArmStats[] = HILLSTROM_ARMS.map((arm, a) => ({ arm, n: n[a], visit: mean(0, a), conversion: mean(1, a), spend: mean(2, a) }));
  const control = HILLSTROM_ARMS.indexOf("No E-Mail");
  const lift = (m: number, a: number): Lift => {
    const diff = mean(m, a) - mean(m, control);
    const se = Math.sqrt(variance(m, a) / n[a] + variance(m, control) / n[control]);
    return { diff, lo: diff - 1.959964 * se, hi: diff + 1.959964 * se };
  };
  const lifts = [0, 1].map((a) => ({ arm: HILLSTROM_ARMS[a], visit: lift(0, a), conversion: lift(1, a), spend: lift(2, a) }));
  const total = r.length;
  const all = (m: number) => sum[m].reduce((x, y) => x + y, 0) / total;
  return { arms, lifts, overall: { n: total, visit: all(0), conversion: all(1), spend: all(2) } };
}
