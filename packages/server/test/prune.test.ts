import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { pruneUnknownFields } from '../src/endpoints/prune.js';

const schema = {
  type: 'object',
  properties: {
    apiVersion: { type: 'string' },
    kind: { type: 'string' },
    metadata: { type: 'object' },
    data: { type: 'object', additionalProperties: { type: 'string' } },
    spec: { $ref: '#/definitions/Spec' },
    raw: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
  },
  definitions: {
    Spec: {
      type: 'object',
      properties: {
        replicas: { type: 'integer' },
        containers: {
          type: 'array',
          items: { type: 'object', properties: { name: { type: 'string' } } },
        },
        port: { 'x-kubernetes-int-or-string': true },
      },
    },
  },
};

describe('pruneUnknownFields', () => {
  it('drops and reports undeclared fields with kube paths', () => {
    const obj: Record<string, unknown> = {
      apiVersion: 'v1',
      kind: 'Thing',
      metadata: { name: 'a', labels: { x: 'y' }, bogus: 1 },
      data: { anything: 'goes' },
      spec: {
        replicas: 1,
        extra: true,
        containers: [{ name: 'c', image: 'nope' }],
        port: { any: 1 },
      },
      raw: { free: { form: 1 } },
      topLevel: 'x',
    };
    const unknown = pruneUnknownFields(obj, schema);
    assert.deepEqual(unknown.sort(), [
      'metadata.bogus',
      'spec.containers[0].image',
      'spec.extra',
      'topLevel',
    ]);
    assert.deepEqual(obj, {
      apiVersion: 'v1',
      kind: 'Thing',
      metadata: { name: 'a', labels: { x: 'y' } },
      data: { anything: 'goes' },
      spec: { replicas: 1, containers: [{ name: 'c' }], port: { any: 1 } },
      raw: { free: { form: 1 } },
    });
  });

  it('leaves objects alone when the schema says nothing about them', () => {
    const obj = { apiVersion: 'v1', kind: 'X', anything: { goes: true } };
    assert.deepEqual(pruneUnknownFields(obj, {}), []);
    assert.deepEqual(obj, { apiVersion: 'v1', kind: 'X', anything: { goes: true } });
  });
});
