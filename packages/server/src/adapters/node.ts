/**
 * The bare handlers for hosts that bring their own server: a `request` listener and an `upgrade`
 * listener for node's `http`/`https` servers, optionally limited to the paths Kapi serves and
 * mounted under a path prefix. The express and fastify adapters are built on these.
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { internalError } from '@kapi/apimachinery';
import type { Handler } from '../handler.js';
import { createRequestContext } from '../request-context.js';
import { writeStatus } from '../response.js';
import type { UpgradeHandler } from '../serving/server.js';
import { createUpgradeListener } from '../serving/websocket.js';

/** The path prefixes an API server answers (the API, discovery, health, metrics, OpenAPI, version). */
export const KAPI_PATH_PREFIXES: readonly string[] = [
  '/api',
  '/apis',
  '/version',
  '/healthz',
  '/livez',
  '/readyz',
  '/metrics',
  '/openapi',
];

/** Whether a path is one an API server answers: one of {@link KAPI_PATH_PREFIXES} or below it. */
export function isKapiPath(path: string): boolean {
  return KAPI_PATH_PREFIXES.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
}

/** Options of the adapters. */
export interface AdapterOptions {
  /**
   * Which paths (after the mount prefix) Kapi serves; the host's app gets the others. Default
   * {@link isKapiPath}. Widen it when the server has `pathHandlers` of its own.
   */
  match?: (path: string) => boolean;
  /** Aborted when the host shuts down: watches then end. */
  shutdown?: AbortSignal;
}

function pathOf(url: string | undefined): string {
  const raw = url ?? '/';
  const q = raw.indexOf('?');
  return q < 0 ? raw : raw.slice(0, q);
}

/**
 * Serves one request through the handler with a fresh context; resolves when it is done. A body
 * another middleware already read cannot be read again: that is a clear 500, not a hang.
 */
export function serveRequest(
  handler: Handler,
  req: IncomingMessage,
  res: ServerResponse,
  shutdown?: AbortSignal,
): Promise<void> {
  if (req.readableEnded || (req as { _body?: unknown })._body === true) {
    writeStatus(
      res,
      internalError(
        new Error(
          'the request body was already read by another middleware: mount Kapi before body parsers',
        ),
      ),
    );
    return Promise.resolve();
  }
  return handler(req, res, createRequestContext(res, shutdown)).catch(() => {
    // the panic-recovery filter answers errors; this guards a chain built without it
    if (!res.headersSent) {
      res.statusCode = 500;
      res.end();
    } else {
      res.destroy();
    }
  });
}

/** A `request` listener for a node server of the host's own. */
export function createRequestListener(
  handler: Handler,
  options: Pick<AdapterOptions, 'shutdown'> = {},
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    void serveRequest(handler, req, res, options.shutdown);
  };
}

/** Options of {@link createMountedUpgradeListener}. */
export interface MountedUpgradeOptions extends AdapterOptions {
  /** The path Kapi is mounted under (e.g. `/k8s`); stripped before the chain sees the URL. */
  prefix?: string;
}

/**
 * An `upgrade` listener that takes only the upgrades meant for Kapi (its paths, under `prefix`)
 * and leaves every other upgrade to the host's other listeners untouched.
 */
export function createMountedUpgradeListener(
  handler: Handler,
  options: MountedUpgradeOptions = {},
): UpgradeHandler {
  const prefix = (options.prefix ?? '').replace(/\/+$/, '');
  const match = options.match ?? isKapiPath;
  const upgrade = createUpgradeListener(handler, {
    ...(options.shutdown ? { shutdown: options.shutdown } : {}),
  });
  return (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = req.url ?? '/';
    if (
      prefix !== '' &&
      !(url === prefix || url.startsWith(`${prefix}/`) || url.startsWith(`${prefix}?`))
    )
      return;
    const rest = url.slice(prefix.length);
    const inner = rest === '' || rest.startsWith('?') ? `/${rest}` : rest;
    if (!match(pathOf(inner))) return;
    req.url = inner;
    upgrade(req, socket, head);
  };
}
