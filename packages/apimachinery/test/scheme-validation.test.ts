import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  fieldErrorString,
  invalid,
  isNotRegisteredError,
  Scheme,
  StatusError,
  type GroupVersionKind,
  type JsonSchema,
  type KubeObject,
} from '../src/index.js';

const GROUP = 'validation.example.com';
const gvk: GroupVersionKind = { group: GROUP, version: 'v1', kind: 'Widget' };

// an OpenAPI v3.0 structural-style schema, as a CRD would carry it
const widgetSchema: JsonSchema = {
  type: 'object',
  required: ['spec'],
  additionalProperties: false,
  properties: {
    apiVersion: { type: 'string' },
    kind: { type: 'string' },
    metadata: { type: 'object' },
    spec: {
      type: 'object',
      required: ['reference'],
      additionalProperties: false,
      properties: {
        reference: { type: 'string', minLength: 1, maxLength: 20, pattern: '^[a-z-]+$' },
        referenceType: { type: 'string', enum: ['Flunder', 'Fischer'] },
        replicas: { type: 'integer', format: 'int32', minimum: 1, maximum: 10 },
        color: { type: 'string', nullable: true },
        ports: {
          type: 'array',
          maxItems: 2,
          items: {
            type: 'object',
            required: ['name'],
            properties: {
              name: { type: 'string', pattern: '^[a-z]+$' },
              port: { type: 'integer', minimum: 1, maximum: 65536, exclusiveMaximum: true },
            },
          },
        },
        started: { type: 'string', format: 'date-time' },
        size: { 'x-kubernetes-int-or-string': true },
        threshold: { type: 'number', minimum: 0, exclusiveMinimum: true },
        labels: { type: 'object', maxProperties: 2, additionalProperties: { type: 'string' } },
        tags: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string' } },
        mode: {
          anyOf: [
            { type: 'string', enum: ['auto'] },
            { type: 'integer', minimum: 0 },
          ],
        },
        host: { type: 'string', format: 'ipv4' },
      },
    },
  },
};

function scheme(schema: JsonSchema = widgetSchema): Scheme {
  return new Scheme({ name: 'test' }).addGroup({
    group: GROUP,
    versions: ['v1', 'v1beta1'],
    kinds: [
      {
        kind: 'Widget',
        plural: 'widgets',
        namespaced: true,
        versions: { v1: { schema }, v1beta1: {} },
      },
    ],
  });
}

function widget(
  spec: Record<string, unknown> | undefined,
  extra: Record<string, unknown> = {},
): KubeObject {
  const obj: KubeObject = {
    apiVersion: `${GROUP}/v1`,
    kind: 'Widget',
    metadata: { name: 'w' },
    ...extra,
  };
  if (spec !== undefined) obj.spec = spec;
  return obj;
}

describe('Scheme.validateSchema', () => {
  const s = scheme();
  const cases: { name: string; obj: KubeObject; errors: string[] }[] = [
    {
      name: 'a valid object',
      obj: widget({
        reference: 'a-b',
        referenceType: 'Fischer',
        replicas: 3,
        color: null,
        ports: [{ name: 'http', port: 80 }],
        started: '2024-01-02T03:04:05Z',
        size: '10%',
        threshold: 0.5,
        labels: { a: 'b' },
        tags: ['x', 'y'],
        mode: 'auto',
        host: '10.0.0.1',
      }),
      errors: [],
    },
    {
      name: 'int-or-string takes an integer',
      obj: widget({ reference: 'a', size: 3 }),
      errors: [],
    },
    { name: 'a missing top-level field', obj: widget(undefined), errors: ['spec: Required value'] },
    {
      name: 'a missing nested field',
      obj: widget({ replicas: 2 }),
      errors: ['spec.reference: Required value'],
    },
    {
      name: 'below a minimum',
      obj: widget({ reference: 'a', replicas: 0 }),
      errors: [
        'spec.replicas: Invalid value: 0: spec.replicas in body should be greater than or equal to 1',
      ],
    },
    {
      name: 'above a maximum',
      obj: widget({ reference: 'a', replicas: 11 }),
      errors: [
        'spec.replicas: Invalid value: 11: spec.replicas in body should be less than or equal to 10',
      ],
    },
    {
      name: 'a string where an integer belongs',
      obj: widget({ reference: 'a', replicas: '3' }),
      errors: [
        'spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"',
      ],
    },
    {
      name: 'a fraction where an integer belongs',
      obj: widget({ reference: 'a', replicas: 1.5 }),
      errors: [
        'spec.replicas: Invalid value: "number": spec.replicas in body must be of type integer: "number"',
      ],
    },
    {
      name: 'null where no null is allowed',
      obj: widget({ reference: null }),
      errors: [
        'spec.reference: Invalid value: "null": spec.reference in body must be of type string: "null"',
      ],
    },
    {
      name: 'a value outside an enum',
      obj: widget({ reference: 'a', referenceType: 'Bogus' }),
      errors: [
        'spec.referenceType: Unsupported value: "Bogus": supported values: "Flunder", "Fischer"',
      ],
    },
    {
      name: 'a string too long',
      obj: widget({ reference: 'a'.repeat(21) }),
      errors: ['spec.reference: Too long: may not be more than 20 bytes'],
    },
    {
      name: 'an empty string, too short and off pattern',
      obj: widget({ reference: '' }),
      errors: [
        'spec.reference: Invalid value: "": spec.reference in body should be at least 1 chars long',
        'spec.reference: Invalid value: "": spec.reference in body should match \'^[a-z-]+$\'',
      ],
    },
    {
      name: 'a pattern failure in a list item',
      obj: widget({ reference: 'a', ports: [{ name: 'ok' }, { name: 'Bad' }] }),
      errors: [
        'spec.ports[1].name: Invalid value: "Bad": spec.ports[1].name in body should match \'^[a-z]+$\'',
      ],
    },
    {
      name: 'a missing field in a list item',
      obj: widget({ reference: 'a', ports: [{ port: 80 }] }),
      errors: ['spec.ports[0].name: Required value'],
    },
    {
      name: 'too many items',
      obj: widget({ reference: 'a', ports: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] }),
      errors: ['spec.ports: Too many: 3: must have at most 2 items'],
    },
    {
      name: 'too few items',
      obj: widget({ reference: 'a', tags: [] }),
      errors: ['spec.tags: Invalid value: 0: spec.tags in body should have at least 1 items'],
    },
    {
      name: 'a duplicate item',
      obj: widget({ reference: 'a', tags: ['a', 'b', 'a'] }),
      errors: ['spec.tags[2]: Duplicate value: "a"'],
    },
    {
      name: 'an OpenAPI boolean exclusiveMaximum',
      obj: widget({ reference: 'a', ports: [{ name: 'a', port: 65536 }] }),
      errors: [
        'spec.ports[0].port: Invalid value: 65536: spec.ports[0].port in body should be less than 65536',
      ],
    },
    {
      name: 'an OpenAPI boolean exclusiveMinimum',
      obj: widget({ reference: 'a', threshold: 0 }),
      errors: ['spec.threshold: Invalid value: 0: spec.threshold in body should be greater than 0'],
    },
    {
      name: 'neither integer nor string for int-or-string',
      obj: widget({ reference: 'a', size: true }),
      errors: [
        'spec.size: Invalid value: "boolean": spec.size in body must be of type integer,string: "boolean"',
      ],
    },
    {
      name: 'a bad date-time',
      obj: widget({ reference: 'a', started: 'yesterday' }),
      errors: [
        'spec.started: Invalid value: "yesterday": spec.started in body must be of type date-time: "yesterday"',
      ],
    },
    {
      name: 'a bad ipv4',
      obj: widget({ reference: 'a', host: '300.1.1.1' }),
      errors: [
        'spec.host: Invalid value: "300.1.1.1": spec.host in body must be of type ipv4: "300.1.1.1"',
      ],
    },
    {
      name: 'an unknown field',
      obj: widget({ reference: 'a', bogus: 1 }),
      errors: ['spec: Invalid value: "bogus": spec.bogus in body is a forbidden property'],
    },
    {
      name: 'an unknown field at the root',
      obj: widget({ reference: 'a' }, { extra: 1 }),
      errors: ['<nil>: Invalid value: "extra": .extra in body is a forbidden property'],
    },
    {
      name: 'too many properties',
      obj: widget({ reference: 'a', labels: { a: 'x', b: 'y', c: 'z' } }),
      errors: ['spec.labels: Too many: 3: must have at most 2 items'],
    },
    {
      name: 'a map value of the wrong type, key with a slash',
      obj: widget({ reference: 'a', labels: { 'x.io/a': 1 } }),
      errors: [
        'spec.labels.x.io/a: Invalid value: "integer": spec.labels.x.io/a in body must be of type string: "integer"',
      ],
    },
    {
      name: 'no anyOf alternative, reported once',
      obj: widget({ reference: 'a', mode: -1 }),
      errors: ['spec.mode: Invalid value: spec.mode must validate at least one schema (anyOf)'],
    },
    {
      name: 'several failures at once',
      obj: widget({ reference: 'A', replicas: 0, referenceType: 'x' }),
      errors: [
        'spec.reference: Invalid value: "A": spec.reference in body should match \'^[a-z-]+$\'',
        'spec.referenceType: Unsupported value: "x": supported values: "Flunder", "Fischer"',
        'spec.replicas: Invalid value: 0: spec.replicas in body should be greater than or equal to 1',
      ],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const errors = s.validateSchema(gvk, c.obj).map(fieldErrorString);
      assert.deepEqual([...errors].sort(), [...c.errors].sort());
    });
  }

  it('gives field errors that make a 422 with one cause per field', () => {
    const errors = s.validateSchema(gvk, widget({ replicas: 0 }));
    const err = invalid({ group: GROUP, kind: 'Widget' }, 'w', errors);
    assert.equal(err.code, 422);
    assert.deepEqual(err.status.details?.causes?.map((c) => [c.reason, c.field]).sort(), [
      ['FieldValueInvalid', 'spec.replicas'],
      ['FieldValueRequired', 'spec.reference'],
    ]);
  });

  it('passes anything at a version without a schema', () => {
    assert.deepEqual(s.validateSchema({ ...gvk, version: 'v1beta1' }, { spec: 42 }), []);
  });

  it('does not modify the object', () => {
    const obj = widget({ reference: 'A', ports: [{ port: 0 }] });
    const before = structuredClone(obj);
    s.validateSchema(gvk, obj);
    assert.deepEqual(obj, before);
  });

  it('compiles lazily: a broken schema registers, then fails with a 500 on use', () => {
    const malformed: [string, JsonSchema][] = [
      ['an unknown type', { type: 'object', properties: { a: { type: 'no-such-type' } } }],
      ['required as a string', { type: 'object', required: 'a' }],
      ['properties as a number', { type: 'object', properties: 5 }],
      ['minLength as a string', { type: 'string', minLength: 'x' }],
      ['enum as a number', { enum: 5 }],
    ];
    for (const [name, schema] of malformed) {
      const broken = scheme(schema);
      assert.throws(
        () => broken.validateSchema(gvk, widget({})),
        (err: unknown) =>
          err instanceof StatusError &&
          err.code === 500 &&
          err.message.includes(`the schema of ${GROUP}/v1, Kind=Widget does not compile`),
        name,
      );
    }
  });

  it('serves one schema object registered for two kinds', () => {
    const shared: JsonSchema = { $id: 'shared', type: 'object', required: ['spec'] };
    const twice = new Scheme().addGroup({
      group: GROUP,
      versions: ['v1'],
      kinds: [
        {
          kind: 'Widget',
          plural: 'widgets',
          namespaced: true,
          versions: { v1: { schema: shared } },
        },
        {
          kind: 'Gadget',
          plural: 'gadgets',
          namespaced: true,
          versions: { v1: { schema: shared } },
        },
      ],
    });
    for (const kind of ['Widget', 'Gadget']) {
      assert.deepEqual(twice.validateSchema({ ...gvk, kind }, {}).map(fieldErrorString), [
        'spec: Required value',
      ]);
    }
  });

  const unregistered: { name: string; gvk: GroupVersionKind; message: string }[] = [
    {
      name: 'an unknown kind',
      gvk: { ...gvk, kind: 'Gadget' },
      message: `no kind "Gadget" is registered for version "${GROUP}/v1" in scheme "test"`,
    },
    {
      name: 'an unknown version',
      gvk: { ...gvk, version: 'v2' },
      message: `no kind "Widget" is registered for version "${GROUP}/v2" in scheme "test"`,
    },
    {
      name: 'an unknown group',
      gvk: { group: 'nope.example.com', version: 'v1', kind: 'Widget' },
      message: 'no kind "Widget" is registered for version "nope.example.com/v1" in scheme "test"',
    },
  ];
  for (const c of unregistered) {
    it(`rejects ${c.name} with a 400`, () => {
      assert.throws(
        () => s.validateSchema(c.gvk, {}),
        (err: unknown) =>
          isNotRegisteredError(err) &&
          err.code === 400 &&
          err.reason === 'BadRequest' &&
          err.message === c.message,
      );
    });
  }
});
