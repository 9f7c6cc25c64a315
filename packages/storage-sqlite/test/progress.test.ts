/**
 * SqliteStorage.requestWatchProgress: bookmarks on demand, after every change up to their
 * revision (also for a watcher that fell back to reading the log), and what they buy the watch
 * cache (consistent reads served from memory right after a write elsewhere).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KubeObject } from '@kapi/apimachinery';
import { CachedStorage } from '@kapi/storage';
import type {
  GetOptions,
  ListOptions,
  ListResult,
  StorageWatchEvent,
  Watcher,
} from '@kapi/storage';
import { SqliteStorage } from '@kapi/storage-sqlite';
import type { SqliteStorageOptions } from '@kapi/storage-sqlite';
import { tempDir } from './helpers.js';
import type { TempDir } from './helpers.js';

/** A SQLite backend that counts the reads that reach it. */
class CountingSqlite extends SqliteStorage {
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

let tmp: TempDir;
let files = 0;
const stores: SqliteStorage[] = [];
const caches: CachedStorage[] = [];
before(async () => {
  tmp = await tempDir();
});
after(async () => {
  await Promise.all(caches.map((c) => c.close()));
  await Promise.all(stores.map((s) => s.close()));
  await tmp.cleanup();
});

/** A store on a fresh file whose periodic bookmarks never come during a test. */
function newStore(options: Partial<SqliteStorageOptions> = {}): CountingSqlite {
  const store = new CountingSqlite({
    path: tmp.file(`progress-${++files}.db`),
    compactionIntervalMs: 0,
    freshnessTimeoutMs: 200,
    bookmarkIntervalMs: 60_000,
    ...options,
  });
  stores.push(store);
  return store;
}

void describe('SqliteStorage.requestWatchProgress', () => {
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

  const lagCases = [
    { name: 'a watcher whose buffer holds the changes', watchBufferSize: 1000 },
    { name: 'a watcher that overflowed and reads the log', watchBufferSize: 4 },
  ];
  for (const c of lagCases) {
    void it(`sends the bookmark after every undelivered change up to it: ${c.name}`, async () => {
      const store = newStore({ watchBufferSize: c.watchBufferSize });
      const reader = new Reader(
        store.watch('/pods', {
          recursive: true,
          resourceVersion: String(await store.currentRevision()),
          allowBookmarks: true,
          progressNotify: true,
        }),
      );
      // nothing is read while the writes happen
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
        `bookmark ${bookmark} below ${target}, the revision at the request`,
      );
      const later = await store.create('/pods/ns/later', pod('ns', 'later'));
      assert.equal(brief((await reader.next()) as StorageWatchEvent), `ADDED later@${rvOf(later)}`);
    });
  }

  void it('sends one even when nothing changed since the last event', async () => {
    const store = newStore();
    const reader = new Reader(
      store.watch('/pods', {
        recursive: true,
        sendInitialEvents: true,
        allowBookmarks: true,
        progressNotify: true,
      }),
    );
    const start = await store.currentRevision();
    assert.equal(brief((await reader.next()) as StorageWatchEvent), `BOOKMARK @${start}`);
    await store.requestWatchProgress();
    assert.equal(brief((await reader.next()) as StorageWatchEvent), `BOOKMARK @${start}`);
  });

  void it('rejects once the store is closed', async () => {
    const store = newStore();
    await store.close();
    await assert.rejects(store.requestWatchProgress(), /closed/);
  });
});

void describe('CachedStorage over SqliteStorage: consistent reads after writes elsewhere', () => {
  const timeoutMs = 5000;

  const cases: {
    name: string;
    elsewhere: (store: SqliteStorage, round: number) => Promise<unknown>;
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
      const cache = new CachedStorage(store, {
        prefix: '/pods',
        consistentReadTimeoutMs: timeoutMs,
        bookmarkIntervalMs: 60_000,
      });
      caches.push(cache);
      await cache.readinessCheck();
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
