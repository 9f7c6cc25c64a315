/**
 * The shared storage conformance suite on the watch cache over etcd. The suite's keys live under
 * /pods, the cached prefix; everything else goes to etcd. Consistent reads from the cache rely on
 * EtcdStorage.requestWatchProgress: the private etcd keeps its default progress-notify interval
 * (ten minutes), so no periodic notification helps. `watchCache` skips what kube's suite skips for
 * its cacher. Compaction is etcd-wide, hence a private etcd; each test gets its own key prefix.
 * Writes reach the cache a moment after they return, as with kube's cacher over etcd.
 */
import { after, before, describe } from 'node:test';
import { CachedStorage } from '@kapi/storage';
import { runStorageConformance } from '@kapi/storage/testing';
import { EtcdProcess } from './helpers/etcd-process.js';
import { newTestStore, privateEtcdSkip } from './helpers/env.js';

const skip = await privateEtcdSkip();

if (skip === false) {
  let etcd: EtcdProcess | undefined;
  before(async () => {
    etcd = await EtcdProcess.start();
  });
  after(async () => {
    await etcd?.stop();
  });
  runStorageConformance('cache over etcd', {
    newStore: async () => {
      if (etcd === undefined) throw new Error('the private etcd did not start');
      const cache = new CachedStorage(newTestStore(etcd.endpoint), {
        prefix: '/pods',
        freshnessTimeoutMs: 300,
        consistentReadTimeoutMs: 1000,
        bookmarkIntervalMs: 20,
        closeBackend: true,
      });
      await cache.readinessCheck();
      return cache;
    },
    watchCache: true,
  });
} else {
  describe('storage conformance: cache over etcd', { skip }, () => undefined);
}
