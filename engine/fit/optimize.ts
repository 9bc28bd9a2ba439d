/**
 * Derivative-free minimisation for the model fits: Nelder–Mead, restarted from its own optimum with a
 * fresh simplex until a restart no longer improves (a single run can stall on a collapsed simplex).
 * Fits call it on log-parameters so positivity constraints disappear.
 */

export interface MinimizeOptions {
  /** Initial simplex step per coordinate (default 0.5: in log-space, a factor of 1.65). */
  step?: number;
  /** Stop when the simplex's function values span less than this (default 1e-10, absolute). */
  ftol?: number;
  /** Maximum function evaluations per run (default 5000). */
  maxEvals?: number;
  /** Maximum runs, counting the first (default 6). */
  restarts?: number;
}

export interface MinimizeResult {
  x: number[];
  value: number;
  evals: number;
  runs: number;
}

/**
 * Minimises `f` from `x0`; non-finite values count as +∞ so a fit may return NaN outside its domain.
 * @example minimize(([a, b]) => (a - 1) ** 2 + (b + 2) ** 2, [0, 0]).x ≈ [1, -2]
 */
export function minimize(f: (x: number[]) => number, x0: number[], opts: MinimizeOptions = {}): MinimizeResult {
  const safe = (x: number[]) => {
    const v = f(x);
    return Number.isFinite(v) ? v : Infinity;
  };
  let best = { x: x0.slice(), value: safe(x0) }, evals = 1, runs = 0;
  const maxRuns = opts.restarts ?? 6;
  while (runs < maxRuns) {
    const r = nelderMead(safe, best.x, opts.step ?? 0.5, opts.ftol ?? 1e-10, opts.maxEvals ?? 5000);
    evals += r.evals, runs++;
    const improved = best.value - r.value;
    if (r.value <= best.value) best = { x: r.x, value: r.value };
    if (runs > 1 && improved < (opts.ftol ?? 1e-10) * 10) break;
  }
  return { ...best, evals, runs };
}

/** One Nelder–Mead run with the standard coefficients (reflect 1, expand 2, contract ½, shrink ½). */
export function nelderMead(
  f: (x: number[]) => number,
  x0: number[],
  step: number,
  ftol: number,
  maxEvals: number,
): { x: number[]; value: number; evals: number } {
  const n = x0.length;
  const pts: number[][] = [x0.slice()];
  for (let i = 0; i < n; i++) {
    const p = x0.slice();
    p[i] += step;
    pts.push(p);
  }
  const vals = pts.map(f);
  let evals = n + 1;
  const order = Array.from({ length: n + 1 }, (_, i) => i);
  const centroid = new Array<number>(n);
  const along = (c: number[], w: number[], t: number) => c.map((ci, i) => ci + t * (w[i] - ci));
  while (evals < maxEvals) {
    order.sort((i, j) => vals[i] - vals[j] || i - j); // ties by index: deterministic
    const lo = order[0], hi = order[n], second = order[n - 1];
    if (Math.abs(vals[hi] - vals[lo]) <= ftol && Number.isFinite(vals[hi])) break;
    centroid.fill(0);
    for (let k = 0; k < n; k++) for (let i = 0; i < n; i++) centroid[i] += pts[order[k]][i] / n;
    const xr = along(centroid, pts[hi], -1), fr = f(xr);
    evals++;
    if (fr < vals[lo]) {
      const xe = along(centroid, pts[hi], -2), fe = f(xe);
      evals++;
      if (fe < fr) pts[hi] = xe, vals[hi] = fe;
      else pts[hi] = xr, vals[hi] = fr;
    } else if (fr < vals[second]) {
      pts[hi] = xr, vals[hi] = fr;
    } else {
      const outside = fr < vals[hi];
      const xc = along(centroid, outside ? xr : pts[hi], 0.5), fc = f(xc);
      evals++;
      if (fc < (outside ? fr : vals[hi])) {
        pts[hi] = xc, vals[hi] = fc;
      } else { // shrink towards the best point
        for (const k of order.slice(1)) {
          pts[k] = along(pts[lo], pts[k], 0.5);
          vals[k] = f(pts[k]);
        }
        evals += n;
      }
    }
  }
  let bi = 0;
  for (let i = 1; i <= n; i++) if (vals[i] < vals[bi]) bi = i;
  return { x: pts[bi], value: vals[bi], evals };
}
