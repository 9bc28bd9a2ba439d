/**
 * `cadence serve` that cannot start for a reason the user can fix answers in one line naming the flag
 * (exit 2), not with a stack trace.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../engine/cli/main.ts";
import { capture } from "../capture.ts";
import { webhookUrlProblem } from "../../engine/live/webhook.ts";

describe("cadence serve, failing to start", () => {
  const dir = mkdtempSync(join(tmpdir(), "cadence-serve-"));

  it("names a database it cannot open or that is not one", async () => {
    const missing = await capture(() => main(["serve", "--db", join(dir, "no-such-folder", "x.sqlite"), "--port", "0"]));
    expect(missing.code).toBe(2);
    expect(missing.err).toBe(`--db ${join(dir, "no-such-folder", "x.sqlite")}: cannot open or create a database there (unable to open database file: ${join(dir, "no-such-folder", "x.sqlite")}); its folder must exist and be writable`);
    const text = join(dir, "notes.sqlite");
    writeFileSync(text, "not a database, some notes\n".repeat(100));
    const notDb = await capture(() => main(["serve", "--db", text, "--port", "0"]));
    expect(notDb.code).toBe(2);
    expect(notDb.err).toMatch(/^--db .*notes\.sqlite: not a SQLite database \(file is not a database\); give a Cadence database, or the path of a new file$/);
  });

  it("names a port already in use", async () => {
    const taken = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = (taken.addr as Deno.NetAddr).port;
    try {
      const db = join(dir, "live.sqlite");
      const r = await capture(() => main(["serve", "--db", db, "--port", String(port), "--host", "127.0.0.1"]));
      expect(r.code).toBe(2);
      expect(r.err).toBe(`--port ${port}: 127.0.0.1:${port} is already in use (another server?); choose another port, or 0 for any free one`);
    } finally {
      taken.close();
    }
  });

  it("refuses a flag that would change nothing, instead of ignoring it", async () => {
    const db = join(dir, "flags.sqlite");
    expect(await capture(() => main(["serve", "--db", db, "--port", "0", "--start", "2026-01-01"]))).toMatchObject({ code: 2, err: "--start sets the first time of a manual clock: add --clock manual (the system clock reads the machine's time)" });
    expect(await capture(() => main(["serve", "--db", db, "--port", "0", "--webhook-max-attempts", "3"]))).toMatchObject({ code: 2, err: "--webhook-max-attempts: goes with --webhook-url (the webhook adapter); add --webhook-url URL, or drop it" });
    expect(await capture(() => main(["serve", "--db", db, "--port", "0", "--webhook-secret", "s3cret"]))).toMatchObject({ code: 2, err: expect.stringContaining("--webhook-secret: goes with --webhook-url") });
    expect(await capture(() => main(["serve", "--db", db, "--port", "0", "--webhook-expire-after", "6h"]))).toMatchObject({ code: 2, err: expect.stringContaining("--webhook-expire-after: goes with --webhook-url") });
  });

  it("names a webhook expiry it cannot read, and what would be valid", async () => {
    const db = join(dir, "expiry.sqlite");
    const hook = ["--webhook-url", "http://127.0.0.1:8089/in", "--webhook-secret", "s3cret"];
    expect(await capture(() => main(["serve", "--db", db, "--port", "0", ...hook, "--webhook-expire-after", "6h,cart=2 days"])))
      .toMatchObject({ code: 2, err: "--webhook-expire-after 6h,cart=2 days: expected a span such as 30m, 24h, 7d or never, got '2 days' for cart" });
  });
});

describe("cadence serve, its webhook URL", () => {
  const dir = mkdtempSync(join(tmpdir(), "cadence-serve-hook-"));

  // each was taken, and every message then failed its attempts into the dead letter
  it.each([
    ["http://", "not a URL; expected such as https://hooks.example.com/cadence"],
    ["http://exa mple.com/in", "not a URL; expected such as https://hooks.example.com/cadence"],
    ["ftp://127.0.0.1/in", "expected an http or https URL, got a ftp one"],
    ["http://user:pw@127.0.0.1:8081/in", "credentials in a URL are not sent (fetch refuses them); drop user:password@ — the receiver checks X-Cadence-Signature"],
    ["http://127.0.0.1:6000/in", "port 6000 is one fetch never connects to (the Fetch standard's bad ports: SMTP, SSH, X11…); give the receiver another port"],
  ])("refuses %s at start, saying why, exit 2", async (url, why) => {
    const r = await capture(() => main(["serve", "--db", join(dir, "hook.sqlite"), "--port", "0", "--webhook-url", url, "--webhook-secret", "s"]));
    expect(r).toMatchObject({ code: 2, err: `--webhook-url ${url}: ${why}` });
  });

  it("takes what fetch sends to, upper-case scheme included", () => {
    for (const url of ["HTTP://127.0.0.1:8081/in", "https://hooks.example.com/cadence?k=1", "http://[::1]:8081/in", "http://localhost/in"]) {
      expect(webhookUrlProblem(url)).toBe(null);
    }
  });
});

describe("cadence serve, its arguments", () => {
  const dir = mkdtempSync(join(tmpdir(), "cadence-serve-args-"));

  it("refuses a stray argument (it was ignored: `serve my.sqlite` started on cadence.sqlite) and a histories folder that is not there", async () => {
    // the --db given cannot open: without the check the command would fail there, not on the argument (and not hang listening)
    const stray = await capture(() => main(["serve", join(dir, "my.sqlite"), "--db", join(dir, "no-such-folder", "x.sqlite"), "--port", "0"]));
    expect(stray.code).toBe(2);
    expect(stray.err.split("\n")[0]).toBe(`unexpected argument '${join(dir, "my.sqlite")}': serve takes options only (the database is --db FILE)`);
    const missing = join(dir, "no-such-folder");
    const histories = await capture(() => main(["serve", "--db", join(dir, "h.sqlite"), "--port", "0", "--histories", missing]));
    expect(histories).toMatchObject({ code: 2, err: `--histories ${missing}: not a folder; give the folder holding the history configs forecasts may name` });
  });
});
