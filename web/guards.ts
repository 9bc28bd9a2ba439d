/** Request guards shared by the routes: content types (415) and body size (413). */
import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { ApiError } from "../engine/live/errors.ts";

/** 415 unless the request's Content-Type is one of `types` (parameters such as charset ignored). */
export function accepts(...types: string[]): MiddlewareHandler {
  return async (c, next) => {
    const ct = (c.req.header("content-type") ?? "").split(";")[0].trim().toLowerCase();
    if (!types.includes(ct)) {
      throw new ApiError(415, `Content-Type ${ct ? `'${ct}'` : "missing"}; ${c.req.method} ${c.req.routePath} takes ${types.join(" or ")}`);
    }
    await next();
  };
}

/** 413 for bodies over `bytes`. */
export function limit(bytes: number): MiddlewareHandler {
  return bodyLimit({
    maxSize: bytes,
    onError: (c) => {
      throw new ApiError(413, `request body over ${bytes.toLocaleString("en")} bytes for ${c.req.method} ${c.req.routePath}; send smaller batches`);
    },
  });
}
