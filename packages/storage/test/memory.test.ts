import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject, Status } from '@kapi/apimachinery';
import { MemoryStorage, StorageError, decodeContinue } from '@kapi/storage';
import type { Predicate, StorageWatchEvent, Watcher } from '@kapi/storage';
import { runStorageConformance } from '@kapi/storage/testing';

runStorageConformance('memory', {
  newStore: () =>
    Promise.resolve(new MemoryStorage({ freshnessTimeoutMs: 100, bookmarkIntervalMs: 20 })),
  // no periodic bookmark during a test: every bookmark there was asked for
  newProgressStore: () =>
    Promise.resolve(new MemoryStorage({ freshnessTimeoutMs: 100, bookmarkIntervalMs: 60_000 })),
});

function pod(name: string, spec: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { namespace: 'ns', name }, spec };
}

function rvOf(obj: KubeObject | null | undefined): number {
  return Number(obj?.metadata?.resourceVersion);
}

/** The Status of an ERROR event. */
function statusOf(event: StorageWatchEvent | undefined): Status {
  assert.ok(event?.type === 'ERROR', `expected an ERROR event, got ${event?.type}`);
  return event.object;
}

/** The next event of `watcher`, or `'end'`, or `'timeout'` after `ms`. */
async function nextOf(
  iterator: AsyncIterator<StorageWatchEvent>,
  ms = 1000,
): Promise<StorageWatchEvent | 'end' | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => {
      resolve('timeout');
    }, ms);
  });
  try {
    const result = await Promise.race([iterator.next(), timeout]);
    if (result === 'timeout') return result;
    return result.done === true ? 'end' : result.value;
  } finally {
    clearTimeout(timer);
  }
}

/** Every event until the watch ends (fails if it does not end within `ms` per read). */
async function readToEnd(watcher: Watcher, ms = 1000): Promise<StorageWatchEvent[]> {
  const iterator = watcher[Symbol.asyncIterator]();
  const events: StorageWatchEvent[] = [];
  for (let i = 0; i < 100000; i++) {
    const next = await nextOf(iterator, ms);
    if (next === 'end') return events;
    assert.notEqual(next, 'timeout', `the watch did not end (after ${events.length} events)`);
    events.push(next as StorageWatchEvent);
  }
  assert.fail('too many events');
}

describe('MemoryStorage', () => {
  describe('bounded history', () => {
    it('compacts what falls out of the history: watches and lists below it get 410', async () => {
      const store = new MemoryStorage({ historySize: 5 });
      try {
        const written: KubeObject[] = [];
        for (let i = 0; i < 10; i++)
          written.push(await store.create(`/pods/ns/p${i}`, pod(`p${i}`)));
        // the last 5 writes are kept, so the floor is the 5th write
        const floor = rvOf(written[4]);
        const old = rvOf(written[1]);

        const events = await readToEnd(
          store.watch('/pods', { recursive: true, resourceVersion: String(old) }),
        );
        assert.equal(events.length, 1);
        assert.equal(events[0]?.type, 'ERROR');
        const status = statusOf(events[0]);
        assert.equal(status.code, 410);
        assert.equal(status.message, `too old resource version: ${old} (${floor})`);

        const resumed = store.watch('/pods', { recursive: true, resourceVersion: String(floor) });
        const iterator = resumed[Symbol.asyncIterator]();
        for (const expected of written.slice(5)) {
          assert.deepEqual(await nextOf(iterator), { type: 'ADDED', object: expected });
        }
        resumed.stop();

        await assert.rejects(
          store.list('/pods', {
            recursive: true,
            resourceVersion: String(old),
            resourceVersionMatch: 'Exact',
          }),
          { code: 410, reason: 'Expired' },
        );
        const atFloor = await store.list('/pods', {
          recursive: true,
          resourceVersion: String(floor),
          resourceVersionMatch: 'Exact',
        });
        assert.deepEqual(atFloor.items, written.slice(0, 5));
      } finally {
        await store.close();
      }
    });

    it('keeps old versions only while a read could see them', async () => {
      const store = new MemoryStorage({ historySize: 3 });
      try {
        const key = '/pods/ns/a';
        const first = await store.create(key, pod('a', { v: 0 }));
        let last = first;
        for (let v = 1; v <= 6; v++) {
          last = await store.guaranteedUpdate(key, (cur) => ({ ...cur!, spec: { v } }));
        }
        await store.delete(key);
        const recreated = await store.create(key, pod('a', { v: 'again' }));
        // history: update v=6, delete, re-create; the floor is the update to v=5
        const atFloor = await store.list(key, {
          resourceVersion: String(rvOf(last) - 1),
          resourceVersionMatch: 'Exact',
        });
        assert.deepEqual(
          atFloor.items.map((o) => o.spec),
          [{ v: 5 }],
        );
        await assert.rejects(
          store.list(key, { resourceVersion: String(rvOf(first)), resourceVersionMatch: 'Exact' }),
          { code: 410 },
        );
        assert.deepEqual(await store.get(key), recreated);
      } finally {
        await store.close();
      }
    });

    it('compact beyond the current revision compacts up to it', async () => {
      const store = new MemoryStorage();
      try {
        const a = await store.create('/pods/ns/a', pod('a'));
        await store.compact(rvOf(a) + 100);
        const w = store.watch('/pods', { recursive: true, resourceVersion: String(rvOf(a)) });
        const b = await store.create('/pods/ns/b', pod('b'));
        assert.deepEqual(await nextOf(w[Symbol.asyncIterator]()), { type: 'ADDED', object: b });
        await assert.rejects(store.compact(-1), { code: 400 });
      } finally {
        await store.close();
      }
    });
  });

  describe('slow watchers', () => {
    it('a watcher that never reads blocks neither writers nor other watchers and is terminated', async () => {
      const store = new MemoryStorage({ watchBufferSize: 4 });
      try {
        const start = String(await store.currentRevision());
        const slow = store.watch('/pods', { recursive: true, resourceVersion: start });
        const fast = store.watch('/pods', { recursive: true, resourceVersion: start });
        const fastIterator = fast[Symbol.asyncIterator]();
        const written: KubeObject[] = [];
        const seenByFast: StorageWatchEvent[] = [];
        for (let i = 0; i < 50; i++) {
          written.push(await store.create(`/pods/ns/p${String(i).padStart(2, '0')}`, pod(`p${i}`)));
          const next = await nextOf(fastIterator);
          assert.ok(next !== 'end' && next !== 'timeout', `the fast watcher got event ${i}`);
          seenByFast.push(next);
        }
        assert.deepEqual(
          seenByFast,
          written.map((object) => ({ type: 'ADDED', object })),
          'the fast watcher sees every event',
        );

        // the slow one gets what it had queued: a gap-free prefix, then a clean end (no ERROR)
        const slowEvents = await readToEnd(slow);
        assert.deepEqual(
          slowEvents,
          written.slice(0, 4).map((object) => ({ type: 'ADDED', object })),
        );

        // and resumes from the last revision it saw without missing anything
        const resumed = store.watch('/pods', {
          recursive: true,
          resourceVersion: slowEvents[3]!.object.metadata!.resourceVersion!,
        });
        const resumedIterator = resumed[Symbol.asyncIterator]();
        for (const object of written.slice(4)) {
          assert.deepEqual(await nextOf(resumedIterator), { type: 'ADDED', object });
        }
        resumed.stop();
        fast.stop();
      } finally {
        await store.close();
      }
    });

    it('a slow consumer that keeps up within its buffer is not terminated', async () => {
      const store = new MemoryStorage({ watchBufferSize: 4 });
      try {
        const w = store.watch('/pods', {
          recursive: true,
          resourceVersion: String(await store.currentRevision()),
        });
        const iterator = w[Symbol.asyncIterator]();
        for (let round = 0; round < 5; round++) {
          const batch: KubeObject[] = [];
          for (let i = 0; i < 4; i++)
            batch.push(await store.create(`/pods/ns/r${round}-${i}`, pod(`r${round}-${i}`)));
          for (const object of batch)
            assert.deepEqual(await nextOf(iterator), { type: 'ADDED', object });
        }
        assert.equal(await nextOf(iterator, 50), 'timeout', 'still open and waiting');
      } finally {
        await store.close();
      }
    });

    it('a predicate that throws ends only its own watch, with an ERROR', async () => {
      const store = new MemoryStorage();
      try {
        const start = String(await store.currentRevision());
        const broken: Predicate = {
          empty: false,
          matches: () => {
            throw new Error('selector blew up');
          },
        };
        const bad = store.watch('/pods', {
          recursive: true,
          resourceVersion: start,
          predicate: broken,
        });
        const good = store.watch('/pods', { recursive: true, resourceVersion: start });
        const a = await store.create('/pods/ns/a', pod('a'));
        const events = await readToEnd(bad);
        assert.equal(events.length, 1);
        assert.equal(events[0]?.type, 'ERROR');
        assert.equal(statusOf(events[0]).code, 500);
        assert.deepEqual(await nextOf(good[Symbol.asyncIterator]()), { type: 'ADDED', object: a });
      } finally {
        await store.close();
      }
    });
  });

  describe('bookmarks', () => {
    it('sends periodic bookmarks at the current revision only when allowed', async () => {
      const store = new MemoryStorage({ bookmarkIntervalMs: 10 });
      try {
        const a = await store.create('/pods/ns/a', pod('a'));
        await store.create('/other/x', pod('x'));
        const rev = await store.currentRevision();
        const allowed = store.watch('/pods/ns/a', {
          resourceVersion: String(rvOf(a)),
          allowBookmarks: true,
        });
        const notAllowed = store.watch('/pods/ns/a', { resourceVersion: String(rvOf(a)) });
        const bookmark = await nextOf(allowed[Symbol.asyncIterator]());
        assert.deepEqual(bookmark, {
          type: 'BOOKMARK',
          object: { metadata: { resourceVersion: String(rev) } },
        });
        assert.equal(await nextOf(notAllowed[Symbol.asyncIterator](), 100), 'timeout');
      } finally {
        await store.close();
      }
    });

    it('a progress request follows the initial state of a watch from the current state', async () => {
      const store = new MemoryStorage({ bookmarkIntervalMs: 60_000 });
      try {
        const a = await store.create('/pods/ns/a', pod('a'));
        const watcher = store.watch('/pods', {
          recursive: true,
          sendInitialEvents: true,
          allowBookmarks: true,
          progressNotify: true,
        });
        await store.create('/other/x', pod('x'));
        const target = await store.currentRevision();
        await store.requestWatchProgress();
        const iterator = watcher[Symbol.asyncIterator]();
        const events: string[] = [];
        for (let i = 0; i < 3; i++) {
          const event = await nextOf(iterator);
          assert.ok(typeof event !== 'string', `event ${i + 1} of 3: ${event as string}`);
          const meta = event.type === 'ERROR' ? undefined : event.object.metadata;
          events.push(`${event.type} ${meta?.name ?? ''}@${meta?.resourceVersion ?? ''}`);
        }
        assert.deepEqual(events, [
          `ADDED a@${rvOf(a)}`,
          `BOOKMARK @${rvOf(a)}`, // the initial-events-end bookmark
          `BOOKMARK @${target}`,
        ]);
        watcher.stop();
      } finally {
        await store.close();
      }
    });
  });

  describe('freshness', () => {
    it('a watch-list from a future revision starts once the store gets there', async () => {
      const store = new MemoryStorage({ freshnessTimeoutMs: 2000 });
      try {
        const future = (await store.currentRevision()) + 2;
        const w = store.watch('/pods', {
          recursive: true,
          resourceVersion: String(future),
          sendInitialEvents: true,
          allowBookmarks: true,
        });
        const a = await store.create('/pods/ns/a', pod('a'));
        const b = await store.create('/pods/ns/b', pod('b'));
        const iterator = w[Symbol.asyncIterator]();
        assert.deepEqual(await nextOf(iterator), { type: 'ADDED', object: a });
        assert.deepEqual(await nextOf(iterator), { type: 'ADDED', object: b });
        const bookmark = await nextOf(iterator);
        assert.equal((bookmark as StorageWatchEvent).type, 'BOOKMARK');
      } finally {
        await store.close();
      }
    });

    it('a watch-list from a revision never reached ends with a 504 ERROR', async () => {
      const store = new MemoryStorage({ freshnessTimeoutMs: 20 });
      try {
        const w = store.watch('/pods', {
          recursive: true,
          resourceVersion: '1000',
          sendInitialEvents: true,
          allowBookmarks: true,
        });
        const events = await readToEnd(w);
        assert.equal(events.length, 1);
        assert.equal(events[0]?.type, 'ERROR');
        assert.equal(statusOf(events[0]).code, 504);
      } finally {
        await store.close();
      }
    });

    it('a read waiting for a revision is served when a write gets there', async () => {
      const store = new MemoryStorage({ freshnessTimeoutMs: 2000 });
      try {
        const next = (await store.currentRevision()) + 1;
        const read = store.list('/pods', { recursive: true, resourceVersion: String(next) });
        const a = await store.create('/pods/ns/a', pod('a'));
        assert.deepEqual((await read).items, [a]);
      } finally {
        await store.close();
      }
    });
  });

  describe('lifecycle and input', () => {
    it('a closed store rejects calls as unreachable', async () => {
      const store = new MemoryStorage();
      await store.create('/pods/ns/a', pod('a'));
      await store.close();
      await store.close();
      const unreachable = (err: unknown): boolean =>
        err instanceof StorageError && err.code === 'Unreachable';
      await assert.rejects(store.get('/pods/ns/a'), unreachable);
      await assert.rejects(store.create('/pods/ns/b', pod('b')), unreachable);
      await assert.rejects(store.readinessCheck(), unreachable);
      assert.throws(() => store.watch('/pods', { recursive: true }), unreachable);
    });

    it('rejects what is not a JSON object, writing nothing', async () => {
      const store = new MemoryStorage();
      try {
        const cases: [string, unknown][] = [
          ['a BigInt', { ...pod('a'), spec: { n: 1n } }],
          ['an array', [1, 2]],
          ['metadata that is not an object', { metadata: 'x' }],
        ];
        for (const [name, obj] of cases) {
          await assert.rejects(
            store.create('/pods/ns/a', obj as KubeObject),
            (err: unknown) => err instanceof StorageError && err.code === 'InvalidObj',
            name,
          );
        }
        assert.equal(await store.count('/pods'), 0);
      } finally {
        await store.close();
      }
    });

    it('validates its options', () => {
      assert.throws(() => new MemoryStorage({ historySize: 0 }), RangeError);
      assert.throws(() => new MemoryStorage({ watchBufferSize: 1.5 }), RangeError);
      assert.throws(() => new MemoryStorage({ freshnessTimeoutMs: -1 }), RangeError);
    });
  });

  describe('key order and scale', () => {
    it('orders keys by their UTF-8 bytes, as etcd and SQLite do', async () => {
      const store = new MemoryStorage();
      try {
        // U+E000 sorts before U+1F600 in UTF-8, after it in UTF-16 code units
        for (const name of ['\u{1F600}', '\uE000', 'z', 'A'])
          await store.create(`/k/${name}`, pod(name));
        const names = (await store.list('/k', { recursive: true })).items.map(
          (o) => o.metadata?.name,
        );
        assert.deepEqual(names, ['A', 'z', '\uE000', '\u{1F600}']);
      } finally {
        await store.close();
      }
    });

    it('pages, counts and reads old pages over 100k keys', { timeout: 60000 }, async () => {
      const store = new MemoryStorage({ historySize: 200000 });
      try {
        const n = 100000;
        // created out of order
        for (let i = 0; i < n; i++) {
          const j = (i * 7919) % n;
          await store.create(`/pods/ns${j % 10}/p${String(j).padStart(6, '0')}`, pod(`p${j}`));
        }
        assert.equal(await store.count('/pods'), n);
        assert.equal(await store.count('/pods/ns3'), n / 10);
        const page1 = await store.list('/pods/ns3', { recursive: true, limit: 500 });
        assert.equal(page1.items.length, 500);
        assert.equal(page1.remainingItemCount, n / 10 - 500);
        assert.equal(page1.items[0]?.metadata?.name, 'p3');
        // writes after the first page do not change the next one, nor its remaining count
        await store.delete('/pods/ns3/p099993');
        await store.create('/pods/ns3/p999999', pod('p999999'));
        const page2 = await store.list('/pods/ns3', {
          recursive: true,
          limit: 500,
          continue: page1.continue!,
        });
        assert.equal(page2.items.length, 500);
        assert.equal(page2.remainingItemCount, n / 10 - 1000);
        assert.equal(
          decodeContinue(page2.continue!).resourceVersion,
          Number(page1.resourceVersion),
        );
        const latest = await store.list('/pods/ns3', { recursive: true, limit: 1 });
        assert.equal(latest.remainingItemCount, n / 10 - 1);
      } finally {
        await store.close();
      }
    });
  });
});
