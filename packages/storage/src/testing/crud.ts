/**
 * Conformance: create, get, delete, count, revisions, key validation, aborts and isolation of
 * returned objects (after k8s.io/apiserver pkg/storage/testing store_tests.go).
 * @module
 */
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import type { KubeObject } from '@kapi/apimachinery';
import type { Storage } from '../interface.js';
import {
  changed,
  pod,
  podKey,
  rejectsStatus,
  rejectsStorage,
  rejectsTooLarge,
  rvOf,
  storeTest,
  watchOf,
} from './harness.js';
import type { SuiteContext } from './harness.js';

/** Creates an object and returns it as stored. */
async function seed(
  store: Storage,
  namespace: string,
  name: string,
  extra: Partial<KubeObject> = {},
) {
  const obj = { ...pod(namespace, name), ...extra };
  return store.create(podKey(namespace, name), obj);
}

export function crudTests(ctx: SuiteContext): void {
  void describe('create', () => {
    storeTest(
      ctx,
      'stores the object and returns it with a fresh resourceVersion',
      async (store) => {
        const before = await store.currentRevision();
        const input = pod('test-ns', 'foo', { nodeName: 'n1' });
        const out = await store.create(podKey('test-ns', 'foo'), input);
        assert.ok(rvOf(out) > before, 'the resourceVersion is a revision after the create');
        assert.deepEqual(out, {
          ...input,
          metadata: { ...input.metadata, resourceVersion: out.metadata?.resourceVersion },
        });
        assert.deepEqual(await store.get(podKey('test-ns', 'foo')), out);
        assert.equal(
          input.metadata?.resourceVersion,
          undefined,
          'the input object is not modified',
        );
      },
    );

    storeTest(
      ctx,
      'fails with KeyExists when the key is taken and keeps the first object',
      async (store) => {
        const first = await seed(store, 'test-ns', 'foo', { spec: { v: 1 } });
        await rejectsStorage(
          store.create(podKey('test-ns', 'foo'), { ...pod('test-ns', 'foo'), spec: { v: 2 } }),
          'KeyExists',
        );
        assert.deepEqual(await store.get(podKey('test-ns', 'foo')), first);
      },
    );

    storeTest(
      ctx,
      'rejects an object that carries a resourceVersion and writes nothing',
      async (store) => {
        const input = pod('test-ns', 'bar');
        input.metadata = { ...input.metadata, resourceVersion: '1' };
        // as kube: storage.ErrResourceVersionSetOnCreate
        await assert.rejects(
          store.create(podKey('test-ns', 'bar'), input),
          /resourceVersion should not be set on objects to be created/,
        );
        assert.equal(await store.get(podKey('test-ns', 'bar'), { ignoreNotFound: true }), null);
      },
    );

    storeTest(ctx, 'accepts a key again after its object was deleted', async (store) => {
      const first = await seed(store, 'test-ns', 'foo');
      const deleted = await store.delete(podKey('test-ns', 'foo'));
      const again = await seed(store, 'test-ns', 'foo');
      assert.ok(rvOf(again) > rvOf(deleted), 'the re-created object is newer than the deletion');
      assert.ok(rvOf(deleted) > rvOf(first));
    });
  });

  void describe('get', () => {
    storeTest(ctx, 'reads under every resourceVersion rule', async (store) => {
      const key = podKey('test-ns', 'foo');
      const created = await seed(store, 'test-ns', 'foo');
      const updated = await store.guaranteedUpdate(key, (cur) =>
        changed(cur!, (o) => {
          o.metadata = { ...o.metadata, annotations: { 'test-annotation': '1' } };
        }),
      );
      // a later write elsewhere moves the store past the object's revision
      const other = await seed(store, 'test-ns', 'bar');
      const cases: {
        name: string;
        key: string;
        rv?: string;
        ignoreNotFound?: boolean;
        expect: 'notFound' | 'badRequest' | (KubeObject | null)[];
      }[] = [
        { name: 'latest ("")', key, expect: [updated] },
        // "0" is any state, even from before the object existed
        { name: 'any ("0")', key, rv: '0', ignoreNotFound: true, expect: [null, created, updated] },
        {
          name: 'not older than its creation',
          key,
          rv: String(rvOf(created)),
          expect: [created, updated],
        },
        { name: 'not older than its update', key, rv: String(rvOf(updated)), expect: [updated] },
        { name: 'not older than a later write', key, rv: String(rvOf(other)), expect: [updated] },
        { name: 'a missing key', key: podKey('test-ns', 'non-existing'), expect: 'notFound' },
        {
          name: 'a missing key with ignoreNotFound',
          key: podKey('test-ns', 'non-existing'),
          ignoreNotFound: true,
          expect: [null],
        },
        { name: 'a malformed resourceVersion', key, rv: 'abc', expect: 'badRequest' },
        { name: 'a negative resourceVersion', key, rv: '-1', expect: 'badRequest' },
      ];
      for (const c of cases) {
        const options = {
          ...(c.rv !== undefined ? { resourceVersion: c.rv } : {}),
          ...(c.ignoreNotFound === true ? { ignoreNotFound: true as const } : {}),
        };
        const read = store.get(c.key, options);
        if (c.expect === 'notFound') {
          await rejectsStorage(read, 'KeyNotFound');
        } else if (c.expect === 'badRequest') {
          await rejectsStatus(read, { code: 400, reason: 'BadRequest' });
        } else {
          const got = await read;
          assert.ok(
            c.expect.some((e) => isDeepStrictEqual(e, got)),
            `${c.name}: got ${JSON.stringify(got)}, expected one of ${JSON.stringify(c.expect)}`,
          );
        }
      }
    });
  });

  void describe('delete', () => {
    storeTest(ctx, 'unconditional: returns the object at the deletion revision', async (store) => {
      const stored = await seed(store, 'test-ns', 'foo');
      const out = await store.delete(podKey('test-ns', 'foo'));
      assert.ok(rvOf(out) > rvOf(stored), 'the returned resourceVersion is the deletion revision');
      assert.deepEqual(out, {
        ...stored,
        metadata: { ...stored.metadata, resourceVersion: out.metadata?.resourceVersion },
      });
      await rejectsStorage(store.get(podKey('test-ns', 'foo')), 'KeyNotFound');
      assert.ok((await store.currentRevision()) >= rvOf(out));
    });

    storeTest(ctx, 'of a missing key fails with KeyNotFound', async (store) => {
      await rejectsStorage(store.delete(podKey('test-ns', 'non-existing')), 'KeyNotFound');
    });

    storeTest(ctx, 'conditional on uid and resourceVersion, worded as kube', async (store) => {
      const key = podKey('test-ns', 'foo');
      const withUid = (): KubeObject => {
        const obj = pod('test-ns', 'foo');
        obj.metadata = { ...obj.metadata, uid: 'A' };
        return obj;
      };
      let stored = await store.create(key, withUid());
      const cases: {
        name: string;
        preconditions: (rv: string) => { uid?: string; resourceVersion?: string };
        error?: (rv: string) => string;
      }[] = [
        {
          name: 'uid mismatch',
          preconditions: () => ({ uid: 'B' }),
          error: () => 'Precondition failed: UID in precondition: B, UID in object meta: A',
        },
        {
          name: 'resourceVersion mismatch',
          preconditions: () => ({ resourceVersion: '1' }),
          error: (rv) =>
            `Precondition failed: ResourceVersion in precondition: 1, ResourceVersion in object meta: ${rv}`,
        },
        { name: 'uid match', preconditions: () => ({ uid: 'A' }) },
        { name: 'resourceVersion match', preconditions: (rv) => ({ resourceVersion: rv }) },
        { name: 'both match', preconditions: (rv) => ({ uid: 'A', resourceVersion: rv }) },
      ];
      for (const c of cases) {
        const rv = stored.metadata!.resourceVersion!;
        const result = store.delete(key, { preconditions: c.preconditions(rv) });
        if (c.error !== undefined) {
          await rejectsStorage(result, 'InvalidObj', c.error(rv));
          assert.deepEqual(await store.get(key), stored, `${c.name}: the object stays`);
          continue;
        }
        const out = await result;
        assert.ok(rvOf(out) > rvOf(stored), `${c.name}: deleted at a new revision`);
        await rejectsStorage(store.get(key), 'KeyNotFound');
        stored = await store.create(key, withUid());
      }
    });

    storeTest(ctx, 'with a current cachedExisting', async (store) => {
      const original = await seed(store, 'test-ns', 'name');
      await store.delete(podKey('test-ns', 'name'), { cachedExisting: original });
      await rejectsStorage(store.get(podKey('test-ns', 'name')), 'KeyNotFound');
    });

    storeTest(ctx, 'with a stale cachedExisting deletes the current object', async (store) => {
      const key = podKey('test-ns', 'name');
      const original = await seed(store, 'test-ns', 'name');
      const updated = await store.guaranteedUpdate(key, (cur) =>
        changed(cur!, (o) => {
          o.metadata = { ...o.metadata, labels: { foo: 'bar' } };
        }),
      );
      const out = await store.delete(key, { cachedExisting: original });
      await rejectsStorage(store.get(key), 'KeyNotFound');
      assert.deepEqual(out, {
        ...updated,
        metadata: { ...updated.metadata, resourceVersion: out.metadata?.resourceVersion },
      });
      assert.ok(rvOf(out) > rvOf(updated));
    });

    storeTest(
      ctx,
      'with a cachedExisting of an already deleted object fails with KeyNotFound',
      async (store) => {
        const key = podKey('test-ns', 'name');
        const original = await seed(store, 'test-ns', 'name');
        await store.delete(key, { cachedExisting: original });
        await rejectsStorage(store.delete(key, { cachedExisting: original }), 'KeyNotFound');
      },
    );

    storeTest(
      ctx,
      'validateDeletion: its error aborts the delete after one call',
      async (store) => {
        const key = podKey('test-ns', 'name');
        const original = await seed(store, 'test-ns', 'name');
        let calls = 0;
        const failure = new Error('validation error');
        await assert.rejects(
          store.delete(key, {
            cachedExisting: original,
            validateDeletion: () => {
              calls++;
              throw failure;
            },
          }),
          (err) => err === failure,
        );
        assert.equal(calls, 1, 'validateDeletion runs once on a current object');
        assert.deepEqual(await store.get(key), original);
      },
    );

    storeTest(
      ctx,
      'validateDeletion sees the current object when the cached one is stale',
      async (store) => {
        const key = podKey('test-ns', 'name');
        const original = await seed(store, 'test-ns', 'name');
        await store.guaranteedUpdate(key, (cur) =>
          changed(cur!, (o) => {
            o.metadata = { ...o.metadata, labels: { foo: 'bar' } };
          }),
        );
        let calls = 0;
        await store.delete(key, {
          cachedExisting: original,
          validateDeletion: (obj) => {
            calls++;
            if (obj.metadata?.labels?.foo !== 'bar') throw new Error('stale object');
          },
        });
        assert.ok(calls >= 1 && calls <= 2, `validateDeletion called ${calls} times`);
        await rejectsStorage(store.get(key), 'KeyNotFound');
      },
    );

    storeTest(
      ctx,
      'validateDeletion that only the stale cached object passes fails',
      async (store) => {
        const key = podKey('test-ns', 'name');
        const original = await seed(store, 'test-ns', 'name', {
          metadata: { namespace: 'test-ns', name: 'name', labels: { foo: 'bar' } },
        });
        const updated = await store.guaranteedUpdate(key, (cur) =>
          changed(cur!, (o) => {
            o.metadata = { ...o.metadata, labels: { foo: 'barbar' } };
          }),
        );
        let calls = 0;
        await assert.rejects(
          store.delete(key, {
            cachedExisting: original,
            validateDeletion: (obj) => {
              calls++;
              if (obj.metadata?.labels?.foo !== 'bar') throw new Error('stale object');
            },
          }),
          /^Error: stale object$/,
        );
        assert.ok(calls <= 2, `validateDeletion called ${calls} times`);
        assert.deepEqual(await store.get(key), updated);
      },
    );

    storeTest(
      ctx,
      'preconditions are checked against the current object, not a stale cache',
      async (store) => {
        const key = podKey('test-ns', 'name');
        const original = await seed(store, 'test-ns', 'name');
        await store.guaranteedUpdate(key, (cur) =>
          changed(cur!, (o) => {
            o.metadata = { ...o.metadata, uid: 'myUID' };
          }),
        );
        await store.delete(key, { cachedExisting: original, preconditions: { uid: 'myUID' } });
        await rejectsStorage(store.get(key), 'KeyNotFound');
      },
    );

    storeTest(ctx, 'preconditions that only the stale cached object passes fail', async (store) => {
      const key = podKey('test-ns', 'name');
      const original = await seed(store, 'test-ns', 'name', {
        metadata: { namespace: 'test-ns', name: 'name', uid: 'myUID' },
      });
      const updated = await store.guaranteedUpdate(key, (cur) =>
        changed(cur!, (o) => {
          o.metadata = { ...o.metadata, uid: 'otherUID' };
        }),
      );
      await rejectsStorage(
        store.delete(key, { cachedExisting: original, preconditions: { uid: 'myUID' } }),
        'InvalidObj',
        'Precondition failed: UID in precondition: myUID, UID in object meta: otherUID',
      );
      assert.deepEqual(await store.get(key), updated);
    });

    storeTest(ctx, 'retries when the object changes during validateDeletion', async (store) => {
      const key = podKey('test-ns', 'name');
      await seed(store, 'test-ns', 'name');
      let validations = 0;
      let updated: KubeObject | undefined;
      const out = await store.delete(key, {
        validateDeletion: async () => {
          validations++;
          if (validations > 1) return;
          updated = await store.guaranteedUpdate(key, (cur) =>
            changed(cur!, (o) => {
              o.metadata = { ...o.metadata, labels: { foo: 'bar' } };
            }),
          );
        },
      });
      assert.equal(validations, 2, 'the conflicting write makes the delete validate again');
      assert.ok(updated !== undefined);
      assert.deepEqual(out, {
        ...updated,
        metadata: { ...updated.metadata, resourceVersion: out.metadata?.resourceVersion },
      });
      assert.ok(rvOf(out) > rvOf(updated));
      await rejectsStorage(store.get(key), 'KeyNotFound');
    });
  });

  void describe('count', () => {
    storeTest(ctx, 'counts the objects under a prefix, never a sibling prefix', async (store) => {
      await seed(store, 'a', 'x');
      await seed(store, 'a', 'y');
      await seed(store, 'ab', 'z');
      await store.create('/pods/a', pod('', 'a'));
      const cases: [string, number][] = [
        ['/pods', 4],
        ['/pods/', 4],
        ['/pods/a', 2],
        ['/pods/a/', 2],
        ['/pods/ab', 1],
        ['/pods/a/x', 0],
        ['/other', 0],
      ];
      for (const [prefix, want] of cases)
        assert.equal(await store.count(prefix), want, `count(${prefix})`);
      await store.delete(podKey('a', 'x'));
      assert.equal(await store.count('/pods/a'), 1, 'a deleted object is not counted');
    });
  });

  void describe('revisions', () => {
    storeTest(ctx, 'currentRevision is monotonic and covers every write', async (store) => {
      let last = await store.currentRevision();
      const key = podKey('test-ns', 'foo');
      const writes: (() => Promise<KubeObject>)[] = [
        () => store.create(key, pod('test-ns', 'foo')),
        () => store.guaranteedUpdate(key, (cur) => changed(cur!, (o) => (o.spec = { v: 2 }))),
        () => store.create(podKey('test-ns', 'bar'), pod('test-ns', 'bar')),
        () => store.delete(key),
      ];
      let lastWrite = 0;
      for (const write of writes) {
        const out = await write();
        assert.ok(rvOf(out) > lastWrite, 'every write gets a larger revision');
        lastWrite = rvOf(out);
        const now = await store.currentRevision();
        assert.ok(now >= last, `currentRevision went backwards: ${last} then ${now}`);
        assert.ok(now >= lastWrite, `currentRevision ${now} is behind a write at ${lastWrite}`);
        last = now;
      }
      const list = await store.list('/pods', { recursive: true });
      assert.ok(
        Number(list.resourceVersion) >= lastWrite,
        'a consistent list is read at or after the last write',
      );
    });

    storeTest(ctx, 'a consistent list reports the current revision', async (store) => {
      await seed(store, 'default', 'foo');
      await store.create('/other/x', pod('', 'x'));
      const rev = await store.currentRevision();
      const list = await store.list('/pods/empty', { recursive: true });
      assert.ok(
        Number(list.resourceVersion) >= rev,
        'a list without resourceVersion is consistent',
      );
    });

    storeTest(ctx, 'readinessCheck resolves on a working store', async (store) => {
      await store.readinessCheck();
    });
  });

  void describe('too large resourceVersion', () => {
    storeTest(
      ctx,
      'reads beyond the current revision fail with 504 after a bounded wait',
      async (store) => {
        const obj = await seed(store, 'test-ns', 'foo');
        const future = String((await store.currentRevision()) + 1_000_000);
        const key = podKey('test-ns', 'foo');
        // all at once, so a backend that waits ~3 s for freshness pays it once
        await Promise.all([
          rejectsTooLarge(store.get(key, { resourceVersion: future })),
          rejectsTooLarge(store.list('/pods', { recursive: true, resourceVersion: future })),
          rejectsTooLarge(
            store.list('/pods', {
              recursive: true,
              resourceVersion: future,
              resourceVersionMatch: 'NotOlderThan',
            }),
          ),
          rejectsTooLarge(
            store.list('/pods', {
              recursive: true,
              resourceVersion: future,
              resourceVersionMatch: 'Exact',
            }),
          ),
          rejectsTooLarge(
            store.list('/pods', { recursive: true, resourceVersion: future, limit: 1 }),
          ),
          rejectsTooLarge(store.list(key, { resourceVersion: future })),
        ]);
        assert.deepEqual(await store.get(key), obj, 'the store still serves');
      },
    );
  });

  void describe('keys', () => {
    const badKeys = ['/a/../b', 'a', '//a', '/a/./b', '', '/a//b', '/..', '/.'];
    storeTest(
      ctx,
      'malformed keys are rejected with InvalidKey and nothing is written',
      async (store) => {
        const key0 = podKey('ns', 'ok');
        const good = await store.create(key0, pod('ns', 'ok'));
        for (const key of badKeys) {
          await rejectsStorage(store.create(key, pod('ns', 'bad')), 'InvalidKey');
          await rejectsStorage(store.get(key), 'InvalidKey');
          await rejectsStorage(store.delete(key), 'InvalidKey');
          await rejectsStorage(
            store.guaranteedUpdate(key, () => pod('ns', 'bad'), { ignoreNotFound: true }),
            'InvalidKey',
          );
          await rejectsStorage(store.list(key, { recursive: true }), 'InvalidKey');
          await rejectsStorage(store.list(key), 'InvalidKey');
          await rejectsStorage(store.count(key), 'InvalidKey');
          assert.throws(
            () => store.watch(key, { recursive: true }),
            (err: unknown) =>
              err instanceof Error &&
              err.name === 'StorageError' &&
              (err as { code?: string }).code === 'InvalidKey',
            `watch(${JSON.stringify(key)})`,
          );
        }
        const all = await store.list('/', { recursive: true });
        assert.deepEqual(all.items, [good], 'only the valid object exists');
        assert.equal(await store.count('/'), 1);
      },
    );

    storeTest(ctx, 'list, watch and count accept a trailing slash on a prefix', async (store) => {
      const a = await store.create('/pods/ns/a', pod('ns', 'a'));
      assert.deepEqual((await store.list('/pods/ns/', { recursive: true })).items, [a]);
      assert.equal(await store.count('/pods/ns/'), 1);
      const w = watchOf(ctx, store, '/pods/ns/', { recursive: true });
      await w.expect('ADDED', a);
      w.watcher.stop();
    });
  });

  void describe('isolation', () => {
    storeTest(ctx, 'returned objects never alias stored state', async (store) => {
      const key = podKey('ns', 'a');
      const input = pod('ns', 'a', { containers: [{ name: 'c' }] });
      const created = await store.create(key, input);
      (input.spec as { containers: { name: string }[] }).containers[0]!.name = 'mutated-input';
      (created.spec as { containers: { name: string }[] }).containers[0]!.name = 'mutated-output';
      const got = await store.get(key);
      assert.deepEqual(got.spec, { containers: [{ name: 'c' }] });
      got.spec.containers.push({ name: 'x' });
      const listed = await store.list('/pods', { recursive: true });
      assert.deepEqual(listed.items[0]?.spec, { containers: [{ name: 'c' }] });
      listed.items[0].metadata!.name = 'changed';
      let seen: KubeObject | undefined;
      const updated = await store.guaranteedUpdate(key, (cur) => {
        seen = cur;
        return changed(cur!, (o) => (o.spec = { containers: [{ name: 'd' }] }));
      });
      assert.equal(seen?.metadata?.name, 'a', 'tryUpdate gets a fresh copy');
      seen.metadata.name = 'changed-after';
      (updated.spec as { containers: { name: string }[] }).containers.length = 0;
      assert.deepEqual((await store.get(key)).spec, { containers: [{ name: 'd' }] });
      assert.equal((await store.get(key)).metadata?.name, 'a');
    });

    storeTest(
      ctx,
      'a shared read answers the current state and cannot change it',
      async (store) => {
        const key = podKey('ns', 'a');
        const created = await store.create(key, pod('ns', 'a', { containers: [{ name: 'c' }] }));
        const first = await store.get(key, { shared: true });
        assert.deepEqual(first, created);
        assert.deepEqual(await store.get(key, { shared: true }), created, 'a second shared read');
        // a holder of a shared object cannot change what the store answers: it is frozen or a copy
        try {
          (first.spec as { containers: unknown[] }).containers.push({ name: 'x' });
          first.metadata!.name = 'changed';
        } catch (err) {
          assert.ok(err instanceof TypeError, `a frozen object refuses changes: ${String(err)}`);
        }
        assert.deepEqual(await store.get(key), created);
        assert.deepEqual(await store.get(key, { shared: true }), created);
        const updated = await store.guaranteedUpdate(key, (cur) =>
          changed(cur!, (o) => (o.spec = { containers: [{ name: 'd' }] })),
        );
        assert.deepEqual(await store.get(key, { shared: true }), updated, 'the next state');
        await rejectsStorage(store.get(podKey('ns', 'missing'), { shared: true }), 'KeyNotFound');
        assert.equal(
          await store.get(podKey('ns', 'missing'), { shared: true, ignoreNotFound: true }),
          null,
        );
        await store.delete(key);
        await rejectsStorage(store.get(key, { shared: true }), 'KeyNotFound');
      },
    );

    storeTest(ctx, 'watch events do not share objects between watchers', async (store) => {
      const w1 = watchOf(ctx, store, '/pods', { recursive: true });
      const w2 = watchOf(ctx, store, '/pods', { recursive: true });
      const created = await store.create(podKey('ns', 'a'), pod('ns', 'a', { v: 1 }));
      const e1 = await w1.expect('ADDED', created);
      (e1.object as KubeObject).spec = { v: 'mutated' };
      await w2.expect('ADDED', created);
      assert.deepEqual(await store.get(podKey('ns', 'a')), created);
    });
  });

  void describe('abort', () => {
    storeTest(
      ctx,
      'a call with an aborted signal rejects with its reason and writes nothing',
      async (store) => {
        const controller = new AbortController();
        const reason = new Error('caller gave up');
        controller.abort(reason);
        const { signal } = controller;
        const key = podKey('ns', 'a');
        await assert.rejects(
          store.create(key, pod('ns', 'a'), { signal }),
          (err) => err === reason,
        );
        await assert.rejects(store.get(key, { signal }), (err) => err === reason);
        await assert.rejects(
          store.list('/pods', { recursive: true, signal }),
          (err) => err === reason,
        );
        await assert.rejects(
          store.guaranteedUpdate(key, () => pod('ns', 'a'), { ignoreNotFound: true, signal }),
          (err) => err === reason,
        );
        assert.equal(await store.get(key, { ignoreNotFound: true }), null, 'nothing was written');
        await store.create(key, pod('ns', 'a'));
        await assert.rejects(store.delete(key, { signal }), (err) => err === reason);
        assert.notEqual(
          await store.get(key, { ignoreNotFound: true }),
          null,
          'nothing was deleted',
        );
      },
    );
  });
}
