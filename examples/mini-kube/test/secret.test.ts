import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startMiniKube } from './helpers.js';
import type { Json, TestMiniKube } from './helpers.js';

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const SECRETS = '/api/v1/namespaces/default/secrets';

describe('Secret', () => {
  let kube: TestMiniKube;
  before(async () => {
    kube = await startMiniKube();
  });
  after(async () => {
    await kube.close();
  });

  describe('create', () => {
    const cases: {
      name: string;
      body: Json;
      status: number;
      check: (body: Json) => void;
    }[] = [
      {
        name: 'stringData is folded into data and never stored',
        body: { stringData: { password: 'hunter2' } },
        status: 201,
        check: (b) => {
          assert.deepEqual(b.data, { password: b64('hunter2') });
          assert.equal(b.stringData, undefined);
        },
      },
      {
        name: 'stringData replaces the data entry of the same key',
        body: { data: { k: b64('old'), keep: b64('x') }, stringData: { k: 'new' } },
        status: 201,
        check: (b) => {
          assert.deepEqual(b.data, { k: b64('new'), keep: b64('x') });
        },
      },
      {
        name: 'type defaults to Opaque',
        body: { data: { k: b64('v') } },
        status: 201,
        check: (b) => {
          assert.equal(b.type, 'Opaque');
        },
      },
      {
        name: 'an empty type is defaulted too (protobuf clients send one)',
        body: { type: '', data: { k: b64('v') } },
        status: 201,
        check: (b) => {
          assert.equal(b.type, 'Opaque');
        },
      },
      {
        name: 'base64 split over lines is accepted and stored canonically',
        body: { data: { k: 'YWRt\r\naW4=' } },
        status: 201,
        check: (b) => {
          assert.equal(b.data.k, b64('admin'));
        },
      },
      {
        name: 'a value that is not base64 fails decoding as kube words it',
        body: { data: { user: 'admin!' } },
        status: 400,
        check: (b) => {
          assert.equal(b.reason, 'BadRequest');
          assert.equal(
            b.message,
            'Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 5',
          );
        },
      },
      {
        name: 'base64 without its padding is rejected where the padding should be',
        body: { data: { user: 'YWRtaW4' } },
        status: 400,
        check: (b) => {
          assert.match(b.message, /illegal base64 data at input byte 4$/);
        },
      },
      {
        name: 'a key that cannot be a file name is invalid',
        body: { data: { 'bad key': b64('v') } },
        status: 422,
        check: (b) => {
          assert.equal(b.reason, 'Invalid');
          assert.match(
            b.message,
            /^Secret "[a-z0-9-]+" is invalid: data\[bad key\]: Invalid value: "bad key": a valid config key must consist of alphanumeric characters/,
          );
          assert.deepEqual(
            b.details.causes.map((c: Json) => c.field),
            ['data[bad key]'],
          );
        },
      },
      {
        name: 'a TLS secret needs tls.crt and tls.key',
        body: { type: 'kubernetes.io/tls', data: { 'tls.crt': b64('c') } },
        status: 422,
        check: (b) => {
          assert.match(b.message, /is invalid: data\[tls\.key\]: Required value$/);
        },
      },
      {
        name: 'a basic-auth secret needs a username or a password',
        body: { type: 'kubernetes.io/basic-auth', data: {} },
        status: 422,
        check: (b) => {
          assert.match(
            b.message,
            /is invalid: \[data\[username\]: Required value, data\[password\]: Required value\]$/,
          );
        },
      },
      {
        name: 'a docker config must be JSON',
        body: { type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': b64('{') } },
        status: 422,
        check: (b) => {
          assert.match(
            b.message,
            /data\[\.dockerconfigjson\]: Invalid value: "<secret contents redacted>": /,
          );
        },
      },
    ];
    for (const [i, c] of cases.entries()) {
      it(c.name, async () => {
        const name = `create-${i}`;
        const r = await kube.call('POST', SECRETS, {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name },
          ...c.body,
        });
        assert.equal(r.status, c.status, JSON.stringify(r.body));
        c.check(r.body);
        if (c.status === 201) {
          const stored = await kube.call('GET', `${SECRETS}/${name}`);
          assert.deepEqual(stored.body.data, r.body.data);
          assert.equal(stored.body.stringData, undefined);
        }
      });
    }
  });

  describe('update', () => {
    const cases: {
      name: string;
      initial: Json;
      patch: Json;
      status: number;
      message?: RegExp;
    }[] = [
      {
        name: 'the type cannot change',
        initial: { type: 'example.com/one', data: { a: b64('1') } },
        patch: { type: 'example.com/two' },
        status: 422,
        message: /is invalid: type: Invalid value: "example.com\/two": field is immutable$/,
      },
      {
        name: 'an immutable secret keeps its data',
        initial: { immutable: true, data: { a: b64('1') } },
        patch: { data: { a: b64('2') } },
        status: 422,
        message: /is invalid: data: Forbidden: field is immutable when `immutable` is set$/,
      },
      {
        name: 'an immutable secret stays immutable',
        initial: { immutable: true, data: { a: b64('1') } },
        patch: { immutable: false },
        status: 422,
        message: /is invalid: immutable: Forbidden: field is immutable when `immutable` is set$/,
      },
      {
        name: 'an immutable secret still takes metadata changes',
        initial: { immutable: true, data: { a: b64('1') } },
        patch: { metadata: { labels: { tier: 'gold' } } },
        status: 200,
      },
      {
        name: 'a patch with stringData is folded into data',
        initial: { data: { a: b64('1') } },
        patch: { stringData: { b: 'two' } },
        status: 200,
      },
    ];
    for (const [i, c] of cases.entries()) {
      it(c.name, async () => {
        const name = `update-${i}`;
        const created = await kube.call('POST', SECRETS, {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name },
          ...c.initial,
        });
        assert.equal(created.status, 201, JSON.stringify(created.body));
        const r = await kube.call('PATCH', `${SECRETS}/${name}`, c.patch, {
          'content-type': 'application/merge-patch+json',
        });
        assert.equal(r.status, c.status, JSON.stringify(r.body));
        if (c.message !== undefined) assert.match(r.body.message, c.message);
        const stored = (await kube.call('GET', `${SECRETS}/${name}`)).body;
        if (c.status !== 200) {
          assert.deepEqual(stored, created.body, 'a rejected update changes nothing');
        } else if (c.patch.stringData !== undefined) {
          assert.deepEqual(stored.data, { a: b64('1'), b: b64('two') });
          assert.equal(stored.stringData, undefined);
        } else {
          assert.deepEqual(stored.metadata.labels, { tier: 'gold' });
        }
      });
    }
  });

  it('is selectable by type', async () => {
    await kube.call('POST', SECRETS, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'typed' },
      type: 'example.com/selectable',
    });
    const r = await kube.call('GET', `${SECRETS}?fieldSelector=type%3Dexample.com%2Fselectable`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(
      r.body.items.map((s: Json) => s.metadata.name),
      ['typed'],
    );
  });
});
