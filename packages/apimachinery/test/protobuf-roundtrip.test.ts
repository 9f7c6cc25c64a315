import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  KUBERNETES_PROTOBUF_DESCRIPTORS,
  decodeProtobufEnvelope,
  protoMessage,
  type KubeObject,
} from '../src/index.js';
import { testRegistry } from './fixtures/protobuf/kinds.js';

const registry = testRegistry();
const RUNS = 150;

// --- building blocks. `tidy` generators give Go-canonical JSON (omitempty fields absent rather than
// empty); `messy` ones also give zero values, empty maps and nulls.

const text = fc.string({ minLength: 1, maxLength: 10, unit: 'grapheme' });
const anyText = fc.string({ maxLength: 10, unit: 'grapheme' });
const mapKey = fc.oneof(anyText, fc.constantFrom('9', '10', 'a.b/c', 'é', '__proto__'));
const base64 = fc.uint8Array({ maxLength: 12 }).map((b) => Buffer.from(b).toString('base64'));
const int53 = fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER });
// whole seconds between year 0001 (after Go's zero time) and 9999, as RFC 3339
const time = fc
  .integer({ min: -62135596799, max: 253402300799 })
  .map((s) => `${new Date(s * 1000).toISOString().slice(0, 19)}Z`);

/** As the object would arrive: plain JSON (fast-check builds null-prototype objects). */
function asJSON(object: Record<string, unknown>): KubeObject {
  return JSON.parse(JSON.stringify(object)) as KubeObject;
}

function dict<T>(value: fc.Arbitrary<T>, tidy: boolean): fc.Arbitrary<Record<string, T>> {
  return fc.dictionary(mapKey, value, { minKeys: tidy ? 1 : 0, maxKeys: 4 });
}

function list<T>(value: fc.Arbitrary<T>, tidy: boolean): fc.Arbitrary<T[]> {
  return fc.array(value, { minLength: tidy ? 1 : 0, maxLength: 3 });
}

function optional<T extends Record<string, unknown>>(fields: {
  [K in keyof T]: fc.Arbitrary<T[K]>;
}): fc.Arbitrary<Partial<T>> {
  return fc.record(fields, { requiredKeys: [] }) as fc.Arbitrary<Partial<T>>;
}

function objectMeta(tidy: boolean) {
  const s = tidy ? text : anyText;
  const ownerReference = fc.record(
    {
      apiVersion: anyText,
      kind: anyText,
      name: anyText,
      uid: anyText,
      controller: fc.boolean(),
      blockOwnerDeletion: fc.boolean(),
    },
    { requiredKeys: ['apiVersion', 'kind', 'name', 'uid'] },
  );
  const fieldSet = fc.dictionary(
    text.map((k) => `f:${k}`),
    fc.dictionary(
      text.map((k) => `k:${k}`),
      fc.constant({}),
      { maxKeys: 2 },
    ),
    { maxKeys: 3 },
  );
  const managedFieldsEntry = optional({
    manager: s,
    operation: fc.constantFrom('Apply', 'Update'),
    apiVersion: s,
    time,
    fieldsType: fc.constant('FieldsV1'),
    fieldsV1: fieldSet,
    subresource: s,
  });
  return optional({
    name: s,
    generateName: s,
    namespace: s,
    selfLink: s,
    uid: s,
    resourceVersion: s,
    generation: tidy ? int53.filter((n) => n !== 0) : int53,
    creationTimestamp: fc.option(time, { nil: null }),
    deletionTimestamp: tidy ? time : fc.option(time, { nil: null }),
    deletionGracePeriodSeconds: int53,
    labels: dict(anyText, tidy),
    annotations: dict(anyText, tidy),
    ownerReferences: list(ownerReference, tidy),
    finalizers: list(anyText, tidy),
    managedFields: list(managedFieldsEntry, tidy),
  });
}

function configMap(tidy: boolean) {
  return optional({
    metadata: objectMeta(tidy),
    immutable: fc.boolean(),
    data: dict(anyText, tidy),
    binaryData: dict(base64, tidy),
  }).map((o) => asJSON({ kind: 'ConfigMap', apiVersion: 'v1', ...o }));
}

function secret(tidy: boolean) {
  return optional({
    metadata: objectMeta(tidy),
    immutable: fc.boolean(),
    data: dict(base64, tidy),
    stringData: dict(anyText, tidy),
    type: tidy ? text : anyText,
  }).map((o) => asJSON({ kind: 'Secret', apiVersion: 'v1', ...o }));
}

function namespace(tidy: boolean) {
  const s = tidy ? text : anyText;
  const condition = fc.record(
    {
      type: anyText,
      status: anyText,
      lastTransitionTime: fc.option(time, { nil: null }),
      reason: s,
      message: s,
    },
    { requiredKeys: ['type', 'status'] },
  );
  return optional({
    metadata: objectMeta(tidy),
    spec: optional({ finalizers: list(anyText, tidy) }),
    status: optional({ phase: s, conditions: list(condition, tidy) }),
  }).map((o) => asJSON({ kind: 'Namespace', apiVersion: 'v1', ...o }));
}

function selfSubjectAccessReview(tidy: boolean) {
  const s = tidy ? text : anyText;
  const requirement = fc.record(
    {
      key: anyText,
      operator: fc.constantFrom('In', 'NotIn', 'Exists'),
      values: list(anyText, tidy),
    },
    { requiredKeys: ['key', 'operator'] },
  );
  const selector = optional({ rawSelector: s, requirements: list(requirement, tidy) });
  return optional({
    metadata: objectMeta(tidy),
    spec: optional({
      resourceAttributes: optional({
        namespace: s,
        verb: s,
        group: s,
        version: s,
        resource: s,
        subresource: s,
        name: s,
        fieldSelector: selector,
        labelSelector: selector,
      }),
      nonResourceAttributes: optional({ path: s, verb: s }),
    }),
    status: fc.record(
      {
        allowed: fc.boolean(),
        denied: tidy ? fc.constant(true) : fc.boolean(),
        reason: s,
        evaluationError: s,
      },
      { requiredKeys: ['allowed'] },
    ),
  }).map((o) =>
    asJSON({ kind: 'SelfSubjectAccessReview', apiVersion: 'authorization.k8s.io/v1', ...o }),
  );
}

const kinds = [
  { name: 'ConfigMap', arb: configMap },
  { name: 'Secret', arb: secret },
  { name: 'Namespace', arb: namespace },
  { name: 'SelfSubjectAccessReview', arb: selfSubjectAccessReview },
];

describe('protobuf round trips', () => {
  for (const { name, arb } of kinds) {
    it(`${name}: JSON → protobuf → JSON gives back a canonical object`, async () => {
      await fc.assert(
        fc.asyncProperty(arb(true), async (object) => {
          assert.deepEqual(await registry.decode(await registry.encode(object)), object);
        }),
        { numRuns: RUNS },
      );
    });

    it(`${name}: any object encodes like its decoded (canonical) form, which is stable`, async () => {
      await fc.assert(
        fc.asyncProperty(arb(false), async (object) => {
          const bytes = await registry.encode(object);
          const canonical = await registry.decode(bytes);
          assert.deepEqual(await registry.encode(canonical), bytes);
          assert.deepEqual(await registry.decode(await registry.encode(canonical)), canonical);
        }),
        { numRuns: RUNS },
      );
    });
  }

  it('ConfigMap bytes read the same with protobufjs’s own decoder', async () => {
    const pb = (await import('protobufjs')).default;
    const root = new pb.Root();
    root.addJSON(KUBERNETES_PROTOBUF_DESCRIPTORS.nested ?? {});
    root.addJSON(
      protoMessage('k8s.io.api.core.v1.ConfigMap', {
        metadata: [1, 'ObjectMeta'],
        immutable: [4, '*bool'],
        data: [2, 'map<string,string>'],
        binaryData: [3, 'map<string,bytes>'],
      }).nested ?? {},
    );
    root.resolveAll();
    const type = root.lookupType('k8s.io.api.core.v1.ConfigMap');
    await fc.assert(
      fc.asyncProperty(configMap(true), async (object) => {
        const { raw } = decodeProtobufEnvelope(await registry.encode(object));
        const read = type.toObject(type.decode(raw), { bytes: String, longs: Number }) as {
          data?: Record<string, string>;
          binaryData?: Record<string, string>;
          immutable?: boolean;
          metadata?: { name?: string; labels?: Record<string, string>; finalizers?: string[] };
        };
        assert.deepEqual(read.data ?? {}, object.data ?? {});
        assert.deepEqual(read.binaryData ?? {}, object.binaryData ?? {});
        // protobufjs treats these JSON descriptors as proto3 (no presence), so compare values only
        assert.equal(read.immutable ?? false, object.immutable ?? false);
        const meta = object.metadata ?? {};
        assert.equal(read.metadata?.name || undefined, meta.name);
        assert.deepEqual(read.metadata?.labels ?? {}, meta.labels ?? {});
        assert.deepEqual(read.metadata?.finalizers ?? [], meta.finalizers ?? []);
      }),
      { numRuns: RUNS },
    );
  });
});
