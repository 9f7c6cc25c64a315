import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KapiServer, loadOrCreateServingCertificates, writeJson } from '../src/index.js';

function httpsGet(url: string, ca: string): Promise<{ code: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => {
        resolve({ code: res.statusCode ?? 0, body });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('serving certificates', () => {
  it('creates a CA and a serving certificate once and reuses them', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kapi-pki-'));
    try {
      const first = await loadOrCreateServingCertificates(dir);
      const ca = new X509Certificate(first.ca.cert);
      const serving = new X509Certificate(first.serving.cert);
      assert.ok(ca.ca);
      assert.ok(serving.checkIssued(ca));
      assert.ok(serving.verify(ca.publicKey));
      assert.ok(serving.checkIP('127.0.0.1'));
      assert.equal(serving.checkHost('localhost'), 'localhost');
      assert.equal((await stat(join(dir, 'ca.key'))).mode & 0o777, 0o600);
      const again = await loadOrCreateServingCertificates(dir);
      assert.equal(again.ca.cert, first.ca.cert);
      assert.equal(again.serving.key, first.serving.key);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('KapiServer', () => {
  it('serves HTTPS with the generated certificate', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kapi-pki-'));
    const certs = await loadOrCreateServingCertificates(dir);
    const server = new KapiServer({
      handler: (_req, res) => {
        writeJson(res, 200, { ok: true });
        return Promise.resolve();
      },
      tls: certs.serving,
      port: 0,
    });
    const { url } = await server.listen();
    try {
      assert.match(url, /^https:\/\/127\.0\.0\.1:\d+$/);
      assert.deepEqual(await httpsGet(`${url}/version`, certs.ca.cert), {
        code: 200,
        body: '{"ok":true}',
      });
    } finally {
      await server.shutdown();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('shuts down gracefully: finishes in-flight requests, ends watches, then closes storage', async () => {
    const events: string[] = [];
    const server: KapiServer = new KapiServer({
      port: 0,
      handler: async (req, res, ctx) => {
        if (req.url === '/watch') {
          res.writeHead(200, { 'Content-Type': 'application/json' });
          res.write('{"type":"ADDED"}\n');
          await new Promise<void>((resolve) =>
            ctx.shutdown?.addEventListener('abort', () => {
              resolve();
            }),
          );
          events.push('watch ended');
          res.end();
          return;
        }
        await new Promise((r) => setTimeout(r, 200));
        events.push(`slow done (shutting down: ${String(server.shuttingDown)})`);
        writeJson(res, 200, { slow: true });
      },
      onShutdown: () => {
        events.push('storage closed');
        return Promise.resolve();
      },
    });
    const { url } = await server.listen();
    const watch = await fetch(`${url}/watch`);
    const reader = watch.body!.getReader();
    await reader.read();
    const slow = fetch(`${url}/slow`);
    await new Promise((r) => setTimeout(r, 50));
    const shutdown = server.shutdown();
    assert.equal(server.shuttingDown, true);
    const slowResponse = await slow;
    assert.equal(slowResponse.status, 200);
    assert.deepEqual(await slowResponse.json(), { slow: true });
    await shutdown;
    let rest = await reader.read();
    while (!rest.done) rest = await reader.read();
    assert.deepEqual(events, ['watch ended', 'slow done (shutting down: true)', 'storage closed']);
    await assert.rejects(fetch(`${url}/slow`));
  });

  it('cuts requests that outlive the shutdown deadline', async () => {
    const server = new KapiServer({
      port: 0,
      shutdownTimeoutMs: 100,
      handler: () => new Promise<void>(() => undefined),
    });
    const { url } = await server.listen();
    const hanging = fetch(`${url}/forever`);
    await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    await server.shutdown();
    assert.ok(Date.now() - started < 1000);
    await assert.rejects(hanging);
  });
});
