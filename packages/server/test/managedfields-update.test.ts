// managedFields of Update operations (POST, PUT, non-apply PATCH) on the Widget type: the Part C
// scenarios and Part B rules that concern updates. Apply entries in setups are written out as
// the scenarios give them (server-side apply itself is not implemented yet).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  validateManagedFields,
  fieldErrorString,
  type KubeObject,
  type ManagedFieldsEntry,
} from '@kapi/apimachinery';
import {
  applyPatch,
  JSON_PATCH_TYPE,
  MERGE_PATCH_TYPE,
  type JSONObject,
} from '../src/patch/index.js';
import {
  beforeFirstApply,
  compareObjects,
  decodeManagedFields,
  defaultResetFields,
  encodeManagedFields,
  fieldsV1ToSet,
  pathString,
  reconcileFieldSetWithSchema,
  recordUpdate,
  setToFieldsV1,
  updateManagedFields,
  type VersionResolver,
} from '../src/managedfields/index.js';
import { widget } from './fixtures/patch/schemas.js';

const V1 = 'example.com/v1';
const V2 = 'example.com/v2';
const T = (s: number) => `2025-01-01T00:00:${String(s).padStart(2, '0')}Z`;

/** An entry as Part C writes it: manager | operation | apiVersion | subresource? | time | fieldsV1. */
function entry(
  manager: string,
  operation: 'Apply' | 'Update',
  fieldsV1: string,
  opts: { time?: string; apiVersion?: string; subresource?: string } = {},
): ManagedFieldsEntry {
  const e: ManagedFieldsEntry = { manager, operation, apiVersion: opts.apiVersion ?? V1 };
  if (opts.time !== undefined) e.time = opts.time;
  e.fieldsType = 'FieldsV1';
  e.fieldsV1 = JSON.parse(fieldsV1) as Record<string, unknown>;
  if (opts.subresource !== undefined) e.subresource = opts.subresource;
  return e;
}

function widgetObject(body: JSONObject, managedFields?: ManagedFieldsEntry[]): KubeObject {
  const metadata: JSONObject = {
    name: 'w',
    namespace: 'default',
    uid: 'u-1',
    resourceVersion: '5',
    ...((body['metadata'] as JSONObject | undefined) ?? {}),
  };
  if (managedFields !== undefined) metadata['managedFields'] = managedFields;
  return { apiVersion: V1, kind: 'Widget', ...body, metadata };
}

interface WriteOptions {
  subresource?: string;
  apiVersion?: string;
  otherVersion?: VersionResolver;
}

/** The Update bookkeeping of a write, with the Widget reset fields of its endpoint (B11). */
function record(
  live: KubeObject | undefined,
  updated: KubeObject,
  manager: string,
  now: string,
  opts: WriteOptions = {},
): KubeObject {
  const subresource = opts.subresource ?? '';
  return updateManagedFields({
    live,
    updated,
    manager,
    apiVersion: opts.apiVersion ?? V1,
    subresource,
    now,
    mergeSchema: widget,
    resetFields: defaultResetFields(subresource, true),
    ...(opts.otherVersion !== undefined ? { otherVersion: opts.otherVersion } : {}),
  });
}

function post(body: JSONObject, manager: string, now: string): KubeObject {
  const created = widgetObject(body);
  delete created.metadata?.uid;
  delete created.metadata?.resourceVersion;
  return record(undefined, created, manager, now);
}

function merge(
  live: KubeObject,
  patch: JSONObject,
  manager: string,
  now: string,
  opts: WriteOptions = {},
): KubeObject {
  const patched = applyPatch(MERGE_PATCH_TYPE, live, JSON.stringify(patch), widget).object;
  return record(live, patched, manager, now, opts);
}

function put(
  live: KubeObject,
  body: JSONObject,
  manager: string,
  now: string,
  opts: WriteOptions = {},
): KubeObject {
  return record(live, widgetObject(body), manager, now, opts);
}

/** Compares managedFields byte for byte: entry key order and FieldsV1 key order included. */
function assertManaged(obj: KubeObject, want: ManagedFieldsEntry[] | undefined): void {
  const got = obj.metadata?.managedFields;
  assert.equal(JSON.stringify(got), JSON.stringify(want));
}

describe('Update ownership: Part C scenarios', () => {
  it('C-05 an update takes ownership without conflict', () => {
    const live = widgetObject({ spec: { replicas: 2, image: 'a' } }, [
      entry('alice', 'Apply', '{"f:spec":{"f:image":{},"f:replicas":{}}}', { time: T(0) }),
    ]);
    const out = merge(live, { spec: { replicas: 5 } }, 'scaler', T(1));
    assert.deepEqual(out['spec'], { replicas: 5, image: 'a' });
    assertManaged(out, [
      entry('alice', 'Apply', '{"f:spec":{"f:image":{}}}', { time: T(0) }),
      entry('scaler', 'Update', '{"f:spec":{"f:replicas":{}}}', { time: T(1) }),
    ]);
  });

  it('C-10 / C-11 a create owns every added node, containers with "."', () => {
    assertManaged(post({ spec: { replicas: 1 } }, 'ctrl', T(1)), [
      entry('ctrl', 'Update', '{"f:spec":{".":{},"f:replicas":{}}}', { time: T(1) }),
    ]);
    assertManaged(
      post(
        { metadata: { labels: { app: 'x' } }, spec: { replicas: 1, image: 'i' } },
        'kubectl-create',
        T(2),
      ),
      [
        entry(
          'kubectl-create',
          'Update',
          '{"f:metadata":{"f:labels":{".":{},"f:app":{}}},"f:spec":{".":{},"f:image":{},"f:replicas":{}}}',
          { time: T(2) },
        ),
      ],
    );
  });

  it('B3.4 example 1 created by a POST: added maps are members', () => {
    const out = post(
      { metadata: { labels: { app: 'web' } }, spec: { replicas: 2, config: { k1: 'v1' } } },
      'creator',
      T(1),
    );
    assertManaged(out, [
      entry(
        'creator',
        'Update',
        '{"f:metadata":{"f:labels":{".":{},"f:app":{}}},"f:spec":{".":{},"f:config":{".":{},"f:k1":{}},"f:replicas":{}}}',
        { time: T(1) },
      ),
    ]);
  });

  it('C-13 setup: a PUT writing into an element another manager applied', () => {
    const alice = entry(
      'alice',
      'Apply',
      '{"f:spec":{"f:containers":{"k:{\\"name\\":\\"extra\\"}":{".":{},"f:image":{},"f:name":{}},"k:{\\"name\\":\\"main\\"}":{".":{},"f:image":{},"f:name":{}}}}}',
      { time: T(0) },
    );
    const containers = [
      { name: 'main', image: 'nginx' },
      { name: 'extra', image: 'x' },
    ];
    const live = widgetObject({ spec: { containers } }, [alice]);
    const out = put(
      live,
      {
        spec: {
          containers: [containers[0], { ...containers[1], env: [{ name: 'A', value: '1' }] }],
        },
      },
      'ctrl',
      T(1),
    );
    assertManaged(out, [
      alice,
      entry(
        'ctrl',
        'Update',
        '{"f:spec":{"f:containers":{"k:{\\"name\\":\\"extra\\"}":{"f:env":{".":{},"k:{\\"name\\":\\"A\\"}":{".":{},"f:name":{},"f:value":{}}}}}}}',
        { time: T(1) },
      ),
    ]);
  });

  it('C-21 a create with duplicates in a list map owns the duplicated key as a leaf', () => {
    const out = post(
      {
        spec: {
          containers: [
            {
              name: 'c',
              env: [
                { name: 'PATH', value: '/bin' },
                { name: 'PATH', value: '/usr/bin' },
                { name: 'HOME', value: '/root' },
              ],
            },
          ],
        },
      },
      'creator',
      T(1),
    );
    assertManaged(out, [
      entry(
        'creator',
        'Update',
        '{"f:spec":{".":{},"f:containers":{".":{},"k:{\\"name\\":\\"c\\"}":{".":{},"f:env":{".":{},"k:{\\"name\\":\\"HOME\\"}":{".":{},"f:name":{},"f:value":{}},"k:{\\"name\\":\\"PATH\\"}":{}},"f:name":{}}}}}',
        { time: T(1) },
      ),
    ]);
  });

  it('C-22 reordering a list map is not a change', () => {
    const alice = entry(
      'alice',
      'Apply',
      '{"f:spec":{"f:containers":{"k:{\\"name\\":\\"a\\"}":{".":{},"f:name":{}},"k:{\\"name\\":\\"b\\"}":{".":{},"f:name":{}},"k:{\\"name\\":\\"c\\"}":{".":{},"f:name":{}}}}}',
      { time: T(0) },
    );
    const live = widgetObject(
      { spec: { containers: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] } },
      [alice],
    );
    const out = put(
      live,
      { spec: { containers: [{ name: 'c' }, { name: 'b' }, { name: 'a' }] } },
      'ctrl',
      T(1),
    );
    assertManaged(out, [alice]);
  });

  it('C-23 updater bookkeeping: one entry, time only on a change, deletions give no entry', () => {
    const step1 = post({ metadata: { labels: { a: '1' } } }, 'ctrl', T(1));
    assertManaged(step1, [
      entry('ctrl', 'Update', '{"f:metadata":{"f:labels":{".":{},"f:a":{}}}}', { time: T(1) }),
    ]);
    const step2 = merge(step1, { metadata: { labels: { b: '2' } } }, 'ctrl', T(2));
    const want2 = [
      entry('ctrl', 'Update', '{"f:metadata":{"f:labels":{".":{},"f:a":{},"f:b":{}}}}', {
        time: T(2),
      }),
    ];
    assertManaged(step2, want2);
    const step3 = merge(step2, { metadata: { labels: { b: '2' } } }, 'ctrl', T(3));
    assertManaged(step3, want2);
    const step4 = merge(step3, { metadata: { labels: { b: '2' } } }, 'other', T(4));
    assertManaged(step4, want2);
    const step5 = merge(step4, { metadata: { labels: { a: null } } }, 'other', T(5));
    assert.deepEqual(step5.metadata?.labels, { b: '2' });
    assertManaged(step5, [
      entry('ctrl', 'Update', '{"f:metadata":{"f:labels":{".":{},"f:b":{}}}}', { time: T(2) }),
    ]);
  });

  it('C-24 an update deletes an applier-owned field', () => {
    const live = widgetObject({ spec: { image: 'a', replicas: 3 } }, [
      entry('alice', 'Apply', '{"f:spec":{"f:image":{},"f:replicas":{}}}', { time: T(0) }),
    ]);
    const out = merge(live, { spec: { replicas: null } }, 'ctrl', T(1));
    assert.deepEqual(out['spec'], { image: 'a' });
    assertManaged(out, [entry('alice', 'Apply', '{"f:spec":{"f:image":{}}}', { time: T(0) })]);
  });

  it('C-25 the update-manager cap merges the oldest into ancient-changes', () => {
    const applier = entry('applier', 'Apply', '{"f:metadata":{"f:labels":{"f:x":{}}}}', {
      time: T(0),
    });
    let obj = widgetObject({ metadata: { labels: { x: '1' } } }, [applier]);
    for (let i = 1; i <= 11; i++) {
      obj = merge(obj, { metadata: { labels: { [`l${i}`]: '1' } } }, `u${i}`, T(i));
    }
    const want = [
      applier,
      entry('ancient-changes', 'Update', '{"f:metadata":{"f:labels":{"f:l1":{},"f:l2":{}}}}', {
        time: T(2),
      }),
    ];
    for (let i = 3; i <= 11; i++) {
      want.push(
        entry(`u${i}`, 'Update', `{"f:metadata":{"f:labels":{"f:l${i}":{}}}}`, { time: T(i) }),
      );
    }
    assertManaged(obj, want);
  });

  describe('C-26 resetting managedFields', () => {
    const alice = entry(
      'alice',
      'Apply',
      '{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:image":{}}}',
      { time: T(0) },
    );
    const live = widgetObject({ metadata: { labels: { app: 'a' } }, spec: { image: 'i1' } }, [
      alice,
    ]);

    it('(a) [{}] through a merge patch resets, and later updates stay untracked', () => {
      const reset = merge(live, { metadata: { managedFields: [{}] } }, 'x', T(1));
      assertManaged(reset, undefined);
      const next = merge(reset, { spec: { image: 'i2' } }, 'y', T(2));
      assert.deepEqual(next['spec'], { image: 'i2' });
      assertManaged(next, undefined);
    });

    it('(b) [] through a PUT resets', () => {
      const out = put(
        live,
        { metadata: { labels: { app: 'a' }, managedFields: [] }, spec: { image: 'i1' } },
        'x',
        T(1),
      );
      assertManaged(out, undefined);
    });

    it('(c) a PUT without managedFields, or with null, tracks from live', () => {
      const want = [
        entry('alice', 'Apply', '{"f:metadata":{"f:labels":{"f:app":{}}}}', { time: T(0) }),
        entry('x', 'Update', '{"f:spec":{"f:image":{}}}', { time: T(1) }),
      ];
      const body = { metadata: { labels: { app: 'a' } }, spec: { image: 'i9' } };
      assertManaged(put(live, body, 'x', T(1)), want);
      assertManaged(
        put(live, { ...body, metadata: { ...body.metadata, managedFields: null } }, 'x', T(1)),
        want,
      );
    });
  });

  it('C-27 the first apply after a reset starts from a before-first-apply claim (B9)', () => {
    const untracked = widgetObject({ metadata: { labels: { app: 'a' } }, spec: { image: 'i2' } });
    const managed = beforeFirstApply({
      live: untracked,
      apiVersion: V1,
      now: T(3),
      mergeSchema: widget,
    });
    assert.equal(
      JSON.stringify(encodeManagedFields(managed)),
      JSON.stringify([
        entry(
          'before-first-apply',
          'Update',
          '{"f:metadata":{"f:labels":{".":{},"f:app":{}}},"f:spec":{".":{},"f:image":{}}}',
          { time: T(3) },
        ),
      ]),
    );
  });

  it('C-28 editing managedFields through PUT: the later duplicate identity wins', () => {
    const live = widgetObject({ metadata: { labels: { a: '1', b: '2' } } }, [
      entry('one', 'Apply', '{"f:metadata":{"f:labels":{"f:a":{}}}}', { time: T(1) }),
      entry('two', 'Apply', '{"f:metadata":{"f:labels":{"f:b":{}}}}', { time: T(2) }),
    ]);
    const out = put(
      live,
      {
        metadata: {
          labels: { a: '1', b: '2' },
          managedFields: [
            entry('multi', 'Apply', '{"f:metadata":{"f:labels":{"f:a":{}}}}', { time: T(1) }),
            entry('multi', 'Apply', '{"f:metadata":{"f:labels":{"f:b":{}}}}', { time: T(2) }),
          ],
        },
      },
      'renamer',
      T(3),
    );
    assertManaged(out, [
      entry('multi', 'Apply', '{"f:metadata":{"f:labels":{"f:b":{}}}}', { time: T(2) }),
    ]);
  });

  describe('C-29 submitted managedFields that do not decode, or do not validate', () => {
    const one = entry('one', 'Apply', '{"f:metadata":{"f:labels":{"f:a":{}}}}', { time: T(1) });
    const live = widgetObject({ metadata: { labels: { a: '1' } } }, [one]);

    it('(a) an undecodable list is silently ignored', () => {
      const out = put(
        live,
        {
          metadata: {
            labels: { a: '1', c: '3' },
            managedFields: [
              {
                manager: 'x',
                operation: 'Frobnicate',
                apiVersion: V1,
                fieldsType: 'FieldsV1',
                fieldsV1: {},
              },
            ],
          },
        },
        'renamer',
        T(2),
      );
      assertManaged(out, [
        one,
        entry('renamer', 'Update', '{"f:metadata":{"f:labels":{"f:c":{}}}}', { time: T(2) }),
      ]);
    });

    it('(b) a decodable entry with a 200-character manager is kept, and validation rejects it', () => {
      const out = put(
        live,
        {
          metadata: {
            labels: { a: '1' },
            managedFields: [{ ...one, manager: 'm'.repeat(200) }],
          },
        },
        'renamer',
        T(2),
      );
      const errs = validateManagedFields(out.metadata?.managedFields, 'metadata.managedFields');
      assert.deepEqual(errs.map(fieldErrorString), [
        'metadata.managedFields[0].manager: Too long: may not be more than 128 bytes',
      ]);
    });
  });

  describe('C-32 / C-33 status subresource ownership', () => {
    const alice = entry('alice', 'Apply', '{"f:spec":{"f:replicas":{}}}', { time: T(0) });
    const live = widgetObject({ spec: { replicas: 1 } }, [alice]);
    const ctrl = entry(
      'ctrl',
      'Update',
      '{"f:status":{".":{},"f:conditions":{".":{},"k:{\\"type\\":\\"Ready\\"}":{".":{},"f:status":{},"f:type":{}}},"f:phase":{}}}',
      { time: T(1), subresource: 'status' },
    );
    const statusBody = {
      metadata: { labels: { sneaky: 'x' } },
      spec: { replicas: 9 },
      status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
    };

    it('C-32 step 2: a PUT through /status owns status only', () => {
      assertManaged(put(live, statusBody, 'ctrl', T(1), { subresource: 'status' }), [alice, ctrl]);
    });

    it('C-32 step 3: a status change through the main resource gives no entry', () => {
      const withStatus = widgetObject({ spec: { replicas: 1 }, status: statusBody.status }, [
        alice,
        ctrl,
      ]);
      const out = merge(withStatus, { status: { phase: 'X' } }, 'alice2', T(2));
      assertManaged(out, [alice, ctrl]);
    });

    it('C-33 step 3: managedFields sent through /status are ignored, not a reset', () => {
      const withStatus = widgetObject({ spec: { replicas: 1 }, status: statusBody.status }, [
        alice,
        ctrl,
      ]);
      const out = put(
        withStatus,
        { spec: { replicas: 1 }, status: statusBody.status, metadata: { managedFields: [{}] } },
        'ctrl',
        T(3),
        { subresource: 'status' },
      );
      assertManaged(out, [alice, ctrl]);
    });
  });

  it('C-34 an updater at two versions gets two entries', () => {
    const identity: VersionResolver = (version) =>
      version === V1 || version === V2
        ? { schema: widget, convert: (o) => ({ ...o, apiVersion: version }) }
        : undefined;
    const alice = entry('alice', 'Apply', '{"f:spec":{"f:image":{}}}', { time: T(0) });
    const live = widgetObject({ spec: { image: 'x' } }, [alice]);
    const step1 = merge(live, { spec: { config: { a: '1' } } }, 'ctrl', T(1), {
      otherVersion: identity,
    });
    const atV2 = { ...step1, apiVersion: V2 };
    const step2 = merge(atV2, { spec: { config: { b: '1' } } }, 'ctrl', T(2), {
      apiVersion: V2,
      otherVersion: identity,
    });
    assertManaged(step2, [
      alice,
      entry('ctrl', 'Update', '{"f:spec":{"f:config":{".":{},"f:a":{}}}}', { time: T(1) }),
      entry('ctrl', 'Update', '{"f:spec":{"f:config":{"f:b":{}}}}', { time: T(2), apiVersion: V2 }),
    ]);
  });

  it('C-35 an entry at a version no longer served is dropped', () => {
    const live = widgetObject({ metadata: { labels: { a: '1' } } }, [
      entry('old', 'Update', '{"f:metadata":{"f:labels":{"f:a":{}}}}', {
        time: T(0),
        apiVersion: 'example.com/v0alpha1',
      }),
    ]);
    const out = merge(live, { metadata: { labels: { b: '2' } } }, 'ctrl', T(1));
    assert.deepEqual(out.metadata?.labels, { a: '1', b: '2' });
    assertManaged(out, [
      entry('ctrl', 'Update', '{"f:metadata":{"f:labels":{"f:b":{}}}}', { time: T(1) }),
    ]);
  });

  it('C-38 (b) a create of metadata only gets no entry; (c) labels are tracked', () => {
    assertManaged(post({ metadata: { generation: 1 } }, 'maker', T(1)), undefined);
    assertManaged(post({ metadata: { labels: { app: 'a', tier: 't' } } }, 'kubectl-create', T(1)), [
      entry(
        'kubectl-create',
        'Update',
        '{"f:metadata":{"f:labels":{".":{},"f:app":{},"f:tier":{}}}}',
        {
          time: T(1),
        },
      ),
    ]);
  });

  describe('C-40 client-side apply, then the migration JSON patch', () => {
    const lastApplied = 'kubectl.kubernetes.io/last-applied-configuration';
    const manifest = {
      metadata: { labels: { app: 'web' }, annotations: { [lastApplied]: '{...}\n' } },
      spec: { replicas: 3, image: 'v1', config: { a: '1', old: 'x' } },
    };

    it('(a) the creator owns everything, the annotation included; a scaler takes replicas', () => {
      const created = post(manifest, 'kubectl-client-side-apply', T(1));
      assertManaged(created, [
        entry(
          'kubectl-client-side-apply',
          'Update',
          '{"f:metadata":{"f:annotations":{".":{},"f:kubectl.kubernetes.io/last-applied-configuration":{}},"f:labels":{".":{},"f:app":{}}},"f:spec":{".":{},"f:config":{".":{},"f:a":{},"f:old":{}},"f:image":{},"f:replicas":{}}}',
          { time: T(1) },
        ),
      ]);
      const scaled = merge(created, { spec: { replicas: 5 } }, 'scaler', T(2));
      assertManaged(scaled, [
        entry(
          'kubectl-client-side-apply',
          'Update',
          '{"f:metadata":{"f:annotations":{".":{},"f:kubectl.kubernetes.io/last-applied-configuration":{}},"f:labels":{".":{},"f:app":{}}},"f:spec":{".":{},"f:config":{".":{},"f:a":{},"f:old":{}},"f:image":{}}}',
          { time: T(1) },
        ),
        entry('scaler', 'Update', '{"f:spec":{"f:replicas":{}}}', { time: T(2) }),
      ]);
    });

    it('(b) step 3: the JSON patch replacing managedFields is taken as is', () => {
      const live = widgetObject(manifest, [
        entry(
          'kubectl-last-applied',
          'Apply',
          `{"f:metadata":{"f:annotations":{"f:${lastApplied}":{}}}}`,
        ),
        entry(
          'kubectl',
          'Apply',
          '{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:image":{}}}',
          {
            time: T(4),
          },
        ),
        entry('kubectl-client-side-apply', 'Update', '{"f:spec":{"f:replicas":{}}}', {
          time: T(1),
        }),
      ]);
      const migrated = [
        entry(
          'kubectl-last-applied',
          'Apply',
          `{"f:metadata":{"f:annotations":{"f:${lastApplied}":{}}}}`,
        ),
        entry(
          'kubectl',
          'Apply',
          '{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:image":{},"f:replicas":{}}}',
          { time: T(4) },
        ),
      ];
      const patched = applyPatch(
        JSON_PATCH_TYPE,
        live,
        JSON.stringify([
          { op: 'replace', path: '/metadata/managedFields', value: migrated },
          { op: 'replace', path: '/metadata/resourceVersion', value: '5' },
        ]),
        widget,
      ).object;
      assertManaged(record(live, patched, 'kubectl', T(5)), migrated);
    });
  });
});

describe('Update ownership: Part B rules', () => {
  it('B4.2 an empty manager is recorded as unknown', () => {
    assertManaged(post({ spec: { image: 'a' } }, '', T(1)), [
      entry('unknown', 'Update', '{"f:spec":{".":{},"f:image":{}}}', { time: T(1) }),
    ]);
  });

  it('B4.4 the acting time is whole seconds in UTC', () => {
    const out = record(
      undefined,
      widgetObject({ spec: { image: 'a' } }),
      'm',
      '2025-06-01T12:00:05.987+02:00',
    );
    assert.equal(out.metadata?.managedFields?.[0]?.time, '2025-06-01T10:00:05Z');
  });

  it('B5.3 setting the same value again does not transfer ownership', () => {
    const alice = entry('alice', 'Apply', '{"f:spec":{"f:image":{}}}', { time: T(0) });
    const live = widgetObject({ spec: { image: 'a' } }, [alice]);
    assertManaged(merge(live, { spec: { image: 'a' } }, 'ctrl', T(1)), [alice]);
  });

  it('B10.2 a create takes a submitted list as the starting point, then owns what it added', () => {
    const out = record(
      undefined,
      widgetObject({
        metadata: {
          labels: { a: '1' },
          managedFields: [
            entry('x', 'Apply', '{"f:metadata":{"f:labels":{"f:a":{}}}}', { time: T(0) }),
            entry('y', 'Apply', '{"f:spec":{"f:gone":{}}}', { time: T(0) }),
          ],
        },
      }),
      'creator',
      T(1),
    );
    assertManaged(out, [
      entry('y', 'Apply', '{"f:spec":{"f:gone":{}}}', { time: T(0) }),
      entry('creator', 'Update', '{"f:metadata":{"f:labels":{".":{},"f:a":{}}}}', { time: T(1) }),
    ]);
  });

  it('B10.2 a create with [] is tracked normally', () => {
    const out = record(
      undefined,
      widgetObject({ metadata: { managedFields: [] }, spec: { image: 'a' } }),
      'creator',
      T(1),
    );
    assertManaged(out, [
      entry('creator', 'Update', '{"f:spec":{".":{},"f:image":{}}}', { time: T(1) }),
    ]);
  });

  it('B10.4 a failed computation keeps live managedFields and the write goes on', () => {
    const alice = entry('alice', 'Apply', '{"f:spec":{"f:image":{}}}', { time: T(0) });
    const live = widgetObject({ spec: { image: 'a', containers: [{ name: 'c' }] } }, [alice]);
    const out = put(
      live,
      { spec: { image: 'b', containers: [{ image: 'no-name' }] } },
      'ctrl',
      T(1),
    );
    assert.equal(out['spec'] !== undefined, true);
    assertManaged(out, [alice]);
  });

  it('never modifies its inputs', () => {
    const alice = entry('alice', 'Apply', '{"f:spec":{"f:image":{}}}', { time: T(0) });
    const live = widgetObject({ spec: { image: 'a' } }, [alice]);
    const updated = widgetObject({ spec: { image: 'b' } }, [alice]);
    const before = structuredClone([live, updated]);
    record(live, updated, 'ctrl', T(1));
    assert.deepEqual([live, updated], before);
  });

  it('B8 cap of 3: the bucket takes the time of the last entry merged into it', () => {
    const identity: VersionResolver = (version) =>
      version === V1 || version === V2 ? { schema: widget, convert: (o) => o } : undefined;
    const label = (i: number) => `{"f:metadata":{"f:labels":{"f:l${i}":{}}}}`;
    let managed = decodeManagedFields(
      [1, 2, 3].map((i) => entry(`u${i}`, 'Update', label(i), { time: T(i) })),
    );
    const step = (i: number, apiVersion: string) => {
      const before = {
        apiVersion,
        kind: 'Widget',
        metadata: { labels: {} as Record<string, string> },
      };
      for (let j = 1; j < i; j++) before.metadata.labels[`l${j}`] = '1';
      const after = structuredClone(before);
      after.metadata.labels[`l${i}`] = '1';
      managed = recordUpdate({
        managed,
        oldObject: before,
        newObject: after,
        manager: `u${i}`,
        apiVersion,
        subresource: '',
        now: T(i),
        mergeSchema: widget,
        otherVersion: identity,
        maxUpdateManagers: 3,
      });
      return JSON.stringify(encodeManagedFields(managed));
    };
    assert.equal(
      step(4, V1),
      JSON.stringify([
        entry('ancient-changes', 'Update', '{"f:metadata":{"f:labels":{"f:l1":{},"f:l2":{}}}}', {
          time: T(2),
        }),
        entry('u3', 'Update', label(3), { time: T(3) }),
        entry('u4', 'Update', label(4), { time: T(4) }),
      ]),
    );
    assert.equal(
      step(5, V2),
      JSON.stringify([
        entry(
          'ancient-changes',
          'Update',
          '{"f:metadata":{"f:labels":{"f:l1":{},"f:l2":{},"f:l3":{}}}}',
          { time: T(3) },
        ),
        entry('u4', 'Update', label(4), { time: T(4) }),
        entry('u5', 'Update', label(5), { time: T(5), apiVersion: V2 }),
      ]),
    );
  });

  it('B4.3 entries sort by operation, time (absent first), manager, apiVersion, subresource', () => {
    const managed = decodeManagedFields([
      entry('b', 'Update', '{"f:a":{}}', { time: T(1) }),
      entry('a', 'Update', '{"f:a":{}}', { time: T(1), apiVersion: 'x/v2' }),
      entry('a', 'Update', '{"f:a":{}}', { time: T(1), apiVersion: 'x/v1', subresource: 'status' }),
      entry('a', 'Update', '{"f:a":{}}', { time: T(1), apiVersion: 'x/v1' }),
      entry('z', 'Apply', '{"f:a":{}}', { time: T(9) }),
      entry('y', 'Apply', '{"f:a":{}}'),
      entry('c', 'Update', '{"f:a":{}}', { time: T(0) }),
    ]);
    const order = encodeManagedFields(managed)?.map(
      (e) => `${e.operation}|${e.manager}|${e.apiVersion}|${e.subresource ?? ''}`,
    );
    assert.deepEqual(order, [
      'Apply|y|example.com/v1|',
      'Apply|z|example.com/v1|',
      'Update|c|example.com/v1|',
      'Update|a|x/v1|',
      'Update|a|x/v1|status',
      'Update|a|x/v2|',
      'Update|b|example.com/v1|',
    ]);
  });

  it("B10.3 decoding errors are kube's", () => {
    const cases: [unknown, string][] = [
      [
        [{ operation: 'Frobnicate', apiVersion: V1, fieldsType: 'FieldsV1' }],
        'operation must be `Apply` or `Update`',
      ],
      [[{ operation: 'Update', fieldsType: 'FieldsV1' }], 'apiVersion must not be empty'],
      [[{ operation: 'Update', apiVersion: V1 }], 'missing fieldsType in managed fields entry 0'],
      [
        [{ operation: 'Update', apiVersion: V1, fieldsType: 'FieldsV2' }],
        'invalid fieldsType "FieldsV2" in managed fields entry 0',
      ],
    ];
    for (const [list, message] of cases) {
      assert.throws(() => decodeManagedFields(list), { message });
    }
  });
});

describe('comparison of objects (B3.3b, B5.9)', () => {
  const env = (...values: string[]) => ({
    spec: { containers: [{ name: 'c', env: values.map((v) => ({ name: 'PATH', value: v })) }] },
  });
  const paths = (set: { paths(): unknown[] }) =>
    (set.paths() as Parameters<typeof pathString>[0][]).map(pathString);
  const at = '.spec.containers[name="c"].env[name="PATH"]';

  const cases: {
    name: string;
    before: JSONObject;
    after: JSONObject;
    added: string[];
    modified: string[];
    removed: string[];
  }[] = [
    {
      name: 'a duplicated group that changes is modified as a whole',
      before: env('/a', '/b'),
      after: env('/a', '/c'),
      added: [],
      modified: [at],
      removed: [],
    },
    {
      name: 'a group that becomes duplicated is added; the single element goes',
      before: env('/a'),
      after: env('/a', '/b'),
      added: [at],
      modified: [],
      removed: [at, `${at}.name`, `${at}.value`],
    },
    {
      name: 'a group that stops being duplicated is removed; the single element comes',
      before: env('/a', '/b'),
      after: env('/a'),
      added: [at, `${at}.name`, `${at}.value`],
      modified: [],
      removed: [at],
    },
    {
      name: '{} and null on both sides compare as leaves',
      before: { spec: { config: {} } },
      after: { spec: { config: null } },
      added: [],
      modified: ['.spec.config'],
      removed: [],
    },
    {
      name: 'every node of an added subtree is added',
      before: {},
      after: { spec: { config: { a: '1' } } },
      added: ['.spec', '.spec.config', '.spec.config.a'],
      modified: [],
      removed: [],
    },
  ];
  for (const tc of cases) {
    it(tc.name, () => {
      const cmp = compareObjects(tc.before, tc.after, widget.root);
      assert.deepEqual(paths(cmp.added), tc.added);
      assert.deepEqual(paths(cmp.modified), tc.modified);
      assert.deepEqual(paths(cmp.removed), tc.removed);
    });
  }
});

describe('reconciling sets with a changed schema (B13.3)', () => {
  const cases: { name: string; stored: string; want: string }[] = [
    {
      name: 'a map that became atomic is owned as a leaf',
      stored: '{"f:spec":{"f:selector":{"f:app":{}}}}',
      want: '{"f:spec":{"f:selector":{}}}',
    },
    {
      name: 'a list that became atomic is owned as a leaf',
      stored: '{"f:spec":{"f:args":{"v:\\"a\\"":{}},"f:image":{}}}',
      want: '{"f:spec":{"f:args":{},"f:image":{}}}',
    },
    {
      name: 'atomic to granular rewrites nothing',
      stored: '{"f:spec":{"f:config":{},"f:tags":{}}}',
      want: '{"f:spec":{"f:config":{},"f:tags":{}}}',
    },
  ];
  for (const tc of cases) {
    it(tc.name, () => {
      const set = reconcileFieldSetWithSchema(fieldsV1ToSet(JSON.parse(tc.stored)), widget.root);
      assert.equal(JSON.stringify(setToFieldsV1(set)), tc.want);
    });
  }
});
