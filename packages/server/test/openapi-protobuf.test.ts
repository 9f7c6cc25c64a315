import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildOpenAPIV2,
  decodeOpenAPIV2Protobuf,
  encodeOpenAPIV2Protobuf,
  type JsonObject,
  type SwaggerDocument,
} from '../src/openapi/index.js';
import { testGroups, testScheme, WARDLE } from './fixtures/openapi/scheme.js';

function document(): SwaggerDocument {
  const scheme = testScheme();
  return buildOpenAPIV2(scheme, testGroups(scheme));
}

/** A protobuf field as the wire has it: number, wire type, and the varint or the bytes. */
interface WireField {
  no: number;
  wt: number;
  varint?: bigint;
  bytes?: Uint8Array;
}

/** An independent, minimal protobuf wire reader, so field numbers are checked without the descriptor. */
function wireFields(buf: Uint8Array): WireField[] {
  const out: WireField[] = [];
  let i = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const b = buf[i++];
      assert.ok(b !== undefined, 'truncated varint');
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
    }
  };
  while (i < buf.length) {
    const key = Number(varint());
    const no = key >> 3;
    const wt = key & 7;
    if (wt === 0) out.push({ no, wt, varint: varint() });
    else if (wt === 2) {
      const len = Number(varint());
      out.push({ no, wt, bytes: buf.subarray(i, i + len) });
      i += len;
    } else if (wt === 1) {
      out.push({ no, wt, bytes: buf.subarray(i, i + 8) });
      i += 8;
    } else if (wt === 5) {
      out.push({ no, wt, bytes: buf.subarray(i, i + 4) });
      i += 4;
    } else assert.fail(`unexpected wire type ${wt}`);
  }
  return out;
}

const text = (b: Uint8Array | undefined): string => Buffer.from(b ?? []).toString('utf8');
const only = (fields: WireField[], no: number): WireField[] => fields.filter((f) => f.no === no);

describe('OpenAPI v2 protobuf', () => {
  it('round-trips the whole document through the gnostic message', async () => {
    const doc = document();
    const decoded = await decodeOpenAPIV2Protobuf(await encodeOpenAPIV2Protobuf(doc));
    assert.deepEqual(decoded, JSON.parse(JSON.stringify(doc)));
  });

  it('writes the Document fields under gnostic numbers', async () => {
    const bytes = await encodeOpenAPIV2Protobuf(document());
    const top = wireFields(bytes);
    assert.deepEqual([...new Set(top.map((f) => f.no))], [1, 2, 8, 9, 12, 13]);
    assert.equal(text(only(top, 1)[0]?.bytes), '2.0');
    // Info: title 1, version 2
    const info = wireFields(only(top, 2)[0]!.bytes!);
    assert.equal(text(only(info, 1)[0]?.bytes), 'Kubernetes');
  });

  it('writes each definition as a NamedSchema with its group-version-kind as a YAML vendor extension', async () => {
    const bytes = await encodeOpenAPIV2Protobuf(document());
    const definitions = wireFields(only(wireFields(bytes), 9)[0]!.bytes!);
    const named = only(definitions, 1).map((f) => wireFields(f.bytes!));
    const flunder = named.find(
      (n) => text(only(n, 1)[0]?.bytes) === 'com.example.wardle.v1alpha1.Flunder',
    );
    assert.ok(flunder !== undefined);
    const schema = wireFields(only(flunder, 2)[0]!.bytes!);
    // Schema.type (22) is a TypeItem whose value (1) is "object"
    assert.equal(text(only(wireFields(only(schema, 22)[0]!.bytes!), 1)[0]?.bytes), 'object');
    // Schema.properties (25) lists NamedSchema entries (1) by name
    const props = only(wireFields(only(schema, 25)[0]!.bytes!), 1).map((p) =>
      text(only(wireFields(p.bytes!), 1)[0]?.bytes),
    );
    assert.deepEqual(props, ['apiVersion', 'kind', 'metadata', 'spec', 'status']);
    // Schema.vendor_extension (31): NamedAny {name 1, value 2: Any {yaml 2}}
    const ext = only(schema, 31).map((e) => wireFields(e.bytes!));
    const gvk = ext.find((e) => text(only(e, 1)[0]?.bytes) === 'x-kubernetes-group-version-kind');
    assert.ok(gvk !== undefined);
    const any = wireFields(only(gvk, 2)[0]!.bytes!);
    assert.equal(only(any, 1).length, 0, 'google.protobuf.Any stays unset');
    assert.equal(
      text(only(any, 2)[0]?.bytes),
      `- group: ${WARDLE}\n  kind: Flunder\n  version: v1alpha1\n`,
    );
  });

  it('writes the fieldValidation query parameter of a PATCH operation where kubectl looks', async () => {
    const bytes = await encodeOpenAPIV2Protobuf(document());
    const paths = wireFields(only(wireFields(bytes), 8)[0]!.bytes!);
    const item = only(paths, 2)
      .map((f) => wireFields(f.bytes!))
      .find(
        (n) => text(only(n, 1)[0]?.bytes) === '/api/v1/namespaces/{namespace}/configmaps/{name}',
      );
    assert.ok(item !== undefined);
    const patch = wireFields(only(wireFields(only(item, 2)[0]!.bytes!), 8)[0]!.bytes!);
    // Operation.parameters (8) → ParametersItem.parameter (1) → Parameter.non_body_parameter (2)
    // → NonBodyParameter.query_parameter_sub_schema (3) → name (4)
    const queryNames = only(patch, 8).flatMap((p) => {
      const parameter = only(wireFields(p.bytes!), 1)[0];
      const nonBody = parameter && only(wireFields(parameter.bytes!), 2)[0];
      const query = nonBody && only(wireFields(nonBody.bytes!), 3)[0];
      return query ? [text(only(wireFields(query.bytes!), 4)[0]?.bytes)] : [];
    });
    assert.deepEqual(queryNames, ['dryRun', 'fieldManager', 'fieldValidation', 'force']);
    // Operation.vendor_extension (13): the GVK as a single YAML map
    const gvk = only(patch, 13)
      .map((e) => wireFields(e.bytes!))
      .find((e) => text(only(e, 1)[0]?.bytes) === 'x-kubernetes-group-version-kind');
    assert.equal(
      text(only(wireFields(only(gvk!, 2)[0]!.bytes!), 2)[0]?.bytes),
      'group: ""\nkind: ConfigMap\nversion: v1\n',
    );
  });

  const schemas: [string, JsonObject][] = [
    ['additionalProperties false', { type: 'object', additionalProperties: false }],
    ['additionalProperties true', { type: 'object', additionalProperties: true }],
    [
      'additionalProperties schema',
      { type: 'object', additionalProperties: { type: 'integer', format: 'int64' } },
    ],
    ['empty properties', { type: 'object', properties: {} }],
    ['items as a list', { type: 'array', items: [{ type: 'string' }, { type: 'integer' }] }],
    ['a type list', { type: ['string', 'integer'] }],
    [
      'YAML 1.1 words stay strings',
      {
        type: 'string',
        enum: ['no', 'yes', 'on', 'off', 'y', 'n', '~', 'null', '2020-01-01', '0x10', '1e3', ''],
      },
    ],
    [
      'structured defaults and examples',
      { type: 'object', default: { a: [1, 'b', null], c: true }, example: { n: -1.5 } },
    ],
    ['a multi-line string default', { type: 'string', default: 'line one\nline two\n' }],
    [
      'numbers and bounds',
      { type: 'number', minimum: -1.5, maximum: 1e20, exclusiveMaximum: true, multipleOf: 0.25 },
    ],
    ['lengths', { type: 'string', minLength: 1, maxLength: 63, pattern: '^[a-z]+$' }],
    ['allOf', { allOf: [{ $ref: '#/definitions/x' }, { description: 'more' }] }],
    [
      'nested vendor extensions',
      {
        type: 'object',
        'x-kubernetes-list-map-keys': ['a', 'b'],
        'x-custom': { deep: [{ k: 'v' }] },
      },
    ],
    [
      'read-only with external docs',
      {
        type: 'string',
        readOnly: true,
        externalDocs: { url: 'https://example.com', description: 'docs' },
      },
    ],
  ];
  for (const [name, schema] of schemas) {
    it(`round-trips schemas: ${name}`, async () => {
      const doc = { swagger: '2.0', definitions: { x: schema } } as JsonObject;
      assert.deepEqual(await decodeOpenAPIV2Protobuf(await encodeOpenAPIV2Protobuf(doc)), doc);
    });
  }

  const parameters: [string, JsonObject][] = [
    [
      'a body parameter',
      { in: 'body', name: 'body', required: true, schema: { $ref: '#/definitions/x' } },
    ],
    [
      'a query parameter',
      { in: 'query', name: 'limit', type: 'integer', uniqueItems: true, description: 'max' },
    ],
    ['a path parameter', { in: 'path', name: 'name', type: 'string', required: true }],
    ['a header parameter', { in: 'header', name: 'X-Thing', type: 'string', enum: ['a', 'b'] }],
    ['a form parameter', { in: 'formData', name: 'f', type: 'string', allowEmptyValue: true }],
    ['a reference to a shared parameter', { $ref: '#/parameters/fieldValidation' }],
  ];
  for (const [name, parameter] of parameters) {
    it(`round-trips parameters: ${name}`, async () => {
      const doc = {
        swagger: '2.0',
        paths: {
          '/x': {
            parameters: [parameter],
            get: {
              operationId: 'getX',
              responses: { '200': { description: 'OK' } },
              'x-kubernetes-action': 'get',
            },
          },
        },
        parameters: {
          fieldValidation: { in: 'query', name: 'fieldValidation', type: 'string' },
        },
        responses: { Shared: { description: 'shared' } },
      } as JsonObject;
      assert.deepEqual(await decodeOpenAPIV2Protobuf(await encodeOpenAPIV2Protobuf(doc)), doc);
    });
  }

  it('drops zero values of typed fields, as proto3 does', async () => {
    const doc = {
      swagger: '2.0',
      definitions: {
        x: { type: 'integer', minimum: 0, uniqueItems: false, description: '', default: 0 },
      },
    } as JsonObject;
    const decoded = await decodeOpenAPIV2Protobuf(await encodeOpenAPIV2Protobuf(doc));
    // free-form values (default) live in YAML and survive; typed zero values do not
    assert.deepEqual(decoded, {
      swagger: '2.0',
      definitions: { x: { type: 'integer', default: 0 } },
    });
  });

  it('rejects what gnostic has no place for', async () => {
    await assert.rejects(
      encodeOpenAPIV2Protobuf({
        swagger: '2.0',
        paths: { '/x': { get: { parameters: [{ in: 'cookie', name: 'c' }] } } },
      }),
      /parameter c is in cookie/,
    );
  });
});
