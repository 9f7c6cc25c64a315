import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startMiniKube } from './helpers.js';
import type { Json, TestMiniKube } from './helpers.js';

const CONFIGMAPS = '/api/v1/namespaces/default/configmaps';
const MERGE = { 'content-type': 'application/merge-patch+json' };

describe('ConfigMap', () => {
  let kube: TestMiniKube;
  before(async () => {
    kube = await startMiniKube();
  });
  after(async () => {
    await kube.close();
  });

  const create = (name: string, fields: Json) =>
    kube.call('POST', CONFIGMAPS, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name },
      ...fields,
    });

  describe('validation on create', () => {
    const cases: { name: string; fields: Json; status: number; message?: RegExp }[] = [
      {
        name: 'text and binary entries',
        fields: { data: { a: 'x' }, binaryData: { b: 'AAE=' } },
        status: 201,
      },
      {
        name: 'a key repeated in data and binaryData',
        fields: { data: { a: 'x' }, binaryData: { a: 'AAE=' } },
        status: 422,
        message:
          /is invalid: data\[a\]: Invalid value: "a": duplicate of key present in binaryData$/,
      },
      {
        name: 'a key that starts with ..',
        fields: { data: { '..secret': 'x' } },
        status: 422,
        message: /data\[\.\.secret\]: Invalid value: "\.\.secret": must not start with '\.\.'$/,
      },
      {
        name: 'binaryData that is not base64',
        fields: { binaryData: { b: 'not base64' } },
        status: 400,
        message:
          /^ConfigMap in version "v1" cannot be handled as a ConfigMap: illegal base64 data at input byte 3$/,
      },
      {
        name: 'more than 1 MiB of data',
        fields: { data: { a: 'x'.repeat(600 * 1024), b: 'y'.repeat(600 * 1024) } },
        status: 422,
        message: /is invalid: \[\]: Too long: may not be more than 1048576 bytes$/,
      },
      {
        name: 'a finalizer that is neither standard nor qualified',
        fields: { metadata: { name: 'fin', finalizers: ['custom'] } },
        status: 422,
        message:
          /metadata\.finalizers: Invalid value: "custom": name is neither a standard finalizer name nor is it fully qualified$/,
      },
    ];
    for (const [i, c] of cases.entries()) {
      it(c.name, async () => {
        const r = await create(`valid-${i}`, c.fields);
        assert.equal(r.status, c.status, JSON.stringify(r.body).slice(0, 500));
        if (c.message !== undefined) assert.match(r.body.message, c.message);
      });
    }
  });

  describe('immutable', () => {
    const cases: { name: string; patch: Json; status: number; forbidden?: string[] }[] = [
      {
        name: 'data cannot change',
        patch: { data: { a: 'changed' } },
        status: 422,
        forbidden: ['data'],
      },
      {
        name: 'binaryData cannot change',
        patch: { binaryData: { bin: 'AQ==' } },
        status: 422,
        forbidden: ['binaryData'],
      },
      {
        name: 'immutable cannot be unset',
        patch: { immutable: null },
        status: 422,
        forbidden: ['immutable'],
      },
      {
        name: 'turning it off and changing data are both reported',
        patch: { immutable: false, data: { a: 'changed' } },
        status: 422,
        forbidden: ['immutable', 'data'],
      },
      { name: 'labels may change', patch: { metadata: { labels: { a: 'b' } } }, status: 200 },
    ];
    for (const [i, c] of cases.entries()) {
      it(c.name, async () => {
        const name = `frozen-${i}`;
        const created = await create(name, { immutable: true, data: { a: 'x' } });
        assert.equal(created.status, 201);
        const r = await kube.call('PATCH', `${CONFIGMAPS}/${name}`, c.patch, MERGE);
        assert.equal(r.status, c.status, JSON.stringify(r.body));
        if (c.forbidden !== undefined) {
          assert.deepEqual(
            r.body.details.causes.map((cause: Json) => [cause.field, cause.reason, cause.message]),
            c.forbidden.map((field) => [
              field,
              'FieldValueForbidden',
              'Forbidden: field is immutable when `immutable` is set',
            ]),
          );
          const stored = await kube.call('GET', `${CONFIGMAPS}/${name}`);
          assert.deepEqual(stored.body, created.body, 'a rejected update changes nothing');
        }
      });
    }

    it('a mutable ConfigMap can become immutable, and then stays so', async () => {
      assert.equal((await create('thaw', { data: { a: 'x' } })).status, 201);
      const frozen = await kube.call('PATCH', `${CONFIGMAPS}/thaw`, { immutable: true }, MERGE);
      assert.equal(frozen.status, 200);
      const again = await kube.call('PATCH', `${CONFIGMAPS}/thaw`, { data: { a: 'y' } }, MERGE);
      assert.equal(again.status, 422);
    });
  });

  it('has no generation, as in kube', async () => {
    const r = await create('no-generation', { data: { a: 'x' } });
    assert.equal(r.status, 201);
    assert.equal(r.body.metadata.generation, undefined);
    const updated = await kube.call(
      'PATCH',
      `${CONFIGMAPS}/no-generation`,
      { data: { a: 'y' } },
      MERGE,
    );
    assert.equal(updated.body.metadata.generation, undefined);
  });

  it('a PUT without resourceVersion overwrites, as in kube', async () => {
    assert.equal((await create('unconditional', { data: { a: 'x' } })).status, 201);
    const r = await kube.call('PUT', `${CONFIGMAPS}/unconditional`, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'unconditional' },
      data: { a: 'y' },
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body.data, { a: 'y' });
  });
});
