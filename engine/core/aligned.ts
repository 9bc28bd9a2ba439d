/**
 * Memory for fixed-size records that starts on a cache line. A large ArrayBuffer's memory comes from the
 * C allocator 16 bytes past a 64-byte boundary on this platform, so every other 32-byte event record in
 * it straddled two cache lines (docs/performance.md, "Thirteenth session"). These buffers are 64 bytes
 * longer, and their views start where the memory is aligned.
 *
 * The address is read with `Deno.UnsafePointer` (the FFI API: `--allow-ffi`, which `-A` grants); without
 * that permission the view starts at 0, as before: slower, the same results.
 */

/** A cache line's bytes. */
export const LINE = 64;

/** Bytes from the start of `buffer` to its first cache-line boundary (0 when the address cannot be read). */
export function lineOffset(buffer: ArrayBufferLike): number {
  if (buffer.byteLength < LINE) return 0;
  try {
    const p = Deno.UnsafePointer.of(new Uint8Array(buffer, 0, 1));
    return p === null ? 0 : (LINE - Number(BigInt(Deno.UnsafePointer.value(p)) % BigInt(LINE))) % LINE;
  } catch {
    return 0; // no FFI permission: unaligned, as before
  }
}

/** `n` zeroed bytes starting on a cache line. */
export function alignedBytes(n: number): Uint8Array {
  const buffer = new ArrayBuffer(n + LINE);
  return new Uint8Array(buffer, lineOffset(buffer), n);
}
