/**
 * `compare --csv DIR`: the comparison's tables as CSV (engine/report/csv-export.ts for the format):
 * compare-summary.csv (plan × metric: mean, low, high), compare-differences.csv (plan minus the first,
 * paired by seed), compare-pressure.csv (the contacts-per-week and per-4-weeks distributions) and
 * compare-programs.csv (per program, first replication: attributed orders and revenue, incremental revenue, message cost).
 */
import { type Comparison, METRICS } from "../compare/compare.ts";
import { intervalRows, writeCsvFiles } from "./csv-export.ts";
import { checkComparison } from "./comparison-argument.ts";
import { InputError } from "../plan/errors.ts";
import { describe } from "../plan/fields.ts";

export const COMPARE_CSV_FILES = ["compare-summary.csv", "compare-differences.csv", "compare-pressure.csv", "compare-programs.csv"] as const;

/** Writes the four files into `dir`; returns their paths. @example compareCsv(comparePlans(plans), "out/csv") */
export function compareCsv(c: Comparison, dir: string): string[] {
  checkComparison("compareCsv", c);
  if (typeof dir !== "string" || !dir) throw new InputError(`compareCsv: dir: expected the folder to write the four files into, such as "out/csv", got ${describe(dir)}`);
  const pressure = c.plans.flatMap((p) => {
    const rows = (period: string, h: number[]) => {
      const total = h.reduce((a, b) => a + b, 0);
      return h.map((n, k) => ({ plan: p.name, period, contacts: k, customers: n, share: total ? n / total : 0 }));
    };
    return [...rows("week", p.detail.weekHistogram), ...rows("4 weeks", p.detail.fourWeekHistogram)];
  });
  // a program's orders and revenue are attributed (caused, pulled forward, or organic within its window or
  // with its offer: docs/world-model.md), named so, as the report's table heads them; its cost is its messages'
  const programs = c.plans.filter((p) => !p.baseline).flatMap((p) =>
    p.detail.summary.programs.map((r) => ({
      plan: p.name, seed: c.seeds[0], ...r, attributedOrders: r.conversions, attributedRevenue: r.attributedRevenue, incrementalRevenue: r.incrementalRevenue, messageCost: r.cost,
    }))
  );
  return writeCsvFiles(dir, {
    [COMPARE_CSV_FILES[0]]: { rows: intervalRows(c.plans.map((p) => ({ name: p.name, metrics: p.metrics, extra: { baseline: p.baseline } })), METRICS) },
    [COMPARE_CSV_FILES[1]]: { rows: intervalRows(c.differences.map((d) => ({ name: d.name, metrics: d.metrics, extra: { against: d.against } })), METRICS) },
    [COMPARE_CSV_FILES[2]]: { rows: pressure, columns: ["plan", "period", "contacts", "customers", "share"] },
    [COMPARE_CSV_FILES[3]]: {
      rows: programs,
      columns: ["plan", "seed", "program", "kind", "contacts", "reach", "suppressed", "holdout", "opens", "clicks", "attributedOrders", "attributedRevenue", "incrementalRevenue", "messageCost"],
    },
  });
}
