import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '@kapi/apimachinery';
import { CachedStorage, MemoryStorage } from '../src/index.js';
import type { Storage } from '../src/index.js';

const pod = (name: string, v: number): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'ns' },
  spec: { containers: [{ name: 'c', v }] },
});

function isDeepFrozen(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return true;
  return Object.isFrozen(value) && Object.values(value).every(isDeepFrozen);
}

const backends: { name: string; make: () => Promise<Storage> }[] = [
  { name: 'MemoryStorage', make: () => Promise.resolve(new MemoryStorage()) },
  {
    name: 'CachedStorage over memory',
    make: async () => {
      const cache = new CachedStorage(new MemoryStorage(), { prefix: '/pods', closeBackend: true });
      await cache.readinessCheck();
      return cache;
    },
  },
];

for (const backend of backends) {
  describe(`shared lists: ${backend.name}`, () => {
    it('hand out deep-frozen items equal to the copies, at the latest and at older revisions', async () => {
      const store = await backend.make();
      try {
        const a1 = await store.create('/pods/ns/a', pod('a', 1));
        await store.create('/pods/ns/b', pod('b', 1));
        const before = await store.list('/pods', { recursive: true });
        const shared = await store.list('/pods', { recursive: true, shared: true });
        assert.deepEqual(shared, before);
        assert.ok(shared.items.every(isDeepFrozen), 'shared items are deep-frozen');
        assert.ok(!before.items.some((o) => Object.isFrozen(o)), 'plain items are copies');
        const a2 = await store.guaranteedUpdate('/pods/ns/a', (cur) => ({
          ...cur!,
          spec: { containers: [{ name: 'c', v: 2 }] },
        }));
        const after = await store.list('/pods', { recursive: true, shared: true });
        assert.deepEqual(after.items[0], a2, 'the next state');
        // an exact read of the earlier revision (served by the backend under a cache)
        const old = await store.list('/pods', {
          recursive: true,
          shared: true,
          resourceVersion: before.resourceVersion,
          resourceVersionMatch: 'Exact',
        });
        assert.deepEqual(old.items[0], a1);
        const paged = await store.list('/pods', { recursive: true, shared: true, limit: 1 });
        assert.equal(paged.items.length, 1);
        assert.ok(paged.continue);
      } finally {
        await store.close();
      }
    });
  });
}
