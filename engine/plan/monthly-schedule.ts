/**
 * Reads a campaign's `monthly:` schedule: one rule or a list of them, each a day of the month (1–31;
 * "last" for the month's last day) or "<first|second|third|fourth|last> <mon…sun>" ("first mon",
 * "last fri"). Semantics in engine/core/monthly.ts; docs/plan-format.md shows them.
 */
import type { Path, Reporter } from "./errors.ts";
import { describe } from "./fields.ts";
import type { MonthDay } from "../core/monthly.ts";

const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const FULL = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
const ORDINALS: Record<string, number> = { first: 1, second: 2, third: 3, fourth: 4, last: -1, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4 };
const VALID = `a day of the month 1–31 (a day past a shorter month's end is its last day), "last", or "<first|second|third|fourth|last> <mon|tue|wed|thu|fri|sat|sun>" such as "first mon"`;

function monthDay(r: Reporter, v: unknown, path: Path): MonthDay | null {
  if (typeof v === "number") {
    if (Number.isInteger(v) && v >= 1 && v <= 31) return { day: v, weekday: -1 };
    r.error(path, `expected ${VALID}, got ${v}`);
    return null;
  }
  if (typeof v !== "string") {
    r.error(path, `expected ${VALID}, got ${describe(v)}`);
    return null;
  }
  const words = v.trim().toLowerCase().split(/\s+/);
  if (words.length === 1 && words[0] === "last") return { day: -1, weekday: -1 };
  if (words.length === 1 && /^\d+$/.test(words[0])) return monthDay(r, Number(words[0]), path);
  const [ord, wd] = words;
  const n = ORDINALS[ord], w = Math.max(WEEKDAYS.indexOf(wd ?? ""), FULL.indexOf(wd ?? ""));
  if (words.length === 2 && n !== undefined && w >= 0) return { day: n, weekday: w };
  const hint = words.length === 2 && n !== undefined ? ` (no weekday '${wd}': ${WEEKDAYS.join(", ")})` : words.length === 2 && w >= 0 ? ` (no ordinal '${ord}': first, second, third, fourth or last)` : "";
  r.error(path, `expected ${VALID}, got '${v}'${hint}`);
  return null;
}

/** The rules of `monthly:` (a single value or a list); an empty or unreadable list is reported. */
export function monthDays(r: Reporter, v: unknown, path: Path): MonthDay[] {
  const items = Array.isArray(v) ? v : [v];
  if (!items.length) r.error(path, `expected at least one day: ${VALID}`);
  return items.flatMap((x, i) => monthDay(r, x, Array.isArray(v) ? [...path, i] : path) ?? []);
}
