import type { ServerResponse } from 'node:http';
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
  // most requests run under the default limit: they share one deadline list and one timer
  const defaultLimit = new DeadlineList();
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
    const deadline = ctx.receivedAt + limitMs;
    ctx.deadline = deadline;
    return new Promise<void>((resolve, reject) => {
      const timed = new TimedRequest(res, abortableSignal(ctx), deadline, resolve);
      if (limitMs === maximumMs) defaultLimit.add(timed);
      else timed.startOwnTimer();
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
          if (timed.finish()) resolve();
        },
        (err: unknown) => {
          // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
          if (timed.finish()) reject(err);
        },
      );
    });
  };
}

/** One request under a deadline: finished by its handler, or expired by its timer. */
class TimedRequest {
  /** Neighbours in a {@link DeadlineList}. */
  previous: TimedRequest | undefined;
  following: TimedRequest | undefined;
  list: DeadlineList | undefined;
  private timer: NodeJS.Timeout | undefined;
  private settled = false;

  constructor(
    private readonly res: ServerResponse,
    private readonly abortable: Abortable,
    readonly deadline: number,
    private readonly resolve: () => void,
  ) {}

  /** A timer of its own, for a limit other than the default. */
  startOwnTimer(): void {
    this.timer = setTimeout(expireRequest, msUntil(this.deadline), this);
  }

  /** The handler is done: true when it finished first (the request had not expired). */
  finish(): boolean {
    if (this.settled) return false;
    this.settled = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.list?.remove(this);
    this.abortable.release?.();
    return true;
  }

  /** The deadline passed first: abort the handler's signal and answer 504 in its place. */
  expire(): void {
    if (this.settled) return;
    this.settled = true;
    const reason = timeout(
      'request did not complete within requested timeout - context deadline exceeded',
    );
    this.abortable.abort(reason);
    this.abortable.release?.();
    if (!this.res.headersSent) {
      writeStatus(this.res, reason);
      muteResponse(this.res);
    } else {
      this.res.destroy();
    }
    // the handler sees the aborted signal; its late outcome no longer matters
    this.resolve();
  }
}

function expireRequest(request: TimedRequest): void {
  request.expire();
}

/** Whole milliseconds until `deadline`: node keeps a timer list per distinct duration. */
function msUntil(deadline: number): number {
  return Math.max(0, Math.ceil(deadline - performance.now()));
}

/**
 * Requests under one limit in arrival order, which is deadline order (up to the moments the
 * filters before this one take), in a linked list: adding and finishing are O(1) and allocate
 * nothing, and one timer (for the oldest) serves them all.
 */
class DeadlineList {
  private oldest: TimedRequest | undefined;
  private newest: TimedRequest | undefined;
  private timer: NodeJS.Timeout | undefined;

  add(request: TimedRequest): void {
    request.list = this;
    request.previous = this.newest;
    if (this.newest === undefined) this.oldest = request;
    else this.newest.following = request;
    this.newest = request;
    if (this.timer === undefined)
      this.timer = setTimeout(expireDue, msUntil(request.deadline), this);
    else if (request.previous === undefined) this.timer.ref();
  }

  remove(request: TimedRequest): void {
    if (request.previous === undefined) this.oldest = request.following;
    else request.previous.following = request.following;
    if (request.following === undefined) this.newest = request.previous;
    else request.following.previous = request.previous;
    request.previous = request.following = request.list = undefined;
    if (this.oldest === undefined) {
      // nothing left to time: the timer stays for the next request (re-arming one per request
      // costs more than the rest of the filter) but no longer keeps the process awake
      this.timer?.unref();
    }
  }

  /** Expires the requests whose deadline has passed and sets the timer for the next one. */
  expireDue(): void {
    this.timer = undefined;
    const now = performance.now();
    let request = this.oldest;
    while (request !== undefined && request.deadline <= now) {
      const following = request.following;
      this.remove(request);
      request.expire();
      request = following;
    }
    if (this.oldest !== undefined) {
      this.timer = setTimeout(expireDue, msUntil(this.oldest.deadline), this);
    }
  }
}

function expireDue(list: DeadlineList): void {
  list.expireDue();
}

/** How the timeout filter aborts a request's signal, and lets go of it when the request is done. */
interface Abortable {
  abort(reason: unknown): void;
  release?(): void;
}

/**
 * The server's own contexts abort their (lazily made) signal directly; any other context gets a
 * signal of its own for the rest of the chain, fed by the one it had.
 */
function abortableSignal(ctx: RequestContext): Abortable {
  // the server's own context aborts its signal itself, with nothing to let go of
  if (ctx instanceof LazyRequestContext) return ctx;
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
function muteResponse(res: ServerResponse): void {
  const noop = () => res;
  Object.assign(res, {
    writeHead: noop,
    setHeader: noop,
    write: () => true,
    end: noop,
  });
}
