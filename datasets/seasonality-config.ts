/**
 * `seasonality:` in a history config: what the seasonal purchase model learns (engine/fit/seasonality.ts).
 *
 *   seasonality:
 *     weekly: true            # weekday factors (default true)
 *     yearly: true            # month factors, for the months the calibration covers (default true)
 *     peaks:                  # named recurring periods, month-day to month-day inclusive
 *       - { name: christmas, from: 12-01, to: 12-24 }
 *       - { name: sales, from: 01-08, to: 01-31, lift: 1.3 }   # lift: assumed when the calibration never saw it
 *     rounds: 1               # backfitting rounds (default 1; see the model's notes)
 *   seasonality: false        # plain BG/NBD only
 */
import { closest, type Path, type Reporter } from "../engine/plan/errors.ts";
import { DEFAULT_SEASONALITY, type Peak, type SeasonalityOptions } from "../engine/fit/seasonality.ts";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === "object" && !Array.isArray(v) && !(v instanceof Date);
const FIELDS = ["weekly", "yearly", "peaks", "rounds"];

/** The seasonality options, or null when the config turns it off. */
export function seasonalityOf(v: unknown, path: Path, r: Reporter): SeasonalityOptions | null {
  if (v === undefined || v === true) return { ...DEFAULT_SEASONALITY };
  if (v === false) return null;
  if (!isObj(v)) {
    r.error(path, "expected false, true or a mapping with weekly, yearly, peaks, rounds");
    return null;
  }
  const o: SeasonalityOptions = { ...DEFAULT_SEASONALITY, peaks: [] };
  for (const k of Object.keys(v)) {
    if (!FIELDS.includes(k)) {
      const hint = closest(k, FIELDS);
      r.error([...path, k], `unknown field${hint ? ` (did you mean ${hint}?)` : ""}; valid fields: ${FIELDS.join(", ")}`);
    }
  }
  for (const k of ["weekly", "yearly"] as const) {
    if (v[k] === undefined) continue;
    if (typeof v[k] === "boolean") o[k] = v[k] as boolean;
    else r.error([...path, k], `expected true or false, got ${JSON.stringify(v[k])}`);
  }
  if (v.rounds !== undefined) {
    if (typeof v.rounds === "number" && Number.isInteger(v.rounds) && v.rounds >= 1 && v.rounds <= 20) o.rounds = v.rounds;
    else r.error([...path, "rounds"], `expected a whole number from 1 to 20, got ${JSON.stringify(v.rounds)}`);
  }
  if (v.peaks !== undefined) {
    if (!Array.isArray(v.peaks)) r.error([...path, "peaks"], "expected a list of {name, from: MM-DD, to: MM-DD}");
    else v.peaks.forEach((p, i) => {
      const peak = peakOf(p, [...path, "peaks", i], r);
      if (peak) o.peaks.push(peak);
    });
  }
  return o;
}

function monthDay(v: unknown, path: Path, r: Reporter): [number, number] | undefined {
  const m = typeof v === "string" ? /^(\d{2})-(\d{2})$/.exec(v) : null;
  const month = m ? Number(m[1]) : 0, day = m ? Number(m[2]) : 0;
  const days = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  if (m && month >= 1 && month <= 12 && day >= 1 && day <= days[month - 1]) return [month, day];
  r.error(path, `expected a month-day MM-DD such as 12-24 (quote it in YAML if needed), got ${JSON.stringify(v)}`);
  return undefined;
}

function peakOf(v: unknown, path: Path, r: Reporter): Peak | undefined {
  if (!isObj(v)) {
    r.error(path, "expected {name, from: MM-DD, to: MM-DD} and optionally lift");
    return undefined;
  }
  for (const k of Object.keys(v)) {
    if (!["name", "from", "to", "lift"].includes(k)) r.error([...path, k], "unknown field; valid fields: name, from, to, lift");
  }
  if (typeof v.name !== "string" || v.name === "") r.error([...path, "name"], "missing: a name for the peak, e.g. christmas");
  const from = monthDay(v.from, [...path, "from"], r), to = monthDay(v.to, [...path, "to"], r);
  let lift: number | undefined;
  if (v.lift !== undefined) {
    if (typeof v.lift === "number" && v.lift > 0) lift = v.lift;
    else r.error([...path, "lift"], `expected a positive factor such as 1.3, got ${JSON.stringify(v.lift)}`);
  }
  if (typeof v.name !== "string" || !from || !to) return undefined;
  return { name: v.name, from, to, ...(lift !== undefined ? { lift } : {}) };
}
