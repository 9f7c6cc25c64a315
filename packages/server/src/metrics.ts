/**
 * Prometheus metrics with kube-apiserver's names and labels (k8s.io/apiserver pkg/endpoints/metrics),
 * through prom-client, in the host's own registry.
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Registry } from 'prom-client';
import type { Metric } from 'prom-client';
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

/** One labelled series: the request counts by code and the duration histogram. */
interface Series {
  readonly labels: RequestMetricLabels;
  readonly byCode: Map<number, number>;
  /** Observations per bucket (not cumulative); the last slot counts those above every bound. */
  readonly buckets: Float64Array;
  sum: number;
  count: number;
}

/** One sample as prom-client's Registry formats it. */
interface ExposedValue {
  value: number;
  labels: Record<string, string | number>;
  metricName?: string;
}

/** A metric's samples, as prom-client's Registry reads them from `get()`. */
interface ExposedValues {
  name: string;
  help: string;
  type: 'counter' | 'histogram';
  aggregator: 'sum';
  values: ExposedValue[];
}

/** A metric as prom-client's Registry reads it: a name, a type and `get()`. */
interface ExposedMetric {
  name: string;
  readonly help: string;
  readonly type: 'counter' | 'histogram';
  readonly aggregator: 'sum';
  get(): Promise<ExposedValues>;
  reset(): void;
}

/**
 * The metrics an API server records. Requests are counted in plain maps and arrays on the hot
 * path (prom-client's `inc` and `observe` validate and hash their labels on every call, which
 * cost more than the rest of a cached GET's bookkeeping); the registry reads them when scraped.
 */
export class ApiServerMetrics {
  /** The registry they live in (the host's, or a new one). */
  readonly registry: Registry;
  private readonly series = new Map<string, Series>();

  constructor(registry: Registry = new Registry()) {
    this.registry = registry;
    const requests: ExposedMetric = {
      name: 'apiserver_request_total',
      help: 'Counter of apiserver requests broken out for each verb, dry run value, group, version, resource, scope, component, and HTTP response code.',
      type: 'counter',
      aggregator: 'sum',
      get: () => Promise.resolve(this.requestTotals(requests)),
      reset: () => {
        this.series.clear();
      },
    };
    const duration: ExposedMetric = {
      name: 'apiserver_request_duration_seconds',
      help: 'Response latency distribution in seconds for each verb, dry run value, group, version, resource, subresource, scope and component.',
      type: 'histogram',
      aggregator: 'sum',
      get: () => Promise.resolve(this.durations(duration)),
      reset: () => {
        this.series.clear();
      },
    };
    // prom-client's Registry needs only these members of a metric (its own classes keep the
    // hashing this class avoids); the cast stands for that contract. The two share their series,
    // so resetting either (as `registry.resetMetrics()` does) resets both.
    registry.registerMetric(requests as unknown as Metric);
    registry.registerMetric(duration as unknown as Metric);
  }

  /** Records one finished request. */
  observe(labels: RequestMetricLabels, code: number, seconds: number): void {
    const key = `${labels.verb}\0${labels.dry_run}\0${labels.group}\0${labels.version}\0${labels.resource}\0${labels.subresource}\0${labels.scope}\0${labels.component}`;
    let series = this.series.get(key);
    if (series === undefined) {
      series = {
        // kube's label order, whatever order the caller's object has
        labels: Object.fromEntries(
          requestLabels.map((name) => [name, labels[name]]),
        ) as RequestMetricLabels,
        byCode: new Map(),
        buckets: new Float64Array(durationBuckets.length + 1),
        sum: 0,
        count: 0,
      };
      this.series.set(key, series);
    }
    series.byCode.set(code, (series.byCode.get(code) ?? 0) + 1);
    // as kube: watches are not timed, their duration is the watch's lifetime
    if (labels.verb === 'WATCH' || !Number.isFinite(seconds)) return;
    let bucket = 0;
    while (bucket < durationBuckets.length && seconds > durationBuckets[bucket]!) bucket++;
    series.buckets[bucket]!++;
    series.sum += seconds;
    series.count++;
  }

  private requestTotals(metric: ExposedMetric): ExposedValues {
    const values: ExposedValue[] = [];
    for (const series of this.series.values()) {
      for (const [code, count] of series.byCode) {
        values.push({ value: count, labels: { ...series.labels, code: String(code) } });
      }
    }
    return { ...described(metric), values };
  }

  private durations(metric: ExposedMetric): ExposedValues {
    const values: ExposedValue[] = [];
    const bucketName = `${metric.name}_bucket`;
    for (const series of this.series.values()) {
      if (series.count === 0) continue;
      let cumulative = 0;
      for (let i = 0; i < durationBuckets.length; i++) {
        cumulative += series.buckets[i]!;
        values.push({
          value: cumulative,
          labels: { le: durationBuckets[i]!, ...series.labels },
          metricName: bucketName,
        });
      }
      values.push(
        { value: series.count, labels: { le: '+Inf', ...series.labels }, metricName: bucketName },
        { value: series.sum, labels: { ...series.labels }, metricName: `${metric.name}_sum` },
        { value: series.count, labels: { ...series.labels }, metricName: `${metric.name}_count` },
      );
    }
    return { ...described(metric), values };
  }
}

function described(metric: ExposedMetric): Omit<ExposedValues, 'values'> {
  return { name: metric.name, help: metric.help, type: metric.type, aggregator: metric.aggregator };
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
    // a response emits close once: on() spares once()'s wrapper
    res.on('close', () => {
      const info = ctx.requestInfo;
      // most requests have no query: spare them parsing one
      const dryRun =
        req.url?.includes('?') === true ? requestURL(req).searchParams.getAll('dryRun') : [];
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
