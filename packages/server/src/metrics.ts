/**
 * Prometheus metrics with kube-apiserver's names and labels (k8s.io/apiserver pkg/endpoints/metrics),
 * through prom-client, in the host's own registry.
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Counter, Histogram, Registry } from 'prom-client';
import type { Filter } from './handler.js';
import type { RequestInfo } from './request-info.js';
import { requestURL } from './request-url.js';

/** The name of one label of a request metric, as kube-apiserver names them. */
export type RequestMetricLabel =
  'verb' | 'dry_run' | 'group' | 'version' | 'resource' | 'subresource' | 'scope' | 'component';

const requestLabels: readonly RequestMetricLabel[] = [
  'verb',
  'dry_run',
  'group',
  'version',
  'resource',
  'subresource',
  'scope',
  'component',
];

/** The labels of one request's metrics. */
export type RequestMetricLabels = Record<RequestMetricLabel, string>;

// as kube: apiserver_request_duration_seconds buckets
const durationBuckets = [
  0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 45,
  60,
];

/** The metrics an API server records. */
export class ApiServerMetrics {
  /** The registry they live in (the host's, or a new one). */
  readonly registry: Registry;
  private readonly requests: Counter<RequestMetricLabel | 'code'>;
  private readonly duration: Histogram<RequestMetricLabel>;
  private readonly series = new Map<
    string,
    { duration: { observe(value: number): void }; byCode: Map<number, { inc(): void }> }
  >();

  constructor(registry: Registry = new Registry()) {
    this.registry = registry;
    this.requests = new Counter({
      name: 'apiserver_request_total',
      help: 'Counter of apiserver requests broken out for each verb, dry run value, group, version, resource, scope, component, and HTTP response code.',
      labelNames: [...requestLabels, 'code'],
      registers: [registry],
    });
    this.duration = new Histogram({
      name: 'apiserver_request_duration_seconds',
      help: 'Response latency distribution in seconds for each verb, dry run value, group, version, resource, subresource, scope and component.',
      labelNames: [...requestLabels],
      buckets: durationBuckets,
      registers: [registry],
    });
  }

  /** Records one finished request. */
  observe(labels: RequestMetricLabels, code: number, seconds: number): void {
    // prom-client hashes label sets on every call: keep the labelled children per label set
    const key = `${labels.verb}\0${labels.dry_run}\0${labels.group}\0${labels.version}\0${labels.resource}\0${labels.subresource}\0${labels.scope}\0${labels.component}`;
    let series = this.series.get(key);
    if (series === undefined) {
      series = { duration: this.duration.labels(labels), byCode: new Map() };
      this.series.set(key, series);
    }
    let counter = series.byCode.get(code);
    if (counter === undefined) {
      counter = this.requests.labels({ ...labels, code: String(code) });
      series.byCode.set(code, counter);
    }
    counter.inc();
    // as kube: watches are not timed, their duration is the watch's lifetime
    if (labels.verb !== 'WATCH') series.duration.observe(seconds);
  }
}

/** kube's upper-case verb for metrics: LIST, WATCH, APPLY for server-side apply patches, and so on. */
export function metricsVerb(info: RequestInfo | undefined, req: IncomingMessage): string {
  if (info === undefined || !info.isResourceRequest) return (req.method ?? 'GET').toUpperCase();
  if (
    info.verb === 'patch' &&
    (req.headers['content-type'] ?? '').startsWith('application/apply-patch')
  ) {
    return 'APPLY';
  }
  return info.verb.toUpperCase();
}

function scopeOf(info: RequestInfo | undefined): string {
  if (info === undefined || !info.isResourceRequest) return '';
  if (info.name !== '') return 'resource';
  if (info.namespace !== '') return 'namespace';
  return 'cluster';
}

/**
 * Records `apiserver_request_total` and `apiserver_request_duration_seconds` for every request,
 * when its response ends, so answers written by outer filters (a thrown error's Status) count
 * with their real code.
 */
export function withMetrics(metrics: ApiServerMetrics): Filter {
  return (next) => (req, res, ctx) => {
    res.once('close', () => {
      const info = ctx.requestInfo;
      const dryRun = requestURL(req).searchParams.getAll('dryRun');
      metrics.observe(
        {
          verb: metricsVerb(info, req),
          dry_run: dryRun.length > 0 ? dryRun.sort().join(',') : '',
          group: info?.apiGroup ?? '',
          version: info?.apiVersion ?? '',
          resource: info?.resource ?? '',
          subresource: info?.subresource ?? '',
          scope: scopeOf(info),
          component: 'apiserver',
        },
        res.statusCode,
        (performance.now() - ctx.receivedAt) / 1000,
      );
    });
    return next(req, res, ctx);
  };
}

/** Serves the registry in Prometheus' text format. */
export async function serveMetrics(registry: Registry, res: ServerResponse): Promise<void> {
  const body = await registry.metrics();
  res.writeHead(200, { 'Content-Type': registry.contentType });
  res.end(body);
}
