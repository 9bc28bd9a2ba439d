/**
 * The texts a plan writes (durations, times of day, send windows, UTC offsets, dates, percentages) as
 * JSON Schema fragments for docs/plan.schema.json: each pattern takes exactly what the loader's reader
 * takes (engine/plan/fields.ts, engine/core/time.ts), surrounding spaces included, since the readers trim.
 * test/plan/schema-agreement.test.ts holds both to the same cases.
 */
import { DAY, HOUR, LAST_YEAR, FIRST_YEAR } from "../core/time.ts";

const UNITS: [unit: string, minutes: number][] = [["m|min", 1], ["h", HOUR], ["d", DAY], ["w", 7 * DAY]];
const UNIT = "(?:m|min|h|d|w)";
const NUMBER = "\\d+(?:\\.\\d+)?";

/** Text that is not empty once trimmed (fields.ts `string`). */
export const text = { type: "string", pattern: "\\S" };

// A duration: a number and its unit, or 0 alone (the same in every unit); fields.ts readDuration.
export const duration = {
  oneOf: [{ const: 0 }, { type: "string", pattern: `^\\s*(?:${NUMBER}\\s*${UNIT}|0+(?:\\.0+)?)\\s*$` }],
  description: "30m, 12h, 3d or 2w: a unit is required (0 may go without)",
};

// A duration above 0, written inside other text up to `end` (`$`, or `\)` in defer(...)).
const positiveBody = (end: string) => `\\s*(?!0+(?:\\.0+)?\\s*${UNIT}\\s*${end})${NUMBER}\\s*${UNIT}\\s*`;

/** A duration above 0 (a deferral, a waitFor timeout, a rule's window, spacing and decay). */
export const positiveDuration = { type: "string", pattern: `^${positiveBody("$")}$`, description: "30m, 12h, 3d or 2w, above 0" };

/** `defer(<duration above 0>)`, as journeys' onBlocked writes it. */
export const deferText = { type: "string", pattern: `^\\s*defer\\(${positiveBody("\\)")}\\)\\s*$`, description: "defer(2d): retry a blocked message for up to 2 days" };

/** A recurring campaign's period: at least an hour once rounded to whole minutes (validate.ts). */
export const everyDuration = {
  type: "string",
  pattern: `^\\s*(?:${UNITS.map(([u, minutes]) => `${atLeast(roundUp((HOUR - 0.5) / minutes))}\\s*(?:${u})`).join("|")})\\s*$`,
  description: "1h or more, e.g. 1w",
};

// A bound written with 12 decimals, rounded up: the schema errs by at most 1e-12 of a unit.
function roundUp(x: number): string {
  return (Math.ceil(x * 1e12 - 1e-6) / 1e12).toFixed(12).replace(/\.?0+$/, "");
}

/** A pattern for decimal texts `\d+(\.\d+)?` whose value is at least `bound` (a finite decimal text). */
function atLeast(bound: string): string {
  const [int, frac = ""] = bound.split(".");
  const digit = (d: string) => Number(d);
  const above = (d: string) => (digit(d) < 9 ? `[${digit(d) + 1}-9]` : null);
  // an integer part above `int`: longer, or as long and above at the first digit that differs
  const longer = `[1-9]\\d{${int === "0" ? 0 : int.length}}\\d*`;
  const sameLength = int === "0" ? [] : [...int].flatMap((d, i) => {
    const a = above(d);
    return a ? [`${int.slice(0, i)}${a}\\d{${int.length - i - 1}}`] : [];
  });
  const greaterInt = `0*(?:${[longer, ...sameLength].join("|")})(?:\\.\\d+)?`;
  // the same integer part, and a fraction at least `frac`, compared digit by digit
  const sameInt = int === "0" ? "0+" : `0*${int}`;
  const fracAbove = [...frac].flatMap((d, i) => {
    const a = above(d);
    return a ? [`${frac.slice(0, i)}${a}\\d*`] : [];
  });
  const atLeastFrac = frac ? `\\.(?:${[...fracAbove, `${frac}\\d*`].join("|")})` : "(?:\\.\\d+)?";
  return `(?:${greaterInt}|${sameInt}${atLeastFrac})`;
}

/** A time of day H:MM or HH:MM, 0:00 to 24:00 (core/time.ts parseClock). */
const CLOCK = "(?:[01]?\\d|2[0-3]):[0-5]\\d|24:00";
export const clock = { type: "string", pattern: `^\\s*(?:${CLOCK})\\s*$`, description: "HH:MM, e.g. \"09:30\" (quoted)" };

const hour = (h: number) => (h < 10 ? `0?${h}` : `${h}`);
/** Hours after `h` up to 23, as one alternation (24:00 is added by the caller). */
function hoursAfter(h: number): string | null {
  const later = Array.from({ length: 23 - h }, (_, i) => h + 1 + i);
  return later.length ? `(?:${later.map(hour).join("|")})` : null;
}

/**
 * A send window "HH:MM-HH:MM" that opens before it closes (validate.ts), or "always". A later closing
 * hour is listed per opening hour; within one hour (written alike with or without its leading 0) the
 * minutes are compared digit by digit, the hour matched by a back-reference.
 */
export const sendWindow = (() => {
  const dash = "\\s*-\\s*";
  const laterHour = Array.from({ length: 24 }, (_, h) => {
    const after = hoursAfter(h);
    return `${hour(h)}:[0-5]\\d${dash}(?:${after ? `${after}:[0-5]\\d|` : ""}24:00)`;
  });
  const H = "0?\\1:"; // the same hour
  const tensAbove = [0, 1, 2, 3, 4].map((a) => `${a}\\d${dash}${H}[${a + 1}-5]\\d`);
  const unitsAbove = [0, 1, 2, 3, 4, 5, 6, 7, 8].map((b) => `${b}${dash}${H}(?:\\2)[${b + 1}-9]`);
  const sameHour = `0?(1?\\d|2[0-3]):(?:${tensAbove.join("|")}|([0-5])(?:${unitsAbove.join("|")}))`;
  return {
    type: ["string", "null"],
    pattern: `^(?:always|\\s*(?:${laterHour.join("|")}|${sameHour})\\s*)$`,
    description: "HH:MM-HH:MM in the customer's local time, opening before it closes, or always",
  };
})();

/** A UTC offset ±HH:MM or ±HHMM, within ±14:00, minutes under 60 (core/time.ts offsetMinutes). */
export const OFFSET = "[+-](?:(?:0\\d|1[0-3]):?[0-5]\\d|14:?00)";

/** A plan's timezone (fields.ts utcOffset): an offset, UTC, Z, or whole minutes within ±14 hours. */
export const planTimezone = {
  oneOf: [{ const: 0 }, { type: "string", pattern: `^(?:UTC|Z|\\s*${OFFSET}\\s*)$` }],
  description: "a UTC offset as text such as \"+01:00\" or UTC (a number other than 0 is refused: hours or minutes?)",
};

/** 2026-03-01 or 2026-03-01T10:00 (core/time.ts parseDate; a day past its month's end is refused too). */
export const date = (() => {
  const years = `(?:${FIRST_YEAR === 1900 && LAST_YEAR === 2199 ? "19\\d\\d|2[01]\\d\\d" : "\\d{4}"})`;
  const day = "(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\\d|3[01])";
  // Date.parse takes 24:00 (the next midnight), not 24:00:01 nor 24:00:00.5
  const time = `[T ](?:(?:[01]\\d|2[0-3]):[0-5]\\d(?::[0-5]\\d(?:\\.\\d+)?)?|24:00(?::00(?:\\.0+)?)?)(?:Z|${OFFSET})?`;
  return { type: "string", pattern: `^\\s*${years}-${day}(?:${time})?\\s*$`, description: `2026-03-01 or 2026-03-01T10:00 (plan timezone), years ${FIRST_YEAR} to ${LAST_YEAR}` };
})();

// A percentage from 0 to 100 % (fields.ts share).
const PERCENT = "0*(?:\\d{1,2}(?:\\.\\d+)?|100(?:\\.0+)?)%";
/** A share from 0 to 1, or a percentage text such as "10%". */
export const share = { oneOf: [{ type: "number", minimum: 0, maximum: 1 }, { type: "string", pattern: `^\\s*${PERCENT}\\s*$` }] };
/** A share above 0 (a targeted campaign's top share). */
export const positiveShare = {
  oneOf: [{ type: "number", exclusiveMinimum: 0, maximum: 1 }, { type: "string", pattern: `^\\s*(?!0*(?:\\.0+)?%)${PERCENT}\\s*$` }],
};

/** A word in any case (JSON Schema patterns take no flags). */
export const anyCase = (word: string): string => [...word].map((c) => (/[a-z]/.test(c) ? `[${c}${c.toUpperCase()}]` : c)).join("");
