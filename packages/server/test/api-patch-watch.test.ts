import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { APIServer } from '../src/index.js';
import { call, startTestServer } from './api-fixtures.js';
import type { Json } from './api-fixtures.js';

const ns = '/api/v1/namespaces/pw/configmaps';

/** Reads newline-delimited watch events until `count` arrived (or the deadline passes). */
async function readEvents(response: Response, count: number, timeoutMs = 3000): Promise<Json[]> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  const events: Json[] = [];
  let buffer = '';
  const deadline = Date.now() + timeoutMs;
  while (events.length < count && Date.now() < deadline) {
    const next = await Promise.race([
      reader.read(),
      new Promise<{ done: true; value: undefined }>((r) =>
        setTimeout(
          () => {
            r({ done: true, value: undefined });
          },
          Math.max(1, deadline - Date.now()),
        ),
      ),
    ]);
    if (next.done) break;
    buffer += decoder.decode(next.value, { stream: true });
    let nl;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      if (line.trim() !== '') events.push(JSON.parse(line));
    }
  }
  await reader.cancel();
  return events;
}

describe('PATCH', () => {
  let server: APIServer;
  let url: string;
  before(async () => {
    ({ server, url } = await startTestServer());
    await call(url, 'POST', ns, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'p', labels: { a: '1' } },
      data: { x: '1', y: '2' },
    });
  });
  after(() => server.close());

  const patch = (body: unknown, type: string, query = '') =>
    call(url, 'PATCH', `${ns}/p${query}`, typeof body === 'string' ? body : JSON.stringify(body), {
      'content-type': type,
    });

  it('applies merge patches, removing with null', async () => {
    const r = await patch(
      { metadata: { labels: { b: '2', a: null } }, data: { y: null } },
      'application/merge-patch+json',
    );
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.metadata.labels, { b: '2' });
    assert.deepEqual(r.body.data, { x: '1' });
  });

  it('drops maps a patch emptied, as kube does', async () => {
    await patch({ metadata: { annotations: { only: 'x' } } }, 'application/merge-patch+json');
    const r = await patch(
      { metadata: { annotations: { only: null } } },
      'application/merge-patch+json',
    );
    assert.equal(r.status, 200);
    assert.equal(r.body.metadata.annotations, undefined);
    assert.equal(r.headers.get('cache-control'), 'no-cache, private');
  });

  it('applies JSON patches and answers a failed test with 422', async () => {
    const r = await patch(
      [{ op: 'add', path: '/data/z', value: '3' }],
      'application/json-patch+json',
    );
    assert.equal(r.status, 200);
    assert.equal(r.body.data.z, '3');
    const failed = await patch(
      [{ op: 'test', path: '/data/z', value: 'nope' }],
      'application/json-patch+json',
    );
    assert.equal(failed.status, 422);
  });

  it('applies strategic merge patches', async () => {
    const r = await patch({ data: { w: '4' } }, 'application/strategic-merge-patch+json');
    assert.equal(r.status, 200);
    assert.equal(r.body.data.w, '4');
  });

  it('conflicts on a stale resourceVersion in the patch', async () => {
    const r = await patch(
      { metadata: { resourceVersion: '1' }, data: { v: '1' } },
      'application/merge-patch+json',
    );
    assert.equal(r.status, 409);
    assert.equal(r.body.reason, 'Conflict');
  });

  it('answers a missing object with 404 and server-side apply with 415 for now', async () => {
    const missing = await call(url, 'PATCH', `${ns}/ghost`, '{}', {
      'content-type': 'application/merge-patch+json',
    });
    assert.equal(missing.status, 404);
    assert.equal(missing.body.message, 'configmaps "ghost" not found');
    const apply = await patch('{}', 'application/apply-patch+yaml');
    assert.equal(apply.status, 415);
    const other = await patch('{}', 'application/xml');
    assert.equal(other.status, 415);
  });

  it('rejects a patch that renames the object', async () => {
    const r = await patch({ metadata: { name: 'q' } }, 'application/merge-patch+json');
    assert.equal(r.status, 400);
  });
});

describe('watch', () => {
  let server: APIServer;
  let url: string;
  before(async () => {
    ({ server, url } = await startTestServer());
  });
  after(() => server.close());

  it('streams ADDED, MODIFIED, DELETED in order from a list resourceVersion (watch=True as Python sends)', async () => {
    const list = await call(url, 'GET', ns);
    const response = await fetch(
      `${url}${ns}?watch=True&resourceVersion=${list.body.metadata.resourceVersion}`,
    );
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'application/json');
    const created = await call(url, 'POST', ns, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'w' },
      data: { a: '1' },
    });
    await call(url, 'PUT', `${ns}/w`, { ...created.body, data: { a: '2' } });
    await call(url, 'DELETE', `${ns}/w`);
    const events = await readEvents(response, 3);
    assert.deepEqual(
      events.map((e) => e.type),
      ['ADDED', 'MODIFIED', 'DELETED'],
    );
    assert.equal(events[0].object.kind, 'ConfigMap');
    assert.equal(events[0].object.apiVersion, 'v1');
    const rvs = events.map((e) => Number(e.object.metadata.resourceVersion));
    assert.ok(rvs[0]! < rvs[1]! && rvs[1]! < rvs[2]!);
  });

  it('sends the current state first without a resourceVersion, filtered by labels', async () => {
    await call(url, 'POST', ns, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'red', labels: { color: 'red' } },
    });
    await call(url, 'POST', ns, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'blue', labels: { color: 'blue' } },
    });
    const response = await fetch(`${url}${ns}?watch=1&labelSelector=color%3Dred`);
    const events = await readEvents(response, 1);
    assert.deepEqual(
      events.map((e) => [e.type, e.object.metadata.name]),
      [['ADDED', 'red']],
    );
  });

  it('prints a Table watch with column definitions only in the first event', async () => {
    const list = await call(url, 'GET', ns);
    const response = await fetch(
      `${url}${ns}?watch=true&resourceVersion=${list.body.metadata.resourceVersion}`,
      {
        headers: { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' },
      },
    );
    await call(url, 'POST', ns, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 't1' } });
    await call(url, 'POST', ns, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 't2' } });
    const events = await readEvents(response, 2);
    assert.equal(events[0].object.kind, 'Table');
    assert.equal(events[0].object.columnDefinitions.length, 2);
    assert.equal(events[1].object.columnDefinitions.length, 0);
    assert.deepEqual(
      events.map((e) => e.object.rows[0].cells[0]),
      ['t1', 't2'],
    );
  });

  it('ends on timeoutSeconds', async () => {
    const started = Date.now();
    const response = await fetch(`${url}${ns}?watch=true&timeoutSeconds=1&resourceVersion=0`);
    await response.text();
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 900 && elapsed < 3000, `took ${elapsed} ms`);
  });

  it('answers a too old resourceVersion with an ERROR 410 event', async () => {
    const small = await startTestServer({
      storage: new (await import('@kapi/storage')).MemoryStorage({ historySize: 2 }),
    });
    try {
      for (let i = 0; i < 5; i++)
        await call(small.url, 'POST', ns, {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: `c${i}` },
        });
      const response = await fetch(`${small.url}${ns}?watch=true&resourceVersion=1`);
      const events = await readEvents(response, 1);
      assert.equal(events[0].type, 'ERROR');
      assert.equal(events[0].object.code, 410);
      assert.equal(events[0].object.reason, 'Expired');
    } finally {
      await small.server.close();
    }
  });
});
