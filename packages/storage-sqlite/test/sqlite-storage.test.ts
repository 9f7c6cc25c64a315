import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { StatusError } from '@kapi/apimachinery';
import type { KubeObject } from '@kapi/apimachinery';
import { StorageError, decodeContinue } from '@kapi/storage';
import type { Predicate, StorageWatchEvent } from '@kapi/storage';
import { SqliteStorageLockedError } from '@kapi/storage-sqlite';
import { eventRevision, iterate, nextEvents, objectOf, openStore, tempDir } from './helpers.js';
import type { TempDir } from './helpers.js';

let tmp: TempDir;
before(async () => {
  tmp = await tempDir();
});
after(async () => {
  await tmp.cleanup();
});

function pod(name: string, labels: Record<string, string> = {}, spec: unknown = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'ns', labels }, spec };
}

function labelPredicate(key: string, value: string): Predicate {
  return { empty: false, matches: (obj) => obj.metadata?.labels?.[key] === value };
}

function rvOf(obj: KubeObject): number {
  return Number(obj.metadata?.resourceVersion);
}

/** `TYPE name@rv`. */
function brief(event: StorageWatchEvent): string {
  if (event.type === 'ERROR') return `ERROR ${event.object.message ?? ''}`;
  return `${event.type} ${event.object.metadata?.name ?? ''}@${String(rvOf(event.object))}`;
}

function statusOf(err: unknown): { code: number; reason: string; message: string } {
  assert.ok(err instanceof StatusError, `expected a StatusError, got ${String(err)}`);
  return { code: err.code, reason: err.reason, message: err.message };
}

describe('SqliteStorage on disk', () => {
  it('stores JSON without resourceVersion or selfLink and survives a reopen', async () => {
    const path = tmp.file();
    const store = openStore(path);
    const created = await store.create('/pods/ns/a', pod('a', { app: 'x' }, { n: 1 }));
    const updated = await store.guaranteedUpdate('/pods/ns/a', (cur) => ({
      ...cur!,
      metadata: { ...cur!.metadata, selfLink: '/api/v1/x' },
      spec: { n: 2 },
    }));
    assert.ok(rvOf(updated) > rvOf(created));
    const revision = await store.currentRevision();
    await store.close();

    const db = new Database(path, { readonly: true });
    const values = db.prepare('SELECT value FROM log ORDER BY revision').pluck().all() as string[];
    db.close();
    assert.equal(values.length, 2);
    for (const value of values) {
      const parsed = JSON.parse(value) as KubeObject;
      assert.equal(parsed.metadata?.resourceVersion, undefined);
      assert.equal(parsed.metadata?.selfLink, undefined);
    }

    const reopened = openStore(path);
    try {
      assert.equal(await reopened.currentRevision(), revision);
      const got = await reopened.get('/pods/ns/a');
      assert.deepEqual(got, {
        ...pod('a', { app: 'x' }, { n: 2 }),
        metadata: { ...pod('a', { app: 'x' }).metadata, resourceVersion: String(rvOf(updated)) },
      });
    } finally {
      await reopened.close();
    }
  });

  it('never reuses a revision after compaction removed the newest rows', async () => {
    const path = tmp.file();
    const store = openStore(path);
    await store.create('/k/a', pod('a'));
    const deleted = await store.delete('/k/a');
    await store.compact(rvOf(deleted));
    await store.close();
    const db = new Database(path, { readonly: true });
    const rows = db.prepare('SELECT COUNT(*) FROM log').pluck().get();
    db.close();
    assert.equal(rows, 0, 'the tombstone and the row it ended are compacted away');
    const reopened = openStore(path);
    try {
      assert.equal(await reopened.currentRevision(), rvOf(deleted));
      const next = await reopened.create('/k/b', pod('b'));
      assert.ok(rvOf(next) > rvOf(deleted));
    } finally {
      await reopened.close();
    }
  });

  it('rejects a file written by another schema version', () => {
    const path = tmp.file();
    const db = new Database(path);
    db.exec('CREATE TABLE meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL)');
    db.prepare('INSERT INTO meta VALUES (?, ?)').run('schema_version', 99);
    db.close();
    assert.throws(() => openStore(path), /schema version 99/);
  });
});

describe('SqliteStorage lock in one process', () => {
  it('a second store on the same file fails at once, naming the file', async () => {
    const path = tmp.file();
    const first = openStore(path);
    try {
      await first.create('/k/a', pod('a'));
      const started = Date.now();
      assert.throws(
        () => openStore(path),
        (err: unknown) =>
          err instanceof SqliteStorageLockedError &&
          err.path === path &&
          err.message.includes(path) &&
          /another Kapi process holds it/.test(err.message),
      );
      assert.ok(Date.now() - started < 1000, 'it fails fast');
      // the failed attempt left the first store working
      await first.create('/k/b', pod('b'));
      assert.equal(await first.count('/k'), 2);
    } finally {
      await first.close();
    }
    const second = openStore(path);
    try {
      assert.equal(await second.count('/k'), 2);
    } finally {
      await second.close();
    }
  });
});

describe('SqliteStorage writes', () => {
  it('applies concurrent compare-and-swap updates to one key without losing any', async () => {
    const store = openStore(tmp.file());
    try {
      await store.create('/counters/c', { metadata: { name: 'c' }, value: 0 });
      const n = 25;
      await Promise.all(
        Array.from({ length: n }, () =>
          store.guaranteedUpdate('/counters/c', (cur) => ({
            ...cur!,
            value: (cur!.value as number) + 1,
          })),
        ),
      );
      const final = await store.get('/counters/c');
      assert.equal(final.value, n);
    } finally {
      await store.close();
    }
  });

  it('concurrent creates of one key: exactly one wins, the others get KeyExists', async () => {
    const store = openStore(tmp.file());
    try {
      const results = await Promise.allSettled(
        Array.from({ length: 5 }, (_, i) => store.create('/k/same', pod(`v${i}`))),
      );
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r) => r.status === 'rejected');
      assert.equal(won.length, 1);
      assert.equal(lost.length, 4);
      for (const r of lost) {
        assert.ok(r.reason instanceof StorageError && r.reason.code === 'KeyExists');
      }
    } finally {
      await store.close();
    }
  });

  it('an update that changes nothing writes nothing, even with keys in another order', async () => {
    const store = openStore(tmp.file());
    try {
      const created = await store.create('/k/a', { metadata: { name: 'a' }, a: 1, b: 2 });
      const before = await store.currentRevision();
      const same = await store.guaranteedUpdate('/k/a', () => ({
        b: 2,
        a: 1,
        metadata: { name: 'a', resourceVersion: '999' },
      }));
      assert.equal(same.metadata?.resourceVersion, created.metadata?.resourceVersion);
      assert.equal(await store.currentRevision(), before);
    } finally {
      await store.close();
    }
  });

  it('a stale cachedExisting costs a retry on fresh data', async () => {
    const store = openStore(tmp.file());
    try {
      const v1 = await store.create('/k/a', { metadata: { name: 'a' }, n: 1 });
      await store.guaranteedUpdate('/k/a', (cur) => ({ ...cur!, n: 2 }));
      const seen: unknown[] = [];
      const result = await store.guaranteedUpdate(
        '/k/a',
        (cur) => {
          seen.push(cur!.n);
          return { ...cur!, n: (cur!.n as number) * 10 };
        },
        { cachedExisting: v1 },
      );
      assert.deepEqual(seen, [1, 2]);
      assert.equal(result.n, 20);
    } finally {
      await store.close();
    }
  });

  it('returns objects that do not alias the store', async () => {
    const store = openStore(tmp.file());
    try {
      const created = await store.create('/k/a', pod('a', { x: '1' }));
      const labels = created.metadata?.labels ?? {};
      labels.x = 'mutated';
      const got = await store.get('/k/a');
      assert.equal(got.metadata?.labels?.x, '1');
      const gotLabels = got.metadata?.labels ?? {};
      gotLabels.x = 'again';
      assert.equal((await store.get('/k/a')).metadata?.labels?.x, '1');
    } finally {
      await store.close();
    }
  });

  it('rejects a non-object with InvalidObj and stores nothing', async () => {
    const store = openStore(tmp.file());
    try {
      await assert.rejects(
        store.create('/k/a', [] as unknown as KubeObject),
        (err: unknown) => err instanceof StorageError && err.code === 'InvalidObj',
      );
      assert.equal(await store.count('/'), 0);
    } finally {
      await store.close();
    }
  });
});

describe('SqliteStorage reads', () => {
  it('pages a large list internally and returns the state at the list revision', async () => {
    const store = openStore(tmp.file(), { pageSize: 7 });
    try {
      for (let i = 0; i < 40; i++)
        await store.create(`/p/${String(i).padStart(2, '0')}`, pod(`p${i}`));
      const at = await store.currentRevision();
      await store.delete('/p/05');
      await store.create('/p/99', pod('p99'));
      const exact = await store.list('/p', {
        recursive: true,
        resourceVersion: String(at),
        resourceVersionMatch: 'Exact',
      });
      assert.equal(exact.resourceVersion, String(at));
      assert.equal(exact.items.length, 40);
      assert.ok(exact.items.some((o) => o.metadata?.name === 'p5'));
      assert.ok(!exact.items.some((o) => o.metadata?.name === 'p99'));
      const latest = await store.list('/p', { recursive: true });
      assert.equal(latest.items.length, 40);
      assert.ok(!latest.items.some((o) => o.metadata?.name === 'p5'));
      assert.equal(await store.count('/p'), 40);
    } finally {
      await store.close();
    }
  });

  it('fills filtered pages up to the limit and continues at the first revision', async () => {
    const store = openStore(tmp.file(), { pageSize: 4 });
    try {
      for (let i = 0; i < 30; i++) {
        await store.create(
          `/p/${String(i).padStart(2, '0')}`,
          pod(`p${i}`, { even: String(i % 2 === 0) }),
        );
      }
      const predicate = labelPredicate('even', 'true');
      const names: string[] = [];
      let token: string | undefined;
      let pages = 0;
      let revision: string | undefined;
      do {
        const page = await store.list('/p', {
          recursive: true,
          limit: 4,
          predicate,
          ...(token === undefined ? {} : { continue: token }),
        });
        pages++;
        revision ??= page.resourceVersion;
        assert.equal(page.resourceVersion, revision);
        assert.equal(page.remainingItemCount, undefined, 'no count for a filtered list');
        if (page.continue !== undefined) assert.equal(page.items.length, 4);
        names.push(...page.items.map((o) => o.metadata!.name!));
        token = page.continue;
        // a write between pages does not show up in the continued list
        await store.create(
          `/p/${String(pages).padStart(2, '0')}x`,
          pod(`new${pages}`, { even: 'true' }),
        );
      } while (token !== undefined);
      assert.deepEqual(
        names,
        Array.from({ length: 15 }, (_, i) => `p${i * 2}`),
      );
    } finally {
      await store.close();
    }
  });

  it('counts the remaining items of an unfiltered page', async () => {
    const store = openStore(tmp.file());
    try {
      for (const name of ['a', 'b', 'c', 'd', 'e']) await store.create(`/r/${name}`, pod(name));
      await store.create('/rr/x', pod('x'));
      const page = await store.list('/r', { recursive: true, limit: 2 });
      assert.equal(page.remainingItemCount, 3);
      const token = decodeContinue(page.continue!);
      assert.equal(token.startKey, 'b\u0000');
      const rest = await store.list('/r', { recursive: true, limit: 10, continue: page.continue! });
      assert.deepEqual(
        rest.items.map((o) => o.metadata?.name),
        ['c', 'd', 'e'],
      );
      assert.equal(rest.continue, undefined);
      assert.equal(rest.remainingItemCount, undefined);
    } finally {
      await store.close();
    }
  });

  it('a read at a future revision waits for the store, then answers 504', async () => {
    const store = openStore(tmp.file(), { freshnessTimeoutMs: 100 });
    try {
      const created = await store.create('/k/a', pod('a'));
      const future = rvOf(created) + 1;
      const waiting = store.get('/k/a', { resourceVersion: String(future) });
      setTimeout(() => {
        void store.create('/k/b', pod('b'));
      }, 10);
      assert.equal(rvOf(await waiting), rvOf(created), 'the write it waited for made it fresh');
      await assert.rejects(
        store.list('/k', {
          recursive: true,
          resourceVersion: String(future + 5),
          resourceVersionMatch: 'NotOlderThan',
        }),
        (err: unknown) => {
          const s = statusOf(err);
          return (
            s.code === 504 &&
            s.message === `Timeout: Too large resource version: ${future + 5}, current: ${future}`
          );
        },
      );
    } finally {
      await store.close();
    }
  });
});

describe('SqliteStorage compaction', () => {
  it('removes superseded history and expires older reads and watches', async () => {
    const path = tmp.file();
    const store = openStore(path);
    try {
      await store.create('/c/a', pod('a', {}, { n: 0 }));
      for (let n = 1; n <= 5; n++) {
        await store.guaranteedUpdate('/c/a', (cur) => ({ ...cur!, spec: { n } }));
      }
      await store.create('/c/b', pod('b'));
      const early = await store.list('/c', { recursive: true, limit: 1 });
      await store.guaranteedUpdate('/c/b', (cur) => ({ ...cur!, spec: { n: 1 } }));
      const mid = await store.currentRevision();
      await store.create('/c/z', pod('z'));
      await store.guaranteedUpdate('/c/a', (cur) => ({ ...cur!, spec: { n: 6 } }));
      await store.compact(mid);

      // the state at the compact revision is still readable
      const atMid = await store.list('/c', {
        recursive: true,
        resourceVersion: String(mid),
        resourceVersionMatch: 'Exact',
      });
      assert.deepEqual(
        atMid.items.map((o) => [o.metadata?.name, (o.spec as { n?: number }).n]),
        [
          ['a', 5],
          ['b', 1],
        ],
      );

      await assert.rejects(
        store.list('/c', {
          recursive: true,
          resourceVersion: String(mid - 1),
          resourceVersionMatch: 'Exact',
        }),
        (err: unknown) => {
          const s = statusOf(err);
          return (
            s.code === 410 &&
            s.reason === 'Expired' &&
            s.message === 'The resourceVersion for the provided list is too old.'
          );
        },
      );
      let inconsistent: string | undefined;
      await assert.rejects(
        store.list('/c', { recursive: true, limit: 1, continue: early.continue! }),
        (err: unknown) => {
          const s = statusOf(err);
          inconsistent = (err as StatusError).status.metadata.continue;
          return (
            s.code === 410 &&
            s.message.startsWith(
              'The provided continue parameter is too old to display a consistent list result.',
            )
          );
        },
      );
      // the token in the 410 continues the list after the same key, at the latest revision
      const rest = await store.list('/c', { recursive: true, continue: inconsistent! });
      assert.equal(rest.resourceVersion, String(await store.currentRevision()));
      assert.deepEqual(
        rest.items.map((o) => o.metadata?.name),
        ['b', 'z'],
      );

      const events = await nextEvents(
        iterate(store.watch('/c', { recursive: true, resourceVersion: String(mid - 1) })),
        2,
      );
      assert.equal(events.length, 1, 'one ERROR, then the stream ends');
      assert.equal(events[0]!.type, 'ERROR');
      assert.equal(events[0]!.object.message, `too old resource version: ${mid - 1} (${mid})`);

      const resumed = await nextEvents(
        iterate(store.watch('/c', { recursive: true, resourceVersion: String(mid) })),
        2,
      );
      assert.deepEqual(
        resumed.map((e) => [e.type, objectOf(e).metadata?.name]),
        [
          ['ADDED', 'z'],
          ['MODIFIED', 'a'],
        ],
      );
    } finally {
      await store.close();
    }
    const db = new Database(path, { readonly: true });
    const rows = db.prepare('SELECT key, revision FROM log ORDER BY revision').all() as {
      key: string;
    }[];
    db.close();
    // a@5, b@1, z, a@6: the older versions of a and b are gone
    assert.deepEqual(
      rows.map((r) => r.key),
      ['/c/a', '/c/b', '/c/z', '/c/a'],
    );
  });

  it('a list in progress keeps its revision readable while compaction runs', async () => {
    const store = openStore(tmp.file(), { pageSize: 3 });
    try {
      for (let i = 0; i < 20; i++)
        await store.create(`/q/${String(i).padStart(2, '0')}`, pod(`q${i}`, {}, { v: 0 }));
      const at = await store.currentRevision();
      for (let i = 0; i < 20; i++) {
        await store.guaranteedUpdate(`/q/${String(i).padStart(2, '0')}`, (cur) => ({
          ...cur!,
          spec: { v: 1 },
        }));
      }
      const listing = store.list('/q', {
        recursive: true,
        resourceVersion: String(at),
        resourceVersionMatch: 'Exact',
      });
      const compacting = store.compact(await store.currentRevision());
      const [result] = await Promise.all([listing, compacting]);
      assert.equal(result.items.length, 20);
      assert.ok(result.items.every((o) => (o.spec as { v: number }).v === 0));
    } finally {
      await store.close();
    }
  });

  it('a watch keeps its initial state readable while compaction runs', async () => {
    const store = openStore(tmp.file(), { pageSize: 2 });
    try {
      for (let i = 0; i < 9; i++) await store.create(`/iw/${i}`, pod(`iw${i}`, {}, { v: 0 }));
      const at = await store.currentRevision();
      const w = iterate(store.watch('/iw', { recursive: true }));
      for (let i = 0; i < 9; i++) {
        await store.guaranteedUpdate(`/iw/${i}`, (cur) => ({ ...cur!, spec: { v: 1 } }));
      }
      await store.compact(await store.currentRevision());
      const events = await nextEvents(w, 18);
      const initial = events.slice(0, 9);
      assert.ok(initial.every((e) => e.type === 'ADDED' && eventRevision(e) <= at));
      assert.ok(initial.every((e) => (objectOf(e).spec as { v: number }).v === 0));
      assert.ok(events.slice(9).every((e) => e.type === 'MODIFIED' && eventRevision(e) > at));
    } finally {
      await store.close();
    }
  });

  it('compacts periodically to the revision of the previous run', async () => {
    const store = openStore(tmp.file(), { compactionIntervalMs: 30 });
    try {
      await store.create('/k/a', pod('a'));
      const first = await store.currentRevision();
      await new Promise((resolve) => setTimeout(resolve, 45));
      await store.create('/k/b', pod('b'));
      await new Promise((resolve) => setTimeout(resolve, 60));
      await assert.rejects(
        store.list('/k', {
          recursive: true,
          resourceVersion: String(first - 1),
          resourceVersionMatch: 'Exact',
        }),
        (err: unknown) => statusOf(err).code === 410,
      );
    } finally {
      await store.close();
    }
  });
});

describe('SqliteStorage watch', () => {
  it('resumes from a revision with every later change exactly once, in order', async () => {
    const store = openStore(tmp.file());
    try {
      const a = await store.create('/w/a', pod('a'));
      await store.guaranteedUpdate('/w/a', (cur) => ({ ...cur!, spec: { n: 1 } }));
      await store.create('/w/b', pod('b'));
      await store.create('/wx/c', pod('c'));
      await store.delete('/w/a');
      const it1 = iterate(store.watch('/w', { recursive: true, resourceVersion: String(rvOf(a)) }));
      await store.create('/w/d', pod('d'));
      const events = await nextEvents(it1, 4);
      assert.deepEqual(
        events.map((e) => [e.type, objectOf(e).metadata?.name]),
        [
          ['MODIFIED', 'a'],
          ['ADDED', 'b'],
          ['DELETED', 'a'],
          ['ADDED', 'd'],
        ],
      );
      const revisions = events.map(eventRevision);
      assert.deepEqual(
        revisions,
        [...revisions].sort((x, y) => x - y),
      );
      assert.ok(revisions[0]! > rvOf(a));
    } finally {
      await store.close();
    }
  });

  it('a slow watcher falls back to the log and does not stall a fast one', async () => {
    const store = openStore(tmp.file(), { watchBufferSize: 4, pageSize: 3 });
    try {
      const slow = iterate(
        store.watch('/s', {
          recursive: true,
          resourceVersion: String(await store.currentRevision()),
        }),
      );
      const fast = iterate(
        store.watch('/s', {
          recursive: true,
          resourceVersion: String(await store.currentRevision()),
        }),
      );
      const n = 30;
      const fastEvents: number[] = [];
      for (let i = 0; i < n; i++) {
        await store.create(`/s/${i}`, pod(`s${i}`));
        const [event] = await nextEvents(fast, 1);
        fastEvents.push(eventRevision(event!));
      }
      const slowEvents = (await nextEvents(slow, n)).map(eventRevision);
      assert.deepEqual(slowEvents, fastEvents);
      assert.equal(new Set(slowEvents).size, n);
    } finally {
      await store.close();
    }
  });

  it('turns predicate transitions into ADDED and DELETED', async () => {
    const store = openStore(tmp.file());
    try {
      const w = iterate(
        store.watch('/t', {
          recursive: true,
          predicate: labelPredicate('app', 'web'),
          resourceVersion: String(await store.currentRevision()),
        }),
      );
      await store.create('/t/a', pod('a', { app: 'db' }));
      await store.guaranteedUpdate('/t/a', (cur) => ({
        ...cur!,
        metadata: { ...cur!.metadata, labels: { app: 'web' } },
      }));
      await store.guaranteedUpdate('/t/a', (cur) => ({ ...cur!, spec: { n: 1 } }));
      const stopped = await store.guaranteedUpdate('/t/a', (cur) => ({
        ...cur!,
        metadata: { ...cur!.metadata, labels: { app: 'db' } },
      }));
      await store.create('/t/b', pod('b', { app: 'web' }));
      const deleted = await store.delete('/t/b');
      const events = await nextEvents(w, 5);
      assert.deepEqual(
        events.map((e) => [e.type, objectOf(e).metadata?.name, objectOf(e).metadata?.labels?.app]),
        [
          ['ADDED', 'a', 'web'],
          ['MODIFIED', 'a', 'web'],
          // the last matching state, at the revision it stopped matching
          ['DELETED', 'a', 'web'],
          ['ADDED', 'b', 'web'],
          ['DELETED', 'b', 'web'],
        ],
      );
      assert.equal(eventRevision(events[2]!), rvOf(stopped));
      assert.equal(eventRevision(events[4]!), rvOf(deleted));
    } finally {
      await store.close();
    }
  });

  it('sends the initial state, then the end bookmark, then changes', async () => {
    const store = openStore(tmp.file(), { pageSize: 2 });
    try {
      for (const name of ['a', 'b', 'c', 'd', 'e']) await store.create(`/i/${name}`, pod(name));
      const at = await store.currentRevision();
      const w = iterate(
        store.watch('/i', { recursive: true, sendInitialEvents: true, allowBookmarks: true }),
      );
      await store.create('/i/f', pod('f'));
      const events = await nextEvents(w, 7);
      assert.deepEqual(
        events.map((e) => e.type),
        ['ADDED', 'ADDED', 'ADDED', 'ADDED', 'ADDED', 'BOOKMARK', 'ADDED'],
      );
      assert.deepEqual(events[5]!.object.metadata, {
        resourceVersion: String(at),
        annotations: { 'k8s.io/initial-events-end': 'true' },
      });
      assert.equal(objectOf(events[6]!).metadata?.name, 'f');
    } finally {
      await store.close();
    }
  });

  it('sends periodic bookmarks to watches that allow them', async () => {
    const store = openStore(tmp.file(), { bookmarkIntervalMs: 20 });
    try {
      const w = iterate(
        store.watch('/b', {
          recursive: true,
          allowBookmarks: true,
          resourceVersion: String(await store.currentRevision()),
        }),
      );
      await store.create('/other/x', pod('x'));
      const [event] = await nextEvents(w, 1);
      assert.equal(event!.type, 'BOOKMARK');
      assert.equal(event!.object.metadata?.resourceVersion, String(await store.currentRevision()));
    } finally {
      await store.close();
    }
  });

  it('ends running watches and rejects calls after close', async () => {
    const store = openStore(tmp.file());
    const w = iterate(store.watch('/x', { recursive: true }));
    const pending = w.next();
    await store.close();
    assert.deepEqual(await pending, { value: undefined, done: true });
    await assert.rejects(
      store.get('/x/a'),
      (err: unknown) => err instanceof StorageError && err.code === 'Unreachable',
    );
    await assert.rejects(
      store.readinessCheck(),
      (err: unknown) => err instanceof StorageError && err.code === 'Unreachable',
    );
  });

  it('stops on abort', async () => {
    const store = openStore(tmp.file());
    try {
      const controller = new AbortController();
      const w = iterate(store.watch('/x', { recursive: true, signal: controller.signal }));
      const pending = w.next();
      controller.abort();
      assert.deepEqual(await pending, { value: undefined, done: true });
      await store.readinessCheck();
    } finally {
      await store.close();
    }
  });
});

// the progress-request cases every backend shares are in the conformance suite (conformance.test.ts)
describe('SqliteStorage.requestWatchProgress', () => {
  it('sends the bookmark after every undelivered change, also from a watcher that overflowed and reads the log', async () => {
    const store = openStore(tmp.file(), { watchBufferSize: 4, bookmarkIntervalMs: 60_000 });
    try {
      const w = iterate(
        store.watch('/pods', {
          recursive: true,
          resourceVersion: String(await store.currentRevision()),
          allowBookmarks: true,
          progressNotify: true,
        }),
      );
      // nothing is read while the writes happen: far more than the watcher's buffer holds
      const written: string[] = [];
      for (let i = 0; i < 30; i++) {
        const obj = await store.create(`/pods/ns/p${i}`, pod(`p${i}`));
        written.push(`ADDED p${i}@${rvOf(obj)}`);
        if (i % 3 === 0) await store.create(`/other/o${i}`, pod(`o${i}`));
      }
      const target = await store.currentRevision();
      await store.requestWatchProgress();
      const events = await nextEvents(w, written.length + 1);
      assert.deepEqual(events.slice(0, -1).map(brief), written);
      const bookmark = events.at(-1)!;
      assert.equal(bookmark.type, 'BOOKMARK');
      assert.ok(eventRevision(bookmark) >= target, `bookmark ${brief(bookmark)} below ${target}`);
      const later = await store.create('/pods/ns/later', pod('later'));
      assert.deepEqual((await nextEvents(w, 1)).map(brief), [`ADDED later@${rvOf(later)}`]);
    } finally {
      await store.close();
    }
  });

  it('sends one even when nothing changed since the last event', async () => {
    const store = openStore(tmp.file(), { bookmarkIntervalMs: 60_000 });
    try {
      const w = iterate(
        store.watch('/pods', {
          recursive: true,
          sendInitialEvents: true,
          allowBookmarks: true,
          progressNotify: true,
        }),
      );
      const start = await store.currentRevision();
      assert.deepEqual((await nextEvents(w, 1)).map(brief), [`BOOKMARK @${start}`]);
      await store.requestWatchProgress();
      assert.deepEqual((await nextEvents(w, 1)).map(brief), [`BOOKMARK @${start}`]);
    } finally {
      await store.close();
    }
  });
});
