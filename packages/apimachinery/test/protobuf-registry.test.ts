import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  ProtobufRegistry,
  StatusError,
  decodeProtobufEnvelope,
  notFound,
  protobufConversions,
  type KubeObject,
  type ProtoMessageFields,
} from '../src/index.js';
import {
  bytes,
  envelope,
  fixed32,
  fixed64,
  key,
  len,
  msg,
  str,
  varint,
  vint,
} from './fixtures/protobuf/bytes.js';
import { testRegistry } from './fixtures/protobuf/kinds.js';

const PROBE = 'kapi.test.v1.Probe';
const PROBE_KIND = { apiVersion: 'test.kapi.io/v1', kind: 'Probe' };
const noOmit = { omitempty: false } as const;

/** A message with one field of every flavour the codec distinguishes. */
const probeFields: ProtoMessageFields = {
  name: [1, 'string'],
  required: [2, 'string', noOmit],
  count: [3, 'int32'],
  allowed: [4, 'bool', noOmit],
  flag: [5, '*bool'],
  grace: [6, '*int64'],
  big: [7, 'int64'],
  blob: [8, 'bytes'],
  tags: [9, '[]string'],
  items: [10, '[]string', noOmit],
  labels: [11, 'map<string,string>'],
  counts: [12, 'map<string,int32>', noOmit],
  child: [13, 'Child'],
  children: [14, '[]Child'],
  created: [15, 'Time'],
  deleted: [16, '*Time'],
  seen: [17, 'MicroTime'],
  timeout: [18, 'Duration'],
  port: [19, 'IntOrString'],
  size: [20, 'Quantity'],
  raw: [21, 'RawExtension'],
  signed: [22, 'sint64'],
  ratio: [23, 'double'],
  fixed: [24, 'fixed32'],
  nums: [25, '[]int32'],
  times: [26, 'map<string,Time>'],
  uID: [27, 'string', { json: 'uid' }],
  snake_case: [28, 'string'],
  extra: [29, 'map<string,ExtraValue>'],
};

function probeRegistry(): ProtobufRegistry {
  return testRegistry()
    .defineKind(PROBE_KIND, PROBE, probeFields)
    .defineMessage('kapi.test.v1.Child', { name: [1, 'string'], value: [2, 'int32', noOmit] })
    .defineMessage('kapi.test.v1.ExtraValue', { items: [1, '[]string'] })
    .addConversion('kapi.test.v1.ExtraValue', protobufConversions.stringList());
}

const registry = probeRegistry();

/** What every decoded Probe carries: its kind, and the fields without omitempty. */
const base = {
  kind: 'Probe',
  apiVersion: 'test.kapi.io/v1',
  required: '',
  allowed: false,
  items: [],
  counts: {},
};

function probe(...parts: number[][]): Uint8Array {
  return envelope(PROBE_KIND.apiVersion, PROBE_KIND.kind, parts.flat());
}

async function rejectsWith(
  promise: Promise<unknown>,
  code: number,
  message: string | RegExp,
): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof StatusError, `expected a StatusError, got ${String(err)}`);
    assert.equal(err.code, code);
    if (typeof message === 'string') assert.equal(err.status.message, message);
    else assert.match(err.status.message ?? '', message);
    return true;
  });
}

describe('ProtobufRegistry decoding', () => {
  const T1 = 1700000000; // 2023-11-14T22:13:20Z
  const cases: { name: string; wire: number[][]; json: Record<string, unknown> }[] = [
    { name: 'an empty message gives only the non-omitempty zero values', wire: [], json: {} },
    {
      name: 'zero values written the Go way are dropped when omitempty',
      wire: [str(1, ''), str(2, ''), vint(3, 0), vint(4, 0), vint(7, 0), len(8, []), str(28, '')],
      json: {},
    },
    {
      name: 'set scalars, a negative int32 as a 10-byte varint, a 64-bit value',
      wire: [str(1, 'x'), str(2, 'r'), vint(3, -5), vint(4, 1), vint(7, 2 ** 40)],
      json: { name: 'x', required: 'r', count: -5, allowed: true, big: 2 ** 40 },
    },
    {
      name: 'pointer scalars are kept when present even at their zero value',
      wire: [vint(5, 0), vint(6, 0)],
      json: { flag: false, grace: 0 },
    },
    { name: 'negative int64', wire: [vint(7, -3), vint(6, -30)], json: { big: -3, grace: -30 } },
    { name: 'bytes become base64', wire: [len(8, [0, 1, 255])], json: { blob: 'AAH/' } },
    {
      name: 'repeated strings, and numbers both unpacked and packed',
      wire: [str(9, 'a'), str(9, ''), vint(25, 1), vint(25, 2), len(25, [3, ...varint(-1)])],
      json: { tags: ['a', ''], nums: [1, 2, 3, -1] },
    },
    {
      name: 'map entries in any order, with a missing key or value read as empty',
      wire: [
        msg(11, str(1, 'b'), str(2, 'B')),
        msg(11, str(1, 'a'), str(2, 'A')),
        msg(11, str(1, 'nokey-value-only')),
        msg(11, str(2, 'v')),
        msg(12, str(1, 'n'), vint(2, 7)),
      ],
      json: { labels: { b: 'B', a: 'A', 'nokey-value-only': '', '': 'v' }, counts: { n: 7 } },
    },
    {
      name: 'a map key __proto__ is an ordinary key',
      wire: [msg(11, str(1, '__proto__'), str(2, 'p'))],
      json: { labels: JSON.parse('{"__proto__":"p"}') as Record<string, string> },
    },
    {
      name: 'a present empty message keeps its non-omitempty zeros; repeated ones too',
      wire: [msg(13), msg(14, str(1, 'c1')), msg(14)],
      json: { child: { value: 0 }, children: [{ name: 'c1', value: 0 }, { value: 0 }] },
    },
    {
      name: 'two occurrences of a singular message merge',
      wire: [msg(13, str(1, 'a'), vint(2, 1)), msg(13, vint(2, 3))],
      json: { child: { name: 'a', value: 3 } },
    },
    {
      name: 'an empty Time is null, not 1970; nanos of a Time are ignored',
      wire: [msg(15), msg(16, vint(1, T1), vint(2, 999))],
      json: { created: null, deleted: '2023-11-14T22:13:20Z' },
    },
    {
      name: "Go's zero time written with seconds is null too",
      wire: [msg(15, vint(1, -62135596800), vint(2, 0))],
      json: { created: null },
    },
    {
      name: 'a Time at the Unix epoch (seconds 0 written) is 1970',
      wire: [msg(15, vint(1, 0), vint(2, 0))],
      json: { created: '1970-01-01T00:00:00Z' },
    },
    {
      name: 'MicroTime keeps microseconds',
      wire: [msg(17, vint(1, T1), vint(2, 123456789))],
      json: { seen: '2023-11-14T22:13:20.123456Z' },
    },
    { name: 'an empty MicroTime is null', wire: [msg(17)], json: { seen: null } },
    {
      name: 'Duration prints as Go does',
      wire: [msg(18, vint(1, 90_000_000_000))],
      json: { timeout: '1m30s' },
    },
    {
      name: 'IntOrString holding an int',
      wire: [msg(19, vint(1, 0), vint(2, 8080), str(3, ''))],
      json: { port: 8080 },
    },
    {
      name: 'IntOrString holding a string',
      wire: [msg(19, vint(1, 1), vint(2, 0), str(3, '50%'))],
      json: { port: '50%' },
    },
    { name: 'an empty IntOrString is the int 0', wire: [msg(19)], json: { port: 0 } },
    { name: 'Quantity is its string', wire: [msg(20, str(1, '500m'))], json: { size: '500m' } },
    {
      name: 'RawExtension holding JSON is that JSON',
      wire: [msg(21, str(1, '{"a":[1,"x"]}'))],
      json: { raw: { a: [1, 'x'] } },
    },
    { name: 'a RawExtension without raw is null', wire: [msg(21)], json: { raw: null } },
    {
      name: 'RawExtension holding an envelope is the decoded object',
      wire: [msg(21, len(1, envelope('v1', 'ConfigMap', msg(1, str(1, 'cm')))))],
      json: { raw: { kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'cm' } } },
    },
    {
      name: 'sint64 zigzag, double and fixed32',
      wire: [vint(22, 3), fixed64(23, 0x3ff8000000000000n), fixed32(24, 4000000000)],
      json: { signed: -2, ratio: 1.5, fixed: 4000000000 },
    },
    {
      name: 'a map of Times',
      wire: [msg(26, str(1, 'p'), msg(2, vint(1, T1))), msg(26, str(1, 'q'))],
      json: { times: { p: '2023-11-14T22:13:20Z', q: null } },
    },
    {
      name: 'json_name and snake_case names',
      wire: [str(27, 'u-1'), str(28, 's')],
      json: { uid: 'u-1', snakeCase: 's' },
    },
    {
      name: 'a map of string-list wrappers (ExtraValue) with a custom conversion',
      wire: [msg(29, str(1, 'scopes'), msg(2, str(1, 'a'), str(1, 'b'))), msg(29, str(1, 'none'))],
      json: { extra: { scopes: ['a', 'b'], none: [] } },
    },
    {
      name: 'unknown fields of every wire type are skipped',
      wire: [vint(90, 1), fixed64(91, 1n), fixed32(92, 1), str(93, 'x'), str(1, 'kept')],
      json: { name: 'kept' },
    },
  ];
  for (const { name, wire, json } of cases) {
    it(name, async () => {
      assert.deepEqual(await registry.decode(probe(...wire)), { ...base, ...json });
    });
  }

  const bad: { name: string; wire: number[][]; message: string | RegExp }[] = [
    {
      name: 'a string field sent as a varint',
      wire: [vint(1, 3)],
      message: 'proto: kapi.test.v1.Probe: wrong wireType = 0 for field name',
    },
    {
      name: 'a message field sent as a varint',
      wire: [vint(13, 3)],
      message: 'proto: kapi.test.v1.Probe: wrong wireType = 0 for field child',
    },
    {
      name: 'a varint field sent as fixed32',
      wire: [fixed32(3, 1)],
      message: 'proto: kapi.test.v1.Probe: wrong wireType = 5 for field count',
    },
    {
      name: 'a map entry key of the wrong type',
      wire: [msg(11, vint(1, 1))],
      message: /wrong wireType = 0 for field labels/,
    },
    {
      name: 'a nested length beyond its message',
      wire: [[...key(13, 2), 5, 0x0a]],
      message: 'unexpected EOF',
    },
    { name: 'a start-group wire type', wire: [key(40, 3)], message: 'proto: illegal wireType 3' },
    {
      name: 'an IntOrString of type 2',
      wire: [msg(19, vint(1, 2))],
      message: 'impossible IntOrString.Type',
    },
    {
      name: 'a malformed Quantity',
      wire: [msg(20, str(1, '12 apples'))],
      message: /^quantities must match/,
    },
    { name: 'an empty Quantity', wire: [msg(20)], message: /^quantities must match/ },
    {
      name: 'a RawExtension of neither JSON nor protobuf',
      wire: [msg(21, str(1, '{not json'))],
      message: /RawExtension: the embedded bytes are neither JSON nor a protobuf envelope/,
    },
    {
      name: 'a Time after year 9999',
      wire: [msg(15, vint(1, 253402300800))],
      message: 'Time.MarshalJSON: year outside of range [0,9999]',
    },
  ];
  for (const { name, wire, message } of bad) {
    it(`answers 400 for ${name}`, async () => {
      await rejectsWith(registry.decode(probe(...wire)), 400, message);
    });
  }
});

describe('ProtobufRegistry encoding', () => {
  it('writes value fields even when zero, in field-number order, as Go does', async () => {
    const body = await registry.encode({ ...PROTOBUF_PROBE, name: 'x' });
    const expected = bytes(
      str(1, 'x'),
      str(2, ''),
      vint(3, 0),
      vint(4, 0),
      vint(7, 0),
      vint(22, 0),
      fixed64(23, 0n),
      fixed32(24, 0),
      str(27, ''),
      str(28, ''),
    );
    assert.deepEqual(decodeProtobufEnvelope(body).raw, expected);
  });

  it('writes pointers only when set, and value Time null as an empty message', async () => {
    const body = await registry.encode({
      ...PROTOBUF_PROBE,
      flag: false,
      grace: null,
      created: null,
      deleted: null,
    });
    const raw = decodeProtobufEnvelope(body).raw;
    assert.deepEqual(
      raw,
      bytes(
        str(1, ''),
        str(2, ''),
        vint(3, 0),
        vint(4, 0),
        vint(5, 0),
        vint(7, 0),
        msg(15),
        vint(22, 0),
        fixed64(23, 0n),
        fixed32(24, 0),
        str(27, ''),
        str(28, ''),
      ),
    );
  });

  it('sorts map entries byte-wise as Go does ("10" before "9")', async () => {
    const message = await registry.encodeMessage('kapi.test.v1.Probe', {
      labels: { '9': 'a', b: 'c', '10': 'b', é: 'e', a: '' },
    });
    const entries = ['10', '9', 'a', 'b', 'é'].map((k) => {
      const values: Record<string, string> = { '9': 'a', b: 'c', '10': 'b', é: 'e', a: '' };
      return msg(11, str(1, k), str(2, values[k]!));
    });
    const labelBytes = bytes(...entries);
    assert.ok(
      Buffer.from(message).includes(Buffer.from(labelBytes)),
      'label entries in Go order, each with key and value',
    );
  });

  it('encodes every flavour and decodes back to the same object', async () => {
    const object: KubeObject = {
      kind: 'Probe',
      apiVersion: 'test.kapi.io/v1',
      name: 'n',
      required: 'r',
      count: -7,
      allowed: true,
      flag: false,
      grace: 0,
      big: -(2 ** 50),
      blob: 'AAH/',
      tags: ['a', ''],
      items: ['i'],
      labels: { a: '', '10': 'x', '9': 'y' },
      counts: { z: -1 },
      child: { name: 'c', value: 0 },
      children: [{ value: 1 }],
      created: '2024-02-29T23:59:59Z',
      deleted: '0001-01-02T00:00:00Z',
      seen: '2024-01-01T00:00:00.000001Z',
      timeout: '-1h0m0.5s',
      port: 'http',
      size: '1Gi',
      raw: { nested: [true, null, 1.5] },
      signed: -(2 ** 40),
      ratio: -0.25,
      fixed: 2 ** 32 - 1,
      nums: [0, -1, 2 ** 31 - 1],
      times: { t: '9999-12-31T23:59:59Z' },
      uid: 'u',
      snakeCase: 's',
      extra: { k: ['v1', 'v2'] },
    };
    assert.deepEqual(await registry.decode(await registry.encode(object)), object);
  });

  it('accepts ISO times with offsets and fractions, writing them in UTC', async () => {
    const decoded = await registry.decode(
      await registry.encode({ ...PROTOBUF_PROBE, created: '2024-01-01T01:30:00.5+01:30' }),
    );
    assert.equal(decoded.created, '2024-01-01T00:00:00Z');
  });

  const bad: { name: string; object: Record<string, unknown>; message: RegExp }[] = [
    {
      name: 'a number for a string',
      object: { name: 5 },
      message: /Probe\.name: 5 is not a valid string/,
    },
    {
      name: 'a number as a map value',
      object: { labels: { a: 3 } },
      message: /labels\["a"\]: 3 is not a valid string/,
    },
    {
      name: 'a fraction for an int32',
      object: { count: 1.5 },
      message: /count: 1.5 is not a valid int32/,
    },
    { name: 'an int32 out of range', object: { count: 2 ** 31 }, message: /is not a valid int32/ },
    {
      name: 'bytes that are not base64',
      object: { blob: 'a!b' },
      message: /blob: "a!b" is not a valid bytes/,
    },
    {
      name: 'an object for a repeated field',
      object: { tags: {} },
      message: /tags: expected an array/,
    },
    {
      name: 'a string for a message',
      object: { child: 'c' },
      message: /child: expected an object/,
    },
    {
      name: 'a Time that is not RFC 3339',
      object: { created: 'yesterday' },
      message: /cannot parse "yesterday" as RFC 3339/,
    },
    {
      name: 'an impossible date',
      object: { created: '2023-02-29T00:00:00Z' },
      message: /cannot parse/,
    },
    {
      name: 'an IntOrString fraction',
      object: { port: 1.5 },
      message: /IntOrString: expected a string or an int32/,
    },
    { name: 'a malformed Quantity', object: { size: 'lots' }, message: /quantities must match/ },
    {
      name: 'a malformed Duration',
      object: { timeout: '5 minutes' },
      message: /Duration: cannot parse/,
    },
  ];
  for (const { name, object, message } of bad) {
    it(`answers 500 when the object holds ${name}`, async () => {
      await rejectsWith(registry.encode({ ...PROTOBUF_PROBE, ...object }), 500, message);
    });
  }
});

/** A minimal Probe object to spread into encode tests. */
const PROTOBUF_PROBE: KubeObject = { kind: 'Probe', apiVersion: 'test.kapi.io/v1' };

describe('ProtobufRegistry kinds', () => {
  const configMapRaw = msg(1, str(1, 'x'));

  it('fills in a missing apiVersion and kind from the endpoint, as Go does', async () => {
    const body = bytes([0x6b, 0x38, 0x73, 0x00], len(2, configMapRaw));
    const decoded = await registry.decode(body, {
      expected: { apiVersion: 'v1', kind: 'ConfigMap' },
    });
    assert.deepEqual(decoded, { kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'x' } });
  });

  const wrong: {
    name: string;
    body: Uint8Array;
    expected?: { apiVersion: string; kind: string };
    message: string;
  }[] = [
    {
      name: 'another API version than the endpoint',
      body: envelope('v2', 'ConfigMap', []),
      expected: { apiVersion: 'v1', kind: 'ConfigMap' },
      message: 'the API version in the data (v2) does not match the expected API version (v1)',
    },
    {
      name: 'another kind than the endpoint',
      body: envelope('v1', 'Secret', []),
      expected: { apiVersion: 'v1', kind: 'ConfigMap' },
      message: 'the kind in the data (Secret) does not match the expected kind (ConfigMap)',
    },
    {
      name: 'no kind and no endpoint to take it from',
      body: envelope('v1', '', []),
      message: `Object 'Kind' is missing in 'runtime.TypeMeta{APIVersion:"v1", Kind:""}'`,
    },
    {
      name: 'no apiVersion and no endpoint to take it from',
      body: envelope('', 'ConfigMap', []),
      message: `Object 'apiVersion' is missing in 'runtime.TypeMeta{APIVersion:"", Kind:"ConfigMap"}'`,
    },
    {
      name: 'a kind without a message',
      body: envelope('v1', 'Pod', []),
      message: 'no kind "Pod" is registered for version "v1" in the protobuf registry',
    },
  ];
  for (const { name, body, expected, message } of wrong) {
    it(`answers 400 for ${name}`, async () => {
      await rejectsWith(
        registry.decode(body, expected === undefined ? {} : { expected }),
        400,
        message,
      );
    });
  }

  it('decodes the options kinds in any group version (DeleteOptions of apps/v1)', async () => {
    const body = envelope('apps/v1', 'DeleteOptions', [
      ...vint(1, 0),
      ...msg(2, str(2, '7')),
      ...str(4, 'Background'),
      ...str(5, 'All'),
    ]);
    assert.deepEqual(await registry.decode(body), {
      kind: 'DeleteOptions',
      apiVersion: 'apps/v1',
      gracePeriodSeconds: 0,
      preconditions: { resourceVersion: '7' },
      propagationPolicy: 'Background',
      dryRun: ['All'],
    });
  });

  it('round-trips a Status error as kube sends it', async () => {
    const status = notFound({ group: 'apps', resource: 'deployments' }, 'web').status;
    const body = await registry.encode(status);
    assert.equal(decodeProtobufEnvelope(body).kind, 'Status');
    assert.deepEqual(await registry.decode(body), status);
  });

  it('decodes discovery documents, with Verbs as a plain array', async () => {
    const list = {
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion: 'v1',
      resources: [
        {
          name: 'configmaps',
          singularName: 'configmap',
          namespaced: true,
          kind: 'ConfigMap',
          verbs: ['get', 'list'],
          shortNames: ['cm'],
        },
        { name: 'nodes', singularName: '', namespaced: false, kind: 'Node', verbs: [] },
      ],
    };
    assert.deepEqual(await registry.decode(await registry.encode(list)), list);
  });

  it('gives a list without items an empty items array', async () => {
    const body = envelope('v1', 'ConfigMapList', msg(1, str(2, '42')));
    assert.deepEqual(await registry.decode(body), {
      kind: 'ConfigMapList',
      apiVersion: 'v1',
      metadata: { resourceVersion: '42' },
      items: [],
    });
  });

  it('answers 406 for a kind without a message and 500 for an object without a kind', async () => {
    await rejectsWith(
      registry.encode({ kind: 'Table', apiVersion: 'meta.k8s.io/v1' }),
      406,
      'kind "Table" of version "meta.k8s.io/v1" has no protobuf encoding',
    );
    await rejectsWith(registry.encode({ metadata: {} }), 500, /has no apiVersion or kind/);
  });

  it('encodes as another kind on request', async () => {
    const body = await registry.encode(
      { metadata: { name: 'p' } },
      { as: { group: 'meta.k8s.io', version: 'v1', kind: 'PartialObjectMetadata' } },
    );
    const opened = decodeProtobufEnvelope(body);
    assert.deepEqual([opened.apiVersion, opened.kind], ['meta.k8s.io/v1', 'PartialObjectMetadata']);
  });

  it('knows its kinds without loading anything', () => {
    const fresh = new ProtobufRegistry();
    assert.equal(fresh.hasKind({ apiVersion: 'v1', kind: 'Status' }), true);
    assert.equal(fresh.hasKind({ apiVersion: 'batch/v1', kind: 'WatchEvent' }), true);
    assert.equal(fresh.hasKind({ apiVersion: 'v1', kind: 'ConfigMap' }), false);
    fresh.registerKind(
      { group: '', version: 'v1', kind: 'ConfigMap' },
      '.k8s.io.api.core.v1.ConfigMap',
    );
    assert.equal(
      fresh.messageTypeFor({ apiVersion: 'v1', kind: 'ConfigMap' }),
      'k8s.io.api.core.v1.ConfigMap',
    );
  });
});

describe('ProtobufRegistry watch events and embedded objects', () => {
  it('frames a watch event and reads it back', async () => {
    const object = {
      kind: 'ConfigMap',
      apiVersion: 'v1',
      metadata: { name: 'w' },
      data: { k: 'v' },
    };
    const frame = await registry.encodeWatchEvent({ type: 'MODIFIED', object });
    assert.equal(new DataView(frame.buffer, frame.byteOffset).getUint32(0), frame.length - 4);
    assert.deepEqual(await registry.decodeWatchEvent(frame.subarray(4)), {
      type: 'MODIFIED',
      object,
    });
  });

  it('carries an ERROR event with its Status', async () => {
    const status = notFound({ group: '', resource: 'configmaps' }, 'gone').status;
    const frame = await registry.encodeWatchEvent({ type: 'ERROR', object: status });
    assert.deepEqual(await registry.decodeWatchEvent(frame.subarray(4)), {
      type: 'ERROR',
      object: status,
    });
  });

  it('decodes a meta/v1 WatchEvent message, RawExtension envelope included', async () => {
    const frame = await registry.encodeWatchEvent({
      type: 'ADDED',
      object: { kind: 'Namespace', apiVersion: 'v1', metadata: { name: 'n' } },
    });
    assert.deepEqual(
      await registry.decodeMessage(
        'k8s.io.apimachinery.pkg.apis.meta.v1.WatchEvent',
        frame.subarray(4),
      ),
      { type: 'ADDED', object: { kind: 'Namespace', apiVersion: 'v1', metadata: { name: 'n' } } },
    );
  });
});

describe('ProtobufRegistry descriptors', () => {
  it('reads .proto text with json_name and Kapi options', async () => {
    const reg = new ProtobufRegistry()
      .addProto(
        `syntax = "proto2";
         package demo.v1;
         message Thing {
           optional string display_name = 1;
           optional string uID = 2 [json_name = "uid"];
           optional bool enabled = 3 [(kapi.pointer) = true];
           optional int32 replicas = 4 [(kapi.omitempty) = false];
           optional k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta metadata = 5;
         }`,
      )
      .registerKind({ apiVersion: 'demo/v1', kind: 'Thing' }, 'demo.v1.Thing');
    const body = envelope('demo/v1', 'Thing', [...str(1, 'D'), ...str(2, 'u'), ...vint(3, 0)]);
    assert.deepEqual(await reg.decode(body), {
      kind: 'Thing',
      apiVersion: 'demo/v1',
      displayName: 'D',
      uid: 'u',
      enabled: false,
      replicas: 0,
    });
  });

  it('rejects a registered kind whose message does not exist, on load (500)', async () => {
    const reg = new ProtobufRegistry().registerKind(
      { apiVersion: 'x/v1', kind: 'X' },
      'x.v1.Missing',
    );
    await rejectsWith(reg.load(), 500, /unknown message types: x\/v1 X → x\.v1\.Missing/);
    await rejectsWith(reg.decode(envelope('x/v1', 'X', [])), 500, /no message type x\.v1\.Missing/);
  });

  it('rejects malformed descriptors (500), and recovers when they are fixed', async () => {
    const reg = new ProtobufRegistry().addProto('message Broken { optional string a = ; }');
    await rejectsWith(reg.load(), 500, /^Internal error occurred: protobuf descriptors: /);
    const unresolved = new ProtobufRegistry().defineMessage('x.v1.Y', { a: [1, 'NoSuchType'] });
    await rejectsWith(unresolved.load(), 500, /NoSuchType/);
    await new ProtobufRegistry().load();
  });

  it('recompiles after more messages are added', async () => {
    const reg = new ProtobufRegistry();
    await reg.load();
    reg.defineKind({ apiVersion: 'late/v1', kind: 'Late' }, 'late.v1.Late', { n: [1, 'int32'] });
    assert.deepEqual(await reg.decode(envelope('late/v1', 'Late', vint(1, 4))), {
      kind: 'Late',
      apiVersion: 'late/v1',
      n: 4,
    });
  });
});
