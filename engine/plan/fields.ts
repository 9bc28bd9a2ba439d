/**
 * Field readers for validating parsed YAML/JSON: each checks one value, reports what is wrong and what
 * would be valid at its path, and returns a usable fallback so validation goes on and finds every problem.
 */
import { closest, oneOf, type Path, type Reporter } from "./errors.ts";
import { DAY, FIRST_YEAR, LAST_YEAR, offsetMinutes, parseClock, parseDate, parseDuration, YEARS } from "../core/time.ts";

export type Obj = Record<string, unknown>;

/**
 * A mapping of parsed YAML or JSON: an object, not null and not a list.
 * @example isMapping({ delay: "2h" }) // true; isMapping([1]) // false; isMapping(null) // false
 */
export const isMapping = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);

export function describe(v: unknown): string {
  if (v === null || v === undefined) return "nothing";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a mapping";
  // JSON has no NaN or infinity (YAML's .nan, .inf): it wrote them "null"
  if (typeof v === "number" && !Number.isFinite(v)) return `number ${v}`;
  return `${typeof v} ${JSON.stringify(v)}`;
}

/** Reports every key of `o` that is not allowed, with the closest valid one as a hint. */
export function unknownFields(r: Reporter, o: Obj, path: Path, allowed: readonly string[]): void {
  for (const k of Object.keys(o)) {
    if (!allowed.includes(k)) {
      const hint = closest(k, allowed);
      r.error([...path, k], `unknown field '${k}'${hint ? `; did you mean '${hint}'?` : ""} valid fields: ${allowed.join(", ")}`);
    }
  }
}

/** A mapping with only the allowed keys; unknown keys are reported with a suggestion. */
export function object(r: Reporter, v: unknown, path: Path, allowed: readonly string[]): Obj | null {
  if (!isMapping(v)) {
    r.error(path, `expected a mapping with ${oneOf(allowed)}, got ${describe(v)}`);
    return null;
  }
  unknownFields(r, v, path, allowed);
  return v;
}

export function list(r: Reporter, v: unknown, path: Path, what: string): unknown[] {
  if (!Array.isArray(v)) {
    r.error(path, `expected a list of ${what}, got ${describe(v)}`);
    return [];
  }
  return v;
}

export function string(r: Reporter, v: unknown, path: Path, fallback = ""): string {
  if (typeof v !== "string" || v.trim() === "") {
    r.error(path, `expected a non-empty text, got ${describe(v)}`);
    return fallback;
  }
  return v;
}

/**
 * The longest program id or message name: what the event API takes (web/schemas.ts), so that feedback
 * naming them can be posted (a longer one was loaded, and every event naming it refused with a 400).
 */
export const MAX_NAME_LENGTH = 200;

/** A program's priority lies from -MAX_PRIORITY to MAX_PRIORITY, as a number or as an expression known at load (validate, compile, schema). */
export const MAX_PRIORITY = 1_000_000;

/** A name that events carry back (a program id, a message): a non-empty text of at most MAX_NAME_LENGTH characters. */
export function name(r: Reporter, v: unknown, path: Path, fallback: string): string {
  const s = string(r, v, path, fallback);
  if (s.length > MAX_NAME_LENGTH) {
    r.error(path, `too long ('${s.slice(0, 24)}…', ${s.length} characters): at most ${MAX_NAME_LENGTH}, as many as the events that name it (POST /v1/events) may carry`);
  }
  return s;
}

export function optString(r: Reporter, v: unknown, path: Path, fallback: string): string {
  return v === undefined ? fallback : string(r, v, path, fallback);
}

export function number(r: Reporter, v: unknown, path: Path, min: number, max: number, fallback: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== "number" || !Number.isFinite(v) || v < min || v > max) {
    r.error(path, `expected a number from ${min} to ${max}, got ${describe(v)}`);
    return fallback;
  }
  return v;
}

/**
 * A count (contacts a day, days without a purchase): a whole number from min to max. A fraction has no
 * meaning for a count and was taken as written (`capacity: 2.5` let 3 a day through; `days: 2.5` of an
 * inactive trigger never matched the whole-day checks, so its journey never started).
 * @example wholeNumber(r, 2.5, ["channels", "call", "capacity"], 0, 1e9, 0, "contacts a day") // error: write 2 or 3
 */
export function wholeNumber(r: Reporter, v: unknown, path: Path, min: number, max: number, fallback: number, what: string): number {
  if (v === undefined) return fallback;
  if (typeof v === "number" && Number.isFinite(v) && v >= min && v <= max && !Number.isInteger(v)) {
    r.error(path, `${what} is a count: expected a whole number from ${min} to ${max}, got ${v}; write ${Math.floor(v)} or ${Math.ceil(v)}`);
    return fallback;
  }
  return number(r, v, path, min, max, fallback);
}

/** The units a plan's durations take; a number without one is refused (docs/plan-format.md). */
export const DURATION_UNITS = "m (or min), h, d, w";

/**
 * The longest duration a plan may give: the span of the engine's calendar (FIRST_YEAR to LAST_YEAR,
 * engine/core/time.ts), in whole days. A longer wait could never end at a time the engine can hold;
 * `wait: 99999999999999999999999d` once loaded, its minutes far past any time, and its journey never sent.
 */
export const MAX_DURATION_DAYS = Math.floor((LAST_YEAR - FIRST_YEAR + 1) * 365.25);
export const MAX_DURATION = MAX_DURATION_DAYS * DAY;

/**
 * A duration in minutes, the reason it is not one, or null when malformed. A bare number (`wait: 24`) is
 * refused, since nothing says whether 24 minutes, hours or days was meant; only 0, the same in every unit,
 * may go without one. A duration beyond MAX_DURATION is refused with the limit.
 */
export function readDuration(v: unknown): number | string | null {
  // a bare number: finite and not negative (`.nan` or -5 is no number of anything to add a unit to)
  const bare = (typeof v === "number" && Number.isFinite(v) && v >= 0) || (typeof v === "string" && /^\s*\d+(\.\d+)?\s*$/.test(v));
  if (bare && Number(v) === 0) return 0;
  if (bare) return `a duration needs a unit: write ${Number(v)}h, ${Number(v)}d or ${Number(v)}m rather than ${Number(v)} (units: ${DURATION_UNITS})`;
  const d = typeof v === "string" ? parseDuration(v) : null;
  if (d !== null && !(d <= MAX_DURATION)) {
    return `a duration is at most ${MAX_DURATION_DAYS}d (the engine's ${YEARS}), got ${String(v).trim()}`;
  }
  return d; // null: malformed
}

export function duration(r: Reporter, v: unknown, path: Path, fallback: number): number {
  if (v === undefined) return fallback;
  const d = readDuration(v);
  if (typeof d !== "number") {
    r.error(path, d ?? `expected a duration such as 30m, 12h, 3d or 2w, got ${describe(v)} (units: ${DURATION_UNITS})`);
    return fallback;
  }
  return d;
}

export function date(r: Reporter, v: unknown, path: Path): number | null {
  const s = v instanceof Date ? v.toISOString() : v;
  const t = typeof s === "string" ? parseDate(s) : null;
  if (t === null) r.error(path, `expected a date such as 2026-03-01 or 2026-03-01T10:00 (${YEARS}), got ${describe(v)}`);
  return t;
}

export function clock(r: Reporter, v: unknown, path: Path, fallback: number): number {
  if (v === undefined) return fallback;
  const t = typeof v === "string" ? parseClock(v) : null;
  if (t === null) {
    r.error(path, `expected a time of day HH:MM such as "09:30" (quoted), got ${describe(v)}`);
    return fallback;
  }
  return t;
}

export function choice<T extends string>(r: Reporter, v: unknown, path: Path, valid: readonly T[], fallback: T): T {
  if (v === undefined) return fallback;
  if (typeof v !== "string" || !valid.includes(v as T)) {
    const hint = typeof v === "string" ? closest(v, valid) : undefined;
    r.error(path, `expected ${oneOf(valid)}, got ${describe(v)}${hint ? `; did you mean '${hint}'?` : ""}`);
    return fallback;
  }
  return v as T;
}

/** A share 0..1, also accepted as a percentage text "10%". */
export function share(r: Reporter, v: unknown, path: Path, fallback: number): number {
  if (v === undefined) return fallback;
  if (typeof v === "string" && /^\d+(\.\d+)?%$/.test(v.trim())) {
    const n = Number(v.trim().slice(0, -1)) / 100;
    if (n <= 1) return n;
  }
  if (typeof v === "number" && v >= 0 && v <= 1) return v;
  r.error(path, `expected a share from 0 to 1 (or a percentage such as "10%"), got ${describe(v)}`);
  return fallback;
}

/** "+01:00", "-05:30", "UTC" or a number of minutes → UTC offset in minutes. */
export function utcOffset(r: Reporter, v: unknown, path: Path, fallback: number): number {
  if (v === undefined) return fallback;
  // a number is ambiguous (minutes, as the engine counts, or hours, as the expression `timezone` reads:
  // `timezone: 1` ran a 10:00 campaign at 09:59 UTC): only 0 is taken, the rest asks for the text
  if (v === 0) return 0;
  if (typeof v === "number") {
    const h = Math.trunc(v), text = `${v < 0 ? "-" : "+"}${String(Math.abs(h)).padStart(2, "0")}:00`;
    r.error(path, `a number is ambiguous (hours or minutes?): write the offset as text, e.g. "${Number.isInteger(v) && Math.abs(v) <= 14 ? text : "+01:00"}" (hours:minutes east of UTC) or "UTC", got ${describe(v)}`);
    return fallback;
  }
  if (typeof v === "string") {
    if (v === "UTC" || v === "Z") return 0;
    const minutes = offsetMinutes(v);
    if (minutes !== null) return minutes;
  }
  r.error(path, `expected a UTC offset such as "+01:00", "-05:00" or "UTC", got ${describe(v)}${zoneHint(v)}`);
  return fallback;
}

/**
 * For a zone name given where an offset is read (`timezone: Europe/Paris`): its offsets, and why a name is
 * not taken. Plans run on fixed offsets (docs/engine.md "Time"); the name was refused with no word of
 * daylight saving, so a user could not tell which offset to write. Empty for anything else.
 * @example zoneHint("Asia/Kolkata") // `: a plan's clock is a fixed offset, not a zone name: write "+05:30" for Asia/Kolkata`
 */
export function zoneHint(v: unknown): string {
  if (typeof v !== "string" || !/^[A-Za-z]+\/[A-Za-z0-9_+\-/]+$/.test(v.trim())) return "";
  const zone = v.trim(), offsets: string[] = [];
  try {
    // January and July of a fixed year: the message is the same on every run, whatever the day
    for (const month of ["01", "07"]) {
      const part = new Intl.DateTimeFormat("en-US", { timeZone: zone, timeZoneName: "longOffset" })
        .formatToParts(new Date(`2026-${month}-15T12:00:00Z`)).find((p) => p.type === "timeZoneName")?.value ?? "";
      const m = /GMT([+-]\d{2}:\d{2})?/.exec(part);
      if (m) offsets.push(m[1] ?? "+00:00");
    }
  } catch {
    offsets.length = 0; // not a zone this runtime knows
  }
  if (offsets.length < 2) return `: a plan's clock is a fixed offset, without daylight saving, not a zone name`;
  const [jan, jul] = offsets;
  return jan === jul
    ? `: a plan's clock is a fixed offset, not a zone name: write "${jan}" for ${zone}`
    : `: a plan's clock is a fixed offset, without daylight saving: ${zone} is "${jan}" in January and "${jul}" in July; write one (across the change, times written in the plan move an hour on the local clock)`;
}
