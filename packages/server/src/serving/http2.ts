/**
 * HTTP/2 serving (with HTTP/1.1 on the same port for clients that do not speak it), bounded
 * against the rapid-reset attack (CVE-2023-44487), in which a client opens streams and resets them
 * at once so that the concurrent-stream limit never bites while every stream still starts a handler:
 * - each session advertises a concurrent-stream limit (default 250) and runs at most that many
 *   handlers at once, whatever the client reset — handlers keep their slot until they finish;
 * - streams beyond that wait in a queue; a queue longer than four times the limit ends the session
 *   (as Go's x/net/http2 fix, which kube runs on);
 * - client resets are counted per session over a window; too many end the session;
 * - ending a session is GOAWAY ENHANCE_YOUR_CALM, then the connection closes.
 * nghttp2's own reset-rate limit (nghttp2 ≥ 1.57; node 20.20 bundles 1.61) applies underneath too:
 * measured here, it ends a flooding session after about 1 000 resets with GOAWAY INTERNAL_ERROR,
 * which bounds floods of cheap requests; the bounds above end one after about 200 when handlers
 * are still running as the resets arrive (the costly case), and cap the handlers it can start.
 * @module
 */
import { constants, createSecureServer, Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import type { Http2SecureServer, Http2Session, ServerHttp2Stream } from 'node:http2';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** The HTTP/2 limits; every one has a safe default. */
export interface Http2Options {
  /**
   * SETTINGS_MAX_CONCURRENT_STREAMS, and the handlers one session may run at once (default 250, Go's
   * default that kube-apiserver serves with; client-go multiplexes its watches over one session).
   */
  maxConcurrentStreams?: number;
  /** Streams that may wait for a handler slot before the session is ended (default 4 × the above). */
  maxQueuedStreams?: number;
  /** Client stream resets tolerated per session within {@link Http2Options.resetWindowMs} (default 200). */
  maxResetsPerWindow?: number;
  /** The reset-counting window in milliseconds (default 10 000). */
  resetWindowMs?: number;
}

/** A request listener that says when its handler is done (so that handler slots are accounted). */
export type TrackedRequestListener = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** What {@link createHttp2Server} needs. */
export interface Http2ServerOptions {
  tls: { cert: string; key: string; ca?: string; requestCert?: boolean };
  /** Largest header block in bytes, for HTTP/2 and HTTP/1.1 alike. */
  maxHeaderSize: number;
  limits?: Http2Options;
}

/** An HTTP/2 server, its sessions and HTTP/1.1 sockets (for shutdown), and the sessions it ended for abuse. */
export interface Http2Serving {
  server: Http2SecureServer;
  /** Open HTTP/2 sessions. */
  sessions: ReadonlySet<Http2Session>;
  /** Open HTTP/1.1 connections on the same port. */
  http1Sockets: ReadonlySet<Socket>;
  /** How many sessions were ended for too many resets or queued streams. */
  readonly abusiveSessions: number;
}

interface SessionState {
  running: number;
  queue: (() => void)[];
  resets: number;
  windowStart: number;
  ended: boolean;
}

/** HTTP/1-only headers HTTP/2 forbids (RFC 9113 §8.2.2); node throws on them, so they are dropped. */
const connectionHeaders = new Set([
  'connection',
  'transfer-encoding',
  'keep-alive',
  'proxy-connection',
  'upgrade',
]);

function withoutConnectionHeaders(headers: unknown): unknown {
  if (headers === null || typeof headers !== 'object' || Array.isArray(headers)) return headers;
  const out: OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(headers as OutgoingHttpHeaders))
    if (!connectionHeaders.has(k.toLowerCase())) out[k] = v;
  return out;
}

/** Makes the compatibility response accept what handlers written for HTTP/1.1 send. */
function adaptResponse(res: Http2ServerResponse): void {
  const setHeader = res.setHeader.bind(res);
  res.setHeader = (name: string, value: number | string | readonly string[]) => {
    if (!connectionHeaders.has(name.toLowerCase())) setHeader(name, value);
    return res;
  };
  const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => Http2ServerResponse;
  res.writeHead = (status: number, ...rest: unknown[]) =>
    writeHead(
      status,
      ...rest.map((arg) => (typeof arg === 'string' ? arg : withoutConnectionHeaders(arg))),
    );
}

function connectionKey(socket: {
  remoteAddress?: string | undefined;
  remotePort?: number | undefined;
}): string {
  return `${socket.remoteAddress ?? ''}:${String(socket.remotePort ?? '')}`;
}

/**
 * Creates an HTTP/2 secure server with `allowHTTP1`, bounded as the module describes. The
 * listener gets node's compatibility request and response for HTTP/2 (shaped like HTTP/1.1's).
 */
export function createHttp2Server(
  options: Http2ServerOptions,
  listener: TrackedRequestListener,
): Http2Serving {
  const limits = options.limits ?? {};
  const maxStreams = limits.maxConcurrentStreams ?? 250;
  const maxQueued = limits.maxQueuedStreams ?? 4 * maxStreams;
  const maxResets = limits.maxResetsPerWindow ?? 200;
  const windowMs = limits.resetWindowMs ?? 10_000;
  const states = new WeakMap<Http2Session, SessionState>();
  const sessions = new Set<Http2Session>();
  const http1Sockets = new Set<Socket>();
  /** The TLS sockets of HTTP/2 sessions (a session only exposes a proxy of its socket). */
  const h2Sockets = new Map<string, Socket>();
  let abusiveSessions = 0;

  const endAbusive = (session: Http2Session, state: SessionState) => {
    if (state.ended) return;
    state.ended = true;
    state.queue.length = 0;
    abusiveSessions++;
    // GOAWAY with ENHANCE_YOUR_CALM, then the connection is cut: a flooding client does not get
    // to finish its streams
    session.goaway(constants.NGHTTP2_ENHANCE_YOUR_CALM);
    const socket = h2Sockets.get(connectionKey(session.socket));
    setImmediate(() => {
      socket?.destroy();
      session.destroy();
    });
  };

  const server = createSecureServer(
    {
      cert: options.tls.cert,
      key: options.tls.key,
      ...(options.tls.ca !== undefined ? { ca: options.tls.ca } : {}),
      requestCert: options.tls.requestCert ?? false,
      rejectUnauthorized: false,
      allowHTTP1: true,
      maxSessionInvalidFrames: 1000,
      maxSessionRejectedStreams: 100,
      settings: {
        maxConcurrentStreams: maxStreams,
        maxHeaderListSize: options.maxHeaderSize,
      },
      maxHeaderSize: options.maxHeaderSize,
    } as Parameters<typeof createSecureServer>[0],
    (req: Http2ServerRequest | IncomingMessage, res: Http2ServerResponse | ServerResponse) => {
      if (!(req instanceof Http2ServerRequest) || !(res instanceof Http2ServerResponse)) {
        // HTTP/1.1 on the same port: node's own request and response
        void listener(req as IncomingMessage, res as ServerResponse);
        return;
      }
      adaptResponse(res);
      const session = req.stream.session;
      const state = session === undefined ? undefined : states.get(session);
      if (session === undefined || state === undefined || state.ended) {
        req.stream.close(constants.NGHTTP2_REFUSED_STREAM);
        return;
      }
      const stream: ServerHttp2Stream = req.stream;
      const start = () => {
        if (stream.closed || stream.destroyed) return false;
        state.running++;
        // handlers keep their slot until they finish, reset or not
        void listener(req as unknown as IncomingMessage, res as unknown as ServerResponse).finally(
          () => {
            state.running--;
            while (state.running < maxStreams) {
              const next = state.queue.shift();
              if (next === undefined) break;
              next();
            }
          },
        );
        return true;
      };
      if (state.running < maxStreams) {
        start();
        return;
      }
      state.queue.push(() => {
        start();
      });
      if (state.queue.length > maxQueued) endAbusive(session, state);
    },
  );

  server.on('session', (session: Http2Session) => {
    const state: SessionState = {
      running: 0,
      queue: [],
      resets: 0,
      windowStart: performance.now(),
      ended: false,
    };
    states.set(session, state);
    sessions.add(session);
    session.on('error', () => {
      // a broken session closes; its streams' handlers see their streams close
    });
    session.once('close', () => {
      sessions.delete(session);
      state.queue.length = 0;
    });
    session.on('stream', (stream: ServerHttp2Stream) => {
      // a client reset before the response is done: what the rapid-reset attack is made of
      stream.once('aborted', () => {
        const now = performance.now();
        if (now - state.windowStart > windowMs) {
          state.windowStart = now;
          state.resets = 0;
        }
        if (++state.resets > maxResets) endAbusive(session, state);
      });
      stream.on('error', () => {
        // reset streams report errors; the handler sees the stream close
      });
    });
  });
  server.on('secureConnection', (socket: Socket & { alpnProtocol?: string | false }) => {
    if (socket.alpnProtocol === 'h2') {
      const key = connectionKey(socket);
      h2Sockets.set(key, socket);
      socket.once('close', () => h2Sockets.delete(key));
      return;
    }
    http1Sockets.add(socket);
    socket.once('close', () => http1Sockets.delete(socket));
  });

  return {
    server,
    sessions,
    http1Sockets,
    get abusiveSessions() {
      return abusiveSessions;
    },
  };
}
