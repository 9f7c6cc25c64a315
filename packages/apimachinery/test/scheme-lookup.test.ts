import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  isNoMatchError,
  Scheme,
  StatusError,
  type KindDefinition,
  type ResourceMapping,
} from '../src/index.js';
import { WARDLE, wardleGroup } from './scheme.fixtures.js';

function kind(
  def: Partial<KindDefinition> & Pick<KindDefinition, 'kind' | 'plural'>,
): KindDefinition {
  return { namespaced: true, versions: { v1: {} }, ...def };
}

function lookupScheme(): Scheme {
  return new Scheme({ name: 'test' })
    .addGroup({
      group: '',
      versions: ['v1'],
      kinds: [
        kind({ kind: 'Pod', plural: 'pods', shortNames: ['po'], categories: ['all'] }),
        kind({ kind: 'Namespace', plural: 'namespaces', shortNames: ['ns'], namespaced: false }),
      ],
    })
    .addGroup({
      group: 'apps',
      versions: ['v1', 'v1beta1'],
      kinds: [
        kind({
          kind: 'Deployment',
          plural: 'deployments',
          shortNames: ['deploy'],
          categories: ['all'],
          versions: { v1: {}, v1beta1: {} },
        }),
      ],
    })
    .addGroup({
      group: 'extensions',
      versions: ['v1beta1'],
      kinds: [
        kind({
          kind: 'Deployment',
          plural: 'deployments',
          shortNames: ['deploy'],
          versions: { v1beta1: {} },
        }),
      ],
    })
    .addGroup(wardleGroup())
    .addGroup({
      group: 'storage.k8s.io',
      versions: ['v1'],
      kinds: [
        kind({
          kind: 'StorageClass',
          plural: 'storageclasses',
          shortNames: ['sc'],
          namespaced: false,
        }),
      ],
    })
    .addGroup({
      // its singular `fl` is wardle's Flunder short name: a name beats a short name
      group: 'other.example.com',
      versions: ['v1'],
      kinds: [kind({ kind: 'Fl', plural: 'fls' })],
    })
    .addGroup({
      group: 'prio.example.com',
      versions: [
        { version: 'v1alpha1', priority: 5 },
        { version: 'v1', priority: 10 },
        'v2beta1',
        { version: 'v1beta1', priority: 5 },
      ],
      kinds: [
        kind({
          kind: 'Thing',
          plural: 'things',
          versions: { v1alpha1: {}, v1: {}, v2beta1: {}, v1beta1: {} },
        }),
      ],
    })
    .addGroup({
      // registration order, not kube's order, decides here: v1beta1 is preferred
      group: 'order.example.com',
      versions: ['v1beta1', 'v2', 'v1'],
      kinds: [
        kind({
          kind: 'Item',
          plural: 'items',
          singular: 'entry',
          namespaced: false,
          versions: { v1: {}, v1beta1: {} },
        }),
      ],
    });
}

const at = (m: ResourceMapping): string => `${m.group}/${m.version}/${m.resource}`;

describe('Scheme lookups', () => {
  const scheme = lookupScheme();

  const cases: { name: string; run: (s: Scheme) => unknown; expected: unknown }[] = [
    {
      name: 'mapping by GVK',
      run: (s) => s.mapping({ group: 'apps', version: 'v1', kind: 'Deployment' }),
      expected: {
        group: 'apps',
        version: 'v1',
        kind: 'Deployment',
        resource: 'deployments',
        singular: 'deployment',
        shortNames: ['deploy'],
        categories: ['all'],
        namespaced: true,
        listKind: 'DeploymentList',
      },
    },
    {
      name: 'mapping by GVR, resource in any case',
      run: (s) =>
        at(s.mappingForResource({ group: 'apps', version: 'v1beta1', resource: 'Deployments' })),
      expected: 'apps/v1beta1/deployments',
    },
    {
      name: 'kind for a resource',
      run: (s) => s.kindFor({ group: '', version: 'v1', resource: 'pods' }),
      expected: { group: '', version: 'v1', kind: 'Pod' },
    },
    {
      name: 'resource for a kind',
      run: (s) => s.resourceFor({ group: WARDLE, version: 'v1alpha1', kind: 'Flunder' }),
      expected: { group: WARDLE, version: 'v1alpha1', resource: 'flunders' },
    },
    {
      name: 'group+resource at every version, most preferred first',
      run: (s) => s.mappingsForGroupResource({ group: 'apps', resource: 'deployments' }).map(at),
      expected: ['apps/v1/deployments', 'apps/v1beta1/deployments'],
    },
    {
      name: 'group+resource follows the group’s priority, not kube order',
      run: (s) =>
        s.mappingsForGroupResource({ group: 'order.example.com', resource: 'items' }).map(at),
      expected: ['order.example.com/v1beta1/items', 'order.example.com/v1/items'],
    },
    {
      name: 'plural in every group: groups as registered, versions by priority',
      run: (s) => s.resourcesFor({ resource: 'deployments' }).map(at),
      expected: [
        'apps/v1/deployments',
        'apps/v1beta1/deployments',
        'extensions/v1beta1/deployments',
      ],
    },
    {
      name: 'plural resolves to the preferred group and version',
      run: (s) => at(s.resolveResource({ resource: 'deployments' })),
      expected: 'apps/v1/deployments',
    },
    {
      name: 'plural at a given version',
      run: (s) => at(s.resolveResource({ resource: 'deployments', version: 'v1beta1' })),
      expected: 'apps/v1beta1/deployments',
    },
    {
      name: 'plural in a given group',
      run: (s) => at(s.resolveResource({ resource: 'deployments', group: 'extensions' })),
      expected: 'extensions/v1beta1/deployments',
    },
    {
      name: 'singular',
      run: (s) => at(s.resolveResource({ resource: 'deployment' })),
      expected: 'apps/v1/deployments',
    },
    {
      name: 'kind-cased singular, as `kubectl get Pod`',
      run: (s) => at(s.resolveResource({ resource: 'Pod' })),
      expected: '/v1/pods',
    },
    {
      name: 'custom singular',
      run: (s) => at(s.resolveResource({ resource: 'entry' })),
      expected: 'order.example.com/v1beta1/items',
    },
    {
      name: 'short name in any case',
      run: (s) => at(s.resolveResource({ resource: 'DEPLOY' })),
      expected: 'apps/v1/deployments',
    },
    {
      name: 'a singular beats an earlier group’s short name',
      run: (s) => at(s.resolveResource({ resource: 'fl' })),
      expected: 'other.example.com/v1/fls',
    },
    {
      name: 'a short name within its group',
      run: (s) => at(s.resolveResource({ resource: 'fl', group: WARDLE })),
      expected: `${WARDLE}/v1/flunders`,
    },
    {
      name: 'core group only, with group ""',
      run: (s) => s.resourcesFor({ resource: 'po', group: '' }).map(at),
      expected: ['/v1/pods'],
    },
    {
      name: 'group prefix, as `storageclasses.storage`',
      run: (s) => at(s.resolveResource({ resource: 'storageclasses', group: 'storage' })),
      expected: 'storage.k8s.io/v1/storageclasses',
    },
    {
      name: 'by kind, most preferred',
      run: (s) => at(s.resolveKind({ kind: 'Deployment' })),
      expected: 'apps/v1/deployments',
    },
    {
      name: 'by kind in a group',
      run: (s) => at(s.resolveKind({ kind: 'Deployment', group: 'extensions' })),
      expected: 'extensions/v1beta1/deployments',
    },
    {
      name: 'by kind, case-insensitive when nothing matches exactly',
      run: (s) => at(s.resolveKind({ kind: 'deployment' })),
      expected: 'apps/v1/deployments',
    },
    {
      name: 'every version of a kind',
      run: (s) => s.kindsFor({ kind: 'Flunder', group: WARDLE }).map((m) => m.version),
      expected: ['v1', 'v1beta1', 'v1alpha1'],
    },
    {
      name: 'a kind at a version',
      run: (s) => s.kindsFor({ kind: 'Fischer', group: WARDLE, version: 'v1beta1' }).map(at),
      expected: [`${WARDLE}/v1beta1/fischers`],
    },
    {
      name: 'category `all`, each at its preferred version',
      run: (s) => s.resourcesInCategory('all').map(at),
      expected: ['/v1/pods', 'apps/v1/deployments', `${WARDLE}/v1/flunders`],
    },
    {
      name: 'a group’s own category',
      run: (s) => s.resourcesInCategory('wardle').map(at),
      expected: [`${WARDLE}/v1/flunders`, `${WARDLE}/v1/fischers`],
    },
    { name: 'an empty category', run: (s) => s.resourcesInCategory('none'), expected: [] },
    {
      name: 'cluster-scoped resource',
      run: (s) => s.isNamespaced({ group: '', resource: 'namespaces' }),
      expected: false,
    },
    {
      name: 'namespaced kind',
      run: (s) => s.isNamespaced({ group: '', kind: 'Pod' }),
      expected: true,
    },
    {
      name: 'cluster-scoped resource in any case',
      run: (s) => s.isNamespaced({ group: WARDLE, resource: 'Fischers' }),
      expected: false,
    },
    {
      name: 'recognizes a registered kind',
      run: (s) => s.recognizes({ group: WARDLE, version: 'v1alpha1', kind: 'Flunder' }),
      expected: true,
    },
    {
      name: 'does not recognize a kind at a version it lacks',
      run: (s) => s.recognizes({ group: WARDLE, version: 'v1alpha1', kind: 'Fischer' }),
      expected: false,
    },
    {
      name: 'groups in registration order',
      run: (s) => s.groups(),
      expected: [
        '',
        'apps',
        'extensions',
        WARDLE,
        'storage.k8s.io',
        'other.example.com',
        'prio.example.com',
        'order.example.com',
      ],
    },
    {
      name: 'has a group',
      run: (s) => [s.hasGroup('apps'), s.hasGroup('batch')],
      expected: [true, false],
    },
    {
      name: 'explicit priorities first, ties by kube order, then the rest as registered',
      run: (s) => s.versions('prio.example.com'),
      expected: ['v1', 'v1beta1', 'v1alpha1', 'v2beta1'],
    },
    {
      name: 'preferred version by priority',
      run: (s) => s.preferredVersion('prio.example.com'),
      expected: 'v1',
    },
    {
      name: 'preferred version by registration order',
      run: (s) => s.preferredVersion('order.example.com'),
      expected: 'v1beta1',
    },
    {
      name: 'discovery of a group',
      run: (s) => s.apiGroup(WARDLE),
      expected: {
        kind: 'APIGroup',
        apiVersion: 'v1',
        name: WARDLE,
        versions: [
          { groupVersion: `${WARDLE}/v1`, version: 'v1' },
          { groupVersion: `${WARDLE}/v1beta1`, version: 'v1beta1' },
          { groupVersion: `${WARDLE}/v1alpha1`, version: 'v1alpha1' },
        ],
        preferredVersion: { groupVersion: `${WARDLE}/v1`, version: 'v1' },
      },
    },
    {
      name: 'discovery of every named group, without the core group',
      run: (s) =>
        s.apiGroupList().groups.map((g) => `${g.name}@${g.preferredVersion?.version ?? ''}`),
      expected: [
        'apps@v1',
        'extensions@v1beta1',
        `${WARDLE}@v1`,
        'storage.k8s.io@v1',
        'other.example.com@v1',
        'prio.example.com@v1',
        'order.example.com@v1beta1',
      ],
    },
    {
      name: 'resources of a group version',
      run: (s) => s.mappingsForGroupVersion({ group: WARDLE, version: 'v1' }).map((m) => m.kind),
      expected: ['Flunder', 'Fischer'],
    },
    {
      name: 'resources of a group version lacking a kind',
      run: (s) =>
        s.mappingsForGroupVersion({ group: WARDLE, version: 'v1alpha1' }).map((m) => m.kind),
      expected: ['Flunder'],
    },
    {
      name: 'mappings are frozen',
      run: (s) => {
        const m = s.mapping({ group: '', version: 'v1', kind: 'Pod' });
        return [Object.isFrozen(m), Object.isFrozen(m.shortNames)];
      },
      expected: [true, true],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(c.run(scheme), c.expected);
    });
  }

  const failures: { name: string; run: (s: Scheme) => unknown; code: number; message: string }[] = [
    {
      name: 'GVK at a version the kind lacks',
      run: (s) => s.mapping({ group: 'apps', version: 'v2', kind: 'Deployment' }),
      code: 404,
      message: 'no matches for kind "Deployment" in version "apps/v2"',
    },
    {
      name: 'GVR of another group',
      run: (s) => s.mappingForResource({ group: 'apps', version: 'v1', resource: 'Pods' }),
      code: 404,
      message: 'no matches for apps/v1, Resource=pods',
    },
    {
      name: 'unknown core resource',
      run: (s) => s.kindFor({ group: '', version: 'v1', resource: 'foos' }),
      code: 404,
      message: 'no matches for /v1, Resource=foos',
    },
    {
      name: 'unknown kind for resourceFor',
      run: (s) => s.resourceFor({ group: WARDLE, version: 'v1alpha1', kind: 'Fischer' }),
      code: 404,
      message: `no matches for kind "Fischer" in version "${WARDLE}/v1alpha1"`,
    },
    {
      name: 'unknown resource name',
      run: (s) => s.resolveResource({ resource: 'Nothings' }),
      code: 404,
      message: 'no matches for /, Resource=nothings',
    },
    {
      name: 'resource in a group without it',
      run: (s) => s.resolveResource({ resource: 'deployments', group: 'batch' }),
      code: 404,
      message: 'no matches for batch/, Resource=deployments',
    },
    {
      name: 'resource at a version without it',
      run: (s) => s.resourcesFor({ resource: 'deployments', version: 'v2' }),
      code: 404,
      message: 'no matches for /v2, Resource=deployments',
    },
    {
      name: 'empty resource name',
      run: (s) => s.resolveResource({ resource: '' }),
      code: 400,
      message: 'a resource must be present',
    },
    {
      name: 'unknown kind anywhere',
      run: (s) => s.resolveKind({ kind: 'Nope' }),
      code: 404,
      message: 'no matches for kind "Nope"',
    },
    {
      name: 'kind in a group without it',
      run: (s) => s.resolveKind({ kind: 'Pod', group: 'apps' }),
      code: 404,
      message: 'no matches for kind "Pod" in group "apps"',
    },
    {
      name: 'group+resource of another group',
      run: (s) => s.mappingsForGroupResource({ group: 'apps', resource: 'pods' }),
      code: 404,
      message: 'no matches for apps/, Resource=pods',
    },
    {
      name: 'isNamespaced of an unknown kind',
      run: (s) => s.isNamespaced({ group: 'apps', kind: 'Pod' }),
      code: 404,
      message: 'no matches for kind "Pod" in group "apps"',
    },
    {
      name: 'versions of an unknown group',
      run: (s) => s.versions('batch'),
      code: 404,
      message: 'no matches for group "batch"',
    },
    {
      name: 'preferred version of an unknown group',
      run: (s) => s.preferredVersion('batch'),
      code: 404,
      message: 'no matches for group "batch"',
    },
    {
      name: 'resources of an unknown version',
      run: (s) => s.mappingsForGroupVersion({ group: 'apps', version: 'v3' }),
      code: 404,
      message: 'no matches for version "apps/v3"',
    },
  ];
  for (const c of failures) {
    it(`fails on ${c.name}`, () => {
      assert.throws(
        () => c.run(scheme),
        (err: unknown) => {
          assert.ok(err instanceof StatusError);
          assert.equal(err.code, c.code);
          assert.equal(err.message, c.message);
          assert.equal(isNoMatchError(err), c.code === 404);
          return true;
        },
      );
    });
  }
});
