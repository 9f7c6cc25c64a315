/**
 * The API server through its whole filter chain (anonymous allow-all, metrics on, memory storage)
 * against raw `node:http` answering the same bytes, measured with autocannon in the same run with
 * the same connections and duration, in alternating rounds (the medians compared):
 * 1. GET of one ConfigMap (target: ≥ 50 % of raw);
 * 2. LIST of 500 ConfigMaps;
 * 3. CREATE of a ConfigMap (generateName), raw reading the body and answering the same 201 bytes;
 * and the boot time of `@kapi/server/testing`'s startTestServer up to its first answered request
 * (target ≤ 50 ms).
 * The servers run in a child process (this file with `--serve`), autocannon here, so the load
 * generator does not share the servers' event loop. Bounded: about 75 s in all.
 * `KAPI_BENCH_PROFILE=<dir>` runs the child under `--cpu-prof` into that directory;
 * `KAPI_BENCH_CASE=get|list|create` runs one case only; `KAPI_BENCH_WATCH_CACHE=1` serves reads
 * from the watch cache.
 * Run with `npm run bench -- server`.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Scheme } from '@kapi/apimachinery';
import { MemoryStorage } from '@kapi/storage';
import { alwaysAllowAuthorizer, anonymousAuthenticator, APIServer } from '@kapi/server';
import { startTestServer } from '@kapi/server/testing';

const CONNECTIONS = 10;
const DURATION_S = 2;
const WARMUP_S = 1;
/** Rounds of raw then Kapi per case: alternating spreads the machine's drift over both. */
const ROUNDS = 5;
const LIST_SIZE = 500;

const ns = '/api/v1/namespaces';
const paths = {
  get: `${ns}/bench/configmaps/one`,
  list: `${ns}/list/configmaps`,
  create: `${ns}/create/configmaps`,
};
const createBody = JSON.stringify({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { generateName: 'bench-', labels: { app: 'bench' } },
  data: { key: 'value', other: 'x'.repeat(200) },
});

function configMap(name: string, i: number) {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, labels: { app: 'bench', index: String(i) } },
    data: { key: `value-${i}`, other: 'x'.repeat(200) },
  };
}

function scheme(): Scheme {
  return new Scheme({ name: 'bench' }).addGroup({
    group: '',
    versions: ['v1'],
    kinds: [
      {
        kind: 'ConfigMap',
        plural: 'configmaps',
        namespaced: true,
        versions: {
          v1: {
            schema: {
              type: 'object',
              properties: {
                apiVersion: { type: 'string' },
                kind: { type: 'string' },
                metadata: { type: 'object' },
                data: { type: 'object', additionalProperties: { type: 'string' } },
              },
            },
          },
        },
      },
    ],
  });
}

interface Captured {
  status: number;
  contentType: string;
  body: Buffer;
}

async function capture(url: string, method = 'GET', body?: string): Promise<Captured> {
  const r = await fetch(url, {
    method,
    ...(body !== undefined ? { body, headers: { 'content-type': 'application/json' } } : {}),
  });
  return {
    status: r.status,
    contentType: r.headers.get('content-type') ?? 'application/json',
    body: Buffer.from(await r.arrayBuffer()),
  };
}

/** The child: the Kapi server and the raw server, side by side; prints their ports. */
async function serve(): Promise<void> {
  const api = new APIServer({
    scheme: scheme(),
    storage: new MemoryStorage(),
    resources: [{ group: '', resource: 'configmaps', strategy: { trackGeneration: false } }],
    authenticator: anonymousAuthenticator,
    authorizer: alwaysAllowAuthorizer,
    ...(process.env.KAPI_BENCH_WATCH_CACHE === '1' ? { watchCache: true } : {}),
  });
  const { url } = await api.listen({ port: 0 });
  const post = (path: string, obj: unknown) => capture(url + path, 'POST', JSON.stringify(obj));
  await post(`${ns}/bench/configmaps`, configMap('one', 0));
  for (let i = 0; i < LIST_SIZE; i++)
    await post(`${ns}/list/configmaps`, configMap(`item-${i}`, i));
  const get = await capture(url + paths.get);
  const list = await capture(url + paths.list);
  const created = await capture(url + paths.create, 'POST', createBody);
  if (get.status !== 200 || list.status !== 200 || created.status !== 201)
    throw new Error(`setup failed: ${get.status} ${list.status} ${created.status}`);

  const answer = (res: import('node:http').ServerResponse, c: Captured) => {
    res.writeHead(c.status, { 'Content-Type': c.contentType, 'Content-Length': c.body.length });
    res.end(c.body);
  };
  const raw = createServer((req, res) => {
    if (req.method === 'POST') {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        answer(res, created);
      });
      return;
    }
    answer(res, req.url === paths.list ? list : get);
  });
  await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve));
  const rawPort = (raw.address() as AddressInfo).port;
  console.log(
    JSON.stringify({
      kapi: url,
      raw: `http://127.0.0.1:${rawPort}`,
      bytes: { get: get.body.length, list: list.body.length, create: created.body.length },
    }),
  );
  // the driver closes stdin when it is done
  process.stdin.resume();
  process.stdin.on('end', () => {
    raw.close();
    void api.close().then(() => process.exit(0));
  });
}

interface AutocannonResult {
  requests: { average: number };
  latency: { p99: number };
  non2xx: number;
  errors: number;
}
type Autocannon = (options: Record<string, unknown>) => Promise<AutocannonResult>;

async function load(
  url: string,
  method: string,
  durationS: number,
  body?: string,
): Promise<AutocannonResult> {
  const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;
  return autocannon({
    url,
    method,
    connections: CONNECTIONS,
    duration: durationS,
    ...(body !== undefined ? { body, headers: { 'content-type': 'application/json' } } : {}),
  });
}

/** The run with the median throughput. */
function median(results: AutocannonResult[]): AutocannonResult {
  const sorted = [...results].sort((a, b) => a.requests.average - b.requests.average);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function rates(results: AutocannonResult[]): string {
  return results.map((r) => r.requests.average.toFixed(0)).join('/');
}

/** Boots test servers: the first one (cold) and the median of the next ones, to a created object. */
async function bootTimes(): Promise<void> {
  const times: number[] = [];
  for (let i = 0; i < 21; i++) {
    const started = performance.now();
    const server = await startTestServer({
      scheme: scheme(),
      resources: [{ group: '', resource: 'configmaps' }],
    });
    await server.client.resource('v1', 'configmaps').create({
      ...configMap('boot', 0),
      metadata: { name: 'boot', namespace: 'default' },
    });
    times.push(performance.now() - started);
    await server.close();
  }
  const [first, ...rest] = times;
  rest.sort((a, b) => a - b);
  const median = rest[Math.floor(rest.length / 2)]!;
  console.log(
    `startTestServer to its first created object: first ${first!.toFixed(1)} ms, then median ${median.toFixed(1)} ms (target ≤ 50 ms: ${first! <= 50 ? 'met' : 'MISSED'})`,
  );
}

/** The driver: starts the servers, runs each case against raw then Kapi, prints the ratios. */
async function drive(): Promise<void> {
  const self = fileURLToPath(import.meta.url);
  const profile = process.env.KAPI_BENCH_PROFILE;
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      ...(profile !== undefined ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : []),
      self,
      '--serve',
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const lines = createInterface({ input: child.stdout });
  const first = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => {
      reject(new Error(`server exited with ${String(code)}`));
    });
  });
  const info = JSON.parse(first) as {
    kapi: string;
    raw: string;
    bytes: Record<string, number>;
  };
  console.log(
    `${CONNECTIONS} connections, ${ROUNDS} rounds of ${DURATION_S} s per server and case (after ${WARMUP_S} s of warm-up each), plain HTTP on loopback`,
  );
  const cases = [
    { name: 'GET one object', method: 'GET', path: paths.get, bytes: info.bytes.get, target: 0.5 },
    {
      name: `LIST ${LIST_SIZE} objects`,
      method: 'GET',
      path: paths.list,
      bytes: info.bytes.list,
      target: undefined,
    },
    {
      name: 'CREATE',
      method: 'POST',
      path: paths.create,
      bytes: info.bytes.create,
      body: createBody,
      target: undefined,
    },
  ];
  try {
    await bootTimes();
    const only = process.env.KAPI_BENCH_CASE;
    for (const c of cases) {
      if (only !== undefined && !c.name.toLowerCase().startsWith(only.toLowerCase())) continue;
      await load(info.raw + c.path, c.method, WARMUP_S, c.body);
      await load(info.kapi + c.path, c.method, WARMUP_S, c.body);
      const raws: AutocannonResult[] = [];
      const kapis: AutocannonResult[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        raws.push(await load(info.raw + c.path, c.method, DURATION_S, c.body));
        kapis.push(await load(info.kapi + c.path, c.method, DURATION_S, c.body));
      }
      const raw = median(raws);
      const kapi = median(kapis);
      const ratio = kapi.requests.average / raw.requests.average;
      const failures = [...raws, ...kapis].reduce((n, r) => n + r.non2xx + r.errors, 0);
      console.log(
        `${c.name} (${c.bytes} B): raw ${raw.requests.average.toFixed(0)} req/s (p99 ${raw.latency.p99} ms), ` +
          `kapi ${kapi.requests.average.toFixed(0)} req/s (p99 ${kapi.latency.p99} ms) = ${(ratio * 100).toFixed(1)} %` +
          (c.target !== undefined
            ? ` (target ≥ ${c.target * 100} %: ${ratio >= c.target ? 'met' : 'MISSED'})`
            : '') +
          ` [medians of ${ROUNDS} alternating rounds; raw ${rates(raws)}, kapi ${rates(kapis)}]` +
          (failures > 0 ? ` — ${failures} failed responses` : ''),
      );
    }
  } finally {
    child.stdin.end();
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

if (process.argv.includes('--serve')) await serve();
else await drive();
