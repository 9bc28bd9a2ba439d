/**
 * The Deno kernel registered for Jupyter with this checkout's deno binary (the kernelspec records its path).
 * Every test that executes cells calls it: on a fresh machine no kernel is registered, and one registered by
 * another checkout may point at a binary that is gone, so a test file run before the one that used to
 * register it failed ("No such file or directory: …/node_modules/.bin/deno").
 */
import { execFileSync } from "node:child_process";
import { join } from "node:path";

let registered = false;

export function registerDenoKernel(root: string): void {
  if (registered) return;
  execFileSync(join(root, "node_modules/.bin/deno"), ["jupyter", "--install", "--force"], { cwd: root, stdio: "pipe" });
  registered = true;
}
