import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { access, constants } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import express from 'express';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import WebSocket from 'ws';
import { MemoryStorage } from '@kapi/storage';
import { alwaysAllowAuthorizer, anonymousAuthenticator, APIServer } from '../src/index.js';
import {
  createMountedUpgradeListener,
  createRequestListener,
  isKapiPath,
} from '../src/adapters/node.js';
import { kapiExpress } from '../src/adapters/express.js';
import { kapiFastify } from '../src/adapters/fastify.js';
import { testScheme } from './api-fixtures.js';
import type { Json } from './api-fixtures.js';

const run = promisify(execFile);
const kubectl = '/usr/bin/kubectl';
const hasKubectl = await access(kubectl, constants.X_OK).then(
  () => true,
  () => false,
);

function apiServer(): APIServer {
  return new APIServer({
    scheme: testScheme(),
    storage: new MemoryStorage(),
    resources: [{ group: '', resource: 'configmaps', strategy: { trackGeneration: false } }],
    authenticator: anonymousAuthenticator,
    authorizer: alwaysAllowAuthorizer,
    metrics: false,
  });
}

async function listen(server: Server): Promise<string> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

async function call(
  url: string,
  method: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Json; contentType: string | null }> {
  const r = await fetch(url, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await r.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: r.status, body: parsed, contentType: r.headers.get('content-type') };
}

function configMap(name: string) {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { a: '1' } };
}

/** Opens a websocket watch and resolves with its first event. */
async function firstWatchEvent(wsUrl: string, trigger: () => Promise<unknown>): Promise<Json> {
  const ws = new WebSocket(wsUrl);
  try {
    await once(ws, 'open');
    const message = once(ws, 'message');
    await trigger();
    const [data] = (await message) as [Buffer];
    return JSON.parse(data.toString('utf8'));
  } finally {
    ws.close();
  }
}

/** What each host app must show once Kapi is mounted on it under /k8s. */
function mountedBehaviour(
  name: string,
  start: () => Promise<{ url: string; stop: () => Promise<void> }>,
) {
  describe(name, () => {
    let url: string;
    let stop: () => Promise<void>;
    before(async () => {
      ({ url, stop } = await start());
    });
    after(() => stop());

    it('serves every verb of the API under the mount path', async () => {
      const base = `${url}/k8s/api/v1/namespaces/default/configmaps`;
      const created = await call(base, 'POST', configMap('mounted'));
      assert.equal(created.status, 201);
      const got = await call(`${base}/mounted`, 'GET');
      assert.equal(got.body.data.a, '1');
      const patched = await call(
        `${base}/mounted`,
        'PATCH',
        { data: { a: '2' } },
        {
          'content-type': 'application/merge-patch+json',
        },
      );
      assert.equal(patched.status, 200);
      assert.equal(patched.body.data.a, '2');
      const list = await call(base, 'GET');
      assert.deepEqual(
        list.body.items.map((i: Json) => i.metadata.name),
        ['mounted'],
      );
      // DELETE with a body of DeleteOptions and no content type
      const r = await fetch(`${base}/mounted`, {
        method: 'DELETE',
        // bytes: fetch sends no content type for them
        body: new TextEncoder().encode(JSON.stringify({ kind: 'DeleteOptions', apiVersion: 'v1' })),
      });
      assert.equal(r.status, 200);
      assert.equal(((await r.json()) as Json).status, 'Success');
    });

    it('serves discovery, version and health under the mount path', async () => {
      assert.equal((await call(`${url}/k8s/version`, 'GET')).body.major, '1');
      assert.equal((await call(`${url}/k8s/api`, 'GET')).body.kind, 'APIVersions');
      const readyz = await call(`${url}/k8s/readyz`, 'GET');
      assert.equal(readyz.status, 200);
      assert.equal(readyz.body, 'ok');
    });

    it("keeps the host's own routes, body parsing included", async () => {
      const hello = await call(`${url}/hello`, 'GET');
      assert.deepEqual(hello.body, { hello: 'world' });
      const echo = await call(`${url}/echo`, 'POST', { x: 1 });
      assert.deepEqual(echo.body, { echoed: { x: 1 } });
    });

    it("answers Kapi's errors as Status bodies", async () => {
      const r = await call(`${url}/k8s/api/v1/namespaces/default/configmaps/none`, 'GET');
      assert.equal(r.status, 404);
      assert.equal(r.body.reason, 'NotFound');
      const big = await call(
        `${url}/k8s/api/v1/namespaces/default/configmaps`,
        'POST',
        JSON.stringify({ ...configMap('big'), data: { a: 'x'.repeat(4 * 1024 * 1024) } }),
      );
      assert.equal(big.status, 413);
    });

    it('serves websocket watches under the mount path', async () => {
      const event = await firstWatchEvent(
        `${url.replace('http', 'ws')}/k8s/api/v1/namespaces/default/configmaps?watch=true&fieldSelector=metadata.name%3Dws`,
        () => call(`${url}/k8s/api/v1/namespaces/default/configmaps`, 'POST', configMap('ws')),
      );
      assert.equal(event.type, 'ADDED');
      assert.equal(event.object.metadata.name, 'ws');
    });

    it(
      'kubectl works against the mount path',
      { skip: hasKubectl ? false : `kubectl not found at ${kubectl}` },
      async () => {
        await call(`${url}/k8s/api/v1/namespaces/default/configmaps`, 'POST', configMap('kc'));
        const { stdout } = await run(
          kubectl,
          [
            'get',
            'configmap',
            'kc',
            '-n',
            'default',
            '-o',
            'jsonpath={.data.a}',
            '--server',
            `${url}/k8s`,
          ],
          { timeout: 30_000 },
        );
        assert.equal(stdout, '1');
      },
    );
  });
}

mountedBehaviour('express adapter', async () => {
  const kapi = apiServer();
  const app = express();
  const middleware = kapiExpress(kapi);
  app.use('/k8s', middleware);
  app.use(express.json());
  app.get('/hello', (_req, res) => {
    res.json({ hello: 'world' });
  });
  app.post('/echo', (req, res) => {
    res.json({ echoed: req.body as unknown });
  });
  const server = createServer(app);
  server.on('upgrade', middleware.upgrade({ prefix: '/k8s' }));
  const url = await listen(server);
  return {
    url,
    stop: async () => {
      await closeServer(server);
      await kapi.close();
    },
  };
});

mountedBehaviour('fastify adapter', async () => {
  const kapi = apiServer();
  const app: FastifyInstance = Fastify();
  await app.register(kapiFastify(kapi), { prefix: '/k8s' });
  app.get('/hello', () => ({ hello: 'world' }));
  app.post('/echo', (request) => ({ echoed: request.body }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      await app.close();
      await kapi.close();
    },
  };
});

describe('adapter edges', () => {
  it('express passes paths that are not Kapi’s to the next handler', async () => {
    const kapi = apiServer();
    const app = express();
    app.use(kapiExpress(kapi));
    app.get('/mine', (_req, res) => {
      res.send('host');
    });
    const server = createServer(app);
    const url = await listen(server);
    try {
      assert.equal((await call(`${url}/mine`, 'GET')).body, 'host');
      assert.equal((await call(`${url}/version`, 'GET')).body.major, '1');
      assert.equal((await call(`${url}/nothing-here`, 'GET')).status, 404);
    } finally {
      await closeServer(server);
      await kapi.close();
    }
  });

  it('express refuses a body a parser already consumed with a clear 500', async () => {
    const kapi = apiServer();
    const app = express();
    app.use(express.json());
    app.use(kapiExpress(kapi));
    const server = createServer(app);
    const url = await listen(server);
    try {
      const r = await call(`${url}/api/v1/namespaces/default/configmaps`, 'POST', configMap('x'));
      assert.equal(r.status, 500);
      assert.match(r.body.message, /mount Kapi before body parsers/);
    } finally {
      await closeServer(server);
      await kapi.close();
    }
  });

  it('the bare listeners serve a node server of the host’s own', async () => {
    const kapi = apiServer();
    const server = createServer(createRequestListener(kapi.handler));
    server.on('upgrade', createMountedUpgradeListener(kapi.handler));
    const url = await listen(server);
    try {
      assert.equal((await call(`${url}/api/v1/namespaces/default/configmaps`, 'GET')).status, 200);
      const event = await firstWatchEvent(
        `${url.replace('http', 'ws')}/api/v1/namespaces/default/configmaps?watch=1`,
        () => call(`${url}/api/v1/namespaces/default/configmaps`, 'POST', configMap('bare')),
      );
      assert.equal(event.object.metadata.name, 'bare');
    } finally {
      await closeServer(server);
      await kapi.close();
    }
  });

  const paths: { path: string; kapi: boolean }[] = [
    { path: '/api', kapi: true },
    { path: '/apis/apps/v1', kapi: true },
    { path: '/version', kapi: true },
    { path: '/readyz/storage', kapi: true },
    { path: '/openapi/v3', kapi: true },
    { path: '/apiary', kapi: false },
    { path: '/', kapi: false },
    { path: '/static/app.js', kapi: false },
  ];
  for (const p of paths) {
    it(`isKapiPath(${JSON.stringify(p.path)}) is ${String(p.kapi)}`, () => {
      assert.equal(isKapiPath(p.path), p.kapi);
    });
  }
});
