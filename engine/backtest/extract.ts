/**
 * Manual extraction from a history (issue 10c): for teams without a live server, a day's target lists
 * computed from their own exports. The plan replays the history (engine/backtest/replay.ts) over that one
 * day, from the state at the day before — purchases, signups, inactivity, the contact history's pressure
 * — so the lists are after consent, send windows, pressure rules and holdouts. One CSV per program and
 * channel, in the contact-history columns (docs/history.md), so that once sent they can be appended to the
 * brand's send export, which the next extraction then counts in its pressure rules.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { formatTime, type Minutes } from "../core/time.ts";
import type { LoadedPlan } from "../plan/load.ts";
import type { History } from "../../datasets/import.ts";
import { backtest } from "./replay.ts";
import { listFileName } from "../live/list-file.ts";
import { csvField } from "../report/csv-export.ts";

export interface HistoryExtraction {
  day: string;
  files: { file: string; program: string; channel: string; messages: number }[];
  messages: number;
}

/** @example extractFromHistory(loadPlan("scenarios/lifecycle.yaml"), importHistory("out/retail/retail.yaml"), parseDate("2011-06-01")!, "out/lists") */
export function extractFromHistory(loaded: LoadedPlan, h: History, day: Minutes, dir: string, seed = 1): HistoryExtraction {
  const r = backtest(loaded, h, { from: day, to: day, seed });
  const plan = r.plan, rec = r.recorder, ids = r.population.table.ids;
  const groups = new Map<string, string[]>();
  for (let i = 0; i < rec.mTime.length; i++) {
    if (rec.mStatus[i] !== 0) continue; // sent: what would go out that day
    const s = plan.sends[rec.mSend[i]], program = plan.names.programs[s.program], channel = plan.names.channels[s.channel];
    const key = `${program}\u0000${channel}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push([formatTime(rec.mTime[i]), ids[rec.mCust[i]], channel, program, plan.names.categories[s.category], s.message].map(csvField).join(","));
  }
  mkdirSync(dir, { recursive: true });
  const name = formatTime(day).slice(0, 10), files: HistoryExtraction["files"] = [];
  for (const [key, rows] of [...groups].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const [program, channel] = key.split("\u0000");
    const file = join(dir, listFileName(name, program, channel));
    writeFileSync(file, ["date,customer,channel,program,category,message", ...rows].join("\n") + "\n");
    files.push({ file, program, channel, messages: rows.length });
  }
  return { day: name, files, messages: files.reduce((s, f) => s + f.messages, 0) };
}
