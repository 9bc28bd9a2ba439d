/**
 * zod's issues as the API's problems: a union's failure read from the branch the body meant, an
 * unknown key named at its own path. Shared by the validator's hook (web/app.ts) and the routes that
 * check a body themselves (POST /v1/customers).
 */
export interface Issue {
  code: string;
  path: (string | number)[];
  message: string;
  errors?: Issue[][];
  keys?: string[];
}

const unknownKey = (where: string) => {
  const kind = where === "query" ? "parameter" : "field";
  return `unknown ${kind}; /v1/openapi.json lists this route's ${kind}s`;
};

/**
 * A union's failure ("invalid input") says nothing useful; the branch the body meant to match — the
 * one whose problems are not about the body's shape at the root — names the real field and fault.
 */
export function flatten(issues: Issue[], where = "body"): Issue[] {
  return issues.flatMap((i) => {
    // one problem per unknown key, at its own path ("query.state: unknown parameter")
    if (i.code === "unrecognized_keys" && i.keys?.length) return i.keys.map((k) => ({ ...i, path: [...i.path, k], message: unknownKey(where) }));
    if (i.code !== "invalid_union" || !i.errors?.length) return [i];
    const rootless = (b: Issue[]) => b.every((x) => x.path.length > 0 || x.code === "custom");
    const branch = i.errors.find(rootless) ?? i.errors.reduce((a, b) => (b.length < a.length ? b : a));
    return flatten(branch.map((x) => ({ ...x, path: [...i.path, ...x.path] })), where);
  });
}

