/**
 * The shared storage conformance suite on SQLite: every test gets a fresh file in a temporary
 * directory that is removed at the end.
 */
import { after, before } from 'node:test';
import { runStorageConformance } from '@kapi/storage/testing';
import { openStore, tempDir } from './helpers.js';
import type { TempDir } from './helpers.js';

let tmp: TempDir | undefined;
before(async () => {
  tmp = await tempDir();
});
after(async () => {
  await tmp?.cleanup();
});

runStorageConformance('sqlite', {
  newStore: () => {
    if (tmp === undefined) return Promise.reject(new Error('the temporary directory is missing'));
    return Promise.resolve(
      openStore(tmp.file(), { freshnessTimeoutMs: 100, bookmarkIntervalMs: 20 }),
    );
  },
  // no periodic bookmark during a test: every bookmark there was asked for
  newProgressStore: () => {
    if (tmp === undefined) return Promise.reject(new Error('the temporary directory is missing'));
    return Promise.resolve(
      openStore(tmp.file(), { freshnessTimeoutMs: 200, bookmarkIntervalMs: 60_000 }),
    );
  },
});
