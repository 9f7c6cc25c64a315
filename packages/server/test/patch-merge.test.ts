// JSON merge patch (RFC 7386) through the PATCH entry point, with kube's (evanphx v4) edge cases.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError, type KubeObject } from '@kapi/apimachinery';
import {
  applyPatch,
  APPLY_PATCH_TYPE,
  jsonMergePatch,
  MERGE_PATCH_TYPE,
  patchTypes,
  type JSONObject,
} from '../src/patch/index.js';

function merge(before: JSONObject, patch: unknown, fieldValidation = ''): KubeObject {
  return applyPatch(MERGE_PATCH_TYPE, before, JSON.stringify(patch), undefined, {
    fieldValidation,
  }).object;
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

describe('JSON merge patch', () => {
  const cases: { name: string; before: JSONObject; patch: JSONObject; after: JSONObject }[] = [
    { name: 'sets a key', before: { a: 'b' }, patch: { a: 'c' }, after: { a: 'c' } },
    { name: 'adds a key', before: { a: 'b' }, patch: { b: 'c' }, after: { a: 'b', b: 'c' } },
    { name: 'null deletes', before: { a: 'b', b: 'c' }, patch: { a: null }, after: { b: 'c' } },
    {
      name: 'null for a missing key is a no-op',
      before: { a: 'b' },
      patch: { z: null },
      after: { a: 'b' },
    },
    {
      name: 'objects merge recursively',
      before: { a: { b: 'c', d: 'e' } },
      patch: { a: { b: 'x', d: null } },
      after: { a: { b: 'x' } },
    },
    {
      name: 'lists are replaced',
      before: { a: ['b'] },
      patch: { a: ['c', 'd'] },
      after: { a: ['c', 'd'] },
    },
    {
      name: 'an object replaces a scalar',
      before: { a: 'x' },
      patch: { a: { b: 'c' } },
      after: { a: { b: 'c' } },
    },
    {
      name: 'a scalar replaces an object',
      before: { a: { b: 'c' } },
      patch: { a: 'x' },
      after: { a: 'x' },
    },
    {
      name: 'nulls are pruned from an added object',
      before: {},
      patch: { a: { bb: { ccc: null } } },
      after: { a: { bb: {} } },
    },
    {
      name: 'nulls are pruned from objects inside a list that replaces a list',
      before: { a: [1] },
      patch: { a: [{ b: null, c: 1 }, null] },
      after: { a: [{ c: 1 }, null] },
    },
    {
      name: 'a list replacing an object keeps its nulls (evanphx v4)',
      before: { a: { b: 1 } },
      patch: { a: [{ b: null }] },
      after: { a: [{ b: null }] },
    },
    {
      name: 'a live null is replaced like a missing key',
      before: { a: null },
      patch: { a: { b: null, c: 1 } },
      after: { a: { c: 1 } },
    },
  ];
  for (const tc of cases) {
    it(tc.name, () => {
      const before = structuredClone(tc.before);
      assert.deepEqual(merge(tc.before, tc.patch), tc.after);
      assert.deepEqual(tc.before, before, 'the live object is not modified');
    });
  }

  it('jsonMergePatch does not modify the patch', () => {
    const patch = { a: { b: null, c: { d: null } } };
    const copy = structuredClone(patch);
    jsonMergePatch({}, patch);
    assert.deepEqual(patch, copy);
  });

  it('keeps __proto__ an ordinary key', () => {
    const out = applyPatch(MERGE_PATCH_TYPE, {}, '{"__proto__":{"x":1}}', undefined).object;
    assert.equal(Object.getPrototypeOf(out), Object.prototype);
    assert.deepEqual(Object.keys(out), ['__proto__']);
  });
});

describe('JSON merge patch: bodies that are not objects', () => {
  const cases: {
    name: string;
    body: string;
    fieldValidation: string;
    code: number;
    message: string;
  }[] = [
    {
      name: 'not JSON',
      body: '{"a":',
      fieldValidation: '',
      code: 400,
      message: 'invalid JSON patch',
    },
    {
      name: 'a list (Warn)',
      body: '[1]',
      fieldValidation: 'Warn',
      code: 400,
      message:
        'error decoding patch: json: cannot unmarshal array into Go value of type map[string]interface {}',
    },
    {
      name: 'a string (Strict)',
      body: '"x"',
      fieldValidation: 'Strict',
      code: 400,
      message:
        'error decoding patch: json: cannot unmarshal string into Go value of type map[string]interface {}',
    },
    { name: 'null', body: 'null', fieldValidation: '', code: 400, message: 'Invalid JSON Patch' },
    {
      name: 'a number (Ignore)',
      body: '1',
      fieldValidation: 'Ignore',
      code: 400,
      message: 'Invalid JSON Patch',
    },
  ];
  for (const tc of cases) {
    it(tc.name, () => {
      const err = statusOf(() =>
        applyPatch(MERGE_PATCH_TYPE, { a: 1 }, tc.body, undefined, {
          fieldValidation: tc.fieldValidation,
        }),
      );
      assert.equal(err.code, tc.code);
      assert.equal(err.reason, 'BadRequest');
      assert.equal(err.status.message, tc.message);
    });
  }

  it('a list under Ignore becomes the document, which decoding rejects with 422', () => {
    const err = statusOf(() =>
      applyPatch(MERGE_PATCH_TYPE, { a: 1 }, '[{"b":null}]', undefined, {
        fieldValidation: 'Ignore',
      }),
    );
    assert.equal(err.code, 422);
    assert.equal(err.status.details?.causes?.[0]?.field, 'patch');
  });

  it('duplicate keys are strict-decoding findings with their path', () => {
    const result = applyPatch(
      MERGE_PATCH_TYPE,
      {},
      '{"metadata":{"labels":{"a":"1","a":"2"}},"spec":{"list":[{"x":1,"x":2}]}}',
      undefined,
    );
    assert.deepEqual(result.strictErrors, [
      'duplicate field "metadata.labels.a"',
      'duplicate field "spec.list[0].x"',
    ]);
    assert.deepEqual(result.object['metadata'], { labels: { a: '2' } });
  });
});

describe('PATCH content types', () => {
  it("lists kube's four patch types for typed resources", () => {
    assert.deepEqual(patchTypes, [
      'application/json-patch+json',
      'application/merge-patch+json',
      'application/strategic-merge-patch+json',
      'application/apply-patch+yaml',
    ]);
  });

  it('answers an unknown content type with 415 and the accepted list', () => {
    const err = statusOf(() => applyPatch('application/json', {}, '{}', undefined));
    assert.equal(err.code, 415);
    assert.equal(
      err.status.message,
      'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml',
    );
  });

  it('ignores parameters after ;', () => {
    const out = applyPatch(`${MERGE_PATCH_TYPE};charset=utf-8`, { a: 1 }, '{"b":2}', undefined);
    assert.deepEqual(out.object, { a: 1, b: 2 });
  });

  it('answers server-side apply with 415: not supported yet', () => {
    const err = statusOf(() => applyPatch(APPLY_PATCH_TYPE, {}, '{}', undefined));
    assert.equal(err.code, 415);
    assert.equal(err.reason, 'UnsupportedMediaType');
    assert.match(err.status.message ?? '', /server-side apply .* is not supported yet/);
  });
});
