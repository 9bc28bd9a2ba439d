/**
 * Run-time coercions: an expression gave a value its place cannot use (a priority that is not a
 * number, a threshold or weight that is null or text) and the core used a documented fallback. Each is
 * counted under a label naming the program or rule and what happened, so the summary, the CLI and the
 * report can show it; a plan that could be checked at load time is refused there instead.
 */
export class Coercions {
  private readonly counts = new Map<string, number>();

  add(label: string): void {
    this.counts.set(label, (this.counts.get(label) ?? 0) + 1);
  }

  get size(): number {
    return this.counts.size;
  }

  /** Label → count, labels sorted. */
  toJSON(): Record<string, number> {
    return Object.fromEntries([...this.counts.entries()].sort(([a], [b]) => (a < b ? -1 : 1)));
  }
}
