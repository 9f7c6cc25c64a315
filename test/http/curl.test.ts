/**
 * Raw HTTP against mini-kube with curl: exact Status bodies and headers for the failures every
 * client depends on (401, 404, 406, 415, 422), the health endpoints, watch framing, and the
 * start-up contract of `npm start` (the printed kubectl line works; SIGTERM exits cleanly).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { findKubectl, FULL_SUITE_VERSION, Kubectl } from '../harness/kubectl.js';
import { curl } from '../harness/curl.js';
import { MiniKube, REPO_ROOT } from '../harness/mini-kube.js';
import { runCommand } from '../harness/process.js';

const kubectlBinary = await findKubectl(FULL_SUITE_VERSION);

/** A failure Status as the apiserver writes it (k8s.io/apimachinery pkg/api/errors). */
function failure(code: number, reason: string, message: string, details?: object): object {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(details === undefined ? {} : { details }),
    code,
  };
}

const CM_PATH = '/api/v1/namespaces/default/configmaps';

describe('raw HTTP with curl', { concurrency: 4 }, () => {
  let server: MiniKube;

  before(async () => {
    server = await MiniKube.start({ storage: 'memory' });
    const created = await curl(server, CM_PATH, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'raw' },
        data: { k: 'v' },
      }),
    });
    assert.equal(created.status, 201, created.body);
  });
  after(async () => {
    await server.stop();
  });

  describe('Status bodies', () => {
    const unauthorized = failure(401, 'Unauthorized', 'Unauthorized');
    const cases: {
      name: string;
      path: string;
      method?: string;
      headers?: Record<string, string>;
      body?: string;
      token?: string | null;
      status: number;
      expect: object;
    }[] = [
      {
        name: 'no credentials: 401',
        path: CM_PATH,
        token: null,
        status: 401,
        expect: unauthorized,
      },
      {
        name: 'a wrong bearer token: 401',
        path: CM_PATH,
        token: 'not-the-admin-token',
        status: 401,
        expect: unauthorized,
      },
      {
        name: 'a missing object: 404 NotFound with details',
        path: `${CM_PATH}/nope`,
        status: 404,
        expect: failure(404, 'NotFound', 'configmaps "nope" not found', {
          name: 'nope',
          kind: 'configmaps',
        }),
      },
      {
        name: 'a missing namespace: 404 NotFound',
        path: '/api/v1/namespaces/nowhere',
        status: 404,
        expect: failure(404, 'NotFound', 'namespaces "nowhere" not found', {
          name: 'nowhere',
          kind: 'namespaces',
        }),
      },
      {
        // as kube: an unmatched route goes through NewGenericServerResponse(404)
        name: 'an unknown resource: 404 with the generic message',
        path: '/api/v1/flunders',
        status: 404,
        expect: failure(404, 'NotFound', 'the server could not find the requested resource', {}),
      },
      {
        name: 'a body in an unknown format: 415',
        path: CM_PATH,
        method: 'POST',
        headers: { 'Content-Type': 'text/plain' },
        body: 'hello',
        status: 415,
        expect: failure(
          415,
          'UnsupportedMediaType',
          'the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf',
        ),
      },
      {
        // as kube: apiserver endpoints/installer.go lists the patch types in this order
        name: 'PATCH with a plain JSON content type: 415 naming the patch types',
        path: `${CM_PATH}/raw`,
        method: 'PATCH',
        headers: { 'Content-Type': 'application/json' },
        body: '{"data":{"k":"w"}}',
        status: 415,
        expect: failure(
          415,
          'UnsupportedMediaType',
          'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml',
        ),
      },
      {
        name: 'an Accept the server cannot produce: 406',
        path: `${CM_PATH}/raw`,
        headers: { Accept: 'text/plain' },
        status: 406,
        expect: failure(
          406,
          'NotAcceptable',
          'only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf',
        ),
      },
      {
        // as kube: apiserver handlers/patch.go applyJSPatch
        name: 'a failing JSON-patch test: 422 with the generic Invalid status',
        path: `${CM_PATH}/raw`,
        method: 'PATCH',
        headers: { 'Content-Type': 'application/json-patch+json' },
        body: '[{"op":"test","path":"/data/k","value":"other"}]',
        status: 422,
        expect: failure(
          422,
          'Invalid',
          'the server rejected our request due to an error in our request',
          {},
        ),
      },
      {
        name: 'a body name that differs from the URL: 400',
        path: `${CM_PATH}/raw`,
        method: 'PUT',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'other' } }),
        status: 400,
        expect: failure(
          400,
          'BadRequest',
          'the name of the object (other) does not match the name on the URL (raw)',
        ),
      },
    ];
    for (const c of cases) {
      it(c.name, async () => {
        const response = await curl(server, c.path, {
          ...(c.method === undefined ? {} : { method: c.method }),
          ...(c.headers === undefined ? {} : { headers: c.headers }),
          ...(c.body === undefined ? {} : { body: c.body }),
          ...(c.token === undefined ? {} : { token: c.token }),
        });
        assert.equal(response.status, c.status, response.body);
        assert.match(response.headers.get('content-type') ?? '', /^application\/json\b/);
        assert.deepEqual(JSON.parse(response.body), c.expect);
      });
    }
  });

  it('a successful read: the object as JSON', async () => {
    const response = await curl(server, `${CM_PATH}/raw`);
    assert.equal(response.status, 200, response.body);
    assert.match(response.headers.get('content-type') ?? '', /^application\/json\b/);
    const cm = JSON.parse(response.body);
    assert.equal(cm.kind, 'ConfigMap');
    assert.equal(cm.apiVersion, 'v1');
    assert.deepEqual(cm.data, { k: 'v' });
  });

  it('API responses are not cacheable', async () => {
    const response = await curl(server, `${CM_PATH}/raw`);
    assert.equal(response.status, 200, response.body);
    // as kube: apiserver endpoints/filters/cachecontrol.go, in DefaultBuildHandlerChain
    assert.equal(response.headers.get('cache-control'), 'no-cache, private');
  });

  it('a list in a namespace that does not exist is empty, not an error', async () => {
    const response = await curl(server, '/api/v1/namespaces/nowhere/configmaps');
    assert.equal(response.status, 200, response.body);
    const list = JSON.parse(response.body);
    assert.equal(list.kind, 'ConfigMapList');
    assert.deepEqual(list.items, []);
  });

  it('health endpoints answer ok; verbose readyz lists its checks', async () => {
    for (const path of ['/healthz', '/livez', '/readyz']) {
      const response = await curl(server, path);
      assert.equal(response.status, 200, `${path}: ${response.body}`);
      assert.equal(response.body, 'ok', path);
    }
    const verbose = await curl(server, '/readyz?verbose');
    assert.equal(verbose.status, 200);
    assert.match(verbose.body, /^\[\+\]ping ok$/m);
    assert.match(verbose.body, /^readyz check passed$/m);
  });

  it('a watch is chunked newline-delimited JSON events', async () => {
    const list = JSON.parse((await curl(server, CM_PATH)).body);
    await curl(server, CM_PATH, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'watched-raw' },
      }),
    });
    // timeoutSeconds makes the server end the watch, so curl returns
    const response = await curl(
      server,
      `${CM_PATH}?watch=1&resourceVersion=${list.metadata.resourceVersion}&timeoutSeconds=1`,
    );
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('transfer-encoding'), 'chunked');
    assert.match(response.headers.get('content-type') ?? '', /^application\/json\b/);
    const events = response.body
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l));
    assert.deepEqual(
      events.map((e) => [e.type, e.object.kind, e.object.metadata.name]),
      [['ADDED', 'ConfigMap', 'watched-raw']],
    );
  });

  it(
    'the kubectl line printed at start works as printed',
    { skip: kubectlBinary.skip ?? false },
    async () => {
      const printed = /kubectl (--kubeconfig[= ]\S+) get namespaces/.exec(server.logs);
      assert.ok(printed !== null, `no kubectl line in the output:\n${server.logs}`);
      const flag = printed[1]!;
      assert.ok(flag.includes(server.kubeconfigPath) || flag.endsWith('admin.kubeconfig'), flag);
      // the printed command, with kubectl.1.32 for the dispatcher and a private discovery cache
      const scratch = await Kubectl.create(kubectlBinary.path!, server.kubeconfigPath);
      try {
        const result = await runCommand(
          kubectlBinary.path!,
          [...flag.split(/[= ]/), 'get', 'namespaces', '--cache-dir', `${scratch.workDir}/cache`],
          { cwd: REPO_ROOT, env: scratch.env() },
        );
        assert.equal(result.code, 0, result.stderr);
        assert.match(result.stdout, /^NAME\s+STATUS\s+AGE$/m);
        assert.match(result.stdout, /^kube-system\s+Active\s/m);
      } finally {
        await scratch.close();
      }
    },
  );
});
