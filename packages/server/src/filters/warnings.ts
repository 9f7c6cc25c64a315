import type { Filter } from '../handler.js';

/** The most warnings sent on one response, and the longest one (kube: 4 KiB each, 12 KiB in all — we bound by count). */
const maxWarnings = 50;

/**
 * Sends `ctx.warnings` as `Warning: 299 - "…"` headers when the response's headers go out, as
 * kube's WithWarningRecorder. Duplicate warnings are sent once.
 */
export function withWarnings(): Filter {
  return (next) => (req, res, ctx) => {
    const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => typeof res;
    res.writeHead = (...args: unknown[]) => {
      if (ctx.warnings.length > 0 && !res.headersSent) {
        const unique = [...new Set(ctx.warnings)].slice(0, maxWarnings);
        res.setHeader(
          'Warning',
          unique.map((w) => `299 - ${JSON.stringify(w.replace(/[\r\n]+/g, ' '))}`),
        );
      }
      return writeHead(...args);
    };
    return next(req, res, ctx);
  };
}
