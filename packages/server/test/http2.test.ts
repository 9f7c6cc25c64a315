import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { request as httpsRequest } from 'node:https';
import { connect, constants } from 'node:http2';
import type { ClientHttp2Session, IncomingHttpHeaders } from 'node:http2';
import WebSocket from 'ws';
import { MemoryStorage } from '@kapi/storage';
import {
  alwaysAllowAuthorizer,
  anonymousAuthenticator,
  APIServer,
  createCertificateAuthority,
  KapiServer,
  signCertificate,
  writeJson,
} from '../src/index.js';
import type { KeyPair } from '../src/index.js';
import { testScheme } from './api-fixtures.js';
import type { Json } from './api-fixtures.js';

let ca: KeyPair;
let serving: KeyPair;

before(async () => {
  ca = await createCertificateAuthority('kapi-http2-test-ca');
  serving = await signCertificate(ca, {
    commonName: 'kapi-http2-test',
    hosts: ['127.0.0.1'],
    usage: 'server',
  });
});

function h2(session: ClientHttp2Session, path: string, method = 'GET', body?: unknown) {
  return new Promise<{ status: number; headers: IncomingHttpHeaders; body: Json }>(
    (resolve, reject) => {
      const stream = session.request({
        ':path': path,
        ':method': method,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      });
      let headers: IncomingHttpHeaders = {};
      let text = '';
      stream.on('response', (h) => (headers = h));
      stream.setEncoding('utf8');
      stream.on('data', (c: string) => (text += c));
      stream.on('end', () => {
        resolve({ status: Number(headers[':status']), headers, body: JSON.parse(text) });
      });
      stream.on('error', reject);
      stream.end(body === undefined ? undefined : JSON.stringify(body));
    },
  );
}

function http1(
  url: string,
  path: string,
): Promise<{ status: number; version: string; body: Json }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(`${url}${path}`, { ca: ca.cert }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => {
        resolve({
          status: res.statusCode ?? 0,
          version: res.httpVersion,
          body: JSON.parse(text),
        });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('HTTP/2 serving', () => {
  let api: APIServer;
  let url: string;
  let session: ClientHttp2Session;
  before(async () => {
    api = new APIServer({
      scheme: testScheme(),
      storage: new MemoryStorage(),
      resources: [{ group: '', resource: 'configmaps', strategy: { trackGeneration: false } }],
      authenticator: anonymousAuthenticator,
      authorizer: alwaysAllowAuthorizer,
      metrics: false,
    });
    ({ url } = await api.listen({ port: 0, tls: serving, http2: true }));
    session = connect(url, { ca: ca.cert });
    await once(session, 'connect');
  });
  after(async () => {
    session.close();
    await api.close();
  });

  it('serves an HTTP/2 client: reads, writes and errors', async () => {
    const version = await h2(session, '/version');
    assert.equal(version.status, 200);
    assert.equal(version.body.major, '1');
    const created = await h2(session, '/api/v1/namespaces/default/configmaps', 'POST', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'over-h2' },
      data: { a: '1' },
    });
    assert.equal(created.status, 201);
    const got = await h2(session, '/api/v1/namespaces/default/configmaps/over-h2');
    assert.deepEqual(got.body.data, { a: '1' });
    const missing = await h2(session, '/api/v1/namespaces/default/configmaps/none');
    assert.equal(missing.status, 404);
    assert.equal(missing.body.reason, 'NotFound');
  });

  it('streams a watch over HTTP/2 (HTTP/1-only headers dropped)', async () => {
    const stream = session.request({
      ':path': '/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=0',
    });
    const [headers] = (await once(stream, 'response')) as [IncomingHttpHeaders];
    assert.equal(headers[':status'], 200);
    assert.equal(headers['transfer-encoding'], undefined);
    stream.setEncoding('utf8');
    const [chunk] = (await once(stream, 'data')) as [string];
    const event = JSON.parse(chunk.split('\n')[0]!);
    assert.equal(event.type, 'ADDED');
    stream.close();
  });

  it('serves HTTP/1.1 clients on the same port', async () => {
    const r = await http1(url, '/version');
    assert.equal(r.status, 200);
    assert.equal(r.version, '1.1');
    assert.equal(r.body.major, '1');
  });

  it('serves websocket watches to HTTP/1.1 clients on the same port', async () => {
    const ws = new WebSocket(
      `${url.replace('https', 'wss')}/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=0`,
      { ca: ca.cert },
    );
    const [data] = (await once(ws, 'message')) as [Buffer];
    assert.equal(JSON.parse(data.toString('utf8')).type, 'ADDED');
    ws.close();
    await once(ws, 'close');
  });
});

describe('HTTP/2 bounds', () => {
  it('runs at most maxConcurrentStreams handlers per session at once', async () => {
    let running = 0;
    let peak = 0;
    const server = new KapiServer({
      port: 0,
      tls: serving,
      http2: { maxConcurrentStreams: 4 },
      handler: async (_req, res) => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, 20));
        running--;
        writeJson(res, 200, { ok: true });
      },
    });
    const { url } = await server.listen();
    const session = connect(url, { ca: ca.cert });
    // once the client knows the limit it queues streams beyond it; before, the server refuses them
    await once(session, 'remoteSettings');
    try {
      const results = await Promise.all(Array.from({ length: 16 }, () => h2(session, '/x')));
      assert.deepEqual(
        results.map((r) => r.status),
        Array.from({ length: 16 }, () => 200),
      );
      assert.ok(peak <= 4, `peak ${peak}`);
      assert.ok(peak >= 2, `peak ${peak}: the streams ran concurrently at all`);
    } finally {
      session.close();
      await server.shutdown();
    }
  });

  it('ends a session that floods stream resets (rapid reset) and keeps serving others', async () => {
    let started = 0;
    const limits = { maxConcurrentStreams: 50, maxResetsPerWindow: 100 };
    const server = new KapiServer({
      port: 0,
      tls: serving,
      http2: limits,
      shutdownTimeoutMs: 1000,
      handler: async (_req, res, ctx) => {
        started++;
        // a handler with some work to do: the resets arrive while it runs
        await new Promise((r) => setTimeout(r, 10));
        if (!ctx.signal.aborted) writeJson(res, 200, { ok: true });
      },
    });
    const { url } = await server.listen();
    const flood = connect(url, { ca: ca.cert });
    flood.on('error', () => undefined);
    const goaway = new Promise<number>((resolve) => flood.once('goaway', resolve));
    await once(flood, 'connect');
    let sent = 0;
    try {
      // bounded: at most 20 000 streams, and it stops as soon as the server ends the session
      while (sent < 20_000 && server.http2?.abusiveSessions === 0 && !flood.destroyed) {
        for (let i = 0; i < 100; i++, sent++) {
          const stream = flood.request({ ':path': '/work' });
          stream.on('error', () => undefined);
          stream.close(constants.NGHTTP2_CANCEL);
        }
        await new Promise((r) => setImmediate(r));
      }
      assert.equal(server.http2?.abusiveSessions, 1);
      assert.equal(await goaway, constants.NGHTTP2_ENHANCE_YOUR_CALM);
      assert.ok(sent < 20_000, `the session survived ${sent} resets`);
      // handlers started: bounded by the concurrency cap plus the resets tolerated
      assert.ok(
        started <= limits.maxConcurrentStreams + limits.maxResetsPerWindow + 100,
        `${started} handlers started for ${sent} reset streams`,
      );
      const fresh = connect(url, { ca: ca.cert });
      try {
        assert.equal((await h2(fresh, '/work')).status, 200);
      } finally {
        fresh.close();
      }
    } finally {
      flood.destroy();
      await server.shutdown();
    }
  });

  it('ends a session flooding resets of cheap requests too (nghttp2 rate limit underneath)', async () => {
    let started = 0;
    const server = new KapiServer({
      port: 0,
      tls: serving,
      http2: true,
      shutdownTimeoutMs: 1000,
      handler: (_req, res) => {
        started++;
        writeJson(res, 200, { ok: true });
        return Promise.resolve();
      },
    });
    const { url } = await server.listen();
    const flood = connect(url, { ca: ca.cert });
    flood.on('error', () => undefined);
    let goaway: number | undefined;
    flood.once('goaway', (code: number) => (goaway = code));
    await once(flood, 'connect');
    let sent = 0;
    try {
      // bounded: at most 20 000 streams; it stops once the server says GOAWAY
      while (sent < 20_000 && goaway === undefined && !flood.destroyed) {
        for (let i = 0; i < 100; i++, sent++) {
          const stream = flood.request({ ':path': '/cheap' });
          stream.on('error', () => undefined);
          stream.close(constants.NGHTTP2_CANCEL);
        }
        await new Promise((r) => setImmediate(r));
      }
      for (let i = 0; i < 100 && goaway === undefined; i++)
        await new Promise((r) => setTimeout(r, 20));
      assert.notEqual(goaway, undefined, `no GOAWAY after ${sent} resets`);
      assert.ok(started < 5000, `${started} handlers started for ${sent} reset streams`);
      const fresh = connect(url, { ca: ca.cert });
      try {
        assert.equal((await h2(fresh, '/cheap')).status, 200);
      } finally {
        fresh.close();
      }
    } finally {
      flood.destroy();
      await server.shutdown();
    }
  });

  it('refuses HTTP/2 without TLS', () => {
    assert.throws(
      () => new KapiServer({ handler: () => Promise.resolve(), http2: true }),
      /HTTP\/2 is served over TLS only/,
    );
  });

  it('shuts down gracefully with an open HTTP/2 watch', async () => {
    const api = new APIServer({
      scheme: testScheme(),
      storage: new MemoryStorage(),
      resources: [{ group: '', resource: 'configmaps' }],
      authenticator: anonymousAuthenticator,
      authorizer: alwaysAllowAuthorizer,
      metrics: false,
    });
    const { url } = await api.listen({ port: 0, tls: serving, http2: true });
    const session = connect(url, { ca: ca.cert });
    session.on('error', () => undefined);
    const stream = session.request({ ':path': '/api/v1/namespaces/default/configmaps?watch=1' });
    await once(stream, 'response');
    const ended = new Promise<void>((resolve) => {
      stream.on('close', resolve);
      stream.resume();
    });
    const started = performance.now();
    await api.close();
    await ended;
    assert.ok(performance.now() - started < 5000);
    session.destroy();
  });
});
