import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { promisify } from 'node:util';
import { Scheme, StatusError } from '@kapi/apimachinery';
import type { KubeObject } from '@kapi/apimachinery';
import { MemoryStorage } from '@kapi/storage';
import { startTestServer } from '@kapi/server/testing';
import type { TestServer } from '@kapi/server/testing';
import { alwaysAllowAuthorizer, anonymousAuthenticator, APIServer } from '../src/index.js';
import type { ResourceConfig } from '../src/index.js';

const run = promisify(execFile);
const kubectl = '/usr/bin/kubectl';
const hasKubectl = await access(kubectl, constants.X_OK).then(
  () => true,
  () => false,
);

/** A namespaced Pool with replicas in spec and status, and a cluster-scoped Thing without scale. */
function scheme(): Scheme {
  return new Scheme({ name: 'scale-test' }).addGroup({
    group: 'example.com',
    versions: ['v1'],
    kinds: [
      {
        kind: 'Pool',
        plural: 'pools',
        namespaced: true,
        versions: {
          v1: {
            schema: {
              type: 'object',
              properties: {
                apiVersion: { type: 'string' },
                kind: { type: 'string' },
                metadata: { type: 'object' },
                spec: {
                  type: 'object',
                  properties: {
                    replicas: { type: 'integer' },
                    image: { type: 'string' },
                  },
                },
                status: {
                  type: 'object',
                  properties: {
                    readyReplicas: { type: 'integer' },
                    labelSelector: { type: 'string' },
                  },
                },
              },
            },
          },
        },
      },
      {
        kind: 'Thing',
        plural: 'things',
        namespaced: false,
        versions: { v1: { schema: { type: 'object' } } },
      },
    ],
  });
}

const scaleConfig = {
  specReplicasPath: '.spec.replicas',
  statusReplicasPath: '.status.readyReplicas',
  labelSelectorPath: '.status.labelSelector',
};

const resources: ResourceConfig[] = [
  {
    group: 'example.com',
    resource: 'pools',
    statusSubresource: true,
    scaleSubresource: scaleConfig,
  },
  { group: 'example.com', resource: 'things' },
];

type Json = any;

function pool(name: string, replicas?: number): KubeObject {
  return {
    apiVersion: 'example.com/v1',
    kind: 'Pool',
    metadata: { name, namespace: 'default' },
    spec: { image: 'nginx', ...(replicas !== undefined ? { replicas } : {}) },
  };
}

const base = '/apis/example.com/v1/namespaces/default/pools';

describe('scale subresource', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ scheme: scheme(), resources });
  });
  after(() => server.close());

  async function createPool(name: string, replicas?: number, status?: Json): Promise<Json> {
    const pools = server.client.resource('example.com/v1', 'pools');
    const created = await pools.create(pool(name, replicas));
    if (status === undefined) return created;
    return pools.update({ ...created, status }, { subresource: 'status' });
  }

  it('is listed in discovery as <resource>/scale, kind Scale of autoscaling/v1', async () => {
    const list = await server.client.call<Json>({ path: '/apis/example.com/v1' });
    const scale = list.resources.find((r: Json) => r.name === 'pools/scale');
    assert.deepEqual(scale, {
      name: 'pools/scale',
      singularName: '',
      namespaced: true,
      group: 'autoscaling',
      version: 'v1',
      kind: 'Scale',
      verbs: ['get', 'patch', 'update'],
    });
    assert.equal(
      list.resources.some((r: Json) => r.name === 'things/scale'),
      false,
    );
    const aggregated = await server.client.call<Json>({
      path: '/apis',
      headers: { accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList' },
    });
    const pools = aggregated.items[0].versions[0].resources.find(
      (r: Json) => r.resource === 'pools',
    );
    assert.deepEqual(
      pools.subresources.find((s: Json) => s.subresource === 'scale'),
      {
        subresource: 'scale',
        responseKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' },
        verbs: ['get', 'patch', 'update'],
      },
    );
  });

  it('GET answers the Scale read from the declared paths', async () => {
    const obj = await createPool('get', 3, { readyReplicas: 2, labelSelector: 'app=get' });
    const scale = await server.client.call<Json>({ path: `${base}/get/scale` });
    assert.deepEqual(scale, {
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: {
        name: 'get',
        namespace: 'default',
        uid: obj.metadata.uid,
        resourceVersion: obj.metadata.resourceVersion,
        creationTimestamp: obj.metadata.creationTimestamp,
      },
      spec: { replicas: 3 },
      status: { replicas: 2, selector: 'app=get' },
    });
  });

  it('GET of an object without desired replicas is a 500, as kube', async () => {
    await createPool('unset');
    const r = await server.inject({ path: `${base}/unset/scale` });
    assert.equal(r.status, 500);
    assert.match(
      r.json<Json>().message,
      /the spec replicas field "\.spec\.replicas" does not exist/,
    );
  });

  it('PUT sets the desired replicas only, bumps generation, and answers the new Scale', async () => {
    const before = await createPool('put', 1, { readyReplicas: 1 });
    const scale = await server.client.call<Json>({ path: `${base}/put/scale` });
    const updated = await server.client.call<Json>({
      method: 'PUT',
      path: `${base}/put/scale`,
      body: { ...scale, spec: { replicas: 5 }, status: { replicas: 99, selector: 'ignored' } },
    });
    assert.deepEqual(updated.spec, { replicas: 5 });
    assert.deepEqual(updated.status, { replicas: 1 });
    const after = await server.client.resource('example.com/v1', 'pools').get('put', {
      namespace: 'default',
    });
    assert.deepEqual(after.spec, { image: 'nginx', replicas: 5 });
    assert.deepEqual(after.status, { readyReplicas: 1 });
    assert.equal(after.metadata?.generation, (before.metadata.generation as number) + 1);
    assert.equal(updated.metadata.resourceVersion, after.metadata?.resourceVersion);
  });

  const putFailures: {
    name: string;
    body: (scale: Json) => unknown;
    status: number;
    reason: string;
    message: RegExp;
  }[] = [
    {
      name: 'a stale resourceVersion is a 409 Conflict',
      body: (s) => ({
        ...s,
        metadata: { ...s.metadata, resourceVersion: '1' },
        spec: { replicas: 2 },
      }),
      status: 409,
      reason: 'Conflict',
      message: /the object has been modified/,
    },
    {
      name: 'negative replicas are a 422 on the Scale',
      body: (s) => ({ ...s, spec: { replicas: -1 } }),
      status: 422,
      reason: 'Invalid',
      message:
        /^Scale\.autoscaling "put-fail" is invalid: spec\.replicas: Invalid value: -1: must be greater than or equal to 0$/,
    },
    {
      name: 'another name than the URL is a 400',
      body: (s) => ({ ...s, metadata: { ...s.metadata, name: 'other' } }),
      status: 400,
      reason: 'BadRequest',
      message: /does not match the name on the URL/,
    },
    {
      name: 'a body of another kind is a 400',
      body: (s) => ({ ...s, kind: 'Pool', apiVersion: 'example.com/v1' }),
      status: 400,
      reason: 'BadRequest',
      message: /cannot be handled as a Scale/,
    },
    {
      name: 'replicas that are not an integer are a 400',
      body: (s) => ({ ...s, spec: { replicas: 'three' } }),
      status: 400,
      reason: 'BadRequest',
      message: /spec\.replicas/,
    },
  ];
  for (const c of putFailures) {
    it(`PUT: ${c.name}`, async () => {
      const existing = await server.inject({ path: `${base}/put-fail/scale` });
      if (existing.status === 404) await createPool('put-fail', 1);
      const scale = await server.client.call<Json>({ path: `${base}/put-fail/scale` });
      const r = await server.inject({
        method: 'PUT',
        path: `${base}/put-fail/scale`,
        body: c.body(scale),
      });
      assert.equal(r.status, c.status, r.text);
      assert.equal(r.json<Json>().reason, c.reason);
      assert.match(r.json<Json>().message, c.message);
      const still = await server.client.call<Json>({ path: `${base}/put-fail/scale` });
      assert.deepEqual(still.spec, { replicas: 1 });
    });
  }

  it('PUT without a resourceVersion updates unconditionally', async () => {
    await createPool('no-rv', 2);
    const updated = await server.client.call<Json>({
      method: 'PUT',
      path: `${base}/no-rv/scale`,
      body: {
        apiVersion: 'autoscaling/v1',
        kind: 'Scale',
        metadata: { name: 'no-rv' },
        spec: { replicas: 4 },
      },
    });
    assert.deepEqual(updated.spec, { replicas: 4 });
  });

  const patches: { type: string; body: unknown }[] = [
    { type: 'application/merge-patch+json', body: { spec: { replicas: 7 } } },
    { type: 'application/strategic-merge-patch+json', body: { spec: { replicas: 7 } } },
    {
      type: 'application/json-patch+json',
      body: [{ op: 'replace', path: '/spec/replicas', value: 7 }],
    },
  ];
  for (const [i, p] of patches.entries()) {
    it(`PATCH with ${p.type} applies to the Scale`, async () => {
      await createPool(`patch-${i}`, 2);
      const patched = await server.client.call<Json>({
        method: 'PATCH',
        path: `${base}/patch-${i}/scale`,
        headers: { 'content-type': p.type },
        body: p.body,
      });
      assert.equal(patched.kind, 'Scale');
      assert.deepEqual(patched.spec, { replicas: 7 });
      const obj = await server.client.resource('example.com/v1', 'pools').get(`patch-${i}`, {
        namespace: 'default',
      });
      assert.equal((obj.spec as Json).replicas, 7);
    });
  }

  it('PATCH that leaves unset replicas unset is a 400; one that sets them works', async () => {
    await createPool('patch-unset');
    const r = await server.inject({
      method: 'PATCH',
      path: `${base}/patch-unset/scale`,
      headers: { 'content-type': 'application/merge-patch+json' },
      body: { metadata: { labels: { a: 'b' } } },
    });
    assert.equal(r.status, 400);
    assert.equal(
      r.json<Json>().message,
      'the spec replicas field ".spec.replicas" cannot be empty',
    );
    const ok = await server.client.call<Json>({
      method: 'PATCH',
      path: `${base}/patch-unset/scale`,
      headers: { 'content-type': 'application/merge-patch+json' },
      body: { spec: { replicas: 1 } },
    });
    assert.deepEqual(ok.spec, { replicas: 1 });
  });

  it('reports unknown Scale fields as fieldValidation asks', async () => {
    await createPool('fv', 1);
    const strict = await server.inject({
      method: 'PATCH',
      path: `${base}/fv/scale?fieldValidation=Strict`,
      headers: { 'content-type': 'application/merge-patch+json' },
      body: { spec: { replicas: 2, surge: 1 } },
    });
    assert.equal(strict.status, 400);
    assert.match(strict.json<Json>().message, /unknown field "spec\.surge"/);
    const warned = await server.inject({
      method: 'PATCH',
      path: `${base}/fv/scale?fieldValidation=Warn`,
      headers: { 'content-type': 'application/merge-patch+json' },
      body: { spec: { replicas: 2, surge: 1 } },
    });
    assert.equal(warned.status, 200);
    assert.equal(warned.headers.warning, '299 - "unknown field \\"spec.surge\\""');
  });

  const refused: { name: string; method: string; path: string; status: number }[] = [
    { name: 'DELETE of /scale is a 405', method: 'DELETE', path: `${base}/x/scale`, status: 405 },
    { name: 'POST to /scale is a 405', method: 'POST', path: `${base}/x/scale`, status: 405 },
    {
      name: 'a resource without a declared scale has no /scale',
      method: 'GET',
      path: '/apis/example.com/v1/things/x/scale',
      status: 404,
    },
    {
      name: 'a missing object is a 404',
      method: 'GET',
      path: `${base}/missing/scale`,
      status: 404,
    },
    {
      name: 'a PUT to a missing object is a 404',
      method: 'PUT',
      path: `${base}/missing/scale`,
      status: 404,
    },
  ];
  for (const c of refused) {
    it(c.name, async () => {
      const r = await server.inject({
        method: c.method,
        path: c.path,
        ...(c.method === 'PUT'
          ? {
              body: {
                apiVersion: 'autoscaling/v1',
                kind: 'Scale',
                metadata: { name: 'missing' },
                spec: { replicas: 1 },
              },
            }
          : {}),
      });
      assert.equal(r.status, c.status, r.text);
    });
  }

  it('prints a Scale as a Table when asked', async () => {
    await createPool('table', 1);
    const table = await server.client.call<Json>({
      path: `${base}/table/scale`,
      headers: { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' },
    });
    assert.equal(table.kind, 'Table');
    assert.equal(table.rows[0].cells[0], 'table');
  });

  it(
    'kubectl scale goes through the scale subresource',
    { skip: hasKubectl ? false : `kubectl not found at ${kubectl}` },
    async () => {
      await createPool('kubectl', 1);
      const { kubeconfigPath } = await server.listen();
      const { stdout } = await run(
        kubectl,
        [
          'scale',
          'pools.example.com/kubectl',
          '--replicas=6',
          '-n',
          'default',
          '--kubeconfig',
          kubeconfigPath,
        ],
        { timeout: 30_000 },
      );
      assert.match(stdout, /scaled/);
      const scale = await server.client.call<Json>({ path: `${base}/kubectl/scale` });
      assert.deepEqual(scale.spec, { replicas: 6 });
    },
  );
});

describe('scale subresource declaration', () => {
  const cases: { name: string; config: ResourceConfig['scaleSubresource']; error: RegExp }[] = [
    {
      name: 'desired replicas outside .spec',
      config: { specReplicasPath: '.status.replicas', statusReplicasPath: '.status.replicas' },
      error: /specReplicasPath ".status.replicas" must be a simple JSON path under .spec/,
    },
    {
      name: 'observed replicas outside .status',
      config: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.spec.replicas' },
      error: /statusReplicasPath/,
    },
    {
      name: 'a path that is not a simple JSON path',
      config: { specReplicasPath: '.spec[0]', statusReplicasPath: '.status.replicas' },
      error: /specReplicasPath/,
    },
    {
      name: 'a selector path outside spec and status',
      config: {
        specReplicasPath: '.spec.replicas',
        statusReplicasPath: '.status.replicas',
        labelSelectorPath: '.metadata.labels',
      },
      error: /labelSelectorPath/,
    },
  ];
  for (const c of cases) {
    it(`refuses ${c.name} at install`, () => {
      assert.throws(
        () =>
          new APIServer({
            scheme: scheme(),
            storage: new MemoryStorage(),
            resources: [{ group: 'example.com', resource: 'pools', scaleSubresource: c.config! }],
            authenticator: anonymousAuthenticator,
            authorizer: alwaysAllowAuthorizer,
          }),
        c.error,
      );
    });
  }

  it('StatusError is what the typed client throws for scale failures', async () => {
    const server = await startTestServer({ scheme: scheme(), resources });
    try {
      await assert.rejects(
        server.client.call({ path: `${base}/none/scale` }),
        (err) => err instanceof StatusError && err.code === 404,
      );
    } finally {
      await server.close();
    }
  });
});
