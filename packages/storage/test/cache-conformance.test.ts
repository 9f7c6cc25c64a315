/**
 * The shared storage conformance suite on the watch cache, over the memory and the SQLite
 * backends. The suite's keys live under /pods, the cached prefix; everything else (/other, /)
 * goes to the backend. `watchCache` skips what kube's suite skips for its cacher: a limited list
 * at resourceVersion "0" is served whole from memory (k8s.io/apiserver pkg/storage/cacher
 * computeListLimit).
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
  watchCache: true,
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
  watchCache: true,
});
