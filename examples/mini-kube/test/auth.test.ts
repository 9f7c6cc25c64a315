import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ADMIN_USER, StaticTokenAuthenticator, systemMastersAuthorizer } from '../src/auth.js';
import { request, startMiniKube, TEST_TOKEN } from './helpers.js';
import type { TestMiniKube } from './helpers.js';

describe('authentication and authorization', () => {
  let kube: TestMiniKube;
  before(async () => {
    kube = await startMiniKube();
  });
  after(async () => {
    await kube.close();
  });

  const cases: { name: string; authorization?: string; status: number }[] = [
    { name: 'no credentials (anonymous)', status: 401 },
    { name: 'a wrong token', authorization: 'Bearer not-the-token', status: 401 },
    {
      name: 'a token that only starts like the right one',
      authorization: `Bearer ${TEST_TOKEN}x`,
      status: 401,
    },
    { name: 'an empty bearer token', authorization: 'Bearer ', status: 401 },
    { name: 'basic credentials', authorization: `Basic ${TEST_TOKEN}`, status: 401 },
    { name: 'the admin token', authorization: `Bearer ${TEST_TOKEN}`, status: 200 },
    {
      name: 'the admin token, scheme in lower case',
      authorization: `bearer ${TEST_TOKEN}`,
      status: 200,
    },
  ];
  for (const c of cases) {
    it(`${c.name} → ${c.status}`, async () => {
      const headers = c.authorization === undefined ? {} : { authorization: c.authorization };
      const r = await request(kube.url, 'GET', '/api/v1/namespaces', undefined, headers);
      assert.equal(r.status, c.status);
      if (c.status === 401) {
        assert.deepEqual(
          [r.body.kind, r.body.reason, r.body.message],
          ['Status', 'Unauthorized', 'Unauthorized'],
        );
      }
    });
  }

  it('health and version need the token too', async () => {
    assert.equal((await request(kube.url, 'GET', '/readyz')).status, 401);
    assert.equal((await kube.call('GET', '/readyz')).status, 200);
    assert.equal((await kube.call('GET', '/version')).body.major, '1');
  });

  it('an empty admin token is refused at construction', () => {
    assert.throws(() => new StaticTokenAuthenticator(''), /must not be empty/);
  });

  it('the authorizer allows system:masters and has no opinion on anyone else', async () => {
    const attributes = {
      verb: 'get',
      isResourceRequest: true,
      namespace: 'default',
      apiGroup: '',
      apiVersion: 'v1',
      resource: 'configmaps',
      subresource: '',
      name: 'x',
      path: '/api/v1/namespaces/default/configmaps/x',
    };
    const admin = await systemMastersAuthorizer.authorize({ ...attributes, user: ADMIN_USER });
    assert.equal(admin.decision, 'allow');
    const other = await systemMastersAuthorizer.authorize({
      ...attributes,
      user: { name: 'alice', groups: ['system:authenticated'] },
    });
    assert.equal(other.decision, 'noOpinion');
  });
});
