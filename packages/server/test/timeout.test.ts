import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  compose,
  toRequestListener,
  withPanicRecovery,
  withRequestInfo,
  withTimeout,
  writeJson,
} from '../src/index.js';
import type { Handler, RequestContext } from '../src/index.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const activeTimers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

/** A server whose handler waits `?wait=` ms (or forever for `never`), through the timeout filter. */
async function serve(maximumMs: number, seen: { path: string; aborted: boolean }[]) {
  const handler: Handler = async (req, res, ctx: RequestContext) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const wait = url.searchParams.get('wait');
    if (wait === 'never') {
      await new Promise<void>((resolve) => {
        ctx.signal.addEventListener('abort', () => {
          resolve();
        });
      });
    } else {
      await sleep(Number(wait));
    }
    seen.push({ path: url.pathname, aborted: ctx.signal.aborted });
    writeJson(res, 200, { path: url.pathname });
  };
  const chain = compose(
    [withPanicRecovery(), withRequestInfo(), withTimeout({ maximumMs })],
    handler,
  );
  const server = createServer(toRequestListener(chain));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      );
    },
  };
}

describe('withTimeout under concurrent requests', () => {
  it('expires only the requests past their deadline, in any order of finishing', async () => {
    const seen: { path: string; aborted: boolean }[] = [];
    const { base, close } = await serve(300, seen);
    try {
      const timersBefore = activeTimers();
      const started = Date.now();
      const answers = await Promise.all(
        [
          '/a?wait=20',
          '/b?wait=never',
          '/c?wait=60',
          '/d?wait=never&timeout=100ms',
          '/e?wait=10',
          '/f?wait=150&timeout=50ms',
        ].map(async (path) => {
          const r = await fetch(base + path);
          return { path, status: r.status, at: Date.now() - started };
        }),
      );
      const status = Object.fromEntries(answers.map((a) => [a.path.split('?')[0], a.status]));
      assert.deepEqual(status, {
        '/a': 200,
        '/b': 504,
        '/c': 200,
        '/d': 504,
        '/e': 200,
        '/f': 504,
      });
      const at = (p: string) => answers.find((a) => a.path.startsWith(p))!.at;
      assert.ok(at('/b') >= 290 && at('/b') < 1500, `the default limit: ${at('/b')} ms`);
      assert.ok(at('/d') >= 90 && at('/d') < at('/b'), `a shorter ?timeout=: ${at('/d')} ms`);
      assert.ok(at('/f') >= 40 && at('/f') < 140, `expired before it would finish: ${at('/f')} ms`);
      await sleep(200);
      // the expired handlers saw their signal aborted; the others did not
      const aborted = Object.fromEntries(seen.map((s) => [s.path, s.aborted]));
      assert.deepEqual(aborted, {
        '/a': false,
        '/b': true,
        '/c': false,
        '/d': true,
        '/e': false,
        '/f': true,
      });
      // no timer outlives the requests it was for
      assert.equal(activeTimers(), timersBefore);
    } finally {
      await close();
    }
  });

  it('keeps timing requests that arrive after earlier ones finished or expired', async () => {
    const seen: { path: string; aborted: boolean }[] = [];
    const { base, close } = await serve(100, seen);
    try {
      for (let round = 0; round < 3; round++) {
        const [quick, stuck] = await Promise.all([
          fetch(`${base}/quick?wait=5`),
          fetch(`${base}/stuck?wait=never`),
        ]);
        assert.equal(quick.status, 200, `round ${round}`);
        assert.equal(stuck.status, 504, `round ${round}`);
      }
    } finally {
      await close();
    }
  });
});

describe('withTimeout and the process lifetime', () => {
  it('leaves nothing that keeps the process alive once its requests are done', async () => {
    const { spawnSync } = await import('node:child_process');
    const source = new URL('../src/index.ts', import.meta.url).href;
    // a chain with the default 60 s limit serves one request without a socket; the process
    // must then end at once rather than wait for the limit
    const script = `
      import { compose, withTimeout } from ${JSON.stringify(source)};
      import { PassThrough } from 'node:stream';
      const chain = compose([withTimeout()], async (req, res) => { res.writeHead(200); res.end(); });
      const { IncomingMessage, ServerResponse } = await import('node:http');
      const req = new IncomingMessage(new PassThrough());
      req.method = 'GET';
      req.url = '/api/v1/namespaces/a/configmaps/b';
      const res = new ServerResponse(req);
      await chain(req, res, { signal: new AbortController().signal, receivedAt: performance.now(), warnings: [] });
      console.log('served', res.statusCode);
    `;
    const started = Date.now();
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--conditions=@kapi/source', '--input-type=module', '-e', script],
      { encoding: 'utf8', timeout: 30_000 },
    );
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /served 200/);
    assert.ok(Date.now() - started < 20_000, `ended after ${Date.now() - started} ms`);
  });
});
