/**
 * A fast streaming reader for delimited text (comma, tab, semicolon or runs of whitespace) that
 * hands each record to a callback with its 1-based line number, so importers can name the line of a
 * bad value. Reads in 1 MiB chunks: memory stays flat whatever the file size.
 * Quoted fields ("a, b", "say ""hi""") are understood for the character delimiters; a quoted field
 * cannot span lines (transaction files have none, and it keeps one record = one line).
 * Gzip-compressed files (`.gz`, or the gzip magic bytes) are read directly: decompressed in memory with
 * node:zlib in one go (a synchronous streaming inflate is not available; ~100 MB for a million lines).
 */
import { closeSync, openSync, readFileSync, readSync } from "node:fs";
import { gunzipSync } from "node:zlib";

export const DELIMITERS = ["comma", "whitespace", "tab", "semicolon"] as const;
export type Delimiter = typeof DELIMITERS[number];

const CHAR: Record<Exclude<Delimiter, "whitespace">, string> = { comma: ",", tab: "\t", semicolon: ";" };

/** Thrown for a malformed line; the importer turns it into an InputError with the file name. */
export class LineError extends Error {
  constructor(readonly line: number, message: string) {
    super(message);
  }
}

export interface RecordOptions {
  /** bytes per read (default 1 MiB) */
  chunkBytes?: number;
  /** called for a malformed line (e.g. an unterminated quote), which is then skipped; default: throw */
  onBadLine?: (error: LineError) => void;
}

/**
 * Calls `onRecord(fields, line, text)` for every non-blank line of the file, in order (`text`: the line
 * without its end). CRLF and a UTF-8 BOM are handled; text that is not UTF-8 (a Latin-1 export, UTF-16)
 * throws a LineError naming the line of the first bad byte, rather than reading `é` as U+FFFD (two ids
 * that differ only by an accent would merge). Returns the number of lines read.
 * @example eachRecord("tx.csv", "comma", (f, line) => console.log(line, f[0]))
 */
export function eachRecord(
  path: string,
  delimiter: Delimiter,
  onRecord: (fields: string[], line: number, text: string) => void,
  { chunkBytes = 1 << 20, onBadLine }: RecordOptions = {},
): number {
  const split = splitter(delimiter);
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let rest = "", line = 0, first = true;
  const emit = (text: string) => {
    line++;
    if (first) {
      first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    const end = text.length > 0 && text.charCodeAt(text.length - 1) === 13 ? text.length - 1 : text.length;
    const body = end === text.length ? text : text.slice(0, end);
    if (isBlank(body)) return;
    let fields: string[];
    try {
      // lines that end with CR alone (a classic Mac or some spreadsheet exports) read as one first line
      // holding the whole file: the header named columns such as "dollar_value00001" and the message
      // said the mapped one was missing
      if (line === 1 && body.indexOf("\r") !== -1) throw new LineError(1, "the lines end with a carriage return (CR) alone, so the whole file reads as one line: lines must end with LF or CRLF; convert it, e.g. tr '\\r' '\\n' < in.csv > out.csv");
      fields = split(body, line);
    } catch (e) {
      if (!(e instanceof LineError) || !onBadLine) throw e;
      return onBadLine(e);
    }
    onRecord(fields, line, body);
  };
  let head = true;
  const decode = (bytes?: Uint8Array) => {
    if (head && bytes) {
      head = false;
      const utf16 = bytes[0] === 0xff && bytes[1] === 0xfe ? "FF FE" : bytes[0] === 0xfe && bytes[1] === 0xff ? "FE FF" : null;
      if (utf16) throw new LineError(1, `the file is UTF-16 (byte-order mark ${utf16}), not UTF-8: save or export it as UTF-8`);
      // UTF-16 without a byte-order mark: every other byte of plain text is 0
      if (bytes.subarray(0, 4096).indexOf(0) !== -1) throw new LineError(notUtf8Line(bytes, bytes.indexOf(0)), "a NUL byte: the file is not UTF-8 text (UTF-16 without a byte-order mark, or not a text file?): save or export it as UTF-8");
    }
    try {
      return bytes ? decoder.decode(bytes, { stream: true }) : decoder.decode();
    } catch {
      // the rare path: read the whole text again to find the line of the first bad byte
      const all = isGzip(path) ? gunzipSync(readFileSync(path)) : readFileSync(path);
      const bad = firstInvalidUtf8At(all);
      throw new LineError(bad.line, `not UTF-8 text: byte 0x${bad.byte} at byte ${bad.column} of the line is not valid UTF-8 (a Latin-1 or Windows-1252 export?): save or export the file as UTF-8, e.g. iconv -f latin1 -t utf-8`);
    }
  };
  const feed = (bytes: Uint8Array) => {
    const text = rest + decode(bytes);
    let start = 0;
    for (let nl = text.indexOf("\n", start); nl !== -1; nl = text.indexOf("\n", start)) {
      emit(text.slice(start, nl));
      start = nl + 1;
    }
    rest = text.slice(start);
  };
  if (isGzip(path)) {
    const data = gunzipSync(readFileSync(path));
    for (let at = 0; at < data.length; at += chunkBytes) feed(data.subarray(at, Math.min(data.length, at + chunkBytes)));
  } else {
    const fd = openSync(path, "r");
    const buf = new Uint8Array(chunkBytes);
    try {
      for (;;) {
        const n = readSync(fd, buf, 0, chunkBytes, null);
        if (n === 0) break;
        feed(buf.subarray(0, n));
      }
    } finally {
      closeSync(fd);
    }
  }
  rest += decode();
  if (rest.length > 0) emit(rest);
  return line;
}

/** The 1-based line of byte `at`. */
function notUtf8Line(bytes: Uint8Array, at: number): number {
  let line = 1;
  for (let i = 0; i < at; i++) if (bytes[i] === 10) line++;
  return line;
}

/**
 * Where the first byte that is not UTF-8 stands, for a message: its line (1-based), its byte within
 * that line (1-based) and its value in hex. Shared by the history import and the live API's bodies.
 */
export function firstInvalidUtf8At(bytes: Uint8Array): { line: number; column: number; byte: string } {
  const at = firstInvalidUtf8(bytes);
  return { line: notUtf8Line(bytes, at), column: at - (at > 0 ? bytes.lastIndexOf(10, at - 1) : -1), byte: bytes[at].toString(16).toUpperCase().padStart(2, "0") };
}

/** The offset of the first byte that does not belong to a well-formed UTF-8 sequence (bytes.length if none). */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length;) {
    const b = bytes[i];
    const n = b < 0x80 ? 0 : b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    if (n < 0) return i;
    // the second byte's range excludes overlong forms, surrogates and code points above U+10FFFF
    const lo = b === 0xe0 ? 0xa0 : b === 0xf0 ? 0x90 : 0x80, hi = b === 0xed ? 0x9f : b === 0xf4 ? 0x8f : 0xbf;
    for (let k = 1; k <= n; k++) {
      const c = bytes[i + k];
      if (c === undefined || c < (k === 1 ? lo : 0x80) || c > (k === 1 ? hi : 0xbf)) return i;
    }
    i += n + 1;
  }
  return bytes.length;
}

/** A gzip file: by name, or by its magic bytes 1f 8b whatever the name. */
export function isGzip(path: string): boolean {
  if (/\.gz$/i.test(path)) return true;
  const fd = openSync(path, "r");
  try {
    const head = new Uint8Array(2);
    return readSync(fd, head, 0, 2, 0) === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    closeSync(fd);
  }
}

function isBlank(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== 32 && c !== 9) return false;
  }
  return true;
}

/** The field splitter for a delimiter (exported for the tests and for in-memory text). */
export function splitter(delimiter: Delimiter): (text: string, line: number) => string[] {
  if (delimiter === "whitespace") return splitWhitespace;
  const ch = CHAR[delimiter];
  if (!ch) throw new Error(`unknown delimiter: ${delimiter}`);
  return (text, line) => (text.indexOf('"') === -1 ? text.split(ch) : splitQuoted(text, ch, line));
}

function splitWhitespace(text: string): string[] {
  const out: string[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    while (i < n && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i++;
    if (i >= n) break;
    const start = i;
    while (i < n && text.charCodeAt(i) !== 32 && text.charCodeAt(i) !== 9) i++;
    out.push(text.slice(start, i));
  }
  return out;
}

function splitQuoted(text: string, ch: string, line: number): string[] {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    if (text[i] === '"') {
      let value = "";
      i++;
      for (;;) {
        const q = text.indexOf('"', i);
        if (q === -1) throw new LineError(line, "unterminated quoted field (a quoted field must close on its own line)");
        value += text.slice(i, q);
        if (text[q + 1] === '"') value += '"', i = q + 2;
        else {
          i = q + 1;
          break;
        }
      }
      out.push(value);
      if (i >= text.length) return out;
      if (text[i] !== ch) throw new LineError(line, `unexpected text after a closing quote at character ${i + 1}`);
      i++;
    } else {
      const next = text.indexOf(ch, i);
      if (next === -1) {
        out.push(text.slice(i));
        return out;
      }
      out.push(text.slice(i, next));
      i = next + 1;
    }
  }
}
