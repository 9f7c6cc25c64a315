/**
 * `/healthz`, `/livez` and `/readyz` with named checks, answering as kube's pkg/server/healthz:
 * `ok`, or the list of checks with `[+]`/`[-]` and a 500 when one fails; `?verbose` lists them
 * when all pass; `?exclude=<name>` skips a check; `/<endpoint>/<check>` runs one.
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { requestURL } from './request-url.js';

/** A named check; it rejects (with the reason) when unhealthy. */
export interface HealthCheck {
  readonly name: string;
  check(signal: AbortSignal): Promise<void>;
}

/** Always healthy: proves the server answers. */
export const pingCheck: HealthCheck = { name: 'ping', check: () => Promise.resolve() };

/** A check from a function. */
export function healthCheck(
  name: string,
  check: (signal: AbortSignal) => Promise<void>,
): HealthCheck {
  return { name, check };
}

/** Healthy while `isShuttingDown()` is false; readiness fails first when a server drains. */
export function shutdownCheck(isShuttingDown: () => boolean): HealthCheck {
  return healthCheck('shutdown', () =>
    isShuttingDown() ? Promise.reject(new Error('process is shutting down')) : Promise.resolve(),
  );
}

function plain(res: ServerResponse, code: number, body: string): void {
  res.writeHead(code, {
    'Content-Type': 'text/plain; charset=utf-8',
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-cache, private',
  });
  res.end(body);
}

/** How long one check may take before it counts as failed. */
const checkTimeoutMs = 10_000;

async function run(check: HealthCheck, signal: AbortSignal): Promise<Error | undefined> {
  try {
    await check.check(AbortSignal.any([signal, AbortSignal.timeout(checkTimeoutMs)]));
    return undefined;
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
}

/**
 * Serves one health endpoint (`healthz`, `livez` or `readyz`) at `/<name>` and `/<name>/<check>`.
 * Returns false when the path is not its own, so a mux can try the next handler.
 */
export function healthEndpoint(
  name: string,
  checks: readonly HealthCheck[],
): (req: IncomingMessage, res: ServerResponse, signal: AbortSignal) => Promise<boolean> {
  const root = `/${name}`;
  return async (req, res, signal) => {
    const url = requestURL(req);
    const path = url.pathname.replace(/\/+$/, '');
    if (path === root) {
      const excluded = new Set(url.searchParams.getAll('exclude'));
      const results = await Promise.all(
        checks.map(async (c) => (excluded.has(c.name) ? 'excluded' : await run(c, signal))),
      );
      let out = '';
      let failed = false;
      checks.forEach((c, i) => {
        const result = results[i];
        if (result === 'excluded') out += `[+]${c.name} excluded: ok\n`;
        else if (result === undefined) out += `[+]${c.name} ok\n`;
        else {
          failed = true;
          out += `[-]${c.name} failed: reason withheld\n`;
        }
      });
      const unknown = [...excluded].filter((e) => !checks.some((c) => c.name === e));
      if (unknown.length > 0) {
        out += `warning: some health checks cannot be excluded: no matches for ${unknown.map((u) => JSON.stringify(u)).join(',')}\n`;
      }
      if (failed) plain(res, 500, `${out}${name} check failed\n`);
      else if (url.searchParams.has('verbose')) plain(res, 200, `${out}${name} check passed\n`);
      else plain(res, 200, 'ok');
      return true;
    }
    if (path.startsWith(`${root}/`)) {
      const check = checks.find((c) => `${root}/${c.name}` === path);
      if (check === undefined) return false;
      const err = await run(check, signal);
      if (err === undefined) plain(res, 200, 'ok');
      else plain(res, 500, `internal server error: ${err.message}\n`);
      return true;
    }
    return false;
  };
}
