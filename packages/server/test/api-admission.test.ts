import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { forbidden } from '@kapi/apimachinery';
import type { AdmissionAttributes, APIServer } from '../src/index.js';
import { call, startTestServer } from './api-fixtures.js';

describe('admission stages of the write path', () => {
  let server: APIServer;
  let url: string;
  const seen: string[] = [];
  before(async () => {
    ({ server, url } = await startTestServer({
      admission: {
        mutate: (a: AdmissionAttributes) => {
          seen.push(`mutate ${a.operation} ${a.name}`);
          const obj = structuredClone(a.object!);
          obj.metadata = { ...obj.metadata, labels: { ...obj.metadata?.labels, admitted: 'yes' } };
          return Promise.resolve(obj);
        },
        validate: (a: AdmissionAttributes) => {
          seen.push(`validate ${a.operation} ${a.name}`);
          if (a.name.startsWith('protected')) {
            return Promise.reject(
              forbidden({ group: '', resource: 'configmaps' }, a.name, 'protected by policy'),
            );
          }
          return Promise.resolve();
        },
      },
    }));
  });
  after(() => server.close());

  const path = '/api/v1/namespaces/adm/configmaps';

  it('mutates before and validates after the strategy, on create and update', async () => {
    const created = await call(url, 'POST', path, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'a' },
    });
    assert.equal(created.status, 201);
    assert.deepEqual(created.body.metadata.labels, { admitted: 'yes' });
    const updated = await call(url, 'PUT', `${path}/a`, { ...created.body, data: { x: '1' } });
    assert.equal(updated.status, 200);
    assert.deepEqual(seen, [
      'mutate CREATE a',
      'validate CREATE a',
      'mutate UPDATE a',
      'validate UPDATE a',
    ]);
  });

  it('rejects with the plugin Status and persists nothing', async () => {
    const r = await call(url, 'POST', path, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'protected-1' },
    });
    assert.equal(r.status, 403);
    assert.equal(r.body.message, 'configmaps "protected-1" is forbidden: protected by policy');
    assert.equal((await call(url, 'GET', `${path}/protected-1`)).status, 404);
  });

  it('validates a delete before marking an object with finalizers', async () => {
    // created while not protected: write it straight through storage, bypassing admission
    await server.api.resources()[0]!.store.storage.create('/configmaps/adm/protected-2', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'protected-2',
        namespace: 'adm',
        uid: 'u',
        finalizers: ['example.com/hold'],
      },
    });
    const r = await call(url, 'DELETE', `${path}/protected-2`);
    assert.equal(r.status, 403);
    const still = await call(url, 'GET', `${path}/protected-2`);
    assert.equal(still.status, 200);
    assert.equal(still.body.metadata.deletionTimestamp, undefined);
  });
});
