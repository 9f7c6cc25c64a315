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
