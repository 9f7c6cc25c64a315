/**
 * The request's URL, parsed once per request however many filters and handlers ask for it.
 * @module
 */
import type { IncomingMessage } from 'node:http';

/** The parts of a request's URL the server reads: the path and the query. */
export interface RequestURL {
  /** The path as the WHATWG URL parser normalizes it (dot segments resolved, unsafe bytes escaped). */
  readonly pathname: string;
  /** The query, parsed on first use. */
  readonly searchParams: URLSearchParams;
}

const kURL = Symbol('kapi.requestURL');

// characters the URL parser keeps as they are in a path; anything else takes the full parser
const PLAIN_PATH = /^(?:\/[A-Za-z0-9\-._~!$&'()*+,;=:@%]*)+$/;
// dot segments (also percent-encoded ones) are resolved by the full parser
const DOT_SEGMENT = /\/\.\.?(?:\/|$)|%2e/i;
// a fragment, and controls and spaces (which the parser strips or drops), anywhere in the target
// eslint-disable-next-line no-control-regex -- the controls are what it looks for
const SPECIAL_ANYWHERE = /[\x00-\x20#]/;

class ParsedRequestURL implements RequestURL {
  readonly pathname: string;
  readonly #query: string;
  #searchParams: URLSearchParams | undefined;

  constructor(raw: string) {
    const q = raw.indexOf('?');
    const path = q === -1 ? raw : raw.slice(0, q);
    if (!SPECIAL_ANYWHERE.test(raw) && PLAIN_PATH.test(path) && !DOT_SEGMENT.test(path)) {
      // the common case: the parser would hand the path back unchanged
      this.pathname = path;
      this.#query = q === -1 ? '' : raw.slice(q + 1);
    } else {
      // origin-form targets are paths, even `//x/y` (which alone would read as a host)
      const url = raw.startsWith('/')
        ? new URL(`http://request.invalid${raw}`)
        : new URL(raw, 'http://request.invalid');
      this.pathname = url.pathname;
      this.#query = url.search.slice(1);
    }
  }

  get searchParams(): URLSearchParams {
    // the constructor drops one leading `?`: give it one, so a query that starts with `?` keeps it
    return (this.#searchParams ??= new URLSearchParams(`?${this.#query}`));
  }
}

/** The request's URL (path and query), parsed on first use and kept on the request. */
export function requestURL(req: IncomingMessage): RequestURL {
  // a symbol property rather than a WeakMap: cheaper to read, and it dies with the request
  const holder = req as IncomingMessage & { [kURL]?: RequestURL };
  return (holder[kURL] ??= new ParsedRequestURL(req.url ?? '/'));
}
