/**
 * A campaign's audience on a day: customers who exist, have not left, and match the audience
 * expression; for a targeted campaign, the top share by score (ties: customer key, then index, so the
 * choice never depends on an engine's sort stability).
 */
import type { CompiledPlan } from "./compiled.ts";
import { newCtx } from "./context.ts";
import type { CustomerTable } from "./customer-table.ts";
import { truthy } from "./truthy.ts";

/** @example for (const c of selectAudience(plan, 0, table, now)) core.campaign(c, 0, now, at) */
export function selectAudience(plan: CompiledPlan, k: number, table: CustomerTable, now: number): Int32Array {
  const cp = plan.campaigns[k], ctx = newCtx(table, plan.names);
  ctx.now = now;
  const out = new Int32Array(table.size);
  let m = 0;
  for (let c = 0; c < table.size; c++) {
    if (table.gone[c] || table.signup[c] > now) continue;
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
  const order = Array.from({ length: m }, (_, i) => i).sort((x, y) =>
    scores[y] - scores[x] || table.key[out[x]] - table.key[out[y]] || out[x] - out[y]
  );
  const take = Math.ceil(cp.targeted.share * m);
  const chosen = new Int32Array(take);
  for (let i = 0; i < take; i++) chosen[i] = out[order[i]];
  return chosen.sort();
}
