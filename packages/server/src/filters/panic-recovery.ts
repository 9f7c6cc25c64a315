import { StatusError } from '@kapi/apimachinery';
import type { Filter } from '../handler.js';
import { writeStatus } from '../response.js';

/** The logging a filter needs: pino's shape, so any pino logger fits. */
export interface FilterLogger {
  error(obj: object, msg?: string): void;
}

/**
 * The outermost filter: turns a thrown StatusError into its Status response and anything else
 * into a logged 500, so one failing request never takes the process down (as kube's WithPanicRecovery).
 * When the response has already started, the connection is cut instead, so the client sees a
 * broken response rather than a truncated one that looks whole.
 */
export function withPanicRecovery(logger?: FilterLogger): Filter {
  return (next) => async (req, res, ctx) => {
    try {
      await next(req, res, ctx);
    } catch (err) {
      if (!(err instanceof StatusError)) {
        logger?.error({ err, method: req.method, url: req.url }, 'request handler failed');
      }
      if (res.headersSent) {
        res.destroy();
        return;
      }
      writeStatus(res, err);
    }
  };
}
