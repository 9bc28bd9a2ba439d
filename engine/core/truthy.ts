/**
 * The values plan expressions produce and the truthiness conditions use. They live in the core because
 * the core runs compiled expressions; the language itself (parser, scope) is engine/plan/expr.ts.
 */
export type Value = number | string | boolean | null;

/** A compiled expression: a function of the core's context, with its source and the names it reads. */
export type Compiled<C> = ((ctx: C) => Value) & { source: string; refs: string[] };

/** The truthiness conditions use: null, false, 0 and "" are false. @example truthy("") === false */
export const truthy = (v: Value): boolean => v !== null && v !== false && v !== 0 && v !== "";
