/**
 * `@kapi/storage/testing`: the conformance suite every storage backend runs, modeled on
 * k8s.io/apiserver pkg/storage/testing (store_tests.go, watcher_tests.go). It registers node:test
 * `describe`/`it` blocks; a backend's test file only calls {@link runStorageConformance}.
 * @packageDocumentation
 */
import { describe } from 'node:test';
import type { WatchProgressRequester } from '../cache/cached-storage.js';
import type { Storage } from '../interface.js';
import { crudTests } from './crud.js';
import type { SuiteContext } from './harness.js';
import { listTests } from './list.js';
import { progressTests } from './progress.js';
import { updateTests } from './update.js';
import { watchTests } from './watch.js';

/** How the suite gets stores. */
export interface ConformanceOptions {
  /**
   * A fresh, empty, isolated store for one test (e.g. a new memory store, a new SQLite file, a
   * unique etcd prefix). The suite closes every store it gets (and may close one twice).
   */
  newStore(): Promise<Storage>;
  /** How long one watch read may take before the test fails. Default 3000 ms. */
  eventTimeoutMs?: number;
  /** How long a watch must stay silent to count as "no further event". Default 200 ms. */
  quietMs?: number;
  /**
   * The store is a watch cache: skip the cases kube's suite skips for its cacher
   * (`ignoreForWatchCache`: a limited list at resourceVersion "0" is served whole from memory).
   */
  watchCache?: boolean;
  /**
   * For a backend that implements {@link WatchProgressRequester}: a fresh, empty, isolated store
   * of it for the progress-request cases (bookmarks on demand, only for watches that asked for
   * them, after every event up to their revision; a watch cache over it serving consistent reads
   * without waiting). Its periodic bookmarks and progress notifications must not come during a
   * test (e.g. a bookmark interval of a minute), so every bookmark those cases see was asked for.
   * Absent: the backend cannot be asked for progress, and those cases are not registered.
   */
  newProgressStore?: () => Promise<Storage & WatchProgressRequester>;
}

/**
 * Registers the storage conformance suite under `suiteName`: create/get/delete, list (the
 * resourceVersion × match matrix, filters, paging, continue tokens, compaction), guaranteedUpdate
 * and watch, and progress requests when the backend has them (see
 * {@link ConformanceOptions.newProgressStore}). Revisions are compared relative to what the suite
 * reads, never assumed to start at 1 or to be contiguous.
 */
export function runStorageConformance(suiteName: string, options: ConformanceOptions): void {
  const ctx: SuiteContext = {
    newStore: () => options.newStore(),
    eventTimeoutMs: options.eventTimeoutMs ?? 3000,
    quietMs: options.quietMs ?? 200,
    watchCache: options.watchCache ?? false,
    newProgressStore: options.newProgressStore,
  };
  void describe(`storage conformance: ${suiteName}`, () => {
    crudTests(ctx);
    listTests(ctx);
    updateTests(ctx);
    watchTests(ctx);
    progressTests(ctx);
  });
}
