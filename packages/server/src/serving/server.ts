/**
 * Serving a handler over HTTPS (or plain HTTP for tests) with graceful shutdown.
 * @module
 */
import { createServer as createHttpServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Http2SecureServer } from 'node:http2';
import type { Handler } from '../handler.js';
import { createRequestContext } from '../request-context.js';
import { createHttp2Server } from './http2.js';
import type { Http2Options, Http2Serving } from './http2.js';
import { createUpgradeListener } from './websocket.js';

/** Handles a connection upgrade (e.g. a websocket watch). */
export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

/** Options of {@link KapiServer}. */
export interface ServeOptions {
  /** The whole chain, usually from `buildHandlerChain()`. */
  handler: Handler;
  /**
   * What handles connection upgrades. Default: every upgrade request runs through `handler`, and
   * watches asked for over websocket are served so; `false` refuses upgrades.
   */
  upgrade?: UpgradeHandler | false;
  /** PEM certificate and key to serve HTTPS; absent serves plain HTTP (for tests on loopback only). */
  tls?: { cert: string; key: string; ca?: string; requestCert?: boolean };
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 6443; 0 picks a free port. */
  port?: number;
  /** How long shutdown waits for in-flight requests before cutting connections (default 60 000 ms). */
  shutdownTimeoutMs?: number;
  /** Runs last on shutdown, after requests are done (close storage here). */
  onShutdown?: () => Promise<void>;
  /** Largest request header block in bytes (default 1 MiB). */
  maxHeaderSize?: number;
  /**
   * Serve HTTP/2 as well as HTTP/1.1 (TLS only; clients choose by ALPN), with the rapid-reset
   * bounds of {@link Http2Options}. Off by default.
   */
  http2?: boolean | Http2Options;
}

/**
 * An API server listening on a socket. Shutdown is graceful: readiness fails first, no new
 * connections are accepted, long-running requests (watches) are told to end through
 * `ctx.shutdown`, in-flight requests get until the deadline, then the host's `onShutdown` runs.
 */
export class KapiServer {
  /** The node server, for hosts that need it: an HTTP/2 secure server when `http2` is on. */
  readonly server: Server | Http2SecureServer;
  /** The HTTP/2 serving state, when `http2` is on. */
  readonly http2: Http2Serving | undefined;
  private readonly shutdownController = new AbortController();
  /** Requests (and upgrades) whose handlers have not finished. */
  private active = 0;
  /** Resolves the shutdown's wait once `active` reaches zero. */
  private drained: (() => void) | undefined;
  private readonly untrack = () => {
    if (--this.active === 0) this.drained?.();
  };
  /** Sockets taken over by upgrades (websocket watches): the HTTP server no longer tracks them. */
  private readonly upgraded = new Set<Duplex>();
  private closing: Promise<void> | undefined;

  constructor(private readonly options: ServeOptions) {
    const listener = (req: IncomingMessage, res: ServerResponse) => {
      void this.serve(req, res);
    };
    const maxHeaderSize = options.maxHeaderSize ?? 1024 * 1024;
    if (options.http2 !== undefined && options.http2 !== false && !options.tls) {
      throw new Error('HTTP/2 is served over TLS only: give tls too');
    }
    this.http2 =
      options.tls && options.http2 !== undefined && options.http2 !== false
        ? createHttp2Server(
            {
              tls: options.tls,
              maxHeaderSize,
              ...(options.http2 === true ? {} : { limits: options.http2 }),
            },
            (req, res) => this.serve(req, res),
          )
        : undefined;
    this.server = this.http2
      ? this.http2.server
      : options.tls
        ? createHttpsServer(
            {
              cert: options.tls.cert,
              key: options.tls.key,
              ...(options.tls.ca !== undefined ? { ca: options.tls.ca } : {}),
              requestCert: options.tls.requestCert ?? false,
              rejectUnauthorized: false,
              maxHeaderSize,
            },
            listener,
          )
        : createHttpServer({ maxHeaderSize }, listener);
    const upgrade =
      options.upgrade ??
      createUpgradeListener(options.handler, {
        shutdown: this.shutdownController.signal,
        track: (done, socket) => {
          void this.track(done);
          this.upgraded.add(socket);
          socket.once('close', () => this.upgraded.delete(socket));
        },
      });
    if (upgrade) this.server.on('upgrade', upgrade);
    this.server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
      // as node's default, plus 431 for oversized headers
      if (!socket.writable) return;
      const status =
        err.code === 'HPE_HEADER_OVERFLOW'
          ? '431 Request Header Fields Too Large'
          : '400 Bad Request';
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`);
    });
  }

  /** True once shutdown has begun (wire it into `/readyz` with `shutdownCheck`). */
  get shuttingDown(): boolean {
    return this.shutdownController.signal.aborted;
  }

  /** Aborted when shutdown begins. */
  get shutdownSignal(): AbortSignal {
    return this.shutdownController.signal;
  }

  /** Starts listening; resolves with the bound address. */
  async listen(): Promise<{ host: string; port: number; url: string }> {
    const host = this.options.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port ?? 6443, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const { port } = this.server.address() as AddressInfo;
    const scheme = this.options.tls ? 'https' : 'http';
    const urlHost = host.includes(':') ? `[${host}]` : host;
    return { host, port, url: `${scheme}://${urlHost}:${port}` };
  }

  private serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const ctx = createRequestContext(res, this.shutdownController.signal);
    if (this.shuttingDown) res.setHeader('Connection', 'close');
    this.active++;
    return this.options.handler(req, res, ctx).then(this.untrack, () => {
      // the panic-recovery filter answers errors; this guards a chain built without it
      if (!res.headersSent) {
        res.statusCode = 500;
        res.end();
      } else {
        res.destroy();
      }
      this.untrack();
    });
  }

  private track(work: Promise<void>): Promise<void> {
    this.active++;
    return work.then(this.untrack, this.untrack);
  }

  /** Resolves when no handler is running. */
  private idle(): Promise<void> {
    if (this.active === 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.drained = resolve;
    });
  }

  /** Shuts down gracefully; calling it again returns the same promise. */
  shutdown(): Promise<void> {
    this.closing ??= this.doShutdown();
    return this.closing;
  }

  private async doShutdown(): Promise<void> {
    this.shutdownController.abort(new Error('server is shutting down'));
    const closed = new Promise<void>((resolve) =>
      this.server.close(() => {
        resolve();
      }),
    );
    if (this.http2) {
      // GOAWAY: no new streams; open ones finish (watches end on the shutdown signal)
      for (const session of this.http2.sessions) session.close();
    } else {
      (this.server as Server).closeIdleConnections();
    }
    const deadline = this.options.shutdownTimeoutMs ?? 60_000;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.idle(),
      new Promise((resolve) => (timer = setTimeout(resolve, deadline))),
    ]);
    clearTimeout(timer);
    if (this.http2) {
      for (const session of this.http2.sessions) session.destroy();
      for (const socket of this.http2.http1Sockets) socket.destroy();
    } else {
      (this.server as Server).closeAllConnections();
    }
    for (const socket of this.upgraded) socket.destroy();
    await closed;
    await this.options.onShutdown?.();
  }
}
