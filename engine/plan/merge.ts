/**
 * Deep merge for plan overrides and world sections: mappings merge key by key, anything else (lists
 * included) replaces. `leaf` takes each replacing value: the world section clones it so the merged
 * world never shares a list with the plan's section; template overrides keep the parsed objects.
 */
export function deepMerge(base: unknown, over: unknown, leaf: (v: unknown) => unknown = (v) => v): unknown {
  if (base && over && typeof base === "object" && typeof over === "object" && !Array.isArray(base) && !Array.isArray(over)) {
    const out: Record<string, unknown> = { ...base as Record<string, unknown> };
    for (const [k, v] of Object.entries(over)) out[k] = deepMerge(out[k], v, leaf);
    return out;
  }
  return over === undefined ? base : leaf(over);
}
