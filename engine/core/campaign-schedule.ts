/** Expands campaign schedules into dated occurrences inside a run, in the plan's timezone. */
import type { CompiledPlan } from "./compiled.ts";
import { DAY } from "./time.ts";
import { monthlyDates } from "./monthly.ts";

export interface Occurrence {
  time: number;
  campaign: number;
}

/** Occurrences in [start, end), sorted by time then campaign index. */
export function campaignOccurrences(plan: CompiledPlan, start: number, end: number): Occurrence[] {
  const tz = plan.plan.timezone, out: Occurrence[] = [];
  for (const cp of plan.campaigns) {
    const add = (local: number) => {
      const t = local - tz; // schedule times are written in the plan's local time
      if (t >= start && t < end) out.push({ time: t, campaign: cp.index });
    };
    const s = cp.schedule;
    const localStart = start + tz, localEnd = end + tz;
    switch (s.kind) {
      case "once":
        add(s.at);
        break;
      case "dates":
        for (const d of s.dates) add(d);
        break;
      case "every": {
        const first = s.start ?? Math.floor(localStart / DAY) * DAY + s.at;
        const last = Math.min(localEnd, s.end ?? Infinity);
        for (let t = first; t < last; t += s.every) add(t);
        break;
      }
      case "monthly": {
        const from = Math.max(localStart, s.start ?? -Infinity), to = Math.min(localEnd, s.end ?? Infinity);
        for (const day of monthlyDates(s.on, from, to)) if (day + s.at >= from && day + s.at < to) add(day + s.at);
        break;
      }
      case "weekly": {
        const from = Math.max(localStart, s.start ?? -Infinity), to = Math.min(localEnd, s.end ?? Infinity);
        for (let day = Math.floor(from / DAY) * DAY; day < to; day += DAY) {
          const weekday = (Math.floor(day / DAY) + 3) % 7; // 1970-01-01 was a Thursday; 0 = Monday
          // the end is exclusive at its time, as for every and monthly: a bare end date's weekday sent
          if (s.weekdays.includes(weekday) && day + s.at >= from && day + s.at < to) add(day + s.at);
        }
        break;
      }
    }
  }
  return out.sort((a, b) => a.time - b.time || a.campaign - b.campaign);
}
