/**
 * Tests that compact, stop or freeze etcd, so they run against a private etcd process of their
 * own and never disturb the shared one.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '@kapi/apimachinery';
import { decodeContinue, isStorageError } from '@kapi/storage';
import type { EtcdStorage } from '../src/index.js';
import { EtcdProcess } from './helpers/etcd-process.js';
import { newTestStore, privateEtcdSkip } from './helpers/env.js';
import { EventReader, configMap, rvOf } from './helpers/events.js';

const skip = await privateEtcdSkip();

async function statusOf(promise: Promise<unknown>): Promise<StatusError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof StatusError) return err;
    throw err;
  }
  assert.fail('expected a StatusError');
}

describe('EtcdStorage on a private etcd', { skip }, () => {
  let etcd: EtcdProcess;
  before(async () => {
    etcd = await EtcdProcess.start({ progressNotifyInterval: '100ms' });
  });
  after(async () => {
    await etcd.stop();
  });

  describe('compaction', () => {
    let store: EtcdStorage;
    before(() => {
      store = newTestStore(etcd.endpoint);
    });
    after(() => store.close());

    it('a list at a compacted revision is 410 Expired; paged lists get an inconsistent continue', async () => {
      for (const name of ['a', 'b', 'c', 'd'])
        await store.create(`/cm/ns/${name}`, configMap(name));
      const first = await store.list('/cm', { recursive: true, limit: 2 });
      const old = Number(first.resourceVersion);
      await store.create('/cm/ns/e', configMap('e'));
      await store.compact(await store.currentRevision());

      const exact = await statusOf(
        store.list('/cm', {
          recursive: true,
          resourceVersion: String(old),
          resourceVersionMatch: 'Exact',
        }),
      );
      assert.equal(exact.code, 410);
      assert.equal(exact.reason, 'Expired');
      assert.equal(exact.message, 'The resourceVersion for the provided list is too old.');

      const continued = await statusOf(
        store.list('/cm', { recursive: true, limit: 2, continue: first.continue! }),
      );
      assert.equal(continued.code, 410);
      assert.match(
        continued.message,
        /^The provided continue parameter is too old to display a consistent list result\./,
      );
      const token = continued.status.metadata.continue;
      assert.ok(token !== undefined);
      assert.equal(
        decodeContinue(token).resourceVersion,
        -1,
        'the new token reads at the latest revision',
      );
      const rest = await store.list('/cm', { recursive: true, limit: 10, continue: token });
      assert.deepEqual(
        rest.items.map((o) => o.metadata?.name),
        ['c', 'd', 'e'],
      );
      assert.ok(Number(rest.resourceVersion) > old);
    });

    it('a watch from a compacted revision gets exactly one 410 ERROR, then ends', async () => {
      const a = await store.create('/w/ns/a', configMap('a'));
      await store.create('/w/ns/b', configMap('b'));
      const compactedAt = await store.currentRevision();
      await store.compact(compactedAt);
      const from = rvOf(a) - 1;
      const reader = new EventReader(
        store.watch('/w', { recursive: true, resourceVersion: String(from) }),
      );
      const [error] = await reader.take(1);
      assert.equal(error?.type, 'ERROR');
      assert.equal(error.object.code, 410);
      assert.equal(error.object.reason, 'Expired');
      assert.equal(error.object.message, `too old resource version: ${from} (${compactedAt - 1})`);
      assert.equal(await reader.next(), 'done');
    });

    it('compacting again, lower, or beyond the current revision is harmless', async () => {
      const current = await store.currentRevision();
      await store.compact(current);
      await store.compact(current - 1);
      await store.compact(current + 1000);
      const a = await store.create('/again/a', configMap('a'));
      assert.deepEqual(await store.get('/again/a'), a);
    });
  });

  it('progress notifications become BOOKMARKs only when bookmarks are allowed', async () => {
    const store = newTestStore(etcd.endpoint);
    try {
      const start = String(await store.currentRevision());
      const withBookmarks = new EventReader(
        store.watch('/bm', { recursive: true, resourceVersion: start, allowBookmarks: true }),
      );
      const without = new EventReader(
        store.watch('/bm', { recursive: true, resourceVersion: start }),
      );
      const a = await store.create('/bm/a', configMap('a'));
      assert.deepEqual(await withBookmarks.take(1), [{ type: 'ADDED', object: a }]);
      let bookmark = await withBookmarks.next(3000);
      assert.ok(bookmark !== 'done' && bookmark !== 'timeout', 'a bookmark arrives');
      assert.equal(bookmark.type, 'BOOKMARK');
      assert.deepEqual(Object.keys(bookmark.object), ['metadata']);
      assert.ok(rvOf(bookmark.object) >= rvOf(a));
      bookmark = await withBookmarks.next(3000);
      assert.ok(bookmark !== 'done' && bookmark !== 'timeout' && bookmark.type === 'BOOKMARK');

      assert.deepEqual(await without.take(1), [{ type: 'ADDED', object: a }]);
      assert.equal(await without.next(600), 'timeout', 'no bookmarks without allowBookmarks');
    } finally {
      await store.close();
    }
  });

  describe('etcd down or frozen', () => {
    const boundMs = 1000;
    const slackMs = 1500;

    async function failsUnreachable(name: string, run: () => Promise<unknown>): Promise<void> {
      const started = Date.now();
      await assert.rejects(run(), (err) => isStorageError(err, 'Unreachable'), name);
      const took = Date.now() - started;
      assert.ok(took < boundMs + slackMs, `${name} took ${took} ms`);
    }

    const operations: { name: string; run: (store: EtcdStorage) => Promise<unknown> }[] = [
      { name: 'get', run: (s) => s.get('/down/a') },
      { name: 'create', run: (s) => s.create('/down/b', configMap('b')) },
      { name: 'list', run: (s) => s.list('/down', { recursive: true }) },
      { name: 'guaranteedUpdate', run: (s) => s.guaranteedUpdate('/down/a', (o) => o!) },
      { name: 'delete', run: (s) => s.delete('/down/a') },
      { name: 'count', run: (s) => s.count('/down') },
      { name: 'currentRevision', run: (s) => s.currentRevision() },
      { name: 'readinessCheck', run: (s) => s.readinessCheck() },
    ];

    it('with etcd stopped every call fails as unreachable within the bound, then recovers', async () => {
      const store = newTestStore(etcd.endpoint, {
        requestTimeoutMs: boundMs,
        readinessTimeoutMs: boundMs,
      });
      try {
        const a = await store.create('/down/a', configMap('a'));
        await etcd.kill();
        for (const op of operations) await failsUnreachable(op.name, () => op.run(store));
        await etcd.restart();
        let ready = false;
        for (let i = 0; i < 50 && !ready; i++) {
          ready = await store.readinessCheck().then(
            () => true,
            async () => {
              await new Promise((resolve) => setTimeout(resolve, 100));
              return false;
            },
          );
        }
        assert.ok(ready, 'ready again after the restart');
        assert.deepEqual(await store.get('/down/a'), a);
      } finally {
        await store.close();
      }
    });

    it('with etcd frozen calls fail as unreachable at their deadline instead of hanging', async () => {
      const store = newTestStore(etcd.endpoint, {
        requestTimeoutMs: boundMs,
        readinessTimeoutMs: boundMs,
      });
      try {
        await store.readinessCheck();
        etcd.freeze();
        try {
          for (const op of operations.filter((o) =>
            ['get', 'create', 'readinessCheck'].includes(o.name),
          )) {
            await failsUnreachable(op.name, () => op.run(store));
          }
        } finally {
          etcd.thaw();
        }
        await store.readinessCheck();
      } finally {
        await store.close();
      }
    });
  });
});
