/**
 * `buildHandlerChain()`: the filters around the API, in kube's order, written once
 * (as k8s.io/apiserver pkg/server/config.go DefaultBuildHandlerChain, outermost first).
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Authenticator, Authorizer } from './auth.js';
import { withAuthentication } from './filters/authentication.js';
import { withAuthorization } from './filters/authorization.js';
import { withCacheControl } from './filters/cache-control.js';
import { withCors } from './filters/cors.js';
import type { CorsOptions } from './filters/cors.js';
import { withMaxInFlight } from './filters/max-in-flight.js';
import type { MaxInFlightOptions } from './filters/max-in-flight.js';
import { withPanicRecovery } from './filters/panic-recovery.js';
import type { FilterLogger } from './filters/panic-recovery.js';
import { withRequestInfo } from './filters/request-info.js';
import { withTimeout } from './filters/timeout.js';
import { withWarnings } from './filters/warnings.js';
import { compose } from './handler.js';
import type { Filter, Handler } from './handler.js';
import { createRequestContext } from './request-context.js';
import type { LongRunningCheck } from './long-running.js';
import { withMetrics } from './metrics.js';
import type { ApiServerMetrics } from './metrics.js';
import type { RequestInfoOptions } from './request-info.js';

/** The named positions of the chain, outermost first; hosts insert their own filters after any of them. */
export const filterOrder = [
  'panicRecovery',
  'cacheControl',
  'requestInfo',
  'metrics',
  'maxInFlight',
  'timeout',
  'cors',
  'authentication',
  'audit',
  'impersonation',
  'authorization',
  'warnings',
] as const;

/** One of {@link filterOrder}. */
export type FilterName = (typeof filterOrder)[number];

/** What {@link buildHandlerChain} needs. Authentication and authorization have no default on purpose. */
export interface HandlerChainConfig {
  /** Who is calling. Pass `anonymousAuthenticator` explicitly to let everyone in as `system:anonymous`. */
  authenticator: Authenticator;
  /** What they may do. Pass `alwaysAllowAuthorizer` explicitly to allow everything. */
  authorizer: Authorizer;
  /** Impersonation (`Impersonate-User` headers); absent means impersonation headers are not honoured. */
  impersonation?: Filter;
  /** Audit logging; absent means none. */
  audit?: Filter;
  /** In-flight limits (default 400 read-only / 200 mutating); `false` turns them off. */
  maxInFlight?: MaxInFlightOptions | false;
  /** The default and maximum request duration in milliseconds (default 60 000). */
  requestTimeoutMs?: number;
  /** CORS; off unless configured. */
  cors?: CorsOptions;
  /** Which requests are long-running (default: watches and proxies). */
  longRunning?: LongRunningCheck;
  requestInfo?: RequestInfoOptions;
  logger?: FilterLogger;
  /** Where request metrics go; absent means none are recorded. */
  metrics?: ApiServerMetrics;
  /** The host's own filters, each inserted just inside the named position. */
  extraFilters?: readonly { after: FilterName; filter: Filter }[];
}

/** Wraps the API handler in the standard filters, in kube's order. */
export function buildHandlerChain(apiHandler: Handler, config: HandlerChainConfig): Handler {
  const longRunning = config.longRunning;
  const named: Record<FilterName, Filter | undefined> = {
    panicRecovery: withPanicRecovery(config.logger),
    cacheControl: withCacheControl(),
    requestInfo: withRequestInfo(config.requestInfo),
    metrics: config.metrics ? withMetrics(config.metrics) : undefined,
    maxInFlight:
      config.maxInFlight === false
        ? undefined
        : withMaxInFlight({ ...config.maxInFlight, ...(longRunning ? { longRunning } : {}) }),
    timeout: withTimeout({
      ...(config.requestTimeoutMs !== undefined ? { maximumMs: config.requestTimeoutMs } : {}),
      ...(longRunning ? { longRunning } : {}),
    }),
    cors: config.cors ? withCors(config.cors) : undefined,
    authentication: withAuthentication(config.authenticator),
    audit: config.audit,
    impersonation: config.impersonation,
    authorization: withAuthorization(config.authorizer),
    warnings: withWarnings(),
  };
  const filters: Filter[] = [];
  for (const name of filterOrder) {
    const filter = named[name];
    if (filter) filters.push(filter);
    for (const extra of config.extraFilters ?? [])
      if (extra.after === name) filters.push(extra.filter);
  }
  return compose(filters, apiHandler);
}

/**
 * Adapts a Kapi handler to node's `(req, res)` listener: makes the request context, with a
 * signal that aborts when the client goes away.
 */
export function toRequestListener(
  handler: Handler,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    handler(req, res, createRequestContext(res)).catch(() => {
      // the panic-recovery filter already answered; this only guards a chain built without it
      if (!res.headersSent) {
        res.statusCode = 500;
        res.end();
      } else {
        res.destroy();
      }
    });
  };
}
