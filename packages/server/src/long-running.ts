/**
 * Which requests are long-running (watches, proxies, exec-style subresources): they are exempt
 * from the request timeout and the in-flight limits, as kube's BasicLongRunningRequestCheck.
 * @module
 */
import type { RequestInfo } from './request-info.js';

/** Decides whether a request is long-running. */
export type LongRunningCheck = (info: RequestInfo | undefined) => boolean;

/** Watches and proxies, plus the subresources named (default: kube's attach, exec, proxy, log, portforward). */
export function longRunningCheck(
  subresources: readonly string[] = ['attach', 'exec', 'proxy', 'log', 'portforward'],
): LongRunningCheck {
  const set = new Set(subresources);
  return (info) =>
    info !== undefined &&
    info.isResourceRequest &&
    (info.verb === 'watch' || info.verb === 'proxy' || set.has(info.subresource));
}
