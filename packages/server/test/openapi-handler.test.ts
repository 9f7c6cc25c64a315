import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import type { GroupVersionKind, JsonSchema } from '@kapi/apimachinery';
import {
  OpenAPIHandler,
  decodeOpenAPIV2Protobuf,
  type OpenAPIV3Index,
} from '../src/openapi/index.js';
import { request, startServer, type TestServer } from './fixtures/openapi/http.js';
import { testGroups, testScheme, WARDLE } from './fixtures/openapi/scheme.js';

const PB = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';
const PB_CONTENT_TYPE = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';
const ALPHA = `apis/${WARDLE}/v1alpha1`;

const sha512 = (b: Buffer): string => createHash('sha512').update(b).digest('hex').toUpperCase();

describe('OpenAPIHandler', () => {
  const scheme = testScheme();
  const groups = testGroups(scheme);
  let schemaCalls = 0;
  const original = scheme.schema.bind(scheme);
  scheme.schema = (gvk: GroupVersionKind): JsonSchema | undefined => {
    schemaCalls++;
    return original(gvk);
  };
  const handler = new OpenAPIHandler(scheme, groups);
  let server: TestServer;

  before(async () => {
    server = await startServer(handler, groups);
  });
  after(async () => {
    await server.close();
  });

  it('builds nothing before the first request', () => {
    assert.equal(schemaCalls, 0);
  });

  it('answers /openapi/v2 in JSON by default, with the SHA-512 of the body as ETag', async () => {
    const res = await request(server, '/openapi/v2');
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'application/json');
    assert.equal(res.headers.etag, `"${sha512(res.body)}"`);
    assert.equal(res.headers.vary, 'Accept');
    assert.equal(Number(res.headers['content-length']), res.body.length);
    const doc = JSON.parse(res.body.toString()) as { swagger: string; definitions: object };
    assert.equal(doc.swagger, '2.0');
    assert.ok('com.example.wardle.v1alpha1.Flunder' in doc.definitions);
  });

  it('builds the documents once', async () => {
    const calls = schemaCalls;
    assert.ok(calls > 0);
    await request(server, '/openapi/v2');
    await request(server, '/openapi/v2', { headers: { accept: PB } });
    await request(server, '/openapi/v3');
    await request(server, `/openapi/v3/${ALPHA}`);
    await request(server, '/openapi/v3/api/v1');
    assert.equal(schemaCalls, calls);
  });

  const v2Negotiation: [string, string, string | number][] = [
    ['kubectl protobuf', PB, PB_CONTENT_TYPE],
    ['protobuf under its served name', PB_CONTENT_TYPE, PB_CONTENT_TYPE],
    ['JSON preferred by quality', `${PB};q=0.5, application/json`, 'application/json'],
    ['protobuf preferred by quality', `application/json;q=0.5, ${PB}`, PB_CONTENT_TYPE],
    ['any application type', 'application/*', 'application/json'],
    ['nothing acceptable', 'text/html', 406],
    ['JSON refused with q=0', 'application/json;q=0', 406],
    ['an empty header means anything', '', 'application/json'],
  ];
  for (const [name, accept, expected] of v2Negotiation) {
    it(`negotiates /openapi/v2: ${name}`, async () => {
      const res = await request(server, '/openapi/v2', { headers: { accept } });
      if (typeof expected === 'number') {
        assert.equal(res.status, expected);
        const status = JSON.parse(res.body.toString()) as { reason: string; code: number };
        assert.equal(status.reason, 'NotAcceptable');
        assert.equal(status.code, 406);
      } else {
        assert.equal(res.status, 200);
        assert.equal(res.headers['content-type'], expected);
      }
    });
  }

  it('serves the same document in protobuf, under the same ETag', async () => {
    const json = await request(server, '/openapi/v2');
    const pb = await request(server, '/openapi/v2', { headers: { accept: PB } });
    assert.equal(pb.headers.etag, json.headers.etag);
    assert.deepEqual(await decodeOpenAPIV2Protobuf(pb.body), JSON.parse(json.body.toString()));
  });

  it('answers 304 to a matching If-None-Match, in either form', async () => {
    const first = await request(server, '/openapi/v2');
    const etag = String(first.headers.etag);
    for (const headers of [
      { 'if-none-match': etag },
      { 'if-none-match': `"other", W/${etag}` },
      { 'if-none-match': etag, accept: PB },
    ]) {
      const res = await request(server, '/openapi/v2', { headers });
      assert.equal(res.status, 304, JSON.stringify(headers));
      assert.equal(res.body.length, 0);
      assert.equal(res.headers.etag, etag);
    }
    const stale = await request(server, '/openapi/v2', { headers: { 'if-none-match': '"stale"' } });
    assert.equal(stale.status, 200);
  });

  it('compresses for clients that accept gzip', async () => {
    const plain = await request(server, '/openapi/v2');
    const zipped = await request(server, '/openapi/v2', { headers: { 'accept-encoding': 'gzip' } });
    assert.equal(zipped.headers['content-encoding'], 'gzip');
    assert.ok(zipped.body.length < plain.body.length);
    assert.deepEqual(gunzipSync(zipped.body), plain.body);
    const refused = await request(server, '/openapi/v2', {
      headers: { 'accept-encoding': 'gzip;q=0' },
    });
    assert.equal(refused.headers['content-encoding'], undefined);
  });

  it('answers HEAD without a body', async () => {
    const res = await request(server, '/openapi/v2', { method: 'HEAD' });
    assert.equal(res.status, 200);
    assert.equal(res.body.length, 0);
    assert.ok(Number(res.headers['content-length']) > 0);
  });

  it('refuses other methods with 405', async () => {
    const res = await request(server, '/openapi/v3', { method: 'POST' });
    assert.equal(res.status, 405);
    assert.equal(res.headers.allow, 'GET, HEAD');
    assert.equal(
      (JSON.parse(res.body.toString()) as { reason: string }).reason,
      'MethodNotAllowed',
    );
  });

  it('indexes every group version in /openapi/v3 with the hash of its document', async () => {
    const res = await request(server, '/openapi/v3');
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'application/json');
    assert.equal(res.headers.etag, `"${sha512(res.body)}"`);
    const index = JSON.parse(res.body.toString()) as OpenAPIV3Index;
    assert.deepEqual(Object.keys(index.paths), ['api/v1', ALPHA, `apis/${WARDLE}/v1beta1`]);
    for (const [gv, { serverRelativeURL }] of Object.entries(index.paths)) {
      const url = new URL(serverRelativeURL, 'http://localhost');
      assert.equal(url.pathname, `/openapi/v3/${gv}`);
      const doc = await request(server, `/openapi/v3/${gv}`);
      assert.equal(doc.status, 200);
      assert.equal(url.searchParams.get('hash'), sha512(doc.body));
      assert.equal(doc.headers.etag, `"${sha512(doc.body)}"`);
    }
  });

  it('serves a document fetched by its current hash as immutable', async () => {
    const index = JSON.parse(
      (await request(server, '/openapi/v3')).body.toString(),
    ) as OpenAPIV3Index;
    const res = await request(server, index.paths[ALPHA]!.serverRelativeURL);
    assert.equal(res.status, 200);
    assert.equal(res.headers['cache-control'], 'public, immutable');
    const expires = Date.parse(String(res.headers.expires));
    assert.ok(expires > Date.now() + 360 * 24 * 3600 * 1000, 'expires a year from now');
    const unhashed = await request(server, `/openapi/v3/${ALPHA}`);
    assert.equal(unhashed.headers['cache-control'], undefined);
    assert.deepEqual(unhashed.body, res.body);
  });

  it('redirects a stale hash to the current one', async () => {
    const index = JSON.parse(
      (await request(server, '/openapi/v3')).body.toString(),
    ) as OpenAPIV3Index;
    const res = await request(server, `/openapi/v3/${ALPHA}?hash=0123ABCD`);
    assert.equal(res.status, 301);
    assert.equal(res.headers.location, index.paths[ALPHA]!.serverRelativeURL);
  });

  const v3Errors: [string, string, Record<string, string>, number, string][] = [
    ['an unknown group version', '/openapi/v3/apis/nope.example.com/v1', {}, 404, 'NotFound'],
    ['no group version at all', '/openapi/v3/', {}, 404, 'NotFound'],
    [
      'only protobuf acceptable',
      `/openapi/v3/${ALPHA}`,
      { accept: 'application/com.github.proto-openapi.spec.v3@v1.0+protobuf' },
      406,
      'NotAcceptable',
    ],
  ];
  for (const [name, path, headers, code, reason] of v3Errors) {
    it(`answers ${code} for ${name}`, async () => {
      const res = await request(server, path, { headers });
      assert.equal(res.status, code);
      assert.equal((JSON.parse(res.body.toString()) as { reason: string }).reason, reason);
    });
  }

  it('falls back to JSON when protobuf comes first but JSON is acceptable', async () => {
    const res = await request(server, `/openapi/v3/${ALPHA}`, {
      headers: {
        accept: 'application/com.github.proto-openapi.spec.v3@v1.0+protobuf, application/json',
      },
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'application/json');
  });

  it('answers 304 for an unchanged v3 document', async () => {
    const first = await request(server, `/openapi/v3/${ALPHA}`);
    const res = await request(server, `/openapi/v3/${ALPHA}`, {
      headers: { 'if-none-match': String(first.headers.etag) },
    });
    assert.equal(res.status, 304);
  });

  it('leaves other paths alone', async () => {
    for (const path of ['/openapi', '/openapi/v2/x', '/openapi/v3x', '/api', '/healthz']) {
      assert.equal(handler.handles(path), false, path);
    }
    const res = await request(server, '/openapi/v22');
    assert.equal(res.status, 418);
  });

  it('rebuilds after the served groups change', async () => {
    const own = new OpenAPIHandler(testScheme(), groups);
    const local = await startServer(own, groups);
    try {
      const before = await request(local, '/openapi/v3');
      own.update(groups.filter((g) => g.name === ''));
      const after = await request(local, '/openapi/v3');
      assert.notEqual(after.headers.etag, before.headers.etag);
      assert.deepEqual(Object.keys((JSON.parse(after.body.toString()) as OpenAPIV3Index).paths), [
        'api/v1',
      ]);
      const v2 = JSON.parse((await request(local, '/openapi/v2')).body.toString()) as {
        definitions: object;
      };
      assert.equal('com.example.wardle.v1alpha1.Flunder' in v2.definitions, false);
    } finally {
      await local.close();
    }
  });

  it('answers a 500 Status when the documents cannot be built', async () => {
    const broken = testScheme();
    broken.schema = () => {
      throw new Error('no schema today');
    };
    const failing = new OpenAPIHandler(broken, testGroups(testScheme()));
    const local = await startServer(failing, []);
    try {
      const res = await request(local, '/openapi/v2');
      assert.equal(res.status, 500);
      const status = JSON.parse(res.body.toString()) as { reason: string; message: string };
      assert.equal(status.reason, 'InternalError');
      assert.match(status.message, /no schema today/);
    } finally {
      await local.close();
    }
  });
});
