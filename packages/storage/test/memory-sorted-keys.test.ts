import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { SortedKeys, compareKeys, prefixEnd } from '../src/memory/sorted-keys.js';

/** The reference order: UTF-8 bytes. */
function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

const keyChars = fc.constantFrom('a', 'b', '/', '0', 'z', '\u0000', '\uE000', '\u{1F600}', 'é');
const key = fc.array(keyChars, { maxLength: 6 }).map((cs) => cs.join(''));

describe('compareKeys', () => {
  it('agrees with UTF-8 byte order', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (a, b) => {
        assert.equal(Math.sign(compareKeys(a, b)), Math.sign(byteOrder(a, b)));
      }),
    );
    fc.assert(
      fc.property(key, key, (a, b) => {
        assert.equal(Math.sign(compareKeys(a, b)), Math.sign(byteOrder(a, b)));
      }),
    );
  });

  it('prefixEnd bounds exactly the keys with the prefix', () => {
    fc.assert(
      fc.property(key, key, (prefix, k) => {
        const p = `/${prefix}/`;
        const inside = compareKeys(k, p) >= 0 && compareKeys(k, prefixEnd(p)) < 0;
        assert.equal(inside, k.startsWith(p));
      }),
    );
  });
});

describe('SortedKeys', () => {
  it('behaves as a sorted set under any sequence of adds and deletes', () => {
    const op = fc.oneof(fc.record({ add: key }), fc.record({ del: key }), fc.record({ from: key }));
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
        const set = new SortedKeys();
        const model = new Set<string>();
        for (const o of ops) {
          const sorted = [...model].sort(byteOrder);
          if ('add' in o) {
            assert.equal(set.add(o.add), !model.has(o.add));
            model.add(o.add);
          } else if ('del' in o) {
            assert.equal(set.delete(o.del), model.has(o.del));
            model.delete(o.del);
          } else {
            assert.deepEqual(
              [...set.from(o.from)],
              sorted.filter((k) => byteOrder(k, o.from) >= 0),
            );
            assert.equal(set.rank(o.from), sorted.filter((k) => byteOrder(k, o.from) < 0).length);
          }
        }
        assert.equal(set.size, model.size);
        assert.deepEqual([...set.from('')], [...model].sort(byteOrder));
      }),
    );
  });

  it('stays ordered across chunk splits of thousands of keys', () => {
    const set = new SortedKeys();
    const n = 5000;
    const keys = Array.from(
      { length: n },
      (_, i) => `/k/${String((i * 7919) % n).padStart(5, '0')}`,
    );
    for (const k of keys) set.add(k);
    const sorted = [...keys].sort();
    assert.deepEqual([...set.from('')], sorted);
    assert.equal(set.countRange('/k/01000', '/k/02000'), 1000);
    const dropped = new Set(keys.filter((_, i) => i % 3 === 0));
    for (const k of dropped) set.delete(k);
    const left = sorted.filter((k) => !dropped.has(k));
    assert.deepEqual([...set.from('')], left);
    assert.equal(set.size, left.length);
    for (const k of left) assert.ok(set.has(k));
    for (const k of dropped) assert.ok(!set.has(k));
  });
});
