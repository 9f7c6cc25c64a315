// Strategic merge patch: every example of PATCH-APPLY.md Part A (A4, A5, A6, A7) on the Gizmo type.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError, type KubeObject } from '@kapi/apimachinery';
import {
  applyPatch,
  strategicMergePatch,
  STRATEGIC_MERGE_PATCH_TYPE,
  untypedPatchTypes,
  type JSONObject,
} from '../src/patch/index.js';
import { gizmo } from './fixtures/patch/schemas.js';

function smp(before: JSONObject, patch: unknown): KubeObject {
  return applyPatch(STRATEGIC_MERGE_PATCH_TYPE, before, JSON.stringify(patch), gizmo).object;
}

const spec = (s: JSONObject): JSONObject => ({ spec: s });
const labels = (l: JSONObject): JSONObject => ({ metadata: { labels: l } });
const c = (name: string, image?: string): JSONObject =>
  image === undefined ? { name } : { name, image };

interface MergeCase {
  name: string;
  before: JSONObject;
  patch: JSONObject;
  after: JSONObject;
}

function runMergeCases(cases: MergeCase[]): void {
  for (const tc of cases) {
    it(tc.name, () => {
      const before = structuredClone(tc.before);
      assert.deepEqual(smp(tc.before, tc.patch), tc.after);
      assert.deepEqual(tc.before, before, 'the live object is not modified');
    });
  }
}

interface ErrorCase {
  name: string;
  before: JSONObject;
  patch: unknown;
  code: number;
  reason: string;
  message: string;
}

function runErrorCases(cases: ErrorCase[]): void {
  for (const tc of cases) {
    it(tc.name, () => {
      assert.throws(
        () => smp(tc.before, tc.patch),
        (err: unknown) => {
          assert.ok(err instanceof StatusError);
          assert.equal(err.code, tc.code);
          assert.equal(err.reason, tc.reason);
          assert.equal(err.status.message, tc.message);
          return true;
        },
      );
    });
  }
}

describe('strategic merge patch: core merge rules (A4)', () => {
  runMergeCases([
    {
      name: 'A4.1 objects merge key by key',
      before: labels({ a: '1', b: '2' }),
      patch: labels({ b: '3', c: '4' }),
      after: labels({ a: '1', b: '3', c: '4' }),
    },
    {
      name: 'A4.2 null deletes a key',
      before: labels({ a: '1', b: '2' }),
      patch: labels({ a: null }),
      after: labels({ b: '2' }),
    },
    {
      name: 'A4.3 null for a missing key adds nothing',
      before: labels({ a: '1' }),
      patch: labels({ zzz: null }),
      after: labels({ a: '1' }),
    },
    {
      name: 'A4.4 a new subtree is copied with its nulls removed',
      before: { metadata: { name: 'w' } },
      patch: { data: { x: '1', y: null } },
      after: { data: { x: '1' }, metadata: { name: 'w' } },
    },
    {
      name: 'A4.4 a new subtree loses the maps that carry $patch',
      before: { metadata: { name: 'w' } },
      patch: spec({ strategy: { type: 'A', rollingUpdate: { $patch: 'delete' } } }),
      after: { metadata: { name: 'w' }, spec: { strategy: { type: 'A' } } },
    },
    {
      name: 'A4.5 the patch scalar wins',
      before: spec({ replicas: 1 }),
      patch: spec({ replicas: 3 }),
      after: spec({ replicas: 3 }),
    },
    {
      name: 'A4.5 a different JSON type replaces',
      before: { data: { a: '1' } },
      patch: { data: 'oops' },
      after: { data: 'oops' },
    },
    {
      name: 'A4.6 a list without the merge strategy is replaced',
      before: spec({ args: ['a', 'b', 'c'] }),
      patch: spec({ args: ['x'] }),
      after: spec({ args: ['x'] }),
    },
    {
      name: 'A4.6 null deletes a list',
      before: spec({ args: ['a'] }),
      patch: spec({ args: null }),
      after: spec({}),
    },
    {
      name: 'A4.7 primitive merge lists take the ordered union',
      before: spec({ tags: ['a', 'b'] }),
      patch: spec({ tags: ['b', 'c'] }),
      after: spec({ tags: ['a', 'b', 'c'] }),
    },
    {
      name: 'A4.7 duplicates in the patch collapse',
      before: spec({ tags: ['a'] }),
      patch: spec({ tags: ['c', 'c', 'a'] }),
      after: spec({ tags: ['c', 'a'] }),
    },
    {
      name: 'A4.7 an empty patch list is a no-op',
      before: spec({ tags: ['x'] }),
      patch: spec({ tags: [] }),
      after: spec({ tags: ['x'] }),
    },
    {
      name: 'A4.7 a new element without an anchor goes to the front',
      before: spec({ tags: ['a', 'b'] }),
      patch: spec({ tags: ['c'] }),
      after: spec({ tags: ['c', 'a', 'b'] }),
    },
    {
      name: 'A4.7 finalizers are a merging primitive list',
      before: { metadata: { finalizers: ['x/a'] } },
      patch: { metadata: { finalizers: ['x/b'] } },
      after: { metadata: { finalizers: ['x/b', 'x/a'] } },
    },
    {
      name: 'A4.8 object lists merge element by element on the merge key',
      before: spec({ containers: [c('a', '1'), c('b', '2')] }),
      patch: spec({ containers: [c('b', '3'), c('c', '4')] }),
      after: spec({ containers: [c('a', '1'), c('b', '3'), c('c', '4')] }),
    },
    {
      name: 'A4.8 nested lists merge, and null deletes a field inside an element',
      before: spec({
        containers: [
          {
            name: 'a',
            env: [
              { name: 'X', value: '1' },
              { name: 'Y', value: '2' },
            ],
          },
        ],
      }),
      patch: spec({
        containers: [
          {
            name: 'a',
            env: [
              { name: 'Y', value: null },
              { name: 'Z', value: '3' },
            ],
          },
        ],
      }),
      after: spec({
        containers: [
          { name: 'a', env: [{ name: 'X', value: '1' }, { name: 'Y' }, { name: 'Z', value: '3' }] },
        ],
      }),
    },
    {
      name: 'A4.8 merge keys compare exactly: "1" is not 1',
      before: spec({ containers: [{ name: 'a', ports: [{ containerPort: 1, protocol: 'TCP' }] }] }),
      patch: spec({
        containers: [{ name: 'a', ports: [{ containerPort: '1', protocol: 'UDP' }] }],
      }),
      after: spec({
        containers: [
          {
            name: 'a',
            ports: [
              { containerPort: '1', protocol: 'UDP' },
              { containerPort: 1, protocol: 'TCP' },
            ],
          },
        ],
      }),
    },
    {
      name: 'A4.8 on a missing list the patch list is taken without directive elements',
      before: spec({}),
      patch: spec({ containers: [c('a'), { name: 'b', $patch: 'delete' }] }),
      after: spec({ containers: [c('a')] }),
    },
    {
      name: 'A4.8 an empty patch list leaves a merging list unchanged',
      before: spec({ containers: [c('a', '1')] }),
      patch: spec({ containers: [] }),
      after: spec({ containers: [c('a', '1')] }),
    },
  ]);
});

describe('strategic merge patch: result order of merging lists (A4.9)', () => {
  runMergeCases([
    {
      name: '[a,b] + [c] → [c,a,b]',
      before: spec({ tags: ['a', 'b'] }),
      patch: spec({ tags: ['c'] }),
      after: spec({ tags: ['c', 'a', 'b'] }),
    },
    {
      name: '[a,b] + [b,c] → [a,b,c]',
      before: spec({ tags: ['a', 'b'] }),
      patch: spec({ tags: ['b', 'c'] }),
      after: spec({ tags: ['a', 'b', 'c'] }),
    },
    {
      name: '[a, b(2), c] + [c(9), a(8)] → [b, c, a]',
      before: spec({ containers: [c('a', '1'), c('b', '2'), c('c', '3')] }),
      patch: spec({ containers: [c('c', '9'), c('a', '8')] }),
      after: spec({ containers: [c('b', '2'), c('c', '9'), c('a', '8')] }),
    },
    {
      name: 'objects [a,b] + [{name:c}] → [c,a,b]',
      before: spec({ containers: [c('a'), c('b')] }),
      patch: spec({ containers: [c('c')] }),
      after: spec({ containers: [c('c'), c('a'), c('b')] }),
    },
  ]);
});

describe('strategic merge patch: $patch (A5.1)', () => {
  runMergeCases([
    {
      name: 'replace on a map',
      before: labels({ a: '1', b: '2' }),
      patch: labels({ $patch: 'replace', z: '9' }),
      after: labels({ z: '9' }),
    },
    {
      name: 'replace does not process nested directives',
      before: spec({ strategy: { type: 'A' } }),
      patch: spec({ strategy: { $patch: 'replace', rollingUpdate: { $patch: 'delete' } } }),
      after: spec({ strategy: { rollingUpdate: { $patch: 'delete' } } }),
    },
    {
      name: 'delete on a map leaves an empty map',
      before: labels({ a: '1' }),
      patch: labels({ $patch: 'delete' }),
      after: labels({}),
    },
    {
      name: 'delete on a missing map keeps it absent',
      before: { metadata: { name: 'w' } },
      patch: labels({ $patch: 'delete' }),
      after: { metadata: { name: 'w' } },
    },
    {
      name: 'replace on the root replaces the whole document',
      before: { apiVersion: 'v1', kind: 'Gizmo', metadata: { name: 'w' }, data: { a: '1' } },
      patch: { $patch: 'replace', apiVersion: 'v1', kind: 'Gizmo', metadata: { name: 'w' } },
      after: { apiVersion: 'v1', kind: 'Gizmo', metadata: { name: 'w' } },
    },
    {
      name: 'delete on the root leaves {}',
      before: { apiVersion: 'v1', kind: 'Gizmo', metadata: { name: 'w' } },
      patch: { $patch: 'delete' },
      after: {},
    },
    {
      name: 'a delete element removes every live element with that key',
      before: spec({ containers: [c('a', '1'), c('a', '2'), c('b')] }),
      patch: spec({ containers: [{ name: 'a', $patch: 'delete' }] }),
      after: spec({ containers: [c('b')] }),
    },
    {
      name: 'a delete element without a match is a no-op',
      before: spec({ containers: [c('b')] }),
      patch: spec({ containers: [{ name: 'zz', $patch: 'delete' }] }),
      after: spec({ containers: [c('b')] }),
    },
    {
      name: 'a replace element keeps only the other patch elements',
      before: spec({ containers: [c('a'), c('b')] }),
      patch: spec({ containers: [{ $patch: 'replace' }, c('z', '9')] }),
      after: spec({ containers: [c('z', '9')] }),
    },
    {
      name: 'a replace element alone empties the list',
      before: spec({ containers: [c('a'), c('b')] }),
      patch: spec({ containers: [{ $patch: 'replace' }] }),
      after: spec({ containers: [] }),
    },
  ]);
  runErrorCases([
    {
      name: 'merge on a map is an unknown patch type',
      before: labels({ a: '1' }),
      patch: labels({ $patch: 'merge', a: '1' }),
      code: 400,
      reason: 'BadRequest',
      message: 'unknown patch type: merge in map: map[$patch:merge a:1]',
    },
    {
      name: 'merge in a list is not supported',
      before: spec({ containers: [c('a')] }),
      patch: spec({ containers: [{ name: 'a', $patch: 'merge' }] }),
      code: 400,
      reason: 'BadRequest',
      message: 'merging lists cannot yet be specified in the patch',
    },
    {
      name: 'another value in a list is an unknown patch type',
      before: spec({ containers: [c('a')] }),
      patch: spec({ containers: [{ name: 'a', $patch: 'frob' }] }),
      code: 400,
      reason: 'BadRequest',
      message: 'unknown patch type: frob in map: map[$patch:frob name:a]',
    },
    {
      name: 'a delete element needs the merge key',
      before: spec({ containers: [c('a')] }),
      patch: spec({ containers: [{ image: 'x', $patch: 'delete' }] }),
      code: 400,
      reason: 'BadRequest',
      message: 'map: map[$patch:delete image:x] does not contain declared merge key: name',
    },
  ]);
});

describe('strategic merge patch: $deleteFromPrimitiveList (A5.3)', () => {
  runMergeCases([
    {
      name: 'removes every occurrence',
      before: spec({ tags: ['a', 'b', 'c', 'b'] }),
      patch: { spec: { '$deleteFromPrimitiveList/tags': ['b'] } },
      after: spec({ tags: ['a', 'c'] }),
    },
    {
      name: 'works on a list without the merge strategy',
      before: spec({ args: ['a', 'b', 'c'] }),
      patch: { spec: { '$deleteFromPrimitiveList/args': ['b'] } },
      after: spec({ args: ['a', 'c'] }),
    },
    {
      name: 'combines with additions',
      before: spec({ tags: ['a', 'b'] }),
      patch: { spec: { tags: ['c'], '$deleteFromPrimitiveList/tags': ['a'] } },
      after: spec({ tags: ['c', 'b'] }),
    },
    {
      name: 'a missing list is not created',
      before: spec({ replicas: 1 }),
      patch: { spec: { '$deleteFromPrimitiveList/tags': ['a'] } },
      after: spec({ replicas: 1 }),
    },
    {
      name: 'values not in the list are a no-op',
      before: spec({ tags: ['a'] }),
      patch: { spec: { '$deleteFromPrimitiveList/tags': ['zz'] } },
      after: spec({ tags: ['a'] }),
    },
    {
      name: 'a value that is not a list is skipped',
      before: spec({ tags: ['a'] }),
      patch: { spec: { '$deleteFromPrimitiveList/tags': 'a' } },
      after: spec({ tags: ['a'] }),
    },
  ]);
  runErrorCases([
    {
      name: 'the key needs a /<field> suffix',
      before: spec({ tags: ['a'] }),
      patch: { spec: { $deleteFromPrimitiveList: ['a'] } },
      code: 400,
      reason: 'BadRequest',
      message: 'invalid patch format of primitive list',
    },
  ]);
});

describe('strategic merge patch: $retainKeys (A5.4)', () => {
  runMergeCases([
    {
      name: 'live keys not listed are dropped first',
      before: spec({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '1' } } }),
      patch: spec({ strategy: { $retainKeys: ['type'], type: 'Recreate' } }),
      after: spec({ strategy: { type: 'Recreate' } }),
    },
    {
      name: 'works on a plain map',
      before: labels({ a: '1', b: '2' }),
      patch: labels({ $retainKeys: ['a', 'c'], c: '3' }),
      after: labels({ a: '1', c: '3' }),
    },
    {
      name: 'works inside a merging list element',
      before: spec({
        volumes: [
          { name: 'v', hostPath: { path: '/x' } },
          { name: 'w', emptyDir: {} },
        ],
      }),
      patch: spec({ volumes: [{ name: 'v', $retainKeys: ['name', 'emptyDir'], emptyDir: {} }] }),
      after: spec({
        volumes: [
          { name: 'v', emptyDir: {} },
          { name: 'w', emptyDir: {} },
        ],
      }),
    },
    {
      name: 'null keys need not be listed',
      before: spec({ strategy: { type: 'A', rollingUpdate: { maxSurge: '1' } } }),
      patch: spec({ strategy: { $retainKeys: ['type'], type: 'B', rollingUpdate: null } }),
      after: spec({ strategy: { type: 'B' } }),
    },
  ]);
  runErrorCases([
    {
      name: 'every patch key must be listed',
      before: spec({ strategy: { type: 'RollingUpdate' } }),
      patch: spec({ strategy: { $retainKeys: ['rollingUpdate'], type: 'Recreate' } }),
      code: 400,
      reason: 'BadRequest',
      message: 'invalid patch format of retainKeys',
    },
    {
      name: 'the value must be a list',
      before: spec({ strategy: { type: 'RollingUpdate' } }),
      patch: spec({ strategy: { $retainKeys: 'type', type: 'Recreate' } }),
      code: 400,
      reason: 'BadRequest',
      message: 'invalid patch format of retainKeys',
    },
  ]);
});

describe('strategic merge patch: $setElementOrder (A5.5)', () => {
  runMergeCases([
    {
      name: 'reorders without changing contents',
      before: spec({ containers: [c('a'), c('b'), c('c')] }),
      patch: { spec: { '$setElementOrder/containers': [c('c'), c('a'), c('b')] } },
      after: spec({ containers: [c('c'), c('a'), c('b')] }),
    },
    {
      name: 'inserts in the middle',
      before: spec({ containers: [c('a'), c('b')] }),
      patch: {
        spec: {
          '$setElementOrder/containers': [c('a'), c('x'), c('b')],
          containers: [c('x', 'n')],
        },
      },
      after: spec({ containers: [c('a'), c('x', 'n'), c('b')] }),
    },
    {
      name: 'keeps server-only items, before a later patch item',
      before: spec({ containers: [c('a'), c('b'), c('c')] }),
      patch: {
        spec: { '$setElementOrder/containers': [c('c'), c('a')], containers: [c('c', 'new')] },
      },
      after: spec({ containers: [c('b'), c('c', 'new'), c('a')] }),
    },
    {
      name: 'orders a primitive list',
      before: spec({ tags: ['a', 'b', 'c'] }),
      patch: { spec: { '$setElementOrder/tags': ['c', 'b', 'a'] } },
      after: spec({ tags: ['c', 'b', 'a'] }),
    },
    {
      name: 'ignores order entries that exist nowhere',
      before: spec({ tags: ['a', 'b'] }),
      patch: { spec: { '$setElementOrder/tags': ['b', 'zz', 'a'] } },
      after: spec({ tags: ['b', 'a'] }),
    },
  ]);
  runErrorCases([
    {
      name: 'the order must match the patch list',
      before: spec({ containers: [c('a'), c('b')] }),
      patch: {
        spec: {
          '$setElementOrder/containers': [c('a'), c('b')],
          containers: [c('b', '1'), c('a', '2')],
        },
      },
      code: 400,
      reason: 'BadRequest',
      message:
        "The order in patch list:\n[map[image:1 name:b] map[image:2 name:a]]\n doesn't match $setElementOrder list:\n[map[name:a] map[name:b]]\n",
    },
    {
      name: 'the value must be a list',
      before: spec({ tags: ['a'] }),
      patch: { spec: { '$setElementOrder/tags': 'a' } },
      code: 400,
      reason: 'BadRequest',
      message: 'expected a []interface {}, but received a string',
    },
    {
      name: 'the key needs a /<field> suffix',
      before: spec({ tags: ['a'] }),
      patch: { spec: { $setElementOrder: ['a'] } },
      code: 400,
      reason: 'BadRequest',
      message: 'invalid patch format of setElementOrder list',
    },
  ]);
});

describe('strategic merge patch: error catalogue (A6)', () => {
  runErrorCases([
    {
      name: 'an element without the merge key',
      before: spec({ containers: [c('a')] }),
      patch: spec({ containers: [{ image: 'x' }] }),
      code: 400,
      reason: 'BadRequest',
      message: 'map: map[image:x] does not contain declared merge key: name',
    },
    {
      name: 'a merge list of objects without a merge key is a schema bug (500)',
      before: spec({ items: [{ name: 'a' }] }),
      patch: spec({ items: [{ name: 'b' }] }),
      code: 500,
      reason: '',
      message: 'cannot merge lists without merge key for object',
    },
    {
      name: 'mixed element types',
      before: spec({ tags: ['a'] }),
      patch: spec({ tags: [1] }),
      code: 400,
      reason: 'BadRequest',
      message: 'list element types are not identical: [[a] [1]]',
    },
    {
      name: "lists of lists get kube's generic 422",
      before: spec({ matrix: [['a']] }),
      patch: spec({ matrix: [['b']] }),
      code: 422,
      reason: 'Invalid',
      message: 'the server rejected our request due to an error in our request',
    },
    {
      name: 'recursion into a field the schema does not know',
      before: spec({ bogus: { a: 1 } }),
      patch: spec({ bogus: { b: 2 } }),
      code: 400,
      reason: 'BadRequest',
      message: 'unable to find api field "bogus"',
    },
    {
      name: 'a body that is not an object',
      before: spec({}),
      patch: [1],
      code: 400,
      reason: 'BadRequest',
      message: 'json: cannot unmarshal array into Go value of type map[string]interface {}',
    },
    {
      name: 'a string body',
      before: spec({}),
      patch: 'x',
      code: 400,
      reason: 'BadRequest',
      message: 'json: cannot unmarshal string into Go value of type map[string]interface {}',
    },
  ]);

  it('a scalar at an unknown key is copied in (decoding decides later)', () => {
    assert.deepEqual(smp(spec({}), spec({ bogus: 1 })), spec({ bogus: 1 }));
  });

  it('a body that is not JSON is 400 invalid JSON patch', () => {
    assert.throws(
      () => applyPatch(STRATEGIC_MERGE_PATCH_TYPE, {}, '{', gizmo),
      (err: unknown) =>
        err instanceof StatusError &&
        err.code === 400 &&
        err.status.message === 'invalid JSON patch',
    );
  });

  it('a null body changes nothing', () => {
    const before = spec({ replicas: 1 });
    assert.deepEqual(applyPatch(STRATEGIC_MERGE_PATCH_TYPE, before, 'null', gizmo).object, before);
  });

  it('a resource without a merge schema answers 400 strategic merge patch format is not supported', () => {
    assert.throws(
      () => applyPatch(STRATEGIC_MERGE_PATCH_TYPE, {}, '{}', undefined),
      (err: unknown) =>
        err instanceof StatusError &&
        err.code === 400 &&
        err.status.message === 'strategic merge patch format is not supported',
    );
  });

  it('a dynamic resource does not list SMP, so it is 415 before the body is read (A1)', () => {
    assert.throws(
      () =>
        applyPatch(`${STRATEGIC_MERGE_PATCH_TYPE}; charset=utf-8`, {}, 'not json', gizmo, {
          accepted: untypedPatchTypes,
        }),
      (err: unknown) =>
        err instanceof StatusError &&
        err.code === 415 &&
        err.reason === 'UnsupportedMediaType' &&
        err.status.message ===
          'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
    );
  });
});

describe('strategic merge patch: patches kubectl computes (A7), applied by the server', () => {
  runMergeCases([
    {
      name: 'labels: a dropped key is nulled, a third-party key survives',
      before: labels({ a: '1', b: '2', c: '3' }),
      patch: labels({ b: null }),
      after: labels({ a: '1', c: '3' }),
    },
    {
      name: 'containers: order list, a change and a delete element',
      before: spec({ containers: [c('a', '1'), c('b'), c('c')] }),
      patch: {
        spec: {
          '$setElementOrder/containers': [c('a')],
          containers: [
            { image: '2', name: 'a' },
            { $patch: 'delete', name: 'b' },
          ],
        },
      },
      after: spec({ containers: [c('a', '2'), c('c')] }),
    },
    {
      name: 'primitive merge list: deletion list, order list and an addition',
      before: spec({ tags: ['a', 'b', 'q'] }),
      patch: {
        spec: {
          '$deleteFromPrimitiveList/tags': ['b'],
          '$setElementOrder/tags': ['a', 'z'],
          tags: ['z'],
        },
      },
      after: spec({ tags: ['a', 'z', 'q'] }),
    },
    {
      name: 'retainKeys with a nulled key',
      before: spec({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '1' } } }),
      patch: spec({ strategy: { $retainKeys: ['type'], rollingUpdate: null, type: 'Recreate' } }),
      after: spec({ strategy: { type: 'Recreate' } }),
    },
    {
      name: 'drift is overwritten',
      before: spec({ replicas: 7 }),
      patch: spec({ replicas: 1 }),
      after: spec({ replicas: 1 }),
    },
    {
      name: 'a dropped field is nulled',
      before: spec({ replicas: 7 }),
      patch: spec({ replicas: null }),
      after: spec({}),
    },
  ]);
});

describe('strategicMergePatch (the engine)', () => {
  it('leaves both inputs untouched', () => {
    const before = spec({ containers: [c('a', '1')], tags: ['x'] });
    const patch = { spec: { containers: [c('a', '2')], '$deleteFromPrimitiveList/tags': ['x'] } };
    const beforeCopy = structuredClone(before);
    const patchCopy = structuredClone(patch);
    const out = strategicMergePatch(before, patch, gizmo);
    assert.deepEqual(out, spec({ containers: [c('a', '2')], tags: [] }));
    assert.deepEqual(before, beforeCopy);
    assert.deepEqual(patch, patchCopy);
  });

  it('keeps __proto__ an ordinary key', () => {
    const patch = JSON.parse('{"data":{"__proto__":"x"}}') as JSONObject;
    const out = strategicMergePatch({ data: {} }, patch, gizmo);
    const data = out['data'] as JSONObject;
    assert.equal(Object.getPrototypeOf(data), Object.prototype);
    assert.deepEqual(Object.keys(data), ['__proto__']);
  });
});
