/**
 * An error the API turns into a 4xx with this text: the live engine's counterpart of InputError for
 * things that are not input syntax (a plan in the wrong state, a four-eyes violation, an unknown id).
 */
import type { Problem } from "../plan/errors.ts";

export class ApiError extends Error {
  constructor(readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422, message: string, readonly problems: Problem[] = []) {
    super(message);
    this.name = "ApiError";
  }
}
