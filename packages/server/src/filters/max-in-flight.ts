import { tooManyRequests } from '@kapi/apimachinery';
import type { Filter } from '../handler.js';
import { longRunningCheck } from '../long-running.js';
import type { LongRunningCheck } from '../long-running.js';
import { writeStatus } from '../response.js';

/** Limits of {@link withMaxInFlight}. */
export interface MaxInFlightOptions {
  /** Concurrent non-mutating requests (default 400; 0 = unlimited). */
  readOnly?: number;
  /** Concurrent mutating requests (default 200; 0 = unlimited). */
  mutating?: number;
  /** Requests exempt from the limits (default: watches and proxies). */
  longRunning?: LongRunningCheck;
}

const nonMutatingVerbs = new Set(['get', 'list', 'watch']);

/**
 * Caps concurrent requests in two pools, read-only and mutating (as kube's WithMaxInFlightLimit);
 * overflow is a 429 with `Retry-After: 1`. Long-running requests are not counted.
 */
export function withMaxInFlight(options: MaxInFlightOptions = {}): Filter {
  const limits = { readOnly: options.readOnly ?? 400, mutating: options.mutating ?? 200 };
  const inFlight = { readOnly: 0, mutating: 0 };
  const isLongRunning = options.longRunning ?? longRunningCheck();
  return (next) => async (req, res, ctx) => {
    const info = ctx.requestInfo;
    if (isLongRunning(info)) return next(req, res, ctx);
    const pool = info !== undefined && !nonMutatingVerbs.has(info.verb) ? 'mutating' : 'readOnly';
    if (limits[pool] > 0 && inFlight[pool] >= limits[pool]) {
      writeStatus(res, tooManyRequests('Too many requests, please try again later.', 1));
      return;
    }
    inFlight[pool]++;
    try {
      await next(req, res, ctx);
    } finally {
      inFlight[pool]--;
    }
  };
}
