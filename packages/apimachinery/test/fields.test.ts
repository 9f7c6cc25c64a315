import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { StatusError, notFound } from '../src/errors.js';
import {
  defaultFieldLabelConversion,
  escapeFieldValue,
  fieldSelectorFromSet,
  fieldsEverything,
  oneTermEqualSelector,
  oneTermNotEqualSelector,
  parseFieldSelector,
  supportedFieldLabels,
  unescapeFieldValue,
  type FieldRequirement,
  type FieldTransform,
} from '../src/fields.js';

function badRequestMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof StatusError, `expected a StatusError, got ${String(err)}`);
    assert.equal(err.code, 400);
    assert.equal(err.reason, 'BadRequest');
    return err.message;
  }
  assert.fail('expected an error');
}

describe('escapeFieldValue / unescapeFieldValue', () => {
  const cases: { unescaped: string; escaped: string }[] = [
    { unescaped: '', escaped: '' },
    { unescaped: 'a', escaped: 'a' },
    { unescaped: '=', escaped: '\\=' },
    { unescaped: ',', escaped: '\\,' },
    { unescaped: '\\', escaped: '\\\\' },
    { unescaped: '\\=\\,\\', escaped: '\\\\\\=\\\\\\,\\\\' },
    { unescaped: '함=수', escaped: '함\\=수' },
  ];
  for (const c of cases) {
    it(`${JSON.stringify(c.unescaped)} ⇄ ${JSON.stringify(c.escaped)}`, () => {
      assert.equal(escapeFieldValue(c.unescaped), c.escaped);
      assert.equal(unescapeFieldValue(c.escaped), c.unescaped);
    });
  }

  const invalid: { input: string; message: string }[] = [
    { input: '\\', message: 'invalid field selector: invalid escape sequence: \\' },
    { input: '\\\\\\', message: 'invalid field selector: invalid escape sequence: \\' },
    { input: '\\a', message: 'invalid field selector: invalid escape sequence: \\a' },
    { input: 'x\\😀', message: 'invalid field selector: invalid escape sequence: \\😀' },
    { input: 'a=b', message: 'invalid field selector: unescaped character in value: 61' },
    { input: 'a,b', message: 'invalid field selector: unescaped character in value: 44' },
  ];
  for (const c of invalid) {
    it(`rejects ${JSON.stringify(c.input)}`, () => {
      assert.equal(
        badRequestMessage(() => unescapeFieldValue(c.input)),
        c.message,
      );
    });
  }
});

describe('parseFieldSelector: accepted selectors', () => {
  const cases: {
    name: string;
    input: string;
    canonical: string;
    requirements: FieldRequirement[];
  }[] = [
    { name: 'empty', input: '', canonical: '', requirements: [] },
    {
      name: 'three equalities',
      input: 'x=a,y=b,z=c',
      canonical: 'x=a,y=b,z=c',
      requirements: [
        { field: 'x', operator: '=', value: 'a' },
        { field: 'y', operator: '=', value: 'b' },
        { field: 'z', operator: '=', value: 'c' },
      ],
    },
    {
      name: 'not equal',
      input: 'x!=a,y=b',
      canonical: 'x!=a,y=b',
      requirements: [
        { field: 'x', operator: '!=', value: 'a' },
        { field: 'y', operator: '=', value: 'b' },
      ],
    },
    {
      name: 'escaped equals keeps the bars',
      input: 'x=a||y\\=b',
      canonical: 'x=a||y\\=b',
      requirements: [{ field: 'x', operator: '=', value: 'a||y=b' }],
    },
    {
      name: 'two escaped equals',
      input: 'x=a\\=\\=b',
      canonical: 'x=a\\=\\=b',
      requirements: [{ field: 'x', operator: '=', value: 'a==b' }],
    },
    {
      name: 'double equals prints as equals',
      input: 'b==bvalue',
      canonical: 'b=bvalue',
      requirements: [{ field: 'b', operator: '=', value: 'bvalue' }],
    },
    {
      name: 'terms sorted by their raw text',
      input: 'c!=cvalue,b==bvalue,a=avalue',
      canonical: 'a=avalue,b=bvalue,c!=cvalue',
      requirements: [
        { field: 'a', operator: '=', value: 'avalue' },
        { field: 'b', operator: '=', value: 'bvalue' },
        { field: 'c', operator: '!=', value: 'cvalue' },
      ],
    },
    {
      name: 'raw sort differs from field sort',
      input: 'a=b,a==c',
      canonical: 'a=c,a=b',
      requirements: [
        { field: 'a', operator: '=', value: 'c' },
        { field: 'a', operator: '=', value: 'b' },
      ],
    },
    {
      name: 'empty terms are skipped',
      input: ',a=a,',
      canonical: 'a=a',
      requirements: [{ field: 'a', operator: '=', value: 'a' }],
    },
    {
      name: 'escaped comma in value',
      input: 'k=\\,,k2=v2',
      canonical: 'k2=v2,k=\\,',
      requirements: [
        { field: 'k2', operator: '=', value: 'v2' },
        { field: 'k', operator: '=', value: ',' },
      ],
    },
    {
      name: 'escaped backslash then a real comma',
      input: 'k=\\\\,k2=v2',
      canonical: 'k2=v2,k=\\\\',
      requirements: [
        { field: 'k2', operator: '=', value: 'v2' },
        { field: 'k', operator: '=', value: '\\' },
      ],
    },
    {
      name: 'escaped backslash and comma',
      input: 'k=\\\\\\,,k2=v2',
      canonical: 'k2=v2,k=\\\\\\,',
      requirements: [
        { field: 'k2', operator: '=', value: 'v2' },
        { field: 'k', operator: '=', value: '\\,' },
      ],
    },
    {
      name: 'multi-byte fields and values',
      input: '함=수,목=록',
      canonical: '목=록,함=수',
      requirements: [
        { field: '목', operator: '=', value: '록' },
        { field: '함', operator: '=', value: '수' },
      ],
    },
    { name: 'empty field and value vanish', input: '=', canonical: '', requirements: [] },
    {
      name: 'empty not-equal vanishes',
      input: '!=,a=b',
      canonical: 'a=b',
      requirements: [{ field: 'a', operator: '=', value: 'b' }],
    },
    {
      name: 'empty value is kept',
      input: 'spec.nodeName=',
      canonical: 'spec.nodeName=',
      requirements: [{ field: 'spec.nodeName', operator: '=', value: '' }],
    },
    {
      name: 'blanks are part of names and values',
      input: ' a = b ',
      canonical: ' a = b ',
      requirements: [{ field: ' a ', operator: '=', value: ' b ' }],
    },
    {
      name: 'not-equal found before equals',
      input: 'a!=b',
      canonical: 'a!=b',
      requirements: [{ field: 'a', operator: '!=', value: 'b' }],
    },
    {
      name: 'value starting with bang',
      input: 'a=!b',
      canonical: 'a=!b',
      requirements: [{ field: 'a', operator: '=', value: '!b' }],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const sel = parseFieldSelector(c.input);
      assert.deepEqual(sel.requirements, c.requirements);
      assert.equal(sel.toString(), c.canonical);
      assert.equal(sel.empty, c.requirements.length === 0);
    });
  }

  it('is deterministic whatever the order', () => {
    assert.equal(
      parseFieldSelector('x=a,a=x').toString(),
      parseFieldSelector('a=x,x=a').toString(),
    );
  });
});

describe('parseFieldSelector: rejected selectors', () => {
  const cases: { name: string; input: string; message: string }[] = [
    {
      name: 'bare equals in value',
      input: 'x=a||y=b',
      message: 'invalid field selector: unescaped character in value: 61',
    },
    {
      name: 'chained equality',
      input: 'x==a==b',
      message: 'invalid field selector: unescaped character in value: 61',
    },
    {
      name: 'term without operator',
      input: 'x=a,b',
      message: "invalid selector: 'x=a,b'; can't understand 'b'",
    },
    {
      name: 'set syntax',
      input: 'x in (a)',
      message: "invalid selector: 'x in (a)'; can't understand 'x in (a)'",
    },
    // terms are sorted before they are read, so "b" is the first complaint
    {
      name: 'set syntax with commas',
      input: 'x in (a,b,c)',
      message: "invalid selector: 'x in (a,b,c)'; can't understand 'b'",
    },
    { name: 'bare field', input: 'x', message: "invalid selector: 'x'; can't understand 'x'" },
    {
      name: 'unknown escape',
      input: 'a=\\a',
      message: 'invalid field selector: invalid escape sequence: \\a',
    },
    {
      name: 'trailing backslash',
      input: 'a=b\\',
      message: 'invalid field selector: invalid escape sequence: \\',
    },
    {
      name: 'greater than',
      input: 'a>1',
      message: "invalid selector: 'a>1'; can't understand 'a>1'",
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.equal(
        badRequestMessage(() => parseFieldSelector(c.input)),
        c.message,
      );
    });
  }
});

describe('field selector matching', () => {
  const fieldset = { foo: 'bar', baz: 'blah', complex: '=value\\,\\' };
  const cases: { selector: string; fields: Record<string, string>; match: boolean }[] = [
    { selector: '', fields: { x: 'y' }, match: true },
    { selector: 'x=y', fields: { x: 'y' }, match: true },
    { selector: 'x=y,z=w', fields: { x: 'y', z: 'w' }, match: true },
    { selector: 'x!=y,z!=w', fields: { x: 'z', z: 'a' }, match: true },
    { selector: 'notin=in', fields: { notin: 'in' }, match: true },
    { selector: 'x=y', fields: { x: 'z' }, match: false },
    { selector: 'x=y,z=w', fields: { x: 'w', z: 'w' }, match: false },
    { selector: 'x!=y,z!=w', fields: { x: 'z', z: 'w' }, match: false },
    { selector: 'foo=bar', fields: fieldset, match: true },
    { selector: 'baz=blah', fields: fieldset, match: true },
    { selector: 'foo=bar,baz=blah', fields: fieldset, match: true },
    { selector: 'foo=bar,baz=blah,complex=\\=value\\\\\\,\\\\', fields: fieldset, match: true },
    { selector: 'foo=blah', fields: fieldset, match: false },
    { selector: 'baz=bar', fields: fieldset, match: false },
    { selector: 'foo=bar,foobar=bar,baz=blah', fields: fieldset, match: false },
    // a missing field reads as the empty string
    { selector: 'missing=', fields: {}, match: true },
    { selector: 'missing!=', fields: {}, match: false },
    { selector: 'missing!=x', fields: {}, match: true },
    { selector: 'constructor=', fields: {}, match: true },
  ];
  for (const c of cases) {
    it(`${JSON.stringify(c.selector)} on ${JSON.stringify(c.fields)} → ${c.match}`, () => {
      assert.equal(parseFieldSelector(c.selector).matches(c.fields), c.match);
    });
  }
});

describe('built field selectors', () => {
  const cases: {
    name: string;
    build: () => ReturnType<typeof parseFieldSelector>;
    string: string;
    empty: boolean;
    fields: Record<string, string>;
    match: boolean;
  }[] = [
    {
      name: 'everything',
      build: fieldsEverything,
      string: '',
      empty: true,
      fields: { x: 'y' },
      match: true,
    },
    {
      name: 'from undefined set',
      build: () => fieldSelectorFromSet(undefined),
      string: '',
      empty: true,
      fields: {},
      match: true,
    },
    {
      name: 'from empty set',
      build: () => fieldSelectorFromSet({}),
      string: '',
      empty: true,
      fields: {},
      match: true,
    },
    {
      name: 'from set',
      build: () => fieldSelectorFromSet({ foo: 'bar' }),
      string: 'foo=bar',
      empty: false,
      fields: { foo: 'bar', baz: 'blah' },
      match: true,
    },
    {
      name: 'from set escapes',
      build: () => fieldSelectorFromSet({ foo: '=blah' }),
      string: 'foo=\\=blah',
      empty: false,
      fields: { foo: 'bar' },
      match: false,
    },
    {
      name: 'from set, sorted',
      build: () => fieldSelectorFromSet({ foo: '=bar', foobar: 'bar', baz: 'blah' }),
      string: 'baz=blah,foo=\\=bar,foobar=bar',
      empty: false,
      fields: { foo: 'bar', baz: 'blah' },
      match: false,
    },
    {
      name: 'one term equal',
      build: () => oneTermEqualSelector('x', 'y'),
      string: 'x=y',
      empty: false,
      fields: { x: 'y' },
      match: true,
    },
    {
      name: 'one term equal, other value',
      build: () => oneTermEqualSelector('x', 'y'),
      string: 'x=y',
      empty: false,
      fields: { x: 'z' },
      match: false,
    },
    {
      name: 'one term not equal',
      build: () => oneTermNotEqualSelector('x', 'y'),
      string: 'x!=y',
      empty: false,
      fields: { x: 'z' },
      match: true,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const sel = c.build();
      assert.equal(sel.toString(), c.string);
      assert.equal(sel.empty, c.empty);
      assert.equal(sel.matches(c.fields), c.match);
    });
  }
});

describe('requiresExactMatch', () => {
  const cases: { name: string; selector: string; field: string; want: string | undefined }[] = [
    { name: 'empty selector', selector: '', field: 'test', want: undefined },
    { name: 'other field', selector: 'a=b', field: 'test', want: undefined },
    { name: 'pinned', selector: 'test=b', field: 'test', want: 'b' },
    { name: 'pinned to empty', selector: 'test=', field: 'test', want: '' },
    { name: 'not equal', selector: 'test!=b', field: 'test', want: undefined },
    { name: 'not equal to empty', selector: 'test!=', field: 'test', want: undefined },
    { name: 'among others', selector: 'a=b,test=b', field: 'test', want: 'b' },
    {
      name: 'single object by name',
      selector: 'metadata.name=foo',
      field: 'metadata.name',
      want: 'foo',
    },
    { name: 'double equals', selector: 'metadata.name==foo', field: 'metadata.name', want: 'foo' },
    {
      name: 'escaped value comes back unescaped',
      selector: 'metadata.name=a\\,b',
      field: 'metadata.name',
      want: 'a,b',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.equal(parseFieldSelector(c.selector).requiresExactMatch(c.field), c.want);
    });
  }
});

describe('transform', () => {
  const identity: FieldTransform = (f, v) => [f, v];
  const cases: {
    name: string;
    selector: string;
    fn: FieldTransform;
    result: string;
    empty: boolean;
  }[] = [
    { name: 'empty selector', selector: '', fn: identity, result: '', empty: true },
    { name: 'no-op', selector: 'a=b,c=d', fn: identity, result: 'a=b,c=d', empty: false },
    {
      name: 'one field rewritten',
      selector: 'a=b,c=d',
      fn: (f, v) => (f === 'a' ? ['e', 'f'] : [f, v]),
      result: 'e=f,c=d',
      empty: false,
    },
    { name: 'all removed', selector: 'a=b', fn: () => ['', ''], result: '', empty: true },
    {
      name: 'one removed',
      selector: 'a=b,c=d,e=f',
      fn: (f, v) => (f === 'c' ? ['', ''] : [f, v]),
      result: 'a=b,e=f',
      empty: false,
    },
    {
      name: 'operator kept',
      selector: 'a!=b',
      fn: (f, v) => [f.toUpperCase(), v],
      result: 'A!=b',
      empty: false,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const viaParse = parseFieldSelector(c.selector, c.fn);
      const viaMethod = parseFieldSelector(c.selector).transform(c.fn);
      for (const sel of [viaParse, viaMethod]) {
        assert.equal(sel.toString(), c.result);
        assert.equal(sel.empty, c.empty);
      }
    });
  }

  it('a plain error from the transform becomes a 400', () => {
    const fn: FieldTransform = () => {
      throw new Error('nope');
    };
    assert.equal(
      badRequestMessage(() => parseFieldSelector('a=b', fn)),
      'nope',
    );
  });

  it('a StatusError from the transform passes through', () => {
    const err = notFound({ group: '', resource: 'pods' }, 'x');
    const fn: FieldTransform = () => {
      throw err;
    };
    assert.throws(
      () => parseFieldSelector('a=b').transform(fn),
      (e) => e === err,
    );
  });
});

describe('field label conversion', () => {
  const podFields = supportedFieldLabels(
    ['metadata.name', 'metadata.namespace', 'spec.nodeName', 'status.phase'],
    { 'spec.host': 'spec.nodeName' },
  );
  const cases: {
    name: string;
    selector: string;
    fn: FieldTransform;
    result?: string;
    message?: string;
  }[] = [
    {
      name: 'default accepts name',
      selector: 'metadata.name=a',
      fn: defaultFieldLabelConversion,
      result: 'metadata.name=a',
    },
    {
      name: 'default accepts namespace',
      selector: 'metadata.namespace=a',
      fn: defaultFieldLabelConversion,
      result: 'metadata.namespace=a',
    },
    {
      name: 'default rejects others',
      selector: 'spec.x=a',
      fn: defaultFieldLabelConversion,
      message: '"spec.x" is not a known field selector: only "metadata.name", "metadata.namespace"',
    },
    {
      name: 'supported field',
      selector: 'status.phase=Running',
      fn: podFields,
      result: 'status.phase=Running',
    },
    {
      name: 'renamed legacy field',
      selector: 'spec.host=node-1',
      fn: podFields,
      result: 'spec.nodeName=node-1',
    },
    {
      name: 'unsupported field',
      selector: 'metadata.name=a,spec.restartPolicy=Always',
      fn: podFields,
      message: 'field label not supported: spec.restartPolicy',
    },
    {
      name: 'unsupported label-like field',
      selector: 'metadata.labels=x',
      fn: podFields,
      message: 'field label not supported: metadata.labels',
    },
    {
      name: 'inherited names are not supported',
      selector: 'constructor=x',
      fn: supportedFieldLabels([]),
      message: 'field label not supported: constructor',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      if (c.message !== undefined) {
        assert.equal(
          badRequestMessage(() => parseFieldSelector(c.selector).transform(c.fn)),
          c.message,
        );
      } else {
        assert.equal(parseFieldSelector(c.selector).transform(c.fn).toString(), c.result);
      }
    });
  }
});

describe('field selector properties', () => {
  const fieldArb = fc.constantFrom('a', 'b', 'metadata.name', 'spec.x', 'é', '😀');
  const valueArb = fc.oneof(
    fc.constantFrom('', 'x', '=', ',', '\\', 'a,b=c\\d'),
    fc.string({ unit: 'grapheme', maxLength: 6 }),
  );
  const termArb = fc.record({
    field: fieldArb,
    operator: fc.constantFrom<'=' | '!='>('=', '!='),
    value: valueArb,
  });
  const termsArb = fc.array(termArb, { maxLength: 5 });
  const fieldsArb = fc.dictionary(fieldArb, valueArb, { maxKeys: 4 });

  it('parse(toString(sel)) has the same canonical string', () => {
    fc.assert(
      fc.property(termsArb, (terms) => {
        const text = terms
          .map((t) => `${t.field}${t.operator}${escapeFieldValue(t.value)}`)
          .join(',');
        const canonical = parseFieldSelector(text).toString();
        assert.equal(parseFieldSelector(canonical).toString(), canonical);
      }),
      { numRuns: 300 },
    );
  });

  it('matching agrees with the terms and survives re-printing', () => {
    fc.assert(
      fc.property(termsArb, fieldsArb, (terms, fields) => {
        const text = terms
          .map((t) => `${t.field}${t.operator}${escapeFieldValue(t.value)}`)
          .join(',');
        const sel = parseFieldSelector(text);
        const expected = terms.every((t) => {
          const actual = Object.hasOwn(fields, t.field) ? fields[t.field] : '';
          return t.operator === '=' ? actual === t.value : actual !== t.value;
        });
        assert.equal(sel.matches(fields), expected);
        assert.equal(parseFieldSelector(sel.toString()).matches(fields), expected);
      }),
      { numRuns: 300 },
    );
  });

  it('escaping round-trips any string', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'grapheme', maxLength: 20 }),
          fc.string({ unit: fc.constantFrom('\\', ',', '=', 'a', '😀'), maxLength: 20 }),
        ),
        (s) => {
          assert.equal(unescapeFieldValue(escapeFieldValue(s)), s);
        },
      ),
      { numRuns: 300 },
    );
  });
});
