/**
 * A campaign's audience on a day: customers who exist, have not left, and match the audience
 * expression; for a targeted campaign, the top share by score (ties: customer key, then index, so the
 * choice never depends on an engine's sort stability).
 */
import type { CompiledPlan } from "./compiled.ts";
import { newCtx } from "./context.ts";
import type { CustomerTable } from "./customer-table.ts";
import { truthy } from "./truthy.ts";
import { PER1, PER4 } from "./record.ts";

/**
 * The best `share` of a targeted campaign's audience: `audience` (table indexes, in table order) and
 * their scores; returns the chosen, in table order. A run split across workers passes one that ranks
 * the whole population's audience (engine/parallel/shard-link.ts).
 */
export type PickBest = (audience: Int32Array, scores: Float64Array, table: CustomerTable, share: number) => Int32Array;

/** @example for (const c of selectAudience(plan, 0, table, now)) core.campaign(c, 0, now, at) */
export function selectAudience(plan: CompiledPlan, k: number, table: CustomerTable, now: number, pick: PickBest = pickBest): Int32Array {
  const cp = plan.campaigns[k], ctx = newCtx(table, plan.names);
  ctx.now = now;
  const out = new Int32Array(table.size);
  let m = 0;
  for (let c = 0; c < table.size; c++) {
    if (table.gone[c * PER1] || table.signup[c * PER4] > now) continue;
    ctx.c = c;
    if (truthy(cp.audience(ctx))) out[m++] = c;
  }
  if (!cp.targeted) return out.subarray(0, m);
  const scores = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    ctx.c = out[i];
    const v = cp.targeted.score(ctx);
    scores[i] = typeof v === "number" && Number.isFinite(v) ? v : -Infinity;
  }
  return pick(out.subarray(0, m), scores, table, cp.targeted.share);
}

/** The best `share` of an audience held in one table (the whole population). */
export function pickBest(out: Int32Array, scores: Float64Array, table: CustomerTable, share: number): Int32Array {
  const m = out.length, take = Math.ceil(share * m);
  // only which customers are among the best `take` matters (they are returned in table order), so a
  // selection in O(m) rather than a sort of the whole audience: a large share of a campaign day's time
  const best = (x: number, y: number): boolean =>
    scores[x] !== scores[y] ? scores[x] > scores[y] : table.key[(out[x]) * PER4] !== table.key[(out[y]) * PER4] ? table.key[(out[x]) * PER4] < table.key[(out[y]) * PER4] : out[x] < out[y];
  const order = new Int32Array(m);
  for (let i = 0; i < m; i++) order[i] = i;
  selectBest(order, take, best);
  const chosen = new Int32Array(take);
  for (let i = 0; i < take; i++) chosen[i] = out[order[i]];
  return chosen.sort();
}

/**
 * Rearranges `a` so that its first k items are the k best by `better` (a strict total order), in no
 * particular order: Hoare's quickselect, the middle item as pivot.
 */
export function selectBest(a: Int32Array, k: number, better: (x: number, y: number) => boolean): void {
  if (k <= 0 || k >= a.length) return;
  let lo = 0, hi = a.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1, pivot = a[mid];
    a[mid] = a[hi], a[hi] = pivot;
    let store = lo;
    for (let i = lo; i < hi; i++) {
      if (better(a[i], pivot)) {
        const x = a[i];
        a[i] = a[store], a[store++] = x;
      }
    }
    a[hi] = a[store], a[store] = pivot;
    if (store === k) return;
    if (store > k) hi = store - 1;
    else lo = store + 1;
  }
}
