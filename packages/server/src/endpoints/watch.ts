/**
 * Serving a watch: newline-delimited JSON events (or length-prefixed protobuf frames), headers
 * flushed at once, objects converted to the request's version, ended by the client, the server's
 * shutdown, `timeoutSeconds` or the storage.
 * @module
 */
import type { ServerResponse } from 'node:http';
import { encodeWatchEvent, MEDIA_TYPE_PROTOBUF } from '@kapi/apimachinery';
import type {
  KubeObject,
  NegotiatedOutput,
  ProtobufRegistry,
  Status,
  WatchEvent,
} from '@kapi/apimachinery';
import type { StorageWatchEvent, Watcher } from '@kapi/storage';

/** How one storage event becomes what the client receives (version conversion, Table, metadata). */
export type WatchEventTransform = (
  event: StorageWatchEvent,
  first: boolean,
) => WatchEvent<KubeObject | Status>;

/** Options of {@link serveWatch}. */
export interface ServeWatchOptions {
  watcher: Watcher;
  output: NegotiatedOutput;
  transform: WatchEventTransform;
  protobuf: ProtobufRegistry | undefined;
  /** Ends the watch when aborted (client gone, server shutting down). */
  signals: readonly (AbortSignal | undefined)[];
  timeoutMs: number;
}

function waitDrain(res: ServerResponse, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      signal.removeEventListener('abort', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
    signal.addEventListener('abort', done);
  });
}

/** Streams a watch until it ends; resolves when the response is finished. */
export async function serveWatch(res: ServerResponse, options: ServeWatchOptions): Promise<void> {
  const { watcher, output } = options;
  const controller = new AbortController();
  const stop = () => {
    controller.abort();
    watcher.stop();
  };
  const signals = options.signals.filter((s): s is AbortSignal => s !== undefined);
  for (const s of signals) {
    if (s.aborted) stop();
    else s.addEventListener('abort', stop, { once: true });
  }
  const timer = setTimeout(stop, options.timeoutMs);
  const protobuf =
    output.mediaType === MEDIA_TYPE_PROTOBUF && options.protobuf !== undefined
      ? options.protobuf
      : undefined;
  res.writeHead(200, {
    'Content-Type': protobuf ? output.contentType : 'application/json',
    'Transfer-Encoding': 'chunked',
    'Cache-Control': 'no-cache, private',
  });
  // client-node waits for the headers before it reads any event
  res.flushHeaders();
  let first = true;
  try {
    for await (const event of watcher) {
      if (controller.signal.aborted || res.destroyed) break;
      const wire = options.transform(event, first);
      first = false;
      const chunk = protobuf
        ? Buffer.from(await protobuf.encodeWatchEvent(wire as WatchEvent))
        : encodeWatchEvent(wire);
      if (!res.write(chunk)) await waitDrain(res, controller.signal);
      if (event.type === 'ERROR') break;
    }
  } finally {
    clearTimeout(timer);
    for (const s of signals) s.removeEventListener('abort', stop);
    watcher.stop();
    if (!res.destroyed) res.end();
  }
}
