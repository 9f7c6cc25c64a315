import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Scheme, type GroupVersionKind, type JsonSchema } from '@kapi/apimachinery';
import {
  buildOpenAPIV2,
  defaultDefinitionName,
  operationId,
  operationTag,
  type JsonObject,
  type JsonValue,
  type SwaggerDocument,
} from '../src/openapi/index.js';
import type { DiscoveryGroup } from '../src/discovery.js';
import { testGroups, testScheme, WARDLE } from './fixtures/openapi/scheme.js';

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';
const FLUNDER = 'com.example.wardle.v1alpha1.Flunder';
const FLUNDER_SPEC = 'com.example.wardle.v1alpha1.FlunderSpec';

function document(): SwaggerDocument {
  const scheme = testScheme();
  return buildOpenAPIV2(scheme, testGroups(scheme));
}

function obj(v: JsonValue | undefined): JsonObject {
  assert.ok(typeof v === 'object' && v !== null && !Array.isArray(v), 'expected an object');
  return v;
}

function definition(doc: SwaggerDocument, name: string): JsonObject {
  const def = doc.definitions[name];
  assert.ok(def !== undefined, `definition ${name} is missing`);
  return def;
}

function property(def: JsonObject, ...path: string[]): JsonObject {
  let at = def;
  for (const name of path) at = obj(obj(at.properties)[name]);
  return at;
}

/**
 * The rules kubectl's v2 model parser enforces (k8s.io/kube-openapi pkg/util/proto document.go):
 * one failure anywhere makes kubectl reject the whole document.
 */
function kubectlV2Violations(doc: SwaggerDocument): string[] {
  const out: string[] = [];
  const check = (s: JsonObject, at: string): void => {
    if (typeof s.$ref === 'string') {
      if (!s.$ref.startsWith('#/definitions/')) out.push(`${at}: reference outside definitions`);
      else if (doc.definitions[s.$ref.slice('#/definitions/'.length)] === undefined) {
        out.push(`${at}: unknown model ${s.$ref}`);
      }
      if (s.type !== undefined) out.push(`${at}: reference with a type`);
      if (s.properties !== undefined) out.push(`${at}: reference with properties`);
      return;
    }
    if (Array.isArray(s.type)) out.push(`${at}: more than one type`);
    const type = JSON.stringify(s.type ?? null);
    if (
      type !== 'null' &&
      !['object', 'array', 'string', 'number', 'integer', 'boolean']
        .map((t) => `"${t}"`)
        .includes(type)
    ) {
      out.push(`${at}: unknown type ${type}`);
    }
    if (type === '"array"') {
      if (s.items === undefined || Array.isArray(s.items))
        out.push(`${at}: array without exactly one item schema`);
      else check(obj(s.items), `${at}[]`);
    }
    if (s.properties !== undefined) {
      if (type !== 'null' && type !== '"object"') out.push(`${at}: properties on a ${type}`);
      for (const [k, v] of Object.entries(obj(s.properties))) check(obj(v), `${at}.${k}`);
    }
    if (typeof s.additionalProperties === 'object' && s.additionalProperties !== null) {
      check(obj(s.additionalProperties), `${at}{}`);
    }
  };
  for (const [name, def] of Object.entries(doc.definitions)) check(def, name);
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (method === 'parameters') continue;
      for (const p of (obj(op).parameters ?? []) as JsonObject[]) {
        if (p.in === 'body') check(obj(p.schema), `${method} ${path} body`);
      }
      for (const [code, r] of Object.entries(obj(obj(op).responses))) {
        if (obj(r).schema !== undefined) check(obj(obj(r).schema), `${method} ${path} ${code}`);
      }
    }
  }
  return out;
}

describe('OpenAPI v2 naming', () => {
  const cases: [string, GroupVersionKind, string][] = [
    [
      'core kinds as kube names them',
      { group: '', version: 'v1', kind: 'ConfigMap' },
      'io.k8s.api.core.v1.ConfigMap',
    ],
    ['apps', { group: 'apps', version: 'v1', kind: 'Deployment' }, 'io.k8s.api.apps.v1.Deployment'],
    [
      'a kube group with a domain',
      { group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'Role' },
      'io.k8s.api.rbac.v1.Role',
    ],
    [
      'the aggregator group',
      { group: 'apiregistration.k8s.io', version: 'v1', kind: 'APIService' },
      'io.k8s.kube-aggregator.pkg.apis.apiregistration.v1.APIService',
    ],
    [
      'a host group, reversed as kube names custom resources',
      { group: WARDLE, version: 'v1alpha1', kind: 'Flunder' },
      FLUNDER,
    ],
    [
      'a host group without a dot',
      { group: 'things', version: 'v2', kind: 'Thing' },
      'things.v2.Thing',
    ],
  ];
  for (const [name, gvk, expected] of cases) {
    it(`names definitions: ${name}`, () => {
      assert.equal(defaultDefinitionName(gvk), expected);
    });
  }

  const ids: [string, string, { group: string; version: string }, string, string][] = [
    [
      'core list',
      'list',
      { group: '', version: 'v1' },
      'NamespacedConfigMap',
      'listCoreV1NamespacedConfigMap',
    ],
    [
      '.k8s.io trimmed',
      'read',
      { group: 'rbac.authorization.k8s.io', version: 'v1' },
      'ClusterRole',
      'readRbacAuthorizationV1ClusterRole',
    ],
    [
      'dotted host group',
      'patch',
      { group: WARDLE, version: 'v1alpha1' },
      'NamespacedFlunder',
      'patchWardleExampleComV1alpha1NamespacedFlunder',
    ],
    [
      'delete collection',
      'delete',
      { group: 'apps', version: 'v1' },
      'collectionNamespacedDeployment',
      'deleteAppsV1CollectionNamespacedDeployment',
    ],
    [
      'dashes start words',
      'list',
      { group: 'my-group.example.com', version: 'v1' },
      'Widget',
      'listMyGroupExampleComV1Widget',
    ],
  ];
  for (const [name, verb, gv, rest, expected] of ids) {
    it(`builds operation IDs: ${name}`, () => {
      assert.equal(operationId(verb, gv, rest), expected);
    });
  }

  it('tags operations by group and version', () => {
    assert.equal(operationTag({ group: '', version: 'v1' }), 'core_v1');
    assert.equal(operationTag({ group: WARDLE, version: 'v1alpha1' }), 'wardleExampleCom_v1alpha1');
    assert.equal(operationTag({ group: 'apps', version: 'v1' }), 'apps_v1');
  });
});

describe('OpenAPI v2 definitions', () => {
  const doc = document();

  it('describes each kind with its group-version-kind, type meta and ObjectMeta', () => {
    for (const [name, gvk] of [
      [FLUNDER, { group: WARDLE, kind: 'Flunder', version: 'v1alpha1' }],
      [
        'com.example.wardle.v1beta1.Flunder',
        { group: WARDLE, kind: 'Flunder', version: 'v1beta1' },
      ],
      ['io.k8s.api.core.v1.ConfigMap', { group: '', kind: 'ConfigMap', version: 'v1' }],
    ] as const) {
      const def = definition(doc, name);
      assert.deepEqual(def['x-kubernetes-group-version-kind'], [gvk], name);
      assert.equal(def.type, 'object');
      assert.equal(property(def, 'apiVersion').type, 'string');
      assert.equal(property(def, 'kind').type, 'string');
      assert.equal(property(def, 'metadata').$ref, `#/definitions/${META}.ObjectMeta`);
      assert.equal(typeof property(def, 'metadata').description, 'string');
    }
  });

  it('replaces the host metadata schema and keeps its description and required list', () => {
    const def = definition(doc, FLUNDER);
    assert.equal(def.description, 'A Flunder is a made-up object for the wardle sample.');
    assert.deepEqual(def.required, ['spec']);
    assert.equal(property(def, 'metadata').properties, undefined);
    assert.deepEqual(Object.keys(obj(def.properties)), [
      'apiVersion',
      'kind',
      'metadata',
      'spec',
      'status',
    ]);
  });

  it('describes list kinds with items of the kind and ListMeta', () => {
    const list = definition(doc, 'com.example.wardle.v1alpha1.FlunderList');
    assert.deepEqual(list['x-kubernetes-group-version-kind'], [
      { group: WARDLE, kind: 'FlunderList', version: 'v1alpha1' },
    ]);
    assert.deepEqual(list.required, ['items']);
    assert.equal(obj(property(list, 'items').items).$ref, `#/definitions/${FLUNDER}`);
    assert.equal(property(list, 'metadata').$ref, `#/definitions/${META}.ListMeta`);
  });

  it('describes a kind registered without a schema as any object', () => {
    assert.deepEqual(definition(doc, 'com.example.wardle.v1alpha1.Fischer'), {
      type: 'object',
      'x-kubernetes-group-version-kind': [{ group: WARDLE, kind: 'Fischer', version: 'v1alpha1' }],
    });
  });

  it('hoists local definitions ($defs and definitions) into shared ones and rewrites the references', () => {
    const flunder = definition(doc, FLUNDER);
    assert.equal(property(flunder, 'spec').$ref, `#/definitions/${FLUNDER_SPEC}`);
    assert.equal(property(flunder, 'spec').description, 'The desired state of the Flunder.');
    assert.equal(
      property(flunder, 'status').$ref,
      '#/definitions/com.example.wardle.v1alpha1.FlunderStatus',
    );
    const spec = definition(doc, FLUNDER_SPEC);
    assert.equal(spec.description, 'What a Flunder wants.');
    assert.equal(
      obj(property(spec, 'containers').items).$ref,
      '#/definitions/com.example.wardle.v1alpha1.Container',
    );
    assert.deepEqual(definition(doc, 'com.example.wardle.v1alpha1.Container').required, ['name']);
    // each version keeps its own
    assert.equal(
      property(definition(doc, 'com.example.wardle.v1beta1.FlunderSpec'), 'reference').description,
      'Beta reference.',
    );
  });

  it('keeps references to shared definitions by name', () => {
    const selector = property(definition(doc, FLUNDER_SPEC), 'selector');
    assert.equal(selector.$ref, `#/definitions/${META}.LabelSelector`);
    assert.ok(doc.definitions[`${META}.LabelSelector`] !== undefined);
    assert.ok(doc.definitions[`${META}.LabelSelectorRequirement`] !== undefined);
  });

  it('preserves patch and list extensions', () => {
    const containers = property(definition(doc, FLUNDER_SPEC), 'containers');
    assert.equal(containers['x-kubernetes-list-type'], 'map');
    assert.deepEqual(containers['x-kubernetes-list-map-keys'], ['name']);
    assert.equal(containers['x-kubernetes-patch-merge-key'], 'name');
    assert.equal(containers['x-kubernetes-patch-strategy'], 'merge');
    const owners = property(definition(doc, `${META}.ObjectMeta`), 'ownerReferences');
    assert.equal(owners['x-kubernetes-patch-merge-key'], 'uid');
    assert.equal(owners['x-kubernetes-patch-strategy'], 'merge');
    assert.deepEqual(owners['x-kubernetes-list-map-keys'], ['uid']);
  });

  const shaping: [string, string, (s: JsonObject) => void][] = [
    [
      'a nullable value is untyped',
      'color',
      (s) => {
        assert.equal(s.type, undefined);
      },
    ],
    [
      'anyOf is dropped',
      'either',
      (s) => {
        assert.equal(s.anyOf, undefined);
      },
    ],
    [
      'preserve-unknown-fields drops properties and type',
      'extra',
      (s) => {
        assert.equal(s.properties, undefined);
        assert.equal(s.type, undefined);
        assert.equal(s['x-kubernetes-preserve-unknown-fields'], true);
      },
    ],
    [
      'an array without items is untyped',
      'tags',
      (s) => {
        assert.equal(s.type, undefined);
      },
    ],
    [
      'a dangling reference is dropped, the description kept',
      'broken',
      (s) => {
        assert.deepEqual(s, { description: 'Points nowhere.' });
      },
    ],
    [
      'a draft-07 exclusive bound becomes an OpenAPI one',
      'replicas',
      (s) => {
        assert.equal(s.minimum, 1);
        assert.equal(s.exclusiveMinimum, true);
        assert.equal(s.default, 1);
      },
    ],
    [
      'const becomes a one-value enum',
      'mode',
      (s) => {
        assert.deepEqual(s.enum, ['auto']);
      },
    ],
    [
      'int-or-string stays an untyped flag',
      'size',
      (s) => {
        assert.equal(s['x-kubernetes-int-or-string'], true);
        assert.equal(s.type, undefined);
      },
    ],
  ];
  for (const [name, field, expect] of shaping) {
    it(`shapes schemas for kubectl: ${name}`, () => {
      expect(property(definition(doc, FLUNDER_SPEC), field));
    });
  }

  it('passes the rules of kubectl v2 parser everywhere', () => {
    assert.deepEqual(kubectlV2Violations(doc), []);
  });

  it('checks those rules for real (each broken schema is caught)', () => {
    const broken: Record<string, JsonObject> = {
      multi: { type: ['string', 'integer'] as JsonValue },
      nullType: { type: 'null' },
      bareArray: { type: 'array' },
      typedRef: { $ref: '#/definitions/multi', type: 'object' },
      dangling: { $ref: '#/definitions/nowhere' },
      foreign: { $ref: '#/components/schemas/multi' },
    };
    const violations = kubectlV2Violations({ ...doc, definitions: broken, paths: {} });
    for (const name of Object.keys(broken)) {
      assert.ok(
        violations.some((v) => v.startsWith(`${name}:`)),
        `${name} not caught: ${violations.join('; ')}`,
      );
    }
  });

  it('tags Status, DeleteOptions and WatchEvent with every served group version', () => {
    for (const kind of ['Status', 'DeleteOptions', 'WatchEvent']) {
      assert.deepEqual(definition(doc, `${META}.${kind}`)['x-kubernetes-group-version-kind'], [
        { group: '', kind, version: 'v1' },
        { group: WARDLE, kind, version: 'v1alpha1' },
        { group: WARDLE, kind, version: 'v1beta1' },
      ]);
    }
  });

  it('carries only definitions something refers to', () => {
    assert.equal(doc.definitions[`${META}.MicroTime`], undefined);
    assert.equal(doc.definitions['io.k8s.apimachinery.pkg.api.resource.Quantity'], undefined);
  });
});

describe('OpenAPI v2 local definition names', () => {
  function scheme(a: JsonSchema, b: JsonSchema): { scheme: Scheme; groups: DiscoveryGroup[] } {
    const s = new Scheme().addGroup({
      group: 'local.example.com',
      versions: ['v1'],
      kinds: [
        { kind: 'Alpha', plural: 'alphas', namespaced: true, versions: { v1: { schema: a } } },
        { kind: 'Beta', plural: 'betas', namespaced: true, versions: { v1: { schema: b } } },
      ],
    });
    const resources = ['Alpha', 'Beta'].map((kind) => ({
      mapping: s.mapping({ group: 'local.example.com', version: 'v1', kind }),
      verbs: ['get'],
      subresources: [],
      storageVersion: 'v1',
    }));
    return {
      scheme: s,
      groups: [
        {
          name: 'local.example.com',
          versions: [{ group: 'local.example.com', version: 'v1', resources }],
        },
      ],
    };
  }
  const withDefs = (defs: Record<string, JsonSchema>, ref: string): JsonSchema => ({
    type: 'object',
    properties: { spec: { $ref: `#/definitions/${ref}` } },
    definitions: defs,
  });

  const cases: [string, JsonSchema, JsonSchema, Record<string, string>][] = [
    [
      'equal schemas under one name are shared',
      withDefs({ Common: { type: 'string' } }, 'Common'),
      withDefs({ Common: { type: 'string' } }, 'Common'),
      { Alpha: 'com.example.local.v1.Common', Beta: 'com.example.local.v1.Common' },
    ],
    [
      'different schemas under one name are told apart by kind',
      withDefs({ Common: { type: 'string' } }, 'Common'),
      withDefs({ Common: { type: 'integer' } }, 'Common'),
      { Alpha: 'com.example.local.v1.Common', Beta: 'com.example.local.v1.BetaCommon' },
    ],
    [
      'a local definition named like a kind does not take its name',
      withDefs({ Beta: { type: 'string' } }, 'Beta'),
      { type: 'object' },
      { Alpha: 'com.example.local.v1.AlphaBeta' },
    ],
  ];
  for (const [name, a, b, expected] of cases) {
    it(name, () => {
      const { scheme: s, groups } = scheme(a, b);
      const doc = buildOpenAPIV2(s, groups);
      for (const [kind, target] of Object.entries(expected)) {
        const spec = property(definition(doc, `com.example.local.v1.${kind}`), 'spec');
        assert.equal(spec.$ref, `#/definitions/${target}`, kind);
        assert.ok(doc.definitions[target] !== undefined, target);
      }
      assert.deepEqual(kubectlV2Violations(doc), []);
    });
  }
});

describe('OpenAPI v2 paths', () => {
  const doc = document();
  const op = (path: string, method: string): JsonObject => {
    const item = doc.paths[path];
    assert.ok(item !== undefined, `path ${path} is missing`);
    return obj(item[method]);
  };
  const core = (kind: string) => ({ group: '', kind, version: 'v1' });
  const flunder = { group: WARDLE, kind: 'Flunder', version: 'v1alpha1' };
  const cm = '/api/v1/namespaces/{namespace}/configmaps';
  const fl = `/apis/${WARDLE}/v1alpha1/namespaces/{namespace}/flunders`;
  const cases: [string, string, string, string, object][] = [
    [cm, 'get', 'listCoreV1NamespacedConfigMap', 'list', core('ConfigMap')],
    [cm, 'post', 'createCoreV1NamespacedConfigMap', 'post', core('ConfigMap')],
    [
      cm,
      'delete',
      'deleteCoreV1CollectionNamespacedConfigMap',
      'deletecollection',
      core('ConfigMap'),
    ],
    [`${cm}/{name}`, 'get', 'readCoreV1NamespacedConfigMap', 'get', core('ConfigMap')],
    [`${cm}/{name}`, 'put', 'replaceCoreV1NamespacedConfigMap', 'put', core('ConfigMap')],
    [`${cm}/{name}`, 'patch', 'patchCoreV1NamespacedConfigMap', 'patch', core('ConfigMap')],
    [`${cm}/{name}`, 'delete', 'deleteCoreV1NamespacedConfigMap', 'delete', core('ConfigMap')],
    ['/api/v1/configmaps', 'get', 'listCoreV1ConfigMapForAllNamespaces', 'list', core('ConfigMap')],
    [
      '/api/v1/watch/configmaps',
      'get',
      'watchCoreV1ConfigMapListForAllNamespaces',
      'watchlist',
      core('ConfigMap'),
    ],
    [
      '/api/v1/watch/namespaces/{namespace}/configmaps',
      'get',
      'watchCoreV1NamespacedConfigMapList',
      'watchlist',
      core('ConfigMap'),
    ],
    [
      '/api/v1/watch/namespaces/{namespace}/configmaps/{name}',
      'get',
      'watchCoreV1NamespacedConfigMap',
      'watch',
      core('ConfigMap'),
    ],
    ['/api/v1/namespaces', 'get', 'listCoreV1Namespace', 'list', core('Namespace')],
    [
      '/api/v1/namespaces/{name}/status',
      'patch',
      'patchCoreV1NamespaceStatus',
      'patch',
      core('Namespace'),
    ],
    [`${fl}/{name}`, 'patch', 'patchWardleExampleComV1alpha1NamespacedFlunder', 'patch', flunder],
    [
      `${fl}/{name}/status`,
      'put',
      'replaceWardleExampleComV1alpha1NamespacedFlunderStatus',
      'put',
      flunder,
    ],
    [
      `${fl}/{name}/scale`,
      'get',
      'readWardleExampleComV1alpha1NamespacedFlunderScale',
      'get',
      { group: 'autoscaling', kind: 'Scale', version: 'v1' },
    ],
    [
      `/apis/${WARDLE}/v1alpha1/fischers/{name}`,
      'delete',
      'deleteWardleExampleComV1alpha1Fischer',
      'delete',
      { group: WARDLE, kind: 'Fischer', version: 'v1alpha1' },
    ],
  ];
  for (const [path, method, id, action, gvk] of cases) {
    it(`${method.toUpperCase()} ${path} is ${id}`, () => {
      const o = op(path, method);
      assert.equal(o.operationId, id);
      assert.equal(o['x-kubernetes-action'], action);
      assert.deepEqual(o['x-kubernetes-group-version-kind'], gvk);
    });
  }

  it('offers only the verbs a resource serves', () => {
    const fischer = doc.paths[`/apis/${WARDLE}/v1alpha1/fischers/{name}`];
    assert.ok(fischer !== undefined);
    assert.deepEqual(Object.keys(fischer).sort(), ['delete', 'get', 'parameters']);
    assert.equal(doc.paths[`/apis/${WARDLE}/v1alpha1/fischers`]?.delete, undefined);
  });

  it('gives every PATCH, POST and PUT dryRun, fieldManager and fieldValidation, inline', () => {
    let checked = 0;
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const method of ['patch', 'post', 'put']) {
        if (item[method] === undefined) continue;
        const names = (op(path, method).parameters as JsonObject[])
          .filter((p) => p.in === 'query')
          .map((p) => p.name);
        for (const name of ['dryRun', 'fieldManager', 'fieldValidation']) {
          assert.ok(names.includes(name), `${method} ${path} lacks ${name}`);
        }
        if (method === 'patch') assert.ok(names.includes('force'), `${path} lacks force`);
        checked++;
      }
    }
    assert.ok(checked >= 10, `only ${checked} write operations found`);
  });

  it('describes bodies, media types and responses', () => {
    const patch = op(`${cm}/{name}`, 'patch');
    assert.deepEqual(patch.consumes, [
      'application/json-patch+json',
      'application/merge-patch+json',
      'application/strategic-merge-patch+json',
      'application/apply-patch+yaml',
    ]);
    const body = (patch.parameters as JsonObject[]).find((p) => p.in === 'body');
    assert.deepEqual(body, {
      in: 'body',
      name: 'body',
      required: true,
      schema: { $ref: `#/definitions/${META}.Patch` },
    });
    const create = op(cm, 'post');
    assert.deepEqual(Object.keys(obj(create.responses)), ['200', '201', '202', '401']);
    assert.equal(
      obj(obj(obj(create.responses)['201']).schema).$ref,
      '#/definitions/io.k8s.api.core.v1.ConfigMap',
    );
    assert.ok((op(cm, 'get').produces as string[]).includes('application/json;stream=watch'));
    assert.deepEqual(op(`${cm}/{name}`, 'get').produces, ['application/json', 'application/yaml']);
    const scale = op(`${fl}/{name}/scale`, 'put');
    const scaleBody = (scale.parameters as JsonObject[]).find((p) => p.in === 'body');
    assert.equal(obj(scaleBody?.schema).$ref, '#/definitions/io.k8s.api.autoscaling.v1.Scale');
    assert.ok(doc.definitions['io.k8s.api.autoscaling.v1.ScaleSpec'] !== undefined);
  });

  it('puts the name, namespace and pretty parameters on the path', () => {
    const params = doc.paths[`${cm}/{name}`]?.parameters as JsonObject[];
    assert.deepEqual(
      params.map((p) => [p.name, p.in, p.required ?? false]),
      [
        ['name', 'path', true],
        ['namespace', 'path', true],
        ['pretty', 'query', false],
      ],
    );
    assert.equal(params[0]?.description, 'name of the ConfigMap');
  });
});

describe('OpenAPI v2 options', () => {
  it('adds protobuf media types and watch streams when the server speaks protobuf', () => {
    const scheme = testScheme();
    const doc = buildOpenAPIV2(scheme, testGroups(scheme), {
      produces: ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'],
    });
    assert.deepEqual(
      doc.paths['/api/v1/namespaces/{namespace}/configmaps']?.get?.['produces' as never],
      [
        'application/json',
        'application/yaml',
        'application/vnd.kubernetes.protobuf',
        'application/json;stream=watch',
        'application/vnd.kubernetes.protobuf;stream=watch',
      ],
    );
  });

  it('names definitions with a host namer, references included', () => {
    const scheme = testScheme();
    const doc = buildOpenAPIV2(scheme, testGroups(scheme), {
      definitionName: (gvk) => `host.${gvk.group || 'core'}.${gvk.version}.${gvk.kind}`,
      title: 'Wardle',
      version: 'v9.9.9',
    });
    assert.deepEqual(doc.info, { title: 'Wardle', version: 'v9.9.9' });
    const flunder = definition(doc, `host.${WARDLE}.v1alpha1.Flunder`);
    assert.equal(
      property(flunder, 'spec').$ref,
      `#/definitions/host.${WARDLE}.v1alpha1.FlunderSpec`,
    );
    assert.equal(doc.definitions[FLUNDER], undefined);
    assert.deepEqual(kubectlV2Violations(doc), []);
  });

  it('lets hosts add shared definitions their schemas refer to', () => {
    const scheme = new Scheme().addGroup({
      group: 'extra.example.com',
      versions: ['v1'],
      kinds: [
        {
          kind: 'Widget',
          plural: 'widgets',
          namespaced: true,
          versions: {
            v1: {
              schema: {
                type: 'object',
                properties: {
                  target: { $ref: '#/definitions/io.k8s.api.core.v1.ObjectReference' },
                },
              },
            },
          },
        },
      ],
    });
    const groups: DiscoveryGroup[] = [
      {
        name: 'extra.example.com',
        versions: [
          {
            group: 'extra.example.com',
            version: 'v1',
            resources: [
              {
                mapping: scheme.mapping({
                  group: 'extra.example.com',
                  version: 'v1',
                  kind: 'Widget',
                }),
                verbs: ['get'],
                subresources: [],
                storageVersion: 'v1',
              },
            ],
          },
        ],
      },
    ];
    const without = buildOpenAPIV2(scheme, groups);
    assert.equal(
      property(definition(without, 'com.example.extra.v1.Widget'), 'target').$ref,
      undefined,
    );
    const withRef = buildOpenAPIV2(scheme, groups, {
      definitions: {
        'io.k8s.api.core.v1.ObjectReference': {
          type: 'object',
          properties: { name: { type: 'string' } },
        },
      },
    });
    assert.equal(
      property(definition(withRef, 'com.example.extra.v1.Widget'), 'target').$ref,
      '#/definitions/io.k8s.api.core.v1.ObjectReference',
    );
    assert.ok(withRef.definitions['io.k8s.api.core.v1.ObjectReference'] !== undefined);
  });

  it('never mutates the host schemas', () => {
    const scheme = testScheme();
    const gvk = { group: WARDLE, version: 'v1alpha1', kind: 'Flunder' };
    const before = JSON.stringify(scheme.schema(gvk));
    buildOpenAPIV2(scheme, testGroups(scheme));
    assert.equal(JSON.stringify(scheme.schema(gvk)), before);
  });
});
