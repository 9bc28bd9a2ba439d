/**
 * Request guards shared by the routes: content types (415), body size (413), and JSON that does not
 * parse (400). Each guard carries what it checks (`guard`), so that web/app.ts documents the answers a
 * route can give from the guards it has, in one place.
 */
import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { ApiError } from "../engine/live/errors.ts";
import { formatPath } from "../engine/plan/errors.ts";
import { firstInvalidUtf8At } from "../datasets/csv.ts";

/** What a guard checks, for the OpenAPI document (web/app.ts). */
export type Guard = { kind: "auth"; roles: string[] } | { kind: "type"; types: string[]; optional: boolean } | { kind: "size"; bytes: number };
export type Guarded = MiddlewareHandler & { guard?: Guard };

export const guarded = (handler: MiddlewareHandler, guard: Guard): Guarded => Object.assign(handler, { guard });

/** A media type as compared: without parameters, lower case (RFC 9110: media types are case-insensitive). */
export const mediaType = (contentType: string | undefined): string => (contentType ?? "").split(";")[0].trim().toLowerCase();

/** The request's route as docs/live.md and /v1/openapi.json write it (/v1/keys/{id}), not Hono's /v1/keys/:id. */
export const routeOf = (c: Context): string => `${c.req.method} ${c.req.routePath.replace(/:(\w+)/g, "{$1}")}`;

/** No body at all: neither a length nor chunks, or a length of 0. */
const bodiless = (c: Context) => !c.req.header("transfer-encoding") && Number(c.req.header("content-length") ?? 0) === 0;

/**
 * The request with another Content-Type, and body when given. Its headers cannot be changed in place,
 * and a route reads the header after this guard: it then sees one spelling (`Text/CSV` was let through
 * here and read as JSON by a route that looked for `text/csv`).
 */
function replaced(c: Context, type: string, body?: string): void {
  const raw = c.req.raw, headers = new Headers(raw.headers);
  headers.set("content-type", type);
  if (body !== undefined) headers.set("content-length", String(body.length)), headers.delete("transfer-encoding");
  // built from its parts: new Request(raw) would read raw.signal, which Deno warns of
  c.req.raw = new Request(raw.url, { method: raw.method, headers, body: body ?? raw.body, duplex: "half" } as RequestInit);
}

/** 415 unless the request's Content-Type is one of `types` (case-insensitive, parameters such as charset ignored). */
export function accepts(...types: string[]): Guarded {
  return typeGuard(types, false);
}

/** As `accepts`, but a request without a body passes as the JSON `{}` (a forecast with every default). */
export function acceptsOrNothing(...types: string[]): Guarded {
  return typeGuard(types, true);
}

function typeGuard(types: string[], optional: boolean): Guarded {
  return guarded(async (c, next) => {
    if (optional && bodiless(c)) {
      replaced(c, "application/json", "{}");
      return await next();
    }
    const header = c.req.header("content-type") ?? "", ct = mediaType(header);
    if (!types.includes(ct)) {
      throw new ApiError(415, `Content-Type ${ct ? `'${ct}'` : "missing"}; ${routeOf(c)} takes ${types.join(" or ")}${optional ? ", or no body" : ""}`);
    }
    const normal = ct + header.slice(header.split(";")[0].length);
    if (normal !== header) replaced(c, normal);
    await next();
  }, { kind: "type", types, optional });
}

/** 413 for bodies over `bytes`. */
export function limit(bytes: number): Guarded {
  return guarded(bodyLimit({
    maxSize: bytes,
    onError: (c) => {
      throw new ApiError(413, `request body over ${bytes.toLocaleString("en")} bytes for ${routeOf(c)}; send smaller batches`);
    },
  }), { kind: "size", bytes });
}

const UTF8 = new TextDecoder("utf-8", { fatal: true });

/**
 * 400 for a body that is not UTF-8 text, naming the line and byte (a Latin-1 export's 'Zoë' was read as
 * 'Zo\ufffd': an event under another id answered 'duplicate' and dropped, two customers made one). The
 * text is what the route, the validator and parsesJson then read (Hono's body cache).
 */
export function utf8Body(): MiddlewareHandler {
  return async (c, next) => {
    const bytes = new Uint8Array(await c.req.arrayBuffer());
    let text: string;
    try {
      text = UTF8.decode(bytes);
    } catch {
      const { line, column, byte } = firstInvalidUtf8At(bytes);
      const message = `not UTF-8 text: byte 0x${byte} at byte ${column} of line ${line} (a Latin-1 or Windows-1252 export?); send the body as UTF-8`;
      throw new ApiError(400, `body:${line}: ${message}`, [{ path: ["body"], message, line }]);
    }
    // the cache holds promises at run time (Hono's types say values): text() and json() read this one
    (c.req.bodyCache as Record<string, unknown>).text = Promise.resolve(text);
    await next();
  };
}

/**
 * 400 for a JSON body that does not parse, naming the body and an example of what the route takes
 * (the validator's own answer was a bare "Malformed JSON in request body"). The parsed body is cached
 * by Hono: the validator and the route read it again for free.
 */
export function parsesJson(example: string): MiddlewareHandler {
  return async (c, next) => {
    if (/^application\/([\w.-]+\+)?json$/.test(mediaType(c.req.header("content-type")))) {
      let body: unknown;
      try {
        body = await c.req.json();
      } catch (e) {
        const message = `not valid JSON (${String((e as Error).message ?? e).slice(0, 200)}); expected such as ${example}`;
        throw new ApiError(400, `body: ${message}`, [{ path: ["body"], message }]);
      }
      const bad = wellFormed(body) ? null : illFormed(body, ["body"]);
      if (bad) {
        const message = "not valid Unicode: a lone surrogate escape (such as \\ud800 without its pair); a character beyond \\uffff is written as a pair (\\ud83d\\ude00) or sent as UTF-8";
        throw new ApiError(400, `${formatPath(bad)}: ${message}`, [{ path: bad, message }]);
      }
    }
    await next();
  };
}

/** Every string and key of a JSON value is well-formed Unicode: the check each body pays, no path built. */
function wellFormed(v: unknown): boolean {
  if (typeof v === "string") return v.isWellFormed();
  if (Array.isArray(v)) return v.every(wellFormed);
  if (v !== null && typeof v === "object") {
    for (const k in v) if (!k.isWellFormed() || !wellFormed((v as Record<string, unknown>)[k])) return false;
  }
  return true;
}

/**
 * The path of the first string or key of a JSON value that is not well-formed Unicode (a lone
 * surrogate, which JSON's \\u escapes can write), or null. SQLite stores such a string as U+FFFD:
 * two event ids \\ud800 and \\udfff became one, the second answered 'duplicate' and dropped, and two
 * customers one row.
 */
function illFormed(v: unknown, path: (string | number)[]): (string | number)[] | null {
  if (typeof v === "string") return v.isWellFormed() ? null : path;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const bad = illFormed(v[i], [...path, i]);
      if (bad) return bad;
    }
  } else if (v !== null && typeof v === "object") {
    for (const [k, x] of Object.entries(v)) {
      const bad = k.isWellFormed() ? illFormed(x, [...path, k]) : [...path, k];
      if (bad) return bad;
    }
  }
  return null;
}
