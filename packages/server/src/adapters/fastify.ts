/**
 * Mounting a Kapi server on a fastify app (fastify 4 and 5) as an encapsulated plugin: inside it,
 * fastify's body parsing is off (the chain reads bodies itself, with kube's limits) and every
 * request under the plugin's prefix is handed to the chain; websocket upgrades under the prefix
 * are served too.
 *
 * ```ts
 * await app.register(kapiFastify(apiServer), { prefix: '/k8s' });
 * ```
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Handler } from '../handler.js';
import type { UpgradeHandler } from '../serving/server.js';
import { createMountedUpgradeListener, isKapiPath, serveRequest } from './node.js';
import type { AdapterOptions } from './node.js';

/** The part of a fastify instance the plugin uses (fastify's types are not needed to use it). */
export interface FastifyInstanceLike {
  readonly prefix: string;
  readonly server: { on(event: 'upgrade', listener: UpgradeHandler): unknown };
  removeAllContentTypeParsers(): void;
  addContentTypeParser(
    contentType: string,
    parser: (
      request: unknown,
      payload: unknown,
      done: (err: Error | null, body?: unknown) => void,
    ) => void,
  ): void;
  route(options: {
    method: HttpMethod[];
    url: string;
    // fastify's request and reply, of which the handler reads `raw` and calls `hijack()`
    handler: (request: { raw: unknown }, reply: { raw: unknown; hijack(): unknown }) => void;
  }): unknown;
}

/** The HTTP methods the plugin routes. */
export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';

/** The fastify plugin {@link kapiFastify} returns. */
export type KapiFastifyPlugin = (
  instance: FastifyInstanceLike,
  options: unknown,
  done: (err?: Error) => void,
) => void;

const methods: HttpMethod[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/**
 * Makes the fastify plugin of an API server (or of a bare chain). Register it with a `prefix`
 * to mount it there; requests under the prefix outside Kapi's paths get the chain's 404.
 */
export function kapiFastify(
  server: Handler | { handler: Handler },
  options: AdapterOptions & { upgrade?: boolean } = {},
): KapiFastifyPlugin {
  const handler = typeof server === 'function' ? server : server.handler;
  return (instance, _options, done) => {
    const prefix = instance.prefix.replace(/\/+$/, '');
    // the chain reads bodies itself: fastify's parsers must leave the stream alone
    instance.removeAllContentTypeParsers();
    instance.addContentTypeParser('*', (_request, _payload, parsed) => {
      parsed(null);
    });
    const route = (request: { raw: unknown }, reply: { raw: unknown; hijack(): unknown }) => {
      reply.hijack();
      // an HTTP/1 fastify server hands node's own request and response
      const raw = request.raw as IncomingMessage;
      const response = reply.raw as ServerResponse;
      const url = raw.url ?? '/';
      if (prefix !== '') {
        const rest = url.slice(prefix.length);
        raw.url = rest === '' || rest.startsWith('?') ? `/${rest}` : rest;
      }
      void serveRequest(handler, raw, response, options.shutdown);
    };
    instance.route({ method: methods, url: '/', handler: route });
    instance.route({ method: methods, url: '/*', handler: route });
    if (options.upgrade !== false) {
      instance.server.on(
        'upgrade',
        createMountedUpgradeListener(handler, {
          ...options,
          prefix,
          match: options.match ?? (prefix === '' ? isKapiPath : () => true),
        }),
      );
    }
    done();
  };
}
