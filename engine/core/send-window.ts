/**
 * A channel's send window: the hours of the customer's local day at which its messages may go
 * (docs/plan-format.md "Channels"). The window is read on the customer's clock (`tz`), never the plan's:
 * a 09:00–20:00 SMS window is 09:00–20:00 where the phone is.
 */
import { DAY, type Minutes } from "./time.ts";

/**
 * The first time at or after `at` inside the window `[from, to)` (minutes after local midnight, from < to)
 * of a customer `tz` minutes east of UTC.
 * @example windowOpen(parseDate("2026-03-02T21:30")!, 60, [540, 1200]) // 2026-03-03T08:00Z (09:00 at +01:00)
 */
export function windowOpen(at: Minutes, tz: number, window: readonly [number, number]): Minutes {
  const local = (((at + tz) % DAY) + DAY) % DAY, [from, to] = window;
  if (local < from) return at + (from - local);
  if (local >= to) return at + (DAY - local + from);
  return at;
}
