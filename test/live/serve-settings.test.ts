/**
 * `cadence serve` refuses a setting that would change nothing whether a flag or its environment
 * variable gives it: CADENCE_WEBHOOK_MAX_ATTEMPTS or CADENCE_WEBHOOK_SECRET without a webhook URL, and
 * CADENCE_START without a manual clock, were ignored (the flags were refused) and the server started.
 */
import { describe, expect, it } from "vitest";
import { tempDb } from "./live-helpers.ts";

/** `cadence serve` as a child with these variables: its exit code and stderr, or "started" once it listens (then stopped). */
async function serveWith(env: Record<string, string>, args: string[] = []): Promise<{ code: number | "started"; err: string }> {
  const p = new Deno.Command("./node_modules/.bin/deno", {
    args: ["run", "-A", "engine/cli/main.ts", "serve", "--db", tempDb("settings"), "--port", "0", ...args], env, stdout: "piped", stderr: "piped",
  }).spawn();
  const err = new Response(p.stderr).text();
  let out = "";
  for await (const chunk of p.stdout.pipeThrough(new TextDecoderStream())) {
    out += chunk;
    if (/listening on/.test(out)) {
      p.kill("SIGTERM");
      await p.status;
      return { code: "started", err: await err };
    }
  }
  return { code: (await p.status).code, err: (await err).trim() };
}

describe("cadence serve, settings from the environment", () => {
  it("refuses a webhook setting without a webhook URL, and a start without a manual clock, naming the variable", async () => {
    const [attempts, secret, start, flag] = await Promise.all([
      serveWith({ CADENCE_WEBHOOK_MAX_ATTEMPTS: "3" }),
      serveWith({ CADENCE_WEBHOOK_SECRET: "s3cret" }),
      serveWith({ CADENCE_START: "2026-01-01" }),
      // a flag with its variable: the flag's message, as before
      serveWith({ CADENCE_WEBHOOK_MAX_ATTEMPTS: "3" }, ["--webhook-max-attempts", "4"]),
    ]);
    expect(attempts).toEqual({ code: 2, err: "CADENCE_WEBHOOK_MAX_ATTEMPTS: goes with a webhook URL (the webhook adapter); set CADENCE_WEBHOOK_URL (or --webhook-url URL), or unset CADENCE_WEBHOOK_MAX_ATTEMPTS" });
    expect(secret).toEqual({ code: 2, err: "CADENCE_WEBHOOK_SECRET: goes with a webhook URL (the webhook adapter); set CADENCE_WEBHOOK_URL (or --webhook-url URL), or unset CADENCE_WEBHOOK_SECRET" });
    expect(start).toEqual({ code: 2, err: "CADENCE_START sets the first time of a manual clock: add --clock manual (or CADENCE_CLOCK=manual), or unset CADENCE_START (the system clock reads the machine's time)" });
    expect(flag).toEqual({ code: 2, err: "--webhook-max-attempts: goes with --webhook-url (the webhook adapter); add --webhook-url URL, or drop it" });
  });

  it("takes them with what they need", async () => {
    const [hook, clock] = await Promise.all([
      serveWith({ CADENCE_WEBHOOK_URL: "http://127.0.0.1:8089/in", CADENCE_WEBHOOK_SECRET: "s3cret", CADENCE_WEBHOOK_MAX_ATTEMPTS: "3" }),
      serveWith({ CADENCE_START: "2026-01-01", CADENCE_CLOCK: "manual" }),
    ]);
    expect(hook.code).toBe("started");
    expect(clock.code).toBe("started");
  });
});
