import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  INTERNAL_VERSION,
  Scheme,
  type GroupDefinition,
  type KindDefinition,
  type KubeObject,
} from '../src/index.js';
import { wardleGroup } from './scheme.fixtures.js';

const identity = (o: KubeObject): KubeObject => o;

function group(kinds: KindDefinition[], extra: Partial<GroupDefinition> = {}): GroupDefinition {
  return { group: 'test.example.com', versions: ['v1', 'v1beta1'], kinds, ...extra };
}

function kind(extra: Partial<KindDefinition> = {}): KindDefinition {
  return { kind: 'Widget', plural: 'widgets', namespaced: true, versions: { v1: {} }, ...extra };
}

describe('Scheme registration', () => {
  it('registers the sample group', () => {
    const scheme = new Scheme().addGroup(wardleGroup());
    assert.deepEqual(scheme.groups(), ['wardle.example.com']);
    assert.deepEqual(scheme.versions('wardle.example.com'), ['v1', 'v1beta1', 'v1alpha1']);
    assert.equal(scheme.hubVersion('wardle.example.com'), 'v1');
  });

  const rejected: { name: string; defs: GroupDefinition[]; error: RegExp }[] = [
    {
      name: 'a group registered twice',
      defs: [group([kind()]), group([kind({ kind: 'Gadget', plural: 'gadgets' })])],
      error: /group "test\.example\.com" is already registered/,
    },
    {
      name: 'a duplicate kind',
      defs: [group([kind(), kind({ plural: 'widgets2' })])],
      error: /kind "Widget" is registered twice in group "test\.example\.com"/,
    },
    {
      name: 'a kind colliding with another kind’s list kind',
      defs: [group([kind(), kind({ kind: 'WidgetList', plural: 'widgetlists' })])],
      error: /kind "WidgetList" is registered twice/,
    },
    {
      name: 'a duplicate resource',
      defs: [group([kind(), kind({ kind: 'Gadget' })])],
      error: /resource "widgets" is registered twice/,
    },
    {
      name: 'a kind in a version the group does not declare',
      defs: [group([kind({ versions: { v1: {}, v2: {} } })])],
      error:
        /kind "Widget" of group "test\.example\.com" names version "v2", which the group does not declare/,
    },
    {
      name: 'a kind in no version',
      defs: [group([kind({ versions: {} })])],
      error: /exists in no version/,
    },
    {
      name: 'a version declared twice',
      defs: [group([kind()], { versions: ['v1', 'v1'] })],
      error: /version "v1" of group "test\.example\.com" is declared twice/,
    },
    {
      name: 'no versions',
      defs: [group([kind()], { versions: [] })],
      error: /declares no versions/,
    },
    {
      name: 'an unknown hub version',
      defs: [group([kind()], { hubVersion: 'v2' })],
      error:
        /hub version "v2" of group "test\.example\.com" is neither a declared version nor "__internal"/,
    },
    {
      name: 'toHub without fromHub',
      defs: [group([kind({ versions: { v1: {}, v1beta1: { toHub: identity } } })])],
      error: /version "v1beta1": give both toHub and fromHub, or neither/,
    },
    {
      name: 'conversion declared on the hub',
      defs: [group([kind({ versions: { v1: { toHub: identity, fromHub: identity } } })])],
      error: /version "v1" is the hub and takes no conversion/,
    },
    {
      name: 'an upper-case group',
      defs: [group([kind()], { group: 'Test.example.com' })],
      error: /group "Test\.example\.com" must be a lower-case DNS subdomain/,
    },
    {
      name: 'an invalid version name',
      defs: [group([kind()], { versions: ['V1'] })],
      error: /version "V1" of group "test\.example\.com" must be a DNS-1035 label/,
    },
    {
      name: 'an upper-case plural',
      defs: [group([kind({ plural: 'Widgets' })])],
      error: /plural "Widgets" must be a DNS-1035 label/,
    },
    {
      name: 'an invalid short name',
      defs: [group([kind({ shortNames: ['w_1'] })])],
      error: /short name "w_1" must be a DNS-1035 label/,
    },
    {
      name: 'an invalid category',
      defs: [group([kind({ categories: ['All Things'] })])],
      error: /category "All Things" must be a DNS-1035 label/,
    },
    {
      name: 'an invalid kind',
      defs: [group([kind({ kind: '1Widget' })])],
      error: /the kind must be alphanumeric/,
    },
    {
      name: 'a list kind equal to the kind',
      defs: [group([kind({ listKind: 'Widget' })])],
      error: /list kind "Widget" is invalid/,
    },
    {
      name: 'a non-finite priority',
      defs: [group([kind()], { versions: [{ version: 'v1', priority: Number.NaN }] })],
      error: /version "v1" of group "test\.example\.com" has a non-finite priority/,
    },
  ];
  for (const c of rejected) {
    it(`rejects ${c.name}, registering nothing of it`, () => {
      const scheme = new Scheme({ name: 'test' });
      const before = c.defs.slice(0, -1);
      for (const def of before) scheme.addGroup(def);
      const groupsBefore = scheme.groups();
      assert.throws(
        () => scheme.addGroup(c.defs.at(-1)!),
        (err: unknown) =>
          err instanceof Error && /^scheme "test": /.test(err.message) && c.error.test(err.message),
      );
      assert.deepEqual(scheme.groups(), groupsBefore);
    });
  }

  const accepted: { name: string; def: GroupDefinition; check: (s: Scheme) => void }[] = [
    {
      name: 'an internal hub version, not served',
      def: group([kind({ versions: { v1: { toHub: identity, fromHub: identity } } })], {
        hubVersion: INTERNAL_VERSION,
      }),
      check: (s) => {
        assert.equal(s.hubVersion('test.example.com'), '__internal');
        assert.deepEqual(s.versions('test.example.com'), ['v1', 'v1beta1']);
      },
    },
    {
      name: 'the core group',
      def: { group: '', versions: ['v1'], kinds: [kind({ kind: 'Pod', plural: 'pods' })] },
      check: (s) => {
        assert.ok(s.hasGroup(''));
        assert.equal(s.preferredVersion(''), 'v1');
      },
    },
    {
      name: 'the same kind name in two groups',
      def: group([kind({ kind: 'Flunder', plural: 'flunders' })]),
      check: (s) => {
        assert.equal(s.resolveKind({ group: 'test.example.com', kind: 'Flunder' }).version, 'v1');
        assert.equal(s.resolveKind({ group: 'wardle.example.com', kind: 'Flunder' }).version, 'v1');
      },
    },
    {
      name: 'a hub defaulting to the preferred version',
      def: group([kind()], { versions: ['v1beta1', 'v1'] }),
      check: (s) => {
        assert.equal(s.hubVersion('test.example.com'), 'v1beta1');
      },
    },
  ];
  for (const c of accepted) {
    it(`accepts ${c.name}`, () => {
      const scheme = new Scheme().addGroup(wardleGroup()).addGroup(c.def);
      c.check(scheme);
    });
  }
});
