import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { StorageError, validateKey } from '../src/index.js';

/** The rule validateKey implements, written plainly: the oracle for its one-pass version. */
function reference(key: string, prefix: boolean): string | undefined {
  if (!key.startsWith('/')) return 'must start with "/"';
  const body = prefix && key.length > 1 && key.endsWith('/') ? key.slice(1, -1) : key.slice(1);
  if (body === '') return prefix ? undefined : 'must name an object';
  for (const segment of body.split('/')) {
    if (segment === '') return 'has an empty segment';
    if (segment === '.' || segment === '..') return `has a ${JSON.stringify(segment)} segment`;
  }
  return undefined;
}

function outcome(key: string, prefix: boolean): string | undefined {
  try {
    validateKey(key, { prefix });
    return undefined;
  } catch (err) {
    assert.ok(err instanceof StorageError && err.code === 'InvalidKey', String(err));
    return err.message;
  }
}

describe('validateKey', () => {
  it('accepts object keys and prefixes, and names what is wrong with the others', () => {
    assert.equal(outcome('/pods/ns/a', false), undefined);
    assert.equal(outcome('/pods/ns/', true), undefined);
    assert.equal(outcome('/', true), undefined);
    assert.match(outcome('/', false)!, /must name an object/);
    assert.match(outcome('pods/a', false)!, /must start with "\/"/);
    assert.match(outcome('/pods//a', false)!, /empty segment/);
    assert.match(outcome('/pods/ns/', false)!, /empty segment/);
    assert.match(outcome('/pods/../a', false)!, /has a "\.\." segment/);
    assert.match(outcome('/pods/.', true)!, /has a "\." segment/);
    assert.equal(outcome('/pods/.a/..b/...', false), undefined);
  });

  it('agrees with the plain rule on arbitrary keys', () => {
    const key = fc.stringMatching(/^[/.a]{0,10}$/);
    fc.assert(
      fc.property(key, fc.boolean(), (k, prefix) => {
        const expected = reference(k, prefix);
        const got = outcome(k, prefix);
        if (expected === undefined) assert.equal(got, undefined, k);
        else assert.ok(got?.includes(expected), `${k}: ${String(got)} lacks ${expected}`);
      }),
      { numRuns: 5000 },
    );
  });
});
