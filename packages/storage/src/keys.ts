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
export function validateKey(key: string, { prefix = false }: { prefix?: boolean } = {}): void {
  if (!key.startsWith('/')) throw StorageError.invalidKey(key, 'must start with "/"');
  const body = prefix && key.length > 1 && key.endsWith('/') ? key.slice(1, -1) : key.slice(1);
  if (body === '') {
    if (prefix) return;
    throw StorageError.invalidKey(key, 'must name an object');
  }
  for (const segment of body.split('/')) {
    if (segment === '') throw StorageError.invalidKey(key, 'has an empty segment');
    if (segment === '.' || segment === '..') {
      throw StorageError.invalidKey(key, `has a ${JSON.stringify(segment)} segment`);
    }
  }
}

/** `key` as a prefix that matches only keys below it: `/a` becomes `/a/`, so `/ab` never matches. */
export function prefixOf(key: string): string {
  return key.endsWith('/') ? key : `${key}/`;
}
