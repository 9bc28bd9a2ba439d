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

/**
 * What Deno's server throws at a body read when the connection ends before the body does: the client
 * closed or reset it in the middle of an upload (a body sent a byte at a time, then dropped).
 */
const CONNECTION_ENDED = [
  Deno.errors.BadResource, Deno.errors.Http, Deno.errors.ConnectionReset, Deno.errors.ConnectionAborted, Deno.errors.UnexpectedEof,
  Deno.errors.Interrupted, Deno.errors.BrokenPipe,
];

/**
 * What to throw for `e`, an error of reading the request's body: when the connection ended before the
 * body did, a 400 (which a client still reading gets) and one short log line. It was a 500 whose log
 * line carried Deno's stack trace, as for a fault of the server, though only the client had left.
 * Nothing of such a body is stored: no route reads a body until it has the whole of it.
 */
function bodyBrokenOff(c: Context, e: unknown): unknown {
  if (!CONNECTION_ENDED.some((kind) => e instanceof kind)) return e;
  const length = c.req.header("content-length"), whole = `the whole body${length ? ` (Content-Length ${length})` : ""}`;
  console.error(`cadence serve: ${routeOf(c)}: the client's connection ended before ${whole} arrived; nothing of it was stored`);
  const message = `the connection ended before ${whole} arrived; nothing of this request was stored: send it again whole`;
  return new ApiError(400, `body: ${message}`, [{ path: ["body"], message }]);
}

/** 413 for bodies over `bytes`. */
export function limit(bytes: number): Guarded {
  const check = bodyLimit({
    maxSize: bytes,
    onError: (c) => {
      throw new ApiError(413, `request body over ${bytes.toLocaleString("en")} bytes for ${routeOf(c)}; send smaller batches`);
    },
  });
  return guarded(async (c, next) => {
    // a body without a Content-Length (chunked) is read here, counting its bytes: an error before
    // `next` is that read's, one after it the route's own
    let read = false;
    try {
      return await check(c, () => (read = true, next()));
    } catch (e) {
      throw read ? e : bodyBrokenOff(c, e);
    }
  }, { kind: "size", bytes });
}

const UTF8 = new TextDecoder("utf-8", { fatal: true });

/**
 * 400 for a body that is not UTF-8 text, naming the line and byte (a Latin-1 export's 'Zoë' was read as
 * 'Zo\ufffd': an event under another id answered 'duplicate' and dropped, two customers made one). The
 * text is what the route, the validator and parsesJson then read (Hono's body cache).
 */
export function utf8Body(): MiddlewareHandler {
  return async (c, next) => {
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await c.req.arrayBuffer());
    } catch (e) {
      throw bodyBrokenOff(c, e);
    }
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
 * How many arrays and objects a JSON body may nest: a customer's attributes in a batch nest 4 deep,
 * the deepest plan of scenarios/ 8. JSON.parse takes any depth: 5,000 nested `[` (10 KB) overflowed the
 * call stack of the check below (it recursed), and every JSON route answered 500 "internal error".
 */
const MAX_JSON_DEPTH = 64;

const UNICODE = "not valid Unicode: a lone surrogate escape (such as \\ud800 without its pair); a character beyond \\uffff is written as a pair (\\ud83d\\ude00) or sent as UTF-8";
const DEEP = `nested more than ${MAX_JSON_DEPTH} arrays or objects deep; no body of this API nests so deep`;

/**
 * 400 for a JSON body that does not parse, naming the body and an example of what the route takes
 * (the validator's own answer was a bare "Malformed JSON in request body"); for one that parses but
 * holds a string no store keeps as sent, or nests deeper than MAX_JSON_DEPTH, naming where. The parsed
 * body is cached by Hono: the validator and the route read it again for free.
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
      const bad = sound(body) ? null : faultOf(body);
      if (bad) throw new ApiError(400, `${formatPath(bad.path)}: ${bad.message}`, [bad]);
    }
    await next();
  };
}

/**
 * Every string and key of a JSON value is well-formed Unicode, and it nests at most MAX_JSON_DEPTH
 * deep: the check each body pays, no path built. A loop over a stack, not recursion, so that no depth
 * overflows it.
 */
function sound(body: unknown): boolean {
  const stack = [body], depths = [0];
  while (stack.length) {
    const v = stack.pop(), depth = depths.pop()! + 1;
    if (typeof v === "string") {
      if (!v.isWellFormed()) return false;
    } else if (v !== null && typeof v === "object") {
      if (depth > MAX_JSON_DEPTH) return false;
      if (Array.isArray(v)) for (const x of v) stack.push(x), depths.push(depth);
      else {
        for (const k in v) {
          if (!k.isWellFormed()) return false;
          stack.push((v as Record<string, unknown>)[k]), depths.push(depth);
        }
      }
    }
  }
  return true;
}

/**
 * Where a JSON value that is not `sound` first fails, in the order of its text: a string or key that
 * is not well-formed Unicode (a lone surrogate, which JSON's \\u escapes can write; SQLite stores it as
 * U+FFFD: two event ids \\ud800 and \\udfff became one, the second answered 'duplicate' and dropped,
 * and two customers one row), or the array or object nested one too deep.
 */
function faultOf(body: unknown): { path: (string | number)[]; message: string } | null {
  // each entry links to its parent's: a path is built for the one found only
  type At = { v: unknown; key: string | number; up: At | null; depth: number };
  const pathOf = (at: At) => {
    const path: (string | number)[] = [];
    for (let a: At | null = at; a; a = a.up) path.push(a.key);
    return path.reverse();
  };
  const stack: At[] = [{ v: body, key: "body", up: null, depth: 1 }];
  while (stack.length) {
    const at = stack.pop()!, v = at.v;
    if (typeof at.key === "string" && !at.key.isWellFormed()) return { path: pathOf(at), message: UNICODE };
    if (typeof v === "string") {
      if (!v.isWellFormed()) return { path: pathOf(at), message: UNICODE };
    } else if (v !== null && typeof v === "object") {
      if (at.depth > MAX_JSON_DEPTH) return { path: pathOf(at), message: DEEP };
      // children pushed last first, so the first in the text is the first taken
      const entries: [string | number, unknown][] = Array.isArray(v) ? v.map((x, i) => [i, x]) : Object.entries(v);
      for (let i = entries.length - 1; i >= 0; i--) stack.push({ v: entries[i][1], key: entries[i][0], up: at, depth: at.depth + 1 });
    }
  }
  return null;
}
