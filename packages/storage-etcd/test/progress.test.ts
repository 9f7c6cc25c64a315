/**
 * EtcdStorage.requestWatchProgress, what is particular to etcd: bookmarks proven by a probe watch
 * rather than etcd's RequestProgress (unsafe before etcd 3.4.31), behind a paused stream, across a
 * compaction, and a watch cache kept fresh across writes by another client. The cases every
 * backend shares are in the conformance suite (conformance.test.ts, `newProgressStore`). A private
 * etcd with etcd's default progress-notify interval (ten minutes), so no periodic progress
 * notification can stand in for the requested ones; compaction is etcd-wide, another reason to
 * keep these tests off the shared etcd.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '@kapi/apimachinery';
import { CachedStorage } from '@kapi/storage';
import type { GetOptions, ListOptions, ListResult, StorageWatchEvent } from '@kapi/storage';
import { EtcdStorage } from '../src/index.js';
import { EtcdProcess } from './helpers/etcd-process.js';
import { newTestStore, privateEtcdSkip, uniquePrefix } from './helpers/env.js';
import { EventReader, configMap, rvOf } from './helpers/events.js';

const skip = await privateEtcdSkip();

/** An etcd backend that counts the reads that reach it. */
class CountingEtcd extends EtcdStorage {
  lists = 0;
  gets = 0;

  override list(key: string, options?: ListOptions): Promise<ListResult> {
    this.lists++;
    return super.list(key, options);
  }

  override get(
    key: string,
    options: GetOptions & { ignoreNotFound: true },
  ): Promise<KubeObject | null>;
  override get(key: string, options?: GetOptions): Promise<KubeObject>;
  override get(key: string, options?: GetOptions): Promise<KubeObject | null> {
    this.gets++;
    return super.get(key, options);
  }
}

/** `TYPE name@rv`. */
function brief(event: StorageWatchEvent): string {
  if (event.type === 'ERROR') return `ERROR ${event.object.message ?? ''}`;
  return `${event.type} ${event.object.metadata?.name ?? ''}@${String(rvOf(event.object))}`;
}

/** Events up to and including the first one `last` accepts. */
async function readUntil(
  reader: EventReader,
  last: (event: StorageWatchEvent) => boolean,
  limit = 2000,
): Promise<StorageWatchEvent[]> {
  const events: StorageWatchEvent[] = [];
  for (let i = 0; i < limit; i++) {
    const event = await reader.next(3000);
    if (event === 'done' || event === 'timeout') {
      assert.fail(`watch gave ${event} after ${JSON.stringify(events.slice(-5).map(brief))}`);
    }
    events.push(event);
    if (last(event)) return events;
  }
  assert.fail('too many events');
}

/** Creates `count` objects under `/cm/ns/` (`/other/` every third one too), a few at a time; returns the ones in /cm in revision order. */
async function writeMany(store: EtcdStorage, count: number, tag: string): Promise<KubeObject[]> {
  const mine: KubeObject[] = [];
  for (let i = 0; i < count; i += 25) {
    const batch: Promise<KubeObject>[] = [];
    for (let j = i; j < Math.min(count, i + 25); j++) {
      batch.push(store.create(`/cm/ns/${tag}${j}`, configMap(`${tag}${j}`)));
      if (j % 3 === 0) void store.create(`/other/ns/${tag}${j}`, configMap(`${tag}${j}`));
    }
    mine.push(...(await Promise.all(batch)));
  }
  return mine.sort((a, b) => rvOf(a) - rvOf(b));
}

describe('EtcdStorage.requestWatchProgress', { skip }, () => {
  let etcd: EtcdProcess;
  const stores: EtcdStorage[] = [];
  const caches: CachedStorage[] = [];
  before(async () => {
    etcd = await EtcdProcess.start();
  });
  after(async () => {
    await Promise.all(caches.map((c) => c.close()));
    await Promise.all(stores.map((s) => s.close()));
    await etcd.stop();
  });

  function newStore(): EtcdStorage {
    const store = newTestStore(etcd.endpoint);
    stores.push(store);
    return store;
  }

  it('sends one even when nothing changed in etcd since the watch started', async () => {
    const store = newStore();
    const start = await store.currentRevision();
    const reader = new EventReader(
      store.watch('/cm', {
        recursive: true,
        resourceVersion: String(start),
        allowBookmarks: true,
        progressNotify: true,
      }),
    );
    await store.requestWatchProgress();
    const [event] = await reader.take(1);
    assert.equal(brief(event!), `BOOKMARK @${start}`);
  });

  const lagCases = [
    { name: 'a reader that keeps up', count: 60, readFirst: true },
    // past 1000 undelivered events the watch pauses its etcd stream, so the probe is done long
    // before the watch has received the events it proved must come first
    { name: 'a watch whose stream is paused behind a slow reader', count: 1100, readFirst: false },
  ];
  for (const c of lagCases) {
    it(`sends the bookmark after every event up to it: ${c.name}`, async () => {
      const store = newStore();
      const reader = new EventReader(
        store.watch('/cm', {
          recursive: true,
          resourceVersion: String(await store.currentRevision()),
          allowBookmarks: true,
          progressNotify: true,
        }),
      );
      const written = await writeMany(store, c.count, 'p');
      let events: StorageWatchEvent[] = [];
      if (c.readFirst) events = await reader.take(c.count);
      await store.create('/other/ns/last', configMap('last'));
      const target = await store.currentRevision();
      await store.requestWatchProgress();
      events.push(...(await readUntil(reader, (e) => e.type === 'BOOKMARK')));
      assert.deepEqual(
        events.slice(0, -1).map(brief),
        written.map((o) => `ADDED ${o.metadata!.name!}@${rvOf(o)}`),
      );
      const bookmark = Number(events.at(-1)!.object.metadata?.resourceVersion);
      assert.ok(
        bookmark >= target,
        `bookmark ${bookmark} below ${target}, the revision at the request`,
      );
      const later = await store.create('/cm/ns/later', configMap('later'));
      assert.deepEqual((await reader.take(1)).map(brief), [`ADDED later@${rvOf(later)}`]);
    });
  }

  it('cannot prove a position etcd compacted away; works again once the watch moves past it', async () => {
    const store = newStore();
    const reader = new EventReader(
      store.watch('/cm', {
        recursive: true,
        resourceVersion: String(await store.currentRevision()),
        allowBookmarks: true,
        progressNotify: true,
      }),
    );
    // an event read first: the watch's etcd stream is open before the compaction
    const first = await store.create('/cm/ns/first', configMap('first'));
    assert.deepEqual((await reader.take(1)).map(brief), [`ADDED first@${rvOf(first)}`]);
    await store.create('/other/ns/x', configMap('x'));
    await store.create('/other/ns/y', configMap('y'));
    await store.compact(await store.currentRevision());
    await store.requestWatchProgress();
    const quiet = await reader.next(500);
    assert.equal(quiet, 'timeout', `no bookmark without proof, got ${JSON.stringify(quiet)}`);
    const a = await store.create('/cm/ns/a', configMap('a'));
    await store.create('/other/ns/z', configMap('z'));
    const target = await store.currentRevision();
    await store.requestWatchProgress();
    const events = await readUntil(
      reader,
      (e) => e.type === 'BOOKMARK' && rvOf(e.object) >= target,
    );
    // the first request is answered once the event moved the watch past it, the second after it
    assert.deepEqual(events.map(brief), [
      `ADDED a@${rvOf(a)}`,
      `BOOKMARK @${rvOf(a)}`,
      `BOOKMARK @${target}`,
    ]);
  });

  // a write elsewhere in the same store is a conformance case; over etcd the revision also moves
  // with writes of other clients, which the cache can learn of only by asking for progress
  it('a watch cache serves consistent reads, fresh, right after a write by another store on the same etcd', async () => {
    const timeoutMs = 5000;
    const store = new CountingEtcd({
      endpoints: etcd.endpoint,
      prefix: uniquePrefix(),
      requestTimeoutMs: 3000,
      freshnessTimeoutMs: 300,
    });
    stores.push(store);
    const other = newStore();
    const cache = new CachedStorage(store, {
      prefix: '/cm',
      consistentReadTimeoutMs: timeoutMs,
      bookmarkIntervalMs: 60_000,
    });
    caches.push(cache);
    await cache.readinessCheck();
    for (let round = 0; round < 3; round++) {
      const mine = await cache.create(`/cm/ns/p${round}`, configMap(`p${round}`));
      await other.create(`/cm/ns/e${round}`, configMap(`e${round}`));
      const target = await store.currentRevision();
      const { lists, gets } = store;
      const started = Date.now();
      const list = await cache.list('/cm', { recursive: true });
      const got = await cache.get(`/cm/ns/p${round}`);
      const elapsed = Date.now() - started;
      assert.equal(list.items.length, round + 1);
      assert.deepEqual(list.items.at(-1), mine, 'the fresh object');
      assert.deepEqual(got, mine);
      assert.ok(Number(list.resourceVersion) >= target, 'not older than etcd at the read');
      assert.equal(store.lists, lists, 'the list was served by the cache');
      assert.equal(store.gets, gets, 'the get was served by the cache');
      assert.ok(elapsed < timeoutMs / 2, `took ${elapsed} ms, as long as the fallback`);
    }
  });
});
