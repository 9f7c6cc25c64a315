import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { queryBool, requestInfoParser } from '../src/request-info.js';

const parse = requestInfoParser();

function info(method: string, url: string) {
  const u = new URL(url, 'https://127.0.0.1');
  return parse(method, u.pathname, u.searchParams);
}

describe('requestInfoParser', () => {
  const cases: {
    method: string;
    url: string;
    verb: string;
    group?: string;
    version?: string;
    namespace?: string;
    resource?: string;
    name?: string;
    subresource?: string;
  }[] = [
    {
      method: 'GET',
      url: '/api/v1/namespaces',
      verb: 'list',
      version: 'v1',
      resource: 'namespaces',
    },
    {
      method: 'GET',
      url: '/api/v1/namespaces/other',
      verb: 'get',
      version: 'v1',
      namespace: 'other',
      resource: 'namespaces',
      name: 'other',
    },
    {
      method: 'GET',
      url: '/api/v1/namespaces/other/pods/foo',
      verb: 'get',
      version: 'v1',
      namespace: 'other',
      resource: 'pods',
      name: 'foo',
    },
    {
      method: 'HEAD',
      url: '/api/v1/namespaces/other/pods/foo',
      verb: 'get',
      version: 'v1',
      namespace: 'other',
      resource: 'pods',
      name: 'foo',
    },
    { method: 'GET', url: '/api/v1/pods', verb: 'list', version: 'v1', resource: 'pods' },
    {
      method: 'GET',
      url: '/api/v1/namespaces/other/pods',
      verb: 'list',
      version: 'v1',
      namespace: 'other',
      resource: 'pods',
    },
    {
      method: 'GET',
      url: '/api/v1/namespaces/other/pods?watch=true',
      verb: 'watch',
      version: 'v1',
      namespace: 'other',
      resource: 'pods',
    },
    {
      method: 'GET',
      url: '/api/v1/namespaces/other/pods?watch=True',
      verb: 'watch',
      version: 'v1',
      namespace: 'other',
      resource: 'pods',
    },
    {
      method: 'GET',
      url: '/api/v1/namespaces/other/pods?watch=1',
      verb: 'watch',
      version: 'v1',
      namespace: 'other',
      resource: 'pods',
    },
    {
      method: 'GET',
      url: '/api/v1/namespaces/other/pods?watch=false',
      verb: 'list',
      version: 'v1',
      namespace: 'other',
      resource: 'pods',
    },
    {
      method: 'GET',
      url: '/api/v1/namespaces/other/pods?watch=0',
      verb: 'list',
      version: 'v1',
      namespace: 'other',
      resource: 'pods',
    },
    {
      method: 'GET',
      url: '/api/v1/watch/namespaces/other/pods',
      verb: 'watch',
      version: 'v1',
      namespace: 'other',
      resource: 'pods',
    },
    {
      method: 'GET',
      url: '/api/v1/namespaces/other/pods?fieldSelector=metadata.name%3Dfoo',
      verb: 'list',
      version: 'v1',
      namespace: 'other',
      resource: 'pods',
      name: 'foo',
    },
    {
      method: 'GET',
      url: '/api/v1/namespaces/other/pods?watch=true&fieldSelector=metadata.name%3D%3Dfoo',
      verb: 'watch',
      version: 'v1',
      namespace: 'other',
      resource: 'pods',
      name: 'foo',
    },
    {
      method: 'GET',
      url: '/api/v1/namespaces/other/pods?fieldSelector=metadata.name%3D..',
      verb: 'list',
      version: 'v1',
      namespace: 'other',
      resource: 'pods',
    },
    {
      method: 'POST',
      url: '/api/v1/namespaces/other/pods',
      verb: 'create',
      version: 'v1',
      namespace: 'other',
      resource: 'pods',
    },
    {
      method: 'PUT',
      url: '/api/v1/namespaces/other/pods/foo',
      verb: 'update',
      version: 'v1',
      namespace: 'other',
      resource: 'pods',
      name: 'foo',
    },
    {
      method: 'PATCH',
      url: '/api/v1/namespaces/other/pods/foo',
      verb: 'patch',
      version: 'v1',
      namespace: 'other',
      resource: 'pods',
      name: 'foo',
    },
    {
      method: 'DELETE',
      url: '/api/v1/namespaces/other/pods/foo',
      verb: 'delete',
      version: 'v1',
      namespace: 'other',
      resource: 'pods',
      name: 'foo',
    },
    {
      method: 'DELETE',
      url: '/api/v1/namespaces/other/pods',
      verb: 'deletecollection',
      version: 'v1',
      namespace: 'other',
      resource: 'pods',
    },
    {
      method: 'PUT',
      url: '/api/v1/namespaces/other/pods/foo/status',
      verb: 'update',
      version: 'v1',
      namespace: 'other',
      resource: 'pods',
      name: 'foo',
      subresource: 'status',
    },
    {
      method: 'PUT',
      url: '/api/v1/namespaces/other/finalize',
      verb: 'update',
      version: 'v1',
      namespace: 'other',
      resource: 'namespaces',
      name: 'other',
      subresource: 'finalize',
    },
    {
      method: 'GET',
      url: '/api/v1/namespaces/other/status',
      verb: 'get',
      version: 'v1',
      namespace: 'other',
      resource: 'namespaces',
      name: 'other',
      subresource: 'status',
    },
    {
      method: 'GET',
      url: '/apis/wardle.example.com/v1alpha1/namespaces/ns/flunders/f',
      verb: 'get',
      group: 'wardle.example.com',
      version: 'v1alpha1',
      namespace: 'ns',
      resource: 'flunders',
      name: 'f',
    },
    {
      method: 'GET',
      url: '/apis/rbac.authorization.k8s.io/v1/clusterroles',
      verb: 'list',
      group: 'rbac.authorization.k8s.io',
      version: 'v1',
      resource: 'clusterroles',
    },
    {
      method: 'GET',
      url: '/api/v1/proxy/namespaces/ns/pods/p/extra',
      verb: 'proxy',
      version: 'v1',
      namespace: 'ns',
      resource: 'pods',
      name: 'p',
    },
    {
      method: 'GET',
      url: '/api/v1/namespaces/other/pods?fieldSelector=metadata.name%3Dfoo%2Cstatus.phase%3DRunning',
      verb: 'list',
      version: 'v1',
      namespace: 'other',
      resource: 'pods',
      name: 'foo',
    },
    {
      method: 'GET',
      url: '/api/v1/namespaces/other/pods?fieldSelector=metadata.name!%3Dfoo',
      verb: 'list',
      version: 'v1',
      namespace: 'other',
      resource: 'pods',
    },
  ];
  for (const tc of cases) {
    it(`${tc.method} ${tc.url}`, () => {
      const got = info(tc.method, tc.url);
      assert.equal(got.isResourceRequest, true);
      assert.equal(got.verb, tc.verb);
      assert.equal(got.apiGroup, tc.group ?? '');
      assert.equal(got.apiVersion, tc.version ?? '');
      assert.equal(got.namespace, tc.namespace ?? '');
      assert.equal(got.resource, tc.resource ?? '');
      assert.equal(got.name, tc.name ?? '');
      assert.equal(got.subresource, tc.subresource ?? '');
    });
  }

  const nonResource = [
    '/',
    '/healthz',
    '/api',
    '/api/v1',
    '/apis',
    '/apis/apps',
    '/apis/apps/v1',
    '/version',
    '/openapi/v2',
    '/foo/v1/pods',
  ];
  for (const url of nonResource) {
    it(`non-resource ${url}`, () => {
      const got = info('GET', url);
      assert.equal(got.isResourceRequest, false);
      assert.equal(got.verb, 'get');
      assert.equal(got.path, new URL(url, 'https://x').pathname);
    });
  }

  it('keeps the lower-case method for non-resource requests', () => {
    assert.equal(info('POST', '/healthz').verb, 'post');
  });
});

describe('queryBool', () => {
  const cases: [string | null, boolean | undefined][] = [
    [null, undefined],
    ['true', true],
    ['True', true],
    ['TRUE', true],
    ['1', true],
    ['', true],
    ['yes', true],
    ['false', false],
    ['FALSE', false],
    ['0', false],
  ];
  for (const [value, want] of cases) {
    it(`${JSON.stringify(value)} → ${String(want)}`, () => {
      assert.equal(queryBool(value), want);
    });
  }
});
