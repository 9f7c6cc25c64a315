/**
 * Durability under kill -9: a child process writes and watches, the parent SIGKILLs it mid-stream,
 * reopens the file and checks that no acknowledged write was lost and that watches resume from
 * their last delivered resourceVersion with every later change exactly once, in order.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import type { StorageWatchEvent } from '@kapi/storage';
import type { SynchronousMode } from '@kapi/storage-sqlite';
import { runFixture } from './child-process.js';
import { eventRevision, iterate, nextEvents, openStore, tempDir } from './helpers.js';
import type { TempDir } from './helpers.js';

interface WriteLine {
  w: number;
  op: 'create' | 'update';
  key: string;
  gen: number;
  rv: number;
}
interface WatchStartLine {
  watch: number;
  prefix: string;
  start: number;
}
interface WatchEventLine {
  watch: number;
  type: StorageWatchEvent['type'];
  rv: number;
}
interface LogRow {
  revision: number;
  key: string;
  created: number;
  deleted: number;
  value: string;
}

let tmp: TempDir;
before(async () => {
  tmp = await tempDir();
});
after(async () => {
  await tmp.cleanup();
});

async function waitUntil(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The log as the file holds it, read the way the store opens it (exclusive, no shared memory). */
function readLog(path: string): LogRow[] {
  const db = new Database(path, { timeout: 0 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    return db
      .prepare('SELECT revision, key, created, deleted, value FROM log ORDER BY revision')
      .all() as LogRow[];
  } finally {
    db.close();
  }
}

function inRange(row: LogRow, prefix: string): boolean {
  return row.key.startsWith(`${prefix}/`);
}

function expectedType(row: LogRow): StorageWatchEvent['type'] {
  if (row.deleted === 1) return 'DELETED';
  return row.created === 1 ? 'ADDED' : 'MODIFIED';
}

async function killMidStream(mode: SynchronousMode): Promise<void> {
  const path = tmp.file();
  const child = runFixture('fault-child.ts', [path, mode]);
  const parsed = (): {
    writes: WriteLine[];
    starts: WatchStartLine[];
    events: WatchEventLine[];
  } => {
    const writes: WriteLine[] = [];
    const starts: WatchStartLine[] = [];
    const events: WatchEventLine[] = [];
    for (const line of child.lines) {
      const value = JSON.parse(line) as Partial<WriteLine & WatchStartLine & WatchEventLine>;
      if (value.op !== undefined) writes.push(value as WriteLine);
      else if (value.prefix !== undefined) starts.push(value as WatchStartLine);
      else events.push(value as WatchEventLine);
    }
    return { writes, starts, events };
  };
  try {
    await waitUntil(
      () => {
        const { writes, events } = parsed();
        const perWatch = [0, 1, 2, 3].map((i) => events.filter((e) => e.watch === i).length);
        return writes.length >= 800 && perWatch.every((n) => n >= 10);
      },
      30_000,
      `writes and watch events from the child (stderr: ${child.stderr()})`,
    );
  } finally {
    child.process.kill('SIGKILL');
  }
  const exit = await child.exited;
  assert.equal(exit.signal, 'SIGKILL', 'the child was killed, it did not exit on its own');
  const { writes, starts, events } = parsed();
  assert.equal(starts.length, 4);

  // every acknowledged write is in the log at its acknowledged revision, with what was written
  const log = readLog(path);
  const byRevision = new Map(log.map((row) => [row.revision, row]));
  for (const write of writes) {
    const row = byRevision.get(write.rv);
    assert.ok(row !== undefined, `acknowledged write at ${write.rv} is in the log`);
    assert.equal(row.key, write.key);
    assert.equal((JSON.parse(row.value) as { spec: { gen: number } }).spec.gen, write.gen);
  }

  const store = openStore(path);
  try {
    const current = await store.currentRevision();
    assert.equal(current, log[log.length - 1]!.revision);
    assert.ok(current >= Math.max(...writes.map((w) => w.rv)));
    const lastByKey = new Map<string, WriteLine>();
    for (const write of writes) {
      const seen = lastByKey.get(write.key);
      if (seen === undefined || seen.rv < write.rv) lastByKey.set(write.key, write);
    }
    for (const [key, write] of lastByKey) {
      const obj = await store.get(key);
      assert.ok(
        eventRevision({ type: 'ADDED', object: obj }) >= write.rv,
        `${key} at ${write.rv} or later`,
      );
    }

    // before the kill each watcher delivered the log in its range exactly once, in order
    const resumeFrom: number[] = [];
    for (const start of starts) {
      const delivered = events.filter((e) => e.watch === start.watch);
      const last = delivered[delivered.length - 1]!.rv;
      const expected = log.filter(
        (r) => inRange(r, start.prefix) && r.revision > start.start && r.revision <= last,
      );
      assert.deepEqual(
        delivered.map((e) => [e.rv, e.type]),
        expected.map((r) => [r.revision, expectedType(r)]),
        `watch ${start.watch} on ${start.prefix} before the kill`,
      );
      resumeFrom[start.watch] = last;
    }

    // resumed from the last delivered revision, each sees every later change exactly once, in order
    const resumed = starts.map((start) =>
      iterate(
        store.watch(start.prefix, {
          recursive: true,
          resourceVersion: String(resumeFrom[start.watch]),
        }),
      ),
    );
    for (const start of starts) {
      const expected = log.filter(
        (r) => inRange(r, start.prefix) && r.revision > resumeFrom[start.watch]!,
      );
      const got = await nextEvents(resumed[start.watch]!, expected.length, 10_000);
      assert.deepEqual(
        got.map((e) => [eventRevision(e), e.type]),
        expected.map((r) => [r.revision, expectedType(r)]),
        `watch ${start.watch} on ${start.prefix} after the restart`,
      );
    }
    // nothing more is pending: the next event of each is a fresh write in its range
    const s0 = await store.create('/fault/w0/sentinel', { metadata: { name: 'sentinel' } });
    const s5 = await store.create('/fault/w5/sentinel', { metadata: { name: 'sentinel' } });
    const sentinels: Record<string, string[]> = {
      '/fault': [s0.metadata!.resourceVersion!, s5.metadata!.resourceVersion!],
      '/fault/w0': [s0.metadata!.resourceVersion!],
      '/fault/w5': [s5.metadata!.resourceVersion!],
    };
    for (const start of starts) {
      const want = sentinels[start.prefix]!;
      const got = await nextEvents(resumed[start.watch]!, want.length);
      assert.deepEqual(
        got.map((e) => [e.type, e.object.metadata?.resourceVersion]),
        want.map((rv) => ['ADDED', rv]),
      );
    }
  } finally {
    await store.close();
  }
}

describe('SqliteStorage durability under SIGKILL', () => {
  it('synchronous=FULL (the default): no acknowledged write is lost, watches resume exactly', async () => {
    await killMidStream('FULL');
  });
  it('synchronous=NORMAL survives a process kill as well', async () => {
    await killMidStream('NORMAL');
  });
});
