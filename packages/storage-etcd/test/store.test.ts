import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import {
  StatusError,
  isBadRequest,
  isTooLargeResourceVersion,
  type KubeObject,
} from '@kapi/apimachinery';
import { isStorageError, type StorageErrorCode } from '@kapi/storage';
import { EtcdStorage, newEtcdClient } from '../src/index.js';
import { newTestStore, sharedEndpoints, sharedEtcdSkip, uniquePrefix } from './helpers/env.js';
import { configMap, labelIs, rvOf } from './helpers/events.js';

const skip = sharedEtcdSkip();

function storageCode(code: StorageErrorCode) {
  return (err: unknown) => isStorageError(err, code);
}

describe('EtcdStorage keys', { skip }, () => {
  it('stores <prefix><key> as JSON without resourceVersion, at the mod revision', async () => {
    const prefix = `${uniquePrefix()}/registry`;
    const store = new EtcdStorage({ endpoints: sharedEndpoints, prefix });
    const raw = newEtcdClient({ endpoints: sharedEndpoints });
    try {
      const key = '/wardle.example.com/flunders/ns/name';
      const created = await store.create(key, configMap('name', { a: '1' }));
      const resp = await raw.kv.range({ key: Buffer.from(`${prefix}${key}`) });
      assert.equal(resp.kvs.length, 1);
      const kv = resp.kvs[0]!;
      const stored = JSON.parse(kv.value.toString()) as KubeObject;
      assert.equal(stored.metadata?.resourceVersion, undefined);
      assert.deepEqual(stored.data, { a: '1' });
      assert.equal(created.metadata?.resourceVersion, kv.mod_revision);
    } finally {
      await store.close();
      raw.close();
    }
  });

  it('uses /registry as the default prefix', async () => {
    const store = new EtcdStorage({ endpoints: sharedEndpoints });
    const raw = newEtcdClient({ endpoints: sharedEndpoints });
    const key = `/kapi-test-${randomUUID()}/flunders/ns/a`;
    try {
      await store.create(key, configMap('a'));
      const resp = await raw.kv.range({ key: Buffer.from(`/registry${key}`) });
      assert.equal(resp.kvs.length, 1);
    } finally {
      await store.delete(key).catch(() => undefined);
      await store.close();
      raw.close();
    }
  });

  it('rejects a prefix that is not absolute or has dot segments', () => {
    for (const prefix of ['registry', '/a/../b', '/a/./b']) {
      assert.throws(
        () => new EtcdStorage({ endpoints: sharedEndpoints, prefix }),
        TypeError,
        prefix,
      );
    }
  });

  describe('invalid keys are InvalidKey for every operation', () => {
    let store: EtcdStorage;
    beforeEach(() => {
      store = newTestStore(sharedEndpoints);
    });
    afterEach(() => store.close());
    const cases: { name: string; key: string }[] = [
      { name: 'relative', key: 'a/b' },
      { name: 'parent segment', key: '/a/../b' },
      { name: 'dot segment', key: '/a/./b' },
      { name: 'empty segment', key: '/a//b' },
      { name: 'empty', key: '' },
    ];
    for (const { name, key } of cases) {
      it(name, async () => {
        const isInvalidKey = storageCode('InvalidKey');
        await assert.rejects(store.get(key), isInvalidKey);
        await assert.rejects(store.create(key, configMap('x')), isInvalidKey);
        await assert.rejects(store.delete(key), isInvalidKey);
        await assert.rejects(
          store.guaranteedUpdate(key, (o) => o!),
          isInvalidKey,
        );
        await assert.rejects(store.list(key, { recursive: true }), isInvalidKey);
        await assert.rejects(store.count(key), isInvalidKey);
        assert.throws(() => store.watch(key, { recursive: true }), isInvalidKey);
      });
    }
  });

  it('a recursive list, count and watch of /a do not see /ab; prefixes isolate stores', async () => {
    const prefix = uniquePrefix();
    const a = new EtcdStorage({ endpoints: sharedEndpoints, prefix: `${prefix}/one` });
    const b = new EtcdStorage({ endpoints: sharedEndpoints, prefix: `${prefix}/two` });
    try {
      await a.create('/a/x', configMap('x'));
      await a.create('/ab/y', configMap('y'));
      await b.create('/a/z', configMap('z'));
      const list = await a.list('/a', { recursive: true });
      assert.deepEqual(
        list.items.map((o) => o.metadata?.name),
        ['x'],
      );
      assert.equal(await a.count('/a'), 1);
      assert.equal(await a.count('/'), 2);
      assert.equal(await b.count('/'), 1);
    } finally {
      await a.close();
      await b.close();
    }
  });
});

describe('EtcdStorage create and get', { skip }, () => {
  let store: EtcdStorage;
  beforeEach(() => {
    store = newTestStore(sharedEndpoints);
  });
  afterEach(() => store.close());

  it('create returns the object at its revision and never aliases it', async () => {
    const input = configMap('a', { k: 'v' });
    const created = await store.create('/cm/ns/a', input);
    assert.ok(rvOf(created) > 0);
    assert.equal(input.metadata?.resourceVersion, undefined, 'input is not changed');
    const got = await store.get('/cm/ns/a');
    assert.deepEqual(got, created);
    (got.data as Record<string, string>).k = 'changed';
    assert.deepEqual((await store.get('/cm/ns/a')).data, { k: 'v' });
  });

  it('create of an existing key is KeyExists and writes nothing', async () => {
    const first = await store.create('/cm/ns/a', configMap('a', { v: '1' }));
    await assert.rejects(store.create('/cm/ns/a', configMap('a', { v: '2' })), (err) => {
      assert.ok(isStorageError(err, 'KeyExists'));
      assert.equal(err.key, '/cm/ns/a');
      return true;
    });
    assert.deepEqual(await store.get('/cm/ns/a'), first);
  });

  it('create refuses an object that carries a resourceVersion', async () => {
    const obj = configMap('a');
    obj.metadata!.resourceVersion = '12';
    await assert.rejects(store.create('/cm/ns/a', obj), /resourceVersion should not be set/);
    assert.equal(await store.get('/cm/ns/a', { ignoreNotFound: true }), null);
  });

  it('get of a missing key is KeyNotFound, or null with ignoreNotFound', async () => {
    await assert.rejects(store.get('/cm/ns/missing'), storageCode('KeyNotFound'));
    assert.equal(await store.get('/cm/ns/missing', { ignoreNotFound: true }), null);
  });

  it('get follows the resourceVersion rules', async () => {
    const created = await store.create('/cm/ns/a', configMap('a'));
    const current = await store.currentRevision();
    const cases: {
      name: string;
      resourceVersion: string;
      check: (result: Promise<KubeObject>) => Promise<void>;
    }[] = [
      {
        name: 'latest',
        resourceVersion: '',
        check: async (r) => {
          assert.deepEqual(await r, created);
        },
      },
      {
        name: 'any',
        resourceVersion: '0',
        check: async (r) => {
          assert.deepEqual(await r, created);
        },
      },
      {
        name: 'not older than the current revision',
        resourceVersion: String(current),
        check: async (r) => {
          assert.deepEqual(await r, created);
        },
      },
      {
        name: 'beyond the current revision is a 504 after the bounded wait',
        resourceVersion: String(current + 1_000_000),
        check: async (r) => {
          const started = Date.now();
          await assert.rejects(r, isTooLargeResourceVersion);
          assert.ok(Date.now() - started < 2000, 'bounded by freshnessTimeoutMs');
        },
      },
      {
        name: 'malformed is a 400',
        resourceVersion: 'abc',
        check: (r) => assert.rejects(r, isBadRequest),
      },
    ];
    for (const c of cases) {
      await c.check(store.get('/cm/ns/a', { resourceVersion: c.resourceVersion }));
    }
  });

  it('get at a revision just ahead waits for etcd to reach it', async () => {
    const patient = newTestStore(sharedEndpoints, { freshnessTimeoutMs: 3000 });
    try {
      const created = await patient.create('/cm/ns/a', configMap('a'));
      const ahead = (await patient.currentRevision()) + 1;
      const read = patient.get('/cm/ns/a', { resourceVersion: String(ahead) });
      setTimeout(() => void patient.create('/cm/ns/b', configMap('b')), 100);
      assert.deepEqual(await read, created);
    } finally {
      await patient.close();
    }
  });

  it('an aborted signal rejects with its reason', async () => {
    const controller = new AbortController();
    controller.abort(new Error('gave up'));
    await assert.rejects(store.get('/cm/ns/a', { signal: controller.signal }), /gave up/);
  });
});

describe('EtcdStorage guaranteedUpdate', { skip }, () => {
  let store: EtcdStorage;
  beforeEach(() => {
    store = newTestStore(sharedEndpoints);
  });
  afterEach(() => store.close());

  function bump(obj: KubeObject | undefined): KubeObject {
    const next = structuredClone(obj ?? configMap('counter', { n: '0' }));
    const data = next.data as Record<string, string>;
    data.n = String(Number(data.n) + 1);
    return next;
  }

  it('concurrent updaters retry on conflict and lose no increment', async () => {
    await store.create('/cm/ns/counter', configMap('counter', { n: '0' }));
    const versions = new Set<number>();
    await Promise.all(
      Array.from({ length: 5 }, async () => {
        for (let i = 0; i < 5; i++) {
          versions.add(rvOf(await store.guaranteedUpdate('/cm/ns/counter', bump)));
        }
      }),
    );
    const final = await store.get('/cm/ns/counter');
    assert.equal((final.data as Record<string, string>).n, '25');
    assert.equal(versions.size, 25, 'every update wrote its own revision');
  });

  it('an update that changes nothing writes nothing', async () => {
    const created = await store.create('/cm/ns/a', configMap('a', { x: '1', y: '2' }));
    const cases: { name: string; update: (o: KubeObject) => KubeObject }[] = [
      { name: 'same object', update: (o) => o },
      {
        name: 'same fields in another order',
        update: (o) => {
          const { apiVersion, kind, metadata } = o;
          return {
            data: { y: '2', x: '1' },
            metadata: metadata!,
            kind: kind!,
            apiVersion: apiVersion!,
          };
        },
      },
    ];
    for (const c of cases) {
      const result = await store.guaranteedUpdate('/cm/ns/a', (o) => c.update(o!));
      assert.equal(result.metadata?.resourceVersion, created.metadata?.resourceVersion, c.name);
    }
  });

  it('checks preconditions against the current object', async () => {
    const created = await store.create('/cm/ns/a', configMap('a'));
    const rv = created.metadata!.resourceVersion!;
    const cases: {
      name: string;
      preconditions: { uid?: string; resourceVersion?: string };
      error?: string;
    }[] = [
      {
        name: 'uid mismatch',
        preconditions: { uid: 'other' },
        error: 'Precondition failed: UID in precondition: other, UID in object meta: uid-a',
      },
      {
        name: 'resourceVersion mismatch',
        preconditions: { resourceVersion: '1' },
        error: `Precondition failed: ResourceVersion in precondition: 1, ResourceVersion in object meta: ${rv}`,
      },
      { name: 'both match', preconditions: { uid: 'uid-a', resourceVersion: rv } },
    ];
    for (const c of cases) {
      const attempt = store.guaranteedUpdate('/cm/ns/a', bumpData, {
        preconditions: c.preconditions,
      });
      if (c.error === undefined) {
        assert.ok(rvOf(await attempt) > Number(rv), c.name);
      } else {
        await assert.rejects(attempt, (err) => {
          assert.ok(isStorageError(err, 'InvalidObj'), c.name);
          assert.equal(err.message, c.error);
          return true;
        });
      }
    }
  });

  it('ignoreNotFound calls tryUpdate with undefined and creates', async () => {
    const seen: (KubeObject | undefined)[] = [];
    const created = await store.guaranteedUpdate(
      '/cm/ns/new',
      (o) => {
        seen.push(o);
        return configMap('new', { n: '1' });
      },
      { ignoreNotFound: true },
    );
    assert.deepEqual(seen, [undefined]);
    assert.deepEqual(await store.get('/cm/ns/new'), created);
    await assert.rejects(store.guaranteedUpdate('/cm/ns/other', bump), storageCode('KeyNotFound'));
  });

  it('an error from tryUpdate propagates and nothing is written', async () => {
    const created = await store.create('/cm/ns/a', configMap('a'));
    await assert.rejects(
      store.guaranteedUpdate('/cm/ns/a', () => {
        throw new StatusError({
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Failure',
          message: 'nope',
          code: 422,
        });
      }),
      /nope/,
    );
    assert.deepEqual(await store.get('/cm/ns/a'), created);
  });

  it('a stale cachedExisting costs one retry on fresh data', async () => {
    const stale = await store.create('/cm/ns/counter', configMap('counter', { n: '0' }));
    await store.guaranteedUpdate('/cm/ns/counter', bump);
    const seen: string[] = [];
    const result = await store.guaranteedUpdate(
      '/cm/ns/counter',
      (o) => {
        seen.push((o!.data as Record<string, string>).n!);
        return bump(o);
      },
      { cachedExisting: stale },
    );
    assert.deepEqual(seen, ['0', '1'], 'first the cached copy, then the current object');
    assert.equal((result.data as Record<string, string>).n, '2');
  });

  it('a precondition failing only on a stale cachedExisting is retried on fresh data', async () => {
    const stale = await store.create('/cm/ns/a', configMap('a'));
    const fresh = await store.guaranteedUpdate('/cm/ns/a', bumpData);
    const result = await store.guaranteedUpdate('/cm/ns/a', bumpData, {
      cachedExisting: stale,
      preconditions: { resourceVersion: fresh.metadata!.resourceVersion! },
    });
    assert.ok(rvOf(result) > rvOf(fresh));
  });
});

function bumpData(obj: KubeObject | undefined): KubeObject {
  const next = structuredClone(obj!);
  next.data = {
    ...(next.data as Record<string, string>),
    bumped: `${Date.now()}-${Math.random()}`,
  };
  return next;
}

describe('EtcdStorage delete', { skip }, () => {
  let store: EtcdStorage;
  beforeEach(() => {
    store = newTestStore(sharedEndpoints);
  });
  afterEach(() => store.close());

  it('returns the last state at the deletion revision', async () => {
    const created = await store.create('/cm/ns/a', configMap('a', { k: 'v' }));
    const deleted = await store.delete('/cm/ns/a');
    assert.ok(rvOf(deleted) > rvOf(created));
    assert.deepEqual(deleted.data, { k: 'v' });
    await assert.rejects(store.get('/cm/ns/a'), storageCode('KeyNotFound'));
    await assert.rejects(store.delete('/cm/ns/a'), storageCode('KeyNotFound'));
  });

  it('checks preconditions and validateDeletion before deleting', async () => {
    const created = await store.create('/cm/ns/a', configMap('a'));
    const cases: { name: string; run: () => Promise<KubeObject>; check: RegExp }[] = [
      {
        name: 'uid',
        run: () => store.delete('/cm/ns/a', { preconditions: { uid: 'x' } }),
        check: /Precondition failed: UID in precondition: x, UID in object meta: uid-a$/,
      },
      {
        name: 'resourceVersion',
        run: () => store.delete('/cm/ns/a', { preconditions: { resourceVersion: '1' } }),
        check: /Precondition failed: ResourceVersion in precondition: 1, ResourceVersion/,
      },
      {
        name: 'validateDeletion',
        run: () =>
          store.delete('/cm/ns/a', {
            validateDeletion: () => {
              throw new Error('in use');
            },
          }),
        check: /in use/,
      },
    ];
    for (const c of cases) await assert.rejects(c.run(), c.check, c.name);
    assert.deepEqual(await store.get('/cm/ns/a'), created, 'still there');
  });

  it('a stale cachedExisting is re-read before deleting', async () => {
    const stale = await store.create('/cm/ns/a', configMap('a', { v: '1' }));
    await store.guaranteedUpdate('/cm/ns/a', (o) => ({ ...o!, data: { v: '2' } }));
    const validated: unknown[] = [];
    const deleted = await store.delete('/cm/ns/a', {
      cachedExisting: stale,
      validateDeletion: (o) => {
        validated.push(o.data);
      },
    });
    assert.deepEqual(validated, [{ v: '1' }, { v: '2' }]);
    assert.deepEqual(deleted.data, { v: '2' });
  });
});

describe('EtcdStorage list', { skip }, () => {
  let store: EtcdStorage;
  beforeEach(() => {
    store = newTestStore(sharedEndpoints);
  });
  afterEach(() => store.close());

  async function seed(names: string[], labels?: (i: number) => Record<string, string>) {
    const out: KubeObject[] = [];
    for (const [i, name] of names.entries()) {
      out.push(await store.create(`/cm/ns/${name}`, configMap(name, {}, labels?.(i))));
    }
    return out;
  }

  it('lists a prefix in key order at one revision, or one key without recursive', async () => {
    await seed(['c', 'a', 'b']);
    const list = await store.list('/cm', { recursive: true });
    assert.deepEqual(
      list.items.map((o) => o.metadata?.name),
      ['a', 'b', 'c'],
    );
    assert.ok(Number(list.resourceVersion) >= Math.max(...list.items.map(rvOf)));
    assert.equal(list.continue, undefined);
    const single = await store.list('/cm/ns/b');
    assert.deepEqual(
      single.items.map((o) => o.metadata?.name),
      ['b'],
    );
    assert.deepEqual((await store.list('/cm/ns/zz')).items, []);
  });

  it('pages with continue tokens at the first page revision', async () => {
    await seed(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
    const first = await store.list('/cm', { recursive: true, limit: 3 });
    assert.deepEqual(
      first.items.map((o) => o.metadata?.name),
      ['a', 'b', 'c'],
    );
    assert.equal(first.remainingItemCount, 4);
    assert.ok(first.continue);
    await store.create('/cm/ns/h', configMap('h')); // after the first page: not in this list
    await store.delete('/cm/ns/e');
    const second = await store.list('/cm', { recursive: true, limit: 3, continue: first.continue });
    assert.deepEqual(
      second.items.map((o) => o.metadata?.name),
      ['d', 'e', 'f'],
    );
    assert.equal(second.resourceVersion, first.resourceVersion);
    assert.equal(second.remainingItemCount, 1);
    const third = await store.list('/cm', {
      recursive: true,
      limit: 3,
      continue: second.continue!,
    });
    assert.deepEqual(
      third.items.map((o) => o.metadata?.name),
      ['g'],
    );
    assert.equal(third.continue, undefined);
    assert.equal(third.remainingItemCount, undefined);
  });

  it('fills filtered pages up to the limit by reading more', async () => {
    const names = Array.from({ length: 20 }, (_, i) => `o${String(i).padStart(2, '0')}`);
    await seed(names, (i) => ({ keep: i % 4 === 0 ? 'yes' : 'no' }));
    const predicate = labelIs('keep', 'yes');
    const got: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await store.list('/cm', {
        recursive: true,
        limit: 2,
        predicate,
        ...(token ? { continue: token } : {}),
      });
      pages++;
      assert.equal(page.remainingItemCount, undefined);
      if (page.continue !== undefined)
        assert.equal(page.items.length, 2, 'a page that is not the last is full');
      got.push(...page.items.map((o) => o.metadata!.name!));
      token = page.continue;
    } while (token !== undefined && pages < 10);
    assert.deepEqual(got, ['o00', 'o04', 'o08', 'o12', 'o16']);
  });

  it('follows the resourceVersion x resourceVersionMatch matrix', async () => {
    const [a] = await seed(['a']);
    const middle = rvOf(a);
    await seed(['b']);
    const future = String((await store.currentRevision()) + 1_000_000);
    const names = (items: KubeObject[]) => items.map((o) => o.metadata!.name!);
    const cases: {
      name: string;
      options: Parameters<EtcdStorage['list']>[1];
      expect: string[] | ((err: unknown) => boolean);
    }[] = [
      { name: 'latest', options: {}, expect: ['a', 'b'] },
      { name: 'any', options: { resourceVersion: '0' }, expect: ['a', 'b'] },
      {
        name: 'exact',
        options: { resourceVersion: String(middle), resourceVersionMatch: 'Exact' },
        expect: ['a'],
      },
      {
        name: 'not older than',
        options: { resourceVersion: String(middle), resourceVersionMatch: 'NotOlderThan' },
        expect: ['a', 'b'],
      },
      {
        name: 'legacy with limit is exact',
        options: { resourceVersion: String(middle), limit: 10 },
        expect: ['a'],
      },
      {
        name: 'legacy without limit is not older than',
        options: { resourceVersion: String(middle) },
        expect: ['a', 'b'],
      },
      {
        name: 'future exact',
        options: { resourceVersion: future, resourceVersionMatch: 'Exact' },
        expect: isTooLargeResourceVersion,
      },
      {
        name: 'future not older than',
        options: { resourceVersion: future, resourceVersionMatch: 'NotOlderThan' },
        expect: isTooLargeResourceVersion,
      },
      { name: 'malformed', options: { resourceVersion: 'x1' }, expect: isBadRequest },
      {
        name: 'unknown match',
        options: { resourceVersion: '1', resourceVersionMatch: 'Sometimes' as 'Exact' },
        expect: isBadRequest,
      },
      { name: 'malformed continue', options: { continue: 'not-a-token' }, expect: isBadRequest },
    ];
    for (const c of cases) {
      const result = store.list('/cm', { recursive: true, ...c.options });
      if (Array.isArray(c.expect)) {
        assert.deepEqual(names((await result).items), c.expect, c.name);
      } else {
        await assert.rejects(result, c.expect, c.name);
      }
    }
    const page = await store.list('/cm', { recursive: true, limit: 1 });
    const exactWithList = await store.list('/cm', {
      recursive: true,
      resourceVersion: String(middle),
      resourceVersionMatch: 'Exact',
    });
    assert.equal(exactWithList.resourceVersion, String(middle));
    await assert.rejects(
      store.list('/cm', { recursive: true, continue: page.continue!, resourceVersion: '5' }),
      (err) => isBadRequest(err) && /not allowed when using continue/.test((err as Error).message),
    );
  });

  it('counts keys under a prefix and reports the current revision', async () => {
    const before = await store.currentRevision();
    const created = await seed(['a', 'b']);
    assert.equal(await store.count('/cm'), 2);
    assert.equal(await store.count('/cm/ns/a'), 0, 'count is of keys below the prefix');
    const after = await store.currentRevision();
    assert.ok(after >= rvOf(created[1]) && before < after);
  });
});
