/**
 * SqliteStorage against raw better-sqlite3 doing the equivalent work on the same settings (WAL,
 * synchronous=FULL, exclusive lock): a create is one insert of the object's JSON in a transaction,
 * a get is one select by key and a JSON parse. Prints ops/s and SqliteStorage's share of the raw
 * rate (the target is at least 70 %). Bounded to a few seconds.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { KubeObject } from '@kapi/apimachinery';
import { SqliteStorage } from '@kapi/storage-sqlite';

const CREATES = 1000;
const GETS = 30_000;
const CONCURRENT = 64;
const CHUNK = 100;
const ROUNDS = 3;

const dir = mkdtempSync(join(tmpdir(), 'kapi-sqlite-bench-'));

function object(i: number): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: `cm-${i}`,
      namespace: 'bench',
      uid: `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`,
      creationTimestamp: '2024-01-02T03:04:05Z',
      labels: { app: 'bench', shard: String(i % 16) },
    },
    data: { 'config.yaml': 'x'.repeat(200), index: String(i) },
  };
}

function key(i: number): string {
  return `/configmaps/bench/cm-${i}`;
}

/** Raw better-sqlite3 with the store's settings and a plain key/value table. */
function openRaw(path: string): {
  create(k: string, obj: KubeObject): void;
  get(k: string): KubeObject;
  close(): void;
} {
  const db = new Database(path, { timeout: 0 });
  db.pragma('locking_mode = EXCLUSIVE');
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE kv (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
  const insert = db.prepare('INSERT INTO kv (key, value) VALUES (?, ?)');
  const select = db.prepare('SELECT value FROM kv WHERE key = ?').pluck();
  const create = db.transaction((k: string, json: string) => insert.run(k, json));
  return {
    create: (k, obj) => create(k, JSON.stringify(obj)),
    get: (k) => JSON.parse(select.get(k) as string) as KubeObject,
    close: () => {
      db.close();
    },
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

interface Round {
  rawCreate: number;
  storeCreate: number;
  storeConcurrentCreate: number;
  rawGet: number;
  storeGet: number;
}

/** Seconds spent in `fn`. */
async function timed(fn: () => unknown): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

async function round(n: number): Promise<Round> {
  const objects = Array.from({ length: CREATES }, (_, i) => object(i));
  const raw = openRaw(join(dir, `raw-${n}.db`));
  const store = new SqliteStorage({ path: join(dir, `store-${n}.db`), compactionIntervalMs: 0 });
  // raw and store take turns in small chunks, so drift in disk or CPU speed hits both alike
  let rawSeconds = 0;
  let storeSeconds = 0;
  for (let from = 0; from < CREATES; from += CHUNK) {
    const to = Math.min(from + CHUNK, CREATES);
    rawSeconds += await timed(() => {
      for (let i = from; i < to; i++) raw.create(key(i), objects[i]!);
    });
    storeSeconds += await timed(async () => {
      for (let i = from; i < to; i++) await store.create(key(i), objects[i]!);
    });
  }
  const rawCreate = CREATES / rawSeconds;
  const storeCreate = CREATES / storeSeconds;

  // concurrent creates share commits: not comparable with the raw loop, shown for scale
  const concurrentSeconds = await timed(async () => {
    for (let i = 0; i < CREATES; i += CONCURRENT) {
      const batch: Promise<KubeObject>[] = [];
      for (let j = i; j < Math.min(i + CONCURRENT, CREATES); j++) {
        batch.push(store.create(`${key(j)}-c`, objects[j]!));
      }
      await Promise.all(batch);
    }
  });

  rawSeconds = 0;
  storeSeconds = 0;
  for (let from = 0; from < GETS; from += CHUNK * 20) {
    const to = Math.min(from + CHUNK * 20, GETS);
    rawSeconds += await timed(() => {
      for (let i = from; i < to; i++) raw.get(key((i * 7919) % CREATES));
    });
    storeSeconds += await timed(async () => {
      for (let i = from; i < to; i++) await store.get(key((i * 7919) % CREATES));
    });
  }
  raw.close();
  await store.close();
  return {
    rawCreate,
    storeCreate,
    storeConcurrentCreate: CREATES / concurrentSeconds,
    rawGet: GETS / rawSeconds,
    storeGet: GETS / storeSeconds,
  };
}

try {
  const rounds: Round[] = [];
  for (let n = 0; n < ROUNDS; n++) rounds.push(await round(n));
  const m = (pick: (r: Round) => number): number => median(rounds.map(pick));
  const fmt = (v: number): string => `${Math.round(v).toLocaleString('en-US')} ops/s`;
  const pct = (a: number, b: number): string => `${((a / b) * 100).toFixed(0)} %`;
  const rawCreate = m((r) => r.rawCreate);
  const storeCreate = m((r) => r.storeCreate);
  const rawGet = m((r) => r.rawGet);
  const storeGet = m((r) => r.storeGet);
  console.log(
    `SqliteStorage vs raw better-sqlite3 (WAL, synchronous=FULL), median of ${ROUNDS} rounds`,
  );
  console.log(
    `create  raw ${fmt(rawCreate)}  store ${fmt(storeCreate)}  ratio ${pct(storeCreate, rawCreate)}`,
  );
  console.log(`get     raw ${fmt(rawGet)}  store ${fmt(storeGet)}  ratio ${pct(storeGet, rawGet)}`);
  console.log(
    `create with ${CONCURRENT} in flight (shared commits)  store ${fmt(m((r) => r.storeConcurrentCreate))}  ${pct(
      m((r) => r.storeConcurrentCreate),
      rawCreate,
    )} of the raw one-by-one rate`,
  );
  const ok = storeCreate / rawCreate >= 0.7 && storeGet / rawGet >= 0.7;
  console.log(ok ? 'target (>= 70 %) met' : 'target (>= 70 %) NOT met');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
