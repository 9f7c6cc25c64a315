import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { coreV1Protobuf } from '../src/core/index.js';
import { startMiniKube, TEST_TOKEN } from './helpers.js';
import type { Json, TestMiniKube } from './helpers.js';

const PROTOBUF = 'application/vnd.kubernetes.protobuf';

function hex(text: string): Uint8Array {
  return Buffer.from(text.replace(/\s+/g, ''), 'hex');
}

/** Request bodies kubectl 1.32 sent, byte for byte (shared/PROTOBUF.md, "Envelope" and the namespace note). */
const KUBECTL_BODIES: {
  name: string;
  path: string;
  bytes: Uint8Array;
  check: (body: Json) => void;
}[] = [
  {
    name: 'create secret generic s --from-literal=k=v',
    path: '/api/v1/namespaces/default/secrets',
    bytes: hex(`6b387300 0a0c 0a027631 1206536563726574
      121d 0a11 0a0173 1200 1a00 2200 2a00 3200 3800 4200 1206 0a016b 120176 1a00
      1a00 2200`),
    check: (b) => {
      assert.equal(b.metadata.name, 's');
      assert.deepEqual(b.data, { k: Buffer.from('v').toString('base64') });
      assert.equal(b.type, 'Opaque');
    },
  },
  {
    name: 'create namespace n',
    path: '/api/v1/namespaces',
    bytes: hex(`6b387300 0a0f 0a027631 1209 4e616d657370616365
      1219 0a11 0a016e 1200 1a00 2200 2a00 3200 3800 4200 1200 1a02 0a00
      1a00 2200`),
    check: (b) => {
      assert.equal(b.metadata.name, 'n');
      assert.equal(b.status.phase, 'Active');
      assert.deepEqual(b.spec.finalizers, ['kubernetes']);
    },
  },
];

describe('protobuf', () => {
  let kube: TestMiniKube;
  const registry = coreV1Protobuf();
  before(async () => {
    kube = await startMiniKube();
  });
  after(async () => {
    await kube.close();
  });

  for (const c of KUBECTL_BODIES) {
    it(`accepts kubectl 1.32's body for: ${c.name}`, async () => {
      const r = await kube.call(
        'POST',
        `${c.path}?fieldManager=kubectl-create&fieldValidation=Strict`,
        c.bytes,
        {
          'content-type': PROTOBUF,
        },
      );
      assert.equal(r.status, 201, JSON.stringify(r.body));
      c.check(r.body);
    });
  }

  const objects: { name: string; path: string; object: Json }[] = [
    {
      name: 'ConfigMap',
      path: '/api/v1/namespaces/default/configmaps',
      object: {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'pb', labels: { a: 'b' } },
        data: { text: 'hello' },
        binaryData: { bin: Buffer.from([0, 1, 255]).toString('base64') },
        immutable: false,
      },
    },
    {
      name: 'ServiceAccount',
      path: '/api/v1/namespaces/default/serviceaccounts',
      object: {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { name: 'pb' },
        secrets: [{ name: 'one' }],
        imagePullSecrets: [{ name: 'registry' }],
        automountServiceAccountToken: false,
      },
    },
    {
      name: 'Event',
      path: '/api/v1/namespaces/default/events',
      object: {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name: 'pb' },
        involvedObject: { kind: 'ConfigMap', name: 'pb', namespace: 'default', uid: 'u-1' },
        reason: 'Seen',
        message: 'twice',
        source: { component: 'test' },
        firstTimestamp: '2024-01-02T03:04:05Z',
        lastTimestamp: '2024-01-02T03:05:05Z',
        count: 2,
        type: 'Normal',
        eventTime: null,
        reportingComponent: '',
        reportingInstance: '',
      },
    },
  ];
  for (const c of objects) {
    it(`round-trips a ${c.name}: written in protobuf, read back in protobuf and JSON alike`, async () => {
      const body = await registry.encode(c.object);
      const created = await kube.call('POST', c.path, body, { 'content-type': PROTOBUF });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const path = `${c.path}/${c.object.metadata.name}`;
      const json = (await kube.call('GET', path)).body;
      for (const [field, value] of Object.entries(c.object)) {
        if (field !== 'metadata') assert.deepEqual(json[field], value, field);
      }
      const raw = await fetch(kube.url + path, {
        headers: {
          authorization: `Bearer ${TEST_TOKEN}`,
          accept: `${PROTOBUF},application/json`,
        },
      });
      assert.equal(raw.headers.get('content-type'), PROTOBUF);
      const decoded = await registry.decode(new Uint8Array(await raw.arrayBuffer()));
      assert.deepEqual(decoded, json);
    });
  }

  it('lists come back in protobuf too', async () => {
    const raw = await fetch(`${kube.url}/api/v1/namespaces`, {
      headers: { authorization: `Bearer ${TEST_TOKEN}`, accept: PROTOBUF },
    });
    assert.equal(raw.status, 200);
    const list = await registry.decode(new Uint8Array(await raw.arrayBuffer()));
    assert.equal(list.kind, 'NamespaceList');
    assert.ok((list.items as Json[]).some((ns) => ns.metadata.name === 'default'));
  });
});
