/**
 * `cadence serve` as a child process for the live benchmarks (bench/live-bench.ts,
 * bench/retention-bench.ts), and a JSON client of it. The tests have their own (test/live/live-helpers.ts
 * spawnServe): a benchmark does not import the test runner.
 */

import { createKey } from "../engine/live/keys.ts";
import { SqliteStore } from "../engine/live/sqlite-store.ts";

/** Migrates `db` and makes the two keys a plan's lifecycle needs (four eyes: the approver is another key). */
export function benchKeys(db: string): { admin: string; approver: string } {
  const boot = new SqliteStore(db);
  boot.migrate();
  const admin = createKey(boot, "admin", "bench", 0).key, approver = createKey(boot, "approver", "bench approver", 0).key;
  boot.close();
  return { admin, approver };
}

/**
 * Starts `deno run -A [denoArgs] engine/cli/main.ts serve [serveArgs]` and waits for its "listening on"
 * line; its stdout is drained after that line, so the child never blocks on a full pipe. Its stderr is
 * the benchmark's: a server that stops before listening says why there.
 */
export async function spawnServe(serveArgs: string[], denoArgs: string[] = []): Promise<{ child: Deno.ChildProcess; url: string }> {
  const child = new Deno.Command("./node_modules/.bin/deno", {
    args: ["run", "-A", ...denoArgs, "engine/cli/main.ts", "serve", ...serveArgs],
    stdout: "piped", stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let line = "";
  while (!/listening on (\S+)/.test(line)) {
    const { value, done } = await reader.read();
    if (done) throw new Error("the server stopped before listening (its error is above)");
    line += value;
  }
  (async () => { while (!(await reader.read()).done); })();
  return { child, url: /listening on (\S+)/.exec(line)![1] };
}

/** A JSON call to the server at `url()` with `key` by default; a status other than 2xx throws with the answer. */
export function apiOf(url: () => string, key: string) {
  return async (method: string, path: string, body?: unknown, as = key, type = "application/json") => {
    const res = await fetch(url() + path, { method, body: typeof body === "string" ? body : JSON.stringify(body), headers: { authorization: `Bearer ${as}`, "content-type": type } });
    const json = await res.json();
    if (!res.ok) throw new Error(`${path}: ${JSON.stringify(json)}`);
    return json;
  };
}

/** The benchmarks' customer ids: B0000000, B0000001… */
export const benchId = (i: number): string => `B${String(i).padStart(7, "0")}`;

/**
 * `customers` profiles (every channel consented, signed up on `signup`), then scenarios/lifecycle.yaml
 * uploaded, forecast (small), approved by the `approver` key and promoted: the live plan's id.
 */
export async function lifecycleLive(api: ReturnType<typeof apiOf>, customers: number, signup: string, approver: string): Promise<number> {
  for (let i = 0; i < customers; i += 5000) {
    await api("POST", "/v1/customers", { customers: Array.from({ length: Math.min(5000, customers - i) }, (_, k) => ({ id: benchId(i + k), consents: ["email", "sms", "push"], signup, orders: (i + k) % 4, revenue: 40 * ((i + k) % 4) })) });
  }
  const plan = await api("POST", "/v1/plans", Deno.readTextFileSync("scenarios/lifecycle.yaml"), undefined, "application/yaml");
  await api("POST", `/v1/plans/${plan.id}/forecast`, { customers: 500, days: 14, replications: 2 });
  await api("POST", `/v1/plans/${plan.id}/approve`, undefined, approver);
  await api("POST", `/v1/plans/${plan.id}/promote`);
  return plan.id;
}
