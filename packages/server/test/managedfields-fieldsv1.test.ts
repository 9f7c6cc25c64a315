// Paths (B2), the FieldsV1 encoding (B3.1, B3.2) and sets of values (B3.3a, B3.4) on the Widget type.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  comparePathElements,
  fieldElement,
  FieldSet,
  fieldSetFromValue,
  FieldsV1Error,
  fieldsV1ToSet,
  indexElement,
  keyElement,
  pathString,
  serializePathElement,
  setToFieldsV1,
  STRIP_SET,
  valueElement,
  type PathElement,
} from '../src/managedfields/index.js';
import { widget } from './fixtures/patch/schemas.js';

const f = fieldElement;

describe('path elements: order (B2)', () => {
  const ascending: { name: string; lower: PathElement; higher: PathElement }[] = [
    { name: 'field < key', lower: f('z'), higher: keyElement([['a', 1]]) },
    { name: 'key < value', lower: keyElement([['z', 'z']]), higher: valueElement(0) },
    { name: 'value < index', lower: valueElement(null), higher: indexElement(0) },
    { name: 'field names byte-wise: Z < _', lower: f('Z'), higher: f('_') },
    { name: 'field names byte-wise: _ < a', lower: f('_'), higher: f('a') },
    {
      name: 'field names by code point, not UTF-16 unit',
      lower: f('\uffff'),
      higher: f('\u{1F600}'),
    },
    { name: 'numbers numerically', lower: valueElement(80), higher: valueElement(443) },
    { name: 'ints and floats mix', lower: valueElement(1.5), higher: valueElement(2) },
    { name: 'number < string', lower: valueElement(99), higher: valueElement('1') },
    { name: 'strings byte-wise: "10" < "9"', lower: valueElement('10'), higher: valueElement('9') },
    { name: 'string < boolean', lower: valueElement('z'), higher: valueElement(false) },
    { name: 'false < true', lower: valueElement(false), higher: valueElement(true) },
    { name: 'boolean < list', lower: valueElement(true), higher: valueElement([]) },
    { name: 'lists element-wise', lower: valueElement([1, 9]), higher: valueElement([2]) },
    { name: 'lists then by length', lower: valueElement([1]), higher: valueElement([1, 0]) },
    { name: 'list < map', lower: valueElement([9]), higher: valueElement({}) },
    { name: 'map < null', lower: valueElement({ a: 1 }), higher: valueElement(null) },
    {
      name: 'keys by field name first',
      lower: keyElement([['a', 9]]),
      higher: keyElement([['b', 1]]),
    },
    {
      name: 'keys then by value',
      lower: keyElement([
        ['port', 80],
        ['protocol', 'UDP'],
      ]),
      higher: keyElement([
        ['port', 443],
        ['protocol', 'TCP'],
      ]),
    },
    {
      name: 'a key that is a prefix sorts first',
      lower: keyElement([['port', 80]]),
      higher: keyElement([
        ['port', 80],
        ['protocol', 'TCP'],
      ]),
    },
    { name: 'indexes numerically', lower: indexElement(2), higher: indexElement(10) },
  ];
  for (const tc of ascending) {
    it(tc.name, () => {
      assert.equal(comparePathElements(tc.lower, tc.higher), -1);
      assert.equal(comparePathElements(tc.higher, tc.lower), 1);
      assert.equal(comparePathElements(tc.lower, tc.lower), 0);
    });
  }
});

describe('path elements: human form and FieldsV1 keys (B2, B3.1)', () => {
  const cases: { name: string; path: PathElement[]; human: string; keys: string[] }[] = [
    {
      name: 'fields and a key',
      path: [f('spec'), f('containers'), keyElement([['name', 'main']]), f('image')],
      human: '.spec.containers[name="main"].image',
      keys: ['f:spec', 'f:containers', 'k:{"name":"main"}', 'f:image'],
    },
    {
      name: 'a key of two fields, sorted by name',
      path: [
        keyElement([
          ['protocol', 'TCP'],
          ['port', 80],
        ]),
      ],
      human: '[port=80,protocol="TCP"]',
      keys: ['k:{"port":80,"protocol":"TCP"}'],
    },
    {
      name: 'values and an index',
      path: [valueElement('blue'), valueElement(3), valueElement(1.5), indexElement(3)],
      human: '[="blue"][=3][=1.5][3]',
      keys: ['v:"blue"', 'v:3', 'v:1.5', 'i:3'],
    },
    {
      name: 'booleans, null, and Go escaping in the human form',
      path: [valueElement(true), valueElement(null), valueElement('a"b\\c\n\u0001é')],
      human: '[=true][=null][="a\\"b\\\\c\\n\\x01é"]',
      keys: ['v:true', 'v:null', 'v:"a\\"b\\\\c\\n\\u0001é"'],
    },
    {
      name: 'HTML characters are escaped in values but not in key names',
      path: [keyElement([['a<b', '<&>']]), valueElement('\u2028')],
      human: '[a<b="<&>"][="\\u2028"]',
      keys: ['k:{"a<b":"\\u003c\\u0026\\u003e"}', 'v:"\\u2028"'],
    },
    {
      name: 'field names are written raw',
      path: [f('kubectl.kubernetes.io/last-applied-configuration'), f('a"b')],
      human: '.kubectl.kubernetes.io/last-applied-configuration.a"b',
      keys: ['f:kubectl.kubernetes.io/last-applied-configuration', 'f:a"b'],
    },
  ];
  for (const tc of cases) {
    it(tc.name, () => {
      assert.equal(pathString(tc.path), tc.human);
      assert.deepEqual(tc.path.map(serializePathElement), tc.keys);
    });
  }
});

describe('FieldsV1 parsing (B3.2)', () => {
  const paths = (v: unknown) => fieldsV1ToSet(v).paths().map(pathString);
  const cases: { name: string; fields: unknown; paths: string[] }[] = [
    { name: 'the empty set', fields: {}, paths: [] },
    { name: 'null is the empty set', fields: null, paths: [] },
    { name: 'a leaf is a member', fields: { 'f:a': {} }, paths: ['.a'] },
    {
      name: 'a node with children but no "." is only a prefix',
      fields: { 'f:a': { 'f:b': {} } },
      paths: ['.a.b'],
    },
    {
      name: '"." makes the node a member too',
      fields: { 'f:a': { '.': {}, 'f:b': {} } },
      paths: ['.a', '.a.b'],
    },
    {
      name: 'keys, values and indexes',
      fields: { 'k:{"name":"x"}': { '.': {}, 'f:name': {} }, 'v:"b"': {}, 'i:2': {} },
      paths: ['[name="x"]', '[="b"]', '[2]', '[name="x"].name'],
    },
    {
      name: 'an unknown type letter is skipped with its subtree',
      fields: { 'x:zzz': { 'f:a': {} }, 'f:b': {} },
      paths: ['.b'],
    },
    {
      name: 'a node with only unknown keys is a leaf',
      fields: { 'f:a': { 'x:zzz': {} } },
      paths: ['.a'],
    },
    {
      name: 'key fields in any order are one element',
      fields: { 'k:{"b":2,"a":1}': { 'f:x': {} }, 'k:{"a":1,"b":2}': { '.': {} } },
      paths: ['[a=1,b=2]', '[a=1,b=2].x'],
    },
    { name: 'a null node is a leaf', fields: { 'f:a': null }, paths: ['.a'] },
  ];
  for (const tc of cases) {
    it(tc.name, () => {
      assert.deepEqual(paths(tc.fields), tc.paths);
    });
  }

  const errors: { name: string; fields: unknown; message: string | RegExp }[] = [
    { name: 'a one-character key', fields: { f: {} }, message: 'key must be 2 characters long:' },
    { name: 'no colon', fields: { 'fx:a': {} }, message: 'missing colon: fx:a' },
    { name: 'a bad index', fields: { 'i:x': {} }, message: /invalid syntax/ },
    { name: 'trailing data after a value', fields: { 'v:"a" 1': {} }, message: /JSON/ },
    { name: 'a key that is not an object', fields: { 'k:[1]': {} }, message: /not an object/ },
    { name: 'a node that is not an object', fields: { 'f:a': 1 }, message: /JSON object/ },
    { name: 'a root that is not an object', fields: [1], message: /JSON object/ },
  ];
  for (const tc of errors) {
    it(`rejects ${tc.name}`, () => {
      assert.throws(
        () => fieldsV1ToSet(tc.fields),
        (err: unknown) => {
          assert.ok(err instanceof FieldsV1Error);
          if (typeof tc.message === 'string') assert.equal(err.message, tc.message);
          else assert.match(err.message, tc.message);
          return true;
        },
      );
    });
  }
});

describe('FieldsV1 serialization (B3.1)', () => {
  it('writes "." first, then children in element order, and round-trips', () => {
    const set = FieldSet.fromPaths([
      [indexElement(1)],
      [valueElement('v')],
      [keyElement([['k', 1]])],
      [keyElement([['k', 1]]), f('z')],
      [f('b')],
      [f('a'), f('x')],
      [f('a')],
    ]);
    const json = JSON.stringify(setToFieldsV1(set));
    assert.equal(
      json,
      '{"f:a":{".":{},"f:x":{}},"f:b":{},"k:{\\"k\\":1}":{".":{},"f:z":{}},"v:\\"v\\"":{},"i:1":{}}',
    );
    assert.ok(fieldsV1ToSet(JSON.parse(json)).equals(set));
  });

  it('writes the empty set as {}', () => {
    assert.deepEqual(setToFieldsV1(FieldSet.EMPTY), {});
  });
});

describe('the set of a value (B3.3a): B3.4 worked examples and applied configurations of Part C', () => {
  const cases: { name: string; value: unknown; fieldsV1: string }[] = [
    {
      name: 'B3.4 example 1: struct fields with content are prefixes, map keys leaves',
      value: { metadata: { labels: { app: 'web' } }, spec: { replicas: 2, config: { k1: 'v1' } } },
      fieldsV1:
        '{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:config":{"f:k1":{}},"f:replicas":{}}}',
    },
    {
      name: 'B3.4 example 2: a list-map element',
      value: { spec: { containers: [{ name: 'main', image: 'nginx:1' }] } },
      fieldsV1:
        '{"f:spec":{"f:containers":{"k:{\\"name\\":\\"main\\"}":{".":{},"f:image":{},"f:name":{}}}}}',
    },
    {
      name: 'B3.4 example 2: a defaulted key field is in the identity only',
      value: { spec: { ports: [{ port: 80, name: 'http' }] } },
      fieldsV1:
        '{"f:spec":{"f:ports":{"k:{\\"port\\":80,\\"protocol\\":\\"TCP\\"}":{".":{},"f:name":{},"f:port":{}}}}}',
    },
    {
      name: 'B3.4 example 3: sets, sorted as values',
      value: { metadata: { finalizers: ['a.io/x'] }, spec: { tags: ['b', 'a', '10', '9'] } },
      fieldsV1:
        '{"f:metadata":{"f:finalizers":{"v:\\"a.io/x\\"":{}}},"f:spec":{"f:tags":{"v:\\"10\\"":{},"v:\\"9\\"":{},"v:\\"a\\"":{},"v:\\"b\\"":{}}}}',
    },
    {
      name: 'B3.4 example 4: an atomic list and an atomic map are leaves',
      value: { spec: { args: ['--v=1', '--x'], selector: { app: 'web' } } },
      fieldsV1: '{"f:spec":{"f:args":{},"f:selector":{}}}',
    },
    {
      name: 'B3.4 example 5: null and an empty map are leaves',
      value: { spec: { image: null, config: {} } },
      fieldsV1: '{"f:spec":{"f:config":{},"f:image":{}}}',
    },
    {
      name: 'B3.4 example 5: preserve-unknown keys are members with children; deduced lists atomic',
      value: { spec: { extra: { a: { b: 1 }, list: [1, 2] } } },
      fieldsV1: '{"f:spec":{"f:extra":{"f:a":{".":{},"f:b":{}},"f:list":{}}}}',
    },
    {
      name: 'B3.4 example 6: key order across elements',
      value: {
        spec: {
          ports: [{ port: 443, protocol: 'TCP' }, { port: 80, protocol: 'UDP' }, { port: 80 }],
        },
      },
      fieldsV1:
        '{"f:spec":{"f:ports":{"k:{\\"port\\":80,\\"protocol\\":\\"TCP\\"}":{".":{},"f:port":{}},"k:{\\"port\\":80,\\"protocol\\":\\"UDP\\"}":{".":{},"f:port":{},"f:protocol":{}},"k:{\\"port\\":443,\\"protocol\\":\\"TCP\\"}":{".":{},"f:port":{},"f:protocol":{}}}}}',
    },
    {
      name: 'C-01 config (with envelope, stripped as B5.6)',
      value: {
        apiVersion: 'example.com/v1',
        kind: 'Widget',
        metadata: { name: 'w', namespace: 'default', labels: { app: 'web' } },
        spec: {
          replicas: 2,
          args: ['--v=1', '--x'],
          tags: ['blue', 'green'],
          config: { k1: 'v1' },
          selector: { app: 'web' },
          containers: [{ name: 'main', image: 'nginx:1' }],
        },
      },
      fieldsV1:
        '{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:args":{},"f:config":{"f:k1":{}},"f:containers":{"k:{\\"name\\":\\"main\\"}":{".":{},"f:image":{},"f:name":{}}},"f:replicas":{},"f:selector":{},"f:tags":{"v:\\"blue\\"":{},"v:\\"green\\"":{}}}}',
    },
    {
      name: 'C-12 alice: two list-map elements',
      value: {
        spec: {
          containers: [
            { name: 'init', image: 'busybox' },
            { name: 'main', image: 'nginx' },
          ],
        },
      },
      fieldsV1:
        '{"f:spec":{"f:containers":{"k:{\\"name\\":\\"init\\"}":{".":{},"f:image":{},"f:name":{}},"k:{\\"name\\":\\"main\\"}":{".":{},"f:image":{},"f:name":{}}}}}',
    },
    {
      name: 'C-17 an empty struct is a leaf',
      value: { spec: {} },
      fieldsV1: '{"f:spec":{}}',
    },
    {
      name: 'C-18 bob: set elements',
      value: { spec: { tags: ['x', 'a'] } },
      fieldsV1: '{"f:spec":{"f:tags":{"v:\\"a\\"":{},"v:\\"x\\"":{}}}}',
    },
    {
      name: 'C-19 bob: an explicit key field is owned',
      value: { spec: { ports: [{ port: 80, protocol: 'UDP', name: 'dns' }] } },
      fieldsV1:
        '{"f:spec":{"f:ports":{"k:{\\"port\\":80,\\"protocol\\":\\"UDP\\"}":{".":{},"f:name":{},"f:port":{},"f:protocol":{}}}}}',
    },
    {
      name: 'C-38 an empty labels map is a leaf',
      value: { metadata: { labels: {} } },
      fieldsV1: '{"f:metadata":{"f:labels":{}}}',
    },
    {
      name: 'C-39 bob: a nested preserve-unknown map',
      value: { spec: { extra: { a: { c: 2 } } } },
      fieldsV1: '{"f:spec":{"f:extra":{"f:a":{".":{},"f:c":{}}}}}',
    },
  ];
  for (const tc of cases) {
    it(tc.name, () => {
      const set = fieldSetFromValue(tc.value, widget.root).difference(STRIP_SET);
      assert.equal(JSON.stringify(setToFieldsV1(set)), tc.fieldsV1);
    });
  }

  it('a duplicated identity is owned as a leaf (B5.9)', () => {
    const set = fieldSetFromValue(
      {
        spec: {
          containers: [
            {
              name: 'c',
              env: [
                { name: 'PATH', value: '/bin' },
                { name: 'PATH', value: '/usr/bin' },
              ],
            },
          ],
        },
      },
      widget.root,
    );
    assert.equal(
      JSON.stringify(setToFieldsV1(set)),
      '{"f:spec":{"f:containers":{"k:{\\"name\\":\\"c\\"}":{".":{},"f:env":{"k:{\\"name\\":\\"PATH\\"}":{}},"f:name":{}}}}}',
    );
  });
});

describe('FieldSet algebra', () => {
  const p = (...names: string[]) => names.map(f);
  const a = FieldSet.fromPaths([p('x'), p('x', 'y'), p('z', 'w')]);
  const b = FieldSet.fromPaths([p('x', 'y'), p('z')]);

  it('union', () => {
    assert.deepEqual(a.union(b).paths().map(pathString), ['.x', '.z', '.x.y', '.z.w']);
  });
  it('intersection', () => {
    assert.deepEqual(a.intersection(b).paths().map(pathString), ['.x.y']);
  });
  it('difference does not remove what is below a removed member', () => {
    assert.deepEqual(a.difference(b).paths().map(pathString), ['.x', '.z.w']);
  });
  it('recursive difference removes what is below a member', () => {
    assert.deepEqual(a.recursiveDifference(b).paths().map(pathString), ['.x']);
  });
  it('has, leaves and equality', () => {
    assert.equal(a.has(p('x', 'y')), true);
    assert.equal(a.has(p('z')), false);
    assert.equal(a.has([]), false);
    assert.deepEqual(a.leaves().paths().map(pathString), ['.x.y', '.z.w']);
    assert.ok(a.equals(FieldSet.fromPaths(a.paths())));
    assert.equal(a.equals(b), false);
    assert.equal(a.size, 3);
  });
  it('marks declared struct fields with content as members (B5.5)', () => {
    const set = FieldSet.fromPaths([[f('spec'), f('config'), f('k1')]]);
    assert.deepEqual(set.ensureNamedFieldsAreMembers(widget.root).paths().map(pathString), [
      '.spec',
      '.spec.config',
      '.spec.config.k1',
    ]);
  });
});
