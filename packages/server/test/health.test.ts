import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { healthCheck, healthEndpoint, pingCheck, shutdownCheck } from '../src/index.js';

describe('health endpoints', () => {
  let server: Server;
  let base: string;
  let shuttingDown = false;
  let storageUp = true;
  before(async () => {
    const checks = [
      pingCheck,
      healthCheck('storage', () =>
        storageUp ? Promise.resolve() : Promise.reject(new Error('etcd is down')),
      ),
      shutdownCheck(() => shuttingDown),
    ];
    const readyz = healthEndpoint('readyz', checks);
    server = createServer((req, res) => {
      void readyz(req, res, new AbortController().signal).then((handled) => {
        if (!handled) {
          res.writeHead(404);
          res.end();
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(
    () =>
      new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      ),
  );

  const get = async (path: string) => {
    const r = await fetch(base + path);
    return { code: r.status, body: await r.text(), type: r.headers.get('content-type') };
  };

  it('answers ok when every check passes', async () => {
    assert.deepEqual(await get('/readyz'), {
      code: 200,
      body: 'ok',
      type: 'text/plain; charset=utf-8',
    });
  });

  it('lists the checks with ?verbose', async () => {
    const r = await get('/readyz?verbose');
    assert.equal(r.body, '[+]ping ok\n[+]storage ok\n[+]shutdown ok\nreadyz check passed\n');
  });

  it('fails with 500 and withholds the reason', async () => {
    storageUp = false;
    try {
      const r = await get('/readyz');
      assert.equal(r.code, 500);
      assert.equal(
        r.body,
        '[+]ping ok\n[-]storage failed: reason withheld\n[+]shutdown ok\nreadyz check failed\n',
      );
      const one = await get('/readyz/storage');
      assert.deepEqual([one.code, one.body], [500, 'internal server error: etcd is down\n']);
      const excluded = await get('/readyz?exclude=storage&exclude=nope&verbose');
      assert.equal(excluded.code, 200);
      assert.equal(
        excluded.body,
        '[+]ping ok\n[+]storage excluded: ok\n[+]shutdown ok\nwarning: some health checks cannot be excluded: no matches for "nope"\nreadyz check passed\n',
      );
    } finally {
      storageUp = true;
    }
  });

  it('fails readiness while shutting down', async () => {
    shuttingDown = true;
    try {
      assert.equal((await get('/readyz')).code, 500);
      assert.equal(
        (await get('/readyz/shutdown')).body,
        'internal server error: process is shutting down\n',
      );
    } finally {
      shuttingDown = false;
    }
  });

  it('serves single checks and leaves other paths alone', async () => {
    assert.deepEqual([(await get('/readyz/ping')).body], ['ok']);
    assert.equal((await get('/readyz/unknown')).code, 404);
    assert.equal((await get('/healthz')).code, 404);
  });
});
