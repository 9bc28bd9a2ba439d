/**
 * `contributions --csv DIR`: the program contributions as CSV (format: engine/report/csv-export.ts).
 * contributions-programs.csv: one row per program × metric (incremental margin, unsubscribes) with mean,
 * low, high, and the program's contacts; contributions-missing.csv: the same for each library template
 * the plan lacks, with its incremental margin per contact.
 */
import type { Contributions } from "../compare/contributions.ts";
import { intervalRows, writeCsvFiles } from "./csv-export.ts";

/** @example contributionsCsv(contributions(loadPlan("scenarios/lifecycle.yaml")), "out/csv") */
export function contributionsCsv(r: Pick<Contributions, "programs" | "missing">, dir: string): string[] {
  return writeCsvFiles(dir, {
    "contributions-programs.csv": {
      rows: intervalRows(r.programs.map((p) => ({ name: p.id, metrics: { incrementalMargin: p.incrementalMargin, unsubscribes: p.unsubscribes }, extra: { contacts: p.contacts } })), ["incrementalMargin", "unsubscribes"], "program"),
      columns: ["program", "contacts", "metric", "mean", "low", "high"],
    },
    "contributions-missing.csv": {
      rows: intervalRows(r.missing.map((m) => ({ name: m.template, metrics: { incrementalMargin: m.incrementalMargin }, extra: { perContact: m.perContact } })), ["incrementalMargin"], "template"),
      columns: ["template", "perContact", "metric", "mean", "low", "high"],
    },
  });
}
