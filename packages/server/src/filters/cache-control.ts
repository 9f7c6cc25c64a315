import type { Filter } from '../handler.js';

/**
 * Marks every response `Cache-Control: no-cache, private` unless the handler chose otherwise
 * (as kube's WithCacheControl), so no shared cache keeps API answers.
 */
export function withCacheControl(): Filter {
  // set up front: a handler's own Cache-Control (setHeader or writeHead headers) replaces it
  return (next) => (req, res, ctx) => {
    res.setHeader('Cache-Control', 'no-cache, private');
    return next(req, res, ctx);
  };
}
