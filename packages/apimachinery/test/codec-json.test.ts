import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  decodeJson,
  decodeJsonObject,
  encodeJson,
  encodeJsonBody,
  encodeWatchEvent,
  isBadRequest,
  JsonWatchDecoder,
  StatusError,
  strictDecodingError,
  strictDecodingWarnings,
  transformDecodeError,
} from '../src/index.js';

const PREFIX = "couldn't get version/kind; json parse error: ";

function badRequestMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof StatusError, `expected a StatusError, got ${String(err)}`);
    assert.equal(err.code, 400);
    assert.equal(err.reason, 'BadRequest');
    return err.status.message ?? '';
  }
  assert.fail('expected a 400');
}

describe('decodeJsonObject: syntax errors worded as Go encoding/json', () => {
  const cases: { name: string; body: string | Uint8Array; message: string }[] = [
    { name: 'empty body', body: '', message: 'unexpected end of JSON input' },
    { name: 'only whitespace', body: ' \n\t', message: 'unexpected end of JSON input' },
    { name: 'truncated object', body: '{"a":1,', message: 'unexpected end of JSON input' },
    {
      name: 'missing colon',
      body: '{"a" 1}',
      message: "invalid character '1' after object key",
    },
    {
      name: 'missing comma between members',
      body: '{"a":1 "b":2}',
      message: `invalid character '"' after object key:value pair`,
    },
    {
      name: 'missing comma in array',
      body: '{"a":[1 2]}',
      message: "invalid character '2' after array element",
    },
    {
      name: 'unquoted key',
      body: '{a:1}',
      message: "invalid character 'a' looking for beginning of object key string",
    },
    {
      name: 'trailing comma',
      body: '{"a":1,}',
      message: "invalid character '}' looking for beginning of object key string",
    },
    {
      name: 'single-quoted string',
      body: "{'a':1}",
      message: "invalid character '\\'' looking for beginning of object key string",
    },
    {
      name: 'garbage after the object',
      body: '{"a":1}}',
      message: "invalid character '}' after top-level value",
    },
    {
      name: 'control character in a string',
      body: '{"a":"x\u0001"}',
      message: "invalid character '\\x01' in string literal",
    },
    {
      name: 'newline in a string',
      body: '{"a":"x\n"}',
      message: "invalid character '\\n' in string literal",
    },
    {
      name: 'bad escape',
      body: '{"a":"\\x"}',
      message: "invalid character 'x' in string escape code",
    },
    {
      name: 'bad unicode escape',
      body: '{"a":"\\u12g4"}',
      message: "invalid character 'g' in \\u hexadecimal character escape",
    },
    { name: 'bare minus', body: '{"a":-}', message: "invalid character '}' in numeric literal" },
    {
      name: 'decimal point without digits',
      body: '{"a":1.}',
      message: "invalid character '}' after decimal point in numeric literal",
    },
    {
      name: 'exponent without digits',
      body: '{"a":1e}',
      message: "invalid character '}' in exponent of numeric literal",
    },
    {
      name: 'misspelled true',
      body: '{"a":trie}',
      message: "invalid character 'i' in literal true (expecting 'u')",
    },
    {
      name: 'misspelled null',
      body: '{"a":nil}',
      message: "invalid character 'i' in literal null (expecting 'u')",
    },
    {
      name: 'byte order mark',
      body: '\uFEFF{}',
      message: "invalid character 'ï' looking for beginning of value",
    },
    {
      name: 'YAML sent as JSON',
      body: 'apiVersion: v1',
      message: "invalid character 'a' looking for beginning of value",
    },
    {
      name: 'bytes with a non-ASCII first byte',
      body: Buffer.from('é', 'utf8'),
      message: "invalid character 'Ã' looking for beginning of value",
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.equal(
        badRequestMessage(() => decodeJsonObject(c.body)),
        PREFIX + c.message,
      );
    });
  }

  it('decodeJson reports the bare Go message', () => {
    assert.equal(
      badRequestMessage(() => decodeJson('[1,]')),
      "invalid character ']' looking for beginning of value",
    );
  });
});

describe('decodeJsonObject: bodies that are not objects', () => {
  const target =
    'struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }';
  const cases: { name: string; body: string; message: string }[] = [
    {
      name: 'array',
      body: '[{"kind":"ConfigMap"}]',
      message: `${PREFIX}json: cannot unmarshal array into Go value of type ${target}`,
    },
    {
      name: 'string',
      body: '"x"',
      message: `${PREFIX}json: cannot unmarshal string into Go value of type ${target}`,
    },
    {
      name: 'number',
      body: '42',
      message: `${PREFIX}json: cannot unmarshal number into Go value of type ${target}`,
    },
    {
      name: 'boolean',
      body: 'true',
      message: `${PREFIX}json: cannot unmarshal bool into Go value of type ${target}`,
    },
    { name: 'null', body: 'null', message: "Object 'Kind' is missing in 'null'" },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.equal(
        badRequestMessage(() => decodeJsonObject(c.body)),
        c.message,
      );
    });
  }
});

describe('decodeJsonObject: input forms', () => {
  const json = '{"kind":"ConfigMap","data":{"k":"ü"}}';
  const cases: { name: string; body: string | Uint8Array }[] = [
    { name: 'string', body: json },
    { name: 'Buffer', body: Buffer.from(json) },
    {
      name: 'Uint8Array view into a larger buffer',
      body: ((): Uint8Array => {
        const padded = Buffer.from(`xx${json}yy`);
        return new Uint8Array(padded.buffer, padded.byteOffset + 2, Buffer.byteLength(json));
      })(),
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const { object, strictErrors } = decodeJsonObject(c.body);
      assert.deepEqual(object, { kind: 'ConfigMap', data: { k: 'ü' } });
      assert.deepEqual(strictErrors, []);
    });
  }

  it('keeps __proto__ as an own field, not a prototype', () => {
    const { object } = decodeJsonObject('{"__proto__":{"polluted":true}}');
    assert.equal(Object.getPrototypeOf(object), Object.prototype);
    assert.deepEqual(Object.keys(object), ['__proto__']);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});

describe('decodeJsonObject: strict duplicate fields', () => {
  const cases: { name: string; body: string; errors: string[]; object: unknown }[] = [
    {
      name: 'top-level duplicate keeps the last value',
      body: '{"a":1,"a":2}',
      errors: ['duplicate field "a"'],
      object: { a: 2 },
    },
    {
      name: 'nested object',
      body: '{"spec":{"replicas":1,"replicas":2}}',
      errors: ['duplicate field "spec.replicas"'],
      object: { spec: { replicas: 2 } },
    },
    {
      name: 'inside an array element',
      body: '{"spec":{"containers":[{"name":"a"},{"name":"b","name":"c"}]}}',
      errors: ['duplicate field "spec.containers[1].name"'],
      object: { spec: { containers: [{ name: 'a' }, { name: 'c' }] } },
    },
    {
      name: 'a duplicated object and a duplicate inside it',
      body: '{"a":{"x":1},"a":{"y":1,"y":2}}',
      errors: ['duplicate field "a"', 'duplicate field "a.y"'],
      object: { a: { y: 2 } },
    },
    {
      name: 'keys equal only after unescaping',
      body: '{"a\\u0062":1,"ab":2}',
      errors: ['duplicate field "ab"'],
      object: { ab: 2 },
    },
    {
      name: 'the same duplicate three times is reported once',
      body: '{"a":1,"a":2,"a":3}',
      errors: ['duplicate field "a"'],
      object: { a: 3 },
    },
    {
      name: 'equal keys in different objects are fine',
      body: '{"a":{"n":1},"b":{"n":1},"c":[{"n":1},{"n":2}]}',
      errors: [],
      object: { a: { n: 1 }, b: { n: 1 }, c: [{ n: 1 }, { n: 2 }] },
    },
    {
      name: 'keys inside string values are not keys',
      body: '{"a":"{\\"a\\":1,\\"a\\":2}","b":"\\"a\\":"}',
      errors: [],
      object: { a: '{"a":1,"a":2}', b: '"a":' },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const { object, strictErrors } = decodeJsonObject(c.body, { strict: true });
      assert.deepEqual(strictErrors, c.errors);
      assert.deepEqual(object, c.object);
    });
  }

  it('does not look for duplicates unless strict', () => {
    assert.deepEqual(decodeJsonObject('{"a":1,"a":2}').strictErrors, []);
  });

  it('keeps at most 100 errors, as sigs.k8s.io/json', () => {
    const members = Array.from({ length: 150 }, (_, i) => `"k${i}":1,"k${i}":2`).join(',');
    const { strictErrors } = decodeJsonObject(`{${members}}`, { strict: true });
    assert.equal(strictErrors.length, 100);
    assert.equal(strictErrors[99], 'duplicate field "k99"');
  });

  it('scans a large body in linear time', () => {
    const members = Array.from({ length: 100_000 }, (_, i) => `"key${i}":{"v":[${i}]}`).join(',');
    const body = `{${members},"key7":0}`;
    const started = performance.now();
    const { strictErrors } = decodeJsonObject(body, { strict: true });
    const elapsed = performance.now() - started;
    assert.deepEqual(strictErrors, ['duplicate field "key7"']);
    assert.ok(elapsed < 2000, `took ${elapsed} ms for ${body.length} bytes`);
  });
});

describe('decodeJsonObject: nesting depth', () => {
  const nested = (depth: number): string =>
    `{"a":${'['.repeat(depth - 1)}${']'.repeat(depth - 1)}}`;
  const cases: { name: string; body: string; maxDepth?: number; ok: boolean }[] = [
    { name: 'at the default limit', body: nested(300), ok: true },
    { name: 'beyond the default limit', body: nested(301), ok: false },
    { name: 'far beyond', body: nested(100_000), ok: false },
    { name: 'custom limit', body: nested(11), maxDepth: 10, ok: false },
    { name: 'brackets inside strings do not count', body: `{"a":"${'['.repeat(1000)}"}`, ok: true },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const options = c.maxDepth === undefined ? {} : { maxDepth: c.maxDepth };
      if (c.ok) assert.equal(typeof decodeJsonObject(c.body, options).object, 'object');
      else
        assert.match(
          badRequestMessage(() => decodeJsonObject(c.body, options)),
          /deeper than/,
        );
    });
  }
});

describe('strict decoding errors and warnings', () => {
  it('words the Strict failure as kube', () => {
    const err = strictDecodingError(['duplicate field "a"', 'unknown field "spec.x"']);
    assert.equal(err.code, 400);
    assert.equal(
      err.status.message,
      'strict decoding error: duplicate field "a", unknown field "spec.x"',
    );
  });

  const warningCases: { name: string; errors: string[]; warnings: string[] }[] = [
    {
      name: 'JSON errors pass through',
      errors: ['duplicate field "a"', 'unknown field "b"'],
      warnings: ['duplicate field "a"', 'unknown field "b"'],
    },
    {
      name: 'a YAML multi-error is split into lines',
      errors: [
        'yaml: unmarshal errors:\n  line 3: key "a" already set in map\n  line 5: key "b" already set in map',
      ],
      warnings: ['line 3: key "a" already set in map', 'line 5: key "b" already set in map'],
    },
    {
      name: 'the long YAML prefix too',
      errors: [
        'error converting YAML to JSON: yaml: unmarshal errors:\n  line 2: key "x" already set in map',
      ],
      warnings: ['line 2: key "x" already set in map'],
    },
  ];
  for (const c of warningCases) {
    it(c.name, () => {
      assert.deepEqual(strictDecodingWarnings(c.errors), c.warnings);
    });
  }
});

describe('transformDecodeError', () => {
  it('names the decoded kind when it is known', () => {
    const err = transformDecodeError(
      strictDecodingError(['duplicate field "data"']),
      'ConfigMap',
      '{"kind":"ConfigMap"}',
      { group: '', version: 'v1', kind: 'ConfigMap' },
    );
    assert.equal(
      err.status.message,
      'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: duplicate field "data"',
    );
  });

  it('summarizes an object body as text', () => {
    const body = '{"apiVersion":"v1","kind":"ConfigMap","data":';
    const err = transformDecodeError(
      badRequestMessage(() => decodeJsonObject(body)),
      'ConfigMap',
      body,
    );
    assert.equal(
      err.status.message,
      `the object provided is unrecognized (must be of type ConfigMap): ${PREFIX}unexpected end of JSON input ({"apiVersion":"v1","kind":"Con ...)`,
    );
  });

  it('summarizes other bodies as hex', () => {
    const err = transformDecodeError('boom', 'ConfigMap', 'k8s\0');
    assert.equal(
      err.status.message,
      'the object provided is unrecognized (must be of type ConfigMap): boom (6b387300)',
    );
  });
});

describe('encodeJson and encodeJsonBody', () => {
  const cases: { name: string; value: unknown; json: string }[] = [
    {
      name: 'compact',
      value: { a: [1, { b: null }], c: 'd' },
      json: '{"a":[1,{"b":null}],"c":"d"}',
    },
    {
      name: 'HTML characters escaped as Go does',
      value: { s: '<a href="x">&</a>' },
      json: '{"s":"\\u003ca href=\\"x\\"\\u003e\\u0026\\u003c/a\\u003e"}',
    },
    { name: 'JS line separators escaped', value: ['\u2028\u2029'], json: '["\\u2028\\u2029"]' },
    { name: 'other unicode kept', value: ['ü€😀'], json: '["ü€😀"]' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.equal(encodeJson(c.value), c.json);
      assert.deepEqual(JSON.parse(encodeJson(c.value)), c.value);
    });
  }

  it('a compact body ends with the newline json.Encoder writes', () => {
    assert.equal(encodeJsonBody({ a: '<' }), '{"a":"\\u003c"}\n');
  });

  it('a pretty body is indented by two spaces without a trailing newline', () => {
    assert.equal(encodeJsonBody({ a: [1] }, { pretty: true }), '{\n  "a": [\n    1\n  ]\n}');
  });
});

describe('watch event framing', () => {
  const events = [
    {
      type: 'ADDED' as const,
      object: { kind: 'ConfigMap', metadata: { name: 'a' }, data: { k: 'ü😀' } },
    },
    { type: 'MODIFIED' as const, object: { kind: 'ConfigMap', metadata: { name: '<b>' } } },
    {
      type: 'ERROR' as const,
      object: {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        code: 410,
        reason: 'Expired',
      },
    },
    {
      type: 'BOOKMARK' as const,
      object: { kind: 'ConfigMap', metadata: { resourceVersion: '12' } },
    },
  ];

  it('writes one JSON object per line', () => {
    assert.equal(
      encodeWatchEvent({ type: 'DELETED', object: { kind: 'X', metadata: { name: 'a&b' } } }),
      '{"type":"DELETED","object":{"kind":"X","metadata":{"name":"a\\u0026b"}}}\n',
    );
  });

  const stream = Buffer.from(events.map((e) => encodeWatchEvent(e)).join(''));
  const chunkings: { name: string; sizes: number }[] = [
    { name: 'whole stream at once', sizes: stream.length },
    { name: 'one byte at a time (splits multi-byte characters)', sizes: 1 },
    { name: 'chunks of 7 bytes', sizes: 7 },
  ];
  for (const c of chunkings) {
    it(`reads back ${c.name}`, () => {
      const decoder = new JsonWatchDecoder();
      const got = [];
      for (let i = 0; i < stream.length; i += c.sizes) {
        got.push(...decoder.push(stream.subarray(i, i + c.sizes)));
      }
      got.push(...decoder.end());
      assert.deepEqual(got, events);
    });
  }

  it('returns a last event without a trailing newline at end()', () => {
    const decoder = new JsonWatchDecoder();
    assert.deepEqual(decoder.push('{"type":"ADDED","object":{"a":1}}'), []);
    assert.deepEqual(decoder.end(), [{ type: 'ADDED', object: { a: 1 } }]);
  });

  it('skips blank lines', () => {
    const decoder = new JsonWatchDecoder();
    assert.deepEqual(decoder.push('\n\r\n{"type":"ADDED","object":{}}\n\n'), [
      { type: 'ADDED', object: {} },
    ]);
  });

  const malformed: { name: string; line: string; message: RegExp }[] = [
    {
      name: 'not JSON',
      line: '{"type":',
      message: /malformed watch event: unexpected end of JSON input/,
    },
    {
      name: 'unknown type',
      line: '{"type":"CHANGED","object":{}}',
      message: /malformed watch event/,
    },
    { name: 'no object', line: '{"type":"ADDED"}', message: /malformed watch event/ },
    { name: 'not an object', line: '[1]', message: /malformed watch event/ },
  ];
  for (const c of malformed) {
    it(`rejects ${c.name}`, () => {
      const decoder = new JsonWatchDecoder();
      assert.match(
        badRequestMessage(() => decoder.push(`${c.line}\n`)),
        c.message,
      );
    });
  }

  it('rejects an event longer than the limit, even before its newline', () => {
    const decoder = new JsonWatchDecoder({ maxLineLength: 100 });
    decoder.push('{"type":"ADDED","object":{"a":"');
    assert.throws(() => decoder.push('x'.repeat(200)), isBadRequest);
  });
});

describe('JSON properties', () => {
  // JSON.parse(JSON.stringify(v)) turns -0 into 0, the only value JSON cannot carry
  const canonical = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
  const objects = fc
    .dictionary(fc.string({ unit: 'binary' }), fc.jsonValue({ maxDepth: 4 }))
    .map(canonical);

  it('encode then decode gives back the object', () => {
    fc.assert(
      fc.property(objects, (object) => {
        const { object: decoded, strictErrors } = decodeJsonObject(encodeJson(object), {
          strict: true,
        });
        assert.deepStrictEqual(decoded, object);
        assert.deepEqual(strictErrors, []);
      }),
    );
  });

  it('a repeated key is always found, with its path', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary' }),
        fc.jsonValue({ maxDepth: 2 }),
        fc.jsonValue({ maxDepth: 2 }),
        (key, first, second) => {
          const k = JSON.stringify(key);
          const body = `{"outer":[{${k}:${JSON.stringify(first)},${k}:${JSON.stringify(second)}}]}`;
          const { strictErrors } = decodeJsonObject(body, { strict: true });
          assert.ok(
            strictErrors.includes(`duplicate field ${JSON.stringify(`outer[0].${key}`)}`),
            `${body} gave ${JSON.stringify(strictErrors)}`,
          );
        },
      ),
    );
  });

  it('Go-worded errors appear exactly when JSON.parse fails', () => {
    const mutated = fc
      .tuple(
        fc.jsonValue({ maxDepth: 3 }),
        fc.nat(),
        fc.constantFrom('', ',', '}', ']', '"', ':', 'x', '\\', '\u0001'),
      )
      .map(([value, at, insert]) => {
        const text = JSON.stringify(value) ?? 'null';
        const i = at % (text.length + 1);
        return text.slice(0, i) + insert + text.slice(i + (insert === '' ? 1 : 0));
      });
    fc.assert(
      fc.property(mutated, (text) => {
        let valid = true;
        try {
          JSON.parse(text);
        } catch {
          valid = false;
        }
        if (valid) {
          assert.doesNotThrow(() => decodeJson(text));
        } else {
          const message = badRequestMessage(() => decodeJson(text));
          assert.match(message, /^(invalid character '.+' .+|unexpected end of JSON input)$/s);
        }
      }),
    );
  });
});
