/**
 * A JSON Schema (draft 2020-12) validator for the keywords docs/plan.schema.json uses, for tests: the
 * project ships no validator, and zod's reader refuses `not` and `if`/`then`/`else`. A keyword it does not
 * know throws, so a schema can never pass here by being half read. Checked against Python's jsonschema
 * on the cases of schema-agreement.test.ts when written.
 * @example validate(schema, { name: "x" }) // [] when valid, else ["name: ..."]
 */
type Schema = boolean | Record<string, unknown>;

const ANNOTATIONS = new Set(["$schema", "$id", "title", "description", "default", "examples", "$defs"]);
const APPLIED_WITH_IF = new Set(["then", "else"]);

const canonical = (v: unknown): string =>
  Array.isArray(v) ? `[${v.map(canonical).join(",")}]`
  : v && typeof v === "object" ? `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(",")}}`
  : JSON.stringify(v);

function typeOk(t: string, v: unknown): boolean {
  switch (t) {
    case "null": return v === null;
    case "boolean": return typeof v === "boolean";
    case "string": return typeof v === "string";
    case "number": return typeof v === "number";
    case "integer": return typeof v === "number" && Number.isInteger(v);
    case "array": return Array.isArray(v);
    case "object": return v !== null && typeof v === "object" && !Array.isArray(v);
    default: throw new Error(`unknown type ${t}`);
  }
}

/** Every problem of `value` against `schema` (`root` resolves `#/...` references), as "path: what". */
export function validate(schema: Schema, value: unknown, root: Schema = schema, path = ""): string[] {
  if (schema === true) return [];
  if (schema === false) return [`${path}: not allowed`];
  const s = schema, out: string[] = [];
  const at = (msg: string) => out.push(`${path || "(root)"}: ${msg}`);
  const sub = (x: unknown, v: unknown, p = path) => validate(x as Schema, v, root, p);
  const isObj = typeOk("object", value), isArr = Array.isArray(value);
  for (const [k, x] of Object.entries(s)) {
    if (ANNOTATIONS.has(k) || APPLIED_WITH_IF.has(k)) continue;
    switch (k) {
      case "$ref": {
        const target = (x as string).replace(/^#\//, "").split("/").reduce((o: unknown, key) => (o as Record<string, unknown>)?.[key], root);
        if (target === undefined) throw new Error(`no ${x}`);
        out.push(...sub(target, value));
        break;
      }
      case "type": if (!(Array.isArray(x) ? x : [x]).some((t) => typeOk(t, value))) at(`expected ${x}`); break;
      case "enum": if (!(x as unknown[]).some((e) => canonical(e) === canonical(value))) at(`expected one of ${JSON.stringify(x)}`); break;
      case "const": if (canonical(x) !== canonical(value)) at(`expected ${JSON.stringify(x)}`); break;
      case "pattern": if (typeof value === "string" && !new RegExp(x as string, "u").test(value)) at(`does not match ${x}`); break;
      case "maxLength": if (typeof value === "string" && [...value].length > (x as number)) at(`longer than ${x} characters`); break;
      case "minimum": if (typeof value === "number" && value < (x as number)) at(`below ${x}`); break;
      case "maximum": if (typeof value === "number" && value > (x as number)) at(`above ${x}`); break;
      case "exclusiveMinimum": if (typeof value === "number" && value <= (x as number)) at(`not above ${x}`); break;
      case "minItems": if (isArr && (value as unknown[]).length < (x as number)) at(`fewer than ${x} items`); break;
      case "maxItems": if (isArr && (value as unknown[]).length > (x as number)) at(`more than ${x} items`); break;
      case "uniqueItems": if (x && isArr && new Set((value as unknown[]).map(canonical)).size !== (value as unknown[]).length) at(`repeated items`); break;
      case "prefixItems": if (isArr) (x as Schema[]).forEach((p, i) => i < (value as unknown[]).length && out.push(...sub(p, (value as unknown[])[i], `${path}[${i}]`))); break;
      case "items": if (isArr) (value as unknown[]).forEach((v, i) => i >= ((s.prefixItems as unknown[])?.length ?? 0) && out.push(...sub(x, v, `${path}[${i}]`))); break;
      case "contains": if (isArr && !(value as unknown[]).some((v) => !sub(x, v).length)) at(`no item matches contains`); break;
      case "minProperties": if (isObj && Object.keys(value as object).length < (x as number)) at(`fewer than ${x} fields`); break;
      case "maxProperties": if (isObj && Object.keys(value as object).length > (x as number)) at(`more than ${x} fields`); break;
      case "required": if (isObj) for (const r of x as string[]) if (!(r in (value as object))) at(`missing ${r}`); break;
      case "dependentRequired": if (isObj) for (const [key, needs] of Object.entries(x as Record<string, string[]>)) if (key in (value as object)) for (const r of needs) if (!(r in (value as object))) at(`${key} needs ${r}`); break;
      case "propertyNames": if (isObj) for (const key of Object.keys(value as object)) out.push(...sub(x, key, `${path}.${key} (name)`)); break;
      case "properties": case "patternProperties": case "additionalProperties": {
        if (!isObj) break;
        const props = (s.properties ?? {}) as Record<string, Schema>, patterns = (s.patternProperties ?? {}) as Record<string, Schema>;
        for (const [key, v] of Object.entries(value as object)) {
          const p = path ? `${path}.${key}` : key;
          const matching = Object.keys(patterns).filter((re) => new RegExp(re, "u").test(key));
          if (k === "properties" && key in props) out.push(...sub(props[key], v, p));
          if (k === "patternProperties") for (const re of matching) out.push(...sub(patterns[re], v, p));
          if (k === "additionalProperties" && !(key in props) && !matching.length) out.push(...sub(x, v, p));
        }
        break;
      }
      case "allOf": for (const y of x as Schema[]) out.push(...sub(y, value)); break;
      case "anyOf": if (!(x as Schema[]).some((y) => !sub(y, value).length)) at(`matches none of anyOf`); break;
      case "oneOf": {
        const n = (x as Schema[]).filter((y) => !sub(y, value).length).length;
        if (n !== 1) at(n ? `matches ${n} of oneOf` : `matches none of oneOf`);
        break;
      }
      case "not": if (!sub(x, value).length) at(`matches a schema it must not${(x as Record<string, unknown>).description ? ` (${(x as Record<string, unknown>).description})` : ""}`); break;
      case "if": out.push(...(sub(x, value).length ? (s.else === undefined ? [] : sub(s.else, value)) : (s.then === undefined ? [] : sub(s.then, value)))); break;
      default: throw new Error(`json-schema.ts does not know the keyword ${k}`);
    }
  }
  return out;
}
