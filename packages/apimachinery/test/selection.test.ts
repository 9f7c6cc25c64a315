import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../src/errors.js';
import { parseFieldSelector, supportedFieldLabels } from '../src/fields.js';
import { labelsNothing, parseLabelSelector } from '../src/labels.js';
import type { KubeObject } from '../src/meta/types.js';
import {
  defaultClusterScopedAttrs,
  defaultNamespaceScopedAttrs,
  parseSelectionPredicate,
  selectionPredicate,
  type AttrsFunc,
  type SelectorQuery,
} from '../src/selection.js';

/** The shape of `Predicate` in packages/storage/src/interface.ts, which apimachinery must not import. */
interface StoragePredicate {
  matches(obj: KubeObject): boolean;
  readonly empty: boolean;
}

function pod(name: string, namespace: string, labels?: Record<string, string>): KubeObject {
  const metadata: KubeObject['metadata'] = { name, namespace };
  if (labels !== undefined) metadata.labels = labels;
  return { apiVersion: 'v1', kind: 'Pod', metadata };
}

function event(name: string, involved: string, type: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name, namespace: 'default' },
    involvedObject: { kind: 'Pod', name: involved },
    type,
  };
}

/** Event attrs as a resource would declare them: the defaults plus two fields of its own. */
const eventAttrs: AttrsFunc = (obj) => {
  const base = defaultNamespaceScopedAttrs(obj);
  const involved = obj['involvedObject'] as { name?: string } | undefined;
  return {
    labels: base.labels,
    fields: {
      ...base.fields,
      'involvedObject.name': involved?.name ?? '',
      type: typeof obj['type'] === 'string' ? obj['type'] : '',
    },
  };
};

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

describe('default attrs', () => {
  const cases: {
    name: string;
    attrs: AttrsFunc;
    obj: KubeObject;
    labels: Record<string, string> | undefined;
    fields: Record<string, string>;
  }[] = [
    {
      name: 'namespaced',
      attrs: defaultNamespaceScopedAttrs,
      obj: pod('a', 'ns', { app: 'x' }),
      labels: { app: 'x' },
      fields: { 'metadata.name': 'a', 'metadata.namespace': 'ns' },
    },
    {
      name: 'cluster-scoped',
      attrs: defaultClusterScopedAttrs,
      obj: { metadata: { name: 'node-1', labels: { zone: 'z' } } },
      labels: { zone: 'z' },
      fields: { 'metadata.name': 'node-1' },
    },
    {
      name: 'no metadata',
      attrs: defaultNamespaceScopedAttrs,
      obj: {},
      labels: undefined,
      fields: { 'metadata.name': '', 'metadata.namespace': '' },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(c.attrs(c.obj), { labels: c.labels, fields: c.fields });
    });
  }
});

describe('selectionPredicate matching', () => {
  const cases: {
    name: string;
    label?: string;
    field?: string;
    getAttrs?: AttrsFunc;
    namespaceScoped?: boolean;
    obj: KubeObject;
    match: boolean;
  }[] = [
    { name: 'no selectors', obj: pod('a', 'ns'), match: true },
    { name: 'label match', label: 'app=web', obj: pod('a', 'ns', { app: 'web' }), match: true },
    { name: 'label mismatch', label: 'app=web', obj: pod('a', 'ns', { app: 'db' }), match: false },
    { name: 'label on object without labels', label: 'app', obj: pod('a', 'ns'), match: false },
    {
      name: 'negative label on object without labels',
      label: '!app',
      obj: pod('a', 'ns'),
      match: true,
    },
    { name: 'name field', field: 'metadata.name=a', obj: pod('a', 'ns'), match: true },
    { name: 'name field mismatch', field: 'metadata.name=b', obj: pod('a', 'ns'), match: false },
    {
      name: 'namespace field',
      field: 'metadata.namespace!=kube-system',
      obj: pod('a', 'ns'),
      match: true,
    },
    {
      name: 'both must match',
      label: 'app=web',
      field: 'metadata.name=a',
      obj: pod('a', 'ns', { app: 'db' }),
      match: false,
    },
    {
      name: 'both match',
      label: 'app in (web,db)',
      field: 'metadata.name=a,metadata.namespace=ns',
      obj: pod('a', 'ns', { app: 'db' }),
      match: true,
    },
    {
      name: 'cluster-scoped objects have no namespace field',
      field: 'metadata.namespace=ns',
      namespaceScoped: false,
      obj: { metadata: { name: 'n', namespace: 'ns' } },
      match: false,
    },
    {
      name: 'resource attrs: involved object',
      field: 'involvedObject.name=web-0',
      getAttrs: eventAttrs,
      obj: event('e1', 'web-0', 'Normal'),
      match: true,
    },
    {
      name: 'resource attrs: type mismatch',
      field: 'involvedObject.name=web-0,type=Warning',
      getAttrs: eventAttrs,
      obj: event('e1', 'web-0', 'Normal'),
      match: false,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const options: Parameters<typeof selectionPredicate>[0] = {};
      if (c.label !== undefined) options.labelSelector = parseLabelSelector(c.label);
      if (c.field !== undefined) options.fieldSelector = parseFieldSelector(c.field);
      if (c.getAttrs !== undefined) options.getAttrs = c.getAttrs;
      if (c.namespaceScoped !== undefined) options.namespaceScoped = c.namespaceScoped;
      const p = selectionPredicate(options);
      assert.equal(p.matches(c.obj), c.match);
      const { labels, fields } = p.getAttrs(c.obj);
      assert.equal(p.matchesObjectAttributes(labels, fields), c.match);
      assert.equal(p.empty, c.label === undefined && c.field === undefined);
    });
  }

  it('an empty predicate never reads attrs', () => {
    const p = selectionPredicate({
      getAttrs: () => {
        throw new Error('attrs read');
      },
    });
    assert.equal(p.empty, true);
    assert.equal(p.matches(pod('a', 'ns')), true);
  });

  it('a nothing label selector is not empty and matches nothing', () => {
    const p = selectionPredicate({ labelSelector: labelsNothing() });
    assert.equal(p.empty, false);
    assert.equal(p.matches(pod('a', 'ns', { app: 'x' })), false);
  });

  it('is assignable to the storage Predicate', () => {
    const p: StoragePredicate = selectionPredicate({ labelSelector: parseLabelSelector('a') });
    assert.equal(p.empty, false);
    assert.equal(p.matches(pod('x', 'ns', { a: '' })), true);
  });
});

describe('matchesSingle / matchesSingleNamespace', () => {
  const cases: { field: string; name: string | undefined; namespace: string | undefined }[] = [
    { field: '', name: undefined, namespace: undefined },
    { field: 'metadata.name=foo', name: 'foo', namespace: undefined },
    { field: 'metadata.name!=foo', name: undefined, namespace: undefined },
    { field: 'metadata.namespace=ns', name: undefined, namespace: 'ns' },
    { field: 'metadata.name=foo,metadata.namespace=ns', name: 'foo', namespace: 'ns' },
  ];
  for (const c of cases) {
    it(JSON.stringify(c.field), () => {
      const p = selectionPredicate({ fieldSelector: parseFieldSelector(c.field) });
      assert.equal(p.matchesSingle(), c.name);
      assert.equal(p.matchesSingleNamespace(), c.namespace);
    });
  }
});

describe('parseSelectionPredicate', () => {
  const ok: {
    name: string;
    query: SelectorQuery;
    label: string;
    field: string;
    empty: boolean;
  }[] = [
    { name: 'no parameters', query: {}, label: '', field: '', empty: true },
    {
      name: 'null parameters',
      query: { labelSelector: null, fieldSelector: null },
      label: '',
      field: '',
      empty: true,
    },
    {
      name: 'empty strings',
      query: { labelSelector: '', fieldSelector: '' },
      label: '',
      field: '',
      empty: true,
    },
    {
      name: 'both',
      query: { labelSelector: 'b=2, a in (y,x)', fieldSelector: 'metadata.name==foo' },
      label: 'a in (x,y),b=2',
      field: 'metadata.name=foo',
      empty: false,
    },
  ];
  for (const c of ok) {
    it(c.name, () => {
      const p = parseSelectionPredicate(c.query);
      assert.equal(p.label.toString(), c.label);
      assert.equal(p.field.toString(), c.field);
      assert.equal(p.empty, c.empty);
    });
  }

  it('applies resource attrs and its field conversion', () => {
    const p = parseSelectionPredicate(
      { fieldSelector: 'involvedObject.name=web-0' },
      {
        getAttrs: eventAttrs,
        fieldLabelConversion: supportedFieldLabels([
          'metadata.name',
          'metadata.namespace',
          'involvedObject.name',
          'type',
        ]),
      },
    );
    assert.equal(p.matches(event('e1', 'web-0', 'Normal')), true);
    assert.equal(p.matches(event('e2', 'web-1', 'Normal')), false);
  });

  it('namespaceScoped false drops the namespace field', () => {
    const p = parseSelectionPredicate(
      { fieldSelector: 'metadata.namespace=' },
      { namespaceScoped: false },
    );
    assert.equal(p.matches({ metadata: { name: 'n', namespace: 'x' } }), true);
  });

  const errors: {
    name: string;
    query: SelectorQuery;
    options?: Parameters<typeof parseSelectionPredicate>[1];
    message: string;
  }[] = [
    {
      name: 'bad label selector',
      query: { labelSelector: 'a b' },
      message: "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt",
    },
    {
      name: 'label selector is read before field selector',
      query: { labelSelector: ',', fieldSelector: 'x' },
      message: "found ',', expected: !, identifier, or 'end of string'",
    },
    {
      name: 'bad field selector',
      query: { fieldSelector: 'x' },
      message: "invalid selector: 'x'; can't understand 'x'",
    },
    {
      name: 'field syntax is checked before field names',
      query: { fieldSelector: 'spec.x=a,b' },
      message: "invalid selector: 'spec.x=a,b'; can't understand 'b'",
    },
    {
      name: 'unknown field with the default conversion',
      query: { fieldSelector: 'spec.nodeName=n1' },
      message:
        '"spec.nodeName" is not a known field selector: only "metadata.name", "metadata.namespace"',
    },
    {
      name: 'unsupported field of a resource',
      query: { fieldSelector: 'spec.replicas=1' },
      options: { fieldLabelConversion: supportedFieldLabels(['metadata.name']) },
      message: 'field label not supported: spec.replicas',
    },
  ];
  for (const c of errors) {
    it(`rejects: ${c.name}`, () => {
      assert.equal(
        badRequestMessage(() => parseSelectionPredicate(c.query, c.options)),
        c.message,
      );
    });
  }
});
