/**
 * What a test that runs notebooks needs, set up by the test itself: Jupyter's nbconvert (installed with apt
 * when run as root, as on CI), and the Deno kernel registered for Jupyter with this checkout's deno binary (the kernelspec records its path).
 * Every test that executes cells calls it: on a fresh machine no kernel is registered, and one registered by
 * another checkout may point at a binary that is gone, so a test file run before the one that used to
 * register it failed ("No such file or directory: …/node_modules/.bin/deno").
 */
import { execFileSync, spawnSync, type SpawnSyncReturns } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";

const INSTALL = "apt-get install -y jupyter-nbconvert python3-nbclient python3-ipykernel";

/** True when the shell finds `cmd`. */
export const has = (cmd: string): boolean => spawnSync("sh", ["-c", `command -v ${cmd}`]).status === 0;

/**
 * Jupyter's nbconvert, installed with apt when we are root on a machine that has it (as on CI). Every test
 * that converts or executes a notebook calls it: a test that only checked for it failed on a fresh machine
 * when it ran before the one that installed it ("nbconvert is missing").
 */
export function ensureJupyter(): void {
  if (has("jupyter-nbconvert")) return;
  const root = typeof process.getuid === "function" && process.getuid() === 0;
  if (root && has("apt-get")) {
    execFileSync("sh", ["-c", `apt-get update -qq && DEBIAN_FRONTEND=noninteractive ${INSTALL} -qq`], { stdio: "inherit" });
    if (has("jupyter-nbconvert")) return;
  }
  throw new Error(`Jupyter's nbconvert is missing; install it with: sudo ${INSTALL}`);
}

let registered = false;

export function registerDenoKernel(root: string): void {
  if (registered) return;
  execFileSync(join(root, "node_modules/.bin/deno"), ["jupyter", "--install", "--force"], { cwd: root, stdio: "pipe" });
  registered = true;
}

let python: string | undefined;

/** The Python that runs Jupyter's nbconvert (its script's `#!` line): it has nbclient, which notebooks/run.py needs. */
function jupyterPython(): string {
  if (python) return python;
  const script = spawnSync("sh", ["-c", "command -v jupyter-nbconvert"], { encoding: "utf8" }).stdout.trim();
  const shebang = script ? /^#!\s*(\S+)/.exec(readFileSync(script, "utf8").split("\n", 1)[0])?.[1] : undefined;
  return python = shebang && !shebang.endsWith("/env") ? shebang : "python3";
}

/**
 * Executes a notebook with notebooks/run.py, nbconvert's execution keeping the outputs the Deno kernel sends
 * just after a cell's "idle" (nbconvert drops them: CI failed on notebook 02's timing line, empty three runs
 * in a row). Writes the executed notebook to `output`; the caller checks the exit status.
 */
export function runNotebook(
  root: string, input: string, output: string,
  o: { allowErrors?: boolean; timeout?: number; kernel?: string; env?: Record<string, string> } = {},
): SpawnSyncReturns<string> {
  const args = [join(root, "notebooks", "run.py"), input, output, "--timeout", String(o.timeout ?? 600)];
  if (o.allowErrors) args.push("--allow-errors");
  if (o.kernel) args.push("--kernel", o.kernel);
  return spawnSync(jupyterPython(), args, { cwd: root, encoding: "utf8", env: { ...process.env, ...o.env } });
}

/** A notebook for the Deno kernel with these code cells (a source each; outputs if a test gives them), as nbformat 4. */
export function denoNotebook(cells: { source: string | string[]; outputs?: unknown[]; execution_count?: number }[]) {
  return {
    nbformat: 4, nbformat_minor: 5, metadata: { kernelspec: { name: "deno", display_name: "Deno", language: "typescript" } },
    cells: cells.map((c, i) => ({ cell_type: "code", id: `c${i}`, metadata: {}, execution_count: null, outputs: [], ...c })),
  };
}

/** What an executed cell printed: the text of its stream outputs. */
export const printedBy = (c: { outputs?: { output_type: string; text?: string | string[] }[] }): string =>
  (c.outputs ?? []).filter((o) => o.output_type === "stream").map((o) => [o.text ?? ""].flat().join("")).join("");
