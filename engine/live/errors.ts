/**
 * An error the API turns into a 4xx with this text: the live engine's counterpart of InputError for
 * things that are not input syntax (a plan in the wrong state, a four-eyes violation, an unknown id).
 */
import type { Problem } from "../plan/errors.ts";

export class ApiError extends Error {
  /** `headers`: what the answer carries besides its body (a 401's WWW-Authenticate). */
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422, message: string, readonly problems: Problem[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/**
 * A transaction refused from a group the writer thread failed to commit until the state is rebuilt from
 * the store (store-writer.ts): nothing was written, and the same request sent again is taken. The API
 * answers it 503 with a Retry-After of `retryAfterS` (web/app.ts), a warning in the log, not a fault.
 */
export class Rebuilding extends Error {
  /**
   * The rebuild starts as soon as the main thread takes the writer's answer and holds the main thread
   * until it is done (a reload of every customer, as at a start: 13 to 21 s at 1,000,000, docs/live.md
   * "Scale"): a request sent again meanwhile waits for it and is answered after it, never refused for
   * the same failure. So the shortest wait, whatever the store's size.
   */
  readonly retryAfterS = 1;

  constructor() {
    super("the writer thread's last group failed and the state is being rebuilt from the store; nothing was written, send it again");
    this.name = "Rebuilding";
  }
}

/** SQLite's texts for a database it cannot write: a full disk, a read-only file or folder, an I/O error. */
const UNWRITABLE = /database or disk is full|attempt to write a readonly database|unable to open database file|disk I\/O error/;

/** What an operator does about each cause, for the 503's text. */
export const UNWRITABLE_FIX: Record<string, string> = {
  "database or disk is full": "free space on its disk",
  "attempt to write a readonly database": "make the database file, its -wal and -shm files and its folder writable by the server's user",
  "unable to open database file": "make the database's folder writable by the server's user",
  "disk I/O error": "check its disk (a file system remounted read-only, a file made immutable, a failing device: the system's log says which)",
};

/**
 * The cause, when `e` (or the writer thread's report of it) says the database cannot be written; null
 * for any other error. The API answers these with a 503 (web/app.ts): the request was rolled back.
 */
export function unwritable(e: unknown): string | null {
  return UNWRITABLE.exec(String((e as Error)?.message ?? e))?.[0] ?? null;
}
