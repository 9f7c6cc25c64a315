import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { deepCopyJson } from '../src/index.js';

/** Every object and array reachable from `value`. */
function containers(value: unknown, out = new Set<object>()): Set<object> {
  if (typeof value === 'object' && value !== null) {
    out.add(value);
    for (const v of Object.values(value)) containers(v, out);
  }
  return out;
}

describe('deepCopyJson', () => {
  it('copies any JSON value equal, sharing no object or array with it', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const copy = deepCopyJson(value);
        assert.deepStrictEqual(copy, value);
        const theirs = containers(value);
        for (const mine of containers(copy)) assert.ok(!theirs.has(mine), 'a shared container');
      }),
      { numRuns: 500 },
    );
  });

  it('keeps a "__proto__" key as data, and copies frozen values into mutable ones', () => {
    const value = JSON.parse('{"a":{"__proto__":{"x":1}},"b":[1,{"c":2}]}') as Record<
      string,
      unknown
    >;
    Object.freeze(value);
    const copy = deepCopyJson(value);
    assert.deepStrictEqual(copy, value);
    assert.equal(Object.getPrototypeOf(copy.a), Object.prototype);
    assert.deepEqual(Object.keys(copy.a as object), ['__proto__']);
    assert.ok(!Object.isFrozen(copy));
    (copy.b as unknown[]).push(3);
    assert.equal((value.b as unknown[]).length, 2);
  });
});
