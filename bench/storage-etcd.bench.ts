/**
 * EtcdStorage against the raw etcd3 client doing the same work (a create txn, a get), in one run,
 * as throughput ratios (target: the store at 70 % or more of the raw client). Uses the etcd of
 * KAPI_TEST_ETCD_ENDPOINTS, or starts a private one. Each phase runs for a fixed time.
 */
import { randomUUID } from 'node:crypto';
import type { KubeObject } from '@kapi/apimachinery';
import { EtcdStorage, newEtcdClient } from '@kapi/storage-etcd';
import { EtcdProcess } from '../packages/storage-etcd/test/helpers/etcd-process.js';

const phaseMs = 400;
const rounds = 4;
const concurrency = 16;
const target = 0.7;

function object(name: string): KubeObject {
  return {
    apiVersion: 'wardle.example.com/v1alpha1',
    kind: 'Flunder',
    metadata: { name, namespace: 'bench', uid: randomUUID(), labels: { app: 'bench' } },
    spec: { reference: 'x'.repeat(200), replicas: 3 },
  };
}

/** Runs `op` from `concurrency` loops for `phaseMs`; returns how many ran and for how long. */
async function phase(op: (i: number) => Promise<unknown>): Promise<{ done: number; ms: number }> {
  let done = 0;
  const started = performance.now();
  const stopAt = started + phaseMs;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < stopAt) {
        await op(done++);
      }
    }),
  );
  return { done, ms: performance.now() - started };
}

/**
 * Throughput of `a` and `b` over `rounds` alternating phases (a b, b a, a b …);
 * `createdBoth` is how many indexes both sides reached.
 */
async function alternating(
  a: (i: number) => Promise<unknown>,
  b: (i: number) => Promise<unknown>,
): Promise<{ a: number; b: number; createdBoth: number }> {
  const sides = [
    { op: a, next: 0, ops: 0, ms: 0 },
    { op: b, next: 0, ops: 0, ms: 0 },
  ];
  // each side numbers its operations on from its previous phase
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? sides : [...sides].reverse();
    for (const side of order) {
      const base = side.next;
      const { done, ms } = await phase((i) => side.op(base + i));
      side.next += done;
      side.ops += done;
      side.ms += ms;
    }
  }
  const [first, second] = sides as [(typeof sides)[0], (typeof sides)[0]];
  return {
    a: (first.ops * 1000) / first.ms,
    b: (second.ops * 1000) / second.ms,
    createdBoth: Math.min(first.ops, second.ops),
  };
}

const fromEnv = (process.env.KAPI_TEST_ETCD_ENDPOINTS ?? '').split(',').filter((s) => s !== '');
const etcd = fromEnv.length > 0 ? undefined : await EtcdProcess.start();
const endpoints = etcd === undefined ? fromEnv : [etcd.endpoint];
const prefix = `/kapi-bench/${randomUUID()}`;
const client = newEtcdClient({ endpoints });
const store = new EtcdStorage({ client, prefix: `${prefix}/store` });
const rawPrefix = `${prefix}/raw`;

const raw = {
  async create(i: number): Promise<KubeObject> {
    const key = Buffer.from(`${rawPrefix}/flunders/bench/c${i}`);
    const data = JSON.stringify(object(`c${i}`));
    const resp = await client.kv.txn({
      compare: [{ key, target: 'Mod', result: 'Equal', mod_revision: 0 }],
      success: [{ request_put: { key, value: Buffer.from(data) } }],
    });
    if (!resp.succeeded) throw new Error('exists');
    return JSON.parse(data) as KubeObject;
  },
  async get(i: number): Promise<KubeObject> {
    const resp = await client.kv.range({ key: Buffer.from(`${rawPrefix}/flunders/bench/c${i}`) });
    const kv = resp.kvs[0];
    if (kv === undefined) throw new Error('missing');
    return JSON.parse(kv.value.toString()) as KubeObject;
  },
};
const kapi = {
  create: (i: number) => store.create(`/flunders/bench/c${i}`, object(`c${i}`)),
  get: (i: number) => store.get(`/flunders/bench/c${i}`),
};

try {
  // warm up connections and JIT on keys the measured phases do not use
  for (let i = 0; i < 200; i++) {
    await raw.create(1_000_000 + i);
    await kapi.create(1_000_000 + i);
  }
  // alternate short phases so drift in etcd's speed (fsync, compaction) hits both sides alike
  const rawCreate = await alternating(
    (i) => raw.create(i),
    (i) => kapi.create(i),
  );
  const created = rawCreate.createdBoth;
  const rawGet = await alternating(
    (i) => raw.get(i % created),
    (i) => kapi.get(i % created),
  );
  const [kapiCreate, kapiGet] = [rawCreate.b, rawGet.b];

  const rows = [
    { op: 'create', raw: rawCreate.a, kapi: kapiCreate },
    { op: 'get', raw: rawGet.a, kapi: kapiGet },
  ];
  console.log(
    `etcd ${endpoints.join(',')}, ${concurrency} concurrent, ${rounds} alternating rounds of ${phaseMs} ms`,
  );
  let below = false;
  for (const r of rows) {
    const ratio = r.kapi / r.raw;
    if (ratio < target) below = true;
    console.log(
      `${r.op.padEnd(7)} raw etcd3 ${r.raw.toFixed(0).padStart(6)} ops/s   EtcdStorage ${r.kapi
        .toFixed(0)
        .padStart(
          6,
        )} ops/s   ratio ${(ratio * 100).toFixed(1)} %${ratio < target ? '  (below the 70 % target)' : ''}`,
    );
  }
  if (below) console.log('note: a ratio below target on a busy machine is worth a rerun');
} finally {
  await client.kv.deleteRange({
    key: Buffer.from(`${prefix}/`),
    range_end: Buffer.from(`${prefix}0`),
  });
  await store.close();
  client.close();
  await etcd?.stop();
}
