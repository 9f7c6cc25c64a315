import type { Filter } from '../handler.js';
import { requestInfoParser } from '../request-info.js';
import type { RequestInfoOptions } from '../request-info.js';

/** Parses the request's path and query into `ctx.requestInfo` (as kube's WithRequestInfo). */
export function withRequestInfo(options: RequestInfoOptions = {}): Filter {
  const parse = requestInfoParser(options);
  return (next) => (req, res, ctx) => {
    const url = new URL(req.url ?? '/', 'http://request.invalid');
    ctx.requestInfo = parse(req.method ?? 'GET', url.pathname, url.searchParams);
    return next(req, res, ctx);
  };
}
