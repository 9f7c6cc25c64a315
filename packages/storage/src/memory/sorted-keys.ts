/**
 * A sorted set of storage keys for the memory backend: chunked sorted arrays, so insert, delete,
 * seek and rank stay cheap at 100k+ keys without a sort per list.
 * @module
 */

/**
 * Orders keys as etcd and SQLite do: by their UTF-8 bytes, which is code point order. JavaScript's
 * `<` compares UTF-16 code units, which disagrees only when one side is a surrogate and the other
 * a unit at or above U+E000; those two ranges are swapped before comparing.
 */
export function compareKeys(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

function codePointRank(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000;
  if (unit >= 0xe000) return unit - 0x800;
  return unit;
}

/** The smallest key greater than every key starting with `prefix` (`prefix` must be non-empty). */
export function prefixEnd(prefix: string): string {
  const last = prefix.charCodeAt(prefix.length - 1);
  return prefix.slice(0, -1) + String.fromCharCode(last + 1);
}

const MAX_CHUNK = 512;

/** A sorted set of strings in {@link compareKeys} order. */
export class SortedKeys {
  /** Non-empty sorted chunks; every key of chunk i sorts before every key of chunk i+1. */
  private chunks: string[][] = [];
  private count = 0;

  /** How many keys the set holds. */
  get size(): number {
    return this.count;
  }

  /** Adds `key`; returns false when it was already there. */
  add(key: string): boolean {
    if (this.chunks.length === 0) {
      this.chunks.push([key]);
      this.count = 1;
      return true;
    }
    const ci = this.chunkFor(key);
    const chunk = this.chunks[ci]!;
    const i = lowerBound(chunk, key);
    if (i < chunk.length && chunk[i] === key) return false;
    chunk.splice(i, 0, key);
    this.count++;
    if (chunk.length > MAX_CHUNK * 2) {
      this.chunks.splice(ci + 1, 0, chunk.splice(MAX_CHUNK));
    }
    return true;
  }

  /** Removes `key`; returns false when it was not there. */
  delete(key: string): boolean {
    if (this.chunks.length === 0) return false;
    const ci = this.chunkFor(key);
    const chunk = this.chunks[ci]!;
    const i = lowerBound(chunk, key);
    if (i >= chunk.length || chunk[i] !== key) return false;
    chunk.splice(i, 1);
    this.count--;
    if (chunk.length === 0) this.chunks.splice(ci, 1);
    return true;
  }

  /** True when `key` is in the set. */
  has(key: string): boolean {
    if (this.chunks.length === 0) return false;
    const chunk = this.chunks[this.chunkFor(key)]!;
    const i = lowerBound(chunk, key);
    return i < chunk.length && chunk[i] === key;
  }

  /** How many keys sort before `key`. */
  rank(key: string): number {
    let before = 0;
    for (const chunk of this.chunks) {
      const last = chunk[chunk.length - 1]!;
      if (compareKeys(last, key) < 0) {
        before += chunk.length;
        continue;
      }
      return before + lowerBound(chunk, key);
    }
    return before;
  }

  /** How many keys `k` satisfy `from <= k < to`. */
  countRange(from: string, to: string): number {
    return Math.max(0, this.rank(to) - this.rank(from));
  }

  /** The keys `k >= from` in order; stop iterating to stop early. The set must not change meanwhile. */
  *from(from: string): Generator<string, void, undefined> {
    if (this.chunks.length === 0) return;
    let ci = this.chunkFor(from);
    let i = lowerBound(this.chunks[ci]!, from);
    for (; ci < this.chunks.length; ci++, i = 0) {
      const chunk = this.chunks[ci]!;
      for (; i < chunk.length; i++) yield chunk[i]!;
    }
  }

  /** The index of the chunk `key` belongs in: the first whose last key is >= `key`, else the last. */
  private chunkFor(key: string): number {
    let lo = 0;
    let hi = this.chunks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const chunk = this.chunks[mid]!;
      if (compareKeys(chunk[chunk.length - 1]!, key) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

function lowerBound(sorted: readonly string[], key: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareKeys(sorted[mid]!, key) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
