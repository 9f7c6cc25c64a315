/**
 * The shared storage conformance suite on the watch cache over etcd. The suite's keys live under
 * /pods, the cached prefix; everything else goes to etcd. Consistent reads from the cache rely on
 * EtcdStorage.requestWatchProgress: the private etcd keeps its default progress-notify interval
 * (ten minutes), so no periodic notification helps. `watchCache` skips what kube's suite skips for
 * its cacher. Compaction is etcd-wide, hence a private etcd; each test gets its own key prefix.
 *
 * Writes under /pods return once the cache has seen them ({@link WriteBarrierCache}), as they do
 * over the in-process backends, whose watchers get a change before the write returns. Over etcd
 * the change reaches the cache a moment later, and the suite's "sendInitialEvents from N sends a
 * state not older than N" expects the latest state although a cache may serve the one at N (as
 * kube's cacher does after waitUntilFreshAndBlock(N)); without the barrier that case flakes.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe } from 'node:test';
import type { KubeObject } from '@kapi/apimachinery';
import { CachedStorage } from '@kapi/storage';
import type { CallOptions, DeleteOptions, UpdateFunction, UpdateOptions } from '@kapi/storage';
import { runStorageConformance } from '@kapi/storage/testing';
import { EtcdProcess } from './helpers/etcd-process.js';
import { newTestStore, privateEtcdSkip } from './helpers/env.js';

const skip = await privateEtcdSkip();

/** A watch cache of /pods whose writes there return once the cache holds their revision. */
class WriteBarrierCache extends CachedStorage {
  override async create(key: string, obj: KubeObject, options?: CallOptions): Promise<KubeObject> {
    return this.seen(key, await super.create(key, obj, options));
  }

  override async guaranteedUpdate(
    key: string,
    tryUpdate: UpdateFunction,
    options?: UpdateOptions,
  ): Promise<KubeObject> {
    return this.seen(key, await super.guaranteedUpdate(key, tryUpdate, options));
  }

  override async delete(key: string, options?: DeleteOptions): Promise<KubeObject> {
    return this.seen(key, await super.delete(key, options));
  }

  /** Waits (at most a second) until the cache has caught up with a write under its prefix. */
  private async seen(key: string, written: KubeObject): Promise<KubeObject> {
    const revision = Number(written.metadata?.resourceVersion);
    const deadline = Date.now() + 1000;
    while (key.startsWith('/pods/') && this.cachedRevision < revision && Date.now() < deadline) {
      await sleep(2);
    }
    return written;
  }
}

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
      const cache = new WriteBarrierCache(newTestStore(etcd.endpoint), {
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
