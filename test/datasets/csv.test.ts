import { describe, expect, it } from "vitest";
import { eachRecord, splitter } from "../../datasets/csv.ts";
import { tempDir } from "./temp-files.ts";

const { write } = tempDir();
const read = (text: string, delimiter: "comma" | "whitespace" | "tab" | "semicolon", chunkBytes?: number) => {
  const rows: [number, string[]][] = [];
  eachRecord(write("f.txt", text), delimiter, (f, line) => rows.push([line, f.slice()]), { chunkBytes });
  return rows;
};

describe("eachRecord", () => {
  it("gives 1-based line numbers, skipping blank lines but counting them", () => {
    expect(read("a,b\n\n1,2\r\n  \n3,4", "comma")).toEqual([[1, ["a", "b"]], [3, ["1", "2"]], [5, ["3", "4"]]]);
  });

  it("splits runs of whitespace and ignores leading spaces (the CDNOW layout)", () => {
    expect(read(" 00004 0001 19970101  2   29.33\r\n", "whitespace")).toEqual([[1, ["00004", "0001", "19970101", "2", "29.33"]]]);
  });

  it("strips a UTF-8 BOM and reads lines split across chunk boundaries", () => {
    const text = "\ufeffid;v\n" + Array.from({ length: 200 }, (_, i) => `${i};é${i}`).join("\n");
    const rows = read(text, "semicolon", 7);
    expect(rows[0]).toEqual([1, ["id", "v"]]);
    expect(rows).toHaveLength(201);
    expect(rows[200]).toEqual([201, ["199", "é199"]]);
  });

  it("understands quoted fields with doubled quotes and empty fields", () => {
    expect(splitter("comma")('"a, b",,"say ""hi""",', 1)).toEqual(["a, b", "", 'say "hi"', ""]);
    expect(splitter("tab")("x\ty", 1)).toEqual(["x", "y"]);
  });
});
