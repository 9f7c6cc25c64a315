import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { notFound } from '@kapi/apimachinery';
import {
  alwaysAllowAuthorizer,
  anonymousAuthenticator,
  buildHandlerChain,
  formatGoDuration,
  parseGoDuration,
  toRequestListener,
  writeJson,
} from '../src/index.js';
import type { Authenticator, Authorizer, Handler, HandlerChainConfig } from '../src/index.js';

async function serve(api: Handler, config: Partial<HandlerChainConfig> = {}) {
  const handler = buildHandlerChain(api, {
    authenticator: anonymousAuthenticator,
    authorizer: alwaysAllowAuthorizer,
    ...config,
  });
  const server = createServer(toRequestListener(handler));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, base: `http://127.0.0.1:${port}` };
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) =>
    server.close(() => {
      resolve();
    }),
  );
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      resolve();
    });
  });

describe('buildHandlerChain', () => {
  let server: Server;
  let base: string;
  let release: () => void = () => undefined;
  const seen: { verb?: string | undefined; user?: string | undefined; aborted?: boolean }[] = [];

  before(async () => {
    ({ server, base } = await serve(
      async (req, res, ctx) => {
        const url = new URL(req.url ?? '/', base);
        seen.push({ verb: ctx.requestInfo?.verb, user: ctx.user?.name });
        switch (url.pathname) {
          case '/panic':
            throw new TypeError('boom');
          case '/missing':
            throw notFound({ group: '', resource: 'configmaps' }, 'x');
          case '/warn':
            ctx.warnings.push('first', 'second', 'first');
            writeJson(res, 200, { ok: true });
            return;
          case '/slow':
            await sleep(2000, ctx.signal);
            seen.push({ aborted: ctx.signal.aborted });
            writeJson(res, 200, { late: true });
            return;
          case '/api/v1/namespaces/a/configmaps':
            if (url.searchParams.get('watch') === 'true') {
              await sleep(300);
              writeJson(res, 200, { watched: true });
              return;
            }
            await new Promise<void>((resolve) => (release = resolve));
            writeJson(res, 200, { listed: true });
            return;
          default:
            writeJson(res, 200, { path: url.pathname });
        }
      },
      {
        maxInFlight: { readOnly: 1, mutating: 1 },
        requestTimeoutMs: 1000,
        cors: { allowedOrigins: [/^https:\/\/ui\.example$/] },
      },
    ));
  });
  after(() => close(server));

  it('answers a thrown error with a 500 Status and keeps serving', async () => {
    const r = await fetch(`${base}/panic`);
    assert.equal(r.status, 500);
    const body = (await r.json()) as { kind: string; reason: string; message: string };
    assert.equal(body.kind, 'Status');
    assert.equal(body.reason, 'InternalError');
    assert.equal(body.message, 'Internal error occurred: boom');
    assert.equal((await fetch(`${base}/healthz`)).status, 200);
  });

  it('answers a thrown StatusError with its own Status', async () => {
    const r = await fetch(`${base}/missing`);
    assert.equal(r.status, 404);
    assert.equal(((await r.json()) as { message: string }).message, 'configmaps "x" not found');
  });

  it('parses request info and authenticates before the handler', async () => {
    seen.length = 0;
    await (await fetch(`${base}/api/v1/namespaces/a/configmaps/b`)).text();
    assert.deepEqual(seen[0], { verb: 'get', user: 'system:anonymous' });
  });

  it('sends warnings once each as 299 headers', async () => {
    const r = await fetch(`${base}/warn`);
    assert.equal(r.headers.get('warning'), '299 - "first", 299 - "second"');
  });

  it('times out slow requests with 504 and aborts their signal', async () => {
    seen.length = 0;
    const started = Date.now();
    const r = await fetch(`${base}/slow`);
    assert.equal(r.status, 504);
    const body = (await r.json()) as { reason: string; message: string };
    assert.equal(body.reason, 'Timeout');
    assert.match(body.message, /^Timeout: request did not complete within requested timeout/);
    assert.ok(Date.now() - started < 1900);
    await sleep(50);
    assert.deepEqual(seen.at(-1), { aborted: true });
  });

  it('honours a shorter ?timeout= and rejects a malformed one', async () => {
    const started = Date.now();
    assert.equal((await fetch(`${base}/slow?timeout=50ms`)).status, 504);
    assert.ok(Date.now() - started < 900);
    const bad = await fetch(`${base}/slow?timeout=abc`);
    assert.equal(bad.status, 400);
    assert.equal(
      ((await bad.json()) as { message: string }).message,
      'invalid timeout specified in the request URL - time: invalid duration "abc"',
    );
  });

  it('never times out a watch', async () => {
    const r = await fetch(`${base}/api/v1/namespaces/a/configmaps?watch=true`);
    assert.equal(r.status, 200);
    assert.deepEqual(await r.json(), { watched: true });
  });

  it('limits in-flight requests per pool with 429 and Retry-After', async () => {
    const first = fetch(`${base}/api/v1/namespaces/a/configmaps`);
    await sleep(50);
    const second = await fetch(`${base}/api/v1/namespaces/a/configmaps/x`);
    assert.equal(second.status, 429);
    assert.equal(second.headers.get('retry-after'), '1');
    assert.equal(((await second.json()) as { reason: string }).reason, 'TooManyRequests');
    // the mutating pool is separate
    assert.equal(
      (await fetch(`${base}/api/v1/namespaces/a/secrets`, { method: 'POST' })).status,
      200,
    );
    release();
    assert.equal((await first).status, 200);
  });

  it('answers CORS preflight for allowed origins only', async () => {
    const ok = await fetch(`${base}/api`, {
      method: 'OPTIONS',
      headers: { origin: 'https://ui.example' },
    });
    assert.equal(ok.status, 204);
    assert.equal(ok.headers.get('access-control-allow-origin'), 'https://ui.example');
    const other = await fetch(`${base}/api`, { headers: { origin: 'https://evil.example' } });
    assert.equal(other.headers.get('access-control-allow-origin'), null);
  });
});

describe('authentication and authorization', () => {
  const tokenAuth: Authenticator = {
    authenticate: (req) =>
      Promise.resolve(
        req.headers.authorization === 'Bearer good'
          ? { user: { name: 'alice', groups: [] } }
          : null,
      ),
  };
  const readOnly: Authorizer = {
    authorize: (a) =>
      Promise.resolve(
        a.verb === 'get' || a.verb === 'list'
          ? { decision: 'allow' }
          : { decision: 'noOpinion', reason: 'only reads' },
      ),
  };
  let server: Server;
  let base: string;
  before(async () => {
    ({ server, base } = await serve(
      (req, res) => {
        writeJson(res, 200, { authorization: req.headers.authorization ?? null });
        return Promise.resolve();
      },
      { authenticator: tokenAuth, authorizer: readOnly },
    ));
  });
  after(() => close(server));

  it('rejects an unauthenticated request with 401', async () => {
    const r = await fetch(`${base}/api/v1/namespaces`);
    assert.equal(r.status, 401);
    assert.deepEqual(await r.json(), {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Unauthorized',
      reason: 'Unauthorized',
      code: 401,
    });
  });

  it('strips the credentials before the handler', async () => {
    const r = await fetch(`${base}/api/v1/namespaces`, {
      headers: { authorization: 'Bearer good' },
    });
    assert.deepEqual(await r.json(), { authorization: null });
  });

  it('words a denial as kube does', async () => {
    const cases: [string, string, string][] = [
      [
        'POST',
        '/api/v1/namespaces/default/configmaps',
        'configmaps is forbidden: User "alice" cannot create resource "configmaps" in API group "" in the namespace "default": only reads',
      ],
      [
        'DELETE',
        '/apis/rbac.authorization.k8s.io/v1/clusterroles/admin',
        'clusterroles.rbac.authorization.k8s.io "admin" is forbidden: User "alice" cannot delete resource "clusterroles" in API group "rbac.authorization.k8s.io" at the cluster scope: only reads',
      ],
      ['POST', '/healthz', 'forbidden: User "alice" cannot post path "/healthz": only reads'],
    ];
    for (const [method, path, message] of cases) {
      const r = await fetch(`${base}${path}`, {
        method,
        headers: { authorization: 'Bearer good' },
      });
      assert.equal(r.status, 403, path);
      const body = (await r.json()) as { reason: string; message: string };
      assert.equal(body.reason, 'Forbidden');
      assert.equal(body.message, message);
    }
  });
});

describe('Go durations', () => {
  const ok: [string, number][] = [
    ['0', 0],
    ['5s', 5000],
    ['1m30s', 90_000],
    ['1.5h', 5_400_000],
    ['250ms', 250],
    ['2us', 0.002],
    ['-1s', -1000],
  ];
  for (const [text, ms] of ok) {
    it(`parses ${text}`, () => {
      assert.equal(parseGoDuration(text), ms);
    });
  }
  const bad: [string, string][] = [
    ['', 'time: invalid duration ""'],
    ['abc', 'time: invalid duration "abc"'],
    ['10', 'time: missing unit in duration "10"'],
    ['1d', 'time: unknown unit "d" in duration "1d"'],
  ];
  for (const [text, message] of bad) {
    it(`rejects ${JSON.stringify(text)}`, () => {
      assert.throws(() => parseGoDuration(text), { message });
    });
  }
  it('formats as Go prints', () => {
    assert.equal(formatGoDuration(60_000), '1m0s');
    assert.equal(formatGoDuration(1500), '1.5s');
    assert.equal(formatGoDuration(3_725_000), '1h2m5s');
  });
});
