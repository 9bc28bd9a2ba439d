/**
 * The idempotency ids already taken, as a Bloom filter: most events are new, and the filter says so
 * from memory, so the duplicate check reads the store only for the few it cannot rule out (≈ 0.5 %
 * of new ids, and the real repeats). Without it every event cost a lookup in the events' id index —
 * and with the writer thread (store-writer.ts) that index's pages are rarely in the main connection's
 * cache, which SQLite empties whenever another connection has committed.
 *
 * No false negatives: every id stored or handed to the writer is added, and at start every stored id
 * is loaded. Ids of erased events or of a refused group stay in the filter: they only cost a lookup.
 * When a filter holds as many ids as it was sized for, a new one twice as large takes the next ids
 * (the old ones are kept and asked too), so no stored id has to be read again.
 */

/** Bits per id: with 4 probes, ≈ 0.1 % of new ids look taken when a filter is full. */
const BITS_PER_ID = 20;
const PROBES = 4;

export class IdFilter {
  private readonly filters: Uint32Array[] = [];
  private capacity = 0;
  private count = 0;

  constructor(ids: Iterable<string> = [], firstCapacity = 1 << 16) {
    this.grow(firstCapacity);
    for (const id of ids) this.add(id);
  }

  add(id: string): void {
    if (this.count >= this.capacity) this.grow(this.capacity * 2);
    const f = this.filters[this.filters.length - 1], mask = f.length * 32 - 1;
    const [h1, h2] = hashes(id);
    for (let i = 0; i < PROBES; i++) {
      const bit = (h1 + Math.imul(i, h2)) & mask;
      f[bit >>> 5] |= 1 << (bit & 31);
    }
    this.count++;
  }

  /** False: the id was never added. True: it may have been (ask the store). */
  mightHave(id: string): boolean {
    const [h1, h2] = hashes(id);
    for (const f of this.filters) {
      const mask = f.length * 32 - 1;
      let all = true;
      for (let i = 0; i < PROBES && all; i++) {
        const bit = (h1 + Math.imul(i, h2)) & mask;
        all = (f[bit >>> 5] & (1 << (bit & 31))) !== 0;
      }
      if (all) return true;
    }
    return false;
  }

  private grow(capacity: number): void {
    // a power of two of bits, so a probe is a mask
    let bits = 32;
    while (bits < capacity * BITS_PER_ID) bits *= 2;
    this.filters.push(new Uint32Array(bits / 32));
    this.capacity = capacity;
    this.count = 0;
  }
}

const pair: [number, number] = [0, 0];

/** Two 32-bit FNV-1a hashes of the id from different offsets, mixed; the second made odd (double hashing). */
function hashes(s: string): [number, number] {
  let a = 0x811c9dc5, b = 0x01000193 ^ 0x9e3779b9;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  a ^= a >>> 16, a = Math.imul(a, 0x85ebca6b), a ^= a >>> 13;
  b ^= b >>> 15, b = Math.imul(b, 0xc2b2ae35), b ^= b >>> 16;
  pair[0] = a >>> 0, pair[1] = (b | 1) >>> 0;
  return pair;
}
