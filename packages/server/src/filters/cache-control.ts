import type { ServerResponse } from 'node:http';
import type { Filter } from '../handler.js';

const noCache = 'no-cache, private';

/**
 * Marks every response `Cache-Control: no-cache, private` unless the handler chose otherwise
 * (as kube's WithCacheControl), so no shared cache keeps API answers.
 */
export function withCacheControl(): Filter {
  return (next) => (req, res, ctx) => {
    const holder = res as ResponseWithDefault;
    // kept to be applied with the response as `this`, as node calls it
    // eslint-disable-next-line @typescript-eslint/unbound-method
    holder[kWriteHead] = res.writeHead;
    res.writeHead = writeHeadWithCacheControl;
    return next(req, res, ctx);
  };
}

const kWriteHead = Symbol('kapi.cacheControl.writeHead');

type WriteHead = (this: ServerResponse, ...args: unknown[]) => ServerResponse;

type ResponseWithDefault = ServerResponse & { [kWriteHead]?: ServerResponse['writeHead'] };

/**
 * Adds the header when the headers go out, into the object handed to writeHead where there is
 * one: a `setHeader` before `writeHead(code, headers)` would send node down its slower path of
 * merging the two, which costs a cached GET about a tenth of its throughput.
 */
function writeHeadWithCacheControl(this: ResponseWithDefault, ...args: unknown[]): ServerResponse {
  if (!this.headersSent && !this.hasHeader('cache-control')) {
    const last = args.length - 1;
    const headers = last >= 1 ? args[last] : undefined;
    if (isHeaderObject(headers)) {
      if (!hasHeaderNamed(headers, 'cache-control')) {
        args[last] = { 'Cache-Control': noCache, ...headers };
      }
    } else if (!Array.isArray(headers)) {
      this.setHeader('Cache-Control', noCache);
    } else if (!headers.some((h) => isCacheControl(Array.isArray(h) ? h[0] : h))) {
      // raw header lists are left as they are; the default joins the response's own headers
      this.setHeader('Cache-Control', noCache);
    }
  }
  return (this[kWriteHead] as WriteHead).apply(this, args);
}

function isHeaderObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function hasHeaderNamed(headers: Record<string, unknown>, lowerName: string): boolean {
  for (const key in headers) if (key.toLowerCase() === lowerName) return true;
  return false;
}

function isCacheControl(name: unknown): boolean {
  return typeof name === 'string' && name.toLowerCase() === 'cache-control';
}
