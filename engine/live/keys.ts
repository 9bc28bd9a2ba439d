/**
 * API keys: `cad_<id>_<secret>`. Only a sha256 of the whole key is stored, so a stolen database does not
 * yield working keys; the key is shown once, at creation. The id is public (it names the actor in the
 * audit log and tells "who wrote this plan" from "who approves it").
 */
import { createHash, randomBytes } from "node:crypto";
import type { KeyRow, Role, Store } from "./store.ts";

export const hashKey = (key: string): string => createHash("sha256").update(key).digest("hex");

/**
 * Creates a key and returns it in clear (the only time it exists in clear). The secret comes from the
 * system's CSPRNG: a credential must be unpredictable, unlike engine randomness, which must replay.
 * `actor` is who the audit log names: "cli", or the id of the admin key that asked (POST /v1/keys).
 */
export function createKey(store: Store, role: Role, name: string, now: number, actor = "cli"): { key: string; row: KeyRow } {
  const id = randomBytes(6).toString("hex");
  const key = `cad_${id}_${randomBytes(24).toString("base64url")}`;
  const row: KeyRow = { id, hash: hashKey(key), role, name, created: now, revoked: null };
  store.addKey(row);
  store.audit(now, actor, "key.create", id, { role, name });
  return { key, row };
}

/**
 * Revokes the key with this id (the public part, as `cadence keys list` shows it): requests with it are
 * refused from then on (within the few seconds a server keeps a key it found: web/auth.ts). The key's
 * row stays, so the audit log still names who did what with it. Null when no key has this id. A key
 * revoked already keeps its first time, and the audit log its one revocation.
 */
export function revokeKey(store: Store, id: string, actor: string, now: number): KeyRow | null {
  const before = store.listKeys().find((k) => k.id === id);
  if (!before) return null;
  if (before.revoked !== null) return before;
  store.revokeKey(id, now);
  store.audit(now, actor, "key.revoke", id, {});
  return store.listKeys().find((k) => k.id === id) ?? null;
}

/** The key's row when it exists and is not revoked. */
export function findKey(store: Store, key: string): KeyRow | null {
  if (!/^cad_[0-9a-f]{12}_[A-Za-z0-9_-]{32}$/.test(key)) return null;
  const row = store.keyByHash(hashKey(key));
  return row && row.revoked === null ? row : null;
}
