/**
 * A `cadence serve` child process for the live benchmarks (bench/live-bench.ts, bench/retention-bench.ts):
 * a database made with an admin and an approver key, the server started on a free port of 127.0.0.1 and
 * its URL read from its start line, and a JSON client that throws on an error answer.
 */
import { SqliteStore } from "../engine/live/sqlite-store.ts";
import { createKey } from "../engine/live/keys.ts";

/** Migrates `db` and makes the two keys a plan's lifecycle needs (four eyes: the approver is another key). */
export function benchKeys(db: string): { admin: string; approver: string } {
  const boot = new SqliteStore(db);
  boot.migrate();
  const admin = createKey(boot, "admin", "bench", 0).key, approver = createKey(boot, "approver", "bench approver", 0).key;
  boot.close();
  return { admin, approver };
}

/** Starts `cadence serve` with `args` (Deno flags before the script in `denoFlags`) and waits for its "listening on" line. */
export async function startServer(args: string[], denoFlags: string[] = []): Promise<{ child: Deno.ChildProcess; url: string }> {
  const child = new Deno.Command("./node_modules/.bin/deno", {
    args: ["run", "-A", ...denoFlags, "engine/cli/main.ts", "serve", "--port", "0", ...args],
    stdout: "piped", stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let line = "";
  while (!/listening on (\S+)/.test(line)) {
    const { value, done } = await reader.read();
    if (done) throw new Error("the server stopped before listening (its error is above)");
    line += value;
  }
  (async () => { while (!(await reader.read()).done); })(); // keep reading: a full pipe would stall the server
  return { child, url: /listening on (\S+)/.exec(line)![1] };
}

/** A JSON client of `url()` (read at each call: a benchmark may restart its server) that throws on an error answer. */
export function benchApi(url: () => string, admin: string) {
  return async (method: string, path: string, body?: unknown, key = admin, type = "application/json") => {
    const res = await fetch(url() + path, { method, body: typeof body === "string" ? body : JSON.stringify(body), headers: { authorization: `Bearer ${key}`, "content-type": type } });
    const json = await res.json();
    if (!res.ok) throw new Error(`${path}: ${JSON.stringify(json)}`);
    return json;
  };
}
