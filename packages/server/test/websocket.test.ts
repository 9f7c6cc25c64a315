import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import WebSocket from 'ws';
import { ProtobufRegistry } from '@kapi/apimachinery';
import type { APIServer, Authenticator } from '../src/index.js';
import { alwaysDenyAuthorizer } from '../src/index.js';
import { call, startTestServer } from './api-fixtures.js';
import type { Json } from './api-fixtures.js';

const cmPath = '/api/v1/namespaces/default/configmaps';

function configMap(name: string, data: Record<string, string> = { a: '1' }) {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data };
}

/** A websocket client that keeps every message it receives, with its framing. */
class Client {
  readonly messages: { text: string; binary: boolean }[] = [];
  private waiters: (() => void)[] = [];
  readonly closed: Promise<{ code: number }>;

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer, binary: boolean) => {
      this.messages.push({ text: data.toString('utf8'), binary });
      for (const w of this.waiters.splice(0)) w();
    });
    this.closed = new Promise((resolve) => {
      ws.once('close', (code: number) => {
        resolve({ code });
      });
    });
  }

  async next(count: number): Promise<Json[]> {
    const deadline = Date.now() + 5000;
    while (this.messages.length < count) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${count} messages`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
    return this.messages.slice(0, count).map((m) => JSON.parse(m.text));
  }
}

async function open(url: string, protocols?: string | string[]): Promise<Client> {
  const ws = new WebSocket(url.replace(/^http/, 'ws'), protocols);
  const client = new Client(ws);
  await once(ws, 'open');
  return client;
}

/** Opens a websocket that the server refuses; resolves with the HTTP answer it got instead. */
function refused(url: string): Promise<{ status: number; body: Json }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url.replace(/^http/, 'ws'));
    ws.on('open', () => {
      reject(new Error('the websocket opened'));
    });
    ws.on('error', () => undefined);
    ws.on('unexpected-response', (_req, res: IncomingMessage) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) });
      });
    });
  });
}

describe('websocket watch', () => {
  let server: APIServer;
  let url: string;
  before(async () => {
    ({ server, url } = await startTestServer());
  });
  after(() => server.close());

  const subprotocols: { name: string; offered: string[] | undefined; chosen: string }[] = [
    { name: 'no subprotocol', offered: undefined, chosen: '' },
    {
      name: 'base64.binary.k8s.io',
      offered: ['base64.binary.k8s.io'],
      chosen: 'base64.binary.k8s.io',
    },
    { name: 'binary.k8s.io', offered: ['binary.k8s.io'], chosen: 'binary.k8s.io' },
    {
      name: 'a bearer-token protocol is never echoed',
      offered: ['base64url.bearer.authorization.k8s.io.dG9rZW4', 'binary.k8s.io'],
      chosen: 'binary.k8s.io',
    },
  ];
  for (const [i, c] of subprotocols.entries()) {
    it(`sends one JSON watch event per text frame (${c.name})`, async () => {
      const name = `ws-${i}`;
      const client = await open(
        `${url}${cmPath}?watch=true&fieldSelector=metadata.name%3D${name}`,
        c.offered,
      );
      assert.equal(client.ws.protocol, c.chosen);
      await call(url, 'POST', cmPath, configMap(name));
      const created = await call(url, 'GET', `${cmPath}/${name}`);
      await call(url, 'PUT', `${cmPath}/${name}`, { ...created.body, data: { a: '2' } });
      await call(url, 'DELETE', `${cmPath}/${name}`);
      const events = await client.next(3);
      assert.deepEqual(
        events.map((e) => [e.type, e.object.kind, e.object.metadata.name, e.object.data.a]),
        [
          ['ADDED', 'ConfigMap', name, '1'],
          ['MODIFIED', 'ConfigMap', name, '2'],
          ['DELETED', 'ConfigMap', name, '2'],
        ],
      );
      for (const m of client.messages) {
        assert.equal(m.binary, false);
        // as kube's JSON encoder: one event, newline-terminated
        assert.ok(m.text.endsWith('}\n'));
      }
      client.ws.close();
      assert.equal((await client.closed).code, 1005);
    });
  }

  it('replays from a resourceVersion and ends at timeoutSeconds with a normal close', async () => {
    const created = await call(url, 'POST', cmPath, configMap('ws-replay'));
    const rv = Number(created.body.metadata.resourceVersion) - 1;
    const client = await open(
      `${url}${cmPath}?watch=1&resourceVersion=${rv}&timeoutSeconds=1&fieldSelector=metadata.name%3Dws-replay`,
    );
    const [event] = await client.next(1);
    assert.equal(event.type, 'ADDED');
    assert.equal(event.object.metadata.name, 'ws-replay');
    const { code } = await client.closed;
    assert.equal(code, 1000);
  });

  it('answers a non-watch request that asks to upgrade with an ordinary response', async () => {
    await call(url, 'POST', cmPath, configMap('ws-get'));
    const r = await refused(`${url}${cmPath}/ws-get`);
    assert.equal(r.status, 200);
    assert.equal(r.body.metadata.name, 'ws-get');
    const missing = await refused(`${url}${cmPath}/nope?watch=0`);
    assert.equal(missing.status, 404);
    assert.equal(missing.body.reason, 'NotFound');
  });

  it('counts a websocket watch in the request metrics once it closes', async () => {
    const client = await open(`${url}/api/v1/namespaces/metrics-ns/configmaps?watch=true`);
    client.ws.close();
    await client.closed;
    let text = '';
    const counted =
      /apiserver_request_total\{[^}]*verb="WATCH"[^}]*resource="configmaps"[^}]*\} [1-9]/;
    for (let i = 0; i < 50 && !counted.test(text); i++) {
      await new Promise((r) => setTimeout(r, 20));
      text = String((await call(url, 'GET', '/metrics')).body);
    }
    assert.match(text, counted);
  });

  it('ends open websocket watches when the server shuts down', async () => {
    const { server: other, url: otherUrl } = await startTestServer();
    const client = await open(`${otherUrl}${cmPath}?watch=true`);
    await other.close();
    assert.equal((await client.closed).code, 1000);
  });
});

describe('websocket watch authentication and authorization', () => {
  const cases: {
    name: string;
    overrides: Parameters<typeof startTestServer>[0];
    status: number;
    reason: string;
  }[] = [
    {
      name: 'an unauthenticated upgrade is a 401',
      overrides: {
        authenticator: { authenticate: () => Promise.resolve(null) } satisfies Authenticator,
      },
      status: 401,
      reason: 'Unauthorized',
    },
    {
      name: 'a forbidden upgrade is a 403 worded as kube',
      overrides: { authorizer: alwaysDenyAuthorizer },
      status: 403,
      reason: 'Forbidden',
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const { server, url } = await startTestServer(c.overrides);
      try {
        const r = await refused(`${url}${cmPath}?watch=true`);
        assert.equal(r.status, c.status);
        assert.equal(r.body.reason, c.reason);
        if (c.status === 403) {
          assert.match(
            r.body.message,
            /^configmaps is forbidden: User "system:anonymous" cannot watch resource "configmaps" in API group "" in the namespace "default"/,
          );
        }
      } finally {
        await server.close();
      }
    });
  }

  it('sees the user the authenticator establishes from the upgrade request', async () => {
    const seen: string[] = [];
    const { server, url } = await startTestServer({
      authenticator: {
        authenticate: (req) =>
          Promise.resolve(
            req.headers.authorization === 'Bearer good'
              ? { user: { name: 'alice', groups: ['system:authenticated'] } }
              : null,
          ),
      },
      authorizer: {
        authorize: (a) => {
          seen.push(`${a.user.name} ${a.verb} ${a.resource}`);
          return Promise.resolve({ decision: 'allow' });
        },
      },
    });
    try {
      const ws = new WebSocket(`${url.replace(/^http/, 'ws')}${cmPath}?watch=true`, {
        headers: { authorization: 'Bearer good' },
      });
      const client = new Client(ws);
      await once(ws, 'open');
      assert.deepEqual(seen, ['alice watch configmaps']);
      ws.close();
      await client.closed;
    } finally {
      await server.close();
    }
  });
});

describe('websocket watch in protobuf', () => {
  it('sends one WatchEvent message per binary frame, without the stream length prefix', async () => {
    const registry = new ProtobufRegistry().defineKind(
      { apiVersion: 'v1', kind: 'ConfigMap' },
      'k8s.io.api.core.v1.ConfigMap',
      {
        metadata: [1, 'ObjectMeta'],
        immutable: [4, '*bool'],
        data: [2, 'map<string,string>'],
        binaryData: [3, 'map<string,bytes>'],
      },
    );
    const { server, url } = await startTestServer({ protobuf: registry });
    try {
      const ws = new WebSocket(
        `${url.replace(/^http/, 'ws')}${cmPath}?watch=true&fieldSelector=metadata.name%3Dpb`,
        { headers: { accept: 'application/vnd.kubernetes.protobuf;stream=watch' } },
      );
      const frames: { data: Buffer; binary: boolean }[] = [];
      ws.on('message', (data: Buffer, binary: boolean) => frames.push({ data, binary }));
      await once(ws, 'open');
      await call(url, 'POST', cmPath, configMap('pb', { k: 'v' }));
      await call(url, 'DELETE', `${cmPath}/pb`);
      for (let i = 0; i < 100 && frames.length < 2; i++)
        await new Promise((r) => setTimeout(r, 20));
      const events = await Promise.all(
        frames.map(async (f) => {
          assert.equal(f.binary, true);
          // a whole WatchEvent message: no 4-byte length prefix as on the HTTP stream
          return registry.decodeWatchEvent(f.data);
        }),
      );
      assert.deepEqual(
        events.map((e) => [e.type, (e.object as Json).kind, (e.object as Json).data]),
        [
          ['ADDED', 'ConfigMap', { k: 'v' }],
          ['DELETED', 'ConfigMap', { k: 'v' }],
        ],
      );
      ws.close();
      await once(ws, 'close');
    } finally {
      await server.close();
    }
  });
});

describe('websocket watch in protobuf', () => {
  it('sends one WatchEvent message per binary frame, without the stream length prefix', async () => {
    const registry = new ProtobufRegistry().defineKind(
      { apiVersion: 'v1', kind: 'ConfigMap' },
      'k8s.io.api.core.v1.ConfigMap',
      {
        metadata: [1, 'ObjectMeta'],
        immutable: [4, '*bool'],
        data: [2, 'map<string,string>'],
        binaryData: [3, 'map<string,bytes>'],
      },
    );
    const { server, url } = await startTestServer({ protobuf: registry });
    try {
      const ws = new WebSocket(
        `${url.replace(/^http/, 'ws')}${cmPath}?watch=true&fieldSelector=metadata.name%3Dpb`,
        { headers: { accept: 'application/vnd.kubernetes.protobuf;stream=watch' } },
      );
      const client = new Client(ws);
      await once(ws, 'open');
      await call(url, 'POST', cmPath, configMap('pb', { k: 'v' }));
      await client.next(1).catch(() => undefined);
      const frames: Buffer[] = [];
      ws.removeAllListeners('message');
      const first = client.messages[0];
      assert.ok(first, 'a message arrived');
      assert.equal(first.binary, true);
      // the raw bytes: re-read them from a second event
      const second = new Promise<Buffer>((resolve) => {
        ws.once('message', (data: Buffer) => {
          resolve(data);
        });
      });
      await call(url, 'DELETE', `${cmPath}/pb`);
      frames.push(await second);
      const event = await registry.decodeWatchEvent(frames[0]!);
      assert.equal(event.type, 'DELETED');
      assert.equal((event.object as Json).kind, 'ConfigMap');
      assert.deepEqual((event.object as Json).data, { k: 'v' });
      ws.close();
      await client.closed;
    } finally {
      await server.close();
    }
  });
});
