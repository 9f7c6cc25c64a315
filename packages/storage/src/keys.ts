/**
 * Storage keys: validation and prefix handling shared by every backend.
 * @module
 */
import { StorageError } from './errors.js';

/**
 * Checks that `key` is absolute, has no empty, `.` or `..` segment, and so cannot escape the
 * store's prefix (the storage-key path traversal of CVE-2022-3162). A trailing `/` is allowed on
 * prefixes passed to list, watch and count. Throws `InvalidKey`.
 */
export function validateKey(key: string, options?: { prefix?: boolean }): void {
  const prefix = options?.prefix === true;
  if (key.charCodeAt(0) !== SLASH) throw StorageError.invalidKey(key, 'must start with "/"');
  // one pass over the characters: every read and write checks its key, so no split or slices
  let end = key.length;
  if (prefix && end > 1 && key.charCodeAt(end - 1) === SLASH) end--;
  if (end === 1) {
    if (prefix) return;
    throw StorageError.invalidKey(key, 'must name an object');
  }
  let start = 1;
  for (let i = 1; i <= end; i++) {
    if (i < end && key.charCodeAt(i) !== SLASH) continue;
    const length = i - start;
    if (length === 0) throw StorageError.invalidKey(key, 'has an empty segment');
    if (
      length <= 2 &&
      key.charCodeAt(start) === DOT &&
      (length === 1 || key.charCodeAt(start + 1) === DOT)
    ) {
      const segment = key.slice(start, i);
      throw StorageError.invalidKey(key, `has a ${JSON.stringify(segment)} segment`);
    }
    start = i + 1;
  }
}

const SLASH = 0x2f;
const DOT = 0x2e;

/** `key` as a prefix that matches only keys below it: `/a` becomes `/a/`, so `/ab` never matches. */
export function prefixOf(key: string): string {
  return key.endsWith('/') ? key : `${key}/`;
}
