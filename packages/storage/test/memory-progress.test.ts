/**
 * MemoryStorage.requestWatchProgress: bookmarks on demand, after every event up to their
 * revision, and what they buy the watch cache (consistent reads served from memory right after a
 * write elsewhere, without waiting for a periodic bookmark).
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { KubeObject } from '@kapi/apimachinery';
import { CachedStorage, MemoryStorage } from '@kapi/storage';
import type {
  GetOptions,
  ListOptions,
  ListResult,
  StorageWatchEvent,
  Watcher,
} from '@kapi/storage';

/** A memory backend that counts the reads that reach it. */
class CountingMemory extends MemoryStorage {
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

/** Reads a watch with a deadline per event; a read that timed out is kept for the next call. */
class Reader {
  private readonly iterator: AsyncIterator<StorageWatchEvent>;
  private pending: Promise<IteratorResult<StorageWatchEvent>> | undefined;

  constructor(watcher: Watcher) {
    this.iterator = watcher[Symbol.asyncIterator]();
  }

  async next(ms = 2000): Promise<StorageWatchEvent | 'end' | 'timeout'> {
    this.pending ??= this.iterator.next();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => {
        resolve('timeout');
      }, ms);
    });
    try {
      const result = await Promise.race([this.pending, timeout]);
      if (result === 'timeout') return result;
      this.pending = undefined;
      return result.done === true ? 'end' : result.value;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Events up to and including the first one `last` accepts. */
  async until(last: (event: StorageWatchEvent) => boolean): Promise<StorageWatchEvent[]> {
    const events: StorageWatchEvent[] = [];
    for (let i = 0; i < 1000; i++) {
      const event = await this.next();
      if (event === 'end' || event === 'timeout') {
        assert.fail(`watch gave ${event} after ${JSON.stringify(events.map(brief))}`);
      }
      events.push(event);
      if (last(event)) return events;
    }
    assert.fail('too many events');
  }
}

function pod(namespace: string, name: string): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { namespace, name }, spec: {} };
}

function rvOf(obj: KubeObject | null | undefined): number {
  return Number(obj?.metadata?.resourceVersion);
}

function nameOf(event: StorageWatchEvent): string | undefined {
  return event.type === 'ERROR' ? undefined : event.object.metadata?.name;
}

/** The resourceVersion of an event's object (NaN for an ERROR). */
function eventRv(event: StorageWatchEvent): number {
  return event.type === 'ERROR' ? NaN : rvOf(event.object);
}

/** `TYPE name@rv`. */
function brief(event: StorageWatchEvent): string {
  if (event.type === 'ERROR') return `ERROR ${event.object.message ?? ''}`;
  return `${event.type} ${event.object.metadata?.name ?? ''}@${String(rvOf(event.object))}`;
}

const stores: MemoryStorage[] = [];
const caches: CachedStorage[] = [];
after(async () => {
  await Promise.all(caches.map((c) => c.close()));
  await Promise.all(stores.map((s) => s.close()));
});

/** A store whose periodic bookmarks never come during a test. */
function newStore(): CountingMemory {
  const store = new CountingMemory({ bookmarkIntervalMs: 60_000, freshnessTimeoutMs: 100 });
  stores.push(store);
  return store;
}

void describe('MemoryStorage.requestWatchProgress', () => {
  void it('bookmarks exactly the watches that asked for progress, after the events before it', async () => {
    const store = newStore();
    const from = String(await store.currentRevision());
    const cases = [
      { name: 'allowBookmarks and progressNotify', allow: true, progress: true, bookmark: true },
      { name: 'allowBookmarks only', allow: true, progress: false, bookmark: false },
      { name: 'progressNotify only', allow: false, progress: true, bookmark: false },
      { name: 'neither', allow: false, progress: false, bookmark: false },
    ];
    const readers = cases.map(
      (c) =>
        new Reader(
          store.watch('/pods', {
            recursive: true,
            resourceVersion: from,
            allowBookmarks: c.allow,
            progressNotify: c.progress,
          }),
        ),
    );
    const a = await store.create('/pods/ns/a', pod('ns', 'a'));
    await store.create('/other/x', pod('', 'x'));
    const target = await store.currentRevision();
    await store.requestWatchProgress();
    const marker = await store.create('/pods/ns/marker', pod('ns', 'marker'));
    for (const [i, c] of cases.entries()) {
      const events = await readers[i]!.until((e) => nameOf(e) === 'marker');
      const expected = c.bookmark
        ? [`ADDED a@${rvOf(a)}`, `BOOKMARK @${target}`, `ADDED marker@${rvOf(marker)}`]
        : [`ADDED a@${rvOf(a)}`, `ADDED marker@${rvOf(marker)}`];
      assert.deepEqual(events.map(brief), expected, c.name);
    }
  });

  void it('queues the bookmark behind every undelivered event up to its revision', async () => {
    const store = newStore();
    const reader = new Reader(
      store.watch('/pods', {
        recursive: true,
        resourceVersion: String(await store.currentRevision()),
        allowBookmarks: true,
        progressNotify: true,
      }),
    );
    // nothing is read while the writes happen: the watcher holds them all
    const written: string[] = [];
    for (let i = 0; i < 30; i++) {
      const obj = await store.create(`/pods/ns/p${i}`, pod('ns', `p${i}`));
      written.push(`ADDED p${i}@${rvOf(obj)}`);
      if (i % 3 === 0) await store.create(`/other/o${i}`, pod('', `o${i}`));
    }
    const target = await store.currentRevision();
    await store.requestWatchProgress();
    const events = await reader.until((e) => e.type === 'BOOKMARK');
    assert.deepEqual(events.slice(0, -1).map(brief), written);
    const bookmark = eventRv(events.at(-1)!);
    assert.ok(
      bookmark >= target,
      `bookmark ${bookmark} below the revision ${target} at the request`,
    );
    const later = await store.create('/pods/ns/later', pod('ns', 'later'));
    assert.equal(brief((await reader.next()) as StorageWatchEvent), `ADDED later@${rvOf(later)}`);
  });

  void it('follows the initial state of a watch that starts from the current state', async () => {
    const store = newStore();
    const a = await store.create('/pods/ns/a', pod('ns', 'a'));
    const reader = new Reader(
      store.watch('/pods', {
        recursive: true,
        sendInitialEvents: true,
        allowBookmarks: true,
        progressNotify: true,
      }),
    );
    await store.create('/other/x', pod('', 'x'));
    const target = await store.currentRevision();
    await store.requestWatchProgress();
    const events = await reader.until((e) => e.type === 'BOOKMARK' && eventRv(e) >= target);
    assert.deepEqual(events.map(brief), [
      `ADDED a@${rvOf(a)}`,
      `BOOKMARK @${rvOf(a)}`, // the initial-events-end bookmark
      `BOOKMARK @${target}`,
    ]);
  });

  void it('rejects once the store is closed', async () => {
    const store = newStore();
    await store.close();
    await assert.rejects(store.requestWatchProgress(), /closed/);
  });
});

void describe('CachedStorage over MemoryStorage: consistent reads after writes elsewhere', () => {
  const timeoutMs = 5000;

  async function cacheOver(store: MemoryStorage): Promise<CachedStorage> {
    const cache = new CachedStorage(store, {
      prefix: '/pods',
      consistentReadTimeoutMs: timeoutMs,
      bookmarkIntervalMs: 60_000,
    });
    caches.push(cache);
    await cache.readinessCheck();
    return cache;
  }

  const cases: {
    name: string;
    elsewhere: (store: MemoryStorage, round: number) => Promise<unknown>;
  }[] = [
    {
      name: 'a create in another prefix',
      elsewhere: (store, round) => store.create(`/other/c${round}`, pod('', `c${round}`)),
    },
    {
      name: 'an update and a delete in another prefix',
      elsewhere: async (store, round) => {
        await store.create(`/other/u${round}`, pod('', `u${round}`));
        await store.guaranteedUpdate(`/other/u${round}`, (o) => ({ ...o!, spec: { v: 2 } }));
        await store.delete(`/other/u${round}`);
      },
    },
  ];

  for (const c of cases) {
    void it(`are served from the cache, fresh, right after ${c.name}`, async () => {
      const store = newStore();
      const cache = await cacheOver(store);
      for (let round = 0; round < 3; round++) {
        const mine = await cache.create(`/pods/ns/p${round}`, pod('ns', `p${round}`));
        await c.elsewhere(store, round);
        const target = await store.currentRevision();
        const { lists, gets } = store;
        const started = Date.now();
        const list = await cache.list('/pods', { recursive: true });
        const got = await cache.get(`/pods/ns/p${round}`);
        const elapsed = Date.now() - started;
        assert.equal(list.items.length, round + 1);
        assert.deepEqual(list.items.at(-1), mine, 'the fresh object');
        assert.deepEqual(got, mine);
        assert.ok(Number(list.resourceVersion) >= target, 'not older than the store at the read');
        assert.equal(store.lists, lists, 'the list was served by the cache');
        assert.equal(store.gets, gets, 'the get was served by the cache');
        assert.ok(elapsed < timeoutMs / 2, `took ${elapsed} ms, as long as the fallback`);
      }
    });
  }
});
