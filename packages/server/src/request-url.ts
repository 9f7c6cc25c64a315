/**
 * The request's URL, parsed once per request however many filters and handlers ask for it.
 * @module
 */
import type { IncomingMessage } from 'node:http';

const kURL = Symbol('kapi.requestURL');

/** The request's URL (path and query), parsed on first use and kept on the request. */
export function requestURL(req: IncomingMessage): URL {
  // a symbol property rather than a WeakMap: cheaper to read, and it dies with the request
  const holder = req as IncomingMessage & { [kURL]?: URL };
  return (holder[kURL] ??= new URL(req.url ?? '/', 'http://request.invalid'));
}
