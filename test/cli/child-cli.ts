/**
 * The real CLI in a child process, stopped by a signal once it reaches a point: how the interrupt tests
 * (test/cli/interrupt.test.ts, test/sweep/interrupt.test.ts) meet a command as a user at a terminal does.
 */
export const cli = (args: string[]) =>
  new Deno.Command(Deno.execPath(), { args: ["run", "-A", "engine/cli/main.ts", ...args], stdout: "piped", stderr: "piped" }).spawn();
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const text = (b: Uint8Array) => new TextDecoder().decode(b);

/**
 * Waits until `ready()` holds (polling every 2 ms), `settleMs` more, then sends `signal`: the child's exit,
 * its output as text (`out`, `err`) and the seconds it took to stop.
 */
export async function stopWhen(child: Deno.ChildProcess, ready: () => boolean, signal: Deno.Signal, settleMs = 0) {
  const started = Date.now();
  while (!ready()) {
    if (Date.now() - started > 60_000) throw new Error("the command never reached the point to stop it");
    await sleep(2);
  }
  if (settleMs) await sleep(settleMs);
  const at = Date.now();
  try {
    child.kill(signal);
  } catch (e) {
    // the command ended before it could be stopped: a machine faster than the one the test was sized on
    const done = await child.output();
    throw new Error(`the command ended (exit ${done.code}) ${(at - started) / 1000} s after its start, before ${signal} could stop it: give it a longer run\n${text(done.stderr).slice(-500)}`, { cause: e });
  }
  const out = await child.output();
  return { ...out, out: text(out.stdout), err: text(out.stderr), seconds: (Date.now() - at) / 1000 };
}
