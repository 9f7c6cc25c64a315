import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { access, constants, readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { StatusError } from '@kapi/apimachinery';
import type { KubeObject, Status } from '@kapi/apimachinery';
import { startTestServer } from '@kapi/server/testing';
import type { TestServer } from '@kapi/server/testing';
import WebSocket from 'ws';
import { alwaysDenyAuthorizer } from '../src/index.js';
import { testScheme } from './api-fixtures.js';

const run = promisify(execFile);
const kubectl = '/usr/bin/kubectl';
const hasKubectl = await access(kubectl, constants.X_OK).then(
  () => true,
  () => false,
);

interface ConfigMap extends KubeObject {
  data?: Record<string, string>;
}

function configMap(name: string, data: Record<string, string> = { a: '1' }): ConfigMap {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data };
}

const resources = [
  { group: '', resource: 'configmaps', strategy: { trackGeneration: false } },
  { group: 'example.com', resource: 'widgets', statusSubresource: true },
] as const;

async function rejectsWithStatus(
  promise: Promise<unknown>,
  code: number,
  reason: string,
): Promise<StatusError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof StatusError, `expected a StatusError, got ${String(err)}`);
    assert.equal(err.code, code);
    assert.equal(err.reason, reason);
    return err;
  }
  assert.fail(`expected a ${code} ${reason}`);
}

describe('@kapi/server/testing', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ scheme: testScheme(), resources });
  });
  after(() => server.close());

  it('serves every verb through the typed client, injected without a socket', async () => {
    const cms = server.client.resource<ConfigMap>('v1', 'configmaps');
    const created = await cms.create(configMap('crud'));
    assert.equal(created.metadata?.name, 'crud');
    assert.match(created.metadata?.uid ?? '', /^[0-9a-f-]{36}$/);
    const got = await cms.get('crud', { namespace: 'default' });
    assert.deepEqual(got.data, { a: '1' });
    const updated = await cms.update({ ...got, data: { a: '2' } });
    assert.deepEqual(updated.data, { a: '2' });
    assert.notEqual(updated.metadata?.resourceVersion, got.metadata?.resourceVersion);
    const merged = await cms.patch('crud', { data: { b: '3' } }, { namespace: 'default' });
    assert.deepEqual(merged.data, { a: '2', b: '3' });
    const jsonPatched = await cms.patch('crud', [{ op: 'remove', path: '/data/a' }], {
      namespace: 'default',
      type: 'json',
    });
    assert.deepEqual(jsonPatched.data, { b: '3' });
    const listed = await cms.list({ namespace: 'default', fieldSelector: 'metadata.name=crud' });
    assert.equal(listed.kind, 'ConfigMapList');
    assert.deepEqual(
      listed.items.map((i) => i.metadata?.name),
      ['crud'],
    );
    const deleted = (await cms.delete('crud', { namespace: 'default' })) as Status;
    assert.equal(deleted.status, 'Success');
    await rejectsWithStatus(cms.get('crud', { namespace: 'default' }), 404, 'NotFound');
  });

  const failures: {
    name: string;
    act: (s: TestServer) => Promise<unknown>;
    code: number;
    reason: string;
  }[] = [
    {
      name: 'a missing object is a 404 NotFound',
      act: (s) => s.client.resource('v1', 'configmaps').get('missing', { namespace: 'default' }),
      code: 404,
      reason: 'NotFound',
    },
    {
      name: 'a second create is a 409 AlreadyExists',
      act: async (s) => {
        const cms = s.client.resource('v1', 'configmaps');
        await cms.create(configMap('twice'));
        return cms.create(configMap('twice'));
      },
      code: 409,
      reason: 'AlreadyExists',
    },
    {
      name: 'a stale update is a 409 Conflict',
      act: async (s) => {
        const cms = s.client.resource<ConfigMap>('v1', 'configmaps');
        const first = await cms.create(configMap('stale'));
        await cms.update({ ...first, data: { a: 'new' } });
        return cms.update({ ...first, data: { a: 'old' } });
      },
      code: 409,
      reason: 'Conflict',
    },
    {
      name: 'a schema violation is a 422 Invalid',
      act: (s) =>
        s.client.resource('example.com/v1', 'widgets').create({
          apiVersion: 'example.com/v1',
          kind: 'Widget',
          metadata: { name: 'bad' },
          spec: { size: -1 },
        }),
      code: 422,
      reason: 'Invalid',
    },
  ];
  for (const f of failures) {
    it(`throws the server's StatusError: ${f.name}`, async () => {
      await rejectsWithStatus(f.act(server), f.code, f.reason);
    });
  }

  it('injects raw requests and returns status, headers and body', async () => {
    const version = await server.inject({ path: '/version' });
    assert.equal(version.status, 200);
    assert.equal(version.headers['content-type'], 'application/json');
    assert.equal(version.json<{ major: string }>().major, '1');
    const missing = await server.inject({ path: '/nowhere' });
    assert.equal(missing.status, 404);
    const unsupported = await server.inject({
      method: 'POST',
      path: '/api/v1/namespaces/default/configmaps',
      headers: { 'content-type': 'text/plain' },
      body: 'hello',
    });
    assert.equal(unsupported.status, 415);
  });

  it('serves many concurrent injected requests', async () => {
    const cms = server.client.resource<ConfigMap>('v1', 'configmaps');
    const names = Array.from({ length: 50 }, (_, i) => `many-${i}`);
    await Promise.all(names.map((n) => cms.create(configMap(n))));
    const list = await cms.list({ namespace: 'default', labelSelector: '' });
    for (const n of names)
      assert.ok(
        list.items.some((i) => i.metadata?.name === n),
        n,
      );
  });

  it('streams a watch in memory, with backpressure over many events', async () => {
    const cms = server.client.resource<ConfigMap>('v1', 'configmaps');
    const start = await cms.list({ namespace: 'default', limit: 1 });
    const watch = await cms.watch({
      namespace: 'default',
      resourceVersion: start.metadata.resourceVersion ?? '',
      labelSelector: 'stream=yes',
    });
    const count = 300;
    const big = 'x'.repeat(4096);
    for (let i = 0; i < count; i++) {
      const cm = configMap(`stream-${i}`, { big });
      cm.metadata!.labels = { stream: 'yes' };
      await cms.create(cm);
    }
    const seen: string[] = [];
    for await (const event of watch) {
      assert.equal(event.type, 'ADDED');
      seen.push((event.object as ConfigMap).metadata?.name ?? '');
      if (seen.length === count) break;
    }
    watch.stop();
    assert.deepEqual(
      seen,
      Array.from({ length: count }, (_, i) => `stream-${i}`),
    );
  });

  it('serves websocket watches over an in-memory connection', async () => {
    const ws = new WebSocket(
      'ws://kapi.test/api/v1/namespaces/default/configmaps?watch=true&fieldSelector=metadata.name%3Dws',
      { createConnection: () => server.connect() },
    );
    const messages: string[] = [];
    ws.on('message', (data: Buffer) => messages.push(data.toString('utf8')));
    await once(ws, 'open');
    await server.client.resource('v1', 'configmaps').create(configMap('ws'));
    for (let i = 0; i < 50 && messages.length === 0; i++)
      await new Promise((r) => setTimeout(r, 20));
    const event = JSON.parse(messages[0] ?? '{}') as { type?: string; object?: ConfigMap };
    assert.equal(event.type, 'ADDED');
    assert.equal(event.object?.metadata?.name, 'ws');
    ws.close();
    await once(ws, 'close');
  });

  it('listens over HTTPS with a CA and a kubeconfig that kubectl can use', async () => {
    const listening = await server.listen();
    assert.match(listening.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.match(listening.ca, /BEGIN CERTIFICATE/);
    const kubeconfig = JSON.parse(await readFile(listening.kubeconfigPath, 'utf8')) as {
      clusters: { cluster: { server: string; 'certificate-authority-data': string } }[];
    };
    assert.equal(kubeconfig.clusters[0]?.cluster.server, listening.url);
    assert.equal(
      Buffer.from(
        kubeconfig.clusters[0]?.cluster['certificate-authority-data'] ?? '',
        'base64',
      ).toString(),
      listening.ca,
    );
    const cms = listening.client.resource<ConfigMap>('v1', 'configmaps');
    await cms.create(configMap('over-https'));
    assert.deepEqual((await cms.get('over-https', { namespace: 'default' })).data, { a: '1' });
    assert.equal(await server.listen(), listening);
  });

  it(
    'kubectl reads the listening server through the kubeconfig',
    { skip: hasKubectl ? false : `kubectl not found at ${kubectl}` },
    async () => {
      const { kubeconfigPath } = await server.listen();
      await server.client.resource('v1', 'configmaps').create(configMap('for-kubectl'));
      const { stdout } = await run(
        kubectl,
        [
          'get',
          'configmap',
          'for-kubectl',
          '-n',
          'default',
          '-o',
          'jsonpath={.data.a}',
          '--kubeconfig',
          kubeconfigPath,
        ],
        { timeout: 30_000 },
      );
      assert.equal(stdout, '1');
    },
  );
});

describe('startTestServer options', () => {
  it('takes the authorizer a test gives instead of allow-all', async () => {
    const server = await startTestServer({
      scheme: testScheme(),
      resources,
      authorizer: alwaysDenyAuthorizer,
    });
    try {
      const err = await rejectsWithStatus(
        server.client.resource('v1', 'configmaps').list({ namespace: 'default' }),
        403,
        'Forbidden',
      );
      assert.match(err.message, /User "system:anonymous" cannot list resource "configmaps"/);
    } finally {
      await server.close();
    }
  });

  it('closes its storage and removes its kubeconfig on close', async () => {
    const server = await startTestServer({ scheme: testScheme(), resources });
    const { kubeconfigPath } = await server.listen();
    await server.close();
    await assert.rejects(access(kubeconfigPath));
    await assert.rejects(server.storage.get('/configmaps/default/x'));
  });
});
