import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { EtcdStorage } from '../src/index.js';
import { newTestStore, sharedEndpoints, sharedEtcdSkip } from './helpers/env.js';
import { EventReader, configMap, labelIs, rvOf, summary } from './helpers/events.js';

const skip = sharedEtcdSkip();

describe('EtcdStorage watch', { skip }, () => {
  let store: EtcdStorage;
  beforeEach(() => {
    store = newTestStore(sharedEndpoints);
  });
  afterEach(() => store.close());

  it('without a resourceVersion: the current state as ADDED, then every change', async () => {
    const a = await store.create('/cm/ns/a', configMap('a'));
    const b = await store.create('/cm/ns/b', configMap('b'));
    const watcher = store.watch('/cm', { recursive: true });
    const reader = new EventReader(watcher);
    assert.deepEqual(await reader.take(2), [
      { type: 'ADDED', object: a },
      { type: 'ADDED', object: b },
    ]);
    const updated = await store.guaranteedUpdate('/cm/ns/a', (o) => ({ ...o!, data: { v: '2' } }));
    const deleted = await store.delete('/cm/ns/b');
    const c = await store.create('/cm/ns/c', configMap('c'));
    assert.deepEqual(await reader.take(3), [
      { type: 'MODIFIED', object: updated },
      { type: 'DELETED', object: deleted },
      { type: 'ADDED', object: c },
    ]);
    assert.deepEqual(deleted.data, b.data, 'DELETED carries the last state');
    watcher.stop();
    assert.equal(await reader.next(), 'done');
  });

  it('from resourceVersion N: every change after N, exactly once and in order', async () => {
    const a = await store.create('/cm/ns/a', configMap('a'));
    const b = await store.create('/cm/ns/b', configMap('b'));
    const c = await store.guaranteedUpdate('/cm/ns/a', (o) => ({ ...o!, data: { v: '3' } }));
    const reader = new EventReader(
      store.watch('/cm', { recursive: true, resourceVersion: a.metadata!.resourceVersion! }),
    );
    assert.deepEqual(await reader.take(2), [
      { type: 'ADDED', object: b },
      { type: 'MODIFIED', object: c },
    ]);
    assert.equal(await reader.next(300), 'timeout', 'nothing more');
  });

  it('revisions in a stream strictly increase over a burst of writes', async () => {
    const start = String(await store.currentRevision());
    const reader = new EventReader(store.watch('/cm', { recursive: true, resourceVersion: start }));
    const writes = Array.from({ length: 40 }, (_, i) =>
      store.create(`/cm/ns/o${i}`, configMap(`o${i}`)),
    );
    const created = await Promise.all(writes);
    const events = await reader.take(created.length);
    const revisions = events.map((e) => rvOf(e.object as never));
    for (let i = 1; i < revisions.length; i++)
      assert.ok(revisions[i]! > revisions[i - 1]!, summary(events).join());
    assert.deepEqual(
      [...revisions].sort((x, y) => x - y),
      created.map(rvOf).sort((x, y) => x - y),
    );
  });

  it('a predicate turns leaving into DELETED and entering into ADDED', async () => {
    const start = await store.currentRevision();
    const reader = new EventReader(
      store.watch('/cm', {
        recursive: true,
        resourceVersion: String(start),
        predicate: labelIs('app', 'web'),
      }),
    );
    const a = await store.create('/cm/ns/a', configMap('a', {}, { app: 'web' }));
    await store.create('/cm/ns/other', configMap('other', {}, { app: 'db' }));
    const left = await store.guaranteedUpdate('/cm/ns/a', (o) => ({
      ...o!,
      metadata: { ...o!.metadata, labels: { app: 'db' } },
    }));
    const entered = await store.guaranteedUpdate('/cm/ns/a', (o) => ({
      ...o!,
      metadata: { ...o!.metadata, labels: { app: 'web' } },
    }));
    const events = await reader.take(3);
    assert.deepEqual(
      events.map((e) => e.type),
      ['ADDED', 'DELETED', 'ADDED'],
    );
    assert.deepEqual(events[0]!.object, a);
    // as kube: the object as it was (still matching), at the revision it stopped matching
    assert.deepEqual(events[1]!.object, {
      ...a,
      metadata: { ...a.metadata, resourceVersion: left.metadata!.resourceVersion! },
    });
    assert.deepEqual(events[2]!.object, entered);
    assert.equal(await reader.next(300), 'timeout', 'changes outside the predicate are not sent');
  });

  it('a single-key watch ignores its siblings', async () => {
    const start = await store.currentRevision();
    const reader = new EventReader(store.watch('/cm/ns/a', { resourceVersion: String(start) }));
    await store.create('/cm/ns/ab', configMap('ab'));
    await store.create('/cm/ns/b', configMap('b'));
    const a = await store.create('/cm/ns/a', configMap('a'));
    assert.deepEqual(await reader.take(1), [{ type: 'ADDED', object: a }]);
  });

  it('sendInitialEvents ends the current state with an annotated bookmark only when bookmarks are allowed', async () => {
    const a = await store.create('/cm/ns/a', configMap('a'));
    const withBookmarks = new EventReader(
      store.watch('/cm', { recursive: true, sendInitialEvents: true, allowBookmarks: true }),
    );
    const [added, bookmark] = await withBookmarks.take(2);
    assert.deepEqual(added, { type: 'ADDED', object: a });
    assert.equal(bookmark?.type, 'BOOKMARK');
    assert.deepEqual(bookmark.object.metadata?.annotations, {
      'k8s.io/initial-events-end': 'true',
    });
    assert.ok(rvOf(bookmark.object) >= rvOf(a));

    const without = new EventReader(
      store.watch('/cm', { recursive: true, sendInitialEvents: true }),
    );
    assert.deepEqual(await without.take(1), [{ type: 'ADDED', object: a }]);
    assert.equal(await without.next(300), 'timeout', 'no bookmark without allowBookmarks');
  });

  it('sendInitialEvents=false without a resourceVersion sends only new changes', async () => {
    await store.create('/cm/ns/a', configMap('a'));
    const reader = new EventReader(
      store.watch('/cm', { recursive: true, sendInitialEvents: false }),
    );
    await new Promise((resolve) => setTimeout(resolve, 200)); // let the watch reach etcd
    const b = await store.create('/cm/ns/b', configMap('b'));
    assert.deepEqual(await reader.take(1), [{ type: 'ADDED', object: b }]);
  });

  it('stop, abort and close end iteration cleanly', async () => {
    const controller = new AbortController();
    const stopped = store.watch('/cm', { recursive: true });
    const aborted = store.watch('/cm', { recursive: true, signal: controller.signal });
    const closed = store.watch('/cm', { recursive: true });
    const readers = [stopped, aborted, closed].map((w) => new EventReader(w));
    for (const r of readers) assert.equal(await r.next(200), 'timeout', 'open before the end');
    stopped.stop();
    stopped.stop();
    controller.abort();
    await store.close();
    for (const r of readers) assert.equal(await r.next(2000), 'done');
    const alreadyAborted = store.watch('/cm', { recursive: true, signal: AbortSignal.abort() });
    assert.equal(await new EventReader(alreadyAborted).next(2000), 'done');
  });
});
