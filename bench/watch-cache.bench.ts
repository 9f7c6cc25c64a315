/**
 * The watch cache (CachedStorage over MemoryStorage), three measurements, bounded to well under a
 * minute:
 * 1. fan-out: one writer, 10 000 watchers; the delivery latency from the write call to each
 *    watcher receiving the event, in steady state after a few warm-up writes (target: p99 ≤ 50 ms);
 * 2. a list of 10 000 objects of ~1 KiB from the cache plus `JSON.stringify` of the result,
 *    against `JSON.stringify` of the same objects already in memory (target: ≤ 2×);
 * 3. the heap (and RSS) the cache takes for 100 000 such objects against the same objects in a
 *    plain Map (target: ≤ 1.5×).
 * Run with `npm run bench -- watch-cache` (node --expose-gc).
 */
import type { KubeObject } from '@kapi/apimachinery';
import { CachedStorage, MemoryStorage } from '@kapi/storage';

const WATCHERS = 10_000;
const FANOUT_WRITES = 40;
/** Writes before the measured ones, while the delivery path is compiled (the first is ~3× slower). */
const WARMUP_WRITES = 3;
const WRITE_INTERVAL_MS = 50;
const LIST_OBJECTS = 10_000;
const LIST_ROUNDS = 15;
const MEMORY_OBJECTS = 100_000;

/** A ConfigMap-like object of about 1 KiB of JSON. */
function configMap(i: number, extra: Record<string, unknown> = {}): KubeObject {
  const data: Record<string, string> = {};
  for (let j = 0; j < 8; j++) data[`key-${j}`] = `${'v'.repeat(88)}-${i}-${j}`;
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: `cm-${i}`,
      namespace: `ns-${i % 10}`,
      uid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      creationTimestamp: '2024-01-01T00:00:00Z',
      labels: { app: `app-${i % 7}`, tier: 'bench' },
    },
    data: { ...data, ...extra },
  };
}

function keyOf(obj: KubeObject): string {
  return `/configmaps/${obj.metadata?.namespace}/${obj.metadata?.name}`;
}

function gc(): void {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (collect === undefined) throw new Error('run with --expose-gc (npm run bench does)');
  collect();
  collect();
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function fanOut(): Promise<void> {
  const backend = new MemoryStorage();
  const cache = new CachedStorage(backend, { prefix: '/configmaps', closeBackend: true });
  await cache.readinessCheck();
  const start = String(await cache.currentRevision());
  const latencies = new Float64Array(WATCHERS * FANOUT_WRITES);
  let samples = 0;
  const consumers: Promise<void>[] = [];
  for (let w = 0; w < WATCHERS; w++) {
    const watcher = cache.watch('/configmaps', { recursive: true, resourceVersion: start });
    consumers.push(
      (async () => {
        let seen = 0;
        for await (const event of watcher) {
          const sentAt = (event.object as { data?: { sentAt?: number } }).data?.sentAt ?? NaN;
          if (seen >= WARMUP_WRITES) latencies[samples++] = performance.now() - sentAt;
          if (++seen === WARMUP_WRITES + FANOUT_WRITES) break;
        }
      })(),
    );
  }
  let began = performance.now();
  for (let i = 0; i < WARMUP_WRITES + FANOUT_WRITES; i++) {
    if (i === WARMUP_WRITES) began = performance.now();
    const obj = configMap(i, { sentAt: performance.now() });
    await cache.create(keyOf(obj), obj);
    await sleep(WRITE_INTERVAL_MS);
  }
  await Promise.all(consumers);
  const elapsed = performance.now() - began;
  await cache.close();
  const sorted = latencies.slice(0, samples).sort();
  const p99 = percentile(sorted, 99);
  console.log(
    `fan-out: ${WATCHERS} watchers × ${FANOUT_WRITES} writes (one every ${WRITE_INTERVAL_MS} ms, after ${WARMUP_WRITES} warm-up writes), ` +
      `${samples} deliveries in ${(elapsed / 1000).toFixed(1)} s (${((samples / elapsed) * 1000).toFixed(0)}/s)`,
  );
  console.log(
    `  delivery latency ms: p50 ${percentile(sorted, 50).toFixed(1)}, p90 ${percentile(sorted, 90).toFixed(1)}, ` +
      `p99 ${p99.toFixed(1)}, max ${sorted[sorted.length - 1]!.toFixed(1)} ` +
      `(target p99 ≤ 50: ${p99 <= 50 ? 'met' : 'MISSED'})`,
  );
}

/** The median time of `fn` over the rounds, after a warm-up. */
function median(fn: () => unknown): number {
  for (let i = 0; i < 3; i++) fn();
  const times: number[] = [];
  for (let i = 0; i < LIST_ROUNDS; i++) {
    const t = performance.now();
    fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1]!;
}

async function medianAsync(fn: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 3; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < LIST_ROUNDS; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1]!;
}

async function listAndEncode(): Promise<void> {
  const backend = new MemoryStorage();
  for (let i = 0; i < LIST_OBJECTS; i++) {
    const obj = configMap(i);
    await backend.create(keyOf(obj), obj);
  }
  const cache = new CachedStorage(backend, { prefix: '/configmaps' });
  await cache.readinessCheck();
  // the baseline: the same objects, already in memory as plain objects
  const objects = Array.from({ length: LIST_OBJECTS }, (_, i) => {
    const obj = configMap(i);
    obj.metadata!.resourceVersion = String(i + 2);
    return obj;
  });
  const bytes = JSON.stringify(objects).length;
  gc();
  const baseline = median(() => JSON.stringify({ items: objects }));
  const fromCache = await medianAsync(async () => {
    const list = await cache.list('/configmaps', { recursive: true, resourceVersion: '0' });
    return JSON.stringify({ items: list.items });
  });
  const listed = (await cache.list('/configmaps', { recursive: true, resourceVersion: '0' })).items;
  const encodeOnly = median(() => JSON.stringify({ items: listed }));
  const consistent = await medianAsync(async () => {
    const list = await cache.list('/configmaps', { recursive: true });
    return JSON.stringify({ items: list.items });
  });
  const fromBackend = await medianAsync(async () => {
    const list = await backend.list('/configmaps', { recursive: true });
    return JSON.stringify({ items: list.items });
  });
  await cache.close();
  await backend.close();
  const ratio = fromCache / baseline;
  console.log(
    `list+encode of ${LIST_OBJECTS} objects (${(bytes / LIST_OBJECTS).toFixed(0)} B of JSON each, median of ${LIST_ROUNDS}):`,
  );
  console.log(`  JSON.stringify of the same objects built in memory: ${baseline.toFixed(1)} ms`);
  console.log(
    `  cache list at "0" + JSON.stringify: ${fromCache.toFixed(1)} ms = ${ratio.toFixed(2)}× (target ≤ 2×: ${ratio <= 2 ? 'met' : 'MISSED'}); ` +
      `${(fromCache / encodeOnly).toFixed(2)}× the stringify of the listed array alone (${encodeOnly.toFixed(1)} ms)`,
  );
  console.log(
    `  cache consistent list + JSON.stringify: ${consistent.toFixed(1)} ms = ${(consistent / baseline).toFixed(2)}×`,
  );
  console.log(
    `  for reference, MemoryStorage list + JSON.stringify: ${fromBackend.toFixed(1)} ms = ${(fromBackend / baseline).toFixed(2)}×`,
  );
}

interface Usage {
  heap: number;
  rss: number;
}

function usage(): Usage {
  gc();
  const { heapUsed, rss } = process.memoryUsage();
  return { heap: heapUsed, rss };
}

/**
 * What a plain Map of the objects takes: parsed from their JSON as a store would (`parsed`), or
 * kept as their JSON strings, the other way a cache could hold them.
 */
function mapCost(form: 'parsed' | 'json'): Usage {
  const before = usage();
  const map = new Map<string, unknown>();
  for (let i = 0; i < MEMORY_OBJECTS; i++) {
    const obj = configMap(i);
    const json = JSON.stringify(obj);
    map.set(keyOf(obj), form === 'json' ? json : JSON.parse(json));
  }
  const after = usage();
  if (map.size !== MEMORY_OBJECTS) throw new Error('the map lost objects');
  return { heap: after.heap - before.heap, rss: after.rss - before.rss };
}

async function memory(): Promise<void> {
  let jsonBytes = 0;
  for (let i = 0; i < MEMORY_OBJECTS; i++) jsonBytes += JSON.stringify(configMap(i)).length;
  const asJson = mapCost('json');
  const baseline = mapCost('parsed');
  const backend = new MemoryStorage();
  for (let i = 0; i < MEMORY_OBJECTS; i++) {
    const obj = configMap(i);
    await backend.create(keyOf(obj), obj);
  }
  const before = usage();
  const cache = new CachedStorage(backend, { prefix: '/configmaps' });
  await cache.readinessCheck();
  const now = usage();
  const cacheCost = { heap: now.heap - before.heap, rss: now.rss - before.rss };
  const count = (await cache.list('/configmaps', { recursive: true, resourceVersion: '0' })).items
    .length;
  await cache.close();
  await backend.close();
  if (count !== MEMORY_OBJECTS) throw new Error(`the cache holds ${count} objects`);
  const mb = (n: number): string => `${(n / 1024 / 1024).toFixed(1)} MiB`;
  const heapRatio = cacheCost.heap / baseline.heap;
  const perObject = (n: number): string => `${(n / MEMORY_OBJECTS).toFixed(0)} B/object`;
  console.log(
    `memory of ${MEMORY_OBJECTS} objects (${perObject(jsonBytes)} of JSON, heap measured after a full GC):`,
  );
  console.log(
    `  plain Map of JSON strings: heap ${mb(asJson.heap)} (${perObject(asJson.heap)}), rss ${mb(asJson.rss)}`,
  );
  console.log(
    `  plain Map of parsed objects: heap ${mb(baseline.heap)} (${perObject(baseline.heap)}), rss ${mb(baseline.rss)}`,
  );
  console.log(
    `  watch cache (frozen parsed objects): heap ${mb(cacheCost.heap)} (${perObject(cacheCost.heap)}) = ${heapRatio.toFixed(2)}× the Map of parsed objects (target ≤ 1.5×: ${heapRatio <= 1.5 ? 'met' : 'MISSED'}), ` +
      `rss ${mb(cacheCost.rss)} = ${(cacheCost.rss / baseline.rss).toFixed(2)}×`,
  );
}

await listAndEncode();
await memory();
gc();
await fanOut();
