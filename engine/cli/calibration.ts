/**
 * `cadence calibration [--json] [--customers N] [--days D] [--seed S] [--world FILE] [--out FILE | --update-docs]`:
 * simulates each channel and program kind at a typical cadence and prints the figures beside published
 * benchmarks; `--world` runs them in a world of one's own (a JSON world option, as `cadence fit
 * --world-out` writes it) and says which values it set; `--out` writes the Markdown table to a file; `--update-docs` (the maintainers' command)
 * rewrites the project's docs/calibration.md and the table in docs/world-model.md. Nothing is written
 * without either: a user's run used to overwrite the committed pages, relative to any working directory.
 * Exit 1 when a figure leaves its band.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { calibrate, CALIBRATION_LIMITS, inside } from "../calibration/measure.ts";
import { markdown, textTable, worldText } from "../calibration/report.ts";
import { readWorldFile } from "./world-file.ts";
import { writeWhole } from "../report/write-file.ts";
import { intFlag, outputFile, parseOptions, sizeFlag } from "./args.ts";

const USAGE = "cadence calibration [--json] [--customers N] [--days D] [--seed S] [--world FILE] [--out FILE | --update-docs]";
/** The project's own docs pages, wherever the command runs from. */
const DOCS = (page: string) => fileURLToPath(new URL(`../../docs/${page}`, import.meta.url));

/** Rewrites the table between the calibration markers of a docs page, so the page never drifts from the command. */
function embedTable(md: string, page: string): void {
  if (!existsSync(page)) return;
  const text = readFileSync(page, "utf8"), a = "<!-- calibration:start -->", b = "<!-- calibration:end -->";
  const i = text.indexOf(a), j = text.indexOf(b);
  if (i < 0 || j < i) return;
  const table = md.split("\n").filter((l) => l.startsWith("|")).join("\n");
  writeFileSync(page, `${text.slice(0, i + a.length)}\n${table}\n${text.slice(j)}`);
}

export async function calibrationCommand(args: string[]): Promise<number> {
  const { values } = parseOptions(args, {
    json: { type: "boolean" },
    customers: { type: "string" },
    days: { type: "string" },
    seed: { type: "string" },
    out: { type: "string" },
    "update-docs": { type: "boolean" },
    world: { type: "string" },
  }, USAGE);
  const update = values["update-docs"] === true;
  if (update && values.out !== undefined) {
    console.error(`--out and --update-docs: give one (--update-docs writes docs/calibration.md and docs/world-model.md)\nusage: ${USAGE}`);
    return 2;
  }
  if (update && values.world !== undefined) {
    console.error(`--world and --update-docs: the project's pages show the default world; write a world's table with --out FILE\nusage: ${USAGE}`);
    return 2;
  }
  const worldFile = values.world as string | undefined;
  const world = worldFile !== undefined ? readWorldFile(worldFile) : undefined;
  const customers = intFlag(values.customers, "customers", 5000, ...CALIBRATION_LIMITS.customers);
  const days = intFlag(values.days, "days", 365, ...CALIBRATION_LIMITS.days);
  const seed = sizeFlag(values.seed, "seed", 1);
  const given = values.out as string | undefined;
  const out = given !== undefined ? outputFile("--out", given) : update ? DOCS("calibration.md") : null; // before the runs
  const rows = calibrate({ customers, days, seed, world });
  const md = markdown(rows, { customers, days, seed, world, worldFrom: worldFile });
  if (out !== null) writeWhole(out, md);
  if (update) embedTable(md, DOCS("world-model.md"));
  if (values.json) {
    console.log(JSON.stringify(rows.map(({ metric, channel, kind, simulated, low, high, source }) => ({ metric, channel, kind, simulated, low, high, source })), null, 2));
  } else {
    console.log(`Calibration: each channel and kind at a typical cadence, ${customers.toLocaleString("en")} customers, ${days} days, seed ${seed}`);
    console.log(`World: ${worldText(world, worldFile)}\n`);
    console.log(textTable(rows));
    if (out !== null) console.log(`\nwrote ${out}${update ? " and the table in docs/world-model.md" : ""}`);
  }
  const outside = rows.filter((r) => !inside(r));
  if (outside.length) console.error(`${outside.length} figure(s) outside their band: ${outside.map((r) => `${r.channel}/${r.kind} ${r.metric}`).join(", ")}`);
  return await Promise.resolve(outside.length ? 1 : 0);
}
