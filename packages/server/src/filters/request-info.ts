import type { Filter } from '../handler.js';
import { requestInfoParser } from '../request-info.js';
import type { RequestInfoOptions } from '../request-info.js';
import { requestURL } from '../request-url.js';

/** Parses the request's path and query into `ctx.requestInfo` (as kube's WithRequestInfo). */
export function withRequestInfo(options: RequestInfoOptions = {}): Filter {
  const parse = requestInfoParser(options);
  return (next) => (req, res, ctx) => {
    const url = requestURL(req);
    ctx.requestInfo = parse(req.method ?? 'GET', url.pathname, url.searchParams);
    return next(req, res, ctx);
  };
}
