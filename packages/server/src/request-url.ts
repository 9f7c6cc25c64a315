/**
 * The request's URL, parsed once per request however many filters and handlers ask for it.
 * @module
 */
import type { IncomingMessage } from 'node:http';

const parsed = new WeakMap<IncomingMessage, URL>();

/** The request's URL (path and query), parsed on first use and cached on the request. */
export function requestURL(req: IncomingMessage): URL {
  let url = parsed.get(req);
  if (url === undefined) {
    url = new URL(req.url ?? '/', 'http://request.invalid');
    parsed.set(req, url);
  }
  return url;
}
