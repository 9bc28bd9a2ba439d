/**
 * Simulates the calibration scenarios and measures, per send and per customer per year, the figures
 * the benchmarks speak of (engine/calibration/benchmarks.ts), each beside its band and source.
 */
import { CHANNELS, consentBit, EMAIL } from "../core/channels.ts";
import { parsePlan } from "../plan/load.ts";
import { checkOptionNames, runPlan, type RunResult } from "../sim/run.ts";
import { checkRunSizes, InputError } from "../plan/errors.ts";
import { describe } from "../plan/fields.ts";
import { checkWorldOption } from "../sim/world-option.ts";
import { worldCounters } from "../sim/world-metrics.ts";
import type { WorldModel } from "../sim/world-model.ts";
import { BENCHMARKS } from "./benchmarks.ts";
import { SCENARIOS } from "./scenarios.ts";
import { PER4 } from "../core/record.ts";

export interface CalibrationRow {
  metric: string;
  channel: string;
  kind: string;
  simulated: number;
  low: number;
  high: number;
  source: string;
  note?: string;
}

export interface CalibrationOptions {
  customers?: number; // default 5,000
  days?: number; // default 365
  seed?: number; // default 1
  world?: Partial<WorldModel>;
}

/** The figures of one run, per send (per delivered unless said) and per year. */
function figures(r: RunResult, channel: string, kind: string): Record<string, number> {
  const m = r.run.metrics, wc = worldCounters(m), sent = m.contacts, delivered = m.delivered || 1;
  const orders = wc.programs.reduce((s, p) => s + p.attributedOrders, 0);
  const revenue = m.programs.reduce((s, p) => s + p.revenue, 0);
  const out: Record<string, number> = {
    delivered: m.delivered / (sent || 1),
    inbox: wc.inbox / (sent || 1),
    opens: wc.humanOpens / delivered,
    clicks: m.clicks / delivered,
    "click-to-open": m.clicks / (wc.humanOpens || 1),
    orders: orders / delivered,
    "revenue per recipient": revenue / delivered,
    unsubscribes: m.unsubscribes / delivered,
    complaints: m.complaints / delivered,
    "SMS opt-outs": m.unsubscribes / delivered,
    responses: wc.visits / delivered,
  };
  if (channel === "email" && kind === "broadcast") {
    const t = r.run.population.table, end = r.run.start + r.run.days * 1440;
    let list = 0;
    for (let c = 0; c < t.size; c++) if (t.signup[c * PER4] < end && t.consent0[c] & consentBit(EMAIL)) list++;
    const lost = m.channels[EMAIL].unsubscribes + m.channels[EMAIL].complaints + wc.hardBounces;
    out["e-mail list lost to opt-outs per year"] = (lost / (list || 1)) * (365 / r.run.days);
  }
  if (kind === "plan") {
    out["share of revenue driven by CRM"] = revenue / (m.revenue || 1);
    out["share of revenue caused by CRM"] = r.summary.incrementalRevenue / (m.revenue || 1);
  }
  return out;
}

/** What `cadence calibration` and `calibrate` take: a run shorter than 4 weeks may send no direct mail (a ratio of 0 / 0 read Infinity). */
export const CALIBRATION_LIMITS = { customers: [100, 1_000_000], days: [28, 3650] } as const;
const CALIBRATION_OPTIONS = ["customers", "days", "seed", "world"];

/**
 * calibrate's options checked as the command line checks its flags: a misspelt option ({ customer: 300 })
 * ran the default 5,000 customers, 5 days gave a ratio of Infinity, and a bad world was refused once per
 * scenario as RunOptions'.
 */
function checkCalibrationOptions(o: unknown): asserts o is CalibrationOptions {
  if (!(o !== null && typeof o === "object" && !Array.isArray(o))) {
    throw new InputError(`calibrate: options: expected an object such as { customers: 5000, days: 365 } (or nothing, for the defaults), got ${describe(o)}`);
  }
  checkOptionNames("calibrate", o, CALIBRATION_OPTIONS);
  const given = o as Record<string, unknown>;
  for (const k of ["customers", "days"] as const) {
    const v = given[k], [min, max] = CALIBRATION_LIMITS[k];
    if (v !== undefined && !(Number.isInteger(v) && (v as number) >= min && (v as number) <= max)) {
      throw new InputError(`calibrate: ${k}: expected a whole number from ${min} to ${max.toLocaleString("en")}${k === "days" ? " (direct mail is sent every 4 weeks)" : ""}, got ${describe(v)}`);
    }
  }
  checkRunSizes({ seed: given.seed as number | undefined });
  checkWorldOption(given.world, "calibrate");
}

/**
 * Runs every scenario and returns one row per benchmark, in the benchmarks' order.
 * @example calibrate({ customers: 5000 }).every((r) => r.simulated >= r.low && r.simulated <= r.high)
 */
export function calibrate(o: CalibrationOptions = {}): CalibrationRow[] {
  checkCalibrationOptions(o);
  const customers = o.customers ?? 5000, days = o.days ?? 365, seed = o.seed ?? 1;
  const measured = new Map<string, Record<string, number>>();
  for (const s of SCENARIOS) {
    const r = runPlan(parsePlan(s.yaml, `calibration/${s.key}.yaml`), { customers, days, seed, world: o.world, baseline: !!s.baseline });
    measured.set(`${s.channel}/${s.kind}`, figures(r, s.channel, s.kind));
  }
  const broadcast = measured.get("email/broadcast")!, triggered = measured.get("email/triggered")!;
  triggered["opens vs broadcast"] = triggered.opens / broadcast.opens;
  triggered["clicks vs broadcast"] = triggered.clicks / broadcast.clicks;
  return BENCHMARKS.map((b) => {
    const f = measured.get(`${b.channel}/${b.kind}`);
    const simulated = f?.[b.metric];
    if (simulated === undefined) throw new Error(`calibration: no figure '${b.metric}' for ${b.channel}/${b.kind}`);
    return { metric: b.metric, channel: b.channel, kind: b.kind, simulated, low: b.low, high: b.high, source: b.source, ...(b.note ? { note: b.note } : {}) };
  });
}

export const inside = (r: CalibrationRow) => r.simulated >= r.low - 1e-12 && r.simulated <= r.high + 1e-12;
export { CHANNELS };
