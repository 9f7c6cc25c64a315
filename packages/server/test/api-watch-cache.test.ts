import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { APIServer } from '../src/index.js';
import { call, startTestServer } from './api-fixtures.js';

describe('REST endpoints over the watch cache', () => {
  let server: APIServer;
  let url: string;
  before(async () => {
    ({ server, url } = await startTestServer({ watchCache: { consistentReadTimeoutMs: 500 } }));
  });
  after(() => server.close());

  it('reads its own writes, across resources sharing one revision counter', async () => {
    const cms = '/api/v1/namespaces/c/configmaps';
    const created = await call(url, 'POST', cms, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'a' },
    });
    assert.equal(created.status, 201);
    // a write to another resource moves the shared revision past anything the configmap cache saw
    await call(url, 'POST', '/apis/example.com/v1/widgets', {
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name: 'w' },
    });
    const list = await call(url, 'GET', cms);
    assert.deepEqual(
      list.body.items.map((i: { metadata: { name: string } }) => i.metadata.name),
      ['a'],
    );
    assert.ok(
      Number(list.body.metadata.resourceVersion) >= Number(created.body.metadata.resourceVersion),
    );
    const got = await call(url, 'GET', `${cms}/a?resourceVersion=0`);
    assert.equal(got.status, 200);
  });

  it('watches through the cache from a list resourceVersion', async () => {
    const cms = '/api/v1/namespaces/w/configmaps';
    const list = await call(url, 'GET', `${cms}?resourceVersion=0`);
    const response = await fetch(
      `${url}${cms}?watch=true&resourceVersion=${list.body.metadata.resourceVersion}`,
    );
    await call(url, 'POST', cms, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } });
    const reader = response.body!.getReader();
    let text = '';
    while (!text.includes('\n')) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    await reader.cancel();
    const event = JSON.parse(text.split('\n')[0]!) as {
      type: string;
      object: { metadata: { name: string } };
    };
    assert.equal(event.type, 'ADDED');
    assert.equal(event.object.metadata.name, 'x');
  });
});
