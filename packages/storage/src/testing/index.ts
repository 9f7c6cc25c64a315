/**
 * `@kapi/storage/testing`: the conformance suite every storage backend runs, modeled on
 * k8s.io/apiserver pkg/storage/testing (store_tests.go, watcher_tests.go). It registers node:test
 * `describe`/`it` blocks; a backend's test file only calls {@link runStorageConformance}.
 * @packageDocumentation
 */
import { describe } from 'node:test';
import type { Storage } from '../interface.js';
import { crudTests } from './crud.js';
import type { SuiteContext } from './harness.js';
import { listTests } from './list.js';
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
}

/**
 * Registers the storage conformance suite under `suiteName`: create/get/delete, list (the
 * resourceVersion × match matrix, filters, paging, continue tokens, compaction), guaranteedUpdate
 * and watch. Revisions are compared relative to what the suite reads, never assumed to start at
 * 1 or to be contiguous.
 */
export function runStorageConformance(suiteName: string, options: ConformanceOptions): void {
  const ctx: SuiteContext = {
    newStore: () => options.newStore(),
    eventTimeoutMs: options.eventTimeoutMs ?? 3000,
    quietMs: options.quietMs ?? 200,
    watchCache: options.watchCache ?? false,
  };
  void describe(`storage conformance: ${suiteName}`, () => {
    crudTests(ctx);
    listTests(ctx);
    updateTests(ctx);
    watchTests(ctx);
  });
}
