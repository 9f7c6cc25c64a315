// The merge schema compiled from OpenAPI (B1.1, B1.2, A2).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  compileMergeSchema,
  DEDUCED,
  UNTYPED_ATOMIC,
  type MergeNode,
  type SchemaObject,
} from '../src/patch/index.js';
import { gizmo, widget } from './fixtures/patch/schemas.js';

function at(node: MergeNode, ...path: string[]): MergeNode {
  let cur = node;
  for (const p of path) {
    const next = p === '[]' ? cur.list?.element : (cur.map?.fields.get(p) ?? cur.map?.element);
    assert.ok(next !== undefined, `no node at ${path.join('.')}`);
    cur = next;
  }
  return cur;
}

function field(schema: SchemaObject): MergeNode {
  return at(compileMergeSchema({ type: 'object', properties: { f: schema } }).root, 'f');
}

describe('compileMergeSchema: B1.1 mapping', () => {
  const scalars: { name: string; schema: SchemaObject; scalar: string }[] = [
    { name: 'integer', schema: { type: 'integer' }, scalar: 'numeric' },
    { name: 'number', schema: { type: 'number' }, scalar: 'numeric' },
    { name: 'string', schema: { type: 'string' }, scalar: 'string' },
    { name: 'string/byte', schema: { type: 'string', format: 'byte' }, scalar: 'string' },
    {
      name: 'int-or-string',
      schema: { type: 'string', format: 'int-or-string' },
      scalar: 'untyped',
    },
    { name: 'date-time', schema: { type: 'string', format: 'date-time' }, scalar: 'untyped' },
    { name: 'boolean', schema: { type: 'boolean' }, scalar: 'boolean' },
  ];
  for (const tc of scalars) {
    it(`${tc.name} is a ${tc.scalar} scalar`, () => {
      const node = field(tc.schema);
      assert.equal(node.scalar, tc.scalar);
      assert.equal(node.list, undefined);
      assert.equal(node.map, undefined);
    });
  }

  const lists: { name: string; schema: SchemaObject; relationship: string; keys: string[] }[] = [
    { name: 'no annotation: atomic', schema: {}, relationship: 'atomic', keys: [] },
    {
      name: 'list-type atomic',
      schema: { 'x-kubernetes-list-type': 'atomic' },
      relationship: 'atomic',
      keys: [],
    },
    {
      name: 'list-type set',
      schema: { 'x-kubernetes-list-type': 'set' },
      relationship: 'associative',
      keys: [],
    },
    {
      name: 'list-type map',
      schema: {
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['port', 'protocol'],
      },
      relationship: 'associative',
      keys: ['port', 'protocol'],
    },
    {
      name: 'patch strategy merge with a key: list map',
      schema: { 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-patch-merge-key': 'name' },
      relationship: 'associative',
      keys: ['name'],
    },
    {
      name: 'patch strategy merge,retainKeys with a key',
      schema: {
        'x-kubernetes-patch-strategy': 'merge,retainKeys',
        'x-kubernetes-patch-merge-key': 'name',
      },
      relationship: 'associative',
      keys: ['name'],
    },
    {
      name: 'patch strategy merge without a key: set',
      schema: { 'x-kubernetes-patch-strategy': 'merge' },
      relationship: 'associative',
      keys: [],
    },
    {
      name: 'patch strategy retainKeys alone: atomic',
      schema: { 'x-kubernetes-patch-strategy': 'retainKeys' },
      relationship: 'atomic',
      keys: [],
    },
    {
      name: 'list-type wins over the patch strategy',
      schema: { 'x-kubernetes-list-type': 'atomic', 'x-kubernetes-patch-strategy': 'merge' },
      relationship: 'atomic',
      keys: [],
    },
  ];
  for (const tc of lists) {
    it(`lists: ${tc.name}`, () => {
      const node = field({ type: 'array', items: { type: 'object' }, ...tc.schema });
      assert.equal(node.list?.relationship, tc.relationship);
      assert.deepEqual(node.list.keys, tc.keys);
    });
  }

  it('an array without items has untyped atomic elements', () => {
    assert.equal(field({ type: 'array' }).list?.element, UNTYPED_ATOMIC);
  });

  it('objects: properties are fields, undeclared keys are not allowed', () => {
    const node = field({ type: 'object', properties: { a: { type: 'string' } } });
    assert.equal(node.map?.relationship, 'granular');
    assert.deepEqual([...node.map.fields.keys()], ['a']);
    assert.equal(node.map.element, undefined);
  });

  it('objects: additionalProperties types every key', () => {
    assert.equal(
      field({ type: 'object', additionalProperties: { type: 'string' } }).map?.element?.scalar,
      'string',
    );
  });

  it('objects: free-form, additionalProperties: true and preserve-unknown are deduced', () => {
    assert.equal(field({ type: 'object' }).map?.element, DEDUCED);
    assert.equal(
      field({ type: 'object', properties: { a: {} }, additionalProperties: true }).map?.element,
      DEDUCED,
    );
    const preserved = field({
      type: 'object',
      'x-kubernetes-preserve-unknown-fields': true,
      properties: { inner: { type: 'object', properties: { x: { type: 'string' } } } },
    });
    assert.equal(preserved.map?.element, DEDUCED);
    assert.equal(at(preserved, 'inner').map?.element, DEDUCED, 'inherited by inline descendants');
  });

  it('objects: map-type atomic and granular', () => {
    assert.equal(
      field({ type: 'object', 'x-kubernetes-map-type': 'atomic' }).map?.relationship,
      'atomic',
    );
    assert.equal(
      field({ type: 'object', 'x-kubernetes-map-type': 'granular' }).map?.relationship,
      'granular',
    );
  });

  it('no type: untyped scalar, atomic list or map', () => {
    const node = field({});
    assert.equal(node.scalar, 'untyped');
    assert.equal(node.list?.relationship, 'atomic');
    assert.equal(node.map?.relationship, 'granular');
    assert.equal(node.deduced, true);
  });

  it('$ref with a map-type override next to it', () => {
    const schema = compileMergeSchema(
      {
        type: 'object',
        properties: {
          plain: { $ref: '#/definitions/M' },
          atomic: { $ref: '#/definitions/M', 'x-kubernetes-map-type': 'atomic' },
          wrapped: {
            allOf: [{ $ref: '#/definitions/M' }],
            'x-kubernetes-patch-strategy': 'retainKeys',
          },
        },
      },
      { definitions: { M: { type: 'object', properties: { a: { type: 'string' } } } } },
    );
    assert.equal(at(schema.root, 'plain').map?.relationship, 'granular');
    assert.equal(at(schema.root, 'atomic').map?.relationship, 'atomic');
    assert.equal(at(schema.root, 'wrapped').retainKeys, true);
    assert.deepEqual([...(at(schema.root, 'wrapped').map?.fields.keys() ?? [])], ['a']);
  });

  it('recursive types compile to a cycle', () => {
    const schema = compileMergeSchema({
      type: 'object',
      properties: { tree: { $ref: '#/definitions/Node' } },
      definitions: {
        Node: {
          type: 'object',
          properties: { children: { type: 'array', items: { $ref: '#/definitions/Node' } } },
        },
      },
    });
    const node = at(schema.root, 'tree');
    assert.equal(at(node, 'children', '[]'), node);
  });

  it('the SMP fixture: strategies, merge keys and OpenAPI types (A2, A4)', () => {
    assert.equal(at(gizmo.root, 'spec', 'tags').patchStrategy, 'merge');
    assert.equal(at(gizmo.root, 'spec', 'args').patchStrategy, '');
    assert.equal(at(gizmo.root, 'spec', 'containers').patchMergeKey, 'name');
    assert.equal(
      at(gizmo.root, 'spec', 'containers', '[]', 'ports').patchMergeKey,
      'containerPort',
    );
    assert.equal(at(gizmo.root, 'spec', 'volumes').retainKeys, true);
    assert.equal(at(gizmo.root, 'spec', 'volumes').patchStrategy, 'merge');
    assert.equal(at(gizmo.root, 'spec', 'strategy').retainKeys, true);
    assert.equal(at(gizmo.root, 'spec', 'nodeSelector').patchStrategy, 'replace');
    assert.equal(at(gizmo.root, 'spec', 'items', '[]').openAPIType, 'object');
  });

  it('the SSA fixture: defaults of list-map keys are kept (B1.3)', () => {
    assert.equal(at(widget.root, 'spec', 'ports', '[]', 'protocol').default, 'TCP');
    assert.deepEqual(at(widget.root, 'spec', 'ports').list?.keys, ['port', 'protocol']);
  });
});

describe('compileMergeSchema: standard metadata (B1.2, A2)', () => {
  const meta = at(widget.root, 'metadata');
  it('labels and annotations are granular maps of string', () => {
    for (const name of ['labels', 'annotations']) {
      const node = at(meta, name);
      assert.equal(node.map?.relationship, 'granular');
      assert.equal(node.map.element?.scalar, 'string');
    }
  });
  it('finalizers are a merging set', () => {
    assert.equal(at(meta, 'finalizers').list?.relationship, 'associative');
    assert.deepEqual(at(meta, 'finalizers').list?.keys, []);
    assert.equal(at(meta, 'finalizers').patchStrategy, 'merge');
  });
  it('ownerReferences are keyed by uid', () => {
    assert.deepEqual(at(meta, 'ownerReferences').list?.keys, ['uid']);
    assert.equal(at(meta, 'ownerReferences').patchMergeKey, 'uid');
  });
  it('managedFields are atomic and replaced by SMP', () => {
    assert.equal(at(meta, 'managedFields').list?.relationship, 'atomic');
    assert.equal(at(meta, 'managedFields').patchStrategy, '');
  });
  it('can be turned off', () => {
    const schema = compileMergeSchema(
      { type: 'object', properties: { metadata: { type: 'object' } } },
      { standardObjectMeta: false },
    );
    assert.equal(at(schema.root, 'metadata').map?.element, DEDUCED);
  });
});

describe('compileMergeSchema: schemas it rejects', () => {
  const cases: { name: string; schema: SchemaObject; message: RegExp | string }[] = [
    {
      name: 'an unknown list type',
      schema: { type: 'array', 'x-kubernetes-list-type': 'bag' },
      message: /unknown list type "bag"/,
    },
    {
      name: 'a list map without keys',
      schema: { type: 'array', 'x-kubernetes-list-type': 'map' },
      message: /missing map keys/,
    },
    {
      name: 'an unknown patch strategy on a list',
      schema: { type: 'array', 'x-kubernetes-patch-strategy': 'frob' },
      message: /unknown patch strategy "frob"/,
    },
    {
      name: 'three patch strategies',
      schema: { type: 'object', 'x-kubernetes-patch-strategy': 'merge,replace,retainKeys' },
      message: 'unexpected patch strategy: [merge replace retainKeys]',
    },
    {
      name: 'two strategies without retainKeys',
      schema: { type: 'object', 'x-kubernetes-patch-strategy': 'merge,replace' },
      message: 'unexpected patch strategy: [merge replace]',
    },
    {
      name: 'an unknown map type',
      schema: { type: 'object', 'x-kubernetes-map-type': 'bag' },
      message: /unknown map type "bag"/,
    },
    {
      name: 'an unresolvable $ref',
      schema: { $ref: '#/definitions/Nope' },
      message: /unable to resolve #\/definitions\/Nope/,
    },
    { name: 'an unknown type', schema: { type: 'file' }, message: /unrecognized type: 'file'/ },
  ];
  for (const tc of cases) {
    it(tc.name, () => {
      const compile = () => compileMergeSchema({ type: 'object', properties: { f: tc.schema } });
      if (typeof tc.message === 'string') assert.throws(compile, { message: tc.message });
      else assert.throws(compile, tc.message);
    });
  }
});
