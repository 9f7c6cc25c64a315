/**
 * Watches over websocket, as kube serves them when a client upgrades: the upgrade request runs
 * through the whole filter chain (authentication, authorization, limits) like any request; the
 * watch endpoint then completes the handshake and sends one watch event per message — text
 * frames of JSON, or binary frames of protobuf (as kube: k8s.io/apiserver
 * pkg/endpoints/handlers/watch.go HandleWS and its websocketFramer). Any other request that
 * arrives as an upgrade gets an ordinary HTTP response and the connection closes.
 * @module
 */
import { ServerResponse } from 'node:http';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { encodeWatchEvent, MEDIA_TYPE_PROTOBUF } from '@kapi/apimachinery';
import type { WatchEvent } from '@kapi/apimachinery';
import { WebSocket, WebSocketServer } from 'ws';
import type { ServeWatchOptions } from '../endpoints/watch.js';
import type { Handler, RequestContext } from '../handler.js';
import type { UpgradeHandler } from './server.js';

/** A pending websocket upgrade, kept beside its request while the chain runs. */
export interface WebsocketUpgrade {
  readonly socket: Duplex;
  readonly head: Buffer;
  /** Takes the socket away from the placeholder HTTP response, for the websocket to own. */
  release(): void;
}

const upgrades = new WeakMap<IncomingMessage, WebsocketUpgrade>();

/** The websocket upgrade a request asks for, when it arrived through {@link createUpgradeListener}. */
export function websocketUpgradeOf(req: IncomingMessage): WebsocketUpgrade | undefined {
  return upgrades.get(req);
}

/** Whether a request asks to become a websocket (as kube's wsstream.IsWebSocketRequest). */
export function isWebsocketRequest(req: IncomingMessage): boolean {
  const connection = req.headers.connection ?? '';
  const upgrade = req.headers.upgrade ?? '';
  return (
    upgrade.toLowerCase() === 'websocket' &&
    connection
      .toLowerCase()
      .split(',')
      .some((token) => token.trim() === 'upgrade')
  );
}

/** Options of {@link createUpgradeListener}. */
export interface UpgradeListenerOptions {
  /** Aborted when the server shuts down: websocket watches then end. */
  shutdown?: AbortSignal;
  /** Told of each upgrade request: what it is doing and its socket (for graceful shutdown). */
  track?: (done: Promise<void>, socket: Duplex) => void;
}

/**
 * Makes the `upgrade` listener of a node server: every upgrade request runs through `handler`
 * (the whole chain) with a context built as for ordinary requests, so authentication and
 * authorization apply to websockets exactly as to HTTP.
 */
export function createUpgradeListener(
  handler: Handler,
  options: UpgradeListenerOptions = {},
): UpgradeHandler {
  return (req, socket, head) => {
    const res = new ServerResponse(req);
    // the connection left HTTP's keep-alive when it asked to upgrade: answer once, then close
    res.shouldKeepAlive = false;
    res.assignSocket(socket as unknown as Socket);
    let released = false;
    upgrades.set(req, {
      socket,
      head,
      release: () => {
        released = true;
        res.detachSocket(socket as unknown as Socket);
        // filters that act when the response closes (metrics, audit) see the websocket close
        socket.once('close', () => res.emit('close'));
      },
    });
    const controller = new AbortController();
    socket.once('close', () => {
      controller.abort(new Error('client disconnected'));
    });
    socket.on('error', () => {
      // the close that follows ends the request
    });
    res.once('finish', () => {
      if (!released) socket.end();
    });
    const ctx: RequestContext = {
      signal: controller.signal,
      ...(options.shutdown ? { shutdown: options.shutdown } : {}),
      receivedAt: performance.now(),
      warnings: [],
    };
    const done = handler(req, res, ctx).then(
      () => {
        if (!released && !res.writableFinished) socket.destroy();
      },
      () => {
        socket.destroy();
      },
    );
    options.track?.(done, socket);
  };
}

/** Subprotocols that carry credentials (kube's websocket bearer-token authenticator): never echoed. */
const credentialProtocolPrefix = 'base64url.bearer.authorization.k8s.io.';

/**
 * Chooses the subprotocol to answer: the first one offered that carries no credentials. kube's
 * websocket library echoes a single offered protocol; offering several is accepted here too.
 */
function chooseProtocol(protocols: Set<string>): string | false {
  for (const p of protocols) if (!p.startsWith(credentialProtocolPrefix)) return p;
  return false;
}

let sharedServer: WebSocketServer | undefined;

function websocketServer(): WebSocketServer {
  sharedServer ??= new WebSocketServer({
    noServer: true,
    handleProtocols: chooseProtocol,
    perMessageDeflate: false,
    // the client sends nothing on a watch; anything large is abuse
    maxPayload: 64 * 1024,
    clientTracking: false,
  });
  return sharedServer;
}

/** How much may wait unsent on one watch before the server waits for the client to read. */
const highWaterMark = 1024 * 1024;

/** How long a closing watch waits for the client's close frame before cutting the connection. */
const closeGraceMs = 1000;

function handshake(
  req: IncomingMessage,
  upgrade: WebsocketUpgrade,
): Promise<WebSocket | undefined> {
  return new Promise((resolve) => {
    const onClose = () => {
      resolve(undefined);
    };
    upgrade.socket.once('close', onClose);
    upgrade.release();
    websocketServer().handleUpgrade(req, upgrade.socket, upgrade.head, (ws) => {
      upgrade.socket.off('close', onClose);
      resolve(ws);
    });
  });
}

function closeGracefully(ws: WebSocket): Promise<void> {
  if (ws.readyState === WebSocket.CLOSED) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      ws.terminate();
    }, closeGraceMs);
    ws.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    if (ws.readyState === WebSocket.OPEN) ws.close(1000);
  });
}

/**
 * Streams a watch over a websocket: completes the handshake, then sends each event as one message
 * until the client closes, the server shuts down, `timeoutMs` passes or the storage ends the watch.
 * Resolves when the connection is closed.
 */
export async function serveWatchWebsocket(
  req: IncomingMessage,
  upgrade: WebsocketUpgrade,
  options: ServeWatchOptions,
): Promise<void> {
  const { watcher, output } = options;
  const ws = await handshake(req, upgrade);
  if (ws === undefined) {
    watcher.stop();
    return;
  }
  const stopped = new AbortController();
  const stop = () => {
    stopped.abort();
    watcher.stop();
  };
  const signals = options.signals.filter((s): s is AbortSignal => s !== undefined);
  for (const s of signals) {
    if (s.aborted) stop();
    else s.addEventListener('abort', stop, { once: true });
  }
  // as kube: whatever the client sends is ignored; its close ends the watch
  ws.on('close', stop);
  ws.on('error', stop);
  const timer = setTimeout(stop, options.timeoutMs);
  const protobuf =
    output.mediaType === MEDIA_TYPE_PROTOBUF && options.protobuf !== undefined
      ? options.protobuf
      : undefined;
  let first = true;
  try {
    for await (const event of watcher) {
      if (stopped.signal.aborted || ws.readyState !== WebSocket.OPEN) break;
      const wire = options.transform(event, first);
      first = false;
      const message = protobuf
        ? // one WatchEvent message per websocket message: the frame without its length prefix
          Buffer.from(await protobuf.encodeWatchEvent(wire as WatchEvent)).subarray(4)
        : encodeWatchEvent(wire);
      await send(ws, message, protobuf !== undefined);
      if (event.type === 'ERROR') break;
    }
  } finally {
    clearTimeout(timer);
    for (const s of signals) s.removeEventListener('abort', stop);
    watcher.stop();
    await closeGracefully(ws);
  }
}

function send(ws: WebSocket, message: string | Buffer, binary: boolean): Promise<void> {
  if (ws.bufferedAmount < highWaterMark) {
    ws.send(message, { binary }, () => undefined);
    return Promise.resolve();
  }
  // too much queued: wait until this message is handed to the socket
  return new Promise((resolve) => {
    ws.send(message, { binary }, () => {
      resolve();
    });
  });
}
