/**
 * The in-memory reference implementation of {@link Storage}: an MVCC key space ordered like etcd,
 * one revision counter, a bounded event history for watch resume and old-revision reads, and
 * watchers that can never slow down writers or each other.
 * @module
 */
import { isDeepStrictEqual } from 'node:util';
import {
  badRequest,
  internalError,
  resourceExpired,
  toStatus,
  tooLargeResourceVersion,
} from '@kapi/apimachinery';
import type { KubeObject, Preconditions } from '@kapi/apimachinery';
import { decodeContinue, encodeContinue } from '../continue.js';
import { StorageError } from '../errors.js';
import type {
  CallOptions,
  DeleteOptions,
  GetOptions,
  ListOptions,
  ListResult,
  Predicate,
  Storage,
  UpdateFunction,
  UpdateOptions,
  WatchOptions,
  Watcher,
} from '../interface.js';
import { prefixOf, validateKey } from '../keys.js';
import { parseResourceVersion } from '../resource-version.js';
import type { WatchProgressRequester } from '../cache/cached-storage.js';
import { deepFreeze } from '../cache/objects.js';
import { SortedKeys, compareKeys, prefixEnd } from './sorted-keys.js';
import { MemoryWatcher, withResourceVersion } from './watcher.js';
import type { PendingEvent } from './watcher.js';

/** Tuning of a {@link MemoryStorage}. */
export interface MemoryStorageOptions {
  /**
   * How many events (writes) are kept for watch resume and reads at old revisions. When an event
   * falls out, history up to its revision is compacted: older watches and lists get 410 Expired.
   * Default 10000.
   */
  historySize?: number;
  /**
   * How many live events a watcher may hold undelivered before it is terminated (its consumer
   * sees the queued events, then a clean end, and resumes from the last resourceVersion). Default 1000.
   */
  watchBufferSize?: number;
  /**
   * How long a read at a revision the store has not reached waits before failing with 504
   * (kube's waitUntilFreshAndBlock waits 3 s). Default 3000.
   */
  freshnessTimeoutMs?: number;
  /** How often watchers that allow bookmarks get one (kube's cacher: about a minute). Default 60000. */
  bookmarkIntervalMs?: number;
}

/** One state of a key: its JSON (without resourceVersion) or `null` for a deletion. */
interface Version {
  rev: number;
  value: string | null;
  /** The state parsed and deep-frozen, made by the first shared read of it. */
  shared?: KubeObject;
}

/** One write, kept for watch resume. */
interface HistoryEvent {
  rev: number;
  key: string;
  value: string | null;
  prev: string | null;
  prevRev: number;
}

/** What a read-modify-write works from: the object's JSON (or `null` when absent) and its revision (0 when absent). */
interface ObjectState {
  json: string | null;
  rev: number;
}

/** What a watcher selects. */
interface WatchScope {
  key: string;
  recursive: boolean;
  /** `prefixOf(key)` for a recursive watch, the key itself otherwise. */
  prefix: string;
  predicate: Predicate | undefined;
  allowBookmarks: boolean;
  /** Asked for `progressNotify` with bookmarks: gets a bookmark on {@link MemoryStorage.requestWatchProgress}. */
  progressNotify: boolean;
}

const EXPIRED_LIST = 'The resourceVersion for the provided list is too old.';
const INCONSISTENT_CONTINUE =
  'The provided continue parameter is too old to display a consistent list result. You can ' +
  'start a new list without the continue parameter, or use the continue token in this response ' +
  'to retrieve the remainder of the results. Continuing with the provided token results in an ' +
  'inconsistent list - objects that were created, modified, or deleted between the time the ' +
  'first chunk was returned and now may show up in the list.';

/**
 * The in-memory storage backend: the reference implementation every other backend is checked
 * against with the conformance suite (`@kapi/storage/testing`).
 *
 * - Keys are kept sorted in UTF-8 byte order (as etcd and SQLite), in chunked sorted arrays, so
 *   a page of a list or a count costs O(log n + page), not a sort.
 * - One revision counter, starting at 1 like etcd; values are stored as JSON without
 *   resourceVersion (and selfLink), so nothing handed out aliases the store.
 * - The last {@link MemoryStorageOptions.historySize} writes are kept (MVCC): watches resume
 *   from them and lists read old revisions; what falls out is compacted (410 Expired below it).
 * - Writers never wait for watchers. Each watcher queues at most
 *   {@link MemoryStorageOptions.watchBufferSize} live events; a watcher that falls that far
 *   behind is terminated as kube's cacher terminates a blocked watcher: it delivers what it has
 *   queued (a gap-free prefix) and then ends cleanly, without an ERROR, so its client re-watches
 *   from the last resourceVersion it saw. Unlike the cacher, no write ever blocks on it, not even
 *   for a short budget.
 * - Bookmarks only for watches that allow them: the initial-events-end bookmark of a
 *   `sendInitialEvents` watch, one every {@link MemoryStorageOptions.bookmarkIntervalMs}, and one
 *   on demand ({@link MemoryStorage.requestWatchProgress}) for those that also asked for
 *   `progressNotify`.
 */
export class MemoryStorage implements Storage, WatchProgressRequester {
  private revision = 1;
  /** Reads below this revision are compacted away (410). */
  private floor = 0;
  private readonly versions = new Map<string, Version[]>();
  /** Every key with a retained version, deleted ones included, for reads at old revisions. */
  private readonly allKeys = new SortedKeys();
  /** The keys that exist now, for counts. */
  private readonly liveKeys = new SortedKeys();
  private readonly history: HistoryEvent[] = [];
  private historyHead = 0;
  private readonly watchers = new Set<MemoryWatcher>();
  private readonly freshnessWaiters = new Set<{
    rev: number;
    wake: () => void;
    fail: (err: unknown) => void;
  }>();
  private bookmarkTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly historySize: number;
  private readonly watchBufferSize: number;
  private readonly freshnessTimeoutMs: number;
  private readonly bookmarkIntervalMs: number;

  constructor(options: MemoryStorageOptions = {}) {
    this.historySize = positive(options.historySize, 10000, 'historySize');
    this.watchBufferSize = positive(options.watchBufferSize, 1000, 'watchBufferSize');
    this.freshnessTimeoutMs = nonNegative(options.freshnessTimeoutMs, 3000, 'freshnessTimeoutMs');
    this.bookmarkIntervalMs = positive(options.bookmarkIntervalMs, 60000, 'bookmarkIntervalMs');
  }

  create(key: string, obj: KubeObject, options: CallOptions = {}): Promise<KubeObject> {
    return attempt(() => this.createNow(key, obj, options));
  }

  private createNow(key: string, obj: KubeObject, options: CallOptions): KubeObject {
    this.begin(options);
    validateKey(key);
    const rv = obj.metadata?.resourceVersion;
    // as kube: k8s.io/apiserver pkg/storage/etcd3/store.go Create (ErrResourceVersionSetOnCreate)
    if (rv !== undefined && rv !== '') {
      throw StorageError.invalidObj(
        key,
        'resourceVersion should not be set on objects to be created',
      );
    }
    const json = encode(key, obj);
    const existing = this.latest(key);
    if (existing !== undefined) throw StorageError.keyExists(key, existing.rev);
    const rev = this.commit(key, json);
    return withResourceVersion(json, rev);
  }

  get(key: string, options: GetOptions & { ignoreNotFound: true }): Promise<KubeObject | null>;
  get(key: string, options?: GetOptions): Promise<KubeObject>;
  async get(key: string, options: GetOptions = {}): Promise<KubeObject | null> {
    this.begin(options);
    validateKey(key);
    // "" is the latest, "0" any, N not older than N: memory always reads the latest.
    const minimum = parseResourceVersion(options.resourceVersion);
    if (minimum !== undefined) await this.waitFresh(minimum, options.signal);
    const current = this.latestVersion(key);
    if (current?.value === null || current?.value === undefined) {
      if (options.ignoreNotFound === true) return null;
      throw StorageError.keyNotFound(key);
    }
    return this.objectOf(current as Version & { value: string }, options.shared === true);
  }

  async list(key: string, options: ListOptions = {}): Promise<ListResult> {
    this.begin(options);
    validateKey(key, { prefix: true });
    const recursive = options.recursive ?? false;
    const limit = options.limit !== undefined && options.limit > 0 ? Math.floor(options.limit) : 0;
    const predicate = options.predicate?.empty === false ? options.predicate : undefined;
    const prefix = recursive ? prefixOf(key) : key;

    // as kube: k8s.io/apiserver pkg/storage ValidateListOptions and etcd3 GetList
    let readAt: number | undefined;
    let minimum = 0;
    let start = prefix;
    let continueStart: string | undefined;
    if (recursive && options.continue !== undefined && options.continue !== '') {
      const token = decodeContinue(options.continue);
      if (options.resourceVersion !== undefined && !['', '0'].includes(options.resourceVersion)) {
        throw badRequest('specifying resource version is not allowed when using continue');
      }
      continueStart = token.startKey;
      start = prefix + token.startKey;
      if (token.resourceVersion > 0) readAt = token.resourceVersion;
    } else {
      const rv = parseResourceVersion(options.resourceVersion);
      switch (options.resourceVersionMatch ?? '') {
        case 'NotOlderThan':
          minimum = rv ?? 0;
          break;
        case 'Exact':
          if (rv !== undefined && rv > 0) readAt = rv;
          break;
        case '':
          // legacy: a limit with a resourceVersion reads exactly there
          if (limit > 0 && rv !== undefined && rv > 0) readAt = rv;
          else minimum = rv ?? 0;
          break;
        default:
          throw badRequest(
            `unknown ResourceVersionMatch value: ${String(options.resourceVersionMatch)}`,
          );
      }
    }

    if (readAt !== undefined) {
      await this.waitFresh(readAt, options.signal);
      if (readAt < this.floor) {
        if (continueStart === undefined) throw resourceExpired(EXPIRED_LIST);
        const err = resourceExpired(INCONSISTENT_CONTINUE);
        err.status.metadata = {
          continue: encodeContinue({ resourceVersion: -1, startKey: continueStart }),
        };
        throw err;
      }
    } else {
      await this.waitFresh(minimum, options.signal);
    }
    const rev = readAt ?? this.revision;

    const shared = options.shared === true;
    const items: KubeObject[] = [];
    let lastKey: string | undefined;
    let hasMore = false;
    for (const k of this.allKeys.from(start)) {
      if (recursive ? !k.startsWith(prefix) : k !== key) break;
      const value = this.valueAt(k, rev);
      if (value === null) continue;
      if (limit > 0 && items.length >= limit) {
        hasMore = true;
        break;
      }
      lastKey = k;
      const obj = this.objectOf(value, shared);
      if (predicate === undefined || predicate.matches(obj)) items.push(obj);
    }

    const result: ListResult = { items, resourceVersion: String(rev) };
    if (hasMore && lastKey !== undefined) {
      const next = lastKey + '\u0000';
      result.continue = encodeContinue({
        resourceVersion: rev,
        startKey: next.slice(prefix.length),
      });
      if (predicate === undefined) result.remainingItemCount = this.countAt(rev, next, prefix);
    }
    return result;
  }

  async guaranteedUpdate(
    key: string,
    tryUpdate: UpdateFunction,
    options: UpdateOptions = {},
  ): Promise<KubeObject> {
    this.begin(options);
    validateKey(key);
    const ignoreNotFound = options.ignoreNotFound ?? false;
    // as kube: k8s.io/apiserver pkg/storage/etcd3/store.go GuaranteedUpdate
    const cached = this.stateOf(key, options.cachedExisting);
    let orig = cached ?? this.currentState(key, ignoreNotFound);
    let origIsCurrent = cached === undefined;
    for (;;) {
      options.signal?.throwIfAborted();
      if (options.preconditions !== undefined) {
        const failed = checkPreconditions(key, options.preconditions, orig);
        if (failed !== undefined) {
          if (origIsCurrent) throw failed;
          orig = this.currentState(key, ignoreNotFound);
          origIsCurrent = true;
          continue;
        }
      }
      let updated: KubeObject;
      try {
        updated = await tryUpdate(
          orig.json === null ? undefined : withResourceVersion(orig.json, orig.rev),
        );
      } catch (err) {
        if (origIsCurrent) throw err;
        // the cached object may have been stale: retry once on fresh data, unless it was not
        const cachedRev = orig.rev;
        orig = this.currentState(key, ignoreNotFound);
        origIsCurrent = true;
        if (cachedRev === orig.rev) throw err;
        continue;
      }
      this.assertOpen();
      const json = encode(key, updated);
      if (orig.json !== null && sameData(json, orig.json)) {
        if (!origIsCurrent) {
          orig = this.currentState(key, ignoreNotFound);
          origIsCurrent = true;
          if (orig.json === null || !sameData(json, orig.json)) continue;
        }
        return withResourceVersion(orig.json, orig.rev);
      }
      if ((this.latest(key)?.rev ?? 0) !== orig.rev) {
        orig = this.currentState(key, ignoreNotFound);
        origIsCurrent = true;
        continue;
      }
      const rev = this.commit(key, json);
      return withResourceVersion(json, rev);
    }
  }

  async delete(key: string, options: DeleteOptions = {}): Promise<KubeObject> {
    this.begin(options);
    validateKey(key);
    // as kube: k8s.io/apiserver pkg/storage/etcd3/store.go conditionalDelete
    const cached = this.stateOf(key, options.cachedExisting);
    let orig = cached ?? this.currentState(key, false);
    let origIsCurrent = cached === undefined;
    for (;;) {
      options.signal?.throwIfAborted();
      // a failed check is final on current data; on a cached copy it is retried on fresh data
      let failure: { error: unknown } | undefined;
      if (options.preconditions !== undefined) {
        const error = checkPreconditions(key, options.preconditions, orig);
        if (error !== undefined) failure = { error };
      }
      if (failure === undefined && options.validateDeletion !== undefined) {
        try {
          await options.validateDeletion(withResourceVersion(orig.json!, orig.rev));
        } catch (error) {
          failure = { error };
        }
      }
      if (failure !== undefined) {
        const cachedRev = orig.rev;
        if (!origIsCurrent) {
          orig = this.currentState(key, false);
          origIsCurrent = true;
          if (cachedRev !== orig.rev) continue;
        }
        throw failure.error;
      }
      this.assertOpen();
      if ((this.latest(key)?.rev ?? 0) !== orig.rev) {
        orig = this.currentState(key, false);
        origIsCurrent = true;
        continue;
      }
      const rev = this.commit(key, null);
      return withResourceVersion(orig.json!, rev);
    }
  }

  watch(key: string, options: WatchOptions = {}): Watcher {
    this.assertOpen();
    validateKey(key, { prefix: true });
    const rv = parseResourceVersion(options.resourceVersion);
    const recursive = options.recursive ?? false;
    const scope: WatchScope = {
      key,
      recursive,
      prefix: recursive ? prefixOf(key) : key,
      predicate: options.predicate?.empty === false ? options.predicate : undefined,
      allowBookmarks: options.allowBookmarks ?? false,
      progressNotify: options.allowBookmarks === true && options.progressNotify === true,
    };
    const watcher = new MemoryWatcher(this.watchBufferSize, (w) => {
      this.watchers.delete(w);
      signal?.removeEventListener('abort', onAbort);
    });
    const { signal } = options;
    const onAbort = (): void => {
      watcher.stop();
    };
    if (signal !== undefined) {
      if (signal.aborted) {
        watcher.stop();
        return watcher;
      }
      signal.addEventListener('abort', onAbort, { once: true });
    }

    // as kube: k8s.io/apiserver pkg/storage/cacher watch_cache.go getAllEventsSinceLocked
    if (options.sendInitialEvents === true) {
      // the current state, not older than rv; the bookmark that ends it only when bookmarks are
      // allowed (kube's isListWatchRequest)
      const minimum = rv ?? 0;
      if (minimum <= this.revision) {
        this.startFromSnapshot(watcher, scope, scope.allowBookmarks);
      } else {
        this.waitFresh(minimum, signal).then(
          () => {
            if (watcher.open) this.startFromSnapshot(watcher, scope, scope.allowBookmarks);
          },
          (err: unknown) => {
            watcher.fail(toStatus(err));
          },
        );
      }
    } else if (rv === undefined || rv === 0) {
      if (options.sendInitialEvents === false) {
        // no initial state: changes from now on
        watcher.minRevision = this.revision;
        this.register(watcher, scope);
      } else {
        this.startFromSnapshot(watcher, scope, false);
      }
    } else if (rv < this.floor) {
      watcher.fail(resourceExpired(`too old resource version: ${rv} (${this.floor})`).status);
    } else {
      watcher.minRevision = rv;
      const backlog: PendingEvent[] = [];
      for (let i = this.historyStart(rv); i < this.history.length; i++) {
        const event = this.history[i]!;
        const pending = this.toPending(scope, event, watcher);
        if (pending !== undefined) backlog.push(pending);
      }
      watcher.setBacklog(backlog);
      this.register(watcher, scope);
    }
    return watcher;
  }

  count(key: string): Promise<number> {
    return attempt(() => {
      this.assertOpen();
      validateKey(key, { prefix: true });
      const prefix = prefixOf(key);
      return this.liveKeys.countRange(prefix, prefixEnd(prefix));
    });
  }

  currentRevision(): Promise<number> {
    return attempt(() => {
      this.assertOpen();
      return this.revision;
    });
  }

  compact(revision: number): Promise<void> {
    return attempt(() => {
      this.assertOpen();
      if (!Number.isSafeInteger(revision) || revision < 0) {
        throw badRequest(`invalid revision to compact: ${revision}`);
      }
      // a revision beyond the current one compacts everything up to now
      const target = Math.min(revision, this.revision);
      if (target <= this.floor) return;
      this.floor = target;
      while (
        this.historyHead < this.history.length &&
        this.history[this.historyHead]!.rev <= target
      ) {
        this.evictOldest();
      }
    });
  }

  /**
   * Gives every running watch that asked for `allowBookmarks` and `progressNotify` a BOOKMARK at
   * the current revision now, as etcd's RequestWatchProgress. Writes hand their events to the
   * watchers synchronously, so the bookmark is queued after every event up to that revision; a
   * watcher whose queue is full gets none (it is about to be ended anyway).
   */
  requestWatchProgress(): Promise<void> {
    return attempt(() => {
      this.assertOpen();
      for (const watcher of this.watchers) {
        if (watcherScopes.get(watcher)?.progressNotify === true) {
          watcher.offerBookmark(this.revision);
        }
      }
    });
  }

  readinessCheck(): Promise<void> {
    return this.closed
      ? Promise.reject(StorageError.unreachable('/', 'the memory store is closed'))
      : Promise.resolve();
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    for (const watcher of [...this.watchers]) watcher.stop();
    this.watchers.clear();
    for (const waiter of [...this.freshnessWaiters]) {
      waiter.fail(StorageError.unreachable('/', 'the memory store is closed'));
    }
    this.stopBookmarks();
    return Promise.resolve();
  }

  /** Checks the store is open and the call is not abandoned. */
  private begin(options: CallOptions): void {
    this.assertOpen();
    options.signal?.throwIfAborted();
  }

  private assertOpen(): void {
    if (this.closed) throw StorageError.unreachable('/', 'the memory store is closed');
  }

  /** The live version of `key`, if it exists now. */
  private latestVersion(key: string): Version | undefined {
    const chain = this.versions.get(key);
    return chain?.[chain.length - 1];
  }

  private latest(key: string): { value: string; rev: number } | undefined {
    const last = this.latestVersion(key);
    return last === undefined || last.value === null
      ? undefined
      : { value: last.value, rev: last.rev };
  }

  /** The version of `key` visible at `rev`, or `null` when it did not exist then. */
  private valueAt(key: string, rev: number): (Version & { value: string }) | null {
    const chain = this.versions.get(key);
    if (chain === undefined) return null;
    for (let i = chain.length - 1; i >= 0; i--) {
      const version = chain[i]!;
      if (version.rev <= rev) {
        return version.value === null ? null : (version as Version & { value: string });
      }
    }
    return null;
  }

  /** A state as a caller gets it: its own parsed copy, or the kept frozen one for a shared read. */
  private objectOf(version: Version & { value: string }, shared: boolean): KubeObject {
    if (!shared) return withResourceVersion(version.value, version.rev);
    // parsed once per state: repeated reads of a hot object cost a lookup
    return (version.shared ??= deepFreeze(withResourceVersion(version.value, version.rev)));
  }

  private currentState(key: string, ignoreNotFound: boolean): ObjectState {
    const current = this.latest(key);
    if (current !== undefined) return { json: current.value, rev: current.rev };
    if (ignoreNotFound) return { json: null, rev: 0 };
    throw StorageError.keyNotFound(key);
  }

  /** The state a caller's cached copy claims, or `undefined` when it carries no usable resourceVersion. */
  private stateOf(key: string, cached: KubeObject | undefined): ObjectState | undefined {
    if (cached === undefined) return undefined;
    const rv = cached.metadata?.resourceVersion;
    if (rv === undefined || !/^[1-9]\d*$/.test(rv)) return undefined;
    const rev = Number(rv);
    if (!Number.isSafeInteger(rev)) return undefined;
    return { json: encode(key, cached), rev };
  }

  /** Applies one write at the next revision and tells the watchers. */
  private commit(key: string, value: string | null): number {
    const rev = ++this.revision;
    let chain = this.versions.get(key);
    if (chain === undefined) {
      chain = [];
      this.versions.set(key, chain);
      this.allKeys.add(key);
    }
    const prev = chain[chain.length - 1];
    chain.push({ rev, value });
    if (value === null) this.liveKeys.delete(key);
    else this.liveKeys.add(key);

    const event: HistoryEvent = {
      rev,
      key,
      value,
      prev: prev?.value ?? null,
      prevRev: prev?.rev ?? 0,
    };
    this.history.push(event);
    if (this.history.length - this.historyHead > this.historySize) {
      this.floor = Math.max(this.floor, this.history[this.historyHead]!.rev);
      this.evictOldest();
    }
    for (const watcher of this.watchers) {
      const scope = watcherScopes.get(watcher);
      if (scope === undefined || rev <= watcher.minRevision) continue;
      const pending = this.toPending(scope, event, watcher);
      if (pending !== undefined) watcher.offer(pending);
    }
    for (const waiter of this.freshnessWaiters) {
      if (waiter.rev <= rev) waiter.wake();
    }
    return rev;
  }

  /** Drops the oldest history event and the versions only it kept alive. */
  private evictOldest(): void {
    const event = this.history[this.historyHead]!;
    this.historyHead++;
    if (this.historyHead > 1024 && this.historyHead * 2 > this.history.length) {
      this.history.splice(0, this.historyHead);
      this.historyHead = 0;
    }
    this.prune(event.key);
  }

  /** Keeps only the versions of `key` a read at or after the floor can see. */
  private prune(key: string): void {
    const chain = this.versions.get(key);
    if (chain === undefined) return;
    let newestBelow = -1;
    for (let i = 0; i < chain.length && chain[i]!.rev <= this.floor; i++) newestBelow = i;
    if (newestBelow > 0) chain.splice(0, newestBelow);
    if (chain[0] !== undefined && chain[0].rev <= this.floor && chain[0].value === null) {
      chain.shift();
    }
    if (chain.length === 0) {
      this.versions.delete(key);
      this.allKeys.delete(key);
    }
  }

  /** The index of the first history event after `rev`. */
  private historyStart(rev: number): number {
    let lo = this.historyHead;
    let hi = this.history.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.history[mid]!.rev <= rev) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** How many keys exist at `rev` in `[from, end of prefix)`. */
  private countAt(rev: number, from: string, prefix: string): number {
    const end = prefixEnd(prefix);
    let count = this.liveKeys.countRange(from, end);
    if (rev === this.revision) return count;
    // correct the count of now by the keys written since rev
    const touched = new Set<string>();
    for (let i = this.history.length - 1; i >= this.historyHead; i--) {
      const event = this.history[i]!;
      if (event.rev <= rev) break;
      if (event.key.startsWith(prefix) && compareKeys(event.key, from) >= 0) touched.add(event.key);
    }
    for (const k of touched) {
      count += (this.valueAt(k, rev) !== null ? 1 : 0) - (this.liveKeys.has(k) ? 1 : 0);
    }
    return count;
  }

  private register(watcher: MemoryWatcher, scope: WatchScope): void {
    if (!watcher.open) return;
    watcherScopes.set(watcher, scope);
    this.watchers.add(watcher);
    if (scope.allowBookmarks) this.startBookmarks();
  }

  /** Sends the current state as ADDED events, then every change. */
  private startFromSnapshot(watcher: MemoryWatcher, scope: WatchScope, endBookmark: boolean): void {
    const rev = this.revision;
    const backlog: PendingEvent[] = [];
    try {
      for (const k of this.allKeys.from(scope.prefix)) {
        if (scope.recursive ? !k.startsWith(scope.prefix) : k !== scope.key) break;
        const current = this.latest(k);
        if (current === undefined) continue;
        if (
          scope.predicate !== undefined &&
          !scope.predicate.matches(withResourceVersion(current.value, current.rev))
        ) {
          continue;
        }
        backlog.push({ type: 'ADDED', json: current.value, rev: current.rev });
      }
    } catch (err) {
      watcher.fail(internalError(err).status);
      return;
    }
    if (endBookmark) backlog.push({ type: 'BOOKMARK', rev, initialEventsEnd: true });
    watcher.setBacklog(backlog);
    watcher.minRevision = rev;
    this.register(watcher, scope);
  }

  /**
   * What `event` means to a watcher: a change that enters its filter is ADDED, one that leaves it
   * is DELETED carrying the last matching state at the new revision (as kube's cache_watcher
   * convertToWatchEvent), one that stays in is MODIFIED.
   */
  private toPending(
    scope: WatchScope,
    event: HistoryEvent,
    watcher: MemoryWatcher,
  ): PendingEvent | undefined {
    if (scope.recursive ? !event.key.startsWith(scope.prefix) : event.key !== scope.key) {
      return undefined;
    }
    let curPasses = event.value !== null;
    let prevPasses = event.prev !== null;
    if (scope.predicate !== undefined) {
      try {
        if (curPasses) curPasses = matches(scope.predicate, event.value!, event.rev);
        if (prevPasses) prevPasses = matches(scope.predicate, event.prev!, event.prevRev);
      } catch (err) {
        watcher.fail(internalError(err).status);
        return undefined;
      }
    }
    if (curPasses) {
      return { type: prevPasses ? 'MODIFIED' : 'ADDED', json: event.value!, rev: event.rev };
    }
    if (prevPasses) return { type: 'DELETED', json: event.prev!, rev: event.rev };
    return undefined;
  }

  /** Resolves once the store reaches `rev`; fails with 504 after the freshness timeout. */
  private waitFresh(rev: number, signal: AbortSignal | undefined): Promise<void> {
    if (rev <= this.revision) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const settle = (): void => {
        clearTimeout(timer);
        this.freshnessWaiters.delete(waiter);
        signal?.removeEventListener('abort', onAbort);
      };
      const waiter = {
        rev,
        wake: () => {
          settle();
          resolve();
        },
        fail: (err: unknown) => {
          settle();
          // an abort rejects with the signal's reason, whatever it is
          // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
          reject(err);
        },
      };
      const onAbort = (): void => {
        waiter.fail(signal?.reason);
      };
      const timer = setTimeout(() => {
        waiter.fail(tooLargeResourceVersion(rev, this.revision));
      }, this.freshnessTimeoutMs);
      this.freshnessWaiters.add(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  private startBookmarks(): void {
    if (this.bookmarkTimer !== undefined) return;
    this.bookmarkTimer = setInterval(() => {
      let wanted = false;
      for (const watcher of this.watchers) {
        if (watcherScopes.get(watcher)?.allowBookmarks === true) {
          wanted = true;
          watcher.offerBookmark(this.revision);
        }
      }
      if (!wanted) this.stopBookmarks();
    }, this.bookmarkIntervalMs);
    this.bookmarkTimer.unref();
  }

  private stopBookmarks(): void {
    if (this.bookmarkTimer === undefined) return;
    clearInterval(this.bookmarkTimer);
    this.bookmarkTimer = undefined;
  }
}

/** Runs `fn`, turning its result or its throw into a promise. */
function attempt<T>(fn: () => T): Promise<T> {
  try {
    return Promise.resolve(fn());
  } catch (err) {
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
    return Promise.reject(err);
  }
}

/** The scope of each registered watcher (kept outside the watcher so it stays a plain queue). */
const watcherScopes = new WeakMap<MemoryWatcher, WatchScope>();

function matches(predicate: Predicate, json: string, rev: number): boolean {
  return predicate.matches(withResourceVersion(json, rev));
}

/**
 * The JSON stored for `obj`: without resourceVersion and selfLink (as kube's APIObjectVersioner
 * PrepareObjectForStorage), rejecting what is not a JSON object.
 */
function encode(key: string, obj: KubeObject): string {
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
    throw StorageError.invalidObj(key, 'the object to store must be a JSON object');
  }
  let json: string;
  try {
    json = JSON.stringify(obj);
  } catch (err) {
    throw StorageError.invalidObj(
      key,
      `the object is not JSON-serializable: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  const metadata: unknown = obj.metadata;
  if (metadata === undefined) return json;
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
    throw StorageError.invalidObj(key, 'metadata must be a JSON object');
  }
  if (!('resourceVersion' in metadata) && !('selfLink' in metadata)) return json;
  const copy = JSON.parse(json) as KubeObject & { metadata: Record<string, unknown> };
  delete copy.metadata.resourceVersion;
  delete copy.metadata.selfLink;
  return JSON.stringify(copy);
}

/** True when two stored JSON documents hold the same data (key order aside). */
function sameData(a: string, b: string): boolean {
  return a === b || isDeepStrictEqual(JSON.parse(a), JSON.parse(b));
}

/** kube's Preconditions.Check (k8s.io/apiserver pkg/storage interfaces.go), worded as kube. */
function checkPreconditions(
  key: string,
  preconditions: Preconditions,
  state: ObjectState,
): StorageError | undefined {
  const meta = state.json === null ? undefined : (JSON.parse(state.json) as KubeObject).metadata;
  const uid = meta?.uid ?? '';
  if (preconditions.uid !== undefined && preconditions.uid !== uid) {
    return StorageError.invalidObj(
      key,
      `Precondition failed: UID in precondition: ${preconditions.uid}, UID in object meta: ${uid}`,
    );
  }
  const rv = state.json === null ? '' : String(state.rev);
  if (preconditions.resourceVersion !== undefined && preconditions.resourceVersion !== rv) {
    return StorageError.invalidObj(
      key,
      `Precondition failed: ResourceVersion in precondition: ${preconditions.resourceVersion}, ResourceVersion in object meta: ${rv}`,
    );
  }
  return undefined;
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new RangeError(`MemoryStorage: ${name} must be a positive integer, got ${value}`);
  }
  return value;
}

function nonNegative(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0) {
    throw new RangeError(`MemoryStorage: ${name} must be a non-negative number, got ${value}`);
  }
  return value;
}
