/**
 * Schema 12's rewrite of the last errors an older server stored with the webhook URL's token
 * (engine/live/stored-errors.ts), on a large outbox: writes a schema-11 database of `rows` messages, one
 * in ten with such a text, one in ten `HTTP 503`, the rest none, then times `SqliteStore.migrate`, which
 * `cadence serve` runs on start. Prints the median of 3 runs.
 * Run: npx deno run -A bench/migration-bench.ts [rows]   (default 1,000,000)
 */
import { DatabaseSync } from "node:sqlite";
import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { median } from "./bench-args.ts";
import { MIGRATIONS } from "../engine/live/migrations.ts";
import { SqliteStore } from "../engine/live/sqlite-store.ts";

const rows = Number(Deno.args[0] ?? 1_000_000);
const OLD = "error sending request for url (https://hooks.example.com/services/T0/B0/XXXX?token=abc): client error (Connect): tcp connect error: Connection refused (os error 111)";

/** A schema-11 database of `rows` messages, as an older server left it. */
function written(dir: string): string {
  const path = join(dir, "cadence.sqlite"), db = new DatabaseSync(path);
  for (const m of MIGRATIONS.slice(0, 11)) db.exec(m);
  db.exec("PRAGMA user_version=11");
  const insert = db.prepare(`INSERT INTO outbox (key, plan, time, customer, program, message, channel, category, state, attempts, next_attempt, last_error)
    VALUES (?, 1, 100, 'C', 'p', 'm', 'email', 'transactional', 'dead', 3, 0, ?)`);
  db.exec("BEGIN");
  for (let i = 0; i < rows; i++) insert.run(`k${i}`, i % 10 === 0 ? OLD : i % 10 === 1 ? "HTTP 503" : "");
  db.exec("COMMIT");
  db.close();
  return path;
}

const times: number[] = [];
for (let run = 0; run < 3; run++) {
  const dir = mkdtempSync(join(tmpdir(), "cadence-migration-bench-")), path = written(dir);
  const t = performance.now(), store = new SqliteStore(path);
  store.migrate();
  times.push(performance.now() - t);
  store.close();
  rmSync(dir, { recursive: true });
}
console.log(`schema 11 → 12, ${rows.toLocaleString("en")} messages (${Math.ceil(rows / 10).toLocaleString("en")} with the URL's token): median ${median(times).toFixed(0)} ms`);
