/**
 * Conformance: guaranteedUpdate (after k8s.io/apiserver pkg/storage/testing store_tests.go
 * RunTestGuaranteedUpdate*).
 * @module
 */
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import type { KubeObject, Preconditions } from '@kapi/apimachinery';
import { changed, pod, podKey, rejectsStorage, rvOf, storeTest } from './harness.js';
import type { SuiteContext } from './harness.js';

/** A promise with its resolver, for sequencing concurrent updaters. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

function withUid(obj: KubeObject, uid: string): KubeObject {
  return changed(obj, (o) => {
    o.metadata = { ...o.metadata, uid };
  });
}

export function updateTests(ctx: SuiteContext): void {
  void describe('guaranteedUpdate', () => {
    const key = podKey('test-ns', 'foo');
    const input = withUid(pod('test-ns', 'foo'), 'A');
    const cases: {
      name: string;
      key: string;
      ignoreNotFound?: boolean;
      preconditions?: Preconditions;
      expect: 'notFound' | 'invalidObj' | 'update' | 'noUpdate';
      selfLink?: boolean;
      message?: string;
    }[] = [
      {
        name: 'a missing key without ignoreNotFound fails',
        key: podKey('test-ns', 'non-existing'),
        expect: 'notFound',
      },
      {
        name: 'a missing key with ignoreNotFound creates',
        key: podKey('test-ns', 'non-existing'),
        ignoreNotFound: true,
        expect: 'update',
      },
      { name: 'an existing key is updated', key, expect: 'update' },
      { name: 'the same data writes nothing', key, expect: 'noUpdate' },
      {
        name: 'the same data with a selfLink writes nothing',
        key,
        expect: 'noUpdate',
        selfLink: true,
      },
      { name: 'a matching uid precondition', key, preconditions: { uid: 'A' }, expect: 'noUpdate' },
      {
        name: 'a mismatching uid precondition',
        key,
        preconditions: { uid: 'B' },
        expect: 'invalidObj',
        message: 'Precondition failed: UID in precondition: B, UID in object meta: A',
      },
    ];
    for (const [i, c] of cases.entries()) {
      storeTest(ctx, c.name, async (store) => {
        const stored = await store.create(key, input);
        const annotations = c.expect === 'noUpdate' ? undefined : { version: String(i) };
        let sawMissing = false;
        // the object written at c.key is named for it, as a watch cache files objects by name
        const base = c.key === key ? stored : withUid(pod('test-ns', 'non-existing'), 'A');
        const result = store.guaranteedUpdate(
          c.key,
          (cur) => {
            if (cur === undefined) sawMissing = true;
            return changed(base, (o) => {
              const { annotations: _drop, ...meta } = o.metadata ?? {};
              o.metadata = annotations === undefined ? meta : { ...meta, annotations };
              if (c.selfLink === true) o.metadata.selfLink = 'testlink';
            });
          },
          {
            ...(c.ignoreNotFound === true ? { ignoreNotFound: true } : {}),
            ...(c.preconditions !== undefined ? { preconditions: c.preconditions } : {}),
          },
        );
        if (c.expect === 'notFound') {
          await rejectsStorage(result, 'KeyNotFound');
          return;
        }
        if (c.expect === 'invalidObj') {
          await rejectsStorage(result, 'InvalidObj', c.message);
          assert.deepEqual(await store.get(key), stored, 'nothing was written');
          return;
        }
        const out = await result;
        assert.deepEqual(out.metadata?.annotations, annotations);
        assert.equal(out.metadata?.selfLink, undefined, 'selfLink is never stored');
        assert.deepEqual(await store.get(c.key), out, 'get returns what the update returned');
        if (c.expect === 'noUpdate') {
          assert.equal(
            out.metadata?.resourceVersion,
            stored.metadata?.resourceVersion,
            'no new revision',
          );
        } else {
          assert.ok(rvOf(out) > rvOf(stored), 'a new revision');
        }
        assert.equal(
          sawMissing,
          c.ignoreNotFound === true,
          'tryUpdate gets undefined only for a missing key',
        );
      });
    }

    storeTest(ctx, 'a mismatching resourceVersion precondition, worded as kube', async (store) => {
      const stored = await store.create(key, input);
      await rejectsStorage(
        store.guaranteedUpdate(key, (cur) => changed(cur!, (o) => (o.spec = { v: 2 })), {
          preconditions: { resourceVersion: '1' },
        }),
        'InvalidObj',
        `Precondition failed: ResourceVersion in precondition: 1, ResourceVersion in object meta: ${rvOf(stored)}`,
      );
      const out = await store.guaranteedUpdate(
        key,
        (cur) => changed(cur!, (o) => (o.spec = { v: 2 })),
        {
          preconditions: { resourceVersion: String(rvOf(stored)), uid: 'A' },
        },
      );
      assert.deepEqual(out.spec, { v: 2 });
    });

    storeTest(ctx, 'an error from tryUpdate propagates and writes nothing', async (store) => {
      const stored = await store.create(key, input);
      const failure = new Error('admission said no');
      let calls = 0;
      await assert.rejects(
        store.guaranteedUpdate(key, () => {
          calls++;
          throw failure;
        }),
        (err) => err === failure,
      );
      await assert.rejects(
        store.guaranteedUpdate(key, () => {
          calls++;
          return Promise.reject(failure);
        }),
        (err) => err === failure,
      );
      assert.equal(calls, 2, 'tryUpdate runs once per call on current data');
      assert.deepEqual(await store.get(key), stored);
    });

    storeTest(
      ctx,
      'the stored object never carries the resourceVersion tryUpdate returned',
      async (store) => {
        await store.create(key, input);
        const out = await store.guaranteedUpdate(key, (cur) =>
          changed(cur!, (o) => {
            o.metadata = { ...o.metadata, resourceVersion: '999999999' };
            o.spec = { v: 2 };
          }),
        );
        assert.notEqual(out.metadata?.resourceVersion, '999999999');
        assert.ok(rvOf(out) <= (await store.currentRevision()));
        assert.deepEqual(await store.get(key), out);
      },
    );

    storeTest(
      ctx,
      'a conflicting write makes it call tryUpdate again on the new state',
      async (store) => {
        await store.create(key, pod('test-ns', 'foo'));
        const secondEntered = gate();
        const firstFinished = gate();
        const first = store
          .guaranteedUpdate(key, async (cur) => {
            await secondEntered.promise;
            return changed(cur!, (o) => (o.spec = { by: 'first' }));
          })
          .finally(() => {
            firstFinished.open();
          });
        let calls = 0;
        const seen: unknown[] = [];
        const second = await store.guaranteedUpdate(key, async (cur) => {
          calls++;
          seen.push(cur?.spec);
          if (calls === 1) {
            secondEntered.open();
            await firstFinished.promise;
          }
          return changed(cur!, (o) => (o.spec = { ...(o.spec as object), second: true }));
        });
        await first;
        assert.equal(calls, 2, 'the second updater lost the race once');
        assert.deepEqual(seen, [{}, { by: 'first' }]);
        assert.deepEqual(second.spec, { by: 'first', second: true });
        assert.deepEqual(await store.get(key), second);
      },
    );

    storeTest(ctx, `concurrent updaters of one key all succeed`, async (store) => {
      const n = 10;
      await store.create(key, { ...pod('test-ns', 'foo'), spec: { counter: 0 } });
      const results = await Promise.all(
        Array.from({ length: n }, () =>
          store.guaranteedUpdate(key, async (cur) => {
            // yield so the updaters interleave and conflict
            await new Promise((resolve) => setImmediate(resolve));
            const spec = cur!.spec as { counter: number };
            return changed(cur!, (o) => (o.spec = { counter: spec.counter + 1 }));
          }),
        ),
      );
      const final = await store.get(key);
      assert.deepEqual(final.spec, { counter: n });
      const counters = results
        .map((r) => (r.spec as { counter: number }).counter)
        .sort((a, b) => a - b);
      assert.deepEqual(
        counters,
        Array.from({ length: n }, (_, i) => i + 1),
        'each update saw the one before',
      );
      assert.equal(
        new Set(results.map((r) => r.metadata?.resourceVersion)).size,
        n,
        'one revision per update',
      );
    });

    storeTest(
      ctx,
      'a stale cachedExisting: a conflict on it is retried on fresh data',
      async (store) => {
        const original = await store.create(key, pod('test-ns', 'foo'));
        await store.guaranteedUpdate(key, (cur) =>
          changed(cur!, (o) => {
            o.metadata = { ...o.metadata, generation: 2 };
          }),
        );
        let sawStale = 0;
        const out = await store.guaranteedUpdate(
          key,
          (cur) => {
            if (cur?.metadata?.generation !== 2) {
              sawStale++;
              throw new Error('conflict: stale object');
            }
            return changed(cur, (o) => {
              o.metadata = { ...o.metadata, generation: 3 };
            });
          },
          { cachedExisting: original },
        );
        assert.ok(sawStale <= 1, 'the stale object is tried at most once');
        assert.equal(out.metadata?.generation, 3);
      },
    );

    storeTest(ctx, 'a current cachedExisting: an error from tryUpdate is final', async (store) => {
      await store.create(key, pod('test-ns', 'foo'));
      const current = await store.guaranteedUpdate(key, (cur) =>
        changed(cur!, (o) => {
          o.metadata = { ...o.metadata, generation: 3 };
        }),
      );
      let attempts = 0;
      await assert.rejects(
        store.guaranteedUpdate(
          key,
          () => {
            attempts++;
            throw new Error('validation or admission error');
          },
          { cachedExisting: current },
        ),
        /validation or admission error/,
      );
      assert.ok(attempts >= 1 && attempts <= 2, `tryUpdate called ${attempts} times`);
    });

    storeTest(
      ctx,
      'a stale cachedExisting is never the answer of a no-op update',
      async (store) => {
        const original = await store.create(key, pod('test-ns', 'foo'));
        const current = await store.guaranteedUpdate(key, (cur) =>
          changed(cur!, (o) => (o.spec = { v: 2 })),
        );
        const out = await store.guaranteedUpdate(key, (cur) => structuredClone(cur!), {
          cachedExisting: original,
        });
        assert.deepEqual(out, current, 'the no-op returns the current object, not the cached one');
        assert.deepEqual(await store.get(key), current);
      },
    );

    storeTest(
      ctx,
      'a stale cachedExisting with preconditions checks the current object',
      async (store) => {
        const original = await store.create(key, pod('test-ns', 'foo'));
        await store.guaranteedUpdate(key, (cur) => withUid(cur!, 'myUID'));
        const out = await store.guaranteedUpdate(
          key,
          (cur) => changed(cur!, (o) => (o.spec = { v: 3 })),
          {
            cachedExisting: original,
            preconditions: { uid: 'myUID' },
          },
        );
        assert.deepEqual(out.spec, { v: 3 });
      },
    );

    storeTest(
      ctx,
      'ignoreNotFound creates the object; a second create-on-update updates it',
      async (store) => {
        const created = await store.guaranteedUpdate(
          key,
          (cur) => {
            assert.equal(cur, undefined);
            return pod('test-ns', 'foo', { v: 1 });
          },
          { ignoreNotFound: true },
        );
        assert.deepEqual(await store.get(key), created);
        const updated = await store.guaranteedUpdate(
          key,
          (cur) => {
            assert.deepEqual(cur, created);
            return changed(cur, (o) => (o.spec = { v: 2 }));
          },
          { ignoreNotFound: true },
        );
        assert.ok(rvOf(updated) > rvOf(created));
      },
    );

    storeTest(ctx, 'an update racing a delete fails with KeyNotFound', async (store) => {
      await store.create(key, pod('test-ns', 'foo'));
      let calls = 0;
      await rejectsStorage(
        store.guaranteedUpdate(key, async (cur) => {
          calls++;
          if (calls === 1) await store.delete(key);
          return changed(cur!, (o) => (o.spec = { v: 2 }));
        }),
        'KeyNotFound',
      );
      assert.equal(
        await store.get(key, { ignoreNotFound: true }),
        null,
        'the deleted object stays deleted',
      );
    });
  });
}
