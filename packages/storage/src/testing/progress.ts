/**
 * Conformance: progress requests ({@link WatchProgressRequester.requestWatchProgress}, the
 * counterpart of etcd's RequestWatchProgress that kube's watch cache uses to learn it is fresh).
 * Only for backends that pass `newProgressStore`; their periodic bookmarks must not come during a
 * test, so every bookmark seen here was asked for.
 * @module
 */
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import type { KubeObject } from '@kapi/apimachinery';
import { CachedStorage } from '../cache/cached-storage.js';
import type { WatchProgressRequester } from '../cache/cached-storage.js';
import type {
  CallOptions,
  DeleteOptions,
  GetOptions,
  ListOptions,
  ListResult,
  Storage,
  StorageWatchEvent,
  UpdateFunction,
  UpdateOptions,
  WatchOptions,
  Watcher,
} from '../interface.js';
import { EventReader, brief, pod, podKey, rejectsStorage, rvOf, testWithStore } from './harness.js';
import type { ProgressStorage, SuiteContext } from './harness.js';

/** Events up to and including the first one `last` accepts (at most `limit`). */
async function readUntil(
  reader: EventReader,
  last: (event: StorageWatchEvent) => boolean,
  limit = 2000,
): Promise<StorageWatchEvent[]> {
  const events: StorageWatchEvent[] = [];
  for (let i = 0; i < limit; i++) {
    const event = await reader.next(
      `an event after ${JSON.stringify(events.slice(-5).map(brief))}`,
    );
    events.push(event);
    if (last(event)) return events;
  }
  assert.fail(`no matching event among the first ${limit}`);
}

function nameOf(event: StorageWatchEvent): string | undefined {
  return event.type === 'ERROR' ? undefined : event.object.metadata?.name;
}

/**
 * A backend that counts the reads reaching it, so a test can tell a read the cache served from
 * one it handed on. Everything else goes straight through, progress requests included.
 */
class CountingBackend implements Storage, WatchProgressRequester {
  lists = 0;
  gets = 0;

  constructor(readonly backend: ProgressStorage) {}

  create(key: string, obj: KubeObject, options?: CallOptions): Promise<KubeObject> {
    return this.backend.create(key, obj, options);
  }

  get(key: string, options: GetOptions & { ignoreNotFound: true }): Promise<KubeObject | null>;
  get(key: string, options?: GetOptions): Promise<KubeObject>;
  get(key: string, options?: GetOptions): Promise<KubeObject | null> {
    this.gets++;
    return this.backend.get(key, options);
  }

  list(key: string, options?: ListOptions): Promise<ListResult> {
    this.lists++;
    return this.backend.list(key, options);
  }

  guaranteedUpdate(
    key: string,
    tryUpdate: UpdateFunction,
    options?: UpdateOptions,
  ): Promise<KubeObject> {
    return this.backend.guaranteedUpdate(key, tryUpdate, options);
  }

  delete(key: string, options?: DeleteOptions): Promise<KubeObject> {
    return this.backend.delete(key, options);
  }

  watch(key: string, options?: WatchOptions): Watcher {
    return this.backend.watch(key, options);
  }

  count(key: string): Promise<number> {
    return this.backend.count(key);
  }

  currentRevision(): Promise<number> {
    return this.backend.currentRevision();
  }

  compact(revision: number): Promise<void> {
    return this.backend.compact(revision);
  }

  readinessCheck(): Promise<void> {
    return this.backend.readinessCheck();
  }

  close(): Promise<void> {
    return this.backend.close();
  }

  requestWatchProgress(): Promise<void> {
    return this.backend.requestWatchProgress();
  }
}

export function progressTests(ctx: SuiteContext): void {
  const newProgressStore = ctx.newProgressStore;
  if (newProgressStore === undefined) return;
  const progressTest = (name: string, body: (store: ProgressStorage) => Promise<void>): void => {
    testWithStore(newProgressStore, name, body);
  };
  const watchOf = (store: Storage, key: string, options: WatchOptions): EventReader =>
    new EventReader(store.watch(key, options), ctx.eventTimeoutMs, ctx.quietMs);

  void describe('watch: progress requests', () => {
    progressTest(
      'bookmarks exactly the watches that asked for progress, after the events before it',
      async (store) => {
        const from = String(await store.currentRevision());
        const cases = [
          { name: 'allowBookmarks and progressNotify', allow: true, progress: true },
          { name: 'allowBookmarks only', allow: true, progress: false },
          { name: 'progressNotify only', allow: false, progress: true },
          { name: 'neither', allow: false, progress: false },
        ];
        const readers = cases.map((c) =>
          watchOf(store, '/pods', {
            recursive: true,
            resourceVersion: from,
            allowBookmarks: c.allow,
            progressNotify: c.progress,
          }),
        );
        const a = await store.create(podKey('ns', 'a'), pod('ns', 'a'));
        await store.create('/other/x', pod('', 'x'));
        const target = await store.currentRevision();
        await store.requestWatchProgress();
        // a backend may answer asynchronously (etcd proves the position first): wait for the
        // bookmark before the marker, so it cannot be overtaken by it
        const first = await readUntil(readers[0]!, (e) => e.type === 'BOOKMARK');
        const marker = await store.create(podKey('ns', 'marker'), pod('ns', 'marker'));
        for (const [i, c] of cases.entries()) {
          const events = i === 0 ? first : [];
          events.push(...(await readUntil(readers[i]!, (e) => nameOf(e) === 'marker')));
          const expected =
            c.allow && c.progress
              ? [`ADDED a@${rvOf(a)}`, `BOOKMARK @${target}`, `ADDED marker@${rvOf(marker)}`]
              : [`ADDED a@${rvOf(a)}`, `ADDED marker@${rvOf(marker)}`];
          assert.deepEqual(events.map(brief), expected, c.name);
        }
      },
    );

    progressTest(
      'the requested bookmark comes after every undelivered event up to its revision',
      async (store) => {
        const reader = watchOf(store, '/pods', {
          recursive: true,
          resourceVersion: String(await store.currentRevision()),
          allowBookmarks: true,
          progressNotify: true,
        });
        // nothing is read while the writes happen: the watch holds them all
        const written: string[] = [];
        for (let i = 0; i < 30; i++) {
          const obj = await store.create(podKey('ns', `p${i}`), pod('ns', `p${i}`));
          written.push(`ADDED p${i}@${rvOf(obj)}`);
          if (i % 3 === 0) await store.create(`/other/o${i}`, pod('', `o${i}`));
        }
        const target = await store.currentRevision();
        await store.requestWatchProgress();
        const events = await readUntil(reader, (e) => e.type === 'BOOKMARK');
        assert.deepEqual(events.slice(0, -1).map(brief), written);
        const bookmark = rvOf(events.at(-1)!.object as KubeObject);
        assert.ok(bookmark >= target, `bookmark ${bookmark} below ${target}, the revision asked`);
        const later = await store.create(podKey('ns', 'later'), pod('ns', 'later'));
        assert.equal(
          brief(await reader.next('the change after the bookmark')),
          brief({
            type: 'ADDED',
            object: later,
          }),
        );
      },
    );

    progressTest('requestWatchProgress rejects once the store is closed', async (store) => {
      await store.close();
      await rejectsStorage(store.requestWatchProgress(), 'Unreachable', /closed/);
    });

    // what progress requests are for: a watch cache learns it is current after writes it cannot
    // see (outside its prefix) and serves consistent reads itself, without waiting for a periodic
    // bookmark (as kube's cacher with etcd's RequestWatchProgress)
    const elsewhere: {
      name: string;
      write: (store: Storage, round: number) => Promise<unknown>;
    }[] = [
      {
        name: 'a create in another prefix',
        write: (store, round) => store.create(`/other/c${round}`, pod('', `c${round}`)),
      },
      {
        name: 'an update and a delete in another prefix',
        write: async (store, round) => {
          await store.create(`/other/u${round}`, pod('', `u${round}`));
          await store.guaranteedUpdate(`/other/u${round}`, (o) => ({ ...o!, spec: { v: 2 } }));
          await store.delete(`/other/u${round}`);
        },
      },
    ];
    const consistentReadTimeoutMs = 5000;
    for (const c of elsewhere) {
      progressTest(
        `a watch cache over the store serves consistent reads, fresh, right after ${c.name}`,
        async (store) => {
          const backend = new CountingBackend(store);
          const cache = new CachedStorage(backend, {
            prefix: '/pods',
            consistentReadTimeoutMs,
            bookmarkIntervalMs: 60_000,
          });
          try {
            await cache.readinessCheck();
            for (let round = 0; round < 3; round++) {
              const mine = await cache.create(podKey('ns', `p${round}`), pod('ns', `p${round}`));
              await c.write(store, round);
              const target = await store.currentRevision();
              const { lists, gets } = backend;
              const started = Date.now();
              const list = await cache.list('/pods', { recursive: true });
              const got = await cache.get(podKey('ns', `p${round}`));
              const elapsed = Date.now() - started;
              assert.equal(list.items.length, round + 1);
              assert.deepEqual(list.items.at(-1), mine, 'the fresh object');
              assert.deepEqual(got, mine);
              assert.ok(
                Number(list.resourceVersion) >= target,
                'not older than the store at the read',
              );
              assert.equal(backend.lists, lists, 'the list was served by the cache');
              assert.equal(backend.gets, gets, 'the get was served by the cache');
              assert.ok(
                elapsed < consistentReadTimeoutMs / 2,
                `took ${elapsed} ms, as long as the fallback`,
              );
            }
          } finally {
            await cache.close();
          }
        },
      );
    }
  });
}
