/**
 * `cadence keys create --role <role> --db <file> [--name N]` prints a new API key on stdout (shown once; the
 * database is created when it does not exist yet, so the first admin key comes before the first start);
 * `cadence keys list --db <file>`; `cadence keys revoke <id> --db <file>`.
 */
import { InputError, oneOf } from "../plan/errors.ts";
import { createKey, revokeKey } from "../live/keys.ts";
import { formatTime } from "../core/time.ts";
import { type Role, ROLES } from "../live/store.ts";
import { parse } from "./args.ts";
import { openLiveDb } from "./live-db.ts";

const USAGE = "cadence keys create --role ingest|analyst|approver|operator|admin --db FILE [--name NAME]\ncadence keys list --db FILE\ncadence keys revoke ID --db FILE";

export async function keysCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { role: { type: "string" }, db: { type: "string" }, name: { type: "string" } }, USAGE);
  const action = positionals[0];
  if (action !== "create" && action !== "list" && action !== "revoke") throw new InputError(`expected 'create', 'list' or 'revoke', got ${action ? `'${action}'` : "nothing"}\nusage: ${USAGE}`);
  // a flag or word that would change nothing is refused rather than ignored ('keys list --role admin' listed every key)
  for (const flag of ["role", "name"] as const) {
    if (action !== "create" && values[flag] !== undefined) throw new InputError(`--${flag}: goes with 'keys create'; 'keys ${action}' takes --db${action === "revoke" ? " and the key's id" : ""} only\nusage: ${USAGE}`);
  }
  const extra = positionals[action === "revoke" ? 2 : 1];
  if (extra !== undefined) throw new InputError(`unexpected argument '${extra}': 'keys ${action}' takes ${action === "revoke" ? "one key id" : "options only"}\nusage: ${USAGE}`);
  const now = Math.floor(Date.now() / 60000), role = values.role as Role;
  if (action === "create" && !ROLES.includes(role)) throw new InputError(`--role: expected ${oneOf(ROLES)}, got ${values.role ? `'${values.role}'` : "nothing"}`);
  // the API's rule for a key's name (POST /v1/keys): an empty one listed as a blank
  const name = values.name as string | undefined;
  if (action === "create" && name !== undefined && (!name.trim() || name.length > 100)) {
    throw new InputError(`--name: expected a name of 1 to 100 characters, such as "shop front" (or leave it out: the role names the key), got '${name}'`);
  }
  // listing or revoking: the database must exist; listing only reads it (a read-only connection)
  const store = openLiveDb(values.db, USAGE, action === "create" ? "create" : action === "revoke" ? "write" : "read");
  try {
    if (action === "create") {
      console.log(createKey(store, role, values.name ?? role, now).key);
      return 0;
    }
    if (action === "list") {
      for (const k of store.listKeys()) console.log(`${k.id}\t${k.role}\t${k.name}${k.revoked !== null ? `\trevoked ${formatTime(k.revoked)}` : ""}`);
      return 0;
    }
    const id = positionals[1];
    if (!id) throw new InputError(`keys revoke: which key? give its id, the first column of 'cadence keys list'\nusage: ${USAGE}`);
    const row = revokeKey(store, id, "cli", now);
    if (!row) throw new InputError(`keys revoke: no key '${id}' in ${store.path}; its keys: ${store.listKeys().map((k) => k.id).join(", ") || "none"}`);
    console.log(`revoked key ${row.id} (${row.role}, ${row.name}) at ${formatTime(row.revoked!)}: a running server refuses it within 5 s`);
    return 0;
  } finally {
    store.close();
  }
}
