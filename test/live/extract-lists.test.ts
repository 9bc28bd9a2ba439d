/**
 * `cadence extract` on a live database: list file names that are safe and unambiguous whatever the
 * program and channel names (engine/live/list-file.ts), a write error in one line (exit 2) that records
 * nothing as sent, and --confirm writing and counting only the messages it marked sent.
 */
import { describe, expect, it } from "vitest";
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { parseDate } from "../../engine/core/time.ts";
import { extractDay } from "../../engine/live/extract.ts";
import { listFileName } from "../../engine/live/list-file.ts";
import { SqliteStore } from "../../engine/live/sqlite-store.ts";
import type { Store } from "../../engine/live/store.ts";
import { tempDb } from "./live-helpers.ts";
import { eachRecord } from "../../datasets/csv.ts";
import { readExternalContacts } from "../../engine/sim/external-contacts.ts";

const DAY0 = parseDate("2026-03-02")!;

async function cadence(...args: string[]) {
  const out = await new Deno.Command("./node_modules/.bin/deno", { args: ["run", "-A", "engine/cli/main.ts", ...args], stdout: "piped", stderr: "piped" }).output();
  return { code: out.code, stdout: new TextDecoder().decode(out.stdout), stderr: new TextDecoder().decode(out.stderr) };
}

/** A live database whose outbox holds one pending message of 2 March per [program, channel]. */
function outboxOf(pairs: [string, string][]): SqliteStore {
  const store = new SqliteStore(tempDb("extract"));
  store.migrate();
  store.tx(() =>
    pairs.forEach(([program, channel], i) =>
      store.addOutbox({
        key: `k${i}`, plan: 1, time: DAY0 + 600 + i, customer: `C${i}`, program, message: "m", channel, category: "promotional",
        state: "pending", attempts: 0, nextAttempt: 0, lastError: "",
      })
    )
  );
  return store;
}

describe("list file names", () => {
  it("keep the plain name, and tell apart pairs that used to share one", () => {
    expect(listFileName("2026-03-02", "receipt", "email")).toBe("2026-03-02_receipt_email.csv");
    expect(listFileName("2026-03-02", "win-back.v2", "sms")).toBe("2026-03-02_win-back.v2_sms.csv");
    // both were 2026-03-02_a_b_email.csv
    const ab = listFileName("2026-03-02", "a_b", "email"), a = listFileName("2026-03-02", "a", "b_email");
    expect(ab).toBe("2026-03-02_a_b_email.csv");
    expect(a).toMatch(/^2026-03-02_a_b_email\.[0-9a-f]{12}\.csv$/);
    // any name, however long or strange, stays within a file system's 255 bytes and in the folder
    for (const [p, c] of [["p".repeat(10_000), "email"], ["../../etc/passwd", "email"], ["Zoë-日本", "in_app"], [".hidden", "sms"], ["x", ""]]) {
      const name = listFileName("2026-03-02", p, c);
      expect(new TextEncoder().encode(name).length, p.slice(0, 20)).toBeLessThanOrEqual(168);
      expect(name, p.slice(0, 20)).toMatch(/^2026-03-02_[\w.-]+\.csv$/);
    }
  });

  it("through cadence extract: a long program id is written (it crashed with ENAMETOOLONG), no two pairs share a file", async () => {
    const store = outboxOf([["a_b", "email"], ["a", "b_email"], ["p".repeat(300), "email"]]);
    store.close();
    const dir = join(dirname(store.path), "lists");
    const r = await cadence("extract", "--db", store.path, "--date", "2026-03-02", "--out", dir);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("3 messages for 2026-03-02 in 3 files");
    const files = readdirSync(dir).sort();
    expect(files).toHaveLength(3);
    const programs = files.map((f) => readFileSync(join(dir, f), "utf8").split("\n")[1].split(",")[1]);
    expect(programs.sort()).toEqual(["a", "a_b", "p".repeat(300)]);
  });

  it("a file that cannot be written is one line, exit 2, and --confirm then records nothing", async () => {
    const store = outboxOf([["receipt", "email"]]);
    store.close();
    const dir = join(dirname(store.path), "lists");
    mkdirSync(join(dir, "2026-03-02_receipt_email.csv"), { recursive: true }); // a folder where the list goes
    const r = await cadence("extract", "--db", store.path, "--date", "2026-03-02", "--out", dir, "--confirm");
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain(`--out: cannot write ${join(dir, "2026-03-02_receipt_email.csv")} (`);
    expect(r.stderr).toContain("nothing was recorded as sent");
    const again = new SqliteStore(store.path);
    expect(again.query("SELECT state FROM outbox")).toEqual([{ state: "pending" }]);
    again.close();
  });
});

describe("extract --confirm", () => {
  it("writes and counts only the messages it marked sent (one cancelled after the read was listed and counted)", () => {
    const store = outboxOf([["news", "email"], ["news", "email"], ["news", "email"]]);
    // the server acts right after extract has read the pending messages: an unsubscribe cancels C1's,
    // the webhook takes C2's
    const racing = new Proxy(store, {
      get(target, k) {
        if (k === "query") {
          return (sql: string, ...args: unknown[]) => {
            const rows = target.query(sql, ...(args as never[]));
            if (/FROM outbox/.test(sql)) {
              target.db.exec("UPDATE outbox SET state = 'cancelled' WHERE customer = 'C1'");
              target.db.exec("UPDATE outbox SET state = 'sending', sending = 1 WHERE customer = 'C2'");
            }
            return rows;
          };
        }
        const v = Reflect.get(target, k);
        return typeof v === "function" ? v.bind(target) : v;
      },
    }) as Store;
    const dir = join(dirname(store.path), "lists");
    const r = extractDay(racing, "2026-03-02", DAY0, dir, true, "test", DAY0);
    expect(r.messages).toBe(1);
    expect(r.files).toEqual([{ file: join(dir, "2026-03-02_news_email.csv"), program: "news", channel: "email", messages: 1 }]);
    expect(readFileSync(join(dir, "2026-03-02_news_email.csv"), "utf8").trim().split("\n").map((l) => l.split(",")[0])).toEqual(["customer", "C0"]);
    expect(store.query("SELECT customer, state, last_error FROM outbox ORDER BY customer")).toEqual([
      { customer: "C0", state: "delivered", last_error: "extracted" },
      { customer: "C1", state: "cancelled", last_error: "" },
      { customer: "C2", state: "sending", last_error: "" },
    ]);
    expect(store.auditLog(0, 10).map((a) => [a.action, JSON.parse(a.detail)])).toEqual([["outbox.extract", { messages: 1, files: 1 }]]);
    store.close();
  });
});

describe("a list's cells in a spreadsheet", () => {
  it("holds a customer id a spreadsheet would run as text (a leading '), which a contacts file reads back as the id", () => {
    // ids as a live server takes them (any text): a link, a command, a sum, and numbers
    const ids = ['=HYPERLINK("http://x","click")', "+cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3", "-12.5", "00123"];
    const store = new SqliteStore(tempDb("extract-formula"));
    store.migrate();
    store.tx(() =>
      ids.forEach((customer, i) =>
        store.addOutbox({
          key: `k${i}`, plan: 1, time: DAY0 + 600 + i, customer, program: "news", message: "m", channel: "email", category: "promotional",
          state: "pending", attempts: 0, nextAttempt: 0, lastError: "",
        })
      )
    );
    const dir = join(dirname(store.path), "lists");
    const r = extractDay(store, "2026-03-02", DAY0, dir, false, "test", DAY0);
    store.close();
    const file = r.files[0].file;
    const cells: string[][] = [];
    eachRecord(file, "comma", (f) => void cells.push(f));
    expect(cells.slice(1).map((f) => f[0])).toEqual(['\'=HYPERLINK("http://x","click")', "'+cmd|' /C calc'!A0", "'@SUM(1+1)", "'-2+3", "-12.5", "00123"]);
    // the list's header is a contacts file's (time, customer, channel, category): a forecast counts it as sent
    expect(readExternalContacts(file).customer).toEqual(ids);
  });
});
