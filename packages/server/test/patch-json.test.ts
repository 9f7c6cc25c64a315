// JSON patch (RFC 6902) through the PATCH entry point: kube's (evanphx v4) semantics and statuses.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError, type KubeObject } from '@kapi/apimachinery';
import {
  applyJSONPatch,
  applyPatch,
  JSON_PATCH_TYPE,
  MAX_JSON_PATCH_OPERATIONS,
  strictPatchError,
  type JSONObject,
} from '../src/patch/index.js';

const live: KubeObject = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'cm', labels: { a: '1' }, finalizers: ['x', 'y', 'z'] },
  data: { k: 'v', n: null },
};

function patch(ops: unknown, options: { fieldValidation?: string } = {}): KubeObject {
  return applyPatch(JSON_PATCH_TYPE, live, JSON.stringify(ops), undefined, options).object;
}

function statusOf(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (err) {
    if (err instanceof StatusError) return err;
    throw err;
  }
  assert.fail('expected a StatusError');
}

const meta = (o: KubeObject) => o.metadata as JSONObject;

describe('JSON patch: operations', () => {
  const cases: {
    name: string;
    ops: unknown[];
    check: (o: KubeObject) => unknown;
    want: unknown;
  }[] = [
    {
      name: 'add a map key',
      ops: [{ op: 'add', path: '/metadata/labels/b', value: '2' }],
      check: (o) => meta(o)['labels'],
      want: { a: '1', b: '2' },
    },
    {
      name: 'add replaces an existing map key',
      ops: [{ op: 'add', path: '/metadata/labels/a', value: '9' }],
      check: (o) => meta(o)['labels'],
      want: { a: '9' },
    },
    {
      name: 'add inserts into a list',
      ops: [{ op: 'add', path: '/metadata/finalizers/1', value: 'n' }],
      check: (o) => meta(o)['finalizers'],
      want: ['x', 'n', 'y', 'z'],
    },
    {
      name: 'add appends with -',
      ops: [{ op: 'add', path: '/metadata/finalizers/-', value: 'n' }],
      check: (o) => meta(o)['finalizers'],
      want: ['x', 'y', 'z', 'n'],
    },
    {
      name: 'add at a negative index counts from the end',
      ops: [{ op: 'add', path: '/metadata/finalizers/-1', value: 'n' }],
      check: (o) => meta(o)['finalizers'],
      want: ['x', 'y', 'z', 'n'],
    },
    {
      name: 'add without a value adds null',
      ops: [{ op: 'add', path: '/metadata/labels/b' }],
      check: (o) => meta(o)['labels'],
      want: { a: '1', b: null },
    },
    {
      name: 'remove a list element by a negative index',
      ops: [{ op: 'remove', path: '/metadata/finalizers/-1' }],
      check: (o) => meta(o)['finalizers'],
      want: ['x', 'y'],
    },
    {
      name: 'remove a key whose value is null',
      ops: [{ op: 'remove', path: '/data/n' }],
      check: (o) => o['data'],
      want: { k: 'v' },
    },
    {
      name: 'replace a missing map key adds it (evanphx v4)',
      ops: [{ op: 'replace', path: '/data/new', value: 'x' }],
      check: (o) => o['data'],
      want: { k: 'v', n: null, new: 'x' },
    },
    {
      name: 'replace a list element',
      ops: [{ op: 'replace', path: '/metadata/finalizers/0', value: 'w' }],
      check: (o) => meta(o)['finalizers'],
      want: ['w', 'y', 'z'],
    },
    {
      name: 'move within a list resolves the destination after the removal',
      ops: [{ op: 'move', from: '/metadata/finalizers/0', path: '/metadata/finalizers/-' }],
      check: (o) => meta(o)['finalizers'],
      want: ['y', 'z', 'x'],
    },
    {
      name: 'move a key',
      ops: [{ op: 'move', from: '/data/k', path: '/metadata/labels/k' }],
      check: (o) => [o['data'], meta(o)['labels']],
      want: [{ n: null }, { a: '1', k: 'v' }],
    },
    {
      name: 'copy a subtree is a deep copy',
      ops: [
        { op: 'copy', from: '/metadata/labels', path: '/data/labels' },
        { op: 'add', path: '/data/labels/b', value: '2' },
      ],
      check: (o) => [meta(o)['labels'], (o['data'] as JSONObject)['labels']],
      want: [{ a: '1' }, { a: '1', b: '2' }],
    },
    {
      name: 'copy from a missing map key copies null (evanphx v4)',
      ops: [{ op: 'copy', from: '/data/missing', path: '/data/c' }],
      check: (o) => o['data'],
      want: { k: 'v', n: null, c: null },
    },
    {
      name: 'test passes on an equal value, then the next op runs',
      ops: [
        { op: 'test', path: '/metadata/labels', value: { a: '1' } },
        { op: 'add', path: '/data/t', value: 'ok' },
      ],
      check: (o) => (o['data'] as JSONObject)['t'],
      want: 'ok',
    },
    {
      name: 'test null matches a missing key and a null',
      ops: [
        { op: 'test', path: '/data/missing', value: null },
        { op: 'test', path: '/data/n', value: null },
      ],
      check: (o) => o['data'],
      want: { k: 'v', n: null },
    },
    {
      name: 'escaped tokens ~1 and ~0',
      ops: [{ op: 'add', path: '/metadata/labels/example.com~1a~0b', value: 'x' }],
      check: (o) => meta(o)['labels'],
      want: { a: '1', 'example.com/a~b': 'x' },
    },
    {
      name: 'a null body is an empty patch',
      ops: null as unknown as unknown[],
      check: (o) => o,
      want: live,
    },
  ];
  for (const tc of cases) {
    it(tc.name, () => {
      const before = structuredClone(live);
      assert.deepEqual(tc.check(patch(tc.ops)), tc.want);
      assert.deepEqual(live, before, 'the live object is not modified');
    });
  }
});

describe("JSON patch: operations that do not apply are kube's generic 422", () => {
  const cases: { name: string; ops: unknown[] }[] = [
    { name: 'a failed test', ops: [{ op: 'test', path: '/metadata/labels/a', value: '2' }] },
    { name: 'test against a missing key', ops: [{ op: 'test', path: '/data/zz', value: 'x' }] },
    { name: 'test without a value on a set key', ops: [{ op: 'test', path: '/data/k' }] },
    { name: 'add under a missing parent', ops: [{ op: 'add', path: '/spec/x/y', value: 1 }] },
    {
      name: 'add past the end of a list',
      ops: [{ op: 'add', path: '/metadata/finalizers/4', value: 'n' }],
    },
    {
      name: 'add at a non-numeric index',
      ops: [{ op: 'add', path: '/metadata/finalizers/x', value: 'n' }],
    },
    { name: 'remove a missing key', ops: [{ op: 'remove', path: '/data/zz' }] },
    { name: 'remove out of range', ops: [{ op: 'remove', path: '/metadata/finalizers/3' }] },
    { name: 'remove the root', ops: [{ op: 'remove', path: '' }] },
    {
      name: 'replace out of range',
      ops: [{ op: 'replace', path: '/metadata/finalizers/-4', value: 'n' }],
    },
    { name: 'replace the root with a scalar', ops: [{ op: 'replace', path: '', value: 1 }] },
    { name: 'move from a missing key', ops: [{ op: 'move', from: '/data/zz', path: '/data/y' }] },
    { name: 'walk through a scalar', ops: [{ op: 'add', path: '/data/k/x', value: 1 }] },
    { name: 'an unknown op', ops: [{ op: 'frob', path: '/data/k' }] },
    { name: 'an op without a path', ops: [{ op: 'add', value: 1 }] },
    { name: 'a null op', ops: [null] },
  ];
  for (const tc of cases) {
    it(tc.name, () => {
      const err = statusOf(() => patch(tc.ops));
      assert.equal(err.code, 422);
      assert.equal(err.reason, 'Invalid');
      assert.equal(
        err.status.message,
        'the server rejected our request due to an error in our request',
      );
      assert.deepEqual(err.status.details, {});
      assert.ok(err.cause instanceof Error, 'the reason is kept for logs');
    });
  }
});

describe('JSON patch: malformed bodies', () => {
  const cases: {
    name: string;
    body: string;
    fieldValidation?: string;
    code: number;
    message: string;
  }[] = [
    { name: 'not JSON', body: '[{', code: 400, message: 'invalid JSON patch' },
    {
      name: 'an object (Warn)',
      body: '{"op":"add"}',
      code: 400,
      message:
        'error decoding patch: json: cannot unmarshal object into Go value of type []handlers.jsonPatchOp',
    },
    {
      name: 'an object (Ignore)',
      body: '{"op":"add"}',
      fieldValidation: 'Ignore',
      code: 400,
      message: 'json: cannot unmarshal object into Go value of type jsonpatch.Patch',
    },
    {
      name: 'an element that is not an object (Strict)',
      body: '["add"]',
      fieldValidation: 'Strict',
      code: 400,
      message:
        'error decoding patch: json: cannot unmarshal string into Go value of type handlers.jsonPatchOp',
    },
    {
      name: 'an element that is not an object (Ignore)',
      body: '[1]',
      fieldValidation: 'Ignore',
      code: 400,
      message: 'json: cannot unmarshal number into Go value of type jsonpatch.Operation',
    },
    {
      name: 'an op that is not a string',
      body: '[{"op":1,"path":"/a"}]',
      code: 400,
      message:
        'error decoding patch: json: cannot unmarshal number into Go struct field jsonPatchOp.op of type string',
    },
    {
      name: 'the first member that does not decode, in document order',
      body: '[{"path":1,"op":2}]',
      code: 400,
      message:
        'error decoding patch: json: cannot unmarshal number into Go struct field jsonPatchOp.path of type string',
    },
    {
      name: 'too many operations',
      body: JSON.stringify(
        Array.from({ length: MAX_JSON_PATCH_OPERATIONS + 1 }, () => ({
          op: 'test',
          path: '/kind',
          value: 'ConfigMap',
        })),
      ),
      code: 413,
      message:
        'Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001',
    },
  ];
  for (const tc of cases) {
    it(tc.name, () => {
      const err = statusOf(() =>
        applyPatch(JSON_PATCH_TYPE, live, tc.body, undefined, {
          fieldValidation: tc.fieldValidation ?? '',
        }),
      );
      assert.equal(err.code, tc.code);
      assert.equal(err.status.message, tc.message);
    });
  }

  it('exactly 10 000 operations are allowed', () => {
    const ops = Array.from({ length: MAX_JSON_PATCH_OPERATIONS }, () => ({
      op: 'test',
      path: '/kind',
      value: 'ConfigMap',
    }));
    assert.deepEqual(patch(ops), live);
  });

  it('applyJSONPatch leaves the operations untouched', () => {
    const ops = [
      { op: 'add', path: '/data/x', value: { a: 1 } },
      { op: 'add', path: '/data/x/b', value: 2 },
    ];
    const copy = structuredClone(ops);
    const out = applyJSONPatch(live, ops) as KubeObject;
    assert.deepEqual((out['data'] as JSONObject)['x'], { a: 1, b: 2 });
    assert.deepEqual(ops, copy);
  });

  it('a result that is not an object is 422 on field patch', () => {
    const err = statusOf(() => patch([{ op: 'replace', path: '', value: [1] }]));
    assert.equal(err.code, 422);
    assert.equal(err.reason, 'Invalid');
    assert.equal(err.status.details?.causes?.[0]?.field, 'patch');
  });

  it('a body given as bytes is read as UTF-8', () => {
    const body = new TextEncoder().encode('[{"op":"add","path":"/data/é","value":"ü"}]');
    const out = applyPatch(JSON_PATCH_TYPE, live, body, undefined).object;
    assert.equal((out['data'] as JSONObject)['é'], 'ü');
  });
});

describe('JSON patch: strict decoding findings', () => {
  const body = '[{"op":"add","path":"/data/a","value":{"x":1,"x":2},"foo":1,"op":"add"}]';

  it('collects unknown op members and duplicates under Warn, in document order', () => {
    const result = applyPatch(JSON_PATCH_TYPE, live, body, undefined, { fieldValidation: 'Warn' });
    assert.deepEqual(result.strictErrors, [
      'json patch duplicate field "[0].value.x"',
      'json patch unknown field "[0].foo"',
      'json patch duplicate field "[0].op"',
    ]);
    assert.deepEqual((result.object['data'] as JSONObject)['a'], { x: 2 });
  });

  it('collects nothing under Ignore', () => {
    const result = applyPatch(JSON_PATCH_TYPE, live, body, undefined, {
      fieldValidation: 'Ignore',
    });
    assert.deepEqual(result.strictErrors, []);
  });

  it('builds the Strict 422 from them', () => {
    const result = applyPatch(JSON_PATCH_TYPE, live, body, undefined, {
      fieldValidation: 'Strict',
    });
    const err = strictPatchError(result);
    assert.equal(err.code, 422);
    assert.equal(err.status.details?.causes?.[0]?.field, 'patch');
    assert.match(
      err.status.message ?? '',
      /strict decoding error: json patch duplicate field "\[0\]\.value\.x", json patch unknown field "\[0\]\.foo", json patch duplicate field "\[0\]\.op"$/,
    );
  });
});
