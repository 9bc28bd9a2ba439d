/**
 * What a brand's security review of the live server checks, on a real server on 127.0.0.1: no
 * credential (a webhook URL's token, an API key's secret) and no customer id in what the server shows
 * or logs; a signature a receiver verifies with the docs' own code, fresh to the second of sending.
 */
import { describe, expect, it, vi } from "vitest";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { at, promote, RECEIPT_PLAN, serversStoppedAfterEach, stoppedAfterEach, T0, type TestServer, until } from "./live-helpers.ts";

const server = serversStoppedAfterEach(T0);
const stop = stoppedAfterEach();

/** A port nobody listens on: a connection to it is refused before anything is sent. */
function closedPort(): number {
  const l = Deno.listen({ port: 0, hostname: "127.0.0.1" }), port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

describe("the webhook URL's token", () => {
  // fetch quotes the URL without its fragment: a URL with one was quoted whole
  for (const fragment of ["", "#s3cr3tfragment"]) it(`is in no error text: not in the outbox's lastError, not in /healthz (which needs no key)${fragment ? ", a fragment in the URL" : ""}`, async () => {
    const port = closedPort();
    const url = `http://127.0.0.1:${port}/services/T0/B0/s3cr3tpath?token=s3cr3tquery${fragment}`;
    const s = server({ webhook: { url, secret: "sek", baseMs: 10, capMs: 10 } });
    await promote(s, RECEIPT_PLAN);
    await s.api("POST", "/v1/events", { id: "p1", customer: "C1", type: "purchase", value: 9, time: at(1) }, { key: s.keys.ingest });
    await until(() => s.store.outbox(0, 10)[0]?.attempts === 1);
    const row = s.store.outbox(0, 10)[0];
    // fetch said "error sending request for url (http://127.0.0.1:…/services/T0/B0/s3cr3tpath?token=s3cr3tquery): …"
    expect(row.lastError).toContain(`url (http://127.0.0.1:${port}/…)`);
    expect(row.lastError).toMatch(/Connection refused/);
    const health = await fetch(`${s.url}/healthz`).then((r) => r.text());
    const outbox = JSON.stringify((await s.api("GET", "/v1/outbox?after=0&limit=10", undefined, { key: s.keys.ingest })).body);
    for (const shown of [row.lastError, health, outbox]) expect(shown).not.toMatch(/s3cr3t/);
    expect(JSON.parse(health).webhook.lastError).toContain(`http://127.0.0.1:${port}/…`);
  });
});

describe("the server's log", () => {
  it("names a failed request by its route, never by a path holding a customer's id (log injection, erasure)", async () => {
    const s = server({ writerThread: false });
    const id = "C1\ncadence serve: forged line";
    expect((await s.api("POST", "/v1/events", { id: "e1", customer: id, type: "visit", time: at(1) })).status).toBe(200);
    const logged: string[] = [];
    const spy = vi.spyOn(console, "error").mockImplementation((...a) => void logged.push(a.map(String).join(" ")));
    try {
      s.store.db.exec("PRAGMA query_only = 1"); // the database cannot be written: the erasure fails
      const erase = await s.api("DELETE", `/v1/customers/${encodeURIComponent(id)}`, undefined, { key: s.keys.operator });
      expect(erase.status).toBe(503);
    } finally {
      s.store.db.exec("PRAGMA query_only = 0");
      spy.mockRestore();
    }
    expect(logged).toEqual(["cadence serve: DELETE /v1/customers/{id} refused: the database cannot be written (attempt to write a readonly database)"]);
  });
});

const VERIFY_MARK = "<!-- security-test: test/live/security.test.ts runs this block -->";

/** docs/live.md's verification code in `language`, as a reader copies it. */
function docBlock(language: string): string {
  const re = new RegExp(`^${VERIFY_MARK}\\n\`\`\`${language}\\n([\\s\\S]*?)^\`\`\`$`, "m");
  const m = re.exec(readFileSync("docs/live.md", "utf8"));
  if (!m) throw new Error(`no ${language} block marked for this test in docs/live.md`);
  return m[1];
}

describe("verifying a webhook message as docs/live.md says", () => {
  it("takes a message from a server on a manual clock, refuses it changed, and refuses it replayed ten minutes later", async () => {
    const got: { headers: Record<string, string>; body: string }[] = [];
    const rx = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, async (req) => {
      got.push({ headers: Object.fromEntries(req.headers), body: await req.text() });
      return new Response(null, { status: 204 });
    });
    stop.push(() => rx.shutdown());
    // the engine's clock is at 2026-03-02: the signed timestamp is still the second the request left
    const s = server({ webhook: { url: `http://127.0.0.1:${(rx.addr as Deno.NetAddr).port}/in`, secret: "s3cret" } });
    await promote(s, RECEIPT_PLAN);
    await s.api("POST", "/v1/events", { id: "p1", customer: "Zoë", type: "purchase", value: 9, time: at(1) }, { key: s.keys.ingest });
    await until(() => got.length === 1);
    const [m] = got, sent = Math.floor(Date.now() / 1000);
    expect(Math.abs(Number(m.headers["x-cadence-timestamp"]) - sent)).toBeLessThanOrEqual(5);
    const changed = [
      { ...m, body: m.body.replace('"Zoë"', '"Zoe"') },
      { ...m, headers: { ...m.headers, "x-cadence-timestamp": String(Number(m.headers["x-cadence-timestamp"]) + 1) } },
    ];

    const dir = mkdtempSync(join(tmpdir(), "cadence-verify-"));
    writeFileSync(join(dir, "verify.ts"), docBlock("ts"));
    const { verifyCadence } = await import(join(dir, "verify.ts"));
    const ts = (r: { headers: Record<string, string>; body: string }) => verifyCadence(new Headers(r.headers), r.body, "s3cret");
    expect([await ts(m), await ts(changed[0]), await ts(changed[1]), await verifyCadence(new Headers(m.headers), m.body, "other")]).toEqual([true, false, false, false]);
    const later = vi.spyOn(Date, "now").mockReturnValue(Date.now() + 600_000);
    try {
      expect(await ts(m)).toBe(false);
    } finally {
      later.mockRestore();
    }

    // the Python function, given the raw bytes and the headers with their usual capitals, as Flask's are
    const harness = `${docBlock("python")}
import json, sys
real = time.time
for case in json.load(sys.stdin):
    time.time = lambda: real() + case["later"]
    headers = {k.title(): v for k, v in case["headers"].items()}
    print(verify_cadence(headers, case["body"].encode(), case["secret"]))
`;
    const cases = [{ ...m, later: 0, secret: "s3cret" }, ...changed.map((c) => ({ ...c, later: 0, secret: "s3cret" })), { ...m, later: 0, secret: "other" }, { ...m, later: 600, secret: "s3cret" }];
    const py = new Deno.Command("python3", { args: ["-c", harness], stdin: "piped", stdout: "piped", stderr: "piped" }).spawn();
    const w = py.stdin.getWriter();
    await w.write(new TextEncoder().encode(JSON.stringify(cases)));
    await w.close();
    const out = await py.output();
    expect(new TextDecoder().decode(out.stderr)).toBe("");
    expect(new TextDecoder().decode(out.stdout).trim().split("\n")).toEqual(["True", "False", "False", "False", "False"]);
  });
});

describe("API keys", () => {
  it("are answered with Cache-Control: no-store when made, and a refused one is logged by its public id, once, never its secret", async () => {
    const s = server();
    const res = await fetch(`${s.url}/v1/keys`, { method: "POST", headers: { authorization: `Bearer ${s.keys.admin}`, "content-type": "application/json" }, body: JSON.stringify({ role: "ingest", name: "shop backend" }) });
    const made = await res.json();
    expect([res.status, res.headers.get("cache-control")]).toEqual([201, "no-store"]);
    expect((await s.api("DELETE", `/v1/keys/${made.id}`)).status).toBe(200);
    const secret = made.key.slice(`cad_${made.id}_`.length);
    const logged: string[] = [];
    const spy = vi.spyOn(console, "error").mockImplementation((...a) => void logged.push(a.map(String).join(" ")));
    try {
      for (let i = 0; i < 3; i++) expect((await s.api("POST", "/v1/events", { id: `e${i}`, customer: "C1", type: "visit" }, { key: made.key })).status).toBe(401);
      expect((await s.api("GET", "/v1/outbox?after=0", undefined, { key: `cad_0123456789ab_${"A".repeat(32)}` })).status).toBe(401);
    } finally {
      spy.mockRestore();
    }
    // the first at once; the three after it are counted, for one line a minute later
    expect(logged).toEqual([
      `cadence serve: refused POST /v1/events with revoked key ${made.id} (ingest, "shop backend"); further refusals of unknown or revoked keys are counted and logged once a minute`,
    ]);
    expect(logged.join("\n")).not.toContain(secret);
  });
});

/**
 * A request written on a raw connection to `s`: its head (with `header`: Content-Length or
 * Transfer-Encoding), then `body` `step` bytes at a time; then the connection is closed, or with
 * `halfClose` only its writing side, and the answer read. Returns the answer's text ("" when closed).
 */
async function cutUpload(s: TestServer, header: string, body: string, o: { step?: number; halfClose?: boolean } = {}): Promise<string> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: s.port }), encode = (t: string) => new TextEncoder().encode(t);
  await conn.write(encode(`POST /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${s.keys.ingest}\r\nContent-Type: application/json\r\n${header}\r\n\r\n`));
  const step = o.step ?? body.length;
  for (let i = 0; i < body.length; i += step) {
    await conn.write(encode(body.slice(i, i + step)));
    if (step < body.length) await new Promise((r) => setTimeout(r, 1));
  }
  let answer = "";
  if (o.halfClose) {
    await conn.closeWrite();
    const decoder = new TextDecoder(), buf = new Uint8Array(4096);
    for (let n = await conn.read(buf); n !== null; n = await conn.read(buf)) answer += decoder.decode(buf.subarray(0, n), { stream: true });
  }
  conn.close();
  return answer;
}

describe("a client that leaves in the middle of its upload", () => {
  const batch = JSON.stringify({ events: [{ id: "e1", customer: "C1", type: "visit", time: at(1) }, { id: "e2", customer: "C2", type: "visit", time: at(1) }] });
  const stored = (s: TestServer) => s.store.query<{ n: number }>("SELECT count(*) AS n FROM events")[0].n + s.store.customerCount();

  for (const [how, header, body, length] of [
    // a whole batch sent a byte at a time, one byte short of its Content-Length: half received is not received
    ["its Content-Length one byte short, sent a byte at a time", `Content-Length: ${batch.length + 1}`, batch, ` (Content-Length ${batch.length + 1})`],
    // a whole batch in one chunk, without the last chunk that ends the body
    ["chunked, without its last chunk", "Transfer-Encoding: chunked", `${batch.length.toString(16)}\r\n${batch}\r\n`, ""],
  ]) {
    it(`is logged in one short line, not as a 500 with a stack trace, and nothing of its body is stored: ${how}`, async () => {
      const s = server();
      const logged: string[] = [];
      const spy = vi.spyOn(console, "error").mockImplementation((...a) => void logged.push(a.map((x) => (x instanceof Error ? x.stack : String(x))).join(" ")));
      try {
        await cutUpload(s, header, body, { step: 1 });
        await until(() => logged.length > 0);
        // the server goes on: the same batch, whole, is taken
        expect((await s.api("POST", "/v1/events", JSON.parse(batch), { key: s.keys.ingest })).status).toBe(200);
      } finally {
        spy.mockRestore();
      }
      expect(logged).toEqual([`cadence serve: POST /v1/events: the client's connection ended before the whole body${length} arrived; nothing of it was stored`]);
      expect(stored(s)).toBe(4); // the two events and their two customers, from the whole request only
    });
  }

  it("is answered 400, saying the body was cut short and nothing was stored, when it still reads", async () => {
    const s = server();
    const spy = vi.spyOn(console, "error").mockImplementation(() => {});
    let answer: string;
    try {
      answer = await cutUpload(s, `Content-Length: ${batch.length + 10}`, batch, { halfClose: true });
    } finally {
      spy.mockRestore();
    }
    expect(answer.split("\r\n")[0]).toBe("HTTP/1.1 400 Bad Request");
    const message = `the connection ended before the whole body (Content-Length ${batch.length + 10}) arrived; nothing of this request was stored: send it again whole`;
    expect(JSON.parse(answer.slice(answer.indexOf("\r\n\r\n") + 4))).toEqual({ error: `body: ${message}`, problems: [{ path: "body", message }] });
    expect(stored(s)).toBe(0);
  });
});
