import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  badRequest,
  INTERNAL_VERSION,
  isNotRegisteredError,
  restoreFromAnnotation,
  Scheme,
  StatusError,
  stashInAnnotation,
  type GroupVersion,
  type KubeObject,
} from '../src/index.js';
import {
  COLOR_ANNOTATION,
  LEGACY_NOTE_ANNOTATION,
  TIER_ANNOTATION,
  WARDLE,
  wardleGroup,
} from './scheme.fixtures.js';

const gv = (version: string): GroupVersion => ({ group: WARDLE, version });

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

function flunder(
  version: string,
  spec: Record<string, unknown>,
  annotations?: Record<string, string>,
): KubeObject {
  const metadata: KubeObject['metadata'] = { name: 'f', namespace: 'ns' };
  if (annotations !== undefined) metadata.annotations = annotations;
  return deepFreeze({ apiVersion: `${WARDLE}/${version}`, kind: 'Flunder', metadata, spec });
}

describe('Scheme.convert', () => {
  const scheme = new Scheme({ name: 'test' }).addGroup(wardleGroup());

  const cases: { name: string; obj: KubeObject; target: string; expected: KubeObject }[] = [
    {
      name: 'v1alpha1 to hub: renames size, stashes legacyNote',
      obj: flunder('v1alpha1', { reference: 'x', size: 2, legacyNote: 'old' }),
      target: 'v1',
      expected: {
        apiVersion: `${WARDLE}/v1`,
        kind: 'Flunder',
        metadata: {
          name: 'f',
          namespace: 'ns',
          annotations: { [LEGACY_NOTE_ANNOTATION]: '"old"' },
        },
        spec: { reference: 'x', replicas: 2 },
      },
    },
    {
      name: 'hub to v1beta1: renames reference, stashes color',
      obj: flunder('v1', { reference: 'x', replicas: 2, color: 'red' }),
      target: 'v1beta1',
      expected: {
        apiVersion: `${WARDLE}/v1beta1`,
        kind: 'Flunder',
        metadata: { name: 'f', namespace: 'ns', annotations: { [COLOR_ANNOTATION]: '"red"' } },
        spec: { ref: 'x', replicas: 2 },
      },
    },
    {
      name: 'v1beta1 to v1alpha1 through the hub',
      obj: flunder('v1beta1', { ref: 'x', replicas: 3, tier: 'gold' }, { keep: 'me' }),
      target: 'v1alpha1',
      expected: {
        apiVersion: `${WARDLE}/v1alpha1`,
        kind: 'Flunder',
        metadata: {
          name: 'f',
          namespace: 'ns',
          annotations: { keep: 'me', [TIER_ANNOTATION]: '"gold"' },
        },
        spec: { reference: 'x', size: 3 },
      },
    },
    {
      name: 'back from v1alpha1 to v1beta1 restores what was stashed',
      obj: flunder(
        'v1alpha1',
        { reference: 'x', size: 3 },
        { keep: 'me', [TIER_ANNOTATION]: '"gold"' },
      ),
      target: 'v1beta1',
      expected: {
        apiVersion: `${WARDLE}/v1beta1`,
        kind: 'Flunder',
        metadata: { name: 'f', namespace: 'ns', annotations: { keep: 'me' } },
        spec: { ref: 'x', replicas: 3, tier: 'gold' },
      },
    },
    {
      name: 'the same version: a copy',
      obj: flunder('v1beta1', { ref: 'x' }),
      target: 'v1beta1',
      expected: {
        apiVersion: `${WARDLE}/v1beta1`,
        kind: 'Flunder',
        metadata: { name: 'f', namespace: 'ns' },
        spec: { ref: 'x' },
      },
    },
    {
      name: 'a kind without converters: identity but apiVersion',
      obj: deepFreeze({
        apiVersion: `${WARDLE}/v1beta1`,
        kind: 'Fischer',
        metadata: { name: 'a' },
        x: 1,
      }),
      target: 'v1',
      expected: { apiVersion: `${WARDLE}/v1`, kind: 'Fischer', metadata: { name: 'a' }, x: 1 },
    },
    {
      name: 'a list, item by item, items taking the list’s kind',
      obj: deepFreeze({
        apiVersion: `${WARDLE}/v1alpha1`,
        kind: 'FlunderList',
        metadata: { resourceVersion: '7' },
        items: [{ metadata: { name: 'a' }, spec: { size: 1 } }],
      }),
      target: 'v1',
      expected: {
        apiVersion: `${WARDLE}/v1`,
        kind: 'FlunderList',
        metadata: { resourceVersion: '7' },
        items: [
          {
            apiVersion: `${WARDLE}/v1`,
            kind: 'Flunder',
            metadata: { name: 'a' },
            spec: { replicas: 1 },
          },
        ],
      },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const out = scheme.convert(c.obj, gv(c.target));
      assert.deepEqual(out, c.expected);
      assert.notEqual(out, c.obj);
    });
  }

  const failures: {
    name: string;
    obj: unknown;
    target: GroupVersion;
    code: number;
    message: string;
  }[] = [
    {
      name: 'an unknown kind',
      obj: { apiVersion: `${WARDLE}/v1`, kind: 'Gadget' },
      target: gv('v1beta1'),
      code: 400,
      message: `no kind "Gadget" is registered for version "${WARDLE}/v1" in scheme "test"`,
    },
    {
      name: 'an unknown source version',
      obj: { apiVersion: `${WARDLE}/v2`, kind: 'Flunder' },
      target: gv('v1'),
      code: 400,
      message: `no kind "Flunder" is registered for version "${WARDLE}/v2" in scheme "test"`,
    },
    {
      name: 'an unknown group',
      obj: { apiVersion: 'nope.example.com/v1', kind: 'Flunder' },
      target: { group: 'nope.example.com', version: 'v2' },
      code: 400,
      message: 'no kind "Flunder" is registered for version "nope.example.com/v1" in scheme "test"',
    },
    {
      name: 'a target version the kind lacks',
      obj: { apiVersion: `${WARDLE}/v1`, kind: 'Fischer' },
      target: gv('v1alpha1'),
      code: 400,
      message: `no kind "Fischer" is registered for version "${WARDLE}/v1alpha1" in scheme "test"`,
    },
    {
      name: 'the internal version of a group with a served hub',
      obj: { apiVersion: `${WARDLE}/v1`, kind: 'Flunder' },
      target: gv(INTERNAL_VERSION),
      code: 400,
      message: `no kind "Flunder" is registered for the internal version of group "${WARDLE}" in scheme "test"`,
    },
    {
      name: 'a target in another group',
      obj: { apiVersion: `${WARDLE}/v1`, kind: 'Flunder' },
      target: { group: 'apps', version: 'v1' },
      code: 400,
      message: `"${WARDLE}/v1" is not suitable for converting to "apps/v1" in scheme "test"`,
    },
    {
      name: 'a missing kind',
      obj: { apiVersion: `${WARDLE}/v1` },
      target: gv('v1'),
      code: 400,
      message: `Object 'Kind' is missing in '{"apiVersion":"${WARDLE}/v1"}'`,
    },
    {
      name: 'a missing apiVersion',
      obj: { kind: 'Flunder' },
      target: gv('v1'),
      code: 400,
      message: `Object 'apiVersion' is missing in '{"kind":"Flunder"}'`,
    },
    {
      name: 'a malformed apiVersion',
      obj: { apiVersion: 'a/b/c', kind: 'Flunder' },
      target: gv('v1'),
      code: 400,
      message: 'unexpected GroupVersion string: a/b/c',
    },
    {
      name: 'a list whose items are no list',
      obj: { apiVersion: `${WARDLE}/v1`, kind: 'FlunderList', items: {} },
      target: gv('v1beta1'),
      code: 400,
      message: `${WARDLE}/v1, Kind=FlunderList: items must be a list`,
    },
    {
      name: 'stash annotation that is not JSON',
      obj: {
        apiVersion: `${WARDLE}/v1beta1`,
        kind: 'Flunder',
        metadata: { annotations: { [COLOR_ANNOTATION]: '{oops' } },
      },
      target: gv('v1'),
      code: 400,
      message: `annotation "${COLOR_ANNOTATION}" does not hold valid JSON: "{oops"`,
    },
  ];
  for (const c of failures) {
    it(`fails on ${c.name}`, () => {
      assert.throws(
        () => scheme.convert(c.obj as KubeObject, c.target),
        (err: unknown) => {
          assert.ok(err instanceof StatusError);
          assert.equal(err.code, c.code);
          assert.equal(err.message, c.message);
          return true;
        },
      );
    });
  }

  it('marks not-registered failures as such', () => {
    assert.throws(
      () => scheme.convert({ apiVersion: `${WARDLE}/v9`, kind: 'Flunder' }, gv('v1')),
      isNotRegisteredError,
    );
  });

  describe('host converters that fail', () => {
    const failing = (toHub: (o: KubeObject) => KubeObject) =>
      new Scheme({ name: 'test' }).addGroup({
        group: 'f.example.com',
        versions: ['v1', 'v2'],
        kinds: [
          {
            kind: 'F',
            plural: 'fs',
            namespaced: true,
            versions: { v1: {}, v2: { toHub, fromHub: (o) => o } },
          },
        ],
      });
    const obj = { apiVersion: 'f.example.com/v2', kind: 'F' };
    const cases: {
      name: string;
      toHub: (o: KubeObject) => KubeObject;
      code: number;
      message: string;
    }[] = [
      {
        name: 'a thrown Error becomes a 500 naming the step',
        toHub: () => {
          throw new Error('boom');
        },
        code: 500,
        message: 'Internal error occurred: converting f.example.com/v2, Kind=F to the hub: boom',
      },
      {
        name: 'a thrown StatusError passes through',
        toHub: () => {
          throw badRequest('spec.x cannot be expressed in v1');
        },
        code: 400,
        message: 'spec.x cannot be expressed in v1',
      },
      {
        name: 'a converter returning no object is a 500',
        toHub: () => undefined as unknown as KubeObject,
        code: 500,
        message:
          'Internal error occurred: converting f.example.com/v2, Kind=F to the hub: the converter returned no object',
      },
    ];
    for (const c of cases) {
      it(c.name, () => {
        assert.throws(
          () => failing(c.toHub).convert(obj, { group: 'f.example.com', version: 'v1' }),
          (err: unknown) =>
            err instanceof StatusError && err.code === c.code && err.message === c.message,
        );
      });
    }
  });

  it('converts to and from an internal hub', () => {
    const s = new Scheme().addGroup({
      group: 'i.example.com',
      versions: ['v1'],
      hubVersion: INTERNAL_VERSION,
      kinds: [
        {
          kind: 'I',
          plural: 'is',
          namespaced: true,
          versions: {
            v1: {
              toHub: (o) => ({ ...o, internal: o.external }),
              fromHub: ({ internal, ...o }) => ({ ...o, external: internal }),
            },
          },
        },
      ],
    });
    const hub = s.convert(
      { apiVersion: 'i.example.com/v1', kind: 'I', external: 1 },
      { group: 'i.example.com', version: INTERNAL_VERSION },
    );
    assert.deepEqual(hub, {
      apiVersion: 'i.example.com/__internal',
      kind: 'I',
      external: 1,
      internal: 1,
    });
    const back = s.convert(
      { ...hub, external: undefined },
      { group: 'i.example.com', version: 'v1' },
    );
    assert.equal(back.external, 1);
    assert.equal(back.apiVersion, 'i.example.com/v1');
  });
});

describe('conversion round trip (property)', () => {
  const scheme = new Scheme().addGroup(wardleGroup());
  const versions = ['v1', 'v1beta1', 'v1alpha1'] as const;

  // words that cannot collide with the stash annotations
  const word = fc.string({ minLength: 1, maxLength: 8 }).filter((s) => !s.startsWith(`${WARDLE}/`));
  const metadata = fc.record(
    {
      name: word,
      namespace: word,
      labels: fc.dictionary(word, word, { minKeys: 1, maxKeys: 3 }),
      // Go drops an empty annotations map, so a round trip may too: generate none or some
      annotations: fc.dictionary(word, fc.string(), { minKeys: 1, maxKeys: 3 }),
    },
    { requiredKeys: ['name'] },
  );
  const ports = fc.array(fc.record({ name: word, port: fc.integer({ min: 1, max: 65535 }) }), {
    maxLength: 3,
  });
  const specs = {
    v1: fc.record(
      {
        reference: word,
        referenceType: fc.constantFrom('Flunder', 'Fischer'),
        replicas: fc.nat(),
        color: word,
        ports,
      },
      { requiredKeys: [] },
    ),
    v1beta1: fc.record(
      {
        ref: word,
        referenceType: fc.constantFrom('Flunder', 'Fischer'),
        replicas: fc.nat(),
        tier: word,
        ports,
      },
      { requiredKeys: [] },
    ),
    v1alpha1: fc.record(
      {
        reference: word,
        referenceType: fc.constantFrom('Flunder', 'Fischer'),
        size: fc.nat(),
        legacyNote: word,
        ports,
      },
      { requiredKeys: [] },
    ),
  };
  const objectAt = (version: (typeof versions)[number]) =>
    fc
      .record(
        { metadata, spec: specs[version], status: fc.record({ phase: word }) },
        { requiredKeys: ['metadata'] },
      ) // as decoded from a request body: plain JSON objects (fast-check's records have no prototype)
      .map(
        (o): KubeObject =>
          JSON.parse(
            JSON.stringify({ apiVersion: `${WARDLE}/${version}`, kind: 'Flunder', ...o }),
          ) as KubeObject,
      );

  // each hop goes over the wire as JSON, as it would between server and storage or client
  const hop = (obj: KubeObject, version: string): KubeObject =>
    JSON.parse(JSON.stringify(scheme.convert(obj, gv(version)))) as KubeObject;

  for (const from of versions) {
    for (const via of versions) {
      it(`${from} → hub → ${via} → hub → ${from} is lossless`, () => {
        fc.assert(
          fc.property(objectAt(from), (original) => {
            const there = hop(original, via);
            assert.equal(there.apiVersion, `${WARDLE}/${via}`);
            assert.deepEqual(hop(there, from), original);
          }),
          { numRuns: 150 },
        );
      });
    }
  }
});

describe('Scheme.default', () => {
  const scheme = new Scheme({ name: 'test' }).addGroup(wardleGroup());
  const cases: { name: string; obj: KubeObject; expected: unknown }[] = [
    {
      name: 'defaults the hub field',
      obj: flunder('v1', { reference: 'x' }),
      expected: { reference: 'x', replicas: 1 },
    },
    {
      name: 'defaults at the object’s own version (v1alpha1 calls it size)',
      obj: flunder('v1alpha1', { reference: 'x' }),
      expected: { reference: 'x', size: 1 },
    },
    {
      name: 'keeps a set value',
      obj: flunder('v1beta1', { replicas: 5 }),
      expected: { replicas: 5 },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const out = scheme.default(c.obj);
      assert.deepEqual(out.spec, c.expected);
      assert.notEqual(out, c.obj);
    });
  }

  it('passes a kind without a defaulter through unchanged', () => {
    const obj = deepFreeze({
      apiVersion: `${WARDLE}/v1`,
      kind: 'Fischer',
      metadata: { name: 'a' },
    });
    assert.deepEqual(scheme.default(obj), obj);
  });

  it('defaults each item of a list', () => {
    const list = deepFreeze({
      apiVersion: `${WARDLE}/v1alpha1`,
      kind: 'FlunderList',
      metadata: {},
      items: [{ spec: {} }],
    });
    const out = scheme.default(list);
    assert.deepEqual(out.items, [
      { apiVersion: `${WARDLE}/v1alpha1`, kind: 'Flunder', spec: { size: 1 } },
    ]);
  });

  it('rejects an unregistered kind with a 400', () => {
    assert.throws(
      () => scheme.default({ apiVersion: `${WARDLE}/v1alpha1`, kind: 'Fischer' }),
      (err: unknown) =>
        isNotRegisteredError(err) &&
        err.code === 400 &&
        err.message ===
          `no kind "Fischer" is registered for version "${WARDLE}/v1alpha1" in scheme "test"`,
    );
  });

  it('turns a throwing defaulter into a 500', () => {
    const s = new Scheme().addGroup({
      group: 'd.example.com',
      versions: ['v1'],
      kinds: [
        {
          kind: 'D',
          plural: 'ds',
          namespaced: false,
          versions: {
            v1: {
              default: () => {
                throw new TypeError('bad');
              },
            },
          },
        },
      ],
    });
    assert.throws(
      () => s.default({ apiVersion: 'd.example.com/v1', kind: 'D' }),
      (err: unknown) =>
        err instanceof StatusError &&
        err.code === 500 &&
        err.message === 'Internal error occurred: defaulting d.example.com/v1, Kind=D: bad',
    );
  });
});

describe('Scheme.newObject and newList', () => {
  const scheme = new Scheme({ name: 'test' }).addGroup(wardleGroup());
  it('makes an empty object of a kind', () => {
    assert.deepEqual(scheme.newObject({ group: WARDLE, version: 'v1beta1', kind: 'Fischer' }), {
      apiVersion: `${WARDLE}/v1beta1`,
      kind: 'Fischer',
      metadata: {},
    });
  });
  it('makes an empty list of a kind', () => {
    assert.deepEqual(scheme.newList({ group: WARDLE, version: 'v1', kind: 'Flunder' }), {
      apiVersion: `${WARDLE}/v1`,
      kind: 'FlunderList',
      metadata: {},
      items: [],
    });
  });
  it('rejects a kind at a version it lacks', () => {
    assert.throws(
      () => scheme.newObject({ group: WARDLE, version: 'v1alpha1', kind: 'Fischer' }),
      isNotRegisteredError,
    );
  });
});

describe('stash helpers', () => {
  const cases: { name: string; start: KubeObject; value: unknown; stashed: KubeObject }[] = [
    {
      name: 'creates metadata and annotations',
      start: {},
      value: { a: [1, 2] },
      stashed: { metadata: { annotations: { k: '{"a":[1,2]}' } } },
    },
    {
      name: 'adds to existing annotations',
      start: { metadata: { annotations: { other: 'x' } } },
      value: 'v',
      stashed: { metadata: { annotations: { other: 'x', k: '"v"' } } },
    },
    {
      name: 'stores nothing for undefined',
      start: { metadata: { name: 'n' } },
      value: undefined,
      stashed: { metadata: { name: 'n' } },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const obj = structuredClone(c.start);
      stashInAnnotation(obj, 'k', c.value);
      assert.deepEqual(obj, c.stashed);
      assert.deepEqual(restoreFromAnnotation(obj, 'k'), c.value);
      assert.equal(obj.metadata?.annotations?.k, undefined);
    });
  }

  it('drops an annotations map it empties, keeps one with others left', () => {
    const alone: KubeObject = { metadata: { name: 'n', annotations: { k: '1' } } };
    restoreFromAnnotation(alone, 'k');
    assert.deepEqual(alone, { metadata: { name: 'n' } });
    const shared: KubeObject = { metadata: { annotations: { k: '1', o: 'x' } } };
    restoreFromAnnotation(shared, 'k');
    assert.deepEqual(shared, { metadata: { annotations: { o: 'x' } } });
  });

  it('returns undefined for an absent annotation, changing nothing', () => {
    const obj: KubeObject = { metadata: { annotations: { o: 'x' } } };
    assert.equal(restoreFromAnnotation(obj, 'k'), undefined);
    assert.deepEqual(obj, { metadata: { annotations: { o: 'x' } } });
  });
});
