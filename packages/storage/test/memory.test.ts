import { MemoryStorage } from '@kapi/storage';
import { runStorageConformance } from '@kapi/storage/testing';

runStorageConformance('memory', {
  newStore: () =>
    Promise.resolve(new MemoryStorage({ freshnessTimeoutMs: 100, bookmarkIntervalMs: 20 })),
});
