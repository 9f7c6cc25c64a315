// Name, label-key and label-value format checks; cases ported from k8s.io/apimachinery
// pkg/util/validation/validation_test.go, pkg/api/validate/content/*_test.go and
// pkg/api/validation/generic_test.go, with kube 1.36's exact messages.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  fieldPath,
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidLabelValue,
  isValidPathSegmentName,
  isValidPathSegmentPrefix,
  maskTrailingDash,
  nameIsDNS1035Label,
  nameIsDNSLabel,
  nameIsDNSSubdomain,
  regexError,
  toFieldPath,
  validatePathSegmentName,
  type ValidateNameFunc,
} from '../src/validation.js';

// kube's wording, spelled out in full so any drift in the implementation shows
const LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const DNS1035_MSG =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const NAME_PART_MSG =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const TOO_MANY_SLASHES_MSG =
  "a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')";
const LABEL_VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

interface Case {
  name: string;
  value: string;
  want: string[];
}

/** Valid values as named cases. */
function valid(values: string[]): Case[] {
  return values.map((value) => ({ name: `valid ${JSON.stringify(value)}`, value, want: [] }));
}

/** Invalid values that all get the same messages. */
function invalidAll(values: string[], want: string[]): Case[] {
  return values.map((value) => ({ name: `invalid ${JSON.stringify(value)}`, value, want }));
}

function runCases(check: (value: string) => string[], cases: Case[]): void {
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(check(c.value), c.want);
    });
  }
}

describe('isDNS1123Label', () => {
  runCases(isDNS1123Label, [
    ...valid(['a', 'ab', 'abc', 'a1', 'a-1', 'a--1--2--b', '0', '01', '012', '1a', '1-a']),
    ...valid(['1--a--b--2', 'a'.repeat(63)]),
    ...invalidAll(
      ['', 'A', 'ABC', 'aBc', 'A1', 'A-1', '1-A', '-', 'a-', '-a', '1-', '-1'],
      [LABEL_MSG],
    ),
    ...invalidAll(['_', 'a_', '_a', 'a_b', '1_', '_1', '1_2'], [LABEL_MSG]),
    ...invalidAll(['.', 'a.', '.a', '1.', '.1'], [LABEL_MSG]),
    ...invalidAll([' ', 'a ', ' a', 'a b', '1 ', ' 1', '1 2', 'é', 'naïve'], [LABEL_MSG]),
    // a valid subdomain that is no label: kube says why in plain words
    ...invalidAll(['a.b', '1.2', 'my.name.x'], ['must not contain dots']),
    { name: '64 bytes', value: 'a'.repeat(64), want: ['must be no more than 63 characters'] },
    {
      name: '64 bytes of upper case',
      value: 'A'.repeat(64),
      want: ['must be no more than 63 characters', LABEL_MSG],
    },
    {
      name: '64 bytes with dots',
      value: `${'a'.repeat(31)}.${'b'.repeat(32)}`,
      want: ['must be no more than 63 characters', 'must not contain dots'],
    },
    // Go counts bytes: 32 × 'é' is 32 characters but 64 bytes
    {
      name: 'multi-byte characters count as bytes',
      value: 'é'.repeat(32),
      want: ['must be no more than 63 characters', LABEL_MSG],
    },
    { name: '63 bytes of multi-byte text', value: `${'é'.repeat(31)}a`, want: [LABEL_MSG] },
    { name: 'trailing newline', value: 'abc\n', want: [LABEL_MSG] },
  ]);
});

describe('isDNS1123Subdomain', () => {
  runCases(isDNS1123Subdomain, [
    ...valid(['a', 'ab', 'abc', 'a1', 'a-1', 'a--1--2--b', '0', '01', '012', '1a', '1-a']),
    ...valid(['a.a', 'ab.a', 'abc.a', 'a1.a', 'a-1.a', 'a--1--2--b.a', 'a.1', 'ab.1', 'abc.1']),
    ...valid(['a1.1', 'a-1.1', 'a--1--2--b.1', '0.a', '01.a', '012.a', '1a.a', '1-a.a']),
    ...valid(['0.1', '01.1', '012.1', '1a.1', '1-a.1', '1--a--b--2.1', 'a.b.c.d.e']),
    ...valid(['aa.bb.cc.dd.ee', '1.2.3.4.5', '11.22.33.44.55', 'a'.repeat(253)]),
    ...invalidAll(
      ['', 'A', 'ABC', 'aBc', 'A1', 'A-1', '1-A', '-', 'a-', '-a', '1-', '-1'],
      [SUBDOMAIN_MSG],
    ),
    ...invalidAll(['_', 'a_', '_a', 'a_b', '1_', '_1', '1_2'], [SUBDOMAIN_MSG]),
    ...invalidAll(['.', 'a.', '.a', 'a..b', '1.', '.1', '1..2'], [SUBDOMAIN_MSG]),
    ...invalidAll([' ', 'a ', ' a', 'a b', '1 ', ' 1', '1 2'], [SUBDOMAIN_MSG]),
    ...invalidAll(
      ['A.a', 'aB.a', 'ab.A', 'A1.a', 'a1.A', 'A.1', 'aB.1', 'A1.1', '1A.1'],
      [SUBDOMAIN_MSG],
    ),
    ...invalidAll(
      ['0.A', '01.A', '012.A', '1A.a', '1a.A', 'A.B.C.D.E', 'AA.BB.CC.DD.EE'],
      [SUBDOMAIN_MSG],
    ),
    ...invalidAll(
      ['a.B.c.d.e', 'aa.bB.cc.dd.ee', 'a@b', 'a,b', 'a;b', 'a:b', 'a%b', 'a?b'],
      [SUBDOMAIN_MSG],
    ),
    ...invalidAll(['a$b', 'Foo_Bar', 'ünïcode.example.com'], [SUBDOMAIN_MSG]),
    { name: '254 bytes', value: 'a'.repeat(254), want: ['must be no more than 253 characters'] },
    {
      name: '254 bytes ending in a dot',
      value: `${'a'.repeat(253)}.`,
      want: ['must be no more than 253 characters', SUBDOMAIN_MSG],
    },
  ]);
});

describe('isDNS1035Label', () => {
  runCases(isDNS1035Label, [
    ...valid(['a', 'ab', 'abc', 'a1', 'a-1', 'a--1--2--b', 'a'.repeat(63)]),
    ...invalidAll(['0', '01', '012', '1a', '1-a', '1--a--b--2'], [DNS1035_MSG]),
    ...invalidAll(
      ['', 'A', 'ABC', 'aBc', 'A1', 'A-1', '1-A', '-', 'a-', '-a', '1-', '-1'],
      [DNS1035_MSG],
    ),
    ...invalidAll(['_', 'a_', '_a', 'a_b', '1_', '_1', '1_2'], [DNS1035_MSG]),
    // no "must not contain dots" shortcut here: kube gives the regex message
    ...invalidAll(['.', 'a.', '.a', 'a.b', '1.', '.1', '1.2'], [DNS1035_MSG]),
    ...invalidAll([' ', 'a ', ' a', 'a b', '1 ', ' 1', '1 2'], [DNS1035_MSG]),
    { name: '64 bytes', value: 'a'.repeat(64), want: ['must be no more than 63 characters'] },
    {
      name: '64 bytes starting with a digit',
      value: `1${'a'.repeat(63)}`,
      want: ['must be no more than 63 characters', DNS1035_MSG],
    },
  ]);
});

describe('isQualifiedName', () => {
  runCases(isQualifiedName, [
    ...valid(['simple', 'now-with-dashes', '1-starts-with-num', '1234', 'simple/simple']),
    ...valid(['now-with-dashes/simple', 'now-with-dashes/now-with-dashes', 'now.with.dots/simple']),
    ...valid(['now-with.dashes-and.dots/simple', '1-num.2-num/3-num', '1234/5678', '1.2.3.4/5678']),
    ...valid(['Uppercase_Is_OK_123', 'example.com/Uppercase_Is_OK_123', 'requests.storage-foo']),
    ...valid(['a'.repeat(63), `${'a'.repeat(253)}/${'b'.repeat(63)}`, 'kubernetes.io/os']),
    { name: 'special characters', value: 'nospecialchars%^=@', want: [NAME_PART_MSG] },
    { name: 'trailing dash', value: 'cantendwithadash-', want: [NAME_PART_MSG] },
    { name: 'leading dash', value: '-cantstartwithadash-', want: [NAME_PART_MSG] },
    { name: 'two slashes', value: 'only/one/slash', want: [TOO_MANY_SLASHES_MSG] },
    { name: 'upper-case prefix', value: 'Example.com/abc', want: [`prefix part ${SUBDOMAIN_MSG}`] },
    {
      name: 'underscore in prefix',
      value: 'example_com/abc',
      want: [`prefix part ${SUBDOMAIN_MSG}`],
    },
    {
      name: 'empty name part',
      value: 'example.com/',
      want: ['name part must be non-empty', NAME_PART_MSG],
    },
    { name: 'empty prefix part', value: '/simple', want: ['prefix part must be non-empty'] },
    { name: 'empty', value: '', want: ['name part must be non-empty', NAME_PART_MSG] },
    {
      name: '64-byte name',
      value: 'a'.repeat(64),
      want: ['name part must be no more than 63 bytes'],
    },
    {
      name: '254-byte prefix',
      value: `${'a'.repeat(254)}/abc`,
      want: ['prefix part must be no more than 253 bytes'],
    },
    {
      name: 'bad prefix and bad name',
      value: 'Bad/-bad',
      want: [`prefix part ${SUBDOMAIN_MSG}`, NAME_PART_MSG],
    },
    { name: 'unicode name', value: 'Māori', want: [NAME_PART_MSG] },
  ]);
});

describe('isValidLabelValue', () => {
  runCases(isValidLabelValue, [
    ...valid(['simple', 'now-with-dashes', '1-starts-with-num', 'end-with-num-1', '1234']),
    ...valid(['a'.repeat(63), '', '123_-.BaR']),
    ...invalidAll(
      ['nospecialchars%^=@', 'Tama-nui-te-rā.is.Māori.sun', '\\backslashes\\are\\bad'],
      [LABEL_VALUE_MSG],
    ),
    ...invalidAll(
      ['-starts-with-dash', 'ends-with-dash-', '.starts.with.dot', 'ends.with.dot.'],
      [LABEL_VALUE_MSG],
    ),
    ...invalidAll(['bad,value', '?#$notsogood', 'with space'], [LABEL_VALUE_MSG]),
    { name: '64 bytes', value: 'a'.repeat(64), want: ['must be no more than 63 bytes'] },
    {
      name: '64 bytes ending with a dash',
      value: `${'a'.repeat(63)}-`,
      want: ['must be no more than 63 bytes', LABEL_VALUE_MSG],
    },
  ]);
});

describe('isValidPathSegmentName', () => {
  runCases(isValidPathSegmentName, [
    // kube checks neither emptiness nor length here
    ...valid([
      '',
      'foo',
      'foo.bar.baz',
      'sha256:ABCDEF012345@ABCDEF012345',
      'Iñtërnâtiônàlizætiøn',
    ]),
    ...valid(['.test', '..test', 'x'.repeat(1000)]),
    { name: 'dot', value: '.', want: ["may not be '.'"] },
    { name: 'dot dot', value: '..', want: ["may not be '..'"] },
    { name: 'slash', value: 'foo/bar', want: ["may not contain '/'"] },
    { name: 'percent', value: 'foo%bar', want: ["may not contain '%'"] },
    {
      name: 'slash and percent',
      value: '%2F/',
      want: ["may not contain '/'", "may not contain '%'"],
    },
  ]);
});

describe('isValidPathSegmentPrefix', () => {
  runCases(isValidPathSegmentPrefix, [
    ...valid([
      '',
      'foo',
      'foo.bar.baz',
      'sha256:ABCDEF012345@ABCDEF012345',
      'Iñtërnâtiônàlizætiøn',
    ]),
    // a suffix follows a prefix, so `.` and `..` are fine
    ...valid(['.', '.test', '..', '..test']),
    { name: 'slash', value: 'foo/bar', want: ["may not contain '/'"] },
    { name: 'percent', value: 'foo%bar', want: ["may not contain '%'"] },
  ]);
});

describe('maskTrailingDash', () => {
  const cases: { name: string; value: string; want: string }[] = [
    { name: 'empty string', value: '', want: '' },
    { name: 'only a single dash', value: '-', want: '-' },
    { name: 'leading dash', value: '-foo', want: '-foo' },
    { name: 'leading and trailing dashes', value: '-foo-', want: '-foa' },
    { name: 'trailing dash', value: 'b-', want: 'a' },
    { name: 'no dashes', value: 'ab', want: 'ab' },
    { name: 'double trailing dash', value: 'ab--', want: 'aba' },
    // Go drops two bytes, splitting the 2-byte 'é', so the result is no longer valid ASCII
    { name: 'multi-byte character before the dash', value: 'é-', want: '\ufffda' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.equal(maskTrailingDash(c.value), c.want);
    });
  }
});

describe('name validators', () => {
  const cases: {
    name: string;
    fn: ValidateNameFunc;
    value: string;
    prefix: boolean;
    want: string[];
  }[] = [
    { name: 'subdomain: valid', fn: nameIsDNSSubdomain, value: 'foo.bar', prefix: false, want: [] },
    {
      name: 'subdomain: trailing dash as a name',
      fn: nameIsDNSSubdomain,
      value: 'foo-',
      prefix: false,
      want: [SUBDOMAIN_MSG],
    },
    {
      name: 'subdomain: trailing dash as a generateName',
      fn: nameIsDNSSubdomain,
      value: 'foo-',
      prefix: true,
      want: [],
    },
    {
      name: 'subdomain: generateName that is only a dash',
      fn: nameIsDNSSubdomain,
      value: '-',
      prefix: true,
      want: [SUBDOMAIN_MSG],
    },
    {
      name: 'subdomain: upper-case generateName',
      fn: nameIsDNSSubdomain,
      value: 'Foo-',
      prefix: true,
      want: [SUBDOMAIN_MSG],
    },
    {
      name: 'subdomain: multi-byte character before the dash of a generateName',
      fn: nameIsDNSSubdomain,
      value: 'é-',
      prefix: true,
      want: [SUBDOMAIN_MSG],
    },
    {
      name: 'subdomain: 254-byte generateName fits once masked',
      fn: nameIsDNSSubdomain,
      value: `${'a'.repeat(253)}-`,
      prefix: true,
      want: [],
    },
    {
      name: 'subdomain: 255-byte generateName',
      fn: nameIsDNSSubdomain,
      value: `${'a'.repeat(254)}-`,
      prefix: true,
      want: ['must be no more than 253 characters'],
    },
    { name: 'label: valid', fn: nameIsDNSLabel, value: 'foo-bar', prefix: false, want: [] },
    {
      name: 'label: dots',
      fn: nameIsDNSLabel,
      value: 'foo.bar',
      prefix: false,
      want: ['must not contain dots'],
    },
    {
      name: 'label: generateName with dash',
      fn: nameIsDNSLabel,
      value: 'foo-',
      prefix: true,
      want: [],
    },
    {
      name: 'label: name with dash',
      fn: nameIsDNSLabel,
      value: 'foo-',
      prefix: false,
      want: [LABEL_MSG],
    },
    { name: '1035: valid', fn: nameIsDNS1035Label, value: 'svc-1', prefix: false, want: [] },
    {
      name: '1035: generateName with dash',
      fn: nameIsDNS1035Label,
      value: 'svc-',
      prefix: true,
      want: [],
    },
    {
      name: '1035: generateName starting with a digit',
      fn: nameIsDNS1035Label,
      value: '1svc-',
      prefix: true,
      want: [DNS1035_MSG],
    },
    {
      name: 'path segment: name',
      fn: validatePathSegmentName,
      value: 'Foo_Bar',
      prefix: false,
      want: [],
    },
    {
      name: 'path segment: `..` name',
      fn: validatePathSegmentName,
      value: '..',
      prefix: false,
      want: ["may not be '..'"],
    },
    {
      name: 'path segment: `..` prefix',
      fn: validatePathSegmentName,
      value: '..',
      prefix: true,
      want: [],
    },
    {
      name: 'path segment: slash in a prefix',
      fn: validatePathSegmentName,
      value: 'a/',
      prefix: true,
      want: ["may not contain '/'"],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(c.fn(c.value, c.prefix), c.want);
    });
  }
});

describe('regexError', () => {
  const cases: { name: string; examples: string[]; want: string }[] = [
    { name: 'no examples', examples: [], want: "bad (regex used for validation is 'x+')" },
    {
      name: 'one example',
      examples: ['x'],
      want: "bad (e.g. 'x', regex used for validation is 'x+')",
    },
    {
      name: 'three examples',
      examples: ['x', 'xx', 'xxx'],
      want: "bad (e.g. 'x',  or 'xx',  or 'xxx', regex used for validation is 'x+')",
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.equal(regexError('bad', 'x+', ...c.examples), c.want);
    });
  }
});

describe('fieldPath', () => {
  const cases: { name: string; path: () => { toString(): string }; want: string }[] = [
    { name: 'root', path: () => fieldPath('metadata'), want: 'metadata' },
    {
      name: 'root with more names',
      path: () => fieldPath('spec', 'template', 'metadata'),
      want: 'spec.template.metadata',
    },
    { name: 'child', path: () => fieldPath('metadata').child('labels'), want: 'metadata.labels' },
    {
      name: 'several children at once',
      path: () => fieldPath('spec').child('a', 'b'),
      want: 'spec.a.b',
    },
    {
      name: 'map key',
      path: () => fieldPath('metadata').child('labels').key('x'),
      want: 'metadata.labels[x]',
    },
    {
      name: 'key with dots and slash',
      path: () => fieldPath('data').key('a.b/c'),
      want: 'data[a.b/c]',
    },
    {
      name: 'list index',
      path: () => fieldPath('metadata').child('ownerReferences').index(0),
      want: 'metadata.ownerReferences[0]',
    },
    {
      name: 'child after index',
      path: () =>
        fieldPath('spec').child('containers').index(2).child('ports').index(0).child('name'),
      want: 'spec.containers[2].ports[0].name',
    },
    { name: 'index on the root', path: () => fieldPath('items').index(3), want: 'items[3]' },
    {
      name: 'empty child name prints as a subscript',
      path: () => fieldPath('a').child(''),
      want: 'a[]',
    },
    {
      name: 'from a printed string',
      path: () => toFieldPath('spec.template').child('metadata'),
      want: 'spec.template.metadata',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.equal(String(c.path()), c.want);
    });
  }

  it('is immutable: deriving a path leaves the parent as it was', () => {
    const parent = fieldPath('metadata');
    parent.child('labels');
    parent.index(1);
    assert.equal(String(parent), 'metadata');
  });
});
