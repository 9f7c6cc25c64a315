/**
 * The file lock across processes: a second process fails fast with a clear message, and a lock
 * left by a SIGKILLed process does not block the next one.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStorage, SqliteStorageLockedError } from '@kapi/storage-sqlite';
import { runFixture } from './child-process.js';
import { openStore, tempDir } from './helpers.js';
import type { TempDir } from './helpers.js';

let tmp: TempDir;
before(async () => {
  tmp = await tempDir();
});
after(async () => {
  await tmp.cleanup();
});

describe('SqliteStorage lock across processes', () => {
  it('a second process fails fast; after the holder is killed a new one opens the file', async () => {
    const path = tmp.file();
    const holder = runFixture('lock-child.ts', [path, 'first']);
    try {
      await holder.waitForLine((line) => line === 'ready', 20_000);

      const started = Date.now();
      const second = runFixture('lock-child.ts', [path, 'second']);
      const exit = await second.exited;
      assert.equal(
        exit.code,
        3,
        `the second process failed to open (stdout: ${second.lines.join('|')})`,
      );
      assert.match(second.stderr(), /^SqliteStorageLockedError: /);
      assert.ok(second.stderr().includes(path), 'the message names the file');
      assert.match(second.stderr(), /another Kapi process holds it/);
      // fast: node and tsx start-up, no waiting on the lock
      assert.ok(Date.now() - started < 10_000);

      assert.throws(() => openStore(path), SqliteStorageLockedError);
    } finally {
      holder.process.kill('SIGKILL');
    }
    assert.equal((await holder.exited).signal, 'SIGKILL');

    const next = runFixture('lock-child.ts', [path, 'third']);
    try {
      await next.waitForLine((line) => line === 'ready', 20_000);
    } finally {
      next.process.kill('SIGKILL');
    }
    await next.exited;

    const store = openStore(path);
    try {
      const names = (await store.list('/lock', { recursive: true })).items.map(
        (o) => o.metadata?.name,
      );
      assert.deepEqual(names, ['first', 'third']);
    } finally {
      await store.close();
    }
  });
});

describe('file mode', () => {
  it('creates the storage file readable by its owner only', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kapi-mode-'));
    const store = new SqliteStorage({ path: join(dir, 'kapi.db') });
    try {
      await store.create('/configmaps/a/b', {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'b', namespace: 'a' },
      });
      assert.equal((await stat(join(dir, 'kapi.db'))).mode & 0o777, 0o600);
    } finally {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
