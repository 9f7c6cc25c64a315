/**
 * Test helpers: temporary store files, and reading watch events with a deadline.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeObject } from '@kapi/apimachinery';
import type { StorageWatchEvent, Watcher } from '@kapi/storage';
import { SqliteStorage } from '@kapi/storage-sqlite';
import type { SqliteStorageOptions } from '@kapi/storage-sqlite';

/** A temporary directory for store files; `cleanup` removes it. */
export interface TempDir {
  dir: string;
  /** A fresh file name inside the directory. */
  file(name?: string): string;
  cleanup(): Promise<void>;
}

let counter = 0;

/** Creates a temporary directory for one test file. */
export async function tempDir(): Promise<TempDir> {
  const dir = await mkdtemp(join(tmpdir(), 'kapi-sqlite-'));
  return {
    dir,
    file: (name?: string) => join(dir, name ?? `store-${process.pid}-${++counter}.db`),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/** A store on `path` with test-friendly defaults: no periodic compaction, short freshness wait. */
export function openStore(
  path: string,
  options: Partial<SqliteStorageOptions> = {},
): SqliteStorage {
  return new SqliteStorage({
    path,
    compactionIntervalMs: 0,
    freshnessTimeoutMs: 200,
    ...options,
  });
}

/** Reads the next `n` events of a watch, failing after `timeoutMs`. */
export async function nextEvents(
  iterator: AsyncIterator<StorageWatchEvent>,
  n: number,
  timeoutMs = 2000,
): Promise<StorageWatchEvent[]> {
  const out: StorageWatchEvent[] = [];
  const deadline = Date.now() + timeoutMs;
  while (out.length < n) {
    const left = deadline - Date.now();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(
        () => {
          resolve('timeout');
        },
        Math.max(0, left),
      );
    });
    const result = await Promise.race([iterator.next(), timeout]);
    clearTimeout(timer);
    if (result === 'timeout') {
      throw new Error(`timed out after ${out.length} of ${n} events: ${JSON.stringify(out)}`);
    }
    if (result.done === true) break;
    out.push(result.value);
  }
  return out;
}

/** The iterator of a watch. */
export function iterate(watcher: Watcher): AsyncIterator<StorageWatchEvent> {
  return watcher[Symbol.asyncIterator]();
}

/** The `metadata.resourceVersion` of an event's object as a number. */
export function eventRevision(event: StorageWatchEvent): number {
  return Number(event.object.metadata?.resourceVersion);
}

/** The object of a non-ERROR event (an ERROR event fails the test). */
export function objectOf(event: StorageWatchEvent): KubeObject {
  if (event.type === 'ERROR')
    throw new Error(`unexpected ERROR event: ${event.object.message ?? ''}`);
  return event.object;
}
