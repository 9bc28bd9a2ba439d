/**
 * What a server answers while it loads its customers at start (engine/live/server.ts startServerLoading):
 * `/healthz` 200 (the process is alive: a liveness probe must not kill a server that is loading),
 * `/readyz` 503 (not ready: a load balancer sends it nothing yet), every other request 503 with a
 * Retry-After, each saying how far the load is.
 */

/** The load's progress, read at each answer. */
export interface LoadProgress {
  loaded: number;
  of: number;
}

const percent = (p: LoadProgress) => (p.of ? Math.floor((100 * p.loaded) / p.of) : 100);

/** The answer to `req` while the customers load. */
export function loadingAnswer(req: Request, progress: LoadProgress): Response {
  const path = new URL(req.url).pathname, loading = { customers: progress.loaded, of: progress.of };
  if (path === "/healthz") return Response.json({ ok: true, loading });
  if (path === "/readyz") return Response.json({ ok: false, loading }, { status: 503 });
  return Response.json({
    error: `the server is loading its customers (${progress.loaded.toLocaleString("en")} of ${progress.of.toLocaleString("en")}, ${percent(progress)} %); ` +
      "nothing was done: send the request again once GET /readyz answers 200",
  }, { status: 503, headers: { "Retry-After": "5" } });
}

/** A log line of the load's progress: `loaded 340,000 of 1,000,000 customers (34 %) in 4.5 s`. */
export function loadLine(progress: LoadProgress, ms: number): string {
  return `loaded ${progress.loaded.toLocaleString("en")} of ${progress.of.toLocaleString("en")} customers (${percent(progress)} %) in ${(ms / 1000).toFixed(1)} s`;
}
