import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { call, startTestServer } from './api-fixtures.js';
import { jsonLinesAuditSink, withAudit } from '../src/index.js';
import type { AuditEvent } from '../src/index.js';

describe('audit', () => {
  it('records one Metadata event per request with the Audit-Id the client saw', async () => {
    const events: AuditEvent[] = [];
    const { server, url } = await startTestServer({
      audit: withAudit({
        sink: (e) => events.push(e),
        policy: (ctx) => (ctx.requestInfo?.path === '/healthz' ? 'None' : 'Metadata'),
      }),
    });
    try {
      const r = await call(
        url,
        'POST',
        '/api/v1/namespaces/au/configmaps',
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } },
        { 'user-agent': 'test-agent' },
      );
      assert.equal(r.status, 201);
      await call(url, 'GET', '/healthz');
      await new Promise((resolve) => setTimeout(resolve, 20));
      assert.equal(events.length, 1);
      const e = events[0]!;
      assert.equal(e.auditID, r.headers.get('audit-id'));
      assert.equal(e.verb, 'create');
      assert.equal(e.stage, 'ResponseComplete');
      assert.deepEqual(e.user, {
        username: 'system:anonymous',
        groups: ['system:unauthenticated'],
      });
      assert.deepEqual(e.objectRef, {
        resource: 'configmaps',
        namespace: 'au',
        apiGroup: '',
        apiVersion: 'v1',
      });
      assert.equal(e.responseStatus.code, 201);
      assert.equal(e.userAgent, 'test-agent');
      assert.match(e.requestReceivedTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    } finally {
      await server.close();
    }
  });

  it('writes JSON lines', () => {
    const stream = new PassThrough();
    let text = '';
    stream.on('data', (c: Buffer) => (text += c.toString()));
    jsonLinesAuditSink(stream)({ kind: 'Event' } as AuditEvent);
    assert.equal(text, '{"kind":"Event"}\n');
  });
});
