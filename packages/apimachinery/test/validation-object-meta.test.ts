// Labels, annotations, owner references, finalizers, managedFields and ObjectMeta on create and
// update; cases ported from k8s.io/apimachinery pkg/api/validation/objectmeta_test.go and
// pkg/apis/meta/v1/validation/validation_test.go, asserting kube 1.36's printed errors.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorString, invalid, type FieldError } from '../src/errors.js';
import type { ManagedFieldsEntry, ObjectMeta, OwnerReference } from '../src/meta/types.js';
import {
  annotationsSize,
  fieldPath,
  nameIsDNSLabel,
  nameIsDNSSubdomain,
  TOTAL_ANNOTATION_SIZE_LIMIT_BYTES,
  validateAnnotations,
  validateFieldManager,
  validateFinalizers,
  validateLabels,
  validateManagedFields,
  validateObjectMeta,
  validateObjectMetaUpdate,
  validateOwnerReferences,
  validatePathSegmentName,
  type ValidateNameFunc,
} from '../src/validation.js';

const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const NAME_PART_MSG =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const TOO_MANY_SLASHES_MSG =
  "a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')";
const LABEL_VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

const printed = (errs: FieldError[]): string[] => errs.map(fieldErrorString);

describe('validateLabels', () => {
  const cases: { name: string; labels: Record<string, string>; want: string[] }[] = [
    ...[
      'simple',
      'now-with-dashes',
      '1-starts-with-num',
      '1234',
      'simple/simple',
      'now-with-dashes/simple',
      'now-with-dashes/now-with-dashes',
      'now.with.dots/simple',
      'now-with.dashes-and.dots/simple',
      '1-num.2-num/3-num',
      '1234/5678',
      '1.2.3.4/5678',
      'UpperCaseAreOK123',
    ].map((key) => ({ name: `valid key ${key}`, labels: { [key]: 'bar' }, want: [] })),
    {
      name: 'valid value with every allowed character',
      labels: { goodvalue: '123_-.BaR' },
      want: [],
    },
    { name: 'empty value', labels: { empty: '' }, want: [] },
    {
      name: 'key with special characters',
      labels: { 'nospecialchars^=@': 'bar' },
      want: [`field: Invalid value: "nospecialchars^=@": ${NAME_PART_MSG}`],
    },
    {
      name: 'key ending in a dash',
      labels: { 'cantendwithadash-': 'bar' },
      want: [`field: Invalid value: "cantendwithadash-": ${NAME_PART_MSG}`],
    },
    {
      name: 'key with two slashes',
      labels: { 'only/one/slash': 'bar' },
      want: [`field: Invalid value: "only/one/slash": ${TOO_MANY_SLASHES_MSG}`],
    },
    {
      name: 'key too long',
      labels: { ['a'.repeat(254)]: 'bar' },
      want: [`field: Invalid value: "${'a'.repeat(254)}": name part must be no more than 63 bytes`],
    },
    {
      name: 'value too long',
      labels: { toolongvalue: 'a'.repeat(64) },
      want: [`field: Invalid value: "${'a'.repeat(64)}": must be no more than 63 bytes`],
    },
    {
      name: 'value with backslashes',
      labels: { backslashesinvalue: 'some\\bad\\value' },
      want: [`field: Invalid value: "some\\\\bad\\\\value": ${LABEL_VALUE_MSG}`],
    },
    {
      name: 'value with a comma',
      labels: { nocommasallowed: 'bad,value' },
      want: [`field: Invalid value: "bad,value": ${LABEL_VALUE_MSG}`],
    },
    {
      name: 'value with strange characters',
      labels: { strangecharsinvalue: '?#$notsogood' },
      want: [`field: Invalid value: "?#$notsogood": ${LABEL_VALUE_MSG}`],
    },
    {
      name: 'bad key and bad value are both reported, key first',
      labels: { '-k': '-v' },
      want: [
        `field: Invalid value: "-k": ${NAME_PART_MSG}`,
        `field: Invalid value: "-v": ${LABEL_VALUE_MSG}`,
      ],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(printed(validateLabels(c.labels, 'field')), c.want);
    });
  }

  it('accepts a FieldPath and reports at the map, not the key', () => {
    const errs = validateLabels({ x: '-' }, fieldPath('spec', 'selector').child('matchLabels'));
    assert.deepEqual(
      errs.map((e) => e.field),
      ['spec.selector.matchLabels'],
    );
  });

  it('treats absent labels as none', () => {
    assert.deepEqual(validateLabels(undefined, 'metadata.labels'), []);
    assert.deepEqual(validateLabels(null, 'metadata.labels'), []);
  });
});

describe('validateAnnotations', () => {
  const limit = TOTAL_ANNOTATION_SIZE_LIMIT_BYTES;
  const tooLong = 'field: Too long: may not be more than 262144 bytes';
  const cases: { name: string; annotations: Record<string, string>; want: string[] }[] = [
    ...[
      'simple',
      'now-with-dashes',
      '1-starts-with-num',
      '1234',
      'simple/simple',
      'now-with-dashes/simple',
      'now-with-dashes/now-with-dashes',
      'now.with.dots/simple',
      'now-with.dashes-and.dots/simple',
      '1-num.2-num/3-num',
      '1234/5678',
      '1.2.3.4/5678',
      'UpperCase123',
    ].map((key) => ({ name: `valid key ${key}`, annotations: { [key]: 'bar' }, want: [] })),
    // unlike labels, annotation keys may have an upper-case prefix: kube lowercases before checking
    { name: 'upper-case prefix', annotations: { 'Example.COM/Key': 'v' }, want: [] },
    // Go's simple case mapping turns U+0130 into a plain 'i'
    { name: 'dotted capital I lowercases as Go does', annotations: { İ: 'v' }, want: [] },
    { name: 'values are free text', annotations: { note: 'any text at all: -_/%\n' }, want: [] },
    { name: 'exactly the size limit', annotations: { a: 'b'.repeat(limit - 1) }, want: [] },
    {
      name: 'two halves under the size limit',
      annotations: { a: 'b'.repeat(limit / 2 - 1), c: 'd'.repeat(limit / 2 - 1) },
      want: [],
    },
    {
      name: 'key with special characters',
      annotations: { 'nospecialchars^=@': 'bar' },
      want: [`field: Invalid value: "nospecialchars^=@": ${NAME_PART_MSG}`],
    },
    {
      name: 'key ending in a dash',
      annotations: { 'cantendwithadash-': 'bar' },
      want: [`field: Invalid value: "cantendwithadash-": ${NAME_PART_MSG}`],
    },
    {
      name: 'key with two slashes',
      annotations: { 'only/one/slash': 'bar' },
      want: [`field: Invalid value: "only/one/slash": ${TOO_MANY_SLASHES_MSG}`],
    },
    {
      name: 'key too long',
      annotations: { ['a'.repeat(254)]: 'bar' },
      want: [`field: Invalid value: "${'a'.repeat(254)}": name part must be no more than 63 bytes`],
    },
    {
      name: 'invalid key is reported as written, not lowercased',
      annotations: { 'Bad_Prefix.COM/x': 'v' },
      want: [`field: Invalid value: "Bad_Prefix.COM/x": prefix part ${SUBDOMAIN_MSG}`],
    },
    {
      name: 'one byte over the size limit',
      annotations: { a: 'b'.repeat(limit) },
      want: [tooLong],
    },
    {
      name: 'two halves over the size limit',
      annotations: { a: 'b'.repeat(limit / 2), c: 'd'.repeat(limit / 2) },
      want: [tooLong],
    },
    // 2-byte characters: under the limit in UTF-16 units, over it in bytes
    { name: 'size counts UTF-8 bytes', annotations: { a: 'é'.repeat(limit / 2) }, want: [tooLong] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(printed(validateAnnotations(c.annotations, 'field')), c.want);
    });
  }

  it('annotationsSize counts keys and values in bytes', () => {
    assert.equal(annotationsSize({ ab: 'cd', é: 'x' }), 2 + 2 + 2 + 1);
  });
});

describe('validateOwnerReferences', () => {
  const ref = (over: Partial<OwnerReference>): OwnerReference => ({
    apiVersion: 'customresourceVersion',
    kind: 'customresourceKind',
    name: 'name',
    uid: '1',
    ...over,
  });
  const cases: { name: string; refs: OwnerReference[]; want: string[] }[] = [
    { name: 'third-party extension', refs: [ref({})], want: [] },
    {
      name: 'group and version',
      refs: [ref({ apiVersion: 'apps/v1', kind: 'ReplicaSet' })],
      want: [],
    },
    {
      name: 'one controller among several references',
      refs: [
        ref({ uid: '1', controller: false }),
        ref({ uid: '2', controller: true }),
        ref({ uid: '3', controller: false }),
        ref({ uid: '4' }),
      ],
      want: [],
    },
    {
      name: 'a core Event may not own anything',
      refs: [ref({ apiVersion: 'v1', kind: 'Event' })],
      want: [
        'field: Invalid value: {"apiVersion":"v1","kind":"Event","name":"name","uid":"1"}: /v1, Kind=Event is disallowed from being an owner',
      ],
    },
    {
      name: 'an events.k8s.io Event may',
      refs: [ref({ apiVersion: 'events.k8s.io/v1', kind: 'Event' })],
      want: [],
    },
    {
      name: 'all required fields empty',
      refs: [{ apiVersion: '', kind: '', name: '', uid: '' }],
      want: [
        'field.apiVersion: Invalid value: "": version must not be empty',
        'field.kind: Invalid value: "": must not be empty',
        'field.name: Invalid value: "": must not be empty',
        'field.uid: Invalid value: "": must not be empty',
      ],
    },
    {
      name: 'apiVersion with a group but no version',
      refs: [ref({ apiVersion: 'apps/' })],
      want: ['field.apiVersion: Invalid value: "apps/": version must not be empty'],
    },
    {
      name: 'apiVersion with two slashes',
      refs: [ref({ apiVersion: 'a/b/c' })],
      want: ['field.apiVersion: Invalid value: "a/b/c": version must not be empty'],
    },
    {
      name: 'two controllers',
      refs: [
        ref({ kind: 'customresourceKind1', uid: '1', controller: false }),
        ref({ kind: 'customresourceKind2', uid: '2', controller: true }),
        ref({ kind: 'customresourceKind3', uid: '3', controller: true }),
        ref({ kind: 'customresourceKind4', uid: '4' }),
      ],
      want: [
        'field: Invalid value: [' +
          '{"apiVersion":"customresourceVersion","kind":"customresourceKind1","name":"name","uid":"1","controller":false},' +
          '{"apiVersion":"customresourceVersion","kind":"customresourceKind2","name":"name","uid":"2","controller":true},' +
          '{"apiVersion":"customresourceVersion","kind":"customresourceKind3","name":"name","uid":"3","controller":true},' +
          '{"apiVersion":"customresourceVersion","kind":"customresourceKind4","name":"name","uid":"4"}' +
          ']: Only one reference can have Controller set to true. Found "true" in references for customresourceKind2/name and customresourceKind3/name',
      ],
    },
    {
      name: 'three controllers: each extra one is named against the first',
      refs: [
        { apiVersion: 'v1', kind: 'A', name: 'a', uid: '1', controller: true },
        { apiVersion: 'v1', kind: 'B', name: 'b', uid: '2', controller: true },
        {
          apiVersion: 'v1',
          kind: 'C',
          name: 'c',
          uid: '3',
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
      want: ['B/b', 'C/c'].map(
        (other) =>
          'field: Invalid value: [{"apiVersion":"v1","kind":"A","name":"a","uid":"1","controller":true},' +
          '{"apiVersion":"v1","kind":"B","name":"b","uid":"2","controller":true},' +
          '{"apiVersion":"v1","kind":"C","name":"c","uid":"3","controller":true,"blockOwnerDeletion":true}]: ' +
          `Only one reference can have Controller set to true. Found "true" in references for A/a and ${other}`,
      ),
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(printed(validateOwnerReferences(c.refs, 'field')), c.want);
    });
  }
});

describe('validateFinalizers', () => {
  const cases: { name: string; finalizers: string[]; want: string[] }[] = [
    { name: 'none', finalizers: [], want: [] },
    { name: 'the standard finalizers alone', finalizers: ['orphan'], want: [] },
    { name: 'foreground deletion alone', finalizers: ['foregroundDeletion'], want: [] },
    {
      name: 'domain-prefixed',
      finalizers: ['kubernetes.io/pvc-protection', 'example.com/x'],
      want: [],
    },
    {
      name: 'invalid name',
      finalizers: ['example.com/-x'],
      want: [`field: Invalid value: "example.com/-x": ${NAME_PART_MSG}`],
    },
    {
      name: 'two slashes',
      finalizers: ['a/b/c'],
      want: [`field: Invalid value: "a/b/c": ${TOO_MANY_SLASHES_MSG}`],
    },
    {
      name: 'orphan and foregroundDeletion conflict',
      finalizers: ['orphan', 'foregroundDeletion'],
      want: [
        'field: Invalid value: ["orphan","foregroundDeletion"]: finalizer orphan and foregroundDeletion cannot be both set',
      ],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(printed(validateFinalizers(c.finalizers, 'field')), c.want);
    });
  }
});

describe('validateFieldManager and validateManagedFields', () => {
  const cases: { name: string; run: () => FieldError[]; want: string[] }[] = [
    {
      name: 'plain manager',
      run: () => validateFieldManager('kubectl-client-side-apply', 'f'),
      want: [],
    },
    {
      name: 'unicode manager',
      run: () => validateFieldManager('Iñtërnâtiônàlizætiøn 🙂', 'f'),
      want: [],
    },
    { name: '128 bytes', run: () => validateFieldManager('a'.repeat(128), 'f'), want: [] },
    {
      name: '129 bytes',
      run: () => validateFieldManager('a'.repeat(129), 'f'),
      want: ['f: Too long: may not be more than 128 bytes'],
    },
    {
      name: 'tab, at its byte offset',
      run: () => validateFieldManager('é\tx', 'f'),
      want: ['f: Invalid value: "é\\tx": invalid character U+0009 (at position 2)'],
    },
    {
      name: 'no-break space is not printable to Go',
      run: () => validateFieldManager('a\u00a0b', 'f'),
      want: ['f: Invalid value: "a\u00a0b": invalid character U+00A0 (at position 1)'],
    },
    {
      name: 'managedFields entry with every field wrong',
      run: () =>
        validateManagedFields(
          [
            { manager: 'ok', operation: 'Apply', fieldsType: 'FieldsV1' },
            // as it may arrive on the wire, outside the declared type
            JSON.parse(
              `{"manager":"x\\n","operation":"Patch","fieldsType":"FieldsV2","subresource":"${'s'.repeat(257)}"}`,
            ) as ManagedFieldsEntry,
          ],
          fieldPath('metadata', 'managedFields'),
        ),
      want: [
        'metadata.managedFields[1].operation: Invalid value: "Patch": must be `Apply` or `Update`',
        'metadata.managedFields[1].fieldsType: Invalid value: "FieldsV2": must be `FieldsV1`',
        'metadata.managedFields[1].manager: Invalid value: "x\\n": invalid character U+000A (at position 1)',
        'metadata.managedFields[1].subresource: Too long: may not be more than 256 bytes',
      ],
    },
    {
      name: 'managedFields entry without an operation',
      run: () => validateManagedFields([{ manager: 'm' }], 'metadata.managedFields'),
      want: ['metadata.managedFields[0].operation: Invalid value: "": must be `Apply` or `Update`'],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(printed(c.run()), c.want);
    });
  }
});

describe('validateObjectMeta', () => {
  const cases: {
    name: string;
    meta: ObjectMeta;
    namespaced: boolean;
    validateName?: ValidateNameFunc;
    want: string[];
  }[] = [
    {
      name: 'valid namespaced',
      meta: { name: 'test', namespace: 'default' },
      namespaced: true,
      want: [],
    },
    { name: 'valid cluster-scoped', meta: { name: 'test' }, namespaced: false, want: [] },
    {
      name: 'valid name and generateName with trailing dash',
      meta: { name: 'foo-abcde', generateName: 'foo-' },
      namespaced: false,
      want: [],
    },
    {
      name: 'name and generateName both missing',
      meta: { namespace: 'default' },
      namespaced: true,
      want: ['metadata.name: Required value: name or generateName is required'],
    },
    {
      name: 'generateName not yet turned into a name',
      meta: { generateName: 'foo-', namespace: 'default' },
      namespaced: true,
      want: ['metadata.name: Required value: name or generateName is required'],
    },
    {
      name: 'invalid name',
      meta: { name: 'Foo_Bar', namespace: 'default' },
      namespaced: true,
      want: [`metadata.name: Invalid value: "Foo_Bar": ${SUBDOMAIN_MSG}`],
    },
    {
      name: 'invalid generateName and name: generateName first',
      meta: { name: 'Bad-xyz12', generateName: 'Bad-' },
      namespaced: false,
      want: [
        `metadata.generateName: Invalid value: "Bad-": ${SUBDOMAIN_MSG}`,
        `metadata.name: Invalid value: "Bad-xyz12": ${SUBDOMAIN_MSG}`,
      ],
    },
    {
      name: 'name too long',
      meta: { name: 'a'.repeat(254) },
      namespaced: false,
      want: [
        `metadata.name: Invalid value: "${'a'.repeat(254)}": must be no more than 253 characters`,
      ],
    },
    {
      name: 'name by a label rule',
      meta: { name: 'a.b' },
      namespaced: false,
      validateName: nameIsDNSLabel,
      want: ['metadata.name: Invalid value: "a.b": must not contain dots'],
    },
    {
      name: 'path-segment rule accepts upper case but not a slash',
      meta: { name: 'Foo/Bar', generateName: 'Foo%' },
      namespaced: false,
      validateName: validatePathSegmentName,
      want: [
        `metadata.generateName: Invalid value: "Foo%": may not contain '%'`,
        `metadata.name: Invalid value: "Foo/Bar": may not contain '/'`,
      ],
    },
    {
      name: 'namespace missing on a namespaced kind',
      meta: { name: 'test' },
      namespaced: true,
      want: ['metadata.namespace: Required value'],
    },
    {
      name: 'namespace on a cluster-scoped kind',
      meta: { name: 'test', namespace: 'default' },
      namespaced: false,
      want: ['metadata.namespace: Forbidden: not allowed on this type'],
    },
    {
      name: 'namespace with dots',
      meta: { name: 'test', namespace: 'foo.bar' },
      namespaced: true,
      want: ['metadata.namespace: Invalid value: "foo.bar": must not contain dots'],
    },
    {
      name: 'namespace too long and upper case',
      meta: { name: 'test', namespace: 'Ab'.repeat(32) },
      namespaced: true,
      want: [
        `metadata.namespace: Invalid value: "${'Ab'.repeat(32)}": must be no more than 63 characters`,
        `metadata.namespace: Invalid value: "${'Ab'.repeat(32)}": ${LABEL_MSG}`,
      ],
    },
    {
      name: 'negative generation',
      meta: { name: 'test', generation: -1 },
      namespaced: false,
      want: ['metadata.generation: Invalid value: -1: must be greater than or equal to 0'],
    },
    {
      name: 'every section wrong, in kube order',
      meta: {
        name: 'test',
        namespace: 'default',
        labels: { 'a/b/c': 'ok' },
        annotations: { '-x': '' },
        ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', name: 'p', uid: '' }],
        finalizers: ['orphan', 'foregroundDeletion'],
        managedFields: [{ manager: 'm', operation: 'Update', fieldsType: 'bogus' }],
      },
      namespaced: true,
      want: [
        `metadata.labels: Invalid value: "a/b/c": ${TOO_MANY_SLASHES_MSG}`,
        `metadata.annotations: Invalid value: "-x": ${NAME_PART_MSG}`,
        'metadata.ownerReferences.uid: Invalid value: "": must not be empty',
        'metadata.finalizers: Invalid value: ["orphan","foregroundDeletion"]: finalizer orphan and foregroundDeletion cannot be both set',
        'metadata.managedFields[0].fieldsType: Invalid value: "bogus": must be `FieldsV1`',
      ],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const errs = validateObjectMeta(c.meta, {
        namespaced: c.namespaced,
        validateName: c.validateName ?? nameIsDNSSubdomain,
      });
      assert.deepEqual(printed(errs), c.want);
    });
  }

  it('calls the name rule for both name and generateName, with the prefix flag', () => {
    const calls: [string, boolean][] = [];
    const rule: ValidateNameFunc = (name, prefix) => {
      calls.push([name, prefix]);
      return name === 'test' ? [] : ['wrong value'];
    };
    const errs = validateObjectMeta(
      { name: 'invalid', generateName: 'invalid' },
      {
        namespaced: false,
        validateName: rule,
      },
    );
    assert.deepEqual(calls, [
      ['invalid', true],
      ['invalid', false],
    ]);
    assert.deepEqual(printed(errs), [
      'metadata.generateName: Invalid value: "invalid": wrong value',
      'metadata.name: Invalid value: "invalid": wrong value',
    ]);
  });

  it('reports under a custom root path', () => {
    const errs = validateObjectMeta(
      { name: 'x' },
      {
        namespaced: true,
        validateName: nameIsDNSSubdomain,
        fieldPath: fieldPath('spec', 'template', 'metadata'),
      },
    );
    assert.deepEqual(printed(errs), ['spec.template.metadata.namespace: Required value']);
  });

  it('renders the 422 a real cluster gives for a bad ConfigMap name', () => {
    const meta: ObjectMeta = { name: 'Foo_Bar', namespace: 'default' };
    const err = invalid(
      { group: '', kind: 'ConfigMap' },
      meta.name ?? '',
      validateObjectMeta(meta, { namespaced: true, validateName: nameIsDNSSubdomain }),
    );
    assert.equal(err.code, 422);
    assert.equal(err.reason, 'Invalid');
    assert.equal(
      err.status.message,
      `ConfigMap "Foo_Bar" is invalid: metadata.name: Invalid value: "Foo_Bar": ${SUBDOMAIN_MSG}`,
    );
    assert.deepEqual(err.status.details, {
      name: 'Foo_Bar',
      kind: 'ConfigMap',
      causes: [
        {
          reason: 'FieldValueInvalid',
          message: `Invalid value: "Foo_Bar": ${SUBDOMAIN_MSG}`,
          field: 'metadata.name',
        },
      ],
    });
  });

  it('renders several failures as kube aggregates them', () => {
    const err = invalid(
      { group: 'apps', kind: 'Deployment' },
      '',
      validateObjectMeta(
        { labels: { k: '-' } },
        { namespaced: true, validateName: nameIsDNSSubdomain },
      ),
    );
    assert.equal(
      err.status.message,
      'Deployment.apps "" is invalid: [metadata.name: Required value: name or generateName is required, ' +
        'metadata.namespace: Required value, ' +
        `metadata.labels: Invalid value: "-": ${LABEL_VALUE_MSG}]`,
    );
    assert.deepEqual(
      err.status.details?.causes?.map((c) => [c.reason, c.field]),
      [
        ['FieldValueRequired', 'metadata.name'],
        ['FieldValueRequired', 'metadata.namespace'],
        ['FieldValueInvalid', 'metadata.labels'],
      ],
    );
  });
});

describe('validateObjectMetaUpdate', () => {
  const now = '1970-01-01T00:16:40Z';
  const later = '1970-01-01T00:33:20Z';
  const base: ObjectMeta = { name: 'test', resourceVersion: '1' };
  const cases: { name: string; old: ObjectMeta; new: ObjectMeta; want: string[] }[] = [
    { name: 'unchanged', old: base, new: base, want: [] },
    {
      name: 'valid with deletion fields',
      old: { ...base, deletionTimestamp: now, deletionGracePeriodSeconds: 30 },
      new: { ...base, deletionTimestamp: now, deletionGracePeriodSeconds: 30 },
      want: [],
    },
    {
      name: 'set deletionTimestamp',
      old: base,
      new: { ...base, deletionTimestamp: now },
      want: [`field.deletionTimestamp: Invalid value: "${now}": field is immutable`],
    },
    {
      name: 'clear deletionTimestamp',
      old: { ...base, deletionTimestamp: now },
      new: base,
      want: ['field.deletionTimestamp: Invalid value: null: field is immutable'],
    },
    {
      name: 'change deletionTimestamp',
      old: { ...base, deletionTimestamp: now },
      new: { ...base, deletionTimestamp: later },
      want: [`field.deletionTimestamp: Invalid value: "${later}": field is immutable`],
    },
    {
      name: 'same instant written differently is no change',
      old: { ...base, deletionTimestamp: now },
      new: { ...base, deletionTimestamp: '1970-01-01T01:16:40+01:00' },
      want: [],
    },
    {
      name: 'set deletionGracePeriodSeconds',
      old: base,
      new: { ...base, deletionGracePeriodSeconds: 30 },
      want: ['field.deletionGracePeriodSeconds: Invalid value: 30: field is immutable'],
    },
    {
      name: 'clear deletionGracePeriodSeconds',
      old: { ...base, deletionGracePeriodSeconds: 30 },
      new: base,
      want: ['field.deletionGracePeriodSeconds: Invalid value: null: field is immutable'],
    },
    {
      name: 'change deletionGracePeriodSeconds',
      old: { ...base, deletionGracePeriodSeconds: 30 },
      new: { ...base, deletionGracePeriodSeconds: 40 },
      want: ['field.deletionGracePeriodSeconds: Invalid value: 40: field is immutable'],
    },
    {
      name: 'clear creationTimestamp',
      old: { ...base, creationTimestamp: '1970-01-01T00:00:10Z' },
      new: base,
      want: ['field.creationTimestamp: Invalid value: null: field is immutable'],
    },
    {
      name: 'set creationTimestamp',
      old: base,
      new: { ...base, creationTimestamp: '1970-01-01T00:00:10Z' },
      want: ['field.creationTimestamp: Invalid value: "1970-01-01T00:00:10Z": field is immutable'],
    },
    {
      name: 'change creationTimestamp, printed in UTC',
      old: { ...base, creationTimestamp: '1970-01-01T00:00:11Z' },
      new: { ...base, creationTimestamp: '1970-01-01T02:00:10+02:00' },
      want: ['field.creationTimestamp: Invalid value: "1970-01-01T00:00:10Z": field is immutable'],
    },
    {
      name: 'null creationTimestamp equals an absent one',
      old: { ...base, creationTimestamp: null },
      new: base,
      want: [],
    },
    {
      name: 'decremented generation',
      old: { ...base, generation: 5 },
      new: { ...base, generation: 4 },
      want: ['field.generation: Invalid value: 4: must not be decremented'],
    },
    {
      name: 'incremented generation',
      old: { ...base, generation: 1 },
      new: { ...base, generation: 2 },
      want: [],
    },
    {
      name: 'same generation',
      old: { ...base, generation: 5 },
      new: { ...base, generation: 5 },
      want: [],
    },
    {
      name: 'missing resourceVersion',
      old: base,
      new: { name: 'test' },
      want: ['field.resourceVersion: Invalid value: "": must be specified for an update'],
    },
    {
      name: 'rename, move, new uid',
      old: { ...base, namespace: 'a', uid: 'u1' },
      new: { ...base, name: 'other', namespace: 'b', uid: 'u2' },
      want: [
        'field.name: Invalid value: "other": field is immutable',
        'field.namespace: Invalid value: "b": field is immutable',
        'field.uid: Invalid value: "u2": field is immutable',
      ],
    },
    {
      name: 'uid cleared',
      old: { ...base, uid: 'u1' },
      new: base,
      want: ['field.uid: Invalid value: "": field is immutable'],
    },
    {
      name: 'adding finalizers while being deleted',
      old: { ...base, deletionTimestamp: now, finalizers: ['x/a'] },
      new: { ...base, deletionTimestamp: now, finalizers: ['x/a', 'y/b', 'c/d'] },
      want: [
        'field.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"c/d", "y/b"}',
      ],
    },
    {
      name: 'changing finalizers while being deleted',
      old: { ...base, deletionTimestamp: now, finalizers: ['x/a'] },
      new: { ...base, deletionTimestamp: now, finalizers: ['x/b'] },
      want: [
        'field.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"x/b"}',
      ],
    },
    {
      name: 'removing finalizers while being deleted',
      old: { ...base, deletionTimestamp: now, finalizers: ['x/a', 'y/b'] },
      new: { ...base, deletionTimestamp: now, finalizers: ['x/a'] },
      want: [],
    },
    {
      name: 'adding finalizers to an object not being deleted',
      old: { ...base, finalizers: ['x/a'] },
      new: { ...base, finalizers: ['x/a', 'y/b'] },
      want: [],
    },
    {
      name: 'new labels, annotations, owners and managedFields are checked',
      old: base,
      new: {
        ...base,
        labels: { k: '-' },
        annotations: { 'a/b/c': '' },
        ownerReferences: [{ apiVersion: 'v1', kind: 'Event', name: 'e', uid: 'u' }],
        managedFields: [{ manager: 'm' }],
      },
      want: [
        `field.labels: Invalid value: "-": ${LABEL_VALUE_MSG}`,
        `field.annotations: Invalid value: "a/b/c": ${TOO_MANY_SLASHES_MSG}`,
        'field.ownerReferences: Invalid value: {"apiVersion":"v1","kind":"Event","name":"e","uid":"u"}: /v1, Kind=Event is disallowed from being an owner',
        'field.managedFields[0].operation: Invalid value: "": must be `Apply` or `Update`',
      ],
    },
    {
      // as kube: the update path does not re-check finalizer names or the namespace format
      name: 'finalizer names and namespace format are not rechecked',
      old: { ...base, namespace: 'Bad.Ns', finalizers: ['-bad'] },
      new: { ...base, namespace: 'Bad.Ns', finalizers: ['-bad'] },
      want: [],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(printed(validateObjectMetaUpdate(c.new, c.old, 'field')), c.want);
    });
  }

  it('reports under metadata by default', () => {
    assert.deepEqual(
      printed(validateObjectMetaUpdate({ name: 'b', resourceVersion: '2' }, { name: 'a' })),
      ['metadata.name: Invalid value: "b": field is immutable'],
    );
  });

  it('leaves both objects untouched', () => {
    const oldMeta: ObjectMeta = {
      ...base,
      deletionTimestamp: now,
      finalizers: ['x/a'],
      generation: 3,
    };
    const newMeta: ObjectMeta = { ...base, finalizers: ['x/b'], generation: 1, labels: { k: 'v' } };
    const before = JSON.stringify([newMeta, oldMeta]);
    validateObjectMetaUpdate(newMeta, oldMeta);
    assert.equal(JSON.stringify([newMeta, oldMeta]), before);
  });
});
