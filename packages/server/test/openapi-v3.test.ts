import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildOpenAPIV3,
  type JsonObject,
  type JsonValue,
  type OpenAPIV3Document,
} from '../src/openapi/index.js';
import { testGroups, testScheme, WARDLE } from './fixtures/openapi/scheme.js';

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';
const ALPHA = `apis/${WARDLE}/v1alpha1`;

function documents(): Map<string, OpenAPIV3Document> {
  const scheme = testScheme();
  return buildOpenAPIV3(scheme, testGroups(scheme));
}

function obj(v: JsonValue | undefined): JsonObject {
  assert.ok(typeof v === 'object' && v !== null && !Array.isArray(v), 'expected an object');
  return v;
}

function doc(docs: Map<string, OpenAPIV3Document>, key: string): OpenAPIV3Document {
  const d = docs.get(key);
  assert.ok(d !== undefined, `no document for ${key}`);
  return d;
}

function schema(d: OpenAPIV3Document, name: string): JsonObject {
  const s = d.components.schemas[name];
  assert.ok(s !== undefined, `schema ${name} is missing`);
  return s;
}

function refsOf(value: JsonValue, into: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) refsOf(v, into);
  else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string') into.push(v);
      else if (!k.startsWith('x-')) refsOf(v, into);
    }
  }
  return into;
}

/** cli-runtime's test for server-side field validation (pkg/resource query_param_verifier_v3.go). */
function supportsFieldValidation(d: OpenAPIV3Document, gvk: JsonObject): boolean {
  for (const item of Object.values(d.paths)) {
    const patch = item.patch;
    if (patch === undefined) continue;
    const ext = obj(patch)['x-kubernetes-group-version-kind'];
    if (JSON.stringify(ext) !== JSON.stringify(gvk)) continue;
    return ((obj(patch).parameters ?? []) as JsonObject[]).some(
      (p) => p.name === 'fieldValidation',
    );
  }
  return false;
}

describe('OpenAPI v3 documents', () => {
  const docs = documents();

  it('has one document per served group version, keyed as the index keys them', () => {
    assert.deepEqual([...docs.keys()].sort(), [
      'api/v1',
      `apis/${WARDLE}/v1alpha1`,
      `apis/${WARDLE}/v1beta1`,
    ]);
    for (const d of docs.values()) {
      assert.equal(d.openapi, '3.0.0');
      assert.deepEqual(d.security, [{ BearerToken: [] }]);
    }
  });

  it("carries each group version's kinds and what they refer to, and nothing else", () => {
    const alpha = doc(docs, ALPHA);
    for (const name of [
      'com.example.wardle.v1alpha1.Flunder',
      'com.example.wardle.v1alpha1.FlunderList',
      'com.example.wardle.v1alpha1.FlunderSpec',
      'com.example.wardle.v1alpha1.Fischer',
      'io.k8s.api.autoscaling.v1.Scale',
      `${META}.ObjectMeta`,
      `${META}.Status`,
      `${META}.Patch`,
    ]) {
      schema(alpha, name);
    }
    assert.equal(alpha.components.schemas['com.example.wardle.v1beta1.Flunder'], undefined);
    assert.equal(alpha.components.schemas['io.k8s.api.core.v1.ConfigMap'], undefined);
    const core = doc(docs, 'api/v1');
    assert.equal(core.components.schemas['io.k8s.api.autoscaling.v1.Scale'], undefined);
    assert.equal(core.components.schemas[`${META}.LabelSelector`], undefined);
    schema(core, 'io.k8s.api.core.v1.ConfigMap');
  });

  it('resolves every reference inside its own document', () => {
    for (const [key, d] of docs) {
      for (const ref of refsOf(d as unknown as JsonValue)) {
        assert.ok(ref.startsWith('#/components/schemas/'), `${key}: ${ref}`);
        schema(d, ref.slice('#/components/schemas/'.length));
      }
    }
  });

  it('wraps a reference with a description in allOf, as OpenAPI 3.0 ignores siblings of $ref', () => {
    const flunder = schema(doc(docs, ALPHA), 'com.example.wardle.v1alpha1.Flunder');
    const spec = obj(obj(flunder.properties).spec);
    assert.deepEqual(spec, {
      description: 'The desired state of the Flunder.',
      allOf: [{ $ref: '#/components/schemas/com.example.wardle.v1alpha1.FlunderSpec' }],
    });
    const status = obj(obj(flunder.properties).status);
    assert.deepEqual(status, {
      $ref: '#/components/schemas/com.example.wardle.v1alpha1.FlunderStatus',
    });
  });

  it('keeps what OpenAPI 3.0 can say: nullable, anyOf, int-or-string alternatives, merge keys', () => {
    const spec = obj(
      schema(doc(docs, ALPHA), 'com.example.wardle.v1alpha1.FlunderSpec').properties,
    );
    assert.deepEqual(spec.color, {
      type: 'string',
      description: 'An optional color.',
      nullable: true,
    });
    assert.deepEqual(obj(spec.either).anyOf, [{ type: 'string' }, { type: 'number' }]);
    assert.deepEqual(obj(spec.size).anyOf, [{ type: 'integer' }, { type: 'string' }]);
    assert.equal(obj(spec.extra)['x-kubernetes-preserve-unknown-fields'], true);
    assert.deepEqual(obj(spec.containers)['x-kubernetes-list-map-keys'], ['name']);
    assert.equal(obj(spec.containers)['x-kubernetes-patch-merge-key'], 'name');
  });

  it('tags kinds with their group-version-kind, as kubectl explain looks them up', () => {
    assert.deepEqual(
      schema(doc(docs, ALPHA), 'com.example.wardle.v1alpha1.Flunder')[
        'x-kubernetes-group-version-kind'
      ],
      [{ group: WARDLE, kind: 'Flunder', version: 'v1alpha1' }],
    );
    // explain finds the kind through the GVK of an operation on the resource's path
    const list = obj(
      doc(docs, ALPHA).paths[`/apis/${WARDLE}/v1alpha1/namespaces/{namespace}/flunders`]?.get,
    );
    assert.deepEqual(list['x-kubernetes-group-version-kind'], {
      group: WARDLE,
      kind: 'Flunder',
      version: 'v1alpha1',
    });
  });

  const served: [string, { group: string; kind: string; version: string }][] = [
    ['api/v1', { group: '', kind: 'ConfigMap', version: 'v1' }],
    ['api/v1', { group: '', kind: 'Namespace', version: 'v1' }],
    [ALPHA, { group: WARDLE, kind: 'Flunder', version: 'v1alpha1' }],
    [`apis/${WARDLE}/v1beta1`, { group: WARDLE, kind: 'Flunder', version: 'v1beta1' }],
  ];
  for (const [key, gvk] of served) {
    it(`lets kubectl choose server-side field validation for ${gvk.kind} in ${key}`, () => {
      assert.ok(supportsFieldValidation(doc(docs, key), gvk));
    });
  }

  it('does not claim field validation for kinds without PATCH', () => {
    assert.equal(
      supportsFieldValidation(doc(docs, ALPHA), {
        group: WARDLE,
        kind: 'Fischer',
        version: 'v1alpha1',
      }),
      false,
    );
  });

  it('puts every PATCH operation on its own parameters, with the patch media types as bodies', () => {
    for (const d of docs.values()) {
      for (const [path, item] of Object.entries(d.paths)) {
        if (item.patch === undefined) continue;
        const patch = obj(item.patch);
        const names = (patch.parameters as JsonObject[]).map((p) => p.name);
        assert.deepEqual(names, ['dryRun', 'fieldManager', 'fieldValidation', 'force'], path);
        assert.equal(patch['x-kubernetes-action'], 'patch');
        const content = obj(obj(patch.requestBody).content);
        assert.deepEqual(Object.keys(content), [
          'application/json-patch+json',
          'application/merge-patch+json',
          'application/strategic-merge-patch+json',
          'application/apply-patch+yaml',
        ]);
        assert.deepEqual(obj(content['application/merge-patch+json']).schema, {
          $ref: `#/components/schemas/${META}.Patch`,
        });
      }
    }
  });

  it('describes parameters and responses in OpenAPI 3.0 form', () => {
    const item = doc(docs, 'api/v1').paths['/api/v1/namespaces/{namespace}/configmaps'];
    assert.ok(item !== undefined);
    assert.deepEqual(obj((item.parameters as JsonValue[])[0]), {
      description: 'object name and auth scope, such as for teams and projects',
      in: 'path',
      name: 'namespace',
      required: true,
      schema: { type: 'string', uniqueItems: true },
    });
    const list = obj(item.get);
    const limit = (list.parameters as JsonObject[]).find((p) => p.name === 'limit');
    assert.deepEqual(limit?.schema, { type: 'integer', uniqueItems: true });
    const ok = obj(obj(list.responses)['200']);
    assert.equal(ok.description, 'OK');
    assert.deepEqual(Object.keys(obj(ok.content)), [
      'application/json',
      'application/yaml',
      'application/json;stream=watch',
    ]);
    const create = obj(item.post);
    assert.deepEqual(obj(create.requestBody), {
      content: { '*/*': { schema: { $ref: '#/components/schemas/io.k8s.api.core.v1.ConfigMap' } } },
      required: true,
    });
  });
});
