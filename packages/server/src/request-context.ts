/**
 * The request context the server makes for each request it serves.
 * @module
 */
import type { ServerResponse } from 'node:http';
import type { RequestContext, UserInfo } from './handler.js';
import type { RequestInfo } from './request-info.js';

const kContext = Symbol('kapi.requestContext');
type ResponseWithContext = ServerResponse & { [kContext]?: LazyRequestContext };

// one listener function for every response, instead of a closure per request
function onResponseClose(this: ResponseWithContext): void {
  if (!this.writableFinished) this[kContext]?.abort(new Error('client disconnected'));
}

/**
 * A {@link RequestContext} whose signal is made on first use. Most requests never look at their
 * signal (a GET answered from memory), and an `AbortController` costs microseconds to make, so
 * the context keeps only the reason until somebody asks.
 */
export class LazyRequestContext implements RequestContext {
  readonly receivedAt: number;
  readonly warnings: string[] = [];
  readonly shutdown?: AbortSignal;
  requestInfo?: RequestInfo;
  user?: UserInfo;
  impersonatedBy?: UserInfo;
  deadline?: number;
  #controller: AbortController | undefined;
  #signal: AbortSignal | undefined;
  #aborted = false;
  #reason: unknown;

  constructor(shutdown?: AbortSignal) {
    this.receivedAt = performance.now();
    if (shutdown !== undefined) this.shutdown = shutdown;
  }

  /** Aborted when the client goes away or the request's deadline passes. */
  get signal(): AbortSignal {
    if (this.#signal !== undefined) return this.#signal;
    if (this.#aborted) {
      this.#signal = AbortSignal.abort(this.#reason);
    } else {
      this.#controller = new AbortController();
      this.#signal = this.#controller.signal;
    }
    return this.#signal;
  }

  /**
   * A filter may hand the rest of the chain a signal of its own, derived from this one: the
   * request's own controller (made when the filter read the signal) still aborts on disconnect.
   */
  set signal(signal: AbortSignal) {
    this.#signal = signal;
  }

  /** Aborts the request's own signal (a replaced one belongs to whoever replaced it). */
  abort(reason: unknown): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason;
    this.#controller?.abort(reason);
  }
}

/**
 * Makes the context of one request: its signal aborts when the response closes before it
 * finished (the client went away); `shutdown` is the server's shutdown signal.
 */
export function createRequestContext(
  res: ServerResponse,
  shutdown?: AbortSignal,
): LazyRequestContext {
  const ctx = new LazyRequestContext(shutdown);
  (res as ResponseWithContext)[kContext] = ctx;
  res.on('close', onResponseClose);
  return ctx;
}
