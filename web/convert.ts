/** API representations ↔ engine values: ISO times ↔ minutes, consents ↔ bits, offsets ↔ minutes. */
import { CHANNELS, consentBit } from "../engine/core/channels.ts";
import { birthdayOf, monthDay } from "../engine/core/calendar.ts";
import { formatTime, offsetMinutes, parseDate } from "../engine/core/time.ts";
import type { CustomerRow } from "../engine/core/row-codec.ts";
import type { PlanRow } from "../engine/live/store.ts";

/** An API time in minutes, or null: RFC 3339 allows a lower-case `t` and `z`, which parseDate (shared with plans) reads upper-case. */
export const minutesOf = (iso: string): number | null => parseDate(iso.toUpperCase());
/** A validated API time (web/schemas.ts) in minutes. */
export const minutes = (iso: string): number => minutesOf(iso)!;
export const iso = (t: number | null): string | null => (t === null ? null : formatTime(t));

/** A validated offset (web/schemas.ts): minutes, or ±HH:MM. */
export function tzMinutes(tz: number | string): number {
  return typeof tz === "number" ? tz : offsetMinutes(tz)!;
}

const TIMES = ["lastPurchase", "lastVisit", "lastOpen", "lastClick", "lastContact"] as const;

/** A validated API customer → the profile fields of a row (only the fields given). */
export function profileOf(x: Record<string, unknown>): Partial<CustomerRow> {
  const r: Partial<CustomerRow> = { id: x.id as string };
  if (x.timezone !== undefined) r.tz = tzMinutes(x.timezone as number | string);
  if (x.signup !== undefined) r.signup = minutes(x.signup as string);
  if (x.consents !== undefined) r.consent = (x.consents as string[]).reduce((b, ch) => b | consentBit(CHANNELS.indexOf(ch as never)), 0);
  for (const k of ["orders", "revenue", "score", "limit", "rfm"] as const) if (x[k] !== undefined) r[k] = x[k] as number;
  if (x.attributes !== undefined) r.attrs = x.attributes as CustomerRow["attrs"];
  for (const k of TIMES) if (x[k] !== undefined) r[k] = x[k] === null ? null : minutes(x[k] as string);
  if (x.birthday !== undefined) {
    r.birthday = x.birthday === null ? -1 : birthdayOf(Number((x.birthday as string).slice(0, 2)) - 1, Number((x.birthday as string).slice(3, 5)));
  }
  return r;
}

/** A row's profile as the API shows it; `channels`: the live plan's (custom channels' consents are listed by name too). */
export function profileView(r: CustomerRow, channels: readonly string[] = CHANNELS): Record<string, unknown> {
  const [m, d] = r.birthday >= 0 ? monthDay(r.birthday) : [0, 0];
  return {
    id: r.id, timezone: r.tz, signup: iso(r.signup), consents: [
      ...CHANNELS.filter((_, i) => r.consent & (1 << i)),
      ...channels.slice(CHANNELS.length).filter((ch) => (r.channels?.[ch] ?? 0) & 1),
    ],
    orders: r.orders, revenue: r.revenue, lastPurchase: iso(r.lastPurchase), lastVisit: iso(r.lastVisit), lastOpen: iso(r.lastOpen),
    lastClick: iso(r.lastClick), lastContact: iso(r.lastContact), gone: r.gone === 1,
    birthday: r.birthday >= 0 ? `${String(m + 1).padStart(2, "0")}-${String(d).padStart(2, "0")}` : null, score: r.score, limit: r.limit, rfm: r.rfm,
    ...(r.attrs && Object.keys(r.attrs).length ? { attributes: r.attrs } : {}),
  };
}

export function planView(p: PlanRow): Record<string, unknown> {
  return {
    id: p.id, name: p.name, hash: p.hash, engine: p.engine, state: p.state, author: p.author, approver: p.approver,
    created: iso(p.created), promoted: iso(p.promoted), retired: iso(p.retired), forecast: p.forecast ? JSON.parse(p.forecast) : null,
  };
}
