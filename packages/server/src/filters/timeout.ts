import { badRequest, timeout } from '@kapi/apimachinery';
import type { Filter } from '../handler.js';
import { parseGoDuration } from '../duration.js';
import { longRunningCheck } from '../long-running.js';
import type { LongRunningCheck } from '../long-running.js';
import { writeStatus } from '../response.js';
import { requestURL } from '../request-url.js';

/** Options of {@link withTimeout}. */
export interface TimeoutOptions {
  /** The default and maximum request duration in milliseconds (default 60 000, as kube's --request-timeout). */
  maximumMs?: number;
  /** Requests never timed out (default: watches and proxies). */
  longRunning?: LongRunningCheck;
}

/**
 * Bounds each request's duration (as kube's WithRequestDeadline plus WithTimeoutForNonLongRunningRequests):
 * `?timeout=` in Go duration syntax lowers the bound (0 or above the maximum means the maximum);
 * a malformed value is a 400; overrunning the bound aborts `ctx.signal` and answers 504, and
 * whatever the handler writes afterwards is dropped. Long-running requests are exempt.
 */
export function withTimeout(options: TimeoutOptions = {}): Filter {
  const maximumMs = options.maximumMs ?? 60_000;
  const isLongRunning = options.longRunning ?? longRunningCheck();
  return (next) => async (req, res, ctx) => {
    if (isLongRunning(ctx.requestInfo)) return next(req, res, ctx);
    let limitMs = maximumMs;
    const param = requestURL(req).searchParams.get('timeout');
    if (param !== null && param !== '') {
      let requested: number;
      try {
        requested = parseGoDuration(param);
      } catch (err) {
        writeStatus(
          res,
          badRequest(
            `invalid timeout specified in the request URL - ${err instanceof Error ? err.message : String(err)}`,
          ),
        );
        return;
      }
      if (requested > 0 && requested < maximumMs) limitMs = requested;
    }
    ctx.deadline = ctx.receivedAt + limitMs;
    // a plain controller fed by the parent: AbortSignal.any costs a WeakRef and GC work per request
    const controller = new AbortController();
    const parentSignal = ctx.signal;
    const forward = (): void => {
      controller.abort(parentSignal.reason);
    };
    if (parentSignal.aborted) forward();
    else parentSignal.addEventListener('abort', forward, { once: true });
    ctx.signal = controller.signal;

    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(
        () => {
          resolve('timeout');
        },
        Math.max(0, ctx.deadline! - performance.now()),
      );
    });
    const work = next(req, res, ctx);
    try {
      const winner = await Promise.race([work.then(() => 'done' as const), expired]);
      if (winner === 'timeout') {
        controller.abort(
          timeout('request did not complete within requested timeout - context deadline exceeded'),
        );
        if (!res.headersSent) {
          writeStatus(res, controller.signal.reason);
          muteResponse(res);
        } else {
          res.destroy();
        }
        // the handler sees the aborted signal; its late outcome no longer matters
        work.catch(() => undefined);
      }
    } finally {
      clearTimeout(timer);
      parentSignal.removeEventListener('abort', forward);
    }
  };
}

/** Drops whatever a timed-out handler still writes. */
function muteResponse(res: import('node:http').ServerResponse): void {
  const noop = () => res;
  Object.assign(res, {
    writeHead: noop,
    setHeader: noop,
    write: () => true,
    end: noop,
  });
}
