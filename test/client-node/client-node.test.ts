/**
 * @kubernetes/client-node 1.4 (the newest line that runs on Node 20) against mini-kube on
 * SQLite: typed CRUD, every patch content type, error bodies, a raw watch, and an informer whose
 * cache stays right across a server restart on the same data dir.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import {
  ApiException,
  CoreV1Api,
  KubeConfig,
  makeInformer,
  PatchStrategy,
  setHeaderOptions,
  V1ConfigMap,
  V1Namespace,
  V1ObjectMeta,
  Watch,
} from '@kubernetes/client-node';

import { MiniKube, parseAdminKubeconfig } from '../harness/mini-kube.js';

/** Polls `check` every 20 ms until it holds; fails after `timeoutMs` naming `what`. */
async function until(check: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The error a client-node call rejected with, and the Status it carried. */
async function apiError(call: Promise<unknown>): Promise<{ code: number; status: any }> {
  try {
    await call;
  } catch (err) {
    assert.ok(err instanceof ApiException, String(err));
    const body = err.body as unknown;
    return { code: err.code, status: typeof body === 'string' ? JSON.parse(body) : body };
  }
  assert.fail('the call succeeded');
}

function meta(name: string, labels?: Record<string, string>): V1ObjectMeta {
  const m = new V1ObjectMeta();
  m.name = name;
  if (labels !== undefined) m.labels = labels;
  return m;
}

function configMap(
  name: string,
  data: Record<string, string>,
  labels?: Record<string, string>,
): V1ConfigMap {
  const cm = new V1ConfigMap();
  cm.apiVersion = 'v1';
  cm.kind = 'ConfigMap';
  cm.metadata = meta(name, labels);
  cm.data = data;
  return cm;
}

// client-node calls carry no timeout of their own; a hung server fails the test instead
describe('@kubernetes/client-node 1.4', { timeout: 180_000 }, () => {
  let server: MiniKube;
  let kc: KubeConfig;
  let core: CoreV1Api;

  before(async () => {
    server = await MiniKube.start({ storage: 'sqlite' });
    kc = new KubeConfig();
    kc.loadFromFile(server.kubeconfigPath);
    core = kc.makeApiClient(CoreV1Api);
  });
  after(async () => {
    await server.stop();
  });

  async function namespace(name: string): Promise<string> {
    const body = new V1Namespace();
    body.metadata = meta(name);
    await core.createNamespace({ body });
    return name;
  }

  describe('typed API and watch', { concurrency: 4 }, () => {
    it('lists the built-in namespaces', async () => {
      const list = await core.listNamespace();
      const names = list.items.map((n) => n.metadata?.name);
      for (const name of ['default', 'kube-public', 'kube-system']) {
        assert.ok(names.includes(name), names.join(','));
      }
      assert.match(list.metadata?.resourceVersion ?? '', /^[1-9]\d*$/);
    });

    it('create, read, list by label, replace, delete', async () => {
      const ns = await namespace('node-crud');
      const created = await core.createNamespacedConfigMap({
        namespace: ns,
        body: configMap('c', { a: '1' }, { app: 'node' }),
      });
      assert.equal(created.metadata?.namespace, ns);
      assert.match(created.metadata?.uid ?? '', /^[0-9a-f-]{36}$/);
      assert.ok(created.metadata?.creationTimestamp instanceof Date);
      await core.createNamespacedConfigMap({ namespace: ns, body: configMap('other', {}) });

      const read = await core.readNamespacedConfigMap({ name: 'c', namespace: ns });
      assert.deepEqual(read.data, { a: '1' });
      assert.equal(read.metadata?.resourceVersion, created.metadata?.resourceVersion);

      const listed = await core.listNamespacedConfigMap({
        namespace: ns,
        labelSelector: 'app=node',
      });
      assert.deepEqual(
        listed.items.map((i) => i.metadata?.name),
        ['c'],
      );

      const readVersion = read.metadata?.resourceVersion;
      read.data = { a: '2' };
      const replaced = await core.replaceNamespacedConfigMap({
        name: 'c',
        namespace: ns,
        body: read,
      });
      assert.deepEqual(replaced.data, { a: '2' });
      assert.notEqual(replaced.metadata?.resourceVersion, readVersion);

      const status = await core.deleteNamespacedConfigMap({ name: 'c', namespace: ns });
      assert.equal(status.status, 'Success');
      assert.equal(status.details?.name, 'c');
      assert.equal(status.details?.kind, 'configmaps');
      const gone = await apiError(core.readNamespacedConfigMap({ name: 'c', namespace: ns }));
      assert.equal(gone.code, 404);
      assert.deepEqual(gone.status, {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'configmaps "c" not found',
        reason: 'NotFound',
        details: { name: 'c', kind: 'configmaps' },
        code: 404,
      });
    });

    it('errors carry the Status: AlreadyExists, Conflict', async () => {
      const ns = await namespace('node-errors');
      const first = await core.createNamespacedConfigMap({
        namespace: ns,
        body: configMap('e', { a: '1' }),
      });
      const duplicate = await apiError(
        core.createNamespacedConfigMap({ namespace: ns, body: configMap('e', {}) }),
      );
      assert.equal(duplicate.code, 409);
      assert.deepEqual(duplicate.status, {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'configmaps "e" already exists',
        reason: 'AlreadyExists',
        details: { name: 'e', kind: 'configmaps' },
        code: 409,
      });
      first.data = { a: '2' };
      await core.replaceNamespacedConfigMap({ name: 'e', namespace: ns, body: first });
      // first still carries the resourceVersion from before that replace
      first.data = { a: '3' };
      const stale = await apiError(
        core.replaceNamespacedConfigMap({ name: 'e', namespace: ns, body: first }),
      );
      assert.equal(stale.code, 409);
      assert.equal(stale.status.reason, 'Conflict');
      assert.equal(
        stale.status.message,
        'Operation cannot be fulfilled on configmaps "e": the object has been modified; please apply your changes to the latest version and try again',
      );
      assert.deepEqual(stale.status.details, { name: 'e', kind: 'configmaps' });
    });

    it('patch: JSON patch by default, merge and strategic through the Content-Type header', async () => {
      const ns = await namespace('node-patch');
      await core.createNamespacedConfigMap({
        namespace: ns,
        body: configMap('p', { a: '1', b: '2' }),
      });
      const jsonPatched = await core.patchNamespacedConfigMap({
        name: 'p',
        namespace: ns,
        body: [
          { op: 'replace', path: '/data/a', value: 'one' },
          { op: 'remove', path: '/data/b' },
        ],
      });
      assert.deepEqual(jsonPatched.data, { a: 'one' });
      const merged = await core.patchNamespacedConfigMap(
        {
          name: 'p',
          namespace: ns,
          body: { data: { c: '3' }, metadata: { labels: { patched: 'merge' } } },
        },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
      assert.deepEqual(merged.data, { a: 'one', c: '3' });
      assert.deepEqual(merged.metadata?.labels, { patched: 'merge' });
      const strategic = await core.patchNamespacedConfigMap(
        { name: 'p', namespace: ns, body: { metadata: { finalizers: ['example.com/x'] } } },
        setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
      );
      assert.deepEqual(strategic.metadata?.finalizers, ['example.com/x']);
      const unfinalized = await core.patchNamespacedConfigMap({
        name: 'p',
        namespace: ns,
        body: [{ op: 'remove', path: '/metadata/finalizers' }],
      });
      assert.equal(unfinalized.metadata?.finalizers, undefined);
      const failed = await apiError(
        core.patchNamespacedConfigMap({
          name: 'p',
          namespace: ns,
          body: [{ op: 'test', path: '/data/a', value: 'not-one' }],
        }),
      );
      assert.equal(failed.code, 422);
      assert.equal(failed.status.reason, 'Invalid');
    });

    it('watch sees ADDED, MODIFIED, DELETED in order, resourceVersions increasing', async () => {
      const ns = await namespace('node-watch');
      const list = await core.listNamespacedConfigMap({ namespace: ns });
      const seen: { type: string; name: string; rv: string; kind: string; data: unknown }[] = [];
      let ended: unknown = null;
      const watch = new Watch(kc);
      const request = await watch.watch(
        `/api/v1/namespaces/${ns}/configmaps`,
        { resourceVersion: list.metadata?.resourceVersion },
        (type: string, obj: any) => {
          seen.push({
            type,
            name: obj.metadata?.name,
            rv: obj.metadata?.resourceVersion,
            kind: obj.kind,
            data: obj.data,
          });
        },
        (err: unknown) => {
          ended = err ?? 'closed';
        },
      );
      try {
        await core.createNamespacedConfigMap({ namespace: ns, body: configMap('w', { v: '1' }) });
        await core.patchNamespacedConfigMap(
          { name: 'w', namespace: ns, body: { data: { v: '2' } } },
          setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
        );
        await core.deleteNamespacedConfigMap({ name: 'w', namespace: ns });
        await until(
          () => seen.some((e) => e.type === 'DELETED') || ended !== null,
          'the DELETED event',
        );
      } finally {
        request.abort();
      }
      assert.deepEqual(
        seen.map((e) => [e.type, e.name, e.kind, e.data]),
        [
          ['ADDED', 'w', 'ConfigMap', { v: '1' }],
          ['MODIFIED', 'w', 'ConfigMap', { v: '2' }],
          ['DELETED', 'w', 'ConfigMap', { v: '2' }],
        ],
      );
      const rvs = seen.map((e) => BigInt(e.rv));
      assert.ok(rvs[0]! < rvs[1]! && rvs[1]! < rvs[2]!, rvs.join(' < '));
    });
  });

  it('an informer keeps its cache right across a server restart on the same data dir', async () => {
    const ns = await namespace('node-informer');
    await core.createNamespacedConfigMap({ namespace: ns, body: configMap('a', { v: '1' }) });
    await core.createNamespacedConfigMap({ namespace: ns, body: configMap('b', { v: '1' }) });
    const informer = makeInformer<V1ConfigMap>(kc, `/api/v1/namespaces/${ns}/configmaps`, () =>
      core.listNamespacedConfigMap({ namespace: ns }),
    );
    const deleted: string[] = [];
    let errors = 0;
    informer.on('delete', (obj) => deleted.push(obj.metadata?.name ?? '?'));
    // client-node's informer stops on a connection error; restarting it is the caller's job
    informer.on('error', () => {
      errors++;
    });
    const cached = (): string =>
      informer
        .list(ns)
        .map((o) => `${o.metadata?.name}=${o.data?.v}`)
        .sort()
        .join(',');
    const credentialsBefore = await readFile(server.kubeconfigPath, 'utf8').then(
      parseAdminKubeconfig,
    );
    try {
      await informer.start();
      await until(() => cached() === 'a=1,b=1', 'the initial list');

      const exit = await server.restart();
      assert.deepEqual(exit, { code: 0, signal: null, graceful: true }, server.logs);
      await until(() => errors > 0, 'the informer to notice the restart');
      const credentialsAfter = await readFile(server.kubeconfigPath, 'utf8').then(
        parseAdminKubeconfig,
      );
      assert.deepEqual(credentialsAfter, credentialsBefore, 'a restart keeps the credentials');

      // changes the informer does not see while it is down
      const fresh = kc.makeApiClient(CoreV1Api);
      const survived = await fresh.listNamespacedConfigMap({ namespace: ns });
      assert.deepEqual(
        survived.items.map((i) => i.metadata?.name),
        ['a', 'b'],
        'objects survive the restart',
      );
      await fresh.patchNamespacedConfigMap(
        { name: 'a', namespace: ns, body: { data: { v: '2' } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
      await fresh.deleteNamespacedConfigMap({ name: 'b', namespace: ns });
      await fresh.createNamespacedConfigMap({ namespace: ns, body: configMap('c', { v: '1' }) });

      await informer.start();
      await until(() => cached() === 'a=2,c=1', `the cache to catch up (now ${cached()})`);
      assert.deepEqual(deleted, ['b']);

      // and it keeps following live changes
      await fresh.deleteNamespacedConfigMap({ name: 'c', namespace: ns });
      await until(() => cached() === 'a=2', `the live deletion (now ${cached()})`);
    } finally {
      await informer.stop();
    }
  });
});
