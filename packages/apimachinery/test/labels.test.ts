import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { StatusError } from '../src/errors.js';
import {
  formatLabels,
  formatLabelSelector,
  labelRequirementString,
  labelSelectorAsSelector,
  labelSelectorFromSet,
  labelsEverything,
  labelsNothing,
  newLabelRequirement,
  parseLabelSelector,
  selectorToLabelSelector,
  validatedLabelSelectorFromSet,
  type LabelOperator,
  type LabelRequirement,
} from '../src/labels.js';
import type { LabelSelector } from '../src/meta/types.js';

// Kube's wording of the key and value rules (k8s.io/apimachinery pkg/api/validate/content).
const NAME_RULE =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const VALUE_RULE =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const SUBDOMAIN_RULE =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const OPERATORS = 'in, notin, =, ==, !=, gt, lt';

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

describe('parseLabelSelector: accepted selectors and their canonical string', () => {
  const cases: { name: string; input: string; canonical: string }[] = [
    { name: 'empty selects everything', input: '', canonical: '' },
    { name: 'three equalities', input: 'x=a,y=b,z=c', canonical: 'x=a,y=b,z=c' },
    { name: 'inequality and equality', input: 'x!=a,y=b', canonical: 'x!=a,y=b' },
    { name: 'empty value', input: 'x=', canonical: 'x=' },
    { name: 'empty value then blank', input: 'x= ', canonical: 'x=' },
    { name: 'two empty values', input: 'x=,z= ', canonical: 'x=,z=' },
    { name: 'blank before comma', input: 'x= ,z= ', canonical: 'x=,z=' },
    { name: 'does not exist', input: '!x', canonical: '!x' },
    { name: 'greater than', input: 'x>1', canonical: 'x>1' },
    { name: 'greater and less than', input: 'x>1,z<5', canonical: 'x>1,z<5' },
    { name: 'double equals is kept', input: 'y==jkl', canonical: 'y==jkl' },
    { name: 'sorted by key', input: 'x=a,a=x', canonical: 'a=x,x=a' },
    { name: 'carriage return before key', input: '\rx', canonical: 'x' },
    {
      name: 'prefixed key exists',
      input: 'this-is-a-dns.domain.com/key-with-dash',
      canonical: 'this-is-a-dns.domain.com/key-with-dash',
    },
    {
      name: 'prefixed key in set',
      input: 'this-is-another-dns.domain.com/key-with-dash in (so,what)',
      canonical: 'this-is-another-dns.domain.com/key-with-dash in (so,what)',
    },
    {
      name: 'notin with blank after comma',
      input: '0.1.2.domain/99 notin (10.10.100.1, tick.tack.clock)',
      canonical: '0.1.2.domain/99 notin (10.10.100.1,tick.tack.clock)',
    },
    { name: 'spaces and tab around in', input: 'foo  in\t (abc)', canonical: 'foo in (abc)' },
    { name: 'newline after notin', input: 'x notin\n (abc)', canonical: 'x notin (abc)' },
    { name: 'tabs after notin', input: 'x  notin\t\t\t(abc,def)', canonical: 'x notin (abc,def)' },
    { name: 'set values sorted', input: 'x in (def,abc)', canonical: 'x in (abc,def)' },
    { name: 'trailing comma adds empty value', input: 'x in (abc,)', canonical: 'x in (,abc)' },
    { name: 'duplicate values collapse', input: 'x in (abc,abc)', canonical: 'x in (abc)' },
    { name: 'empty set is the empty value', input: 'x in ()', canonical: 'x in ()' },
    { name: 'double comma', input: 'x in (a,,)', canonical: 'x in (,a)' },
    { name: 'triple comma', input: 'x in (a,,,)', canonical: 'x in (,a)' },
    { name: 'many commas', input: 'x in (a,,,,,,)', canonical: 'x in (,a)' },
    { name: 'repeated value and commas', input: 'x in (a,,a,,a,,a,,)', canonical: 'x in (,a)' },
    {
      name: 'mixed requirements sorted',
      input: 'x notin (abc,,def),bar,z in (),w',
      canonical: 'bar,w,x notin (,abc,def),z in ()',
    },
    { name: 'exists before set', input: 'x,y in (a)', canonical: 'x,y in (a)' },
    { name: 'blank-only set', input: 'x notin ( )', canonical: 'x notin ()' },
    { name: 'leading comma in set', input: 'x notin (, a)', canonical: 'x notin (,a)' },
    { name: 'trailing blank', input: 'a ', canonical: 'a' },
    {
      name: 'keywords as set values',
      input: 'a in (x,y,notin, z,in)',
      canonical: 'a in (in,notin,x,y,z)',
    },
    { name: 'keywords as key and value', input: 'notin=in', canonical: 'notin=in' },
    { name: 'in as a key that exists', input: 'in', canonical: 'in' },
    { name: 'blanks around operators', input: ' x = a , y != b ', canonical: 'x=a,y!=b' },
    { name: 'blank after not', input: '! x', canonical: '!x' },
    {
      name: 'three kinds',
      input: 'x=a,y!=b,z in (h,i,j)',
      canonical: 'x=a,y!=b,z in (h,i,j)',
    },
    { name: 'same key kept in order', input: 'z!=a,z', canonical: 'z!=a,z' },
    { name: 'nul ends input at a token start', input: 'x \u0000garbage', canonical: 'x' },
    {
      name: 'max int64 for gt',
      input: 'x>9223372036854775807',
      canonical: 'x>9223372036854775807',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const sel = parseLabelSelector(c.input);
      assert.equal(sel.toString(), c.canonical);
      assert.equal(sel.empty, c.canonical === '');
      assert.equal(sel.selectable, true);
    });
  }
});

describe('parseLabelSelector: rejected selectors', () => {
  const cases: { name: string; input: string; message: string }[] = [
    {
      name: 'or is not an operator (the value is checked first)',
      input: 'x=a||y=b',
      message: `unable to parse requirement: values[0][x]: Invalid value: "a||y": ${VALUE_RULE}`,
    },
    {
      name: 'chained equality',
      input: 'x==a==b',
      message: "found '==', expected: ',' or 'end of string'",
    },
    {
      name: 'not with a value',
      input: '!x=a',
      message: "found '=', expected: ',' or 'end of string'",
    },
    {
      name: 'less than a word',
      input: 'x<a',
      message:
        "unable to parse requirement: values[0]: Invalid value: \"a\": for 'Gt', 'Lt' operators, the value must be an integer",
    },
    {
      name: 'greater than beyond int64',
      input: 'x>9223372036854775808',
      message:
        "unable to parse requirement: values[0]: Invalid value: \"9223372036854775808\": for 'Gt', 'Lt' operators, the value must be an integer",
    },
    {
      name: 'negative number is not a label value',
      input: 'x>-1',
      message: `unable to parse requirement: values[0][x]: Invalid value: "-1": ${VALUE_RULE}`,
    },
    {
      name: 'empty requirement between commas',
      input: 'x,,y',
      message: "found ',', expected: identifier after ','",
    },
    {
      name: 'leading comma',
      input: ',x,y',
      message: "found ',', expected: !, identifier, or 'end of string'",
    },
    {
      name: 'unknown operator word',
      input: 'x nott in (y)',
      message: `unable to parse requirement: found 'nott', expected: ${OPERATORS}`,
    },
    {
      name: 'trailing comma',
      input: 'a in (xyz),',
      message: "found '', expected: identifier after ','",
    },
    {
      name: 'missing comma after set',
      input: 'a in (xyz)b notin ()',
      message: "found 'b', expected: ',' or 'end of string'",
    },
    {
      name: 'missing comma inside set',
      input: 'a in (xyz abc)',
      message: "unable to parse requirement: found 'abc', expected: ',' or ')'",
    },
    {
      name: 'unterminated set',
      input: 'a notin(',
      message: "unable to parse requirement: found '', expected: ',', ')' or identifier",
    },
    {
      name: 'set never closed after a value',
      input: 'a in (b',
      message: "unable to parse requirement: found '', expected: ',' or ')'",
    },
    {
      name: 'set never closed after a comma',
      input: 'a in (b,',
      message: "unable to parse requirement: found '', expected: ',', or identifier",
    },
    {
      name: 'set without parenthesis',
      input: 'a in b',
      message: "unable to parse requirement: found 'b' expected: '('",
    },
    {
      name: 'parenthesis instead of operator',
      input: 'a (',
      message: `unable to parse requirement: found '(', expected: ${OPERATORS}`,
    },
    {
      name: 'lone parenthesis',
      input: '(',
      message: "found '(', expected: !, identifier, or 'end of string'",
    },
    {
      name: 'not alone',
      input: '!',
      message: "unable to parse requirement: found '', expected: identifier",
    },
    {
      name: 'double not',
      input: '!!x',
      message: "unable to parse requirement: found '!', expected: identifier",
    },
    {
      name: 'operator after equals',
      input: 'x=(a)',
      message: "unable to parse requirement: found '(', expected: identifier",
    },
    {
      name: 'blank in key',
      input: 'a b',
      message: `unable to parse requirement: found 'b', expected: ${OPERATORS}`,
    },
    {
      name: 'colon in key (kubectl -l "app: nginx")',
      input: 'app: nginx',
      message: `unable to parse requirement: <nil>: Invalid value: "app:": name part ${NAME_RULE}`,
    },
    {
      name: 'two slashes in key',
      input: 'a/b/c',
      message: `unable to parse requirement: <nil>: Invalid value: "a/b/c": a valid label key ${NAME_RULE} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    },
    {
      name: 'empty name part',
      input: 'k.io/',
      message: `unable to parse requirement: <nil>: Invalid value: "k.io/": name part must be non-empty; name part ${NAME_RULE}`,
    },
    {
      name: 'empty prefix part',
      input: '/a',
      message:
        'unable to parse requirement: <nil>: Invalid value: "/a": prefix part must be non-empty',
    },
    {
      name: 'underscore in prefix',
      input: 'app.kubernetes_io/name=x',
      message: `unable to parse requirement: <nil>: Invalid value: "app.kubernetes_io/name": prefix part ${SUBDOMAIN_RULE}`,
    },
    {
      name: 'name part too long',
      input: `${'a'.repeat(64)}=x`,
      message: `unable to parse requirement: <nil>: Invalid value: "${'a'.repeat(64)}": name part must be no more than 63 bytes`,
    },
    {
      name: 'non-ASCII key',
      input: 'é',
      message: `unable to parse requirement: <nil>: Invalid value: "é": name part ${NAME_RULE}`,
    },
    {
      name: 'value length counted in UTF-8 bytes',
      input: `x=${'é'.repeat(32)}`,
      message: `unable to parse requirement: values[0][x]: Invalid value: "${'é'.repeat(32)}": must be no more than 63 bytes; ${VALUE_RULE}`,
    },
    {
      name: 'value with a slash',
      input: 'x=a/b',
      message: `unable to parse requirement: values[0][x]: Invalid value: "a/b": ${VALUE_RULE}`,
    },
    {
      name: 'value too long',
      input: `x=${'v'.repeat(64)}`,
      message: `unable to parse requirement: values[0][x]: Invalid value: "${'v'.repeat(64)}": must be no more than 63 bytes`,
    },
    {
      name: 'two bad set values, in sorted order',
      input: 'x in (b_,_a)',
      message: `unable to parse requirement: [values[0][x]: Invalid value: "_a": ${VALUE_RULE}, values[1][x]: Invalid value: "b_": ${VALUE_RULE}]`,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.equal(
        badRequestMessage(() => parseLabelSelector(c.input)),
        c.message,
      );
    });
  }
});

describe('label selector matching', () => {
  const labelset = { foo: 'bar', baz: 'blah' };
  const cases: { selector: string; labels: Record<string, string> | undefined; match: boolean }[] =
    [
      { selector: '', labels: { x: 'y' }, match: true },
      { selector: '', labels: undefined, match: true },
      { selector: 'x=y', labels: { x: 'y' }, match: true },
      { selector: 'x==y', labels: { x: 'y' }, match: true },
      { selector: 'x=y,z=w', labels: { x: 'y', z: 'w' }, match: true },
      { selector: 'x!=y,z!=w', labels: { x: 'z', z: 'a' }, match: true },
      { selector: 'notin=in', labels: { notin: 'in' }, match: true },
      { selector: 'x', labels: { x: 'z' }, match: true },
      { selector: '!x', labels: { y: 'z' }, match: true },
      { selector: '!x', labels: undefined, match: true },
      { selector: 'x>1', labels: { x: '2' }, match: true },
      { selector: 'x<1', labels: { x: '0' }, match: true },
      { selector: 'x<1', labels: { x: '-5' }, match: true },
      { selector: 'x>1', labels: { x: '+2' }, match: true },
      { selector: 'x>1', labels: { x: '010' }, match: true },
      { selector: 'x=z', labels: {}, match: false },
      { selector: 'x=y', labels: { x: 'z' }, match: false },
      { selector: 'x=y,z=w', labels: { x: 'w', z: 'w' }, match: false },
      { selector: 'x!=y,z!=w', labels: { x: 'z', z: 'w' }, match: false },
      { selector: 'x', labels: { y: 'z' }, match: false },
      { selector: 'x', labels: undefined, match: false },
      { selector: '!x', labels: { x: 'z' }, match: false },
      { selector: 'x>1', labels: { x: '0' }, match: false },
      { selector: 'x>1', labels: { x: '1' }, match: false },
      { selector: 'x<1', labels: { x: '2' }, match: false },
      { selector: 'z>1', labels: { z: 'v2' }, match: false },
      { selector: 'z>1', labels: {}, match: false },
      { selector: 'z<1', labels: { z: '99999999999999999999' }, match: false },
      { selector: 'foo=bar', labels: labelset, match: true },
      { selector: 'baz=blah', labels: labelset, match: true },
      { selector: 'foo=bar,baz=blah', labels: labelset, match: true },
      { selector: 'foo=blah', labels: labelset, match: false },
      { selector: 'baz=bar', labels: labelset, match: false },
      { selector: 'foo=bar,foobar=bar,baz=blah', labels: labelset, match: false },
      { selector: 'x in (foo),y notin (alpha)', labels: { x: 'foo', y: 'baz' }, match: true },
      { selector: 'x in (foo),y in (alpha)', labels: { x: 'foo', y: 'baz' }, match: false },
      { selector: 'x notin (),y', labels: { y: '' }, match: true },
      { selector: '!x,y', labels: { y: '' }, match: true },
      { selector: 'x notin (),!y', labels: { y: '' }, match: false },
      { selector: 'x in ()', labels: { y: 'baz' }, match: false },
      { selector: 'x in ()', labels: { x: '' }, match: true },
      { selector: 'x notin (a,b)', labels: { x: 'c' }, match: true },
      { selector: 'x notin (a,b)', labels: { x: 'b' }, match: false },
      { selector: 'x=', labels: { x: '' }, match: true },
      { selector: 'x!=', labels: {}, match: true },
      { selector: 'constructor', labels: {}, match: false },
      { selector: 'toString=x', labels: {}, match: false },
    ];
  for (const c of cases) {
    it(`${JSON.stringify(c.selector)} on ${JSON.stringify(c.labels)} → ${c.match}`, () => {
      assert.equal(parseLabelSelector(c.selector).matches(c.labels), c.match);
    });
  }
});

describe('requiresExactMatch', () => {
  const cases: { name: string; selector: string; label: string; want: string | undefined }[] = [
    { name: 'in with one value', selector: 'key in (value)', label: 'key', want: 'value' },
    {
      name: 'in with two values',
      selector: 'key in (value,value2)',
      label: 'key',
      want: undefined,
    },
    {
      name: 'second key pinned',
      selector: 'key in (value,value1),key2 in (value2)',
      label: 'key2',
      want: 'value2',
    },
    { name: 'equals', selector: 'key=value', label: 'key', want: 'value' },
    { name: 'double equals', selector: 'key==value', label: 'key', want: 'value' },
    { name: 'not equals', selector: 'key!=value', label: 'key', want: undefined },
    { name: 'exists', selector: 'key', label: 'key', want: undefined },
    { name: 'other key', selector: 'key=value', label: 'other', want: undefined },
    {
      name: 'only the first requirement counts',
      selector: 'key!=a,key=b',
      label: 'key',
      want: undefined,
    },
    { name: 'empty value', selector: 'key=', label: 'key', want: '' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.equal(parseLabelSelector(c.selector).requiresExactMatch(c.label), c.want);
    });
  }
});

describe('newLabelRequirement', () => {
  const cases: {
    name: string;
    key: string;
    op: LabelOperator;
    values: string[];
    error?: string;
  }[] = [
    {
      name: 'in without values',
      key: 'x1',
      op: 'in',
      values: [],
      error: "values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty",
    },
    {
      name: 'notin without values',
      key: 'x2',
      op: 'notin',
      values: [],
      error: "values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty",
    },
    { name: 'in with a value', key: 'x3', op: 'in', values: ['foo'] },
    { name: 'notin with a value', key: 'x4', op: 'notin', values: ['foo'] },
    {
      name: 'equals with two values',
      key: 'x5',
      op: '=',
      values: ['bar', 'foo'],
      error:
        'values: Invalid value: ["bar","foo"]: exact-match compatibility requires one single value',
    },
    { name: 'exists', key: 'x6', op: 'exists', values: [] },
    { name: 'does not exist', key: 'x7', op: '!', values: [] },
    {
      name: 'exists with a value',
      key: 'x8',
      op: 'exists',
      values: ['foo'],
      error:
        'values: Invalid value: ["foo"]: values set must be empty for exists and does not exist',
    },
    { name: 'gt with an integer', key: 'x11', op: 'gt', values: ['1'] },
    { name: 'lt with an integer', key: 'x12', op: 'lt', values: ['6'] },
    {
      name: 'gt without values',
      key: 'x13',
      op: 'gt',
      values: [],
      error: "values: Invalid value: []: for 'Gt', 'Lt' operators, exactly one value is required",
    },
    {
      name: 'gt with a word',
      key: 'x14',
      op: 'gt',
      values: ['bar'],
      error:
        "values[0]: Invalid value: \"bar\": for 'Gt', 'Lt' operators, the value must be an integer",
    },
    {
      name: 'lt with a word',
      key: 'x15',
      op: 'lt',
      values: ['bar'],
      error:
        "values[0]: Invalid value: \"bar\": for 'Gt', 'Lt' operators, the value must be an integer",
    },
    {
      name: 'key too long',
      key: 'a'.repeat(254),
      op: 'exists',
      values: [],
      error: `key: Invalid value: "${'a'.repeat(254)}": name part must be no more than 63 bytes`,
    },
    {
      name: 'value too long',
      key: 'x16',
      op: '=',
      values: ['a'.repeat(254)],
      error: `values[0][x16]: Invalid value: "${'a'.repeat(254)}": must be no more than 63 bytes`,
    },
    {
      name: 'value with a blank',
      key: 'x17',
      op: '=',
      values: ['a b'],
      error: `values[0][x17]: Invalid value: "a b": ${VALUE_RULE}`,
    },
    {
      name: 'unsupported operator',
      key: 'x18',
      op: 'unsupportedOp' as LabelOperator,
      values: [],
      error:
        'operator: Unsupported value: "unsupportedOp": supported values: "in", "notin", "=", "==", "!=", "gt", "lt", "exists", "!"',
    },
    {
      name: 'several errors aggregate',
      key: '-x',
      op: 'gt',
      values: ['a_'],
      error: `[key: Invalid value: "-x": name part ${NAME_RULE}, values[0]: Invalid value: "a_": for 'Gt', 'Lt' operators, the value must be an integer, values[0][-x]: Invalid value: "a_": ${VALUE_RULE}]`,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      if (c.error === undefined) {
        const r = newLabelRequirement(c.key, c.op, c.values);
        assert.deepEqual(r, { key: c.key, operator: c.op, values: c.values });
      } else {
        assert.equal(
          badRequestMessage(() => newLabelRequirement(c.key, c.op, c.values)),
          c.error,
        );
      }
    });
  }
});

describe('canonical string of built selectors', () => {
  const req = (key: string, op: LabelOperator, values: string[] = []): LabelRequirement =>
    newLabelRequirement(key, op, values);
  const cases: { name: string; reqs: LabelRequirement[]; want: string }[] = [
    {
      name: 'in, notin, exists',
      reqs: [req('x', 'in', ['abc', 'def']), req('y', 'notin', ['jkl']), req('z', 'exists')],
      want: 'x in (abc,def),y notin (jkl),z',
    },
    {
      name: 'notin, not equals, does not exist',
      reqs: [req('x', 'notin', ['abc', 'def']), req('y', '!=', ['jkl']), req('z', '!')],
      want: 'x notin (abc,def),y!=jkl,!z',
    },
    {
      name: 'set with the empty value',
      reqs: [req('x', 'notin', ['abc']), req('y', 'in', ['jkl', 'mno']), req('z', 'notin', [''])],
      want: 'x notin (abc),y in (jkl,mno),z notin ()',
    },
    {
      name: 'equality kinds keep their spelling',
      reqs: [
        req('x', '=', ['abc']),
        req('y', '==', ['jkl']),
        req('z', '!=', ['a']),
        req('z', 'exists'),
      ],
      want: 'x=abc,y==jkl,z!=a,z',
    },
    {
      name: 'gt and lt',
      reqs: [req('x', 'gt', ['2']), req('y', 'lt', ['8']), req('z', 'exists')],
      want: 'x>2,y<8,z',
    },
    {
      name: 'added out of order are sorted by key',
      reqs: [req('key2', '=', ['value2']), req('key', 'in', ['value'])],
      want: 'key in (value),key2=value2',
    },
    {
      name: 'unsorted values print sorted',
      reqs: [req('x', 'in', ['b', 'a', 'c'])],
      want: 'x in (a,b,c)',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const sel = labelsEverything().add(...c.reqs);
      assert.equal(sel.toString(), c.want);
      assert.equal(parseLabelSelector(c.want).toString(), c.want);
    });
  }

  it('labelRequirementString prints one requirement', () => {
    assert.equal(
      labelRequirementString(req('environment', 'notin', ['dev'])),
      'environment notin (dev)',
    );
  });

  it('add leaves the original selector alone', () => {
    const base = parseLabelSelector('a=b');
    const grown = base.add(req('c', 'exists'));
    assert.equal(base.toString(), 'a=b');
    assert.equal(grown.toString(), 'a=b,c');
  });
});

describe('everything, nothing and sets', () => {
  it('everything is empty and matches all', () => {
    assert.equal(labelsEverything().empty, true);
    assert.equal(labelsEverything().matches({ x: 'y' }), true);
    assert.equal(labelsEverything().toString(), '');
  });

  it('nothing is not empty and matches none', () => {
    const nothing = labelsNothing();
    assert.equal(nothing.empty, false);
    assert.equal(nothing.selectable, false);
    assert.equal(nothing.matches({}), false);
    assert.equal(nothing.matches(undefined), false);
    assert.equal(nothing.toString(), '');
    assert.equal(nothing.add(newLabelRequirement('a', 'exists')), nothing);
  });

  const sets: {
    name: string;
    set: Record<string, string> | undefined;
    string: string;
    matches: Record<string, string>;
    match: boolean;
  }[] = [
    { name: 'undefined set', set: undefined, string: '', matches: { foo: 'bar' }, match: true },
    { name: 'empty set', set: {}, string: '', matches: { foo: 'bar' }, match: true },
    {
      name: 'one label',
      set: { app: 'foo' },
      string: 'app=foo',
      matches: { app: 'foo', x: 'y' },
      match: true,
    },
    {
      name: 'sorted by key',
      set: { app: 'foo', a: 'b' },
      string: 'a=b,app=foo',
      matches: { app: 'foo' },
      match: false,
    },
  ];
  for (const c of sets) {
    it(`labelSelectorFromSet: ${c.name}`, () => {
      const sel = labelSelectorFromSet(c.set);
      assert.equal(sel.toString(), c.string);
      assert.equal(sel.empty, c.string === '');
      assert.equal(sel.matches(c.matches), c.match);
    });
  }

  it('validatedLabelSelectorFromSet accepts a valid set', () => {
    assert.equal(validatedLabelSelectorFromSet({ key: 'val' }).toString(), 'key=val');
  });

  it('validatedLabelSelectorFromSet rejects a too long value', () => {
    const long = 'axahm2EJ8Phiephe2eixohbee9eGeiyees1thuozi1xoh0GiuH3diewi8iem7Nui';
    assert.equal(
      badRequestMessage(() => validatedLabelSelectorFromSet({ Key: long })),
      `values[0][Key]: Invalid value: "${long}": must be no more than 63 bytes`,
    );
  });
});

describe('labelSelectorAsSelector', () => {
  const matchExpressions: LabelSelector['matchExpressions'] = [
    { key: 'baz', operator: 'In', values: ['qux', 'norf'] },
  ];
  const cases: {
    name: string;
    input: LabelSelector | null | undefined;
    want: string;
    empty: boolean;
    matches?: [Record<string, string>, boolean];
  }[] = [
    { name: 'nil selects nothing', input: null, want: '', empty: false, matches: [{}, false] },
    {
      name: 'undefined selects nothing',
      input: undefined,
      want: '',
      empty: false,
      matches: [{ a: 'b' }, false],
    },
    {
      name: 'empty selects everything',
      input: {},
      want: '',
      empty: true,
      matches: [{ a: 'b' }, true],
    },
    {
      name: 'empty maps select everything',
      input: { matchLabels: {}, matchExpressions: [] },
      want: '',
      empty: true,
    },
    { name: 'match labels', input: { matchLabels: { foo: 'bar' } }, want: 'foo=bar', empty: false },
    {
      name: 'match expressions',
      input: { matchExpressions },
      want: 'baz in (norf,qux)',
      empty: false,
    },
    {
      name: 'both',
      input: { matchLabels: { foo: 'bar' }, matchExpressions },
      want: 'baz in (norf,qux),foo=bar',
      empty: false,
      matches: [{ foo: 'bar', baz: 'norf' }, true],
    },
    {
      name: 'all four operators',
      input: {
        matchExpressions: [
          { key: 'd', operator: 'DoesNotExist' },
          { key: 'c', operator: 'Exists' },
          { key: 'b', operator: 'NotIn', values: ['x'] },
          { key: 'a', operator: 'In', values: ['y'] },
        ],
      },
      want: 'a in (y),b notin (x),c,!d',
      empty: false,
      matches: [{ a: 'y', c: '' }, true],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const sel = labelSelectorAsSelector(c.input);
      assert.equal(sel.toString(), c.want);
      assert.equal(sel.empty, c.empty);
      if (c.matches !== undefined) assert.equal(sel.matches(c.matches[0]), c.matches[1]);
    });
  }

  it('does not modify its input', () => {
    const input: LabelSelector = {
      matchLabels: { b: '1', a: '2' },
      matchExpressions: [{ key: 'z', operator: 'In', values: ['q', 'p'] }],
    };
    const copy = structuredClone(input);
    labelSelectorAsSelector(input);
    assert.deepEqual(input, copy);
  });

  const errors: { name: string; input: LabelSelector; message: string }[] = [
    {
      name: 'exists with values',
      input: { matchExpressions: [{ key: 'baz', operator: 'Exists', values: ['qux', 'norf'] }] },
      message:
        'values: Invalid value: ["qux","norf"]: values set must be empty for exists and does not exist',
    },
    {
      name: 'in without values prints null',
      input: { matchExpressions: [{ key: 'baz', operator: 'In', values: [] }] },
      message:
        "values: Invalid value: null: for 'in', 'notin' operators, values set can't be empty",
    },
    {
      name: 'unknown operator',
      input: { matchExpressions: [{ key: 'baz', operator: 'Gt' as 'In', values: ['1'] }] },
      message: '"Gt" is not a valid label selector operator',
    },
    {
      name: 'invalid match label key',
      input: { matchLabels: { 'a b': 'c' } },
      message: `key: Invalid value: "a b": name part ${NAME_RULE}`,
    },
    {
      name: 'invalid match label value',
      input: { matchLabels: { a: 'c d' } },
      message: `values[0][a]: Invalid value: "c d": ${VALUE_RULE}`,
    },
  ];
  for (const c of errors) {
    it(`rejects: ${c.name}`, () => {
      assert.equal(
        badRequestMessage(() => labelSelectorAsSelector(c.input)),
        c.message,
      );
    });
  }
});

describe('selectorToLabelSelector', () => {
  const cases: { name: string; input: string; want: LabelSelector }[] = [
    { name: 'empty', input: '', want: {} },
    { name: 'equality', input: 'a=b', want: { matchLabels: { a: 'b' } } },
    { name: 'double equality', input: 'a==b', want: { matchLabels: { a: 'b' } } },
    {
      name: 'every expressible operator',
      input: 'e,!d,c notin (y,x),b in (z),a=1',
      want: {
        matchLabels: { a: '1' },
        matchExpressions: [
          { key: 'b', operator: 'In', values: ['z'] },
          { key: 'c', operator: 'NotIn', values: ['x', 'y'] },
          { key: 'd', operator: 'DoesNotExist' },
          { key: 'e', operator: 'Exists' },
        ],
      },
    },
    { name: 'later equality wins', input: 'a=1,a=2', want: { matchLabels: { a: '2' } } },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const ls = selectorToLabelSelector(c.input);
      assert.deepEqual(ls, c.want);
    });
  }

  it('round-trips through labelSelectorAsSelector', () => {
    const text = 'a=1,b in (z),c notin (x,y),!d,e';
    assert.equal(labelSelectorAsSelector(selectorToLabelSelector(text)).toString(), text);
  });

  const errors: { name: string; input: string; message: string }[] = [
    { name: 'not equals', input: 'a!=b', message: '"!=" is not a valid label selector operator' },
    { name: 'greater than', input: 'a>1', message: '"gt" isn\'t supported in label selectors' },
    { name: 'less than', input: 'a<1', message: '"lt" isn\'t supported in label selectors' },
    {
      name: 'syntax error',
      input: 'app: nginx',
      message: `couldn't parse the selector string "app: nginx": unable to parse requirement: <nil>: Invalid value: "app:": name part ${NAME_RULE}`,
    },
  ];
  for (const c of errors) {
    it(`rejects: ${c.name}`, () => {
      assert.equal(
        badRequestMessage(() => selectorToLabelSelector(c.input)),
        c.message,
      );
    });
  }
});

describe('formatting', () => {
  const labels: { name: string; input: Record<string, string> | undefined; want: string }[] = [
    { name: 'none', input: undefined, want: '<none>' },
    { name: 'empty', input: {}, want: '<none>' },
    { name: 'sorted pairs', input: { b: '2', a: '1' }, want: 'a=1,b=2' },
    // kube sorts the whole "k=v" strings, so '.' (0x2e) sorts before '=' (0x3d)
    { name: 'sorted as pair strings', input: { a: '2', 'a.b': '1' }, want: 'a.b=1,a=2' },
  ];
  for (const c of labels) {
    it(`formatLabels: ${c.name}`, () => {
      assert.equal(formatLabels(c.input), c.want);
    });
  }

  const selectors: { name: string; input: LabelSelector | undefined; want: string }[] = [
    { name: 'nil', input: undefined, want: '<none>' },
    { name: 'empty', input: {}, want: '<none>' },
    { name: 'labels', input: { matchLabels: { a: 'b' } }, want: 'a=b' },
    { name: 'invalid', input: { matchLabels: { 'a b': 'c' } }, want: '<error>' },
  ];
  for (const c of selectors) {
    it(`formatLabelSelector: ${c.name}`, () => {
      assert.equal(formatLabelSelector(c.input), c.want);
    });
  }
});

describe('label selector properties', () => {
  const keyArb = fc.constantFrom(
    'a',
    'b',
    'app',
    'tier',
    'x.io/name',
    'k8s.io/A_b-1',
    'in',
    'notin',
  );
  const valueArb = fc.constantFrom('', 'a', 'b', 'v1', 'in', '0', '1', '2', '10', '007', 'Z.z-_9');
  const numberArb = fc.constantFrom('0', '1', '2', '10', '007', '9223372036854775807');
  const blankArb = fc.constantFrom('', ' ', '\t', '  ', '\n', '\r');
  const someBlankArb = fc.constantFrom(' ', '\t', ' \n ');

  interface Generated {
    key: string;
    op: LabelOperator;
    values: string[];
  }
  const requirementArb: fc.Arbitrary<Generated> = fc.oneof(
    fc.record({
      key: keyArb,
      op: fc.constantFrom<LabelOperator>('=', '==', '!='),
      values: fc.tuple(valueArb),
    }),
    fc.record({
      key: keyArb,
      op: fc.constantFrom<LabelOperator>('in', 'notin'),
      values: fc.array(valueArb, { minLength: 1, maxLength: 4 }),
    }),
    fc.record({
      key: keyArb,
      op: fc.constantFrom<LabelOperator>('exists', '!'),
      values: fc.constant<string[]>([]),
    }),
    fc.record({
      key: keyArb,
      op: fc.constantFrom<LabelOperator>('gt', 'lt'),
      values: fc.tuple(numberArb),
    }),
  );

  /** Writes a requirement in one of the many spellings the grammar allows. */
  const spellingArb = (r: Generated): fc.Arbitrary<string> =>
    fc.tuple(blankArb, blankArb, blankArb, someBlankArb).map(([b1, b2, b3, sb]) => {
      switch (r.op) {
        case 'exists':
          return `${b1}${r.key}${b2}`;
        case '!':
          return `${b1}!${b2}${r.key}${b3}`;
        case 'in':
        case 'notin':
          return `${b1}${r.key}${sb}${r.op}${b2}(${r.values.join(`,${b3}`)})${b3}`;
        case 'gt':
          return `${b1}${r.key}${b2}>${b3}${r.values[0]!}`;
        case 'lt':
          return `${b1}${r.key}${b2}<${b3}${r.values[0]!}`;
        default:
          return `${b1}${r.key}${b2}${r.op}${b3}${r.values[0]!}${b3}`;
      }
    });

  const selectorArb = fc
    .array(requirementArb, { maxLength: 5 })
    .chain((reqs) =>
      fc.tuple(...reqs.map(spellingArb)).map((parts) => ({ reqs, text: parts.join(',') })),
    );
  const labelsArb = fc.dictionary(
    keyArb,
    fc.constantFrom('', 'a', 'b', 'v1', '0', '1', '2', '10', '-3', 'x1'),
    { maxKeys: 5 },
  );

  /** An independent reading of the requirement semantics. */
  function oracle(reqs: Generated[], labels: Record<string, string>): boolean {
    return reqs.every((r) => {
      const has = Object.hasOwn(labels, r.key);
      const v = labels[r.key];
      switch (r.op) {
        case '=':
        case '==':
        case 'in':
          return has && r.values.includes(v!);
        case '!=':
        case 'notin':
          return !has || !r.values.includes(v!);
        case 'exists':
          return has;
        case '!':
          return !has;
        default: {
          if (!has || !/^[+-]?\d+$/.test(v!)) return false;
          const have = BigInt(v!);
          const want = BigInt(r.values[0]!);
          return r.op === 'gt' ? have > want : have < want;
        }
      }
    });
  }

  it('parse(toString(sel)) has the same canonical string', () => {
    fc.assert(
      fc.property(selectorArb, ({ text }) => {
        const canonical = parseLabelSelector(text).toString();
        assert.equal(parseLabelSelector(canonical).toString(), canonical);
      }),
      { numRuns: 300 },
    );
  });

  it('matching agrees with the requirements and survives re-printing', () => {
    fc.assert(
      fc.property(selectorArb, labelsArb, ({ reqs, text }, labels) => {
        const sel = parseLabelSelector(text);
        const reparsed = parseLabelSelector(sel.toString());
        const expected = oracle(reqs, labels);
        assert.equal(sel.matches(labels), expected);
        assert.equal(reparsed.matches(labels), expected);
      }),
      { numRuns: 300 },
    );
  });

  it('structured form round-trips for expressible selectors', () => {
    const expressible = selectorArb.filter(({ reqs }) =>
      reqs.every((r) => r.op !== '!=' && r.op !== 'gt' && r.op !== 'lt'),
    );
    fc.assert(
      fc.property(expressible, labelsArb, ({ text }, labels) => {
        const sel = parseLabelSelector(text);
        const back = labelSelectorAsSelector(selectorToLabelSelector(text));
        // equalities on one key collapse to the last one in matchLabels, so compare only without repeats
        const keys = sel.requirements.map((r) => r.key);
        if (new Set(keys).size === keys.length) {
          assert.equal(back.matches(labels), sel.matches(labels));
        }
      }),
      { numRuns: 200 },
    );
  });
});
