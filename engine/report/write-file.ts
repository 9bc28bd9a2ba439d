/**
 * Output files written whole or not at all. Each file is written to `NAME.partial` beside it and renamed
 * into place once complete (a rename within a folder is atomic), so a run stopped by Ctrl-C, SIGTERM or a
 * full disk never leaves a report or CSV cut in the middle under its own name: what is left is the files
 * already complete and at most one `*.partial`, which the next run overwrites. A write that fails is an
 * InputError naming the file and why (exit 2), not a stack trace.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { InputError } from "../plan/errors.ts";

/** The suffix of a file being written; never a complete file. */
export const PARTIAL = ".partial";

/** Why a path cannot be written, from a node:fs error code. */
export function writeProblem(e: unknown): string {
  const code = (e as { code?: string }).code;
  return code === "EEXIST" || code === "ENOTDIR"
    ? "a file is in the way"
    : code === "EACCES" || code === "EPERM" || code === "EROFS"
    ? "not allowed to write there"
    : code === "ENOSPC" || code === "EDQUOT"
    ? "no space left on the disk"
    : code === "ENOENT"
    ? "its folder is gone"
    : (e as Error).message.split("\n")[0];
}

/**
 * Writes `path` whole: `write(partial)` writes the file's content to the partial name (a streamed CSV),
 * or `data` is written there; then renamed into place. On failure the partial file is removed.
 * @example writeWhole("out/report.html", html)
 */
export function writeWhole(path: string, data: string | Uint8Array | ((partial: string) => void)): string {
  const partial = path + PARTIAL;
  try {
    if (typeof data === "function") data(partial);
    else writeFileSync(partial, data);
    renameSync(partial, path);
  } catch (e) {
    if (e instanceof InputError) throw e;
    rmSync(partial, { force: true });
    throw new InputError(`cannot write ${path} (${writeProblem(e)})`);
  }
  return path;
}

/** Makes the folder files are written into (it may have gone since the run started), or an InputError naming it. */
export function writableFolder(dir: string): string {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new InputError(`cannot write into ${dir} (${writeProblem(e)})`);
  }
  return dir;
}
