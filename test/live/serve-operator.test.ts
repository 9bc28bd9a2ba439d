/**
 * What an operator reads of `cadence serve` and `cadence live-report`: `serve --help` names every
 * environment variable docs/live.md names (it named none); the lines at start say which plan runs and
 * where messages go (a server without a webhook URL said nothing of it: messages only waited in the
 * outbox); a Ctrl-C is logged as SIGINT, once (it was logged as SIGTERM); live-report on a database
 * with no promoted plan names the database, not a --plan nobody typed.
 */
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { spawnServe, tempDb } from "./live-helpers.ts";

async function cadence(args: string[], env: Record<string, string> = {}) {
  const out = await new Deno.Command("./node_modules/.bin/deno", { args: ["run", "-A", "engine/cli/main.ts", ...args], env, stdout: "piped", stderr: "piped" }).output();
  return { code: out.code, stdout: new TextDecoder().decode(out.stdout), stderr: new TextDecoder().decode(out.stderr).trim() };
}

/** `cadence serve` until it has said both start lines, then `signal`: everything it printed, and its exit code. */
async function serveThenSignal(args: string[], signal: Deno.Signal): Promise<{ code: number; out: string }> {
  const p = new Deno.Command("./node_modules/.bin/deno", { args: ["run", "-A", "engine/cli/main.ts", "serve", "--port", "0", ...args], stdout: "piped", stderr: "null" }).spawn();
  let out = "", sent = false;
  // a server that never says its second line is stopped anyway, so the test fails at once rather than hangs
  const late = setTimeout(() => sent || (sent = true, p.kill(signal)), 15_000);
  for await (const chunk of p.stdout.pipeThrough(new TextDecoderStream())) {
    out += chunk;
    if (!sent && out.split("\n").length > 2) {
      sent = true;
      p.kill(signal);
    }
  }
  clearTimeout(late);
  return { code: (await p.status).code, out };
}

describe("cadence serve, as an operator reads it", () => {
  it("lists in --help every environment variable docs/live.md names, with its flag", async () => {
    const help = await cadence(["serve", "--help"]);
    expect(help.code).toBe(0);
    const named = [...new Set(readFileSync("docs/live.md", "utf8").match(/CADENCE_[A-Z_]+/g))].sort();
    expect(named.length).toBe(17);
    for (const v of named) expect(help.stdout, v).toMatch(new RegExp(`--[a-z-]+ +${v}\\b`));
    expect(help.stdout).toMatch(/--webhook-max-attempts +CADENCE_WEBHOOK_MAX_ATTEMPTS +default none: retried until the message expires\n/);
    expect(help.stdout).toMatch(/--webhook-expire-after +CADENCE_WEBHOOK_EXPIRE_AFTER +default 24h\n/);
  });

  it("says at start which plan runs and where messages go, and names the signal that stops it, once", async () => {
    const [bare, hooked] = await Promise.all([
      serveThenSignal(["--db", tempDb("operator")], "SIGINT"),
      serveThenSignal(["--db", tempDb("operator"), "--webhook-url", "http://127.0.0.1:8089/services/T0/B0/XXXX?token=abc", "--webhook-secret", "s"], "SIGTERM"),
    ]);
    const lines = (out: string) => out.trim().split("\n").slice(1);
    expect(bare.code).toBe(0);
    expect(lines(bare.out)).toEqual([
      "cadence serve: no plan live: upload one (POST /v1/plans), forecast, approve and promote it; no webhook: messages wait in GET /v1/outbox (--webhook-url URL sends them)",
      "cadence serve: stopping (SIGINT): finishing requests in flight",
      "cadence serve: stopped",
    ]);
    // the webhook's path (Slack's) and query string may hold the receiver's token: only its origin is logged
    expect(lines(hooked.out)[0]).toBe("cadence serve: no plan live: upload one (POST /v1/plans), forecast, approve and promote it; webhook http://127.0.0.1:8089/…");
    expect(lines(hooked.out)[1]).toBe("cadence serve: stopping (SIGTERM): finishing requests in flight");
  });
});

describe("cadence serve, stopped while it answers", () => {
  it("answers a request in flight at SIGTERM, and refuses new connections meanwhile (a probe sees it not ready)", async () => {
    const db = tempDb("operator");
    const key = (await cadence(["keys", "create", "--role", "admin", "--db", db])).stdout.trim();
    const { p, url } = await spawnServe(["--db", db, "--port", "0"]);
    const auth = { authorization: `Bearer ${key}` };
    const up = await fetch(`${url}/v1/plans`, { method: "POST", headers: { ...auth, "content-type": "application/yaml" }, body: readFileSync("scenarios/lifecycle.yaml") });
    expect(up.status).toBe(201);
    await up.body?.cancel();
    // a forecast of 2,000 customers × 30 days runs for a second or more: the signal arrives while it runs
    const forecast = fetch(`${url}/v1/plans/1/forecast`, { method: "POST", headers: { ...auth, "content-type": "application/json" }, body: '{"customers": 2000, "days": 30, "replications": 2}' });
    await new Promise((r) => setTimeout(r, 400));
    p.kill("SIGTERM");
    await new Promise((r) => setTimeout(r, 200));
    const probe = await fetch(`${url}/readyz`).then((r) => r.status, (e) => (e as Error).name);
    const answer = await forecast.then(async (r) => [r.status, (await r.json()).state], (e) => [(e as Error).message]);
    expect({ answer, probe, code: (await p.status).code }).toEqual({ answer: [200, "simulated"], probe: "TypeError", code: 0 });
  });
});

describe("cadence live-report before any promotion", () => {
  it("names the database and the next step, not a --plan that was not given", async () => {
    const db = tempDb("operator");
    expect((await cadence(["keys", "create", "--role", "admin", "--db", db])).code).toBe(0);
    expect(await cadence(["live-report", "--db", db])).toMatchObject({
      code: 2,
      stderr: `--db ${db}: no plan of this database was ever promoted, so nothing happened live yet; promote one (POST /v1/plans/{id}/promote), then run live-report again`,
    });
    expect(await cadence(["live-report"], { CADENCE_DB: db })).toMatchObject({ code: 2, stderr: expect.stringMatching(/^CADENCE_DB=.*: no plan of this database was ever promoted/) });
  });
});
