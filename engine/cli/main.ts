/**
 * The `cadence` command line: `npx deno task cadence <command> ...`.
 * Input errors (bad flags, plan files, CSVs) exit 2 with a message saying where and what would be valid.
 */
import { InputError } from "../plan/errors.ts";
import { HelpRequested } from "./args.ts";

type Command = (args: string[]) => Promise<number>;

const COMMANDS: Record<string, { about: string; load: () => Promise<Command> }> = {
  simulate: { about: "run a plan against its no-plan baseline and print the forecast", load: async () => (await import("./simulate.ts")).simulateCommand },
  demo: { about: "simulate the example plans on 100,000 customers over a year", load: async () => (await import("./demo.ts")).demoCommand },
  compare: { about: "compare plans and the no-plan baseline over replications, with 95 % intervals and an HTML report", load: async () => (await import("./compare.ts")).compareCommand },
  sweep: { about: "run a grid of plan variants (--set path=v1,v2) and chart margin against unsubscribes", load: async () => (await import("./sweep.ts")).sweepCommand },
  explain: { about: "one customer's timeline under a plan: events, decisions, and the rule and figures behind each suppression", load: async () => (await import("./explain.ts")).explainCommand },
  fit: { about: "fit purchase (BG/NBD) and order-value (gamma-gamma) models on a history", load: async () => (await import("./fit.ts")).fitCommand },
  backtest: { about: "replay a recorded history through a plan: what it would have sent, and the pressure", load: async () => (await import("./backtest.ts")).backtestCommand },
  calibration: { about: "simulate each channel and program kind at a weekly cadence beside published benchmarks", load: async () => (await import("./calibration.ts")).calibrationCommand },
  contributions: { about: "what each program adds (plan with and without it) and which library programs would add most", load: async () => (await import("./contributions.ts")).contributionsCommand },
  serve: { about: "run the live server: Hono API, SQLite store, timers, outbox (docs/live.md)", load: async () => (await import("./serve.ts")).serveCommand },
  keys: { about: "create or list the live server's API keys", load: async () => (await import("./keys.ts")).keysCommand },
  extract: { about: "write a day's target lists (one CSV per program and channel) from a live server's database", load: async () => (await import("./extract.ts")).extractCommand },
  "live-report": { about: "write the forecast-vs-actual page of a live plan from its database", load: async () => (await import("./live-report.ts")).liveReportCommand },
  "live-demo": { about: "forecast, approve and promote a plan on a local server, replay a simulated reality, print forecast vs actual", load: async () => (await import("./live-demo.ts")).liveDemoCommand },
};

/** Every registered command, for `help` and for the test that checks each one answers --help. */
export const COMMAND_NAMES: readonly string[] = Object.keys(COMMANDS);

const HELP = `cadence — campaign simulation and planning workbench

usage: npx deno task cadence <command> [options]

commands:
${Object.entries(COMMANDS).map(([k, v]) => `  ${k.padEnd(10)} ${v.about}`).join("\n")}

Run a command with --help for its options. Documentation: README.md and docs/.`;

export async function main(args: string[]): Promise<number> {
  const [name, ...rest] = args;
  // `help <command>` is that command's --help; `help nosuch` is refused as `nosuch` would be
  if (name === "help" && rest.length) return rest.length === 1 ? await main([rest[0], "--help"]) : usageError(`help takes one command, got '${rest.join(" ")}'`);
  if (!name || name === "help" || name === "--help" || name === "-h") {
    console.log(HELP);
    return name ? 0 : 2;
  }
  const cmd = COMMANDS[name];
  if (!cmd) return usageError(`unknown command '${name}'`);
  try {
    return await (await cmd.load())(rest);
  } catch (e) {
    if (e instanceof HelpRequested) {
      // Any command's --help or -h, raised by parse() in args.ts: its usage on stdout, exit 0.
      console.log(`usage: ${e.usage}`);
      return 0;
    }
    if (e instanceof InputError) {
      console.error(e.message);
      return 2;
    }
    console.error(`cadence ${name} failed: ${(e as Error).stack ?? e}`);
    return 1;
  }
}

function usageError(what: string): number {
  console.error(`${what}; valid commands: ${COMMAND_NAMES.join(", ")}`);
  return 2;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
