/**
 * The live database a command names with --db (or CADENCE_DB): a path that is not a database, or
 * where none can be made, fails in one line naming the flag or the variable, as any bad input does.
 */
import { existsSync, statSync } from "node:fs";
import { InputError } from "../plan/errors.ts";
import { SqliteStore } from "../live/sqlite-store.ts";
import { MIGRATIONS } from "../live/migrations.ts";

/**
 * What went wrong opening the database at `db`, in words, or null when `e` is not about the file.
 * `creates`: the command makes a new database at a path where none is (serve). `given`: the setting
 * as the user gave it, `--db FILE` or `CADENCE_DB=FILE`.
 */
export function dbProblem(db: string, e: unknown, creates: boolean, given = `--db ${db}`): InputError | null {
  const why = (e as Error)?.message ?? String(e), wanted = creates ? "a Cadence database, or the path of a new file" : "the database a live server writes";
  if (statSync(db, { throwIfNoEntry: false })?.isDirectory()) return new InputError(`${given}: a folder is there; give ${wanted}`);
  if (/unable to open database file/.test(why)) return new InputError(`${given}: cannot open ${creates ? "or create " : ""}a database there (${why}); its folder must exist and be writable`);
  if (/attempt to write a readonly database/.test(why)) return new InputError(`${given}: cannot be written (${why}); make the file, its -wal and -shm files and its folder writable by this user, or give ${wanted}`);
  if (/file is not a database/.test(why)) return new InputError(`${given}: not a SQLite database (${why}); give ${wanted}`);
  // a truncated or overwritten file: SQLite's header is there, its pages are not
  if (/malformed/.test(why)) return new InputError(`${given}: a damaged SQLite database (${why}); restore it from a backup (docs/live.md, Operations), or give ${wanted}`);
  const newer = /schema version (\d+) is newer than this server's \((\d+)\)/.exec(why);
  if (newer) return new InputError(`${given}: written by a newer cadence (schema version ${newer[1]}; this one knows up to ${newer[2]}); run this command with that version, or upgrade cadence`);
  const foreign = /no Cadence schema version, and tables of its own \((.*)\)/.exec(why);
  if (foreign) return new InputError(`${given}: another program's database (tables ${foreign[1]}, no Cadence schema); give ${wanted}`);
  return null;
}

/**
 * What a command does with the live database: `read` it only (extract without --confirm, live-report,
 * keys list), `write` rows into it (keys revoke, extract --confirm), or `create` it where none is (keys
 * create: the first admin key comes before the first start).
 */
export type DbUse = "read" | "write" | "create";

/**
 * The live database --db (or CADENCE_DB) names, opened for `use`. It must exist unless the command
 * creates one. Only a new database is given the schema here: one at an older schema is refused, not
 * upgraded — `cadence serve` upgrades on start, and these commands run beside a server (perhaps the
 * older version, which would then find a schema it does not know); a reading command opens the file
 * read-only, so it never changes a byte of it.
 */
export function openLiveDb(flag: string | undefined, usage: string, use: DbUse = "read"): SqliteStore {
  const db = flag ?? Deno.env.get("CADENCE_DB"), creates = use === "create";
  if (!db) throw new InputError(`--db: which database? e.g. --db cadence.sqlite\nusage: ${usage}`);
  // named as the user gave it: CADENCE_DB's path was reported as a --db they never typed
  const given = flag === undefined ? `CADENCE_DB=${db}` : `--db ${db}`;
  if (!creates && !existsSync(db)) throw new InputError(`${given}: no such file; give the database a live server writes (cadence serve --db FILE)`);
  let store: SqliteStore | null = null;
  try {
    // read first, read-only: even opening one for writing sets its journal mode, a change to its header
    const exists = existsSync(db);
    store = new SqliteStore(db, "NORMAL", exists);
    const v = store.schemaVersion();
    // a command that reads one must not make one: an empty file (or a new one serve never started on)
    // would get the schema and report 0 messages, 0 keys, no plan, as if the server had none
    if (!creates && v === 0) {
      const theirs = store.tableList();
      const what = theirs ? `another program's database: tables ${theirs}` : "an empty database";
      throw new InputError(`${given}: no Cadence schema in it (${what}); give the database a live server writes (cadence serve --db FILE)`);
    }
    if (v > 0 && v < MIGRATIONS.length) {
      throw new InputError(`${given}: written by an older cadence (schema version ${v}; this one reads ${MIGRATIONS.length}); cadence serve --db ${db} upgrades it on start (no other command changes a database's schema), or run this command with the cadence that wrote it`);
    }
    if (v > MIGRATIONS.length) store.migrate(); // refuses it, naming both versions (dbProblem words it)
    if (use === "read") return store;
    if (exists) store.close(), store = new SqliteStore(db);
    store.migrate(); // a new or empty file gets the schema (keys create); a current one is left as it is
    store.checkWritable();
    return store;
  } catch (e) {
    store?.close();
    throw dbProblem(db, e, creates, given) ?? e;
  }
}
