import type { Filter } from '../handler.js';

/** Options of {@link withCors}. */
export interface CorsOptions {
  /** Origins allowed, as regular expressions matched against the Origin header (kube: --cors-allowed-origins). */
  allowedOrigins: readonly RegExp[];
  allowedMethods?: readonly string[];
  allowedHeaders?: readonly string[];
  exposedHeaders?: readonly string[];
  allowCredentials?: boolean;
}

/**
 * Answers CORS for allowed origins (as kube's WithCORS): preflight `OPTIONS` requests get 204 with
 * the allow headers; other requests from an allowed origin get the allow headers and go on.
 * Requests from other origins pass through untouched (the browser then refuses the response).
 */
export function withCors(options: CorsOptions): Filter {
  const methods = (
    options.allowedMethods ?? ['POST', 'GET', 'OPTIONS', 'PUT', 'DELETE', 'PATCH']
  ).join(', ');
  const headers = (
    options.allowedHeaders ?? [
      'Content-Type',
      'Content-Length',
      'Accept-Encoding',
      'X-CSRF-Token',
      'Authorization',
      'X-Requested-With',
      'If-Modified-Since',
    ]
  ).join(', ');
  const exposed = (options.exposedHeaders ?? ['Date']).join(', ');
  const credentials = String(options.allowCredentials ?? true);
  return (next) => (req, res, ctx) => {
    const origin = req.headers.origin;
    if (origin !== undefined && options.allowedOrigins.some((re) => re.test(origin))) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Allow-Methods', methods);
      res.setHeader('Access-Control-Allow-Headers', headers);
      res.setHeader('Access-Control-Expose-Headers', exposed);
      res.setHeader('Access-Control-Allow-Credentials', credentials);
      res.setHeader('Vary', 'Origin');
      if (req.method === 'OPTIONS') {
        res.writeHead(204);
        res.end();
        return Promise.resolve();
      }
    }
    return next(req, res, ctx);
  };
}
