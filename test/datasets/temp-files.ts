/** Test helper: a temp folder for small history files and configs the tests write themselves. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";

export function tempDir(): { dir: string; write: (name: string, text: string | Uint8Array) => string } {
  const dir = mkdtempSync(join(tmpdir(), "cadence-history-"));
  return { dir, write: (name, text) => (writeFileSync(join(dir, name), text), join(dir, name)) };
}

/** The error message thrown by `f`, with the temp folder replaced by `<dir>`, or "no error". */
export function errorOf(f: () => unknown, dir: string): string {
  try {
    f();
  } catch (e) {
    return (e as Error).message.replaceAll(dir, "<dir>");
  }
  return "no error";
}
