/**
 * Rows a documented rule skips (no customer id, zero price, outside the study period, filtered out,
 * dropped returns): counted per reason, with the first few examples (line and values) so the analyst
 * can see what was left out. Never silent: `cadence fit` prints the summary and `--json` gives the counts.
 */

/** How many examples each reason keeps. */
export const EXAMPLES = 3;

export interface SkipExample {
  line: number;
  /** the row's mapped values, as read */
  values: string;
}

export interface SkipReport {
  /** data rows read from the transactions file */
  rows: number;
  /** reason → rows skipped for it, in the order reasons first occurred */
  counts: Record<string, number>;
  examples: Record<string, SkipExample[]>;
}

export class Skips {
  rows = 0;
  readonly counts: Record<string, number> = {};
  readonly examples: Record<string, SkipExample[]> = {};

  /** Counts a skipped row; `values` is only formatted for the first examples. */
  add(reason: string, line: number, values: () => string): void {
    const n = this.counts[reason] ?? 0;
    this.counts[reason] = n + 1;
    if (n === 0) this.examples[reason] = [];
    if (n < EXAMPLES) this.examples[reason].push({ line, values: values() });
  }

  report(): SkipReport {
    return { rows: this.rows, counts: { ...this.counts }, examples: { ...this.examples } };
  }
}

/** Rows skipped in all. */
export function skippedTotal(r: SkipReport): number {
  return Object.values(r.counts).reduce((a, b) => a + b, 0);
}

/**
 * The readable summary: one line per reason with its share and first examples.
 * @example formatSkips(h.skipped, "tx.csv") // "skipped 1,204 of 10,000 rows (12.0 %):\n  no customer id  1,000 …"
 */
export function formatSkips(r: SkipReport, file: string): string[] {
  const total = skippedTotal(r);
  if (total === 0) return [`skipped   none of ${r.rows.toLocaleString("en-US")} rows`];
  const pct = (n: number) => `${((100 * n) / Math.max(1, r.rows)).toFixed(1)} %`;
  const out = [`skipped   ${total.toLocaleString("en-US")} of ${r.rows.toLocaleString("en-US")} rows (${pct(total)}) of ${file}:`];
  const width = Math.max(...Object.keys(r.counts).map((k) => k.length));
  for (const [reason, n] of Object.entries(r.counts)) {
    out.push(`  ${reason.padEnd(width)}  ${n.toLocaleString("en-US").padStart(9)}  (${pct(n)})`);
    for (const e of r.examples[reason] ?? []) out.push(`    line ${e.line}: ${e.values}`);
  }
  return out;
}
