import { describe, expect, it } from "vitest";
import { table, toArrowIPC } from "arquero";
import { importHistory } from "../../datasets/import.ts";
import { parseDate } from "../../engine/core/time.ts";
import { errorOf, tempDir } from "./temp-files.ts";

describe("Arrow IPC transactions", () => {
  const { dir, write } = tempDir();
  write("tx.arrow", toArrowIPC(table({
    cust: ["a", "b", "a"],
    day: [new Date("2024-01-01T00:00:00Z"), new Date("2024-02-01T00:00:00Z"), new Date("2024-03-05T00:00:00Z")],
    usd: [10, 20.5, 30],
  })));
  const config = (columns: string) =>
    write("h.yaml", `calibrationEnd: 2024-06-30\ntransactions:\n  file: tx.arrow\n  columns: ${columns}\n`);

  it("reads Date columns and numbers by column name", () => {
    const h = importHistory(config("{customer: cust, date: day, amount: usd}"));
    expect(h.config.transactions.format).toBe("arrow");
    expect(h.ids).toEqual(["a", "b"]);
    expect(Array.from(h.transactions.time)).toEqual(["2024-01-01", "2024-02-01", "2024-03-05"].map((d) => parseDate(d)));
    expect(Array.from(h.transactions.amount)).toEqual([10, 20.5, 30]);
  });

  it("names a missing column with the file's columns", () => {
    expect(errorOf(() => importHistory(config("{customer: custs, date: day, amount: usd}")), dir)).toBe(
      `<dir>/tx.arrow: customer (column "custs"): no such column (did you mean "cust"?); the file has "cust", "day", "usd"`,
    );
  });
});
