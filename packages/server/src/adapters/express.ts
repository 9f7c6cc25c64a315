/**
 * Mounting a Kapi server on an express app (express 4 and 5): a middleware that serves Kapi's
 * paths through the whole chain and passes every other request on, and an upgrade listener for
 * websocket watches.
 *
 * ```ts
 * const kapi = kapiExpress(apiServer);
 * app.use('/k8s', kapi);              // before any body parser
 * const server = app.listen(8080);
 * server.on('upgrade', kapi.upgrade({ prefix: '/k8s' }));
 * ```
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Handler } from '../handler.js';
import type { UpgradeHandler } from '../serving/server.js';
import { createMountedUpgradeListener, isKapiPath, serveRequest } from './node.js';
import type { AdapterOptions, MountedUpgradeOptions } from './node.js';

/** An express middleware (structurally: express's types are not needed to use it). */
export interface KapiExpressMiddleware {
  (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void): void;
  /** The upgrade listener for the app's node server; `prefix` is the path the middleware is mounted at. */
  upgrade(options?: Pick<MountedUpgradeOptions, 'prefix'>): UpgradeHandler;
}

function handlerOf(server: Handler | { handler: Handler }): Handler {
  return typeof server === 'function' ? server : server.handler;
}

/**
 * Makes the express middleware of an API server (or of a bare chain). Express strips the mount
 * path from `req.url`, so the chain sees the paths it knows. Requests outside Kapi's paths go to
 * `next()`.
 */
export function kapiExpress(
  server: Handler | { handler: Handler },
  options: AdapterOptions = {},
): KapiExpressMiddleware {
  const handler = handlerOf(server);
  const match = options.match ?? isKapiPath;
  const middleware = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    if (!match(q < 0 ? url : url.slice(0, q))) {
      next();
      return;
    }
    void serveRequest(handler, req, res, options.shutdown);
  };
  return Object.assign(middleware, {
    upgrade: (upgradeOptions: Pick<MountedUpgradeOptions, 'prefix'> = {}) =>
      createMountedUpgradeListener(handler, { ...options, ...upgradeOptions }),
  });
}
