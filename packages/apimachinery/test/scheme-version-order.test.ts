import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compareKubeAwareVersions, sortKubeAwareVersions } from '../src/index.js';

describe('compareKubeAwareVersions', () => {
  // the cases of k8s.io/apimachinery/pkg/version helpers_test.go, plus edges
  const cases: { name: string; a: string; b: string; sign: -1 | 0 | 1 }[] = [
    { name: 'lower GA major', a: 'v1', b: 'v2', sign: -1 },
    { name: 'higher GA major', a: 'v2', b: 'v1', sign: 1 },
    { name: 'majors compare as numbers', a: 'v10', b: 'v2', sign: 1 },
    { name: 'GA beats a higher alpha', a: 'v1', b: 'v2alpha1', sign: 1 },
    { name: 'GA beats a higher beta', a: 'v1', b: 'v2beta1', sign: 1 },
    { name: 'higher alpha minor', a: 'v1alpha2', b: 'v1alpha1', sign: 1 },
    { name: 'beta beats a higher alpha', a: 'v1beta1', b: 'v2alpha3', sign: 1 },
    { name: 'alpha minors compare as numbers', a: 'v1alpha10', b: 'v1alpha2', sign: 1 },
    { name: 'beta minors compare as numbers', a: 'v1beta10', b: 'v1beta2', sign: 1 },
    { name: 'beta2 beats beta1', a: 'v1beta2', b: 'v1beta1', sign: 1 },
    { name: 'any kube version beats another string', a: 'foo', b: 'v1beta2', sign: -1 },
    { name: 'other strings rank in reverse order', a: 'bar', b: 'foo', sign: 1 },
    { name: 'other strings: version1 above version2', a: 'version1', b: 'version2', sign: 1 },
    { name: 'other strings: version1 above version10', a: 'version1', b: 'version10', sign: 1 },
    { name: 'equal strings', a: 'v1', b: 'v1', sign: 0 },
    { name: 'leading zeros parse to the same number', a: 'v01', b: 'v1', sign: 0 },
    { name: 'alpha without a number is not kube-like', a: 'v1alpha', b: 'v1alpha1', sign: -1 },
    { name: 'upper case is not kube-like', a: 'V2', b: 'v1alpha1', sign: -1 },
    {
      name: 'a major beyond int64 is not kube-like',
      a: 'v99999999999999999999',
      b: 'v1alpha1',
      sign: -1,
    },
    { name: 'the int64 maximum still is', a: 'v9223372036854775807', b: 'v2', sign: 1 },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.equal(Math.sign(compareKubeAwareVersions(c.a, c.b)), c.sign);
      assert.equal(Math.sign(compareKubeAwareVersions(c.b, c.a)), c.sign === 0 ? 0 : -c.sign);
    });
  }
});

describe('sortKubeAwareVersions', () => {
  it('orders as the CRD versioning documentation lists', () => {
    const expected = [
      'v10',
      'v2',
      'v1',
      'v11beta2',
      'v10beta3',
      'v3beta1',
      'v12alpha1',
      'v11alpha2',
      'foo1',
      'foo10',
    ];
    const shuffled = [
      'foo10',
      'v11alpha2',
      'v1',
      'v3beta1',
      'foo1',
      'v10',
      'v12alpha1',
      'v2',
      'v10beta3',
      'v11beta2',
    ];
    assert.deepEqual(sortKubeAwareVersions(shuffled), expected);
  });

  it('does not reorder its argument', () => {
    const input = ['v1alpha1', 'v1'];
    sortKubeAwareVersions(input);
    assert.deepEqual(input, ['v1alpha1', 'v1']);
  });
});
