/**
 * Conformance: watch (after k8s.io/apiserver pkg/storage/testing watcher_tests.go).
 * @module
 */
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import type { KubeObject } from '@kapi/apimachinery';
import type { Storage, StorageWatchEvent } from '../interface.js';
import {
  EventReader,
  atRevision,
  brief,
  changed,
  objectOf,
  pod,
  podKey,
  rvOf,
  selector,
  sleep,
  storeTest,
  watchOf,
} from './harness.js';
import type { SuiteContext } from './harness.js';

const INITIAL_EVENTS_END = 'k8s.io/initial-events-end';

/** Writes `obj` at `key` (create or update) and returns it as stored. */
function put(store: Storage, key: string, obj: KubeObject): Promise<KubeObject> {
  return store.guaranteedUpdate(key, () => structuredClone(obj), { ignoreNotFound: true });
}

export function watchTests(ctx: SuiteContext): void {
  void describe('watch: events and filter transitions', () => {
    const base = pod('', 'foo', { nodeName: '' });
    const assigned = pod('', 'foo', { nodeName: 'bar' });
    const tables: {
      name: string;
      pred: string;
      steps: { obj: KubeObject; expect?: 'ADDED' | 'MODIFIED' | 'DELETED' }[];
    }[] = [
      { name: 'create a key', pred: '', steps: [{ obj: base, expect: 'ADDED' }] },
      {
        name: 'a key updated to match the predicate is ADDED',
        pred: 'spec.nodeName=bar',
        steps: [{ obj: base }, { obj: assigned, expect: 'ADDED' }],
      },
      {
        name: 'update',
        pred: '',
        steps: [
          { obj: base, expect: 'ADDED' },
          { obj: assigned, expect: 'MODIFIED' },
        ],
      },
      {
        name: 'a key updated to stop matching is DELETED with its last matching state',
        pred: 'spec.nodeName!=bar',
        steps: [
          { obj: base, expect: 'ADDED' },
          { obj: assigned, expect: 'DELETED' },
        ],
      },
    ];
    for (const recursive of [false, true]) {
      for (const [i, t] of tables.entries()) {
        storeTest(ctx, `${t.name} (${recursive ? 'recursive' : 'single key'})`, async (store) => {
          const ns = `test-ns-${i}`;
          const key = podKey(ns, 'foo');
          const watchKey = recursive ? `/pods/${ns}` : key;
          const predicate = selector(t.pred);
          const list = await store.list(watchKey, { recursive, predicate });
          const w = watchOf(ctx, store, watchKey, {
            resourceVersion: list.resourceVersion,
            recursive,
            predicate,
          });
          let prev: KubeObject | undefined;
          for (const step of t.steps) {
            const out = await put(
              store,
              key,
              changed(step.obj, (o) => (o.metadata = { ...o.metadata, namespace: ns })),
            );
            if (step.expect !== undefined) {
              // as kube: a DELETED for a filter transition carries the previous object at the new revision
              const expected = step.expect === 'DELETED' ? atRevision(prev!, rvOf(out)) : out;
              await w.expect(step.expect, expected);
            }
            prev = out;
          }
          await w.expectQuiet();
          w.watcher.stop();
          await w.expectEnd();
        });
      }
    }

    storeTest(ctx, 'label predicates select across a prefix', async (store) => {
      const w = watchOf(ctx, store, '/pods', {
        recursive: true,
        resourceVersion: String(await store.currentRevision()),
        predicate: selector('labels:app=web'),
      });
      const labeled = (name: string, app: string): KubeObject =>
        changed(pod('ns', name), (o) => {
          o.metadata = { ...o.metadata, labels: { app } };
        });
      const a = await store.create(podKey('ns', 'a'), labeled('a', 'web'));
      await store.create(podKey('ns', 'b'), labeled('b', 'db'));
      const a2 = await put(store, podKey('ns', 'a'), labeled('a', 'db'));
      const b2 = await put(store, podKey('ns', 'b'), labeled('b', 'web'));
      const bDeleted = await store.delete(podKey('ns', 'b'));
      await w.expect('ADDED', a);
      await w.expect('DELETED', atRevision(a, rvOf(a2)));
      await w.expect('ADDED', b2);
      await w.expect('DELETED', bDeleted);
      await w.expectQuiet();
    });

    // after kube's RunTestNamespaceScopedWatch: a watch key, a field selector, writes in order
    const scoped: {
      name: string;
      key: string;
      fields: string;
      steps: {
        ns: string;
        name: string;
        nodeName?: string;
        expect?: 'ADDED' | 'MODIFIED' | 'DELETED';
      }[];
    }[] = [
      {
        name: 'all namespaces, no selector',
        key: '/pods',
        fields: '',
        steps: [
          { ns: 'ns1', name: 'foo1', expect: 'ADDED' },
          { ns: 'ns2', name: 'foo2', expect: 'ADDED' },
          { ns: 'ns1', name: 'foo1', nodeName: 'n', expect: 'MODIFIED' },
        ],
      },
      {
        name: 'all namespaces, metadata.namespace selector',
        key: '/pods',
        fields: 'metadata.namespace=ns1',
        steps: [
          { ns: 'ns1', name: 'foo1', expect: 'ADDED' },
          { ns: 'ns2', name: 'foo1' },
          { ns: 'ns1', name: 'foo1', nodeName: 'n', expect: 'MODIFIED' },
          { ns: 'ns2', name: 'foo1', nodeName: 'n' },
        ],
      },
      {
        name: 'one namespace, a non-matching metadata.namespace selector',
        key: '/pods/ns1',
        fields: 'metadata.namespace=ns2',
        steps: [
          { ns: 'ns1', name: 'foo1' },
          { ns: 'ns2', name: 'foo1' },
          { ns: 'ns1', name: 'foo1', nodeName: 'n' },
        ],
      },
      {
        name: 'one namespace, a spec.nodeName selector filtering out and in',
        key: '/pods/ns2',
        fields: 'spec.nodeName!=bar1',
        steps: [
          { ns: 'ns1', name: 'foo1' },
          { ns: 'ns2', name: 'foo1', expect: 'ADDED' },
          { ns: 'ns2', name: 'foo1', nodeName: 'bar1', expect: 'DELETED' },
          { ns: 'ns2', name: 'foo1', nodeName: 'bar2', expect: 'ADDED' },
        ],
      },
      {
        name: 'all namespaces, metadata.name and spec.nodeName selector',
        key: '/pods',
        fields: 'metadata.name=foo1,spec.nodeName=bar1',
        steps: [
          { ns: 'ns1', name: 'foo1' },
          { ns: 'ns1', name: 'foo2', nodeName: 'bar1' },
          { ns: 'ns1', name: 'foo1', nodeName: 'bar1', expect: 'ADDED' },
          { ns: 'ns2', name: 'foo1', nodeName: 'bar1', expect: 'ADDED' },
        ],
      },
    ];
    for (const t of scoped) {
      storeTest(ctx, `field selectors: ${t.name}`, async (store) => {
        const predicate = selector(t.fields);
        const list = await store.list('/pods', { recursive: true, predicate });
        const w = watchOf(ctx, store, t.key, {
          recursive: true,
          resourceVersion: list.resourceVersion,
          predicate,
        });
        const current = new Map<string, KubeObject>();
        for (const step of t.steps) {
          const key = podKey(step.ns, step.name);
          const out = await put(
            store,
            key,
            pod(step.ns, step.name, step.nodeName === undefined ? {} : { nodeName: step.nodeName }),
          );
          if (step.expect !== undefined) {
            await w.expect(
              step.expect,
              step.expect === 'DELETED' ? atRevision(current.get(key)!, rvOf(out)) : out,
            );
          }
          current.set(key, out);
        }
        await w.expectQuiet();
      });
    }

    storeTest(
      ctx,
      'a delete sends DELETED with the object at the deletion revision',
      async (store) => {
        const key = podKey('test-ns', 'foo');
        const stored = await store.create(key, pod('test-ns', 'foo'));
        const w = watchOf(ctx, store, key, { resourceVersion: String(rvOf(stored)) });
        const deleted = await store.delete(key, { preconditions: {} });
        assert.ok(rvOf(deleted) > rvOf(stored));
        await w.expect('DELETED', deleted);
      },
    );

    storeTest(ctx, 'from a non-zero resourceVersion: the next change', async (store) => {
      const key = podKey('test-ns', 'foo');
      const stored = await store.create(key, pod('test-ns', 'foo'));
      const w = watchOf(ctx, store, key, { resourceVersion: String(rvOf(stored)) });
      const out = await store.guaranteedUpdate(key, (cur) =>
        changed(cur!, (o) => {
          o.metadata = { ...o.metadata, annotations: { version: '2' } };
        }),
      );
      await w.expect('MODIFIED', out);
    });

    storeTest(
      ctx,
      'recursive watches of /a never see /ab; single-key watches see one key',
      async (store) => {
        const start = String(await store.currentRevision());
        const prefixWatch = watchOf(ctx, store, '/pods/a', {
          recursive: true,
          resourceVersion: start,
        });
        const slashWatch = watchOf(ctx, store, '/pods/a/', {
          recursive: true,
          resourceVersion: start,
        });
        const keyWatch = watchOf(ctx, store, '/pods/a/x', { resourceVersion: start });
        // every object at its namespace/name key, as a watch cache files them
        await store.create(podKey('ab', 'x'), pod('ab', 'x'));
        const xy = await store.create(podKey('a', 'xy'), pod('a', 'xy'));
        await store.create(podKey('abc', 'x'), pod('abc', 'x'));
        const x = await store.create(podKey('a', 'x'), pod('a', 'x'));
        for (const w of [prefixWatch, slashWatch]) {
          await w.expect('ADDED', xy);
          await w.expect('ADDED', x);
          await w.expectQuiet();
        }
        await keyWatch.expect('ADDED', x);
        await keyWatch.expectQuiet();
      },
    );
  });

  void describe('watch: resourceVersion rules', () => {
    storeTest(ctx, 'from "0": the current state, also after compaction', async (store) => {
      const key = podKey('test-ns', 'foo');
      const stored = await store.create(key, pod('test-ns', 'foo'));
      let w = watchOf(ctx, store, key, { resourceVersion: '0' });
      await w.expect('ADDED', stored);
      w.watcher.stop();
      const updated = await put(
        store,
        key,
        changed(pod('test-ns', 'foo'), (o) => {
          o.metadata = { ...o.metadata, annotations: { a: '1' } };
        }),
      );
      w = watchOf(ctx, store, key, { resourceVersion: '0' });
      const first = await w.expect('ADDED');
      assert.ok(
        [stored, updated].some((o) => isDeepStrictEqual(o, first.object)),
        `"0" sends some state of the object, got ${JSON.stringify(first.object)}`,
      );
      w.watcher.stop();
      const again = await put(store, key, pod('test-ns', 'foo'));
      await store.compact(rvOf(again));
      w = watchOf(ctx, store, key, { resourceVersion: '0' });
      await w.expect('ADDED', again);
    });

    storeTest(ctx, 'from "": the current state as ADDED, then every change', async (store) => {
      const a = await store.create(podKey('ns', 'a'), pod('ns', 'a'));
      const b = await store.create(podKey('ns', 'b'), pod('ns', 'b'));
      const gone = await store.create(podKey('ns', 'c'), pod('ns', 'c'));
      await store.delete(podKey('ns', 'c'));
      await store.create(podKey('other', 'z'), pod('other', 'z'));
      const w = watchOf(ctx, store, '/pods/ns', { recursive: true, resourceVersion: '' });
      const initial = await w.take(2, 'the initial ADDED events');
      assert.deepEqual(
        initial.map((e) => e.type),
        ['ADDED', 'ADDED'],
      );
      const byName = new Map(initial.map((e) => [objectOf(e).metadata?.name, e.object]));
      assert.deepEqual(byName.get('a'), a);
      assert.deepEqual(byName.get('b'), b);
      assert.ok(!byName.has(gone.metadata?.name), 'deleted objects are not in the initial state');
      const b2 = await put(store, podKey('ns', 'b'), pod('ns', 'b', { v: 2 }));
      const d = await store.create(podKey('ns', 'd'), pod('ns', 'd'));
      await w.expect('MODIFIED', b2);
      await w.expect('ADDED', d);
      await w.expectQuiet();
    });

    storeTest(ctx, 'from N: every change after N exactly once, in order', async (store) => {
      const rvs: number[] = [await store.currentRevision()];
      const writes: { key: string; event: StorageWatchEvent }[] = [];
      const record = (
        type: 'ADDED' | 'MODIFIED' | 'DELETED',
        key: string,
        obj: KubeObject,
      ): void => {
        rvs.push(rvOf(obj));
        writes.push({ key, event: { type, object: obj } });
      };
      for (let i = 0; i < 4; i++) {
        const key = podKey('ns', `p${i}`);
        record('ADDED', key, await store.create(key, pod('ns', `p${i}`)));
        record('MODIFIED', key, await put(store, key, pod('ns', `p${i}`, { v: 2 })));
        await store.create(podKey('elsewhere', `q${i}`), pod('elsewhere', `q${i}`));
      }
      record('DELETED', podKey('ns', 'p1'), await store.delete(podKey('ns', 'p1')));
      record(
        'ADDED',
        podKey('ns', 'p1'),
        await store.create(podKey('ns', 'p1'), pod('ns', 'p1', { again: true })),
      );
      for (let from = 0; from < writes.length; from += 3) {
        const w = watchOf(ctx, store, '/pods/ns', {
          recursive: true,
          resourceVersion: String(rvs[from]),
        });
        const expected = writes.slice(from).map((x) => x.event);
        const got = await w.take(expected.length, `the changes after ${rvs[from]}`);
        assert.deepEqual(got, expected, `resuming from ${rvs[from]}`);
        await w.expectQuiet(`nothing after the last change (from ${rvs[from]})`);
        w.watcher.stop();
      }
      // resuming from the last event's revision gives nothing
      const tail = watchOf(ctx, store, '/pods/ns', {
        recursive: true,
        resourceVersion: String(rvs[rvs.length - 1]),
      });
      await tail.expectQuiet();
    });

    storeTest(ctx, 'revisions in a stream strictly increase', async (store) => {
      const w = watchOf(ctx, store, '/pods', {
        recursive: true,
        resourceVersion: String(await store.currentRevision()),
      });
      const writes: Promise<KubeObject>[] = [];
      for (let i = 0; i < 20; i++) {
        writes.push(put(store, podKey('ns', `p${i % 5}`), pod('ns', `p${i % 5}`, { i })));
      }
      await Promise.all(writes);
      const events = await w.take(20);
      for (let i = 1; i < events.length; i++) {
        assert.ok(
          rvOf(objectOf(events[i]!)) > rvOf(objectOf(events[i - 1]!)),
          `${brief(events[i - 1]!)} then ${brief(events[i]!)}`,
        );
      }
    });

    storeTest(
      ctx,
      'from a compacted revision: one ERROR 410 Expired, then the end',
      async (store) => {
        const before = await store.currentRevision();
        await store.create(podKey('ns', 'a'), pod('ns', 'a'));
        await store.create(podKey('ns', 'b'), pod('ns', 'b'));
        const last = await store.create(podKey('ns', 'c'), pod('ns', 'c'));
        await store.compact(rvOf(last));
        const w = watchOf(ctx, store, '/pods', {
          recursive: true,
          resourceVersion: String(before),
        });
        const event = await w.next('the ERROR event');
        assert.equal(event.type, 'ERROR', `expected ERROR, got ${brief(event)}`);
        const status = event.object;
        assert.equal(status.code, 410);
        assert.equal(status.reason, 'Expired');
        assert.equal(status.status, 'Failure');
        assert.match(
          status.message ?? '',
          new RegExp(`^too old resource version: ${before} \\(\\d+\\)$`),
        );
        await w.expectEnd('the end after the ERROR event');
        // at the compacted revision itself the watch works
        const ok = watchOf(ctx, store, '/pods', {
          recursive: true,
          resourceVersion: String(rvOf(last)),
        });
        const d = await store.create(podKey('ns', 'd'), pod('ns', 'd'));
        await ok.expect('ADDED', d);
      },
    );

    storeTest(ctx, 'a malformed resourceVersion is a 400', (store) => {
      assert.throws(
        () => store.watch('/pods', { recursive: true, resourceVersion: 'abc' }),
        (err: unknown) => err instanceof Error && (err as { code?: unknown }).code === 400,
      );
      return Promise.resolve();
    });
  });

  void describe('watch: initial events and bookmarks', () => {
    storeTest(
      ctx,
      'sendInitialEvents ends the initial state with the initial-events-end bookmark',
      async (store) => {
        const a = await store.create(podKey('ns', 'a'), pod('ns', 'a'));
        const b = await store.create(podKey('ns', 'b'), pod('ns', 'b'));
        const w = watchOf(ctx, store, '/pods', {
          recursive: true,
          sendInitialEvents: true,
          allowBookmarks: true,
        });
        const initial = await w.take(2, 'the initial ADDED events');
        assert.deepEqual(
          new Set(initial.map((e) => JSON.stringify([e.type, objectOf(e).metadata?.name]))),
          new Set([JSON.stringify(['ADDED', 'a']), JSON.stringify(['ADDED', 'b'])]),
        );
        assert.deepEqual(initial.find((e) => objectOf(e).metadata?.name === 'a')?.object, a);
        const bookmark = await w.expect('BOOKMARK', undefined, 'the initial-events-end bookmark');
        const meta = objectOf(bookmark).metadata;
        assert.equal(meta?.annotations?.[INITIAL_EVENTS_END], 'true');
        assert.ok(rvOf(objectOf(bookmark)) >= rvOf(b), 'the bookmark is at the state it ends');
        const c = await store.create(podKey('ns', 'c'), pod('ns', 'c'));
        const next = await w.next('the change after the bookmark');
        // periodic bookmarks may come in between; they never carry the annotation
        let change = next;
        while (change.type === 'BOOKMARK') {
          assert.equal(objectOf(change).metadata?.annotations?.[INITIAL_EVENTS_END], undefined);
          change = await w.next('the change after the bookmark');
        }
        assert.deepEqual(change, { type: 'ADDED', object: c });
        assert.ok(rvOf(c) > rvOf(objectOf(bookmark)));
      },
    );

    storeTest(
      ctx,
      'sendInitialEvents on an empty prefix sends only the bookmark',
      async (store) => {
        await store.create(podKey('other', 'x'), pod('other', 'x'));
        const rev = await store.currentRevision();
        const w = watchOf(ctx, store, '/pods/ns', {
          recursive: true,
          sendInitialEvents: true,
          allowBookmarks: true,
        });
        const bookmark = await w.expect('BOOKMARK');
        assert.equal(objectOf(bookmark).metadata?.annotations?.[INITIAL_EVENTS_END], 'true');
        assert.ok(rvOf(objectOf(bookmark)) >= rev);
        assert.deepEqual(
          Object.keys(objectOf(bookmark)),
          ['metadata'],
          'a bookmark carries only metadata',
        );
      },
    );

    // as kube: with sendInitialEvents, resourceVersion N asks for a state at least as fresh as N;
    // a watch cache may serve a later one, and the initial-events-end bookmark carries the
    // revision actually served (k8s.io/apiserver pkg/storage/cacher cacher.go Watch,
    // waitUntilFreshAndBlock; staging/.../watchlist)
    storeTest(
      ctx,
      'sendInitialEvents from N: the state at a revision not older than N, its bookmark, then every later change',
      async (store) => {
        const history: { key: string; event: StorageWatchEvent }[] = [];
        const record = (
          type: 'ADDED' | 'MODIFIED' | 'DELETED',
          key: string,
          obj: KubeObject,
        ): KubeObject => {
          history.push({ key, event: { type, object: obj } });
          return obj;
        };
        const keyA = podKey('ns', 'a');
        const keyB = podKey('ns', 'b');
        const a = record('ADDED', keyA, await store.create(keyA, pod('ns', 'a')));
        const from = rvOf(a);
        record('MODIFIED', keyA, await put(store, keyA, pod('ns', 'a', { v: 2 })));
        record('ADDED', keyB, await store.create(keyB, pod('ns', 'b')));
        await store.create(podKey('other', 'x'), pod('other', 'x')); // not watched
        const w = watchOf(ctx, store, '/pods/ns', {
          recursive: true,
          resourceVersion: String(from),
          sendInitialEvents: true,
          allowBookmarks: true,
        });
        // changes while the watch starts: in its initial state or after it, never lost
        const keyC = podKey('ns', 'c');
        record('ADDED', keyC, await store.create(keyC, pod('ns', 'c')));
        record('DELETED', keyB, await store.delete(keyB));

        const initial: KubeObject[] = [];
        let end: KubeObject | undefined;
        while (end === undefined) {
          const e = await w.next(`an initial event or the initial-events-end bookmark`);
          if (e.type === 'BOOKMARK') {
            assert.equal(
              e.object.metadata?.annotations?.[INITIAL_EVENTS_END],
              'true',
              `the first bookmark ends the initial events, got ${JSON.stringify(e.object)}`,
            );
            end = e.object;
          } else {
            assert.equal(e.type, 'ADDED', `initial events are ADDED, got ${brief(e)}`);
            initial.push(objectOf(e));
            assert.ok(initial.length <= history.length, 'more initial events than objects');
          }
        }
        const served = rvOf(end);
        assert.ok(served >= from, `the initial state at ${served} is older than ${from}`);
        for (const obj of initial) {
          assert.ok(rvOf(obj) <= served, `${obj.metadata?.name}@${rvOf(obj)} after ${served}`);
        }
        // the objects of the state at the bookmark's revision, each at its last write until then
        const state = new Map<string, KubeObject>();
        for (const { key, event } of history) {
          if (rvOf(objectOf(event)) > served) break;
          if (event.type === 'DELETED') state.delete(key);
          else state.set(key, objectOf(event));
        }
        const byName = (x: KubeObject, y: KubeObject): number =>
          (x.metadata?.name ?? '').localeCompare(y.metadata?.name ?? '');
        assert.deepEqual(
          [...initial].sort(byName),
          [...state.values()].sort(byName),
          `the initial events are the state at ${served}`,
        );
        // then every change after it, in order, none twice; periodic bookmarks may come between
        const later = history.filter(({ event }) => rvOf(objectOf(event)) > served);
        const marker = await store.create(podKey('ns', 'marker'), pod('ns', 'marker'));
        const expected: StorageWatchEvent[] = [
          ...later.map(({ event }) => event),
          { type: 'ADDED', object: marker },
        ];
        const got: StorageWatchEvent[] = [];
        let last = served;
        while (got.length < expected.length) {
          const e = await w.next(
            `the change ${got.length + 1} of ${expected.length} after ${served}`,
          );
          const rv = rvOf(objectOf(e));
          if (e.type === 'BOOKMARK') {
            assert.ok(rv >= last, `bookmark ${rv} after ${last}`);
            assert.equal(e.object.metadata?.annotations?.[INITIAL_EVENTS_END], undefined);
          } else {
            got.push(e);
          }
          last = rv;
        }
        assert.deepEqual(got, expected, `the changes after ${served}`);
      },
    );

    storeTest(ctx, 'no bookmarks unless allowed', async (store) => {
      const a = await store.create(podKey('ns', 'a'), pod('ns', 'a'));
      const w = watchOf(ctx, store, '/pods', {
        recursive: true,
        sendInitialEvents: true,
        progressNotify: true,
      });
      await w.expect('ADDED', a);
      await store.create(podKey('other-ns', 'x'), pod('other-ns', 'x'));
      const b = await store.create(podKey('ns', 'b'), pod('ns', 'b'));
      const { events } = await w.drain();
      assert.deepEqual(
        events.map(brief),
        [
          brief({ type: 'ADDED', object: await store.get(podKey('other-ns', 'x')) }),
          brief({ type: 'ADDED', object: b }),
        ],
        'no BOOKMARK without allowBookmarks',
      );
      const keyWatch = watchOf(ctx, store, podKey('ns', 'a'), { resourceVersion: String(rvOf(a)) });
      await store.create(podKey('ns', 'c'), pod('ns', 'c'));
      await keyWatch.expectQuiet('no event (and no bookmark) for changes of other keys');
    });

    storeTest(
      ctx,
      'with bookmarks allowed the revisions of events and bookmarks never go back',
      async (store) => {
        const w = watchOf(ctx, store, '/pods/test-ns', {
          recursive: true,
          resourceVersion: String(await store.currentRevision()),
          allowBookmarks: true,
        });
        for (let i = 0; i < 10; i++) {
          await store.create(podKey('test-ns', `foo-${i}`), pod('test-ns', `foo-${i}`));
          await store.create(podKey('other', `foo-${i}`), pod('other', `foo-${i}`));
          await sleep(5);
        }
        let last = 0;
        let added = 0;
        const deadline = Date.now() + 2 * ctx.eventTimeoutMs;
        while (added < 10) {
          assert.ok(Date.now() < deadline, `only ${added} of 10 changes arrived`);
          const e = await w.next(`the change ${added + 1} of 10`);
          const rv = rvOf(objectOf(e));
          if (e.type === 'BOOKMARK') {
            assert.ok(rv >= last, `bookmark ${rv} after ${last}`);
            assert.equal(objectOf(e).metadata?.annotations?.[INITIAL_EVENTS_END], undefined);
          } else {
            assert.ok(rv > last, `event ${rv} after ${last}`);
            assert.equal(e.type, 'ADDED');
            added++;
          }
          last = rv;
        }
        assert.equal(added, 10);
      },
    );
  });

  void describe('watch: ending', () => {
    storeTest(ctx, 'stop ends a waiting iteration cleanly and is idempotent', async (store) => {
      const w = watchOf(ctx, store, '/pods', { recursive: true });
      const pending = w.expectEnd('the end after stop()');
      await sleep(10);
      w.watcher.stop();
      await pending;
      w.watcher.stop();
      await store.create(podKey('ns', 'a'), pod('ns', 'a'));
      await w.expectEnd('still ended');
    });

    storeTest(ctx, 'breaking out of for-await stops the watch', async (store) => {
      const watcher = store.watch('/pods', { recursive: true });
      await store.create(podKey('ns', 'a'), pod('ns', 'a'));
      await store.create(podKey('ns', 'b'), pod('ns', 'b'));
      let seen = 0;
      const timer = setTimeout(() => {
        watcher.stop();
      }, ctx.eventTimeoutMs);
      try {
        for await (const event of watcher) {
          assert.equal(event.type, 'ADDED');
          seen++;
          break;
        }
      } finally {
        clearTimeout(timer);
      }
      assert.equal(seen, 1);
      const w = new EventReader(watcher, ctx.eventTimeoutMs, ctx.quietMs);
      await w.expectEnd('the end after break');
    });

    storeTest(ctx, 'an abort ends a waiting iteration cleanly', async (store) => {
      const controller = new AbortController();
      const w = watchOf(ctx, store, '/pods', { recursive: true, signal: controller.signal });
      const a = await store.create(podKey('ns', 'a'), pod('ns', 'a'));
      await w.expect('ADDED', a);
      const pending = w.expectEnd('the end after abort');
      controller.abort(new Error('client went away'));
      await pending;
    });

    storeTest(ctx, 'an already aborted signal ends the watch at once', async (store) => {
      await store.create(podKey('ns', 'a'), pod('ns', 'a'));
      const controller = new AbortController();
      controller.abort();
      const w = watchOf(ctx, store, '/pods', {
        recursive: true,
        resourceVersion: '0',
        signal: controller.signal,
      });
      await w.expectEnd('the end of a watch with an aborted signal');
    });

    storeTest(ctx, 'close ends running watches', async (store) => {
      const w = watchOf(ctx, store, '/pods', { recursive: true });
      const pending = w.expectEnd('the end after close()');
      await sleep(10);
      await store.close();
      await pending;
    });

    storeTest(ctx, 'several watchers get the same events independently', async (store) => {
      const start = String(await store.currentRevision());
      const watchers = Array.from({ length: 3 }, () =>
        watchOf(ctx, store, '/pods', { recursive: true, resourceVersion: start }),
      );
      const a = await store.create(podKey('ns', 'a'), pod('ns', 'a'));
      const a2 = await put(store, podKey('ns', 'a'), pod('ns', 'a', { v: 2 }));
      watchers[1]!.watcher.stop();
      const gone = await store.delete(podKey('ns', 'a'));
      for (const [i, w] of watchers.entries()) {
        if (i === 1) {
          await w.expectEnd();
          continue;
        }
        await w.expect('ADDED', a);
        await w.expect('MODIFIED', a2);
        await w.expect('DELETED', gone);
      }
    });
  });
}
