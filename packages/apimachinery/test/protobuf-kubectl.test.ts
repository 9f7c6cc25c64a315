import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { StatusError, parseApiVersion } from '../src/index.js';
import { testRegistry } from './fixtures/protobuf/kinds.js';

// Bodies recorded from real kubectl (see fixtures/protobuf/README.md): 1.32 sends protobuf, 1.31
// sends JSON for the same command line, both from the same Go struct.
const fixtureDir = new URL('./fixtures/protobuf/', import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('manifest.json', fixtureDir), 'utf8')) as {
  requests: { name: string; command: string; path: string }[];
};

function protobufBody(name: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(`kubectl-1.32/${name}.pb`, fixtureDir)));
}

function jsonBody(name: string): Record<string, unknown> {
  return JSON.parse(
    readFileSync(new URL(`kubectl-1.31/${name}.json`, fixtureDir), 'utf8'),
  ) as Record<string, unknown>;
}

/** The kind an endpoint expects, from the request path (`/api/v1/namespaces/default/configmaps`). */
const RESOURCE_KINDS: Record<string, string> = {
  configmaps: 'ConfigMap',
  secrets: 'Secret',
  namespaces: 'Namespace',
  selfsubjectaccessreviews: 'SelfSubjectAccessReview',
  poddisruptionbudgets: 'PodDisruptionBudget',
  resourcequotas: 'ResourceQuota',
};

function endpointKind(path: string): { apiVersion: string; kind: string } {
  const parts = path.split('/').filter((p) => p !== '');
  const apiVersion = parts[0] === 'api' ? parts[1]! : `${parts[1]!}/${parts[2]!}`;
  parseApiVersion(apiVersion);
  return { apiVersion, kind: RESOURCE_KINDS[parts.at(-1)!]! };
}

describe('kubectl 1.32 protobuf request bodies', () => {
  const registry = testRegistry();

  for (const { name, command, path } of manifest.requests) {
    it(`decodes "kubectl ${command}" to exactly what kubectl 1.31 sends as JSON`, async () => {
      const decoded = await registry.decode(protobufBody(name), { expected: endpointKind(path) });
      assert.deepEqual(decoded, jsonBody(name));
    });

    it(`re-encodes "kubectl ${command}" to kubectl's bytes`, async () => {
      const body = protobufBody(name);
      assert.deepEqual(await registry.encode(await registry.decode(body)), body);
    });
  }

  it('create configmap: name, no namespace, data, creationTimestamp null', async () => {
    const cm = await registry.decode(protobufBody('configmap-literals'));
    assert.deepEqual(cm, {
      kind: 'ConfigMap',
      apiVersion: 'v1',
      metadata: { name: 'x', creationTimestamp: null },
      data: { a: 'b', c: 'd' },
    });
  });

  it('create configmap --from-file: binaryData in base64 and the last-applied annotation', async () => {
    const cm = await registry.decode(protobufBody('configmap-files-save-config'));
    assert.deepEqual(cm.binaryData, { 'bin.dat': Buffer.from([0, 1, 255]).toString('base64') });
    assert.deepEqual(cm.data, { a: 'b', 'afile.txt': 'hello-from-file\n' });
    const lastApplied =
      cm.metadata?.annotations?.['kubectl.kubernetes.io/last-applied-configuration'];
    assert.equal(typeof lastApplied, 'string');
    assert.deepEqual((JSON.parse(lastApplied!) as { binaryData: unknown }).binaryData, {
      'bin.dat': 'AAH/',
    });
  });

  it('create secret: raw bytes become base64 and the empty type is dropped', async () => {
    const secret = await registry.decode(protobufBody('secret-generic'));
    assert.deepEqual(secret.data, { 'bin.dat': 'AAH/', k: Buffer.from('v').toString('base64') });
    assert.equal('type' in secret, false);
  });

  it('auth can-i: the status allowed=false stays (no omitempty), the empty strings go', async () => {
    const review = await registry.decode(protobufBody('ssar-resource'));
    assert.deepEqual(review.status, { allowed: false });
    assert.deepEqual(review.spec, {
      resourceAttributes: { namespace: 'default', verb: 'create', resource: 'configmaps' },
    });
  });

  it('create pdb: IntOrString and LabelSelector', async () => {
    const pdb = await registry.decode(protobufBody('pdb-max-unavailable'));
    assert.deepEqual(pdb.spec, {
      selector: {
        matchLabels: { app: 'demo' },
        matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['x', 'y'] }],
      },
      maxUnavailable: '50%',
    });
    const minAvailable = await registry.decode(protobufBody('pdb-min-available'));
    assert.equal((minAvailable.spec as { minAvailable: unknown }).minAvailable, 2);
  });

  it('rejects a body posted to the wrong endpoint with 400', async () => {
    await assert.rejects(
      registry.decode(protobufBody('secret-generic'), {
        expected: { apiVersion: 'v1', kind: 'ConfigMap' },
      }),
      (err: unknown) =>
        err instanceof StatusError &&
        err.code === 400 &&
        err.status.message ===
          'the kind in the data (Secret) does not match the expected kind (ConfigMap)',
    );
  });

  it('rejects every truncation of a real body with 400, never a crash', async () => {
    const body = protobufBody('configmap-files-save-config');
    for (let end = 0; end < body.length; end++) {
      try {
        await registry.decode(body.subarray(0, end));
      } catch (err) {
        assert.ok(err instanceof StatusError && err.code === 400, `at ${end}: ${String(err)}`);
      }
    }
  });
});
