/**
 * API-key authentication and roles. `Authorization: Bearer <key>`; a missing or unknown key is a 401,
 * a key whose role may not do this a 403 naming the roles that may. Admin may do everything.
 */
import type { Context } from "hono";
import { findKey } from "../engine/live/keys.ts";
import type { KeyRow, Role, Store } from "../engine/live/store.ts";
import { ApiError } from "../engine/live/errors.ts";
import { type Guarded, guarded, routeOf } from "./guards.ts";
import { keyRefused } from "./key-refusals.ts";

export const READERS: Role[] = ["analyst", "approver", "operator"];

/**
 * Keys found recently, by their clear text: a sha256 and a SELECT per request were ≈ 3 % of the ingest
 * path under load. An entry lives a few seconds, so a key revoked in the database stops working
 * within that time; unknown keys are never cached.
 */
const KEY_TTL_MS = 5000, KEY_CACHE_MAX = 1000;
const found = new WeakMap<Store, Map<string, { row: KeyRow; until: number }>>();

function cachedKey(store: Store, key: string): KeyRow | null {
  let cache = found.get(store);
  if (!cache) found.set(store, cache = new Map());
  const now = performance.now(), hit = cache.get(key);
  if (hit && hit.until > now) return hit.row;
  const row = findKey(store, key);
  if (row) {
    if (cache.size >= KEY_CACHE_MAX) cache.clear();
    cache.set(key, { row, until: now + KEY_TTL_MS });
  } else cache.delete(key);
  return row;
}

/** Drops the keys this server found recently: after a revocation, so that the key stops working at once. */
export function forgetKeys(store: Store): void {
  found.get(store)?.clear();
}

const USAGE = "send the header 'Authorization: Bearer <key>' (an admin creates keys with `cadence keys create --role <role> --db <file>`)";

/** The realm of every challenge: one server, one set of keys. */
export const REALM = "cadence";

/**
 * A 401 with its challenge: RFC 9110 §11.6.1 requires WWW-Authenticate on every 401, and RFC 6750 §3
 * words it for bearer tokens — no error code when no key was sent, `invalid_request` for a header that
 * is not `Bearer <key>`, `invalid_token` for a key this server does not take (unknown or revoked).
 */
function unauthorized(message: string, error?: "invalid_request" | "invalid_token", description?: string): ApiError {
  const challenge = `Bearer realm="${REALM}"${error ? `, error="${error}", error_description="${description}"` : ""}`;
  return new ApiError(401, message, [], { "WWW-Authenticate": challenge });
}

export function requireRole(store: Store, ...roles: Role[]): Guarded {
  const allowed = [...new Set<Role>([...roles, "admin"])];
  return guarded(async (c, next) => {
    const header = c.req.header("authorization");
    if (!header?.trim()) throw unauthorized(`missing API key: ${USAGE}`);
    const m = /^Bearer\s+(\S+)$/i.exec(header.trim());
    // `Bearer $KEY` with $KEY unset arrives as "Bearer": it was called a key with something after it
    if (!m && /^Bearer$/i.test(header.trim())) throw unauthorized(`no key after 'Bearer' (an empty variable in 'Bearer $KEY'?); ${USAGE}`, "invalid_request", "no key after Bearer");
    if (!m) throw unauthorized(`malformed Authorization header: expected 'Bearer <key>' with nothing after the key; ${USAGE}`, "invalid_request", "expected Bearer <key>");
    const key = cachedKey(store, m[1]);
    if (!key) {
      keyRefused(store, m[1], routeOf(c));
      throw unauthorized("unknown or revoked API key", "invalid_token", "unknown or revoked API key");
    }
    if (key.role !== "admin" && !roles.includes(key.role)) {
      throw new ApiError(403, `this key's role is ${key.role}; ${routeOf(c)} needs ${allowed.join(" or ")}`);
    }
    c.set("key" as never, key as never);
    await next();
  }, { kind: "auth", roles: allowed });
}

export const keyOf = (c: Context): KeyRow => c.get("key" as never) as KeyRow;
