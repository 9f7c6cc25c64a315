import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { notFound } from '@kapi/apimachinery';
import {
  alwaysAllowAuthorizer,
  anonymousAuthenticator,
  ApiServerMetrics,
  buildHandlerChain,
  serveMetrics,
  toRequestListener,
  writeJson,
} from '../src/index.js';

describe('request metrics', () => {
  it('counts requests with kube labels and real codes', async () => {
    const metrics = new ApiServerMetrics();
    const handler = buildHandlerChain(
      async (req, res) => {
        if (req.url === '/metrics') return serveMetrics(metrics.registry, res);
        if (req.url?.includes('/missing'))
          throw notFound({ group: '', resource: 'configmaps' }, 'missing');
        writeJson(res, 200, {});
      },
      { authenticator: anonymousAuthenticator, authorizer: alwaysAllowAuthorizer, metrics },
    );
    const server = createServer(toRequestListener(handler));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      await (await fetch(`${base}/api/v1/namespaces/default/configmaps`)).text();
      await (await fetch(`${base}/api/v1/namespaces/default/configmaps/missing`)).text();
      await (
        await fetch(`${base}/apis/apps/v1/namespaces/x/deployments/d?dryRun=All`, {
          method: 'PATCH',
          headers: { 'content-type': 'application/apply-patch+yaml' },
          body: '{}',
        })
      ).text();
      await new Promise((r) => setTimeout(r, 20));
      const text = await (await fetch(`${base}/metrics`)).text();
      assert.match(
        text,
        /apiserver_request_total\{verb="LIST",dry_run="",group="",version="v1",resource="configmaps",subresource="",scope="namespace",component="apiserver",code="200"\} 1/,
      );
      assert.match(
        text,
        /apiserver_request_total\{verb="GET",dry_run="",group="",version="v1",resource="configmaps",subresource="",scope="resource",component="apiserver",code="404"\} 1/,
      );
      assert.match(
        text,
        /apiserver_request_total\{verb="APPLY",dry_run="All",group="apps",[^}]*code="200"\} 1/,
      );
      assert.match(text, /apiserver_request_duration_seconds_bucket\{le="0.005",verb="LIST"/);
    } finally {
      server.close();
    }
  });
});

describe('ApiServerMetrics exposition', () => {
  const labels = {
    verb: 'GET',
    dry_run: '',
    group: '',
    version: 'v1',
    resource: 'configmaps',
    subresource: '',
    scope: 'resource',
    component: 'apiserver',
  };

  it('counts by code and fills cumulative buckets, sum and count as Prometheus reads them', async () => {
    const metrics = new ApiServerMetrics();
    // on a bound counts in that bucket (le is "less or equal"); above the last only in +Inf
    for (const seconds of [0.001, 0.005, 0.02, 0.3, 61]) metrics.observe(labels, 200, seconds);
    metrics.observe(labels, 404, 0.001);
    metrics.observe({ ...labels, verb: 'WATCH', scope: 'namespace' }, 200, 1800);
    const text = await metrics.registry.metrics();
    const sample = (name: string, extra: string) => {
      const pattern = new RegExp(`^${name}\\{${extra}\\} (\\S+)$`, 'm');
      const match = pattern.exec(text);
      assert.ok(match, `no ${name}{${extra}} in\n${text}`);
      return Number(match[1]);
    };
    const series =
      'verb="GET",dry_run="",group="",version="v1",resource="configmaps",subresource="",scope="resource",component="apiserver"';
    assert.equal(sample('apiserver_request_total', `${series},code="200"`), 5);
    assert.equal(sample('apiserver_request_total', `${series},code="404"`), 1);
    assert.equal(
      sample('apiserver_request_total', `verb="WATCH",[^}]*scope="namespace",[^}]*code="200"`),
      1,
    );
    const bucket = (le: string) =>
      sample('apiserver_request_duration_seconds_bucket', `le="${le}",${series}`);
    assert.equal(bucket('0.005'), 3);
    assert.equal(bucket('0.025'), 4);
    assert.equal(bucket('0.2'), 4);
    assert.equal(bucket('0.4'), 5);
    assert.equal(bucket('60'), 5);
    assert.equal(bucket('\\+Inf'), 6);
    assert.equal(sample('apiserver_request_duration_seconds_count', series), 6);
    assert.ok(Math.abs(sample('apiserver_request_duration_seconds_sum', series) - 61.327) < 1e-9);
    // watches are counted but not timed
    assert.doesNotMatch(text, /apiserver_request_duration_seconds_count\{verb="WATCH"/);
    assert.match(text, /# TYPE apiserver_request_duration_seconds histogram/);
    assert.match(text, /# TYPE apiserver_request_total counter/);

    const json = await metrics.registry.getMetricsAsJSON();
    const total = json.find((m) => m.name === 'apiserver_request_total');
    assert.equal(total?.values.length, 3);

    metrics.registry.resetMetrics();
    assert.doesNotMatch(await metrics.registry.metrics(), /code="200"/);
  });

  it('lives in the host registry beside its own metrics', async () => {
    const { Counter, Registry } = await import('prom-client');
    const registry = new Registry();
    const own = new Counter({ name: 'host_things_total', help: 'things', registers: [registry] });
    own.inc(2);
    const metrics = new ApiServerMetrics(registry);
    metrics.observe(labels, 201, 0.01);
    const text = await registry.metrics();
    assert.match(text, /^host_things_total 2$/m);
    assert.match(text, /apiserver_request_total\{verb="GET",[^}]*code="201"\} 1/);
    assert.throws(() => new ApiServerMetrics(registry), /already been registered/);
  });
});
