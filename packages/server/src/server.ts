/**
 * Assembling a whole API server from its parts: the API handler, the non-resource endpoints
 * (`/version`, health, `/metrics`, OpenAPI), the filter chain, and serving.
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { notFoundPath } from './endpoints/not-found.js';
import { APIHandler } from './endpoints/api.js';
import type { APIOptions } from './endpoints/api.js';
import { buildHandlerChain } from './chain.js';
import type { HandlerChainConfig } from './chain.js';
import type { Handler, RequestContext } from './handler.js';
import { healthCheck, healthEndpoint, pingCheck, shutdownCheck } from './health.js';
import type { HealthCheck } from './health.js';
import { ApiServerMetrics, serveMetrics } from './metrics.js';
import { writeJson } from './response.js';
import { OpenAPIHandler } from './openapi/index.js';
import type { OpenAPIOptions } from './openapi/index.js';
import { KapiServer } from './serving/server.js';
import type { ServeOptions } from './serving/server.js';
import { requestURL } from './request-url.js';

/** What `/version` answers (k8s.io/apimachinery pkg/version Info). */
export interface VersionInfo {
  major: string;
  minor: string;
  gitVersion: string;
  gitCommit: string;
  gitTreeState: string;
  buildDate: string;
  goVersion: string;
  compiler: string;
  platform: string;
}

/** The Kubernetes minor version whose API Kapi implements; kubectl's version dispatcher picks its build by it. */
export const KUBERNETES_MINOR = '32';

/** Kapi's own version, carried in `gitVersion` as semver build metadata. */
export const KAPI_VERSION = '0.1.0';

/** The default `/version` answer. */
export function defaultVersionInfo(): VersionInfo {
  return {
    major: '1',
    minor: KUBERNETES_MINOR,
    gitVersion: `v1.${KUBERNETES_MINOR}.0+kapi.${KAPI_VERSION}`,
    gitCommit: '',
    gitTreeState: '',
    buildDate: '',
    goVersion: `node${process.versions.node}`,
    compiler: 'kapi',
    platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
  };
}

/** A handler for paths beyond the API: resolves true when it served the request. */
export type PathHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  ctx: RequestContext,
) => Promise<boolean>;

/** Everything an API server is made of. Authentication and authorization have no defaults on purpose. */
export interface APIServerConfig extends APIOptions, Omit<HandlerChainConfig, 'metrics'> {
  /** Overrides of the `/version` answer. */
  version?: Partial<VersionInfo>;
  /** Where metrics go (default a new registry); `false` serves no `/metrics`. */
  metrics?: ApiServerMetrics | false;
  /** Extra readiness checks (the storage's own check is always there). */
  readinessChecks?: readonly HealthCheck[];
  /** Extra liveness checks. */
  livenessChecks?: readonly HealthCheck[];
  /** Handlers for other paths, tried after the built-in ones. */
  pathHandlers?: readonly PathHandler[];
  /** Options of the OpenAPI v2/v3 documents generated from the scheme. */
  openapi?: OpenAPIOptions;
}

/** An assembled API server: its handler chain, its parts, and how to serve it. */
export class APIServer {
  readonly api: APIHandler;
  readonly openapi: OpenAPIHandler;
  readonly metrics: ApiServerMetrics | undefined;
  /** The whole chain, for hosts that serve it themselves. */
  readonly handler: Handler;
  private readonly pathHandlers: PathHandler[] = [];
  private readonly version: VersionInfo;
  private server: KapiServer | undefined;
  private shuttingDown = false;

  constructor(private readonly config: APIServerConfig) {
    this.api = new APIHandler(config);
    this.openapi = new OpenAPIHandler(config.scheme, this.api.groups, {
      ...(config.protobuf
        ? {
            produces: [
              'application/json',
              'application/yaml',
              'application/vnd.kubernetes.protobuf',
            ],
          }
        : {}),
      ...config.openapi,
    });
    this.metrics =
      config.metrics === false ? undefined : (config.metrics ?? new ApiServerMetrics());
    this.version = { ...defaultVersionInfo(), ...config.version };
    const storage = config.storage;
    const storageCheck = healthCheck('storage', () => storage.readinessCheck());
    const isShuttingDown = () => this.shuttingDown || (this.server?.shuttingDown ?? false);
    const healthz = healthEndpoint('healthz', [pingCheck, ...(config.livenessChecks ?? [])]);
    const livez = healthEndpoint('livez', [pingCheck, ...(config.livenessChecks ?? [])]);
    const readyz = healthEndpoint('readyz', [
      pingCheck,
      storageCheck,
      shutdownCheck(isShuttingDown),
      ...(config.readinessChecks ?? []),
    ]);
    const metrics = this.metrics;
    this.pathHandlers.push(
      (req, res, ctx) => this.api.serve(req, res, ctx),
      async (req, res, ctx) =>
        (await healthz(req, res, ctx.signal)) ||
        (await livez(req, res, ctx.signal)) ||
        readyz(req, res, ctx.signal),
      (req, res) => {
        const path = requestURL(req).pathname;
        if (path === '/version' || path === '/version/') {
          writeJson(res, 200, this.version);
          return Promise.resolve(true);
        }
        if (path === '/metrics' && metrics !== undefined) {
          return serveMetrics(metrics.registry, res).then(() => true);
        }
        return Promise.resolve(false);
      },
      (req, res) => this.openapi.serve(req, res),
      ...(config.pathHandlers ?? []),
    );
    const mux: Handler = async (req, res, ctx) => {
      for (const handler of this.pathHandlers) if (await handler(req, res, ctx)) return;
      throw notFoundPath();
    };
    const { metrics: _configured, ...chainConfig } = config;
    this.handler = buildHandlerChain(mux, { ...chainConfig, ...(metrics ? { metrics } : {}) });
  }

  /** Adds a handler for more paths, tried after those already there. */
  addPathHandler(handler: PathHandler): void {
    this.pathHandlers.push(handler);
  }

  /** Serves the chain on a socket. */
  async listen(
    options: Omit<ServeOptions, 'handler' | 'onShutdown'> = {},
  ): Promise<{ host: string; port: number; url: string }> {
    this.server = new KapiServer({
      ...options,
      handler: this.handler,
      onShutdown: async () => {
        await this.api.close();
        await this.config.storage.close();
      },
    });
    return this.server.listen();
  }

  /** Graceful shutdown: readiness fails, requests drain, watches end, storage closes. */
  async close(): Promise<void> {
    this.shuttingDown = true;
    if (this.server) await this.server.shutdown();
    else {
      await this.api.close();
      await this.config.storage.close();
    }
  }
}
