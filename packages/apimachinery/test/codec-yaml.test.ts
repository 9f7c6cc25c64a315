import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  decodeYaml,
  decodeYamlDocuments,
  decodeYamlObject,
  encodeYaml,
  StatusError,
} from '../src/index.js';

function failure(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof StatusError, `expected a StatusError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected a failure');
}

function badRequestMessage(fn: () => unknown): string {
  const err = failure(fn);
  assert.equal(err.code, 400);
  assert.equal(err.reason, 'BadRequest');
  return err.status.message ?? '';
}

describe('decodeYaml: scalars as go-yaml v2 (YAML 1.1) resolves them', () => {
  const cases: { name: string; yaml: string; value: unknown }[] = [
    { name: 'yes', yaml: 'yes', value: true },
    { name: 'Yes', yaml: 'Yes', value: true },
    { name: 'YES', yaml: 'YES', value: true },
    { name: 'no', yaml: 'no', value: false },
    { name: 'on', yaml: 'on', value: true },
    { name: 'off', yaml: 'OFF', value: false },
    { name: 'y', yaml: 'y', value: true },
    { name: 'N', yaml: 'N', value: false },
    { name: 'True', yaml: 'True', value: true },
    { name: 'mixed case is a string', yaml: 'tRue', value: 'tRue' },
    { name: 'yes with more words is a string', yaml: 'yes please', value: 'yes please' },
    { name: 'tilde', yaml: '~', value: null },
    { name: 'Null', yaml: 'Null', value: null },
    { name: 'empty value', yaml: '', value: null },
    { name: 'decimal', yaml: '42', value: 42 },
    { name: 'signed', yaml: '+42', value: 42 },
    { name: 'leading-zero octal', yaml: '0777', value: 511 },
    { name: '0o octal', yaml: '0o17', value: 15 },
    { name: 'hex', yaml: '0x1F', value: 31 },
    { name: 'negative hex', yaml: '-0x1F', value: -31 },
    { name: 'binary', yaml: '0b101', value: 5 },
    { name: 'underscores', yaml: '1_000_000', value: 1000000 },
    { name: 'not octal, so a float', yaml: '08', value: 8 },
    { name: 'exponent', yaml: '1e3', value: 1000 },
    { name: 'leading dot', yaml: '.5', value: 0.5 },
    { name: 'trailing dot', yaml: '1.', value: 1 },
    { name: 'uint64', yaml: '18446744073709551615', value: Number(18446744073709551615n) },
    {
      name: 'beyond uint64 becomes a float',
      yaml: '18446744073709551616',
      value: 18446744073709551616,
    },
    { name: 'overflowing float stays a string', yaml: '1e400', value: '1e400' },
    { name: 'base 60 is a string in go-yaml', yaml: '1:20', value: '1:20' },
    { name: 'dates stay strings', yaml: '2001-12-14', value: '2001-12-14' },
    {
      name: 'timestamps stay strings',
      yaml: '2001-12-14T21:59:43.10-05:00',
      value: '2001-12-14T21:59:43.10-05:00',
    },
    { name: 'double-quoted', yaml: '"yes"', value: 'yes' },
    { name: 'single-quoted', yaml: "'0777'", value: '0777' },
    { name: 'literal block', yaml: '|\n  true\n', value: 'true\n' },
    { name: 'explicit !!str', yaml: '!!str 12', value: '12' },
    { name: 'explicit !!int', yaml: '!!int "12"', value: 12 },
    { name: 'explicit !!float on an int', yaml: '!!float 1', value: 1 },
    { name: 'explicit !!bool', yaml: '!!bool "on"', value: true },
    { name: 'local tags leave a string', yaml: '!thing 12', value: '12' },
    { name: '!!binary', yaml: '!!binary aGVsbG8=', value: 'hello' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepStrictEqual(decodeYaml(`v: ${c.yaml}`), { v: c.value });
    });
  }

  const errors: { name: string; yaml: string; message: string }[] = [
    { name: '.inf cannot be JSON', yaml: 'v: .inf', message: 'json: unsupported value: +Inf' },
    { name: '-.inf cannot be JSON', yaml: 'v: -.Inf', message: 'json: unsupported value: -Inf' },
    { name: '.nan cannot be JSON', yaml: 'v: .NaN', message: 'json: unsupported value: NaN' },
    {
      name: 'a tag the value contradicts',
      yaml: 'v: !!int foo',
      message: 'yaml: cannot decode !!str `foo` as a !!int',
    },
    {
      name: 'bad base64',
      yaml: 'v: !!binary "#"',
      message: 'yaml: !!binary value contains invalid base64 data',
    },
  ];
  for (const c of errors) {
    it(`rejects ${c.name}`, () => {
      assert.equal(
        badRequestMessage(() => decodeYaml(c.yaml)),
        c.message,
      );
    });
  }
});

describe('decodeYaml: map keys as sigs.k8s.io/yaml stringifies them', () => {
  const cases: { name: string; yaml: string; value: unknown }[] = [
    { name: 'int', yaml: '1: a', value: { '1': 'a' } },
    { name: 'hex int', yaml: '0x10: a', value: { '16': 'a' } },
    {
      name: 'float at float32 precision',
      yaml: '1.5: a\n0.1: b\n123456.789: c',
      value: { '1.5': 'a', '0.1': 'b', '123456.79': 'c' },
    },
    { name: 'float in exponent form', yaml: '1e6: a\n1.0: b', value: { '1e+06': 'a', '1': 'b' } },
    { name: 'infinite float', yaml: '.inf: a', value: { '.inf': 'a' } },
    { name: 'bool', yaml: 'true: a\nyes: b\nn: c', value: { true: 'b', false: 'c' } },
    { name: 'quoted key stays as written', yaml: '"yes": a', value: { yes: 'a' } },
    {
      name: '__proto__ is an own key',
      yaml: '__proto__: {x: 1}',
      value: JSON.parse('{"__proto__":{"x":1}}'),
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepStrictEqual(decodeYaml(c.yaml), c.value);
    });
  }

  const errors: { name: string; yaml: string; message: string }[] = [
    {
      name: 'null key',
      yaml: '~: a',
      message: 'unsupported map key of type: %!s(<nil>), key: <nil>, value: "a"',
    },
    {
      name: 'uint64 key',
      yaml: '18446744073709551615: a',
      message: 'unsupported map key of type: uint64, key: 0xffffffffffffffff, value: "a"',
    },
    { name: 'map as key', yaml: '? {a: 1}\n: x', message: 'yaml: invalid map key: {"a":1}' },
  ];
  for (const c of errors) {
    it(`rejects a ${c.name}`, () => {
      assert.equal(
        badRequestMessage(() => decodeYaml(c.yaml)),
        c.message,
      );
    });
  }
});

describe('decodeYaml: anchors, aliases and merge keys', () => {
  it('copies aliased values as independent objects', () => {
    const value = decodeYaml('a: &x {k: [1]}\nb: *x') as { a: { k: number[] }; b: { k: number[] } };
    assert.deepStrictEqual(value, { a: { k: [1] }, b: { k: [1] } });
    value.a.k.push(2);
    assert.deepStrictEqual(value.b.k, [1]);
  });

  it('uses the latest definition of a redefined anchor', () => {
    assert.deepStrictEqual(decodeYaml('a: &x 1\nb: *x\nc: &x 2\nd: *x'), {
      a: 1,
      b: 1,
      c: 2,
      d: 2,
    });
  });

  const merges: { name: string; yaml: string; value: unknown }[] = [
    {
      name: 'a merged map, overridden by a later key',
      yaml: 'base: &b {a: 1, b: 2}\nx:\n  <<: *b\n  b: 3',
      value: { base: { a: 1, b: 2 }, x: { a: 1, b: 3 } },
    },
    {
      name: 'a sequence of maps, earlier ones winning',
      yaml: 'p: &p {a: 1}\nq: &q {a: 2, c: 3}\nx:\n  <<: [*p, *q]',
      value: { p: { a: 1 }, q: { a: 2, c: 3 }, x: { a: 1, c: 3 } },
    },
    {
      name: 'an inline map',
      yaml: 'x:\n  <<: {a: 1}\n  b: 2',
      value: { x: { a: 1, b: 2 } },
    },
    {
      name: 'a quoted "<<" is an ordinary key',
      yaml: 'x:\n  "<<": {a: 1}',
      value: { x: { '<<': { a: 1 } } },
    },
  ];
  for (const c of merges) {
    it(`merges ${c.name}`, () => {
      assert.deepStrictEqual(decodeYaml(c.yaml), c.value);
    });
  }

  const errors: { name: string; yaml: string; message: string }[] = [
    {
      name: 'an undefined alias',
      yaml: 'a: *nope',
      message: "yaml: unknown anchor 'nope' referenced",
    },
    {
      name: 'an anchor containing itself',
      yaml: 'a: &x [1, *x]',
      message: "yaml: anchor 'x' value contains itself",
    },
    {
      name: 'a merge of a scalar',
      yaml: 'x:\n  <<: 1',
      message: 'yaml: map merge requires map or sequence of maps as the value',
    },
    {
      name: 'a merge of a sequence holding a scalar',
      yaml: 's: &s 1\nx:\n  <<: [*s]',
      message: 'yaml: map merge requires map or sequence of maps as the value',
    },
  ];
  for (const c of errors) {
    it(`rejects ${c.name}`, () => {
      assert.equal(
        badRequestMessage(() => decodeYaml(c.yaml)),
        c.message,
      );
    });
  }
});

describe('decodeYamlObject', () => {
  it('reads a manifest', () => {
    const { object, strictErrors } = decodeYamlObject(
      Buffer.from(
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  enabled: "yes"\n',
      ),
    );
    assert.deepStrictEqual(object, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'x' },
      data: { enabled: 'yes' },
    });
    assert.deepStrictEqual(strictErrors, []);
  });

  it('reads only the first document, as go-yaml Unmarshal', () => {
    assert.deepStrictEqual(decodeYamlObject('a: 1\n---\nb: [[[\n').object, { a: 1 });
  });

  const strict: { name: string; yaml: string; errors: string[]; object: unknown }[] = [
    {
      name: 'duplicate keys, the last value kept',
      yaml: 'a: 1\nb: 2\na: 3\nc:\n  d: 1\n  d: 2\n',
      errors: [
        'yaml: unmarshal errors:\n  line 3: key "a" already set in map\n  line 6: key "d" already set in map',
      ],
      object: { a: 3, b: 2, c: { d: 2 } },
    },
    {
      name: 'a merge overridden by a key, as go-yaml v2 strict reports it',
      yaml: 'base: &b {a: 1}\nx:\n  <<: *b\n  a: 2\n',
      errors: ['yaml: unmarshal errors:\n  line 4: key "a" already set in map'],
      object: { base: { a: 1 }, x: { a: 2 } },
    },
    {
      name: '1 and "1" are different keys to go-yaml',
      yaml: '1: a\n"1": b\n',
      errors: [],
      object: { '1': 'b' },
    },
    { name: 'no duplicates', yaml: 'a: 1\nb: {a: 2}\n', errors: [], object: { a: 1, b: { a: 2 } } },
  ];
  for (const c of strict) {
    it(`strict: ${c.name}`, () => {
      const { object, strictErrors } = decodeYamlObject(c.yaml, { strict: true });
      assert.deepStrictEqual(strictErrors, c.errors);
      assert.deepStrictEqual(object, c.object);
    });
  }

  it('does not report duplicates unless strict', () => {
    assert.deepStrictEqual(decodeYamlObject('a: 1\na: 2').strictErrors, []);
  });

  const notObjects: { name: string; yaml: string; message: RegExp }[] = [
    { name: 'empty body', yaml: '', message: /^Object 'Kind' is missing in ''$/ },
    { name: 'comment only', yaml: '# nothing\n', message: /^Object 'Kind' is missing/ },
    { name: 'a sequence', yaml: '- a\n', message: /cannot unmarshal array into Go value/ },
    { name: 'a scalar', yaml: 'hello\n', message: /cannot unmarshal string into Go value/ },
  ];
  for (const c of notObjects) {
    it(`rejects ${c.name}`, () => {
      assert.match(
        badRequestMessage(() => decodeYamlObject(c.yaml)),
        c.message,
      );
    });
  }
});

describe('decodeYaml: malformed YAML is a 400 with the line', () => {
  const cases: { name: string; yaml: string; line: number }[] = [
    { name: 'nested mapping on one line', yaml: 'a: b: c', line: 1 },
    { name: 'bad indentation', yaml: 'a:\n  b: 1\n c: 2', line: 3 },
    { name: 'unclosed flow sequence', yaml: 'a: 1\nb: [1, 2\n', line: 2 },
    { name: 'unclosed quote', yaml: 'a: 1\nb: "x\n', line: 2 },
    { name: 'tab indentation', yaml: 'a:\n\t- b', line: 2 },
    { name: 'reserved character', yaml: 'a: 1\n\nb: @x', line: 3 },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const message = badRequestMessage(() => decodeYaml(c.yaml));
      assert.match(message, new RegExp(`^yaml: line ${c.line}: \\S`));
    });
  }
});

describe('decodeYamlDocuments: multi-document streams', () => {
  const cases: { name: string; yaml: string; objects: unknown[] }[] = [
    { name: 'two documents', yaml: 'a: 1\n---\nb: 2\n', objects: [{ a: 1 }, { b: 2 }] },
    {
      name: 'empty, comment-only and null documents skipped',
      yaml: '---\n---\n# just a comment\n---\na: 1\n---\nnull\n---\n~\n---\nb: 2\n...\n---\n',
      objects: [{ a: 1 }, { b: 2 }],
    },
    { name: 'an empty stream', yaml: '', objects: [] },
    {
      name: 'anchors do not cross documents',
      yaml: 'a: &x 1\nb: *x\n---\nc: &x 2\nd: *x\n',
      objects: [
        { a: 1, b: 1 },
        { c: 2, d: 2 },
      ],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepStrictEqual(decodeYamlDocuments(c.yaml), c.objects);
    });
  }

  it('rejects a document that is not an object', () => {
    assert.equal(
      badRequestMessage(() => decodeYamlDocuments('a: 1\n---\n- x\n')),
      'yaml: document 2 is not an object',
    );
  });

  it('reports a syntax error in a later document', () => {
    assert.match(
      badRequestMessage(() => decodeYamlDocuments('a: 1\n---\nb: [\n')),
      /^yaml: line 3: /,
    );
  });
});

describe('decodeYaml: resource limits', () => {
  // CVE-2019-11253: nine levels of nine aliases would expand to 9^9 strings
  const billionLaughs = [
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
    'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
    'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
    'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
    'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
    'f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]',
    'g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]',
    'h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]',
    'i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]',
  ].join('\n');

  it('rejects the billion laughs within 100 ms and without a memory blow-up', () => {
    decodeYaml('warm: {up: [1, 2, *x]}\nx: &x 1'.replace('*x', '3')); // load the parser first
    const heapBefore = process.memoryUsage().heapUsed;
    const started = performance.now();
    const err = failure(() => decodeYamlObject(billionLaughs));
    const elapsed = performance.now() - started;
    const grown = process.memoryUsage().heapUsed - heapBefore;
    assert.equal(err.code, 400);
    assert.equal(err.status.message, 'yaml: document contains excessive aliasing');
    assert.ok(elapsed < 100, `took ${elapsed.toFixed(1)} ms`);
    assert.ok(grown < 32 * 1024 * 1024, `heap grew by ${grown} bytes`);
  });

  it('still allows moderate aliasing', () => {
    const yaml = `base: &b {k: v}\n${Array.from({ length: 50 }, (_, i) => `x${i}: *b`).join('\n')}`;
    const value = decodeYaml(yaml) as Record<string, unknown>;
    assert.equal(Object.keys(value).length, 51);
    assert.deepStrictEqual(value.x49, { k: 'v' });
  });

  const deep: { name: string; yaml: string }[] = [
    { name: 'flow sequences', yaml: `a: ${'['.repeat(5000)}${']'.repeat(5000)}` },
    { name: 'flow maps', yaml: `${'{a: '.repeat(2000)}1${'}'.repeat(2000)}` },
    // this one crashed the process inside the YAML library before the depth check existed
    { name: 'compact block sequences', yaml: `${'- '.repeat(5000)}x` },
    {
      name: 'block maps',
      yaml: Array.from({ length: 400 }, (_, i) => `${' '.repeat(i)}k:`).join('\n'),
    },
    {
      name: 'aliases that stack depth',
      yaml: [
        'a0: &a0 [x]',
        ...Array.from(
          { length: 20 },
          (_, i) => `a${i + 1}: &a${i + 1} ${'['.repeat(20)}*a${i}${']'.repeat(20)}`,
        ),
      ].join('\n'),
    },
  ];
  for (const c of deep) {
    it(`rejects deep ${c.name}`, () => {
      assert.match(
        badRequestMessage(() => decodeYaml(c.yaml)),
        /^yaml: exceeded max depth of 300$/,
      );
    });
  }

  it('honours a custom depth limit', () => {
    assert.deepStrictEqual(decodeYaml('a: [[1]]', { maxDepth: 3 }), { a: [[1]] });
    assert.throws(() => decodeYaml('a: [[1]]', { maxDepth: 2 }), StatusError);
  });

  it('rejects a body over the size limit with a 413', () => {
    const err = failure(() => decodeYamlObject(`a: ${'x'.repeat(100)}`, { maxBytes: 64 }));
    assert.equal(err.code, 413);
    assert.equal(err.status.message, 'Request entity too large: limit is 64');
  });
});

describe('encodeYaml: kubectl -o yaml style', () => {
  it('prints a manifest as kubectl does', () => {
    const object = {
      kind: 'Pod',
      apiVersion: 'v1',
      metadata: {
        name: 'web',
        labels: { app: 'web', tier: 'yes' },
        annotations: {
          'kubectl.kubernetes.io/last-applied-configuration': '{"apiVersion":"v1","kind":"Pod"}\n',
        },
      },
      spec: {
        containers: [
          {
            name: 'nginx',
            image: 'nginx:1.25',
            command: ['sh', '-c', 'echo hi'],
            ports: [{ containerPort: 80, protocol: 'TCP' }],
            env: [{ name: 'MODE', value: '0777' }],
            resources: {},
          },
        ],
        tolerations: [],
        priority: 0,
        nodeSelector: null,
      },
    };
    assert.equal(
      encodeYaml(object),
      [
        'apiVersion: v1',
        'kind: Pod',
        'metadata:',
        '  annotations:',
        '    kubectl.kubernetes.io/last-applied-configuration: |',
        '      {"apiVersion":"v1","kind":"Pod"}',
        '  labels:',
        '    app: web',
        '    tier: "yes"',
        '  name: web',
        'spec:',
        '  containers:',
        '  - command:',
        '    - sh',
        '    - -c',
        '    - echo hi',
        '    env:',
        '    - name: MODE',
        '      value: "0777"',
        '    image: nginx:1.25',
        '    name: nginx',
        '    ports:',
        '    - containerPort: 80',
        '      protocol: TCP',
        '    resources: {}',
        '  nodeSelector: null',
        '  priority: 0',
        '  tolerations: []',
        '',
      ].join('\n'),
    );
  });

  const strings: { name: string; value: string; yaml: string }[] = [
    { name: 'yes', value: 'yes', yaml: '"yes"' },
    { name: 'y', value: 'y', yaml: '"y"' },
    { name: 'off', value: 'off', yaml: '"off"' },
    { name: 'octal-looking', value: '0777', yaml: '"0777"' },
    { name: 'exponent-looking', value: '1e3', yaml: '"1e3"' },
    { name: 'null', value: 'null', yaml: '"null"' },
    { name: 'tilde', value: '~', yaml: '"~"' },
    { name: 'empty', value: '', yaml: '""' },
    { name: 'merge key', value: '<<', yaml: '"<<"' },
    { name: 'underscored number', value: '1_', yaml: '"1_"' },
    { name: 'plain words', value: 'hello world', yaml: 'hello world' },
    {
      name: 'a long string is not folded',
      value: `${'word '.repeat(40)}end`,
      yaml: `${'word '.repeat(40)}end`,
    },
  ];
  for (const c of strings) {
    it(`quotes ${c.name} only when needed`, () => {
      assert.equal(encodeYaml({ v: c.value }), `v: ${c.yaml}\n`);
      assert.deepStrictEqual(decodeYaml(encodeYaml({ v: c.value })), { v: c.value });
    });
  }

  const numbers: { name: string; value: number; yaml: string }[] = [
    { name: 'integer', value: 3, yaml: '3' },
    { name: 'fraction', value: 0.5, yaml: '0.5' },
    { name: 'float with a large exponent', value: 1234567.5, yaml: '1.2345675e+06' },
    { name: 'small float', value: 1e-7, yaml: '1e-07' },
    { name: 'big integer', value: 1e21, yaml: '1e+21' },
    { name: 'integer beyond 2^53', value: 2 ** 60, yaml: '1152921504606846976' },
  ];
  for (const c of numbers) {
    it(`prints a ${c.name} as go-yaml does`, () => {
      assert.equal(encodeYaml({ x: c.value }), `x: ${c.yaml}\n`);
      assert.deepStrictEqual(decodeYaml(encodeYaml({ x: c.value })), { x: c.value });
    });
  }

  it('orders keys as go-yaml (letters first, digit runs numerically)', () => {
    const yaml = encodeYaml({ b: 1, a10: 1, a2: 1, B: 1, _x: 1, '10': 1, '9': 1 });
    assert.deepEqual(
      yaml
        .trimEnd()
        .split('\n')
        .map((line) => line.split(':')[0]),
      ['_x', '"9"', '"10"', 'B', 'a2', 'a10', 'b'],
    );
  });

  it('quotes keys that YAML 1.1 would re-type', () => {
    assert.equal(
      encodeYaml({ yes: 1, '1.0': 2, on: 3, n: 4 }),
      '"1.0": 2\n"n": 4\n"on": 3\n"yes": 1\n',
    );
  });
});

describe('YAML properties', () => {
  // strings YAML 1.1 would re-type or that need quoting, mixed with arbitrary text
  const tricky = fc.constantFrom(
    ...['yes', 'No', 'ON', 'off', 'y', 'n', 'true', 'null', 'Null', '~', '', ' ', '0777', '0o17'],
    ...['0x1F', '0b101', '1e3', '1_000', '1_', '08', '.5', '+1', '-0', '.inf', '-.Inf', '.NaN'],
    ...['1:20', '2001-12-14', '<<', '- a', '? x', ': y', '#c', '&a', '*a', '!t', '%', '@', '`'],
    ...['|', '>', "'", '"', '{', '[', 'a: b', 'a #b', '---', '...', '\\', '\u00a0', '😀'],
    ...['\n', 'a\n', '\na', ' a', 'a ', '\n a', ' a\nb', 'a\n\nb\n', ' \n', 'a \nb', '\t'],
    ...['x\u0001y', '\u0000', '\r', 'a\r\nb', '\u0085', 'a\u2028b', '\u2029', '\ufeff', '\ufeffa'],
  );
  // short strings over an alphabet of YAML's syntax characters
  const syntax = fc.string({
    unit: fc.constantFrom(
      'a',
      '0',
      '.',
      ' ',
      '\n',
      '\t',
      '-',
      ':',
      '#',
      '"',
      "'",
      '\\',
      '[',
      '{',
      ',',
      '|',
      '>',
      '&',
      '*',
      '!',
    ),
    maxLength: 12,
  });
  const text = fc.oneof(
    tricky,
    syntax,
    fc.string({ unit: 'grapheme', maxLength: 20 }),
    fc.string({ unit: 'binary', maxLength: 20 }),
  );
  const { value } = fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      text,
      fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => (Object.is(d, -0) ? 0 : d)),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.array(tie('value'), { maxLength: 4 }),
      fc.dictionary(text, tie('value'), { maxKeys: 4, noNullPrototype: true }),
    ),
  }));

  it('encode then decode gives back the value exactly', () => {
    fc.assert(
      fc.property(value, (v) => {
        const yaml = encodeYaml(v);
        assert.deepStrictEqual(decodeYaml(yaml), v, yaml);
      }),
      { numRuns: 500 },
    );
  });

  it('objects survive a stream of documents', () => {
    fc.assert(
      fc.property(
        fc.array(fc.dictionary(text, value, { minKeys: 1, maxKeys: 3, noNullPrototype: true }), {
          maxLength: 3,
        }),
        (objects) => {
          const stream = objects.map((o) => encodeYaml(o)).join('---\n');
          assert.deepStrictEqual(decodeYamlDocuments(stream), objects);
        },
      ),
    );
  });
});
