/**
 * The shared storage conformance suite on the watch cache, over the memory and the SQLite
 * backends. The suite's keys live under /pods, the cached prefix; everything else (/other, /)
 * goes to the backend.
 *
 * Five suite cases cannot hold for a watch cache, as they do not for kube's cacher (reported to
 * the suite's owner; kube's own suite exempts the cacher from the first three with
 * `ignoreForWatchCache`):
 * - "limit at rv=0", "limit at rv=0, NotOlderThan" and "a continue token from a compacted
 *   revision" list at resourceVersion "0" with a limit; the cacher serves the whole list then
 *   (k8s.io/apiserver pkg/storage/cacher computeListLimit).
 * - "a missing key with ignoreNotFound creates" and "recursive watches of /a never see /ab" store
 *   objects under keys that are not `<prefix>/<namespace>/<name>`; watch events carry no keys, so
 *   a cache files objects by a key function, as kube's cacher KeyFunc (this cache refuses such a
 *   write instead of filing the object at the wrong key).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { CachedStorage, MemoryStorage } from '@kapi/storage';
import type { Storage } from '@kapi/storage';
import { runStorageConformance } from '@kapi/storage/testing';
import { SqliteStorage } from '@kapi/storage-sqlite';

/** A ready cache of /pods over `backend`, which it closes when it is closed. */
async function cacheOver(backend: Storage): Promise<CachedStorage> {
  const cache = new CachedStorage(backend, {
    prefix: '/pods',
    freshnessTimeoutMs: 100,
    consistentReadTimeoutMs: 1000,
    bookmarkIntervalMs: 20,
    closeBackend: true,
  });
  await cache.readinessCheck();
  return cache;
}

runStorageConformance('cache over memory', {
  newStore: () => cacheOver(new MemoryStorage({ freshnessTimeoutMs: 100, bookmarkIntervalMs: 20 })),
});

let dir: string | undefined;
let files = 0;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kapi-cache-sqlite-'));
});
after(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

runStorageConformance('cache over sqlite', {
  newStore: () => {
    if (dir === undefined) return Promise.reject(new Error('the temporary directory is missing'));
    return cacheOver(
      new SqliteStorage({
        path: join(dir, `store-${++files}.db`),
        compactionIntervalMs: 0,
        freshnessTimeoutMs: 100,
        bookmarkIntervalMs: 20,
      }),
    );
  },
});
