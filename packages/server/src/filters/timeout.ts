import { badRequest, timeout } from '@kapi/apimachinery';
import type { Filter, RequestContext } from '../handler.js';
import { LazyRequestContext } from '../request-context.js';
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
  return (next) => (req, res, ctx) => {
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
        return Promise.resolve();
      }
      if (requested > 0 && requested < maximumMs) limitMs = requested;
    }
    ctx.deadline = ctx.receivedAt + limitMs;
    const abortable = abortableSignal(ctx);
    return new Promise<void>((resolve, reject) => {
      let timedOut = false;
      const timer = setTimeout(
        () => {
          timedOut = true;
          const reason = timeout(
            'request did not complete within requested timeout - context deadline exceeded',
          );
          abortable.abort(reason);
          abortable.release();
          if (!res.headersSent) {
            writeStatus(res, reason);
            muteResponse(res);
          } else {
            res.destroy();
          }
          // the handler sees the aborted signal; its late outcome no longer matters
          resolve();
        },
        Math.max(0, ctx.deadline! - performance.now()),
      );
      let work: Promise<void>;
      try {
        work = next(req, res, ctx);
      } catch (err) {
        // passed on as thrown: the panic-recovery filter makes a Status of it
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
        work = Promise.reject(err);
      }
      work.then(
        () => {
          if (timedOut) return;
          clearTimeout(timer);
          abortable.release();
          resolve();
        },
        (err: unknown) => {
          if (timedOut) return;
          clearTimeout(timer);
          abortable.release();
          // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
          reject(err);
        },
      );
    });
  };
}

/** How the timeout filter aborts a request's signal, and lets go of it when the request is done. */
interface Abortable {
  abort(reason: unknown): void;
  release(): void;
}

const nothingToRelease = (): void => undefined;

/**
 * The server's own contexts abort their (lazily made) signal directly; any other context gets a
 * signal of its own for the rest of the chain, fed by the one it had.
 */
function abortableSignal(ctx: RequestContext): Abortable {
  if (ctx instanceof LazyRequestContext) {
    return {
      abort: (reason) => {
        ctx.abort(reason);
      },
      release: nothingToRelease,
    };
  }
  const controller = new AbortController();
  const parentSignal = ctx.signal;
  const forward = (): void => {
    controller.abort(parentSignal.reason);
  };
  if (parentSignal.aborted) forward();
  else parentSignal.addEventListener('abort', forward, { once: true });
  ctx.signal = controller.signal;
  return {
    abort: (reason) => {
      controller.abort(reason);
    },
    release: () => {
      parentSignal.removeEventListener('abort', forward);
    },
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
