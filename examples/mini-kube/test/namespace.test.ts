import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MemoryStorage } from '@kapi/storage';
import type { Storage } from '@kapi/storage';
import { eventually, startMiniKube } from './helpers.js';
import type { Json, TestMiniKube } from './helpers.js';

const NAMESPACES = '/api/v1/namespaces';
const MERGE = { 'content-type': 'application/merge-patch+json' };

const namespace = (name: string, extra: Json = {}) => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name },
  ...extra,
});
const configMap = (name: string, extra: Json = {}) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, ...extra },
  data: { a: 'b' },
});

async function gone(kube: TestMiniKube, path: string): Promise<boolean> {
  return (await kube.call('GET', path)).status === 404;
}

describe('Namespace', () => {
  let kube: TestMiniKube;
  before(async () => {
    kube = await startMiniKube();
  });
  after(async () => {
    await kube.close();
  });

  it('default, kube-system and kube-public exist from the start', async () => {
    const r = await kube.call('GET', NAMESPACES);
    assert.deepEqual(
      r.body.items.map((ns: Json) => [ns.metadata.name, ns.status.phase]),
      [
        ['default', 'Active'],
        ['kube-public', 'Active'],
        ['kube-system', 'Active'],
      ],
    );
  });

  it('a new namespace is Active, with the kubernetes finalizer and its name label', async () => {
    const r = await kube.call(
      'POST',
      NAMESPACES,
      namespace('fresh', { status: { phase: 'Terminating' } }),
    );
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.status.phase, 'Active');
    assert.deepEqual(r.body.spec.finalizers, ['kubernetes']);
    assert.deepEqual(r.body.metadata.labels, { 'kubernetes.io/metadata.name': 'fresh' });
    assert.equal(r.body.metadata.generation, undefined);
  });

  it('an update cannot change spec.finalizers or the status', async () => {
    await kube.call('POST', NAMESPACES, namespace('keep'));
    const r = await kube.call(
      'PATCH',
      `${NAMESPACES}/keep`,
      {
        spec: { finalizers: [] },
        status: { phase: 'Terminating' },
        metadata: { labels: { a: 'b' } },
      },
      MERGE,
    );
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body.spec.finalizers, ['kubernetes']);
    assert.equal(r.body.status.phase, 'Active');
    assert.equal(r.body.metadata.labels.a, 'b');
  });

  it('the status subresource keeps the phase in line with deletionTimestamp', async () => {
    await kube.call('POST', NAMESPACES, namespace('phased'));
    const r = await kube.call(
      'PATCH',
      `${NAMESPACES}/phased/status`,
      { status: { phase: 'Terminating' } },
      MERGE,
    );
    assert.equal(r.status, 422, JSON.stringify(r.body));
    assert.equal(
      r.body.message,
      'Namespace "phased" is invalid: status.Phase: Invalid value: "Terminating": may only be \'Active\' if `deletionTimestamp` is empty',
    );
  });

  describe('lifecycle admission', () => {
    const cases: {
      name: string;
      method: string;
      path: string;
      body?: Json;
      status: number;
      reason: string;
      message: string;
    }[] = [
      {
        name: 'creating in a namespace that does not exist',
        method: 'POST',
        path: '/api/v1/namespaces/nowhere/configmaps',
        body: configMap('x'),
        status: 404,
        reason: 'NotFound',
        message: 'namespaces "nowhere" not found',
      },
      {
        name: 'creating by PUT (events) in a namespace that does not exist',
        method: 'PUT',
        path: '/api/v1/namespaces/nowhere/events/e',
        body: {
          apiVersion: 'v1',
          kind: 'Event',
          metadata: { name: 'e', namespace: 'nowhere' },
          involvedObject: { kind: 'ConfigMap', name: 'x', namespace: 'nowhere' },
        },
        status: 404,
        reason: 'NotFound',
        message: 'namespaces "nowhere" not found',
      },
      ...['default', 'kube-system', 'kube-public'].map((name) => ({
        name: `deleting ${name}`,
        method: 'DELETE',
        path: `${NAMESPACES}/${name}`,
        status: 403,
        reason: 'Forbidden',
        message: `namespaces "${name}" is forbidden: this namespace may not be deleted`,
      })),
    ];
    for (const c of cases) {
      it(c.name, async () => {
        const r = await kube.call(c.method, c.path, c.body);
        assert.equal(r.status, c.status, JSON.stringify(r.body));
        assert.equal(r.body.reason, c.reason);
        assert.equal(r.body.message, c.message);
      });
    }
  });

  it('deleting a namespace makes it Terminating, empties it, then removes it', async () => {
    assert.equal((await kube.call('POST', NAMESPACES, namespace('doomed'))).status, 201);
    const ns = '/api/v1/namespaces/doomed';
    for (const name of ['a', 'b']) {
      assert.equal((await kube.call('POST', `${ns}/configmaps`, configMap(name))).status, 201);
    }
    // a finalizer on one object holds the namespace in Terminating
    const held = await kube.call(
      'POST',
      `${ns}/configmaps`,
      configMap('held', { finalizers: ['example.com/hold'] }),
    );
    assert.equal(held.status, 201, JSON.stringify(held.body));
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' } };
    assert.equal((await kube.call('POST', `${ns}/secrets`, secret)).status, 201);

    const deleted = await kube.call('DELETE', `${NAMESPACES}/doomed`);
    assert.equal(deleted.status, 200, JSON.stringify(deleted.body));
    assert.equal(deleted.body.kind, 'Namespace');
    assert.equal(deleted.body.status.phase, 'Terminating');
    assert.notEqual(deleted.body.metadata.deletionTimestamp, undefined);

    const again = await kube.call('DELETE', `${NAMESPACES}/doomed`);
    assert.equal(again.status, 409, JSON.stringify(again.body));
    assert.equal(
      again.body.message,
      'Operation cannot be fulfilled on namespaces "doomed": The system is ensuring all content is removed from this namespace.  Upon completion, this namespace will automatically be purged by the system.',
    );

    const refused = await kube.call('POST', `${ns}/configmaps`, configMap('late'));
    assert.equal(refused.status, 403, JSON.stringify(refused.body));
    assert.equal(
      refused.body.message,
      'configmaps "late" is forbidden: unable to create new content in namespace doomed because it is being terminated',
    );
    assert.deepEqual(refused.body.details.causes, [
      {
        reason: 'NamespaceTerminating',
        message: 'namespace doomed is being terminated',
        field: 'metadata.namespace',
      },
    ]);

    await eventually(
      async () => (await kube.call('GET', `${ns}/configmaps`)).body.items.length === 1,
      'the namespace to be emptied but for the held object',
    );
    assert.equal(await gone(kube, `${ns}/secrets/s`), true);
    const waiting = await kube.call('GET', `${NAMESPACES}/doomed`);
    assert.equal(waiting.body.status.phase, 'Terminating');
    assert.deepEqual(waiting.body.spec.finalizers, ['kubernetes']);

    const released = await kube.call(
      'PATCH',
      `${ns}/configmaps/held`,
      { metadata: { finalizers: null } },
      MERGE,
    );
    assert.equal(released.status, 200, JSON.stringify(released.body));
    await eventually(() => gone(kube, `${NAMESPACES}/doomed`), 'the namespace to be removed');
  });

  it('a namespace with a finalizer of its own waits for it after it is emptied', async () => {
    const created = await kube.call(
      'POST',
      NAMESPACES,
      namespace('guarded', { metadata: { name: 'guarded', finalizers: ['example.com/guard'] } }),
    );
    assert.equal(created.status, 201, JSON.stringify(created.body));
    await kube.call('POST', '/api/v1/namespaces/guarded/configmaps', configMap('c'));
    assert.equal((await kube.call('DELETE', `${NAMESPACES}/guarded`)).status, 200);
    await eventually(async () => {
      const r = await kube.call('GET', `${NAMESPACES}/guarded`);
      return r.body.status?.phase === 'Terminating' && r.body.spec?.finalizers === undefined;
    }, 'the namespace to be finalized');
    assert.equal(await gone(kube, '/api/v1/namespaces/guarded/configmaps/c'), true);
    await kube.call('PATCH', `${NAMESPACES}/guarded`, { metadata: { finalizers: null } }, MERGE);
    await eventually(() => gone(kube, `${NAMESPACES}/guarded`), 'the namespace to be removed');
  });

  it('a namespace deleted while the server was down is finished after a restart', async () => {
    const storage = new MemoryStorage();
    const first = await startMiniKube(unclosable(storage));
    await first.call('POST', NAMESPACES, namespace('interrupted'));
    await first.call(
      'POST',
      '/api/v1/namespaces/interrupted/configmaps',
      configMap('held', { finalizers: ['example.com/hold'] }),
    );
    await first.call('DELETE', `${NAMESPACES}/interrupted`);
    await first.close();
    // with no server running, the object's finalizer goes; a new server finds the namespace in storage
    const key = '/configmaps/interrupted/held';
    const held = await storage.get(key);
    await storage.guaranteedUpdate(key, () => ({
      ...held,
      metadata: { ...held.metadata, finalizers: [] },
    }));
    const second = await startMiniKube(unclosable(storage));
    try {
      await eventually(
        () => gone(second, `${NAMESPACES}/interrupted`),
        'the namespace to be removed',
      );
      assert.equal(await storage.get(key, { ignoreNotFound: true }), null);
    } finally {
      await second.close();
      await storage.close();
    }
  });

  it('replicas on one storage delete a namespace together', async () => {
    const storage = new MemoryStorage();
    const replicas = [
      await startMiniKube(unclosable(storage)),
      await startMiniKube(unclosable(storage)),
    ];
    const [a, b] = replicas as [TestMiniKube, TestMiniKube];
    try {
      assert.equal((await a.call('POST', NAMESPACES, namespace('shared'))).status, 201);
      for (let i = 0; i < 20; i++) {
        const r = await b.call('POST', '/api/v1/namespaces/shared/configmaps', configMap(`c${i}`));
        assert.equal(r.status, 201);
      }
      assert.equal((await b.call('DELETE', `${NAMESPACES}/shared`)).status, 200);
      for (const replica of replicas) {
        await eventually(
          () => gone(replica, `${NAMESPACES}/shared`),
          'the namespace to be removed',
        );
      }
      assert.equal(await storage.count('/configmaps/shared/'), 0);
      // the system namespaces each replica ensured exist once
      const list = await a.call('GET', NAMESPACES);
      assert.deepEqual(
        list.body.items.map((ns: Json) => ns.metadata.name),
        ['default', 'kube-public', 'kube-system'],
      );
    } finally {
      for (const replica of replicas) await replica.close();
      await storage.close();
    }
  });
});

/** The same storage for a server that must not close it (another server shares it). */
function unclosable(storage: Storage): Storage {
  return new Proxy(storage, {
    get(target, property) {
      if (property === 'close') return () => Promise.resolve();
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
