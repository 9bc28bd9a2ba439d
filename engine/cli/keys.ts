/** `cadence keys create --role <role> --db <file> [--name N]` prints a new API key on stdout (shown once); `cadence keys list --db <file>`. */
import { InputError, oneOf } from "../plan/errors.ts";
import { createKey } from "../live/keys.ts";
import { SqliteStore } from "../live/sqlite-store.ts";
import { type Role, ROLES } from "../live/store.ts";
import { parse } from "./args.ts";

const USAGE = "cadence keys create --role ingest|analyst|approver|operator|admin --db FILE [--name NAME]\ncadence keys list --db FILE";

export async function keysCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { role: { type: "string" }, db: { type: "string" }, name: { type: "string" } }, USAGE);
  const action = positionals[0];
  if (action !== "create" && action !== "list") throw new InputError(`expected 'create' or 'list', got ${action ? `'${action}'` : "nothing"}\nusage: ${USAGE}`);
  const db = values.db ?? Deno.env.get("CADENCE_DB");
  if (!db) throw new InputError(`--db: which database? e.g. --db cadence.sqlite\nusage: ${USAGE}`);
  const store = new SqliteStore(db);
  try {
    store.migrate();
    if (action === "list") {
      for (const k of store.listKeys()) console.log(`${k.id}\t${k.role}\t${k.name}${k.revoked !== null ? "\trevoked" : ""}`);
      return 0;
    }
    const role = values.role as Role;
    if (!ROLES.includes(role)) throw new InputError(`--role: expected ${oneOf(ROLES)}, got ${values.role ? `'${values.role}'` : "nothing"}`);
    const now = Math.floor(Date.now() / 60000);
    const { key } = createKey(store, role, values.name ?? role, now);
    console.log(key);
    return 0;
  } finally {
    store.close();
  }
}
