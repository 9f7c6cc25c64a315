import type { Filter } from '../handler.js';

/**
 * Marks every response `Cache-Control: no-cache, private` unless the handler chose otherwise
 * (as kube's WithCacheControl), so no shared cache keeps API answers.
 */
export function withCacheControl(): Filter {
  return (next) => (req, res, ctx) => {
    const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => typeof res;
    res.writeHead = (...args: unknown[]) => {
      const explicit = args.some(
        (a) =>
          typeof a === 'object' &&
          a !== null &&
          !Array.isArray(a) &&
          Object.keys(a).some((k) => k.toLowerCase() === 'cache-control'),
      );
      if (!explicit && !res.headersSent && !res.hasHeader('cache-control')) {
        res.setHeader('Cache-Control', 'no-cache, private');
      }
      return writeHead(...args);
    };
    return next(req, res, ctx);
  };
}
