import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { APIServer } from '../src/index.js';
import { call, startTestServer } from './api-fixtures.js';
import type { Json } from './api-fixtures.js';

const cmPath = '/api/v1/namespaces/default/configmaps';

function configMap(
  name: string,
  data: Record<string, string> = { a: '1' },
  labels?: Record<string, string>,
) {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, ...(labels ? { labels } : {}) },
    data,
  };
}

describe('REST endpoints', () => {
  let server: APIServer;
  let url: string;
  before(async () => {
    ({ server, url } = await startTestServer());
  });
  after(() => server.close());

  describe('discovery', () => {
    it('serves /api, /apis and group versions as kube shapes them', async () => {
      const api = await call(url, 'GET', '/api');
      assert.deepEqual(api.body, {
        kind: 'APIVersions',
        versions: ['v1'],
        serverAddressByClientCIDRs: [],
      });
      const apis = await call(url, 'GET', '/apis');
      assert.equal(apis.body.kind, 'APIGroupList');
      assert.deepEqual(apis.body.groups[0], {
        name: 'example.com',
        versions: [
          { groupVersion: 'example.com/v1', version: 'v1' },
          { groupVersion: 'example.com/v1beta1', version: 'v1beta1' },
        ],
        preferredVersion: { groupVersion: 'example.com/v1', version: 'v1' },
      });
      const v1 = await call(url, 'GET', '/api/v1');
      const cm = v1.body.resources.find((r: Json) => r.name === 'configmaps');
      assert.deepEqual(
        { ...cm, storageVersionHash: typeof cm.storageVersionHash },
        {
          name: 'configmaps',
          singularName: 'configmap',
          namespaced: true,
          kind: 'ConfigMap',
          verbs: [
            'create',
            'delete',
            'deletecollection',
            'get',
            'list',
            'patch',
            'update',
            'watch',
          ],
          shortNames: ['cm'],
          storageVersionHash: 'string',
        },
      );
      assert.ok(v1.body.resources.some((r: Json) => r.name === 'namespaces/status'));
      const group = await call(url, 'GET', '/apis/example.com/v1');
      assert.equal(group.body.groupVersion, 'example.com/v1');
    });

    it('answers aggregated discovery with the exact media type echoed', async () => {
      for (const v of ['v2', 'v2beta1']) {
        const r = await call(url, 'GET', '/apis', undefined, {
          accept: `application/json;g=apidiscovery.k8s.io;v=${v};as=APIGroupDiscoveryList,application/json`,
        });
        assert.equal(
          r.headers.get('content-type'),
          `application/json;g=apidiscovery.k8s.io;v=${v};as=APIGroupDiscoveryList`,
        );
        assert.equal(r.body.kind, 'APIGroupDiscoveryList');
        const widgets = r.body.items[0].versions[0].resources[0];
        assert.deepEqual(widgets.responseKind, {
          group: 'example.com',
          version: 'v1',
          kind: 'Widget',
        });
        assert.equal(widgets.scope, 'Cluster');
      }
      const core = await call(url, 'GET', '/api', undefined, {
        accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList',
      });
      assert.equal(core.body.items[0].metadata.name, '');
    });

    it('answers 304 to a matching ETag', async () => {
      const first = await call(url, 'GET', '/api/v1');
      const etag = first.headers.get('etag');
      assert.ok(etag);
      const again = await call(url, 'GET', '/api/v1', undefined, { 'if-none-match': etag });
      assert.equal(again.status, 304);
    });

    it('answers unknown API paths with a 404 Status', async () => {
      const r = await call(url, 'GET', '/apis/nope.example/v1/things');
      assert.equal(r.status, 404);
      assert.equal(r.body.message, 'the server could not find the requested resource');
    });

    it('serves OpenAPI v2 and v3 generated from the scheme', async () => {
      const v2 = await call(url, 'GET', '/openapi/v2');
      assert.equal(v2.status, 200);
      assert.equal(v2.body.swagger, '2.0');
      assert.deepEqual(
        v2.body.definitions['io.k8s.api.core.v1.ConfigMap']['x-kubernetes-group-version-kind'],
        [{ group: '', kind: 'ConfigMap', version: 'v1' }],
      );
      const index = await call(url, 'GET', '/openapi/v3');
      const coreUrl: string = index.body.paths['api/v1'].serverRelativeURL;
      assert.match(coreUrl, /^\/openapi\/v3\/api\/v1\?hash=/);
      const core = await call(url, 'GET', coreUrl);
      assert.ok(core.body.components.schemas['io.k8s.api.core.v1.ConfigMap']);
      const patchOp = Object.values(core.body.paths as Record<string, Json>)
        .map((p) => p.patch)
        .find((op) => op?.['x-kubernetes-group-version-kind']?.kind === 'ConfigMap');
      assert.ok(
        patchOp.parameters.some(
          (p: Json) => p.name === 'fieldValidation' || p.$ref?.includes('fieldValidation'),
        ),
      );
    });

    it('serves /version with a minor kubectl dispatches on', async () => {
      const r = await call(url, 'GET', '/version');
      assert.equal(r.body.major, '1');
      assert.ok(Number(r.body.minor) >= 29);
      assert.match(r.body.gitVersion, /^v1\.\d+\.\d+\+kapi\./);
    });
  });

  describe('create, get, update, delete', () => {
    it('creates with uid, timestamp and resourceVersion, and refuses duplicates', async () => {
      const r = await call(url, 'POST', cmPath, configMap('one'));
      assert.equal(r.status, 201);
      assert.equal(r.body.metadata.namespace, 'default');
      assert.match(r.body.metadata.uid, /^[0-9a-f-]{36}$/);
      assert.match(r.body.metadata.creationTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      assert.match(r.body.metadata.resourceVersion, /^\d+$/);
      assert.equal(r.body.metadata.generation, undefined);
      const dup = await call(url, 'POST', cmPath, configMap('one'));
      assert.equal(dup.status, 409);
      assert.equal(dup.body.reason, 'AlreadyExists');
      assert.equal(dup.body.message, 'configmaps "one" already exists');
    });

    it('records managedFields for update operations', async () => {
      const r = await call(
        url,
        'POST',
        `${cmPath}?fieldManager=kubectl-create`,
        configMap('managed', { k: 'v' }),
      );
      assert.equal(r.status, 201);
      const [entry] = r.body.metadata.managedFields;
      assert.equal(entry.manager, 'kubectl-create');
      assert.equal(entry.operation, 'Update');
      assert.equal(entry.apiVersion, 'v1');
      assert.equal(entry.fieldsType, 'FieldsV1');
      assert.deepEqual(entry.fieldsV1, { 'f:data': { '.': {}, 'f:k': {} } });
      const patched = await call(
        url,
        'PATCH',
        `${cmPath}/managed?fieldManager=kubectl-label`,
        '{"metadata":{"labels":{"a":"b"}}}',
        {
          'content-type': 'application/merge-patch+json',
        },
      );
      const managers = patched.body.metadata.managedFields.map((e: Json) => e.manager);
      assert.deepEqual(managers, ['kubectl-create', 'kubectl-label']);
      const byUserAgent = await call(url, 'POST', cmPath, configMap('by-agent'), {
        'user-agent': 'kubectl/v1.32.5 (linux/amd64)',
      });
      assert.equal(byUserAgent.body.metadata.managedFields[0].manager, 'kubectl');
    });

    it('gets, and answers NotFound as kube words it', async () => {
      const r = await call(url, 'GET', `${cmPath}/one`);
      assert.equal(r.status, 200);
      assert.equal(r.body.kind, 'ConfigMap');
      assert.deepEqual(r.body.data, { a: '1' });
      const missing = await call(url, 'GET', `${cmPath}/nope`);
      assert.equal(missing.status, 404);
      assert.deepEqual(missing.body, {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'configmaps "nope" not found',
        reason: 'NotFound',
        details: { name: 'nope', kind: 'configmaps' },
        code: 404,
      });
    });

    it('generates names from generateName', async () => {
      const r = await call(url, 'POST', cmPath, {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { generateName: 'gen-' },
      });
      assert.equal(r.status, 201);
      assert.match(r.body.metadata.name, /^gen-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    });

    it('rejects invalid names with 422 and the field', async () => {
      const r = await call(url, 'POST', cmPath, configMap('Bad_Name'));
      assert.equal(r.status, 422);
      assert.equal(r.body.reason, 'Invalid');
      assert.match(
        r.body.message,
        /^ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain/,
      );
      assert.equal(r.body.details.causes[0].field, 'metadata.name');
    });

    it('rejects a body namespace that differs from the URL', async () => {
      const r = await call(url, 'POST', cmPath, {
        ...configMap('x'),
        metadata: { name: 'x', namespace: 'other' },
      });
      assert.equal(r.status, 400);
      assert.equal(
        r.body.message,
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    });

    it('updates with optimistic concurrency', async () => {
      const current = (await call(url, 'GET', `${cmPath}/one`)).body;
      const updated = await call(url, 'PUT', `${cmPath}/one`, { ...current, data: { a: '2' } });
      assert.equal(updated.status, 200);
      assert.notEqual(updated.body.metadata.resourceVersion, current.metadata.resourceVersion);
      assert.equal(updated.body.metadata.uid, current.metadata.uid);
      const stale = await call(url, 'PUT', `${cmPath}/one`, { ...current, data: { a: '3' } });
      assert.equal(stale.status, 409);
      assert.equal(
        stale.body.message,
        'Operation cannot be fulfilled on configmaps "one": the object has been modified; please apply your changes to the latest version and try again',
      );
      const noRV = await call(url, 'PUT', `${cmPath}/one`, configMap('one'));
      assert.equal(noRV.status, 422);
      assert.equal(
        noRV.body.message,
        'ConfigMap "one" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be specified for an update',
      );
      const wrongName = await call(url, 'PUT', `${cmPath}/one`, {
        ...updated.body,
        metadata: { ...updated.body.metadata, name: 'two' },
      });
      assert.equal(wrongName.status, 400);
      assert.equal(
        wrongName.body.message,
        'the name of the object (two) does not match the name on the URL (one)',
      );
      const missing = await call(url, 'PUT', `${cmPath}/ghost`, configMap('ghost'));
      assert.equal(missing.status, 404);
    });

    it('persists nothing on dryRun=All and validates the dryRun value', async () => {
      const r = await call(url, 'POST', `${cmPath}?dryRun=All`, configMap('dry'));
      assert.equal(r.status, 201);
      assert.equal(r.body.metadata.name, 'dry');
      assert.equal((await call(url, 'GET', `${cmPath}/dry`)).status, 404);
      const bad = await call(url, 'POST', `${cmPath}?dryRun=Some`, configMap('dry'));
      assert.equal(bad.status, 422);
      assert.match(bad.body.message, /dryRun: Unsupported value: "Some": supported values: "All"/);
    });

    it('deletes with a Success Status, honours preconditions, and keeps finalized objects', async () => {
      await call(url, 'POST', cmPath, configMap('gone'));
      const conflict = await call(url, 'DELETE', `${cmPath}/gone`, {
        preconditions: { uid: 'wrong' },
      });
      assert.equal(conflict.status, 409);
      assert.match(
        conflict.body.message,
        /Precondition failed: UID in precondition: wrong, UID in object meta: /,
      );
      const r = await call(url, 'DELETE', `${cmPath}/gone`);
      assert.equal(r.status, 200);
      assert.equal(r.body.kind, 'Status');
      assert.equal(r.body.status, 'Success');
      assert.equal(r.body.details.name, 'gone');
      assert.equal(r.body.details.kind, 'configmaps');

      await call(url, 'POST', cmPath, {
        ...configMap('held'),
        metadata: { name: 'held', finalizers: ['example.com/hold'] },
      });
      const pending = await call(url, 'DELETE', `${cmPath}/held`);
      assert.equal(pending.status, 200);
      assert.ok(pending.body.metadata.deletionTimestamp);
      const still = await call(url, 'GET', `${cmPath}/held`);
      assert.equal(still.status, 200);
      const released = await call(url, 'PUT', `${cmPath}/held`, {
        ...still.body,
        metadata: { ...still.body.metadata, finalizers: [] },
      });
      assert.equal(released.status, 200);
      assert.equal((await call(url, 'GET', `${cmPath}/held`)).status, 404);
    });
  });

  describe('lists and tables', () => {
    before(async () => {
      for (const [name, tier] of [
        ['l1', 'web'],
        ['l2', 'web'],
        ['l3', 'db'],
      ] as const) {
        await call(url, 'POST', '/api/v1/namespaces/lists/configmaps', {
          ...configMap(name, { x: name }, { tier }),
          metadata: { name, labels: { tier } },
        });
      }
    });

    it('lists with label and field selectors', async () => {
      const all = await call(url, 'GET', '/api/v1/namespaces/lists/configmaps');
      assert.equal(all.body.kind, 'ConfigMapList');
      assert.equal(all.body.items.length, 3);
      const web = await call(
        url,
        'GET',
        '/api/v1/namespaces/lists/configmaps?labelSelector=tier%3Dweb',
      );
      assert.deepEqual(
        web.body.items.map((i: Json) => i.metadata.name),
        ['l1', 'l2'],
      );
      const byName = await call(
        url,
        'GET',
        '/api/v1/namespaces/lists/configmaps?fieldSelector=metadata.name%3Dl3',
      );
      assert.deepEqual(
        byName.body.items.map((i: Json) => i.metadata.name),
        ['l3'],
      );
      const badField = await call(
        url,
        'GET',
        '/api/v1/namespaces/lists/configmaps?fieldSelector=spec.x%3D1',
      );
      assert.equal(badField.status, 400);
      const badLabel = await call(
        url,
        'GET',
        '/api/v1/namespaces/lists/configmaps?labelSelector=a%3D%3D%3Db',
      );
      assert.equal(badLabel.status, 400);
    });

    it('pages with limit and continue, every item exactly once', async () => {
      const names: string[] = [];
      let cont = '';
      let pages = 0;
      do {
        const r = await call(
          url,
          'GET',
          `/api/v1/configmaps?limit=2${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`,
        );
        assert.equal(r.status, 200);
        names.push(...r.body.items.map((i: Json) => `${i.metadata.namespace}/${i.metadata.name}`));
        cont = r.body.metadata.continue ?? '';
        pages++;
      } while (cont !== '' && pages < 20);
      const all = (await call(url, 'GET', '/api/v1/configmaps')).body.items.map(
        (i: Json) => `${i.metadata.namespace}/${i.metadata.name}`,
      );
      assert.deepEqual(names, all);
      assert.ok(pages >= 2);
    });

    it('prints Tables with object metadata in every row', async () => {
      const r = await call(url, 'GET', '/api/v1/namespaces/lists/configmaps', undefined, {
        accept:
          'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json',
      });
      assert.equal(r.body.kind, 'Table');
      assert.deepEqual(
        r.body.columnDefinitions.map((c: Json) => c.name),
        ['Name', 'Created At'],
      );
      assert.equal(r.body.rows.length, 3);
      assert.equal(r.body.rows[0].object.kind, 'PartialObjectMetadata');
      assert.deepEqual(r.body.rows[0].object.metadata.labels, { tier: 'web' });
      const full = await call(
        url,
        'GET',
        '/api/v1/namespaces/lists/configmaps?includeObject=Object',
        undefined,
        {
          accept: 'application/json;as=Table;v=v1;g=meta.k8s.io',
        },
      );
      assert.equal(full.body.rows[0].object.kind, 'ConfigMap');
    });

    it('returns PartialObjectMetadataList on request', async () => {
      const r = await call(url, 'GET', '/api/v1/namespaces/lists/configmaps', undefined, {
        accept: 'application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io',
      });
      assert.equal(r.body.kind, 'PartialObjectMetadataList');
      assert.equal(r.body.items[0].kind, 'PartialObjectMetadata');
      assert.equal(r.body.items[0].data, undefined);
    });

    it('validates list options as kube', async () => {
      const r = await call(url, 'GET', '/api/v1/configmaps?resourceVersionMatch=Exact');
      assert.equal(r.status, 422);
      assert.match(
        r.body.message,
        /^ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided/,
      );
    });
  });

  describe('versions, status and scope', () => {
    it('converts between served versions', async () => {
      const created = await call(url, 'POST', '/apis/example.com/v1beta1/widgets', {
        apiVersion: 'example.com/v1beta1',
        kind: 'Widget',
        metadata: { name: 'w1' },
        spec: { sizeInUnits: 3 },
      });
      assert.equal(created.status, 201);
      assert.deepEqual(created.body.spec, { sizeInUnits: 3 });
      assert.equal(created.body.metadata.generation, 1);
      const v1 = await call(url, 'GET', '/apis/example.com/v1/widgets/w1');
      assert.equal(v1.body.apiVersion, 'example.com/v1');
      assert.deepEqual(v1.body.spec, { size: 3 });
    });

    it('keeps status and spec apart through the status subresource', async () => {
      const w = (await call(url, 'GET', '/apis/example.com/v1/widgets/w1')).body;
      const main = await call(url, 'PUT', '/apis/example.com/v1/widgets/w1', {
        ...w,
        spec: { size: 4 },
        status: { ready: true },
      });
      assert.equal(main.status, 200);
      assert.equal(main.body.status, undefined);
      assert.equal(main.body.metadata.generation, 2);
      const st = await call(url, 'PUT', '/apis/example.com/v1/widgets/w1/status', {
        ...main.body,
        spec: { size: 9 },
        status: { ready: true },
      });
      assert.equal(st.status, 200);
      assert.deepEqual(st.body.status, { ready: true });
      assert.deepEqual(st.body.spec, { size: 4 });
      assert.equal(st.body.metadata.generation, 2);
    });

    it('prints declared columns', async () => {
      const r = await call(url, 'GET', '/apis/example.com/v1/widgets', undefined, {
        accept: 'application/json;as=Table;v=v1;g=meta.k8s.io',
      });
      assert.deepEqual(
        r.body.columnDefinitions.map((c: Json) => c.name),
        ['Name', 'Size'],
      );
      assert.deepEqual(r.body.rows[0].cells, ['w1', 4]);
    });

    it('validates against the schema with field paths', async () => {
      const r = await call(url, 'POST', '/apis/example.com/v1/widgets', {
        apiVersion: 'example.com/v1',
        kind: 'Widget',
        metadata: { name: 'neg' },
        spec: { size: -1 },
      });
      assert.equal(r.status, 422);
      assert.equal(r.body.details.causes[0].field, 'spec.size');
    });

    it('does not reach a cluster-scoped resource through a namespace (CVE-2019-11247)', async () => {
      const r = await call(url, 'GET', '/apis/example.com/v1/namespaces/default/widgets/w1');
      assert.equal(r.status, 404);
    });
  });

  describe('bad input', () => {
    it('answers 415 for an unknown content type', async () => {
      const r = await call(url, 'POST', cmPath, 'x', { 'content-type': 'text/plain' });
      assert.equal(r.status, 415);
      assert.equal(r.body.reason, 'UnsupportedMediaType');
    });

    it('answers 406 for an unacceptable Accept', async () => {
      const r = await call(url, 'GET', `${cmPath}/one`, undefined, { accept: 'text/html' });
      assert.equal(r.status, 406);
      assert.equal(r.body.reason, 'NotAcceptable');
    });

    it('answers 413 for a body over 3 MiB', async () => {
      const big = JSON.stringify(configMap('big', { a: 'x'.repeat(3 * 1024 * 1024 + 10) }));
      const r = await call(url, 'POST', cmPath, big);
      assert.equal(r.status, 413);
      assert.equal(r.body.message, 'Request entity too large: limit is 3145728');
    });

    it('answers malformed JSON with 400', async () => {
      const r = await call(url, 'POST', cmPath, '{"apiVersion": ');
      assert.equal(r.status, 400);
      assert.equal(r.body.reason, 'BadRequest');
    });

    it('accepts YAML bodies, including YAML 1.1 booleans', async () => {
      const r = await call(
        url,
        'POST',
        '/apis/example.com/v1/widgets',
        'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: yaml-widget\nspec:\n  size: 010\n',
        {
          'content-type': 'application/yaml',
        },
      );
      assert.equal(r.status, 201);
      assert.deepEqual(r.body.spec, { size: 8 });
      const asYaml = await fetch(`${url}/apis/example.com/v1/widgets/yaml-widget`, {
        headers: { accept: 'application/yaml' },
      });
      assert.equal(asYaml.headers.get('content-type'), 'application/yaml');
      assert.match(await asYaml.text(), /^apiVersion: example.com\/v1\nkind: Widget\n/);
    });

    it('rejects, warns about or drops unknown fields per fieldValidation', async () => {
      const obj = { ...configMap('fv'), extra: 1 };
      const strict = await call(url, 'POST', `${cmPath}?fieldValidation=Strict`, obj);
      assert.equal(strict.status, 400);
      assert.equal(strict.body.message, 'strict decoding error: unknown field "extra"');
      const warn = await call(url, 'POST', cmPath, obj);
      assert.equal(warn.status, 201);
      assert.equal(warn.headers.get('warning'), '299 - "unknown field \\"extra\\""');
      assert.equal(warn.body.extra, undefined);
      const dupStrict = await call(
        url,
        'POST',
        `${cmPath}?fieldValidation=Strict`,
        '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"d"},"data":{"a":"1","a":"2"}}',
      );
      assert.equal(dupStrict.status, 400);
      assert.match(dupStrict.body.message, /duplicate field "data.a"/);
    });
  });
});
