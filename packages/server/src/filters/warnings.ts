import type { ServerResponse } from 'node:http';
import type { Filter } from '../handler.js';

/** The most warnings sent on one response, and the longest one (kube: 4 KiB each, 12 KiB in all — we bound by count). */
const maxWarnings = 50;

/**
 * Sends `ctx.warnings` as `Warning: 299 - "…"` headers when the response's headers go out, as
 * kube's WithWarningRecorder. Duplicate warnings are sent once.
 */
export function withWarnings(): Filter {
  return (next) => (req, res, ctx) => {
    const holder = res as ResponseWithWarnings;
    // kept to be applied with the response as `this`, as node calls it
    // eslint-disable-next-line @typescript-eslint/unbound-method
    holder[kWarnings] = { warnings: ctx.warnings, writeHead: res.writeHead };
    // one shared function rather than a bound copy and a closure per request
    res.writeHead = writeHeadWithWarnings;
    return next(req, res, ctx);
  };
}

const kWarnings = Symbol('kapi.warnings');

type WriteHead = (this: ServerResponse, ...args: unknown[]) => ServerResponse;

type ResponseWithWarnings = ServerResponse & {
  [kWarnings]?: { warnings: readonly string[]; writeHead: ServerResponse['writeHead'] };
};

function writeHeadWithWarnings(this: ResponseWithWarnings, ...args: unknown[]): ServerResponse {
  const state = this[kWarnings]!;
  if (state.warnings.length > 0 && !this.headersSent) {
    const unique = [...new Set(state.warnings)].slice(0, maxWarnings);
    this.setHeader(
      'Warning',
      unique.map((w) => `299 - ${JSON.stringify(w.replace(/[\r\n]+/g, ' '))}`),
    );
  }
  return (state.writeHead as WriteHead).apply(this, args);
}
