/**
 * A history's learned seasonality, in the shape of the world model's organic clock.
 */
import type { HistorySource } from "./history-population.ts";
import type { Seasonality as WorldSeasonality } from "./time-profile.ts";

/**
 * The history's learned seasonality in the world model's shape (engine/sim/time-profile.ts), for the
 * simulator's organic clock: the fitted weekday and month factors (1 for months the calibration never
 * covered), the config's named peaks with their factors, the base's time-of-day profile (a purchase
 * history's days say nothing about hours). Null when the config turns seasonality off. Give it to a run
 * as `world: { seasonality }` (PopulationSpec.world) so a history population follows its own calendar
 * rather than the world's default retail year.
 * @example historySeasonality(historySource("datasets/cdnow.yaml"), DEFAULT_WORLD.seasonality)?.months // CDNOW's fitted month factors (1.10, 1.28, …), 1 for months it never covered
 */
export function historySeasonality(src: HistorySource, base: WorldSeasonality): WorldSeasonality | null {
  if (!src.seasonal) return null;
  const z = src.seasonal.seasonality, peaks = src.history.config.seasonality?.peaks ?? [];
  const md = ([m, d]: [number, number]) => `${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
  const dayOfYear = ([m, d]: [number, number]) => (Date.UTC(2001, m - 1, d) - Date.UTC(2001, 0, 1)) / 86400000;
  return {
    hours: base.hours.slice(),
    weekdays: z.weekday.slice(),
    months: z.month.slice(),
    peaks: peaks.map((p, i) => ({
      name: p.name,
      start: md(p.from),
      days: ((dayOfYear(p.to) - dayOfYear(p.from) + 365) % 365) + 1,
      factor: z.peaks[i].factor,
    })),
  };
}
