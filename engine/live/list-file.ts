/**
 * The file name of a target list (cadence extract): `<day>_<program>_<channel>.csv`, such as
 * `2026-03-02_receipt_email.csv`, when that is safe and unambiguous; otherwise a sanitised, shortened
 * name with a hash of the pair.
 *
 * The plain name needs a program of at most 120 of [A-Za-z0-9._-] (no leading dot) and a channel of at
 * most 32 of [a-z0-9] (no '_'): the channel is then what follows the last '_', so two pairs never share a
 * name (`a_b` + `email` and `a` + `b_email` both became `a_b_email`). Any other pair — a custom channel
 * such as `in_app`, a program id from before the loader's limits — is named
 * `<day>_<program, at most 80>_<channel, at most 32>.<hash>.csv` (characters outside [A-Za-z0-9._-]
 * as '_', the hash: 12 hex digits of the SHA-256 of program and channel). A plain name has no '.'
 * after its last '_', a hashed one has: the two kinds never meet. At most 145 characters, far under a
 * file system's 255 (a 10,000-character message name made extract crash with ENAMETOOLONG).
 */
import { createHash } from "node:crypto";

const PLAIN_PROGRAM = /^[A-Za-z0-9][\w.-]{0,119}$/;
const PLAIN_CHANNEL = /^[a-z0-9]{1,32}$/;

export function listFileName(day: string, program: string, channel: string): string {
  if (PLAIN_PROGRAM.test(program) && PLAIN_CHANNEL.test(channel)) return `${day}_${program}_${channel}.csv`;
  const safe = (s: string, n: number) => s.replace(/[^\w.-]/g, "_").replace(/^\./, "_").slice(0, n);
  const hash = createHash("sha256").update(`${program}\u0000${channel}`).digest("hex").slice(0, 12);
  return `${day.replace(/[^\w-]/g, "_")}_${safe(program, 80)}_${safe(channel, 32)}.${hash}.csv`;
}
