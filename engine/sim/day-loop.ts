/**
 * The clock both queue-driven drivers (simulation, backtest) share. It walks [start, end) in order and
 * stops at two kinds of boundary:
 *  - each midnight of the plan's timezone: the campaigns due that local day are decided together, at
 *    that midnight (at `start` for a first, partial day), before any event of the day is handled
 *    (engine/core/campaign-day.ts);
 *  - every 7 days from `start`: the metrics close a customer-week.
 * Between stops, queued events are handled in the queue's (time, kind, customer, sequence) order (the
 * simulator's queue in lanes: that order within each lane, lane after lane: engine/sim/lanes.ts).
 */
import type { Occurrence } from "../core/campaign-schedule.ts";
import { DAY, WEEK } from "../core/time.ts";

export interface DayLoop {
  start: number;
  end: number;
  timezone: number; // the plan's UTC offset, minutes
  occurrences: readonly Occurrence[]; // sorted by time
  campaignDay(occurrences: Occurrence[], now: number): void;
  /** Handles every queued event before `limit`. */
  drain(limit: number): void;
  closeWeek(): void;
  /** Every event before `at` (a day's end, or the run's) has been handled. */
  closeDay?(at: number): void;
  onDay?(done: number, days: number): void;
}

export function runDays(o: DayLoop): void {
  const days = Math.round((o.end - o.start) / DAY);
  let dayStart = Math.floor((o.start + o.timezone) / DAY) * DAY - o.timezone; // the local midnight at or before start
  let weekEnd = o.start + WEEK, next = 0;
  while (dayStart < o.end) {
    const dayEnd = dayStart + DAY, now = Math.max(dayStart, o.start);
    const today: Occurrence[] = [];
    while (next < o.occurrences.length && o.occurrences[next].time < dayEnd) today.push(o.occurrences[next++]);
    if (today.length) o.campaignDay(today, now);
    const limit = Math.min(dayEnd, o.end);
    for (; weekEnd <= limit; weekEnd += WEEK) {
      o.drain(weekEnd);
      o.closeWeek();
    }
    o.drain(limit);
    o.closeDay?.(limit);
    dayStart = dayEnd;
    o.onDay?.(Math.min(days, Math.round((limit - o.start) / DAY)), days);
  }
  if (weekEnd - WEEK < o.end) o.closeWeek(); // the last, partial week
}
