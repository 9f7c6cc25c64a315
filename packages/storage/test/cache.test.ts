import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { StatusError } from '@kapi/apimachinery';
import type { KubeObject, Status } from '@kapi/apimachinery';
import { CachedStorage, MemoryStorage, StorageError, decodeContinue } from '@kapi/storage';
import type {
  CachedStorageOptions,
  CallOptions,
  DeleteOptions,
  GetOptions,
  ListOptions,
  ListResult,
  MemoryStorageOptions,
  Predicate,
  Storage,
  StorageWatchEvent,
  UpdateFunction,
  UpdateOptions,
  WatchOptions,
  Watcher,
} from '@kapi/storage';

const INITIAL_EVENTS_END = 'k8s.io/initial-events-end';

/** A backend that forwards to a MemoryStorage, counts calls, and can drop its watches or go down. */
class ProbedBackend implements Storage {
  readonly calls = { get: 0, list: 0, watch: 0, currentRevision: 0 };
  readonly cachedExisting: (KubeObject | undefined)[] = [];
  down = false;
  private readonly watches = new Set<Watcher>();

  constructor(readonly inner: MemoryStorage) {}

  /** How many watches of this backend are running. */
  get activeWatches(): number {
    return this.watches.size;
  }

  /** Ends every running watch, as a backend restart does. */
  dropWatches(): void {
    for (const w of this.watches) w.stop();
    this.watches.clear();
  }

  create(key: string, obj: KubeObject, options?: CallOptions): Promise<KubeObject> {
    this.check();
    return this.inner.create(key, obj, options);
  }

  get(key: string, options: GetOptions & { ignoreNotFound: true }): Promise<KubeObject | null>;
  get(key: string, options?: GetOptions): Promise<KubeObject>;
  get(key: string, options: GetOptions = {}): Promise<KubeObject | null> {
    this.check();
    this.calls.get++;
    return this.inner.get(key, options);
  }

  list(key: string, options?: ListOptions): Promise<ListResult> {
    this.check();
    this.calls.list++;
    return this.inner.list(key, options);
  }

  guaranteedUpdate(
    key: string,
    fn: UpdateFunction,
    options: UpdateOptions = {},
  ): Promise<KubeObject> {
    this.check();
    this.cachedExisting.push(options.cachedExisting);
    return this.inner.guaranteedUpdate(key, fn, options);
  }

  delete(key: string, options: DeleteOptions = {}): Promise<KubeObject> {
    this.check();
    this.cachedExisting.push(options.cachedExisting);
    return this.inner.delete(key, options);
  }

  watch(key: string, options?: WatchOptions): Watcher {
    this.check();
    this.calls.watch++;
    const inner = this.inner.watch(key, options);
    this.watches.add(inner);
    const forget = (): void => {
      this.watches.delete(inner);
    };
    return {
      stop: () => {
        forget();
        inner.stop();
      },
      [Symbol.asyncIterator]: () => {
        const it = inner[Symbol.asyncIterator]();
        return {
          next: async () => {
            const result = await it.next();
            if (result.done === true) forget();
            return result;
          },
          return: async () => {
            forget();
            return (await it.return?.()) ?? { done: true, value: undefined };
          },
        };
      },
    };
  }

  count(key: string): Promise<number> {
    this.check();
    return this.inner.count(key);
  }

  currentRevision(): Promise<number> {
    this.check();
    this.calls.currentRevision++;
    return this.inner.currentRevision();
  }

  compact(revision: number): Promise<void> {
    this.check();
    return this.inner.compact(revision);
  }

  readinessCheck(): Promise<void> {
    return this.inner.readinessCheck();
  }

  close(): Promise<void> {
    this.dropWatches();
    return this.inner.close();
  }

  private check(): void {
    if (this.down) throw StorageError.unreachable('/', 'the test backend is down');
  }
}

/**
 * A backend that answers requestWatchProgress as etcd does: every running watch soon gets a
 * bookmark at the current revision, after the events before it.
 */
class ProgressBackend extends ProbedBackend {
  progressRequests = 0;
  private readonly feeds = new Set<(revision: number) => void>();

  async requestWatchProgress(): Promise<void> {
    this.progressRequests++;
    const revision = await this.inner.currentRevision();
    // after every event up to `revision` has been pumped into the feeds
    setImmediate(() => {
      for (const feed of this.feeds) feed(revision);
    });
  }

  override watch(key: string, options?: WatchOptions): Watcher {
    const inner = super.watch(key, options);
    const queue: StorageWatchEvent[] = [];
    let wake: (() => void) | undefined;
    let ended = false;
    const feed = (revision: number): void => {
      queue.push({ type: 'BOOKMARK', object: { metadata: { resourceVersion: String(revision) } } });
      wake?.();
    };
    this.feeds.add(feed);
    const finish = (): void => {
      ended = true;
      this.feeds.delete(feed);
      wake?.();
    };
    void (async () => {
      for await (const event of inner) {
        queue.push(event);
        wake?.();
      }
      finish();
    })();
    const stop = (): void => {
      inner.stop();
      finish();
    };
    return {
      stop,
      [Symbol.asyncIterator]: () => ({
        next: async (): Promise<IteratorResult<StorageWatchEvent>> => {
          while (queue.length === 0 && !ended) {
            await new Promise<void>((resolve) => (wake = resolve));
          }
          const event = queue.shift();
          return event === undefined
            ? { done: true, value: undefined }
            : { done: false, value: event };
        },
        return: () => {
          stop();
          return Promise.resolve({ done: true, value: undefined });
        },
      }),
    };
  }
}

/** Reads a watch with a timeout on every read. */
class Reader {
  private readonly it: AsyncIterator<StorageWatchEvent>;
  private pending: Promise<IteratorResult<StorageWatchEvent>> | undefined;

  constructor(readonly watcher: Watcher) {
    this.it = watcher[Symbol.asyncIterator]();
  }

  /** The next result (an event or the end), failing when none comes within `ms`. */
  async result(ms = 3000): Promise<IteratorResult<StorageWatchEvent>> {
    const r = await this.within(ms);
    if (r === 'timeout') assert.fail(`no watch event within ${ms} ms`);
    return r;
  }

  async next(ms = 3000): Promise<StorageWatchEvent> {
    const r = await this.result(ms);
    if (r.done === true) assert.fail('the watch ended');
    return r.value;
  }

  async expect(type: StorageWatchEvent['type'], object?: KubeObject): Promise<StorageWatchEvent> {
    const e = await this.next();
    assert.equal(e.type, type, `expected ${type}, got ${e.type}: ${JSON.stringify(e.object)}`);
    if (object !== undefined) assert.deepEqual(e.object, object);
    return e;
  }

  async expectEnd(ms = 3000): Promise<void> {
    const r = await this.result(ms);
    assert.equal(r.done, true, `expected the end, got ${JSON.stringify(r.value)}`);
  }

  async expectQuiet(ms: number): Promise<void> {
    const r = await this.within(ms);
    assert.equal(r, 'timeout', `expected nothing, got ${JSON.stringify(r)}`);
  }

  private async within(ms: number): Promise<IteratorResult<StorageWatchEvent> | 'timeout'> {
    this.pending ??= this.it.next();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => {
        resolve('timeout');
      }, ms);
    });
    try {
      const r = await Promise.race([this.pending, timeout]);
      if (r !== 'timeout') this.pending = undefined;
      return r;
    } finally {
      clearTimeout(timer);
    }
  }
}

function pod(namespace: string, name: string, extra: Partial<KubeObject> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { namespace, name }, spec: {}, ...extra };
}

function key(namespace: string, name: string): string {
  return `/pods/${namespace}/${name}`;
}

function rv(obj: KubeObject | null | undefined): number {
  const value = obj?.metadata?.resourceVersion;
  assert.ok(
    value !== undefined && /^\d+$/.test(value),
    `no resourceVersion on ${JSON.stringify(obj)}`,
  );
  return Number(value);
}

function labelled(app: string): Predicate {
  return { empty: false, matches: (obj) => obj.metadata?.labels?.app === app };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

interface Fixture {
  memory: MemoryStorage;
  backend: ProbedBackend;
  cache: CachedStorage;
}

const open: CachedStorage[] = [];
after(async () => {
  await Promise.all(open.map((c) => c.close()));
});

/** A ready cache of /pods over a probed memory backend; closed after the file's tests. */
async function setup(
  options: Partial<CachedStorageOptions> = {},
  memoryOptions: MemoryStorageOptions = {},
  makeBackend: (memory: MemoryStorage) => ProbedBackend = (m) => new ProbedBackend(m),
): Promise<Fixture> {
  const memory = new MemoryStorage({
    freshnessTimeoutMs: 100,
    bookmarkIntervalMs: 20,
    ...memoryOptions,
  });
  const backend = makeBackend(memory);
  const cache = new CachedStorage(backend, {
    prefix: '/pods',
    freshnessTimeoutMs: 200,
    consistentReadTimeoutMs: 1000,
    bookmarkIntervalMs: 50,
    retryDelayMs: 50,
    closeBackend: true,
    ...options,
  });
  open.push(cache);
  await cache.readinessCheck();
  return { memory, backend, cache };
}

/** Creates the objects through `store`, in order, and returns them as stored. */
async function createAll(store: Storage, names: [string, string][]): Promise<KubeObject[]> {
  const out: KubeObject[] = [];
  for (const [ns, name] of names) out.push(await store.create(key(ns, name), pod(ns, name)));
  return out;
}

async function rejectsStatus(
  p: Promise<unknown>,
  code: number,
  reason: string,
): Promise<StatusError> {
  let caught: unknown;
  await assert.rejects(p, (err) => {
    caught = err;
    return true;
  });
  assert.ok(caught instanceof StatusError, `expected a StatusError, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  assert.equal(caught.reason, reason, caught.message);
  return caught;
}

void describe('CachedStorage: reads from memory', () => {
  void it('serves "0" and not-older-than reads without asking the backend', async () => {
    const { backend, cache } = await setup();
    const [a, b] = await createAll(cache, [
      ['ns', 'a'],
      ['ns', 'b'],
    ]);
    const cases: { name: string; read: () => Promise<unknown>; want: unknown }[] = [
      {
        name: 'get at "0"',
        read: () => cache.get(key('ns', 'a'), { resourceVersion: '0' }),
        want: a,
      },
      {
        name: 'get at N',
        read: () => cache.get(key('ns', 'b'), { resourceVersion: String(rv(b)) }),
        want: b,
      },
      {
        name: 'missing key at "0" with ignoreNotFound',
        read: () => cache.get(key('ns', 'zz'), { resourceVersion: '0', ignoreNotFound: true }),
        want: null,
      },
      {
        name: 'list at "0"',
        read: async () =>
          (await cache.list('/pods', { recursive: true, resourceVersion: '0' })).items,
        want: [a, b],
      },
      {
        name: 'list not older than N',
        read: async () =>
          (
            await cache.list('/pods/ns', {
              recursive: true,
              resourceVersion: String(rv(a)),
              resourceVersionMatch: 'NotOlderThan',
            })
          ).items,
        want: [a, b],
      },
      {
        name: 'list at N without a limit (not older than)',
        read: async () =>
          (await cache.list('/pods', { recursive: true, resourceVersion: String(rv(b)) })).items,
        want: [a, b],
      },
      {
        name: 'single-key list',
        read: async () => (await cache.list(key('ns', 'b'), { resourceVersion: '0' })).items,
        want: [b],
      },
      {
        name: 'filtered list',
        read: async () =>
          (
            await cache.list('/pods', {
              recursive: true,
              resourceVersion: '0',
              predicate: { empty: false, matches: (o) => o.metadata?.name === 'b' },
            })
          ).items,
        want: [b],
      },
    ];
    for (const c of cases) {
      const before = { ...backend.calls };
      assert.deepEqual(await c.read(), c.want, c.name);
      assert.equal(backend.calls.get, before.get, `${c.name}: no backend get`);
      assert.equal(backend.calls.list, before.list, `${c.name}: no backend list`);
    }
  });

  void it('delegates what kube’s cacher delegates', async () => {
    const { backend, cache } = await setup();
    const [a] = await createAll(cache, [
      ['ns', 'a'],
      ['ns', 'b'],
    ]);
    const token = (await cache.list('/pods', { recursive: true, limit: 1 })).continue;
    assert.ok(token !== undefined);
    await cache.create('/other/x', pod('', 'x'));
    const cases: { name: string; key: string; options: ListOptions }[] = [
      {
        name: 'Exact',
        key: '/pods',
        options: { recursive: true, resourceVersion: String(rv(a)), resourceVersionMatch: 'Exact' },
      },
      {
        name: 'legacy exact: a limit with N',
        key: '/pods',
        options: { recursive: true, resourceVersion: String(rv(a)), limit: 1 },
      },
      {
        name: 'a continue page',
        key: '/pods',
        options: { recursive: true, limit: 1, continue: token },
      },
      {
        name: 'a prefix outside the cache',
        key: '/other',
        options: { recursive: true, resourceVersion: '0' },
      },
      {
        name: 'a prefix above the cache',
        key: '/',
        options: { recursive: true, resourceVersion: '0' },
      },
      { name: 'the prefix itself as a key', key: '/pods', options: { resourceVersion: '0' } },
    ];
    for (const c of cases) {
      const before = backend.calls.list;
      await cache.list(c.key, c.options);
      assert.equal(backend.calls.list, before + 1, `${c.name} goes to the backend`);
    }
  });

  void it('ignores the limit at resourceVersion "0", as kube’s cacher', async () => {
    const { cache } = await setup();
    const all = await createAll(cache, [
      ['ns', 'a'],
      ['ns', 'b'],
      ['ns', 'c'],
    ]);
    const page = await cache.list('/pods', { recursive: true, resourceVersion: '0', limit: 1 });
    assert.deepEqual(page.items, all);
    assert.equal(page.continue, undefined);
  });

  void it('pages a consistent list from memory; continue pages come from the backend at its revision', async () => {
    const { backend, cache } = await setup();
    const all = await createAll(cache, [
      ['a', 'x'],
      ['b', 'x'],
      ['c', 'x'],
      ['d', 'x'],
      ['e', 'x'],
    ]);
    const listsBefore = backend.calls.list;
    const first = await cache.list('/pods', { recursive: true, limit: 2 });
    assert.equal(backend.calls.list, listsBefore, 'the first page is served from memory');
    assert.deepEqual(first.items, all.slice(0, 2));
    assert.equal(first.remainingItemCount, 3);
    assert.deepEqual(decodeContinue(first.continue!), {
      resourceVersion: Number(first.resourceVersion),
      startKey: 'b/x\u0000',
    });
    // a write after the first page is not seen by the next pages
    await cache.create(key('f', 'x'), pod('f', 'x'));
    const items = [...first.items];
    let token = first.continue;
    while (token !== undefined) {
      const page = await cache.list('/pods', { recursive: true, limit: 2, continue: token });
      assert.equal(
        page.resourceVersion,
        first.resourceVersion,
        'every page at the first page’s revision',
      );
      items.push(...page.items);
      token = page.continue;
    }
    assert.deepEqual(items, all);
    assert.equal(backend.calls.list, listsBefore + 2, 'two continue pages from the backend');
  });

  void it('a read not older than a revision beyond the backend’s is a 504 after the bounded wait', async () => {
    const { cache } = await setup({ freshnessTimeoutMs: 150 });
    const [a] = await createAll(cache, [['ns', 'a']]);
    const future = String(rv(a) + 1000);
    const started = Date.now();
    const err = await rejectsStatus(
      cache.get(key('ns', 'a'), { resourceVersion: future }),
      504,
      'Timeout',
    );
    assert.ok(Date.now() - started >= 140, 'it waited for the cache first');
    assert.match(
      err.message,
      new RegExp(`^Timeout: Too large resource version: ${future}, current: \\d+$`),
    );
    await rejectsStatus(
      cache.list('/pods', { recursive: true, resourceVersion: future }),
      504,
      'Timeout',
    );
  });

  void it('hands out private, mutable copies', async () => {
    const { cache } = await setup();
    await cache.create(key('ns', 'a'), pod('ns', 'a', { spec: { containers: [{ name: 'c' }] } }));
    const got = await cache.get(key('ns', 'a'), { resourceVersion: '0' });
    assert.equal(Object.isFrozen(got), false);
    (got.spec as { containers: { name: string }[] }).containers[0]!.name = 'mutated';
    const listed = (await cache.list('/pods', { recursive: true, resourceVersion: '0' })).items[0]!;
    assert.deepEqual(listed.spec, { containers: [{ name: 'c' }] });
    listed.metadata!.name = 'changed';
    assert.equal((await cache.get(key('ns', 'a'), { resourceVersion: '0' })).metadata?.name, 'a');
  });
});

void describe('CachedStorage: consistent reads', () => {
  void it('see a write made through the backend directly, from memory', async () => {
    const { memory, backend, cache } = await setup();
    const written = await memory.create(key('ns', 'direct'), pod('ns', 'direct'));
    const before = { ...backend.calls };
    assert.deepEqual(await cache.get(key('ns', 'direct')), written);
    const list = await cache.list('/pods', { recursive: true });
    assert.deepEqual(list.items, [written]);
    assert.ok(Number(list.resourceVersion) >= rv(written));
    assert.equal(backend.calls.get, before.get, 'served from memory');
    assert.equal(backend.calls.list, before.list, 'served from memory');
    assert.equal(
      backend.calls.currentRevision,
      before.currentRevision + 2,
      'each read asked for the revision',
    );
  });

  void it('without progress requests, hand a lagging consistent read to the backend at once', async () => {
    // periodic bookmarks would arrive, but a read must not wait for one
    const { memory, backend, cache } = await setup(
      { consistentReadTimeoutMs: 5000 },
      { bookmarkIntervalMs: 60000 },
    );
    await memory.create('/other/x', pod('', 'x'));
    const current = await memory.currentRevision();
    const before = backend.calls.list;
    const started = Date.now();
    const list = await cache.list('/pods', { recursive: true });
    assert.ok(Date.now() - started < 1000, 'no wait for the consistent-read timeout');
    assert.ok(Number(list.resourceVersion) >= current, 'not older than the backend at the read');
    assert.equal(backend.calls.list, before + 1, 'served by the backend');
  });

  void it('fall back to the backend when the cache cannot catch up in time', async () => {
    const { memory, backend, cache } = await setup(
      { consistentReadTimeoutMs: 50 },
      { bookmarkIntervalMs: 60000 },
    );
    const a = await memory.create(key('ns', 'a'), pod('ns', 'a'));
    await memory.create('/other/x', pod('', 'x'));
    const current = await memory.currentRevision();
    const lists = backend.calls.list;
    const gets = backend.calls.get;
    const list = await cache.list('/pods', { recursive: true });
    assert.equal(Number(list.resourceVersion), current);
    assert.deepEqual(list.items, [a]);
    assert.deepEqual(await cache.get(key('ns', 'a')), a);
    assert.equal(backend.calls.list, lists + 1, 'the list went to the backend');
    assert.equal(backend.calls.get, gets + 1, 'the get went to the backend');
  });

  void it('ask a backend that can for watch progress instead of waiting', async () => {
    let progress: ProgressBackend | undefined;
    const { memory, cache } = await setup(
      { consistentReadTimeoutMs: 5000 },
      { bookmarkIntervalMs: 60000 },
      (m) => {
        progress = new ProgressBackend(m);
        return progress;
      },
    );
    await memory.create('/other/x', pod('', 'x'));
    const current = await memory.currentRevision();
    const lists = progress!.calls.list;
    const started = Date.now();
    const list = await cache.list('/pods', { recursive: true });
    assert.ok(Date.now() - started < 1000, 'no wait for a periodic bookmark');
    assert.ok(Number(list.resourceVersion) >= current);
    assert.equal(progress!.calls.list, lists, 'served from memory');
    assert.ok(progress!.progressRequests >= 1, 'progress was requested');
  });
});

void describe('CachedStorage: writes', () => {
  void it('guaranteedUpdate and delete pass the cached object down as cachedExisting', async () => {
    const { backend, cache } = await setup();
    const [a] = await createAll(cache, [['ns', 'a']]);
    await cache.get(key('ns', 'a'), { resourceVersion: String(rv(a)) });
    const updated = await cache.guaranteedUpdate(key('ns', 'a'), (cur) => ({
      ...cur!,
      spec: { v: 2 },
    }));
    assert.deepEqual(backend.cachedExisting.at(-1), a, 'the cached copy of the object');
    assert.equal(
      Object.isFrozen(backend.cachedExisting.at(-1)),
      false,
      'a copy the backend may change',
    );
    await cache.get(key('ns', 'a'), { resourceVersion: String(rv(updated)) });
    await cache.delete(key('ns', 'a'));
    assert.deepEqual(backend.cachedExisting.at(-1), updated);
  });

  void it('refuses a write under a key the cache would file the object elsewhere', async () => {
    const { memory, cache } = await setup();
    await assert.rejects(cache.create(key('ns', 'x'), pod('ns', 'y')), (err) => {
      assert.ok(err instanceof StorageError && err.code === 'InvalidObj', String(err));
      assert.match(err.message, /keys this object as \/pods\/ns\/y, not \/pods\/ns\/x/);
      return true;
    });
    await assert.rejects(
      cache.guaranteedUpdate(key('ns', 'x'), () => pod('ns', 'y'), { ignoreNotFound: true }),
      (err) => err instanceof StorageError && err.code === 'InvalidObj',
    );
    assert.equal(
      await memory.get(key('ns', 'x'), { ignoreNotFound: true }),
      null,
      'nothing was written',
    );
    // outside the cached prefix any key goes
    await cache.create('/other/x', pod('ns', 'y'));
  });
});

void describe('CachedStorage: watch', () => {
  void it('resumes from the history: every change after N, in order, without a backend watch', async () => {
    const { backend, cache } = await setup();
    const writes = await createAll(cache, [
      ['ns', 'a'],
      ['ns', 'b'],
      ['ns', 'c'],
      ['ns', 'd'],
    ]);
    const watchesBefore = backend.calls.watch;
    const w = new Reader(
      cache.watch('/pods', { recursive: true, resourceVersion: String(rv(writes[1])) }),
    );
    await w.expect('ADDED', writes[2]);
    await w.expect('ADDED', writes[3]);
    const later = await cache.create(key('ns', 'e'), pod('ns', 'e'));
    await w.expect('ADDED', later);
    assert.equal(backend.calls.watch, watchesBefore, 'served by the cache');
    w.watcher.stop();
    await w.expectEnd();
  });

  void it('a revision older than the history is 410 Expired, worded as kube', async () => {
    const { cache } = await setup({ historySize: 3 });
    const writes = await createAll(cache, [
      ['ns', 'a'],
      ['ns', 'b'],
      ['ns', 'c'],
      ['ns', 'd'],
      ['ns', 'e'],
      ['ns', 'f'],
    ]);
    await cache.get(key('ns', 'f'), { resourceVersion: String(rv(writes[5])) });
    // the history holds d, e, f: everything after c
    const floor = rv(writes[2]);
    const cases: { name: string; from: number; expect: 'expired' | KubeObject[] }[] = [
      { name: 'from before the history', from: rv(writes[0]), expect: 'expired' },
      { name: 'from just before the floor', from: floor - 1, expect: 'expired' },
      { name: 'from the floor', from: floor, expect: writes.slice(3) },
      { name: 'from within', from: rv(writes[4]), expect: writes.slice(5) },
    ];
    for (const c of cases) {
      const w = new Reader(
        cache.watch('/pods', { recursive: true, resourceVersion: String(c.from) }),
      );
      if (c.expect === 'expired') {
        const e = await w.expect('ERROR');
        const status = e.object as Status;
        assert.equal(status.code, 410, c.name);
        assert.equal(status.reason, 'Expired', c.name);
        assert.equal(status.message, `too old resource version: ${c.from} (${floor})`, c.name);
        await w.expectEnd();
      } else {
        for (const obj of c.expect) await w.expect('ADDED', obj);
        await w.expectQuiet(50);
        w.watcher.stop();
      }
    }
  });

  void it('compacting through the cache expires the watches from before it', async () => {
    const { cache } = await setup();
    const writes = await createAll(cache, [
      ['ns', 'a'],
      ['ns', 'b'],
      ['ns', 'c'],
    ]);
    await cache.compact(rv(writes[1]));
    const old = new Reader(
      cache.watch('/pods', { recursive: true, resourceVersion: String(rv(writes[0])) }),
    );
    const e = await old.expect('ERROR');
    assert.equal(
      (e.object as Status).message,
      `too old resource version: ${rv(writes[0])} (${rv(writes[1])})`,
    );
    await old.expectEnd();
    const ok = new Reader(
      cache.watch('/pods', { recursive: true, resourceVersion: String(rv(writes[1])) }),
    );
    await ok.expect('ADDED', writes[2]);
    ok.watcher.stop();
  });

  void it('turns filter transitions into ADDED and DELETED, live and from the history alike', async () => {
    const { cache } = await setup();
    const k = key('ns', 'a');
    const start = await cache.currentRevision();
    const live = new Reader(
      cache.watch('/pods', {
        recursive: true,
        resourceVersion: String(start),
        predicate: labelled('web'),
      }),
    );
    const withApp = (app: string, extra: Partial<KubeObject> = {}): KubeObject =>
      pod('ns', 'a', { ...extra, metadata: { namespace: 'ns', name: 'a', labels: { app } } });
    const put = (obj: KubeObject): Promise<KubeObject> =>
      cache.guaranteedUpdate(k, () => obj, { ignoreNotFound: true });
    const steps: {
      name: string;
      write: () => Promise<KubeObject>;
      expect?: 'ADDED' | 'MODIFIED' | 'DELETED';
      previous?: boolean;
    }[] = [
      { name: 'created matching', write: () => put(withApp('web')), expect: 'ADDED' },
      {
        name: 'changed, still matching',
        write: () => put(withApp('web', { spec: { v: 2 } })),
        expect: 'MODIFIED',
      },
      {
        name: 'stops matching',
        write: () => put(withApp('db')),
        expect: 'DELETED',
        previous: true,
      },
      { name: 'changed, not matching', write: () => put(withApp('db', { spec: { v: 3 } })) },
      { name: 'matches again', write: () => put(withApp('web')), expect: 'ADDED' },
      { name: 'deleted', write: () => cache.delete(k), expect: 'DELETED' },
    ];
    const expected: StorageWatchEvent[] = [];
    let last: KubeObject | undefined;
    for (const step of steps) {
      const written = await step.write();
      if (step.expect !== undefined) {
        // leaving the filter: the last matching state at the new revision, as kube’s cacher
        const object =
          step.previous === true
            ? { ...last!, metadata: { ...last!.metadata, resourceVersion: String(rv(written)) } }
            : written;
        expected.push({ type: step.expect, object });
      }
      last = written;
    }
    for (const want of expected) assert.deepEqual(await live.next(), want);
    await live.expectQuiet(50);
    const replay = new Reader(
      cache.watch('/pods', {
        recursive: true,
        resourceVersion: String(start),
        predicate: labelled('web'),
      }),
    );
    for (const want of expected) assert.deepEqual(await replay.next(), want);
    await replay.expectQuiet(50);
    live.watcher.stop();
    replay.watcher.stop();
  });

  void it('ends the initial state with the annotated bookmark only when bookmarks are allowed', async () => {
    const { cache } = await setup();
    const writes = await createAll(cache, [
      ['ns', 'a'],
      ['ns', 'b'],
    ]);
    const cases: { name: string; options: WatchOptions; bookmark: boolean }[] = [
      {
        name: 'consistent, bookmarks allowed',
        options: { sendInitialEvents: true, allowBookmarks: true },
        bookmark: true,
      },
      {
        name: 'at "0", bookmarks allowed',
        options: { sendInitialEvents: true, allowBookmarks: true, resourceVersion: '0' },
        bookmark: true,
      },
      { name: 'bookmarks not allowed', options: { sendInitialEvents: true }, bookmark: false },
    ];
    for (const c of cases) {
      const w = new Reader(cache.watch('/pods', { recursive: true, ...c.options }));
      for (const obj of writes) await w.expect('ADDED', obj);
      if (c.bookmark) {
        const bookmark = (await w.expect('BOOKMARK')).object as KubeObject;
        assert.equal(bookmark.metadata?.annotations?.[INITIAL_EVENTS_END], 'true', c.name);
        assert.ok(rv(bookmark) >= rv(writes[1]), c.name);
      } else {
        await w.expectQuiet(100);
      }
      w.watcher.stop();
    }
    const none = new Reader(
      cache.watch('/pods', { recursive: true, sendInitialEvents: false, allowBookmarks: true }),
    );
    const c = await cache.create(key('ns', 'c'), pod('ns', 'c'));
    await none.expect('ADDED', c);
    none.watcher.stop();
  });

  void it('sends periodic bookmarks only to watchers that allow them', async () => {
    const { cache } = await setup({ bookmarkIntervalMs: 50 });
    const start = String(await cache.currentRevision());
    const withBookmarks = new Reader(
      cache.watch('/pods', { recursive: true, resourceVersion: start, allowBookmarks: true }),
    );
    const without = new Reader(cache.watch('/pods', { recursive: true, resourceVersion: start }));
    const a = await cache.create(key('ns', 'a'), pod('ns', 'a'));
    await withBookmarks.expect('ADDED', a);
    await without.expect('ADDED', a);
    const bookmark = await withBookmarks.expect('BOOKMARK');
    assert.ok(rv(bookmark.object as KubeObject) >= rv(a));
    assert.deepEqual(Object.keys(bookmark.object), ['metadata']);
    await without.expectQuiet(200);
    withBookmarks.watcher.stop();
    without.watcher.stop();
  });

  void it('ends a watcher that does not read when its buffer overflows; the others and the writer carry on', async () => {
    const { cache } = await setup({ watchBufferSize: 8 });
    const start = String(await cache.currentRevision());
    const slow = cache.watch('/pods', { recursive: true, resourceVersion: start });
    const fast = new Reader(cache.watch('/pods', { recursive: true, resourceVersion: start }));
    const received: KubeObject[] = [];
    const reading = (async () => {
      while (received.length < 100) received.push((await fast.next()).object as KubeObject);
    })();
    const written: KubeObject[] = [];
    for (let i = 0; i < 100; i++) {
      written.push(await cache.create(key('ns', `p${i}`), pod('ns', `p${i}`)));
      // a writer serving requests gives the event loop a turn between writes; a reader that
      // takes its turns keeps up
      await new Promise(setImmediate);
    }
    await reading;
    assert.deepEqual(received, written, 'the reading watcher got every change in order');
    assert.equal(cache.watcherCount, 1, 'only the reading watcher is still fed');

    const got: KubeObject[] = [];
    for await (const e of slow) {
      assert.notEqual(e.type, 'ERROR', 'a terminated watcher ends cleanly');
      got.push(e.object as KubeObject);
    }
    assert.ok(got.length > 0 && got.length <= 8, `a bounded prefix (${got.length})`);
    assert.deepEqual(got, written.slice(0, got.length), 'gap-free, in order');
    // the client resumes from the last revision it saw and misses nothing
    const resumed = new Reader(
      cache.watch('/pods', { recursive: true, resourceVersion: String(rv(got.at(-1))) }),
    );
    for (const obj of written.slice(got.length)) await resumed.expect('ADDED', obj);
    resumed.watcher.stop();
    fast.watcher.stop();
  });

  void it('hands a burst of changes to a large fan-out in order, bookmarks never ahead', async () => {
    const { cache } = await setup({ bookmarkIntervalMs: 5 });
    const start = String(await cache.currentRevision());
    const readers = Array.from(
      { length: 1200 },
      (_, i) =>
        new Reader(
          cache.watch('/pods', {
            recursive: true,
            resourceVersion: start,
            allowBookmarks: i % 2 === 0,
          }),
        ),
    );
    // written without yielding, so the fan-out of one change is still going when the next comes
    const written = await Promise.all(
      Array.from({ length: 5 }, (_, i) => cache.create(key('ns', `p${i}`), pod('ns', `p${i}`))),
    );
    for (const reader of readers) {
      let last = 0;
      for (const obj of written) {
        let e = await reader.next();
        while (e.type === 'BOOKMARK') {
          assert.ok(rv(e.object) >= last, 'a bookmark never goes back');
          e = await reader.next();
        }
        assert.deepEqual(e, { type: 'ADDED', object: obj });
        last = rv(obj);
      }
      reader.watcher.stop();
    }
  });

  void it('stop and abort end a watch cleanly', async () => {
    const { cache } = await setup();
    const stopped = new Reader(cache.watch('/pods', { recursive: true }));
    const pending = stopped.expectEnd();
    stopped.watcher.stop();
    await pending;
    const controller = new AbortController();
    const aborted = new Reader(
      cache.watch('/pods', { recursive: true, resourceVersion: '0', signal: controller.signal }),
    );
    const ending = aborted.expectEnd();
    controller.abort();
    await ending;
    assert.equal(cache.watcherCount, 0);
  });
});

void describe('CachedStorage: upstream failures', () => {
  void it('resumes from its revision when the backend ends its watch; watchers see no gap', async () => {
    const { memory, backend, cache } = await setup();
    const w = new Reader(
      cache.watch('/pods', {
        recursive: true,
        resourceVersion: String(await cache.currentRevision()),
      }),
    );
    const a = await cache.create(key('ns', 'a'), pod('ns', 'a'));
    await w.expect('ADDED', a);
    const lists = backend.calls.list;
    const watches = backend.calls.watch;
    backend.dropWatches();
    const b = await memory.create(key('ns', 'b'), pod('ns', 'b'));
    await w.expect('ADDED', b);
    assert.equal(backend.calls.list, lists, 'no relist');
    assert.equal(backend.calls.watch, watches + 1, 'one new upstream watch');
    assert.equal(cache.watcherCount, 1, 'the watcher was kept');
    w.watcher.stop();
  });

  void it('rides out a backend that is down for a while: no relist, no gap', async () => {
    const { memory, backend, cache } = await setup();
    const [a] = await createAll(cache, [['ns', 'a']]);
    const w = new Reader(cache.watch('/pods', { recursive: true, resourceVersion: String(rv(a)) }));
    const lists = backend.calls.list;
    backend.down = true;
    backend.dropWatches();
    const b = await memory.create(key('ns', 'b'), pod('ns', 'b'));
    await sleep(100);
    backend.down = false;
    await w.expect('ADDED', b);
    const c = await memory.create(key('ns', 'c'), pod('ns', 'c'));
    await w.expect('ADDED', c);
    assert.equal(backend.calls.list, lists, 'the cache resumed its watch instead of relisting');
    w.watcher.stop();
  });

  void it('relists after a 410 from the backend and ends its watchers, which then resume or relist', async () => {
    const { memory, backend, cache } = await setup();
    const [a] = await createAll(cache, [['ns', 'a']]);
    const w = new Reader(cache.watch('/pods', { recursive: true, resourceVersion: String(rv(a)) }));
    backend.down = true;
    backend.dropWatches();
    // while the cache cannot reach the backend, history is written and compacted away
    const b = await memory.create(key('ns', 'b'), pod('ns', 'b'));
    await memory.delete(key('ns', 'a'));
    const c = await memory.create(key('ns', 'c'), pod('ns', 'c'));
    await memory.compact(rv(c));
    await sleep(100);
    backend.down = false;
    await w.expectEnd(3000);
    await cache.readinessCheck();
    const list = await cache.list('/pods', { recursive: true, resourceVersion: String(rv(c)) });
    assert.deepEqual(list.items, [b, c], 'the relisted state');
    const stale = new Reader(
      cache.watch('/pods', { recursive: true, resourceVersion: String(rv(a)) }),
    );
    const e = await stale.expect('ERROR');
    assert.equal((e.object as Status).code, 410, 'a resume from before the relist is too old');
    await stale.expectEnd();
    const fresh = new Reader(cache.watch('/pods', { recursive: true, resourceVersion: '0' }));
    await fresh.expect('ADDED', b);
    await fresh.expect('ADDED', c);
    fresh.watcher.stop();
  });

  void it('stays unready while it cannot load, and the backend serves meanwhile', async () => {
    const memory = new MemoryStorage();
    await memory.create('/pods/nameless', { apiVersion: 'v1', kind: 'Pod', metadata: {} });
    const backend = new ProbedBackend(memory);
    const cache = new CachedStorage(backend, {
      prefix: '/pods',
      readinessTimeoutMs: 100,
      retryDelayMs: 20,
      closeBackend: true,
    });
    open.push(cache);
    await assert.rejects(cache.readinessCheck(), (err) => {
      assert.ok(err instanceof StorageError && err.code === 'Unreachable', String(err));
      assert.match(
        err.message,
        /the watch cache is \(re\)initializing: an object without a name has no key/,
      );
      return true;
    });
    const gets = backend.calls.get;
    const got = await cache.get('/pods/nameless', { resourceVersion: '0' });
    assert.deepEqual(got.metadata, { resourceVersion: got.metadata?.resourceVersion });
    assert.equal(backend.calls.get, gets + 1, 'served by the backend');
  });
});

void describe('CachedStorage: lifecycle', () => {
  void it('is ready once the initial list is loaded, at the list’s revision', async () => {
    const memory = new MemoryStorage();
    for (let i = 0; i < 250; i++) await memory.create(key('ns', `p${i}`), pod('ns', `p${i}`));
    const cache = new CachedStorage(memory, { prefix: '/pods', listPageSize: 100 });
    open.push(cache);
    await cache.readinessCheck();
    assert.equal(cache.cachedRevision, await memory.currentRevision());
    const list = await cache.list('/pods', { recursive: true, resourceVersion: '0' });
    assert.equal(list.items.length, 250, 'all three pages were loaded');
  });

  void it('close ends the upstream watch and every watch it handed out, and later calls fail', async () => {
    const memory = new MemoryStorage();
    const backend = new ProbedBackend(memory);
    const cache = new CachedStorage(backend, { prefix: '/pods' });
    await cache.readinessCheck();
    assert.equal(backend.activeWatches, 1, 'one upstream watch');
    const cached = new Reader(cache.watch('/pods', { recursive: true, resourceVersion: '0' }));
    // outside the prefix the backend serves the watch; the cache still ends it
    const outside = new Reader(cache.watch('/other', { recursive: true, resourceVersion: '0' }));
    assert.equal(backend.activeWatches, 2);
    const x = await memory.create('/other/x', pod('', 'x'));
    await outside.expect('ADDED', x);
    const ending = Promise.all([cached.expectEnd(), outside.expectEnd()]);
    await cache.close();
    await ending;
    assert.equal(backend.activeWatches, 0, 'no watch of the backend is left');
    await assert.rejects(
      cache.get(key('ns', 'a')),
      (err) => err instanceof StorageError && err.code === 'Unreachable',
    );
    await cache.close();
    assert.deepEqual(await memory.get('/other/x'), x, 'the backend stays open');
    await memory.close();
  });
});
