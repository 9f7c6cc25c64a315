/**
 * Conformance: list under the resourceVersion × resourceVersionMatch matrix, filtering, paging and
 * continue tokens, recursive prefixes and compaction (after k8s.io/apiserver pkg/storage/testing
 * store_tests.go RunTestList, RunTestListContinuation*, RunTestGetListNonRecursive,
 * RunTestGetListRecursivePrefix, RunTestListPaging, RunTestCompactRevision).
 * @module
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import type { KubeObject, ResourceVersionMatch } from '@kapi/apimachinery';
import { encodeContinue } from '../continue.js';
import type { ListOptions, ListResult, Predicate, Storage } from '../interface.js';
import {
  changed,
  pod,
  podKey,
  rejectsStatus,
  rvOf,
  selector,
  continueOf,
  storeTest,
  tokenOf,
} from './harness.js';
import type { SuiteContext } from './harness.js';

const EXPIRED_LIST = 'The resourceVersion for the provided list is too old.';
const INCONSISTENT_CONTINUE =
  'The provided continue parameter is too old to display a consistent list result. You can ' +
  'start a new list without the continue parameter, or use the continue token in this response ' +
  'to retrieve the remainder of the results. Continuing with the provided token results in an ' +
  'inconsistent list - objects that were created, modified, or deleted between the time the ' +
  'first chunk was returned and now may show up in the list.';

/** A continue token for `startKey` (relative to the listed prefix) at `rv`. */
function token(startKey: string, rv: number): string {
  return encodeContinue({ resourceVersion: rv, startKey });
}

/** The seeded state of the list matrix (as kube's seedMultiLevelData). */
interface Seed {
  initialRV: number;
  /** first/bar, second/bar, second/foo, third/barfoo, third/foo, second/baz (deleted later). */
  c: KubeObject[];
  /** first/bar after its update. */
  u: KubeObject;
  /** The revision after the seed. */
  continueRV: number;
  /** The revision after one more, unrelated write (after compacting at c[0]). */
  currentRV: number;
}

async function seedMultiLevel(store: Storage): Promise<Seed> {
  const initialRV = Number((await store.list('/pods', { recursive: true })).resourceVersion);
  const c: KubeObject[] = [];
  for (const [ns, name] of [
    ['first', 'bar'],
    ['second', 'bar'],
    ['second', 'foo'],
    ['third', 'barfoo'],
    ['third', 'foo'],
    ['second', 'baz'],
  ] as const) {
    c.push(await store.create(podKey(ns, name), pod(ns, name)));
  }
  const u = await store.guaranteedUpdate(podKey('first', 'bar'), (cur) =>
    changed(cur!, (o) => (o.spec = { nodeName: 'fakeNode' })),
  );
  await store.delete(podKey('second', 'baz'));
  const continueRV = Number(
    (await store.list('/pods/second', { recursive: true })).resourceVersion,
  );
  await store.compact(rvOf(c[0]));
  const currentRV = rvOf(await store.create('/unrelated/x', pod('', 'x')));
  return { initialRV, c, u, continueRV, currentRV };
}

/** One case of the list matrix. */
interface ListCase {
  name: string;
  /** As kube's ignoreForWatchCache: a watch cache serves rv=0 from memory and ignores the limit. */
  ignoreForWatchCache?: true;
  prefix: string;
  rv?: string;
  match?: ResourceVersionMatch | 'Invalid';
  limit?: number;
  pred?: Predicate;
  cont?: string;
  /** The items, or several acceptable item lists. */
  items?: KubeObject[];
  alternatives?: KubeObject[][];
  error?: 'badRequest' | 'any' | 'expired' | 'continueExpired';
  /** `true`: some continue token; an object: its start key and revision (default: the list's). */
  continue?: true | { start: string; rv?: number };
  remaining?: number;
  /** The list's resourceVersion: exactly, or at least. */
  rvExact?: number;
  rvAtLeast?: number;
}

function matrix(s: Seed): ListCase[] {
  const { c, u, initialRV, continueRV, currentRV } = s;
  const [c0, c1, c2, c3, c4, c5] = c as [
    KubeObject,
    KubeObject,
    KubeObject,
    KubeObject,
    KubeObject,
    KubeObject,
  ];
  const r = (o: KubeObject): string => String(rvOf(o));
  const rv = (o: KubeObject): number => rvOf(o);
  const all = [u, c1, c2, c3, c4];
  return [
    {
      name: 'rejects an invalid resource version',
      prefix: '/pods/',
      rv: 'abc',
      error: 'badRequest',
    },
    {
      name: 'rejects a resource version with a continue token',
      prefix: '/pods/',
      rv: '1',
      limit: 1,
      cont: token('foo', continueRV),
      error: 'badRequest',
    },
    {
      name: 'rejects a negative resource version',
      prefix: '/pods/',
      rv: '-1',
      error: 'badRequest',
    },
    { name: 'existing key', prefix: '/pods/first/', items: [u] },
    { name: 'existing key, rv=0', prefix: '/pods/first/', rv: '0', alternatives: [[], [u]] },
    {
      name: 'existing key, rv before the update, Exact',
      prefix: '/pods/first/',
      rv: r(c0),
      match: 'Exact',
      items: [c0],
      rvExact: rv(c0),
    },
    {
      name: 'existing key, rv before the creation, Exact',
      prefix: '/pods/second/',
      rv: r(c0),
      match: 'Exact',
      items: [],
      rvExact: rv(c0),
    },
    {
      name: 'existing key, rv after the creation, Exact',
      prefix: '/pods/second/',
      rv: r(c1),
      match: 'Exact',
      items: [c1],
      rvExact: rv(c1),
    },
    {
      name: 'existing key, compacted rv, Exact',
      prefix: '/pods/first/',
      rv: String(initialRV),
      match: 'Exact',
      error: 'expired',
    },
    {
      name: 'existing key, rv=0, NotOlderThan',
      prefix: '/pods/first/',
      rv: '0',
      match: 'NotOlderThan',
      alternatives: [[], [u]],
    },
    {
      name: 'rv=0 with an invalid match',
      prefix: '/pods/first/',
      rv: '0',
      match: 'Invalid',
      error: 'any',
    },
    {
      name: 'existing key, compacted rv, NotOlderThan',
      prefix: '/pods/first/',
      rv: String(initialRV),
      match: 'NotOlderThan',
      alternatives: [[], [u]],
    },
    {
      name: 'compacted rv with an invalid match',
      prefix: '/pods/first/',
      rv: String(initialRV),
      match: 'Invalid',
      error: 'any',
    },
    {
      name: 'existing key, current rv',
      prefix: '/pods/first/',
      rv: String(continueRV),
      items: [u],
    },
    {
      name: 'existing key, current rv, Exact',
      prefix: '/pods/first/',
      rv: String(continueRV),
      match: 'Exact',
      items: [u],
      rvExact: continueRV,
    },
    {
      name: 'existing key, current rv, NotOlderThan',
      prefix: '/pods/first/',
      rv: String(continueRV),
      match: 'NotOlderThan',
      items: [u],
      rvAtLeast: continueRV,
    },
    { name: 'missing prefix', prefix: '/pods/non-existing/', items: [] },
    {
      name: 'field filter',
      prefix: '/pods/first/',
      pred: selector('metadata.name!=bar'),
      items: [],
    },
    {
      name: 'field filter, current rv, NotOlderThan',
      prefix: '/pods/first/',
      pred: selector('metadata.name!=bar'),
      rv: String(continueRV),
      match: 'NotOlderThan',
      items: [],
    },
    {
      name: 'limit',
      prefix: '/pods/second/',
      limit: 1,
      items: [c1],
      continue: { start: 'bar\u0000' },
      remaining: 1,
      rvAtLeast: currentRV,
    },
    {
      name: 'limit at the current rv (legacy: exact)',
      prefix: '/pods/second/',
      limit: 1,
      rv: String(continueRV),
      items: [c1],
      continue: { start: 'bar\u0000', rv: continueRV },
      remaining: 1,
      rvExact: continueRV,
    },
    {
      name: 'limit at the current rv, Exact',
      prefix: '/pods/second/',
      limit: 1,
      rv: String(continueRV),
      match: 'Exact',
      items: [c1],
      continue: { start: 'bar\u0000', rv: continueRV },
      remaining: 1,
      rvExact: continueRV,
    },
    {
      name: 'limit at the current rv, NotOlderThan',
      prefix: '/pods/second/',
      limit: 1,
      rv: String(continueRV),
      match: 'NotOlderThan',
      items: [c1],
      continue: { start: 'bar\u0000' },
      remaining: 1,
      rvAtLeast: continueRV,
    },
    {
      name: 'limit at rv=0',
      ignoreForWatchCache: true,
      prefix: '/pods/second/',
      limit: 1,
      rv: '0',
      items: [c1],
      continue: { start: 'bar\u0000' },
      remaining: 1,
      rvAtLeast: continueRV,
    },
    {
      name: 'limit at rv=0, NotOlderThan',
      ignoreForWatchCache: true,
      prefix: '/pods/second/',
      limit: 1,
      rv: '0',
      match: 'NotOlderThan',
      items: [c1],
      continue: { start: 'bar\u0000' },
      remaining: 1,
      rvAtLeast: continueRV,
    },
    {
      name: 'limit at an rv before the creation, Exact',
      prefix: '/pods/second/',
      limit: 1,
      rv: r(c0),
      match: 'Exact',
      items: [],
      rvExact: rv(c0),
    },
    {
      name: 'limit at an rv after the creation, Exact',
      prefix: '/pods/second/',
      limit: 1,
      rv: r(c1),
      match: 'Exact',
      items: [c1],
      rvExact: rv(c1),
    },
    {
      name: 'a pregenerated continue token',
      prefix: '/pods/second/',
      limit: 1,
      cont: token('foo', continueRV),
      items: [c2],
      rvExact: continueRV,
    },
    {
      name: 'a pregenerated continue token ignores rv=0',
      prefix: '/pods/second/',
      limit: 1,
      rv: '0',
      cont: token('foo', continueRV),
      items: [c2],
      rvExact: continueRV,
    },
    { name: 'several levels are flattened', prefix: '/pods/second/', items: [c1, c2] },
    {
      name: 'several levels are flattened, current rv, NotOlderThan',
      prefix: '/pods/second/',
      rv: String(continueRV),
      match: 'NotOlderThan',
      items: [c1, c2],
    },
    {
      name: 'filter with one match, a full page of one has a continue',
      prefix: '/pods/',
      pred: selector('metadata.name=barfoo'),
      limit: 1,
      items: [c3],
      continue: { start: 'third/barfoo\u0000' },
    },
    {
      name: 'filter with one match, current rv, NotOlderThan',
      prefix: '/pods/',
      pred: selector('metadata.name=barfoo'),
      limit: 1,
      rv: String(continueRV),
      match: 'NotOlderThan',
      items: [c3],
      continue: true,
      rvAtLeast: continueRV,
    },
    {
      name: 'filter with one match covering the whole list',
      prefix: '/pods/',
      pred: selector('metadata.name=barfoo'),
      limit: 2,
      items: [c3],
    },
    {
      name: 'filter with one match covering the whole list, current rv, NotOlderThan',
      prefix: '/pods/',
      pred: selector('metadata.name=barfoo'),
      limit: 2,
      rv: String(continueRV),
      match: 'NotOlderThan',
      items: [c3],
      rvAtLeast: continueRV,
    },
    {
      name: 'filter with one match covering the whole list, rv=0',
      prefix: '/pods/',
      pred: selector('metadata.name=barfoo'),
      limit: 2,
      rv: '0',
      alternatives: [[], [c3]],
    },
    {
      name: 'filter with two matches, more pages possible',
      prefix: '/pods/',
      pred: selector('metadata.name=bar'),
      limit: 2,
      items: [u, c1],
      continue: { start: 'second/bar\u0000' },
    },
    {
      name: 'filter with two matches, more pages possible, current rv, NotOlderThan',
      prefix: '/pods/',
      pred: selector('metadata.name=bar'),
      limit: 2,
      rv: String(continueRV),
      match: 'NotOlderThan',
      items: [u, c1],
      continue: true,
    },
    {
      name: 'filter page filled from several reads',
      prefix: '/pods/',
      pred: selector('metadata.name=foo'),
      limit: 2,
      items: [c2, c4],
    },
    {
      name: 'filter page filled from several reads, current rv, NotOlderThan',
      prefix: '/pods/',
      pred: selector('metadata.name=foo'),
      limit: 2,
      rv: String(continueRV),
      match: 'NotOlderThan',
      items: [c2, c4],
    },
    {
      name: 'filter, last page ends on the last item, not full',
      prefix: '/pods/',
      pred: selector('metadata.name=foo'),
      limit: 2,
      cont: token('third/barfoo', continueRV),
      items: [c4],
    },
    {
      name: 'filter, last page starts on the last item, full',
      prefix: '/pods/',
      pred: selector('metadata.name=foo'),
      limit: 1,
      cont: token('third/barfoo', continueRV),
      items: [c4],
    },
    {
      name: 'filter with a page as large as the list',
      prefix: '/pods/',
      pred: selector('metadata.name=foo'),
      limit: 5,
      items: [c2, c4],
    },
    {
      name: 'filter with one match and a page as large as the list',
      prefix: '/pods/',
      pred: selector('metadata.name=barfoo'),
      limit: 5,
      items: [c3],
    },
    { name: 'all items', prefix: '/pods/', items: all },
    {
      name: 'all items, current rv, NotOlderThan',
      prefix: '/pods/',
      rv: String(continueRV),
      match: 'NotOlderThan',
      items: all,
    },
    {
      name: 'the updated version of an object',
      prefix: '/pods/',
      pred: selector('spec.nodeName=fakeNode'),
      limit: 5,
      rv: String(continueRV),
      match: 'NotOlderThan',
      items: [u],
    },
    {
      name: 'not a deleted object',
      prefix: '/pods/',
      pred: selector('metadata.name=baz'),
      limit: 5,
      rv: String(continueRV),
      match: 'NotOlderThan',
      items: [],
    },
    { name: 'consistent list', prefix: '/pods/empty', items: [], rvAtLeast: currentRV },
    {
      name: 'non-consistent list',
      prefix: '/pods/empty',
      rv: '0',
      items: [],
      rvAtLeast: initialRV,
    },
    // Exact at every revision of the seed
    {
      name: 'Exact before the first write (compacted)',
      prefix: '/pods/',
      rv: String(initialRV),
      match: 'Exact',
      error: 'expired',
    },
    {
      name: 'Exact at the 1st write',
      prefix: '/pods/',
      rv: r(c0),
      match: 'Exact',
      items: [c0],
      rvExact: rv(c0),
    },
    {
      name: 'Exact at the 2nd write',
      prefix: '/pods/',
      rv: r(c1),
      match: 'Exact',
      items: [c0, c1],
      rvExact: rv(c1),
    },
    {
      name: 'Exact at the 3rd write',
      prefix: '/pods/',
      rv: r(c2),
      match: 'Exact',
      items: [c0, c1, c2],
      rvExact: rv(c2),
    },
    {
      name: 'Exact at the 4th write',
      prefix: '/pods/',
      rv: r(c3),
      match: 'Exact',
      items: [c0, c1, c2, c3],
      rvExact: rv(c3),
    },
    {
      name: 'Exact at the 5th write',
      prefix: '/pods/',
      rv: r(c4),
      match: 'Exact',
      items: [c0, c1, c2, c3, c4],
      rvExact: rv(c4),
    },
    {
      name: 'Exact at the 6th write',
      prefix: '/pods/',
      rv: r(c5),
      match: 'Exact',
      items: [c0, c1, c5, c2, c3, c4],
      rvExact: rv(c5),
    },
    {
      name: 'Exact at the update',
      prefix: '/pods/',
      rv: r(u),
      match: 'Exact',
      items: [u, c1, c5, c2, c3, c4],
      rvExact: rv(u),
    },
    {
      name: 'Exact at the deletion',
      prefix: '/pods/',
      rv: String(continueRV),
      match: 'Exact',
      items: all,
      rvExact: continueRV,
    },
    {
      name: 'Exact after the writes',
      prefix: '/pods/',
      rv: String(currentRV),
      match: 'Exact',
      items: all,
      rvExact: currentRV,
    },
    // limit with Exact
    {
      name: 'limit 1, Exact at the 2nd write',
      prefix: '/pods/',
      limit: 1,
      rv: r(c1),
      match: 'Exact',
      items: [c0],
      continue: { start: 'first/bar\u0000', rv: rv(c1) },
      remaining: 1,
      rvExact: rv(c1),
    },
    {
      name: 'limit 2, Exact at the 3rd write',
      prefix: '/pods/',
      limit: 2,
      rv: r(c2),
      match: 'Exact',
      items: [c0, c1],
      continue: { start: 'second/bar\u0000', rv: rv(c2) },
      remaining: 1,
      rvExact: rv(c2),
    },
    {
      name: 'limit 4, Exact at the 4th write',
      prefix: '/pods/',
      limit: 4,
      rv: r(c3),
      match: 'Exact',
      items: [c0, c1, c2, c3],
      rvExact: rv(c3),
    },
    {
      name: 'limit 1, Exact at the 5th write',
      prefix: '/pods/',
      limit: 1,
      rv: r(c4),
      match: 'Exact',
      items: [c0],
      continue: { start: 'first/bar\u0000', rv: rv(c4) },
      remaining: 4,
      rvExact: rv(c4),
    },
    {
      name: 'limit 2, Exact at the 6th write',
      prefix: '/pods/',
      limit: 2,
      rv: r(c5),
      match: 'Exact',
      items: [c0, c1],
      continue: { start: 'second/bar\u0000', rv: rv(c5) },
      remaining: 4,
      rvExact: rv(c5),
    },
    {
      name: 'limit 4, Exact at the update',
      prefix: '/pods/',
      limit: 4,
      rv: r(u),
      match: 'Exact',
      items: [u, c1, c5, c2],
      continue: { start: 'second/foo\u0000', rv: rv(u) },
      remaining: 2,
      rvExact: rv(u),
    },
    {
      name: 'limit 8, Exact at the deletion',
      prefix: '/pods/',
      limit: 8,
      rv: String(continueRV),
      match: 'Exact',
      items: all,
      rvExact: continueRV,
    },
    {
      name: 'limit 1, Exact after the writes',
      prefix: '/pods/',
      limit: 1,
      rv: String(currentRV),
      match: 'Exact',
      items: [u],
      continue: { start: 'first/bar\u0000', rv: currentRV },
      remaining: 4,
      rvExact: currentRV,
    },
    // continue tokens
    {
      name: 'continue from a compacted revision',
      prefix: '/pods/',
      limit: 1,
      cont: token('first/bar\u0000', initialRV),
      error: 'continueExpired',
    },
    {
      name: 'continue at the 1st write',
      prefix: '/pods/',
      limit: 1,
      cont: token('first/bar\u0000', rv(c0)),
      items: [],
      rvExact: rv(c0),
    },
    {
      name: 'continue at the 2nd write',
      prefix: '/pods/',
      limit: 1,
      cont: token('first/bar\u0000', rv(c1)),
      items: [c1],
      rvExact: rv(c1),
    },
    {
      name: 'continue at the 3rd write',
      prefix: '/pods/',
      limit: 2,
      cont: token('second/bar\u0000', rv(c2)),
      items: [c2],
      rvExact: rv(c2),
    },
    {
      name: 'continue at the 5th write',
      prefix: '/pods/',
      limit: 1,
      cont: token('first/bar\u0000', rv(c4)),
      items: [c1],
      continue: { start: 'second/bar\u0000', rv: rv(c4) },
      remaining: 3,
      rvExact: rv(c4),
    },
    {
      name: 'continue at the 6th write',
      prefix: '/pods/',
      limit: 2,
      cont: token('second/bar\u0000', rv(c5)),
      items: [c5, c2],
      continue: { start: 'second/foo\u0000', rv: rv(c5) },
      remaining: 2,
      rvExact: rv(c5),
    },
    {
      name: 'continue at the update',
      prefix: '/pods/',
      limit: 4,
      cont: token('second/foo\u0000', rv(u)),
      items: [c3, c4],
      rvExact: rv(u),
    },
    {
      name: 'continue after the writes',
      prefix: '/pods/',
      limit: 1,
      cont: token('first/bar\u0000', currentRV),
      items: [c1],
      continue: { start: 'second/bar\u0000', rv: currentRV },
      remaining: 3,
      rvExact: currentRV,
    },
    {
      name: 'continue with a negative revision reads the latest',
      prefix: '/pods/',
      cont: token('first/bar\u0000', -1),
      items: [c1, c2, c3, c4],
      rvAtLeast: currentRV,
    },
    {
      name: 'continue with a negative revision and a limit',
      prefix: '/pods/',
      limit: 2,
      cont: token('first/bar\u0000', -1),
      items: [c1, c2],
      continue: { start: 'second/foo\u0000' },
      remaining: 2,
      rvAtLeast: currentRV,
    },
    {
      name: 'continue from the 3rd object with a negative revision',
      prefix: '/pods/',
      cont: token('second/foo\u0000', -1),
      items: [c3, c4],
      rvAtLeast: currentRV,
    },
    {
      name: 'continue with an empty start key',
      prefix: '/pods/',
      cont: token('', continueRV),
      error: 'badRequest',
    },
    {
      name: 'continue with revision 0',
      prefix: '/pods/',
      cont: token('first/bar\u0000', 0),
      error: 'badRequest',
    },
    {
      name: 'continue with a malformed token',
      prefix: '/pods/',
      cont: 'not a token',
      error: 'badRequest',
    },
  ];
}

/** Checks one list result against a case. */
function checkList(c: ListCase, got: ListResult): void {
  if (c.alternatives !== undefined) {
    assert.ok(
      c.alternatives.some((alt) => isDeepStrictEqual(alt, got.items)),
      `items ${JSON.stringify(got.items)} are none of ${JSON.stringify(c.alternatives)}`,
    );
  } else {
    assert.deepEqual(got.items, c.items, 'items');
  }
  const listRV = Number(got.resourceVersion);
  assert.ok(/^\d+$/.test(got.resourceVersion), `resourceVersion ${got.resourceVersion}`);
  if (c.rvExact !== undefined) assert.equal(listRV, c.rvExact, 'the list resourceVersion');
  if (c.rvAtLeast !== undefined) {
    assert.ok(listRV >= c.rvAtLeast, `list resourceVersion ${listRV} < ${c.rvAtLeast}`);
  }
  if (c.continue === undefined) {
    assert.equal(got.continue, undefined, 'no continue on the last page');
  } else if (c.continue === true) {
    tokenOf(got.continue);
  } else {
    assert.deepEqual(
      tokenOf(got.continue),
      { resourceVersion: c.continue.rv ?? listRV, startKey: c.continue.start },
      'the continue token (kube: the last key + "\\u0000", at the list revision)',
    );
  }
  assert.equal(got.remainingItemCount, c.remaining, 'remainingItemCount');
}

async function runCase(store: Storage, c: ListCase): Promise<void> {
  const options: ListOptions = { recursive: true };
  if (c.rv !== undefined) options.resourceVersion = c.rv;
  if (c.match !== undefined) options.resourceVersionMatch = c.match as ResourceVersionMatch;
  if (c.limit !== undefined) options.limit = c.limit;
  if (c.pred !== undefined) options.predicate = c.pred;
  if (c.cont !== undefined) options.continue = c.cont;
  const result = store.list(c.prefix, options);
  switch (c.error) {
    case undefined:
      checkList(c, await result);
      return;
    case 'badRequest':
      await rejectsStatus(result, { code: 400, reason: 'BadRequest' });
      return;
    case 'any':
      await assert.rejects(result);
      return;
    case 'expired':
      await rejectsStatus(result, { code: 410, reason: 'Expired', message: EXPIRED_LIST });
      return;
    case 'continueExpired': {
      const err = await rejectsStatus(result, {
        code: 410,
        reason: 'Expired',
        message: INCONSISTENT_CONTINUE,
      });
      assert.deepEqual(
        tokenOf(err.status.metadata?.continue),
        { resourceVersion: -1, startKey: tokenOf(c.cont).startKey },
        'a 410 for a compacted continue carries a continue token at the latest revision (-1)',
      );
    }
  }
}

/** Creates `pod(ns, name)` at `podKey(ns, name)` for each pair. */
async function createAll(store: Storage, pairs: [string, string][]): Promise<KubeObject[]> {
  const out: KubeObject[] = [];
  for (const [ns, name] of pairs) out.push(await store.create(podKey(ns, name), pod(ns, name)));
  return out;
}

export function listTests(ctx: SuiteContext): void {
  void describe('list: the resourceVersion × match × limit × continue matrix', () => {
    let store: Storage | undefined;
    let seed: Seed | undefined;
    before(async () => {
      store = await ctx.newStore();
      seed = await seedMultiLevel(store);
    });
    after(async () => {
      await store?.close();
    });
    // the cases need the seed's revisions, so they are built lazily from a fixed list of names
    const placeholders = matrix(placeholderSeed());
    for (const [i, { name, ignoreForWatchCache }] of placeholders.entries()) {
      const skip =
        ctx.watchCache && ignoreForWatchCache === true
          ? 'as kube (ignoreForWatchCache): a watch cache serves rv=0 from memory, ignoring the limit'
          : false;
      void it(name, { skip }, async () => {
        assert.ok(store !== undefined && seed !== undefined, 'the seed ran');
        const c = matrix(seed)[i]!;
        assert.equal(c.name, name);
        await runCase(store, c);
      });
    }
  });

  void describe('list', () => {
    storeTest(ctx, 'continuation pages are read at the first page revision', async (store) => {
      const stored = await createAll(store, [
        ['first', 'bar'],
        ['second', 'bar'],
        ['second', 'foo'],
      ]);
      const currentRV = String(rvOf(stored[2]));
      const page1 = await store.list('/pods/', { recursive: true, limit: 1 });
      assert.deepEqual(page1.items, [stored[0]]);
      assert.equal(page1.resourceVersion, currentRV);
      const fromSecond = continueOf(page1);
      const rest = await store.list('/pods/', { recursive: true, continue: fromSecond });
      assert.deepEqual(rest.items, [stored[1], stored[2]]);
      assert.equal(rest.continue, undefined);
      assert.equal(rest.resourceVersion, currentRV);
      const page2 = await store.list('/pods/', { recursive: true, limit: 1, continue: fromSecond });
      assert.deepEqual(page2.items, [stored[1]]);
      assert.equal(page2.resourceVersion, currentRV);
      const page3 = await store.list('/pods/', {
        recursive: true,
        limit: 1,
        continue: continueOf(page2),
      });
      assert.deepEqual(page3.items, [stored[2]]);
      assert.equal(page3.continue, undefined);
      assert.equal(page3.resourceVersion, currentRV);
    });

    storeTest(ctx, 'a filtered page scans until it is full or the keys run out', async (store) => {
      const pods: [string, string][] = [];
      for (let i = 0; i < 300; i++) pods.push(['', `pod-${String(i).padStart(3, '0')}`]);
      const stored = await createAll(store, pods);
      const page = await store.list('/pods/', {
        recursive: true,
        limit: 1,
        predicate: selector('metadata.name=pod-299'),
      });
      assert.deepEqual(page.items, [stored[299]]);
      assert.equal(page.continue, undefined);
    });

    storeTest(ctx, 'filtered pages with continue', async (store) => {
      const stored = await createAll(store, [
        ['1', 'foo'],
        ['2', 'bar'],
        ['3', 'foo'],
        ['4', 'foo'],
      ]);
      const currentRV = String(rvOf(stored[3]));
      const pred = selector('metadata.name!=bar');
      const page1 = await store.list('/pods/', { recursive: true, limit: 2, predicate: pred });
      assert.deepEqual(page1.items, [stored[0], stored[2]]);
      assert.equal(page1.resourceVersion, currentRV);
      assert.equal(page1.remainingItemCount, undefined, 'no remainingItemCount with a filter');
      const page2 = await store.list('/pods/', {
        recursive: true,
        limit: 2,
        predicate: pred,
        continue: continueOf(page1),
      });
      assert.deepEqual(page2.items, [stored[3]]);
      assert.equal(page2.continue, undefined);
      assert.equal(page2.resourceVersion, currentRV);
    });

    storeTest(
      ctx,
      'a continue token from a compacted revision: 410 with an inconsistent continue',
      async (store) => {
        const stored = await createAll(store, [
          ['first', 'bar'],
          ['second', 'bar'],
          ['second', 'foo'],
        ]);
        // kube reads this first page at "0"; a consistent read keeps it a paged read for a
        // watch cache too, which serves "0" from memory, unpaged
        const page1 = await store.list('/pods/', { recursive: true, limit: 1 });
        assert.deepEqual(page1.items, [stored[0]]);
        const fromSecond = continueOf(page1);
        const updated = await store.guaranteedUpdate(podKey('second', 'foo'), (cur) =>
          changed(cur!, (o) => {
            o.metadata = { ...o.metadata, labels: { state: 'new' } };
          }),
        );
        await store.compact(rvOf(updated));
        const err = await rejectsStatus(
          store.list('/pods/', { recursive: true, resourceVersion: '0', continue: fromSecond }),
          { code: 410, reason: 'Expired', message: INCONSISTENT_CONTINUE },
        );
        const inconsistent = err.status.metadata?.continue;
        assert.equal(tokenOf(inconsistent).resourceVersion, -1);
        const page2 = await store.list('/pods/', {
          recursive: true,
          resourceVersion: '0',
          limit: 1,
          continue: inconsistent!,
        });
        assert.deepEqual(page2.items, [stored[1]]);
        assert.ok(Number(page2.resourceVersion) >= rvOf(updated));
        const page3 = await store.list('/pods/', {
          recursive: true,
          resourceVersion: '0',
          limit: 1,
          continue: continueOf(page2),
        });
        assert.deepEqual(page3.items, [updated]);
        assert.equal(page3.continue, undefined);
        assert.equal(page3.resourceVersion, page2.resourceVersion, 'later pages keep the revision');
      },
    );

    storeTest(ctx, 'paging does not see writes made after the first page', async (store) => {
      for (let i = 0; i < 4; i++)
        await store.create(podKey('paging', `test-${i}`), pod('paging', `test-${i}`));
      const names: string[] = [];
      let cont: string | undefined;
      let calls = 0;
      do {
        calls++;
        const page: ListResult = await store.list('/pods/', {
          recursive: true,
          limit: 1,
          ...(cont !== undefined ? { continue: cont } : {}),
        });
        names.push(...page.items.map((o) => o.metadata?.name ?? ''));
        cont = page.continue;
        if (calls === 2) await store.create(podKey('paging', 'test-5'), pod('paging', 'test-5'));
      } while (cont !== undefined && calls < 10);
      assert.equal(calls, 4);
      assert.deepEqual(names, ['test-0', 'test-1', 'test-2', 'test-3']);
    });

    storeTest(
      ctx,
      'an Exact list at the revision of a list returns the same list',
      async (store) => {
        for (let i = 0; i < 5; i++) {
          const obj = pod('', `pod-${i}`);
          obj.metadata = { ...obj.metadata, labels: { even: String(i % 2 === 0) } };
          await store.create(podKey('', `pod-${i}`), obj);
        }
        const predicate = selector('labels:even=true');
        const first = await store.list('/pods/', { recursive: true, predicate, limit: 4 });
        await store.create(podKey('', 'pod-6'), pod('', 'pod-6'));
        const exact = await store.list('/pods/', {
          recursive: true,
          predicate,
          limit: 4,
          resourceVersion: first.resourceVersion,
          resourceVersionMatch: 'Exact',
        });
        assert.deepEqual(exact, first);
      },
    );

    storeTest(ctx, 'non-recursive lists read the single key', async (store) => {
      const key = podKey('test-ns', 'foo');
      const prev = await store.create(key, pod('test-ns', 'foo'));
      const stored = await store.guaranteedUpdate(key, (cur) =>
        changed(cur!, (o) => {
          o.metadata = { ...o.metadata, annotations: { version: 'second' } };
        }),
      );
      await store.create('/unrelated/x', pod('', 'x'));
      const cases: {
        name: string;
        key: string;
        rv?: string;
        match?: ResourceVersionMatch;
        pred?: Predicate;
        want: KubeObject[][];
      }[] = [
        { name: 'existing key', key, want: [[stored]] },
        { name: 'rv=0', key, rv: '0', want: [[], [prev], [stored]] },
        {
          name: 'rv=0, NotOlderThan',
          key,
          rv: '0',
          match: 'NotOlderThan',
          want: [[], [prev], [stored]],
        },
        { name: 'current rv', key, rv: String(rvOf(stored)), want: [[stored]] },
        {
          name: 'current rv, NotOlderThan',
          key,
          rv: String(rvOf(stored)),
          match: 'NotOlderThan',
          want: [[stored]],
        },
        {
          name: 'previous rv, NotOlderThan',
          key,
          rv: String(rvOf(prev)),
          match: 'NotOlderThan',
          want: [[prev], [stored]],
        },
        {
          name: 'current rv, Exact',
          key,
          rv: String(rvOf(stored)),
          match: 'Exact',
          want: [[stored]],
        },
        { name: 'previous rv, Exact', key, rv: String(rvOf(prev)), match: 'Exact', want: [[prev]] },
        { name: 'missing key', key: podKey('test-ns', 'non-existing'), want: [[]] },
        { name: 'filtered out', key, pred: selector('metadata.name!=foo'), want: [[]] },
        {
          name: 'filtered out at the current rv',
          key,
          rv: String(rvOf(stored)),
          pred: selector('metadata.name!=foo'),
          want: [[]],
        },
      ];
      for (const c of cases) {
        const options: ListOptions = { recursive: false };
        if (c.rv !== undefined) options.resourceVersion = c.rv;
        if (c.match !== undefined) options.resourceVersionMatch = c.match;
        if (c.pred !== undefined) options.predicate = c.pred;
        const got = await store.list(c.key, options);
        assert.ok(/^\d+$/.test(got.resourceVersion), `${c.name}: resourceVersion is set`);
        assert.ok(
          c.want.some((w) => isDeepStrictEqual(w, got.items)),
          `${c.name}: got ${JSON.stringify(got.items)}`,
        );
      }
    });

    storeTest(ctx, 'recursive lists of /a never include /ab', async (store) => {
      const foo = await store.create(podKey('test-ns', 'foo'), pod('test-ns', 'foo'));
      const foobar = await store.create(podKey('test-ns', 'foobar'), pod('test-ns', 'foobar'));
      const baz = await store.create(podKey('test-ns2', 'baz'), pod('test-ns2', 'baz'));
      const cases: { name: string; key: string; recursive: boolean; want: KubeObject[] }[] = [
        { name: 'non-recursive on the resource prefix', key: '/pods/', recursive: false, want: [] },
        {
          name: 'recursive on the resource prefix',
          key: '/pods/',
          recursive: true,
          want: [foo, foobar, baz],
        },
        {
          name: 'non-recursive on a namespace prefix',
          key: '/pods/test-ns/',
          recursive: false,
          want: [],
        },
        {
          name: 'recursive on a namespace prefix',
          key: '/pods/test-ns/',
          recursive: true,
          want: [foo, foobar],
        },
        {
          name: 'recursive on a namespace without slash',
          key: '/pods/test-ns',
          recursive: true,
          want: [foo, foobar],
        },
        {
          name: 'non-recursive on a key that prefixes another',
          key: podKey('test-ns', 'foo'),
          recursive: false,
          want: [foo],
        },
        {
          name: 'recursive on a key that prefixes another',
          key: podKey('test-ns', 'foo'),
          recursive: true,
          want: [],
        },
        {
          name: 'non-recursive on a key',
          key: podKey('test-ns', 'foobar'),
          recursive: false,
          want: [foobar],
        },
        { name: 'recursive on a key', key: podKey('test-ns', 'foobar'), recursive: true, want: [] },
      ];
      const kinds: { name: string; rv?: string; match?: ResourceVersionMatch }[] = [
        { name: 'Exact', rv: String(rvOf(baz)), match: 'Exact' },
        { name: 'consistent' },
        { name: 'NotOlderThan', rv: '0', match: 'NotOlderThan' },
      ];
      for (const kind of kinds) {
        for (const c of cases) {
          const options: ListOptions = { recursive: c.recursive };
          if (kind.rv !== undefined) options.resourceVersion = kind.rv;
          if (kind.match !== undefined) options.resourceVersionMatch = kind.match;
          const got = await store.list(c.key, options);
          assert.deepEqual(got.items, c.want, `${kind.name}: ${c.name}`);
        }
      }
    });

    storeTest(ctx, 'remainingItemCount counts what is left after the page', async (store) => {
      const stored = await createAll(store, [
        ['ns', 'a'],
        ['ns', 'b'],
        ['ns', 'c'],
        ['ns', 'd'],
        ['ns', 'e'],
      ]);
      const page1 = await store.list('/pods/ns', { recursive: true, limit: 2 });
      assert.deepEqual(page1.items, stored.slice(0, 2));
      assert.equal(page1.remainingItemCount, 3);
      // a later delete does not change a page read at the first page's revision
      await store.delete(podKey('ns', 'e'));
      await store.create(podKey('ns', 'f'), pod('ns', 'f'));
      const page2 = await store.list('/pods/ns', {
        recursive: true,
        limit: 2,
        continue: continueOf(page1),
      });
      assert.deepEqual(page2.items, stored.slice(2, 4));
      assert.equal(page2.remainingItemCount, 1);
      const page3 = await store.list('/pods/ns', {
        recursive: true,
        limit: 2,
        continue: continueOf(page2),
      });
      assert.deepEqual(page3.items, stored.slice(4));
      assert.equal(page3.remainingItemCount, undefined);
      assert.equal(page3.continue, undefined);
    });
  });

  void describe('compaction', () => {
    storeTest(
      ctx,
      'reads below the compacted revision are 410, at or above it succeed',
      async (store) => {
        const first = await store.create(podKey('ns', 'a'), pod('ns', 'a'));
        const second = await store.guaranteedUpdate(podKey('ns', 'a'), (cur) =>
          changed(cur!, (o) => (o.spec = { v: 2 })),
        );
        const listed = await store.list('/pods/', { recursive: true });
        const listRV = listed.resourceVersion;
        assert.deepEqual(
          (
            await store.list('/pods/', {
              recursive: true,
              resourceVersion: listRV,
              resourceVersionMatch: 'Exact',
            })
          ).items,
          [second],
        );
        const third = await store.create(podKey('ns', 'b'), pod('ns', 'b'));
        await store.compact(rvOf(third));
        await rejectsStatus(
          store.list('/pods/', {
            recursive: true,
            resourceVersion: String(rvOf(first)),
            resourceVersionMatch: 'Exact',
          }),
          { code: 410, reason: 'Expired', message: EXPIRED_LIST },
        );
        await rejectsStatus(
          store.list('/pods/', {
            recursive: true,
            resourceVersion: String(rvOf(second)),
            limit: 1,
          }),
          { code: 410, reason: 'Expired', message: EXPIRED_LIST },
        );
        const atFloor = await store.list('/pods/', {
          recursive: true,
          resourceVersion: String(rvOf(third)),
          resourceVersionMatch: 'Exact',
        });
        assert.deepEqual(atFloor.items, [second, third]);
        assert.deepEqual(
          await store.get(podKey('ns', 'a')),
          second,
          'the latest state survives compaction',
        );
        assert.equal(await store.count('/pods'), 2);
      },
    );
  });
}

/** A seed with made-up revisions, only to read the case names before the real seed exists. */
function placeholderSeed(): Seed {
  const c = Array.from({ length: 6 }, (_, i) => {
    const obj = pod('x', `p${i}`);
    obj.metadata = { ...obj.metadata, resourceVersion: String(i + 2) };
    return obj;
  });
  const u = pod('first', 'bar');
  u.metadata = { ...u.metadata, resourceVersion: '8' };
  return { initialRV: 1, c, u, continueRV: 9, currentRV: 10 };
}
