/**
 * Helpers of the storage conformance suite: per-test stores, watch readers that time out instead
 * of hanging, objects, predicates and error assertions.
 * @module
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import {
  StatusError,
  parseFieldSelector,
  parseLabelSelector,
  selectionPredicate,
} from '@kapi/apimachinery';
import type { AttrsFunc, KubeObject, StatusReason } from '@kapi/apimachinery';
import { decodeContinue } from '../continue.js';
import type { ContinueToken } from '../continue.js';
import { StorageError } from '../errors.js';
import type { StorageErrorCode } from '../errors.js';
import type { Predicate, Storage, StorageWatchEvent, Watcher } from '../interface.js';
import type { WatchProgressRequester } from '../cache/cached-storage.js';

/** A store that can be asked for watch progress. */
export type ProgressStorage = Storage & WatchProgressRequester;

/** What every group of the suite gets. */
export interface SuiteContext {
  newStore(): Promise<Storage>;
  /** A store for the progress-request cases; absent when the backend has no such requests. */
  newProgressStore: (() => Promise<ProgressStorage>) | undefined;
  /** How long one watch read may take before the test fails. */
  eventTimeoutMs: number;
  /** How long a watch must stay silent to count as "no event". */
  quietMs: number;
  /** The store is a watch cache: skip what kube's suite skips for its cacher. */
  watchCache: boolean;
}

/** Registers a test that runs `body` against a fresh store and closes it afterwards. */
export function storeTest(
  ctx: SuiteContext,
  name: string,
  body: (store: Storage) => Promise<void>,
  timeoutMs = 20000,
): void {
  testWithStore(() => ctx.newStore(), name, body, timeoutMs);
}

/** Registers a test that runs `body` against a store from `newStore` and closes it afterwards. */
export function testWithStore<S extends Storage>(
  newStore: () => Promise<S>,
  name: string,
  body: (store: S) => Promise<void>,
  timeoutMs = 20000,
): void {
  void it(name, { timeout: timeoutMs }, async (t) => {
    const store = await newStore();
    // a timed-out test closes its store, so its watch reads end instead of running on
    const onAbort = (): void => {
      store.close().catch(() => undefined);
    };
    t.signal.addEventListener('abort', onAbort, { once: true });
    try {
      await body(store);
    } finally {
      t.signal.removeEventListener('abort', onAbort);
      await store.close();
    }
  });
}

/** A pod-like object in `namespace` named `name`. */
export function pod(
  namespace: string,
  name: string,
  spec: Record<string, unknown> = {},
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: namespace === '' ? { name } : { namespace, name },
    spec,
  };
}

/** The key of {@link pod}: `/pods/<namespace>/<name>` (or `/pods/<name>` when cluster-scoped). */
export function podKey(namespace: string, name: string): string {
  return namespace === '' ? `/pods/${name}` : `/pods/${namespace}/${name}`;
}

/** A deep copy of `obj` with `mutate` applied, for building an update from a stored object. */
export function changed(obj: KubeObject, mutate: (copy: KubeObject) => void): KubeObject {
  const copy = structuredClone(obj);
  mutate(copy);
  return copy;
}

/** The revision an object carries, checked to be a positive decimal. */
export function rvOf(obj: KubeObject | null | undefined): number {
  const rv = obj?.metadata?.resourceVersion;
  assert.ok(rv !== undefined && /^[1-9]\d*$/.test(rv), `expected a resourceVersion, got ${rv}`);
  return Number(rv);
}

/** `obj` with its resourceVersion replaced by `rv` (a copy). */
export function atRevision(obj: KubeObject, rv: number | string): KubeObject {
  return changed(obj, (copy) => {
    copy.metadata = { ...copy.metadata, resourceVersion: String(rv) };
  });
}

/** The parsed continue token of a list result, failing when there is none. */
export function tokenOf(cont: string | undefined): ContinueToken {
  assert.ok(cont !== undefined && cont !== '', 'expected a continue token');
  return decodeContinue(cont);
}

/** The continue token of a list page, failing when it is the last page. */
export function continueOf(list: { continue?: string }): string {
  tokenOf(list.continue);
  return list.continue!;
}

/** Asserts that `promise` rejects with a {@link StorageError} of `code` (and `message`, when given). */
export async function rejectsStorage(
  promise: Promise<unknown>,
  code: StorageErrorCode,
  message?: string | RegExp,
): Promise<StorageError> {
  let caught: unknown;
  await assert.rejects(promise, (err: unknown) => {
    caught = err;
    return true;
  });
  assert.ok(
    caught instanceof StorageError,
    `expected a StorageError ${code}, got ${describeError(caught)}`,
  );
  assert.equal(
    caught.code,
    code,
    `expected StorageError ${code}, got ${caught.code}: ${caught.message}`,
  );
  if (typeof message === 'string') assert.equal(caught.message, message);
  else if (message !== undefined) assert.match(caught.message, message);
  return caught;
}

/** What a StatusError is expected to carry. */
export interface ExpectedStatus {
  code: number;
  reason: StatusReason;
  message?: string | RegExp;
}

/** Asserts that `promise` rejects with a StatusError matching `expected`. */
export async function rejectsStatus(
  promise: Promise<unknown>,
  expected: ExpectedStatus,
): Promise<StatusError> {
  let caught: unknown;
  await assert.rejects(promise, (err: unknown) => {
    caught = err;
    return true;
  });
  assert.ok(caught instanceof StatusError, `expected a StatusError, got ${describeError(caught)}`);
  assert.equal(caught.code, expected.code, `status code of: ${caught.message}`);
  assert.equal(caught.reason, expected.reason, `status reason of: ${caught.message}`);
  if (typeof expected.message === 'string') assert.equal(caught.message, expected.message);
  else if (expected.message !== undefined) assert.match(caught.message, expected.message);
  return caught;
}

/** Asserts that `promise` rejects with kube's 504 for a resourceVersion beyond the store's. */
export async function rejectsTooLarge(promise: Promise<unknown>): Promise<void> {
  const err = await rejectsStatus(promise, {
    code: 504,
    reason: 'Timeout',
    message: /^Timeout: Too large resource version: \d+, current: \d+$/,
  });
  assert.ok(
    err.status.details?.causes?.some((c) => c.reason === 'ResourceVersionTooLarge'),
    'a too-large resourceVersion carries the ResourceVersionTooLarge cause',
  );
}

function describeError(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}

type IterResult = IteratorResult<StorageWatchEvent>;

/** Reads a watch with a timeout on every read, so a broken backend fails fast instead of hanging. */
export class EventReader {
  private readonly iterator: AsyncIterator<StorageWatchEvent>;
  private pending: Promise<IterResult> | undefined;

  constructor(
    readonly watcher: Watcher,
    private readonly timeoutMs: number,
    private readonly quietMs: number,
  ) {
    this.iterator = watcher[Symbol.asyncIterator]();
  }

  /** The next event; fails when none comes in time or the watch ends. */
  async next(what = 'a watch event'): Promise<StorageWatchEvent> {
    const result = await this.within(this.timeoutMs);
    if (result === 'timeout')
      assert.fail(`timed out after ${this.timeoutMs} ms waiting for ${what}`);
    if (result.done === true) assert.fail(`the watch ended while waiting for ${what}`);
    return result.value;
  }

  /** The next event, checked to be of `type` (and to carry `object`, when given). */
  async expect(
    type: StorageWatchEvent['type'],
    object?: KubeObject,
    what = `a ${type} event`,
  ): Promise<StorageWatchEvent> {
    const event = await this.next(what);
    assert.equal(
      event.type,
      type,
      `expected ${what}, got ${event.type}: ${JSON.stringify(event.object)}`,
    );
    if (object !== undefined) assert.deepEqual(event.object, object, `the object of ${what}`);
    return event;
  }

  /** The next `n` events. */
  async take(n: number, what = 'watch events'): Promise<StorageWatchEvent[]> {
    const events: StorageWatchEvent[] = [];
    for (let i = 0; i < n; i++) events.push(await this.next(`${what} (${i + 1} of ${n})`));
    return events;
  }

  /** Asserts that the watch ends (cleanly, without an event) in time. */
  async expectEnd(what = 'the end of the watch'): Promise<void> {
    const result = await this.within(this.timeoutMs);
    if (result === 'timeout')
      assert.fail(`timed out after ${this.timeoutMs} ms waiting for ${what}`);
    if (result.done !== true) {
      assert.fail(
        `expected ${what}, got ${result.value.type}: ${JSON.stringify(result.value.object)}`,
      );
    }
  }

  /** Asserts that nothing arrives (no event, no end) for a while. */
  async expectQuiet(what = 'no further event', ms = this.quietMs): Promise<void> {
    const result = await this.within(ms);
    if (result === 'timeout') return;
    if (result.done === true) assert.fail(`expected ${what}, but the watch ended`);
    assert.fail(
      `expected ${what}, got ${result.value.type}: ${JSON.stringify(result.value.object)}`,
    );
  }

  /**
   * Events until the watch goes quiet for `ms` or ends; fails when it keeps talking longer than
   * the event timeout or sends more than `max` events.
   */
  async drain(
    ms = this.quietMs,
    max = 1000,
  ): Promise<{ events: StorageWatchEvent[]; ended: boolean }> {
    const events: StorageWatchEvent[] = [];
    const deadline = Date.now() + this.timeoutMs + ms;
    while (events.length <= max && Date.now() < deadline) {
      const result = await this.within(ms);
      if (result === 'timeout') return { events, ended: false };
      if (result.done === true) return { events, ended: true };
      events.push(result.value);
    }
    assert.fail(`the watch did not go quiet: ${events.length} events in ${this.timeoutMs + ms} ms`);
  }

  private async within(ms: number): Promise<IterResult | 'timeout'> {
    this.pending ??= this.iterator.next();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => {
        resolve('timeout');
      }, ms);
    });
    try {
      const result = await Promise.race([this.pending, timeout]);
      if (result !== 'timeout') this.pending = undefined;
      return result;
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Opens a watch and wraps it in an {@link EventReader}. */
export function watchOf(
  ctx: SuiteContext,
  store: Storage,
  key: string,
  options: Parameters<Storage['watch']>[1] = {},
): EventReader {
  return new EventReader(store.watch(key, options), ctx.eventTimeoutMs, ctx.quietMs);
}

/** A short description of an event for messages: `TYPE name@resourceVersion`. */
export function brief(e: StorageWatchEvent): string {
  if (e.type === 'ERROR') return `ERROR ${e.object.message ?? ''}`;
  return `${e.type} ${e.object.metadata?.name ?? ''}@${e.object.metadata?.resourceVersion ?? ''}`;
}

/** The object of an event that is not an ERROR. */
export function objectOf(event: StorageWatchEvent): KubeObject {
  assert.notEqual(event.type, 'ERROR', `unexpected ERROR event: ${JSON.stringify(event.object)}`);
  return event.object as KubeObject;
}

function nodeNameOf(obj: KubeObject): string {
  const spec = obj.spec as { nodeName?: unknown } | undefined;
  return typeof spec?.nodeName === 'string' ? spec.nodeName : '';
}

/** The selectable attributes of the suite's pods: labels, name, namespace and `spec.nodeName`. */
const podAttrs: AttrsFunc = (obj) => ({
  labels: obj.metadata?.labels,
  fields: {
    'metadata.name': obj.metadata?.name ?? '',
    'metadata.namespace': obj.metadata?.namespace ?? '',
    'spec.nodeName': nodeNameOf(obj),
  },
});

/**
 * A selection predicate (apimachinery's `selectionPredicate`) over the suite's pods: a field
 * selector (`metadata.name=foo,spec.nodeName!=bar`) or, with `labels:` in front, a label selector
 * (`labels:app=web`). The empty string selects everything.
 */
export function selector(expr: string): Predicate {
  if (expr.startsWith('labels:')) {
    return selectionPredicate({
      labelSelector: parseLabelSelector(expr.slice('labels:'.length)),
      getAttrs: podAttrs,
    });
  }
  return selectionPredicate({ fieldSelector: parseFieldSelector(expr), getAttrs: podAttrs });
}

/** Sleeps `ms` milliseconds (only short waits; the suite must stay fast). */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
