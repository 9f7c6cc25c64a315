/**
 * The watch cache: a {@link Storage} in front of any backend that serves reads and watches of one
 * resource prefix from memory (the counterpart of k8s.io/apiserver pkg/storage/cacher). One
 * upstream watch, started at a consistent list's revision, keeps the current objects and a
 * bounded history of recent changes; writes pass through to the backend.
 * @module
 */
import { resourceExpired, toStatus, tooLargeResourceVersion } from '@kapi/apimachinery';
import type { KubeObject } from '@kapi/apimachinery';
import { encodeContinue } from '../continue.js';
import { StorageError } from '../errors.js';
import type {
  CallOptions,
  DeleteOptions,
  GetOptions,
  ListOptions,
  ListResult,
  Storage,
  UpdateFunction,
  UpdateOptions,
  WatchOptions,
  Watcher,
} from '../interface.js';
import { prefixOf, validateKey } from '../keys.js';
import { parseResourceVersion } from '../resource-version.js';
import { Dispatcher } from './dispatcher.js';
import { EventHistory } from './history.js';
import type { CacheEvent } from './history.js';
import { deepFreeze, revisionOf, thaw } from './objects.js';
import { WatcherRegistry } from './registry.js';
import { CacheStore } from './store.js';
import { CacheWatcher } from './watcher.js';
import type { Delivery, WatchScope } from './watcher.js';

/**
 * An optional backend capability: ask every running watch for a progress notification (a
 * bookmark at the current revision) now, as etcd's RequestWatchProgress. With it, a consistent
 * read waits only as long as the backend takes to answer; without it, until the backend's next
 * periodic bookmark (or the consistent-read timeout).
 */
export interface WatchProgressRequester {
  /** Makes every watch that asked for progress notifications send one soon. */
  requestWatchProgress(): Promise<void>;
}

/** Configuration of a {@link CachedStorage}. */
export interface CachedStorageOptions {
  /** The prefix whose objects the cache holds, e.g. `/pods` (a trailing `/` is implied). */
  prefix: string;
  /**
   * The storage key of an object, as kube's cacher KeyFunc: backend events carry no keys, so the
   * cache files every object by it, and refuses a write through it under the prefix at any other
   * key. Default: `<prefix>/<namespace>/<name>`, or `<prefix>/<name>` when the object has no
   * namespace (kube's NamespaceKeyFunc).
   */
  keyOf?: (obj: KubeObject) => string;
  /** How many recent changes are kept for watches that resume from a revision. Default 10000. */
  historySize?: number;
  /** How many undelivered events a watcher may hold before it is ended. Default 1000. */
  watchBufferSize?: number;
  /**
   * How long a read or watch "not older than N" waits for the cache to reach N before it is a
   * 504 (kube's blockTimeout). Default 3000.
   */
  freshnessTimeoutMs?: number;
  /** How long a consistent read waits for the cache to reach the backend's revision before it is served by the backend. Default 3000. */
  consistentReadTimeoutMs?: number;
  /** How often watchers that allow bookmarks get one (kube's cacher: about a minute). Default 60000. */
  bookmarkIntervalMs?: number;
  /** The page size of the cache's own lists of the backend (kube's cacher: 10000). Default 10000. */
  listPageSize?: number;
  /** The longest pause between attempts to reach a failing backend. Default 1000. */
  retryDelayMs?: number;
  /** How long {@link CachedStorage.readinessCheck} waits for the initial list. Default 3000. */
  readinessTimeoutMs?: number;
  /** Close the backend when the cache is closed. Default false (a backend may back several caches). */
  closeBackend?: boolean;
}

/** How many watchers get a change before the consumers run (see {@link Dispatcher}). */
const DISPATCH_SLICE = 1000;

/** A pending wait for the cache to reach a revision. */
interface FreshnessWaiter {
  revision: number;
  settle: (fresh: boolean) => void;
}

/** Why the upstream watch stopped. */
type UpstreamEnd = 'ended' | 'relist';

/**
 * A watch cache for one resource prefix in front of any {@link Storage}. It is itself a
 * `Storage`, so it can be dropped in where the backend was:
 * - writes go to the backend (guaranteedUpdate and delete get the cached object as `cachedExisting`);
 * - get and list at `"0"`, not older than N, and consistent (`""`, after the cache has reached
 *   the backend's current revision) are served from memory; exact-revision lists and continue
 *   pages go to the backend, as kube's cacher delegates them;
 * - every watch is served from memory: the current state, or the history since a revision;
 * - keys outside the prefix, and everything while the cache is (re)loading, go to the backend.
 */
export class CachedStorage implements Storage {
  private readonly prefix: string;
  private readonly keyOf: (obj: KubeObject) => string;
  private readonly watchBufferSize: number;
  private readonly freshnessTimeoutMs: number;
  private readonly consistentReadTimeoutMs: number;
  private readonly bookmarkIntervalMs: number;
  private readonly listPageSize: number;
  private readonly retryDelayMs: number;
  private readonly readinessTimeoutMs: number;
  private readonly closeBackend: boolean;

  private readonly store = new CacheStore();
  private readonly history: EventHistory;
  private readonly watchers = new WatcherRegistry();
  private readonly dispatcher = new Dispatcher(DISPATCH_SLICE);
  /** The watches the backend serves for the cache. */
  private readonly delegated = new Set<CacheWatcher>();
  /** The revision the cache has caught up to: every change up to it is applied. */
  private revision = 0;
  /** The backend was compacted up to here through this cache: watches from before it get 410. */
  private compacted = 0;
  private ready = false;
  private closed = false;
  private lastError: unknown;
  private readonly freshnessWaiters = new Set<FreshnessWaiter>();
  private readonly readyWaiters = new Set<() => void>();
  private upstream: Watcher | undefined;
  private readonly running: Promise<void>;
  private wakeRetry: (() => void) | undefined;
  private bookmarkTimer: NodeJS.Timeout | undefined;
  private progressTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly backend: Storage,
    options: CachedStorageOptions,
  ) {
    validateKey(options.prefix, { prefix: true });
    this.prefix = prefixOf(options.prefix);
    this.keyOf = options.keyOf ?? namespacedKey(this.prefix);
    this.history = new EventHistory(positive(options.historySize, 10000, 'historySize'));
    this.watchBufferSize = positive(options.watchBufferSize, 1000, 'watchBufferSize');
    this.freshnessTimeoutMs = nonNegative(options.freshnessTimeoutMs, 3000, 'freshnessTimeoutMs');
    this.consistentReadTimeoutMs = nonNegative(
      options.consistentReadTimeoutMs,
      3000,
      'consistentReadTimeoutMs',
    );
    this.bookmarkIntervalMs = positive(options.bookmarkIntervalMs, 60000, 'bookmarkIntervalMs');
    this.listPageSize = positive(options.listPageSize, 10000, 'listPageSize');
    this.retryDelayMs = positive(options.retryDelayMs, 1000, 'retryDelayMs');
    this.readinessTimeoutMs = nonNegative(options.readinessTimeoutMs, 3000, 'readinessTimeoutMs');
    this.closeBackend = options.closeBackend ?? false;
    this.running = this.run();
  }

  /** The revision the cache has caught up to (0 before the initial list). */
  get cachedRevision(): number {
    return this.revision;
  }

  /** How many watchers the cache is feeding. */
  get watcherCount(): number {
    return this.watchers.size;
  }

  async create(key: string, obj: KubeObject, options?: CallOptions): Promise<KubeObject> {
    validateKey(key);
    this.checkKey(key, obj);
    return this.backend.create(key, obj, options);
  }

  get(key: string, options: GetOptions & { ignoreNotFound: true }): Promise<KubeObject | null>;
  get(key: string, options?: GetOptions): Promise<KubeObject>;
  async get(key: string, options: GetOptions = {}): Promise<KubeObject | null> {
    this.assertOpen();
    validateKey(key);
    options.signal?.throwIfAborted();
    const rv = parseResourceVersion(options.resourceVersion);
    if (!this.ready || !key.startsWith(this.prefix)) return this.backend.get(key, options);
    // as kube: k8s.io/apiserver pkg/storage/cacher delegator.go Get, with consistent reads from
    // the cache (KEP-2340) as for lists
    if (!(await this.catchUp(rv, options.signal))) return this.backend.get(key, options);
    const obj = this.store.get(key);
    if (obj === undefined) {
      if (options.ignoreNotFound === true) return null;
      throw StorageError.keyNotFound(key, this.revision);
    }
    return options.shared === true ? obj : thaw(obj);
  }

  async list(key: string, options: ListOptions = {}): Promise<ListResult> {
    this.assertOpen();
    validateKey(key, { prefix: true });
    options.signal?.throwIfAborted();
    const recursive = options.recursive ?? false;
    const covered = recursive ? prefixOf(key).startsWith(this.prefix) : key.startsWith(this.prefix);
    if (!covered || !this.ready || delegatesList(options)) return this.backend.list(key, options);
    const rv = parseResourceVersion(options.resourceVersion);
    if (!(await this.catchUp(rv, options.signal))) return this.backend.list(key, options);
    // as kube: computeListLimit, a limit is ignored at resourceVersion "0"
    const limit =
      rv === 0 || options.limit === undefined || options.limit <= 0 ? 0 : Math.floor(options.limit);
    return this.listNow(key, recursive, options, limit);
  }

  async guaranteedUpdate(
    key: string,
    tryUpdate: UpdateFunction,
    options: UpdateOptions = {},
  ): Promise<KubeObject> {
    // as kube: the cacher passes its own copy down as the cached existing object
    const checked: UpdateFunction = async (current) => {
      const next = await tryUpdate(current);
      this.checkKey(key, next);
      return next;
    };
    return this.backend.guaranteedUpdate(key, checked, {
      ...options,
      ...this.suggestion(key, options.cachedExisting),
    });
  }

  async delete(key: string, options: DeleteOptions = {}): Promise<KubeObject> {
    return this.backend.delete(key, {
      ...options,
      ...this.suggestion(key, options.cachedExisting),
    });
  }

  watch(key: string, options: WatchOptions = {}): Watcher {
    this.assertOpen();
    validateKey(key, { prefix: true });
    const rv = parseResourceVersion(options.resourceVersion);
    const recursive = options.recursive ?? false;
    const scopeKey = recursive ? prefixOf(key) : key;
    // outside the prefix, or while the cache (re)loads, the backend serves the watch
    const inner =
      !this.ready || !scopeKey.startsWith(this.prefix)
        ? this.backend.watch(key, options)
        : undefined;

    const scope: WatchScope = {
      key: scopeKey,
      recursive,
      predicate: options.predicate?.empty === false ? options.predicate : undefined,
      allowBookmarks: options.allowBookmarks ?? false,
    };
    const { signal } = options;
    const onAbort = (): void => {
      watcher.stop();
    };
    const watcher = new CacheWatcher(scope, this.watchBufferSize, (w) => {
      this.watchers.delete(w);
      signal?.removeEventListener('abort', onAbort);
    });
    if (signal !== undefined) {
      if (signal.aborted) {
        watcher.stop();
        return watcher;
      }
      signal.addEventListener('abort', onAbort, { once: true });
    }
    if (inner !== undefined) {
      this.delegate(watcher, inner);
      return watcher;
    }

    // as kube: k8s.io/apiserver pkg/storage/cacher cacher.go Watch and watch_cache.go
    // getAllEventsSinceLocked
    const initialEvents = options.sendInitialEvents;
    if (initialEvents === undefined && rv !== undefined) {
      // "0": the state the cache has, then changes; N: every change after N
      if (rv === 0) this.startFromState(watcher, false);
      else this.startAfter(watcher, rv);
    } else if (initialEvents === false && rv !== undefined) {
      this.startAfter(watcher, rv === 0 ? this.revision : rv);
    } else {
      void this.startLater(watcher, key, options, rv);
    }
    return watcher;
  }

  count(key: string): Promise<number> {
    return this.backend.count(key);
  }

  currentRevision(): Promise<number> {
    return this.backend.currentRevision();
  }

  async compact(revision: number): Promise<void> {
    await this.backend.compact(revision);
    // a revision beyond the current one compacts everything up to now
    const current = await this.backend.currentRevision();
    this.compacted = Math.max(this.compacted, Math.min(revision, current));
    this.history.compact(this.compacted);
  }

  /** Resolves once the backend is ready and the cache has loaded; rejects when it cannot in time. */
  async readinessCheck(): Promise<void> {
    this.assertOpen();
    await this.backend.readinessCheck();
    if (this.ready) return;
    const loaded = await new Promise<boolean>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.readyWaiters.delete(done);
        resolve(this.ready);
      };
      const timer = setTimeout(done, this.readinessTimeoutMs);
      this.readyWaiters.add(done);
    });
    if (!loaded) {
      const why = this.lastError instanceof Error ? `: ${this.lastError.message}` : '';
      throw StorageError.unreachable(this.prefix, `the watch cache is (re)initializing${why}`);
    }
  }

  /** Ends the upstream watch and every watcher; closes the backend when configured to. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.ready = false;
    this.upstream?.stop();
    this.wakeRetry?.();
    this.dispatcher.clear();
    for (const watcher of this.watchers.clear()) watcher.terminate();
    for (const watcher of [...this.delegated]) watcher.stop();
    for (const waiter of [...this.freshnessWaiters]) waiter.settle(false);
    for (const done of [...this.readyWaiters]) done();
    this.stopBookmarks();
    this.stopProgressRequests();
    // a backend call in flight may take its time to fail; the loop ends on its own after it
    await Promise.race([this.running, sleep(this.retryDelayMs)]);
    if (this.closeBackend) await this.backend.close();
  }

  /**
   * Refuses to write an object under the cached prefix at a key other than the one the cache
   * files it under: the backend's events carry no keys, so the cache would hold it at the wrong one.
   */
  private checkKey(key: string, obj: KubeObject): void {
    if (!key.startsWith(this.prefix)) return;
    let filed: string;
    try {
      filed = this.keyOf(obj);
    } catch (err) {
      throw StorageError.invalidObj(key, err instanceof Error ? err.message : String(err));
    }
    if (filed !== key) {
      throw StorageError.invalidObj(
        key,
        `the watch cache of ${this.prefix} keys this object as ${filed}, not ${key}`,
      );
    }
  }

  private assertOpen(): void {
    if (this.closed) throw StorageError.unreachable(this.prefix, 'the watch cache is closed');
  }

  /**
   * Waits until the cache can serve a read at `rv`: `"0"` at once; N once the cache has reached N
   * (504 when it does not in time and the backend has not reached N either); `""` once it has
   * reached the backend's current revision. Resolves false when the backend should serve instead.
   */
  private async catchUp(rv: number | undefined, signal: AbortSignal | undefined): Promise<boolean> {
    if (rv === 0) return true;
    if (rv === undefined) {
      const current = await this.backend.currentRevision();
      return (await this.waitFor(current, this.consistentWaitMs(), signal)) && this.ready;
    }
    if (await this.waitFor(rv, this.freshnessTimeoutMs, signal)) return this.ready;
    // the cache lags behind a backend that has the revision: the backend serves, never stale
    const current = await this.backend.currentRevision();
    if (current >= rv) return false;
    throw tooLargeResourceVersion(rv, this.revision);
  }

  /** Resolves true once the cache reaches `revision`, false after `timeoutMs` or on close. */
  private waitFor(
    revision: number,
    timeoutMs: number,
    signal: AbortSignal | undefined,
  ): Promise<boolean> {
    if (revision <= this.revision) return Promise.resolve(true);
    if (this.closed) return Promise.resolve(false);
    return new Promise<boolean>((resolve, reject) => {
      const finish = (): void => {
        clearTimeout(timer);
        this.freshnessWaiters.delete(waiter);
        signal?.removeEventListener('abort', onAbort);
        if (this.freshnessWaiters.size === 0) this.stopProgressRequests();
      };
      const waiter: FreshnessWaiter = {
        revision,
        settle: (fresh) => {
          finish();
          resolve(fresh);
        },
      };
      const onAbort = (): void => {
        finish();
        // an abort rejects with the signal's reason, whatever it is
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
        reject(signal?.reason);
      };
      const timer = setTimeout(() => {
        waiter.settle(false);
      }, timeoutMs);
      this.freshnessWaiters.add(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.startProgressRequests();
    });
  }

  /** One page of the cached objects under `key` (or the one at `key`), filtered. */
  private listNow(
    key: string,
    recursive: boolean,
    options: ListOptions,
    limit: number,
  ): ListResult {
    const predicate = options.predicate?.empty === false ? options.predicate : undefined;
    const revision = this.revision;
    const shared = options.shared === true;
    const items: KubeObject[] = [];
    if (!recursive) {
      const obj = this.store.get(key);
      if (obj !== undefined && (predicate === undefined || predicate.matches(obj))) {
        items.push(shared ? obj : thaw(obj));
      }
      return { items, resourceVersion: String(revision) };
    }
    const prefix = prefixOf(key);
    let lastKey: string | undefined;
    let hasMore = false;
    this.store.forEachUnder(prefix, (k, obj) => {
      // as kube's cacher GetList: any key after a full page means there may be more
      if (limit > 0 && items.length >= limit) {
        hasMore = true;
        return false;
      }
      if (predicate !== undefined && !predicate.matches(obj)) return true;
      items.push(shared ? obj : thaw(obj));
      lastKey = k;
      return true;
    });
    const result: ListResult = { items, resourceVersion: String(revision) };
    if (hasMore && lastKey !== undefined) {
      // as kube: k8s.io/apiserver pkg/storage PrepareContinueToken, the next key after the page
      const next = lastKey + '\u0000';
      result.continue = encodeContinue({
        resourceVersion: revision,
        startKey: next.slice(prefix.length),
      });
      if (predicate === undefined) result.remainingItemCount = this.store.countFrom(prefix, next);
    }
    return result;
  }

  /** The `cachedExisting` to pass down: the newer of the cache's copy and the caller's. */
  private suggestion(
    key: string,
    callers: KubeObject | undefined,
  ): { cachedExisting?: KubeObject } {
    const cached = this.store.get(key);
    if (cached === undefined) return callers === undefined ? {} : { cachedExisting: callers };
    if (callers !== undefined && (revisionOf(callers) ?? 0) > (revisionOf(cached) ?? 0)) {
      return { cachedExisting: callers };
    }
    return { cachedExisting: thaw(cached) };
  }

  /** Starts a watch that first needs the backend's revision or a fresher cache. */
  private async startLater(
    watcher: CacheWatcher,
    key: string,
    options: WatchOptions,
    rv: number | undefined,
  ): Promise<void> {
    try {
      const target = rv ?? (await this.backend.currentRevision());
      if (!watcher.starting) return;
      if (options.sendInitialEvents === false) {
        // no initial state: every change after the backend's current revision, unless the cache
        // began to reload meanwhile (its history is about to be replaced)
        if (this.ready) this.startAfter(watcher, target);
        else this.delegate(watcher, this.backend.watch(key, options));
        return;
      }
      const timeout = rv === undefined ? this.consistentWaitMs() : this.freshnessTimeoutMs;
      const fresh = (await this.waitFor(target, timeout, undefined)) && this.ready;
      if (!watcher.starting) return;
      if (!fresh) {
        if (rv !== undefined && (await this.backend.currentRevision()) < rv) {
          watcher.fail(tooLargeResourceVersion(rv, this.revision).status);
          return;
        }
        // the cache cannot catch up in time: the backend serves this watch
        if (watcher.starting) this.delegate(watcher, this.backend.watch(key, options));
        return;
      }
      this.startFromState(
        watcher,
        options.sendInitialEvents === true && watcher.scope.allowBookmarks,
      );
    } catch (err) {
      watcher.fail(toStatus(err));
    }
  }

  /** Lets the backend serve `watcher`, which the cache still ends on close. */
  private delegate(watcher: CacheWatcher, inner: Watcher): void {
    if (this.closed) {
      inner.stop();
      watcher.stop();
      return;
    }
    this.delegated.add(watcher);
    watcher.delegate(inner, () => this.delegated.delete(watcher));
  }

  /** Starts a watch with the current state as ADDED events (and the initial-events-end bookmark). */
  private startFromState(watcher: CacheWatcher, endBookmark: boolean): void {
    const { scope } = watcher;
    const backlog: Delivery[] = [];
    const add = (_key: string, obj: KubeObject): boolean => {
      if (scope.predicate === undefined || scope.predicate.matches(obj)) {
        backlog.push({ type: 'ADDED', object: obj });
      }
      return true;
    };
    try {
      if (scope.recursive) {
        this.store.forEachUnder(scope.key, add);
      } else {
        const obj = this.store.get(scope.key);
        if (obj !== undefined) add(scope.key, obj);
      }
    } catch (err) {
      watcher.fail(toStatus(err));
      return;
    }
    if (endBookmark) {
      backlog.push({ type: 'BOOKMARK', revision: this.revision, initialEventsEnd: true });
    }
    this.register(watcher, backlog, this.revision);
  }

  /** Starts a watch with every change after `revision` (410 when the cache no longer has them). */
  private startAfter(watcher: CacheWatcher, revision: number): void {
    const floor = Math.max(this.history.floor, this.compacted);
    if (revision < floor) {
      // as kube: watch_cache.go getAllEventsSinceLocked
      watcher.fail(resourceExpired(`too old resource version: ${revision} (${floor})`).status);
      return;
    }
    const backlog: Delivery[] = [];
    try {
      for (const event of this.history.since(revision)) {
        if (!watcher.covers(event.key)) continue;
        const delivery = watcher.convert(event);
        if (delivery !== undefined) backlog.push(delivery);
      }
    } catch (err) {
      watcher.fail(toStatus(err));
      return;
    }
    // the backlog covers up to the cache's revision; a future revision skips what comes before it
    this.register(watcher, backlog, Math.max(revision, this.revision));
  }

  /** Starts a watcher and feeds it from now on. */
  private register(watcher: CacheWatcher, backlog: Delivery[], startRevision: number): void {
    if (!watcher.start(backlog, startRevision)) return;
    this.watchers.add(watcher);
    if (watcher.scope.allowBookmarks) this.startBookmarks();
  }

  /** Keeps the cache in step with the backend until closed: list, watch, and again on failure. */
  private async run(): Promise<void> {
    let delay = 0;
    while (!this.closed) {
      if (delay > 0) await this.pause(delay);
      if (this.closed) break;
      try {
        // a watch that fails at once after every list is retried with a growing pause too
        const progressed = await this.listAndWatch();
        delay = progressed ? 0 : Math.min(delay === 0 ? 25 : delay * 2, this.retryDelayMs);
      } catch (err) {
        this.lastError = err;
        delay = Math.min(delay === 0 ? 25 : delay * 2, this.retryDelayMs);
      }
    }
    this.ready = false;
  }

  /**
   * Lists the prefix and follows it with a watch until the watch can no longer resume; then the
   * watchers, which can no longer be served without a gap, are ended (as kube's cacher
   * terminateAllWatchers before each ListAndWatch). Resolves whether the watch got anywhere.
   */
  private async listAndWatch(): Promise<boolean> {
    this.ready = false;
    this.dispatcher.clear();
    for (const watcher of this.watchers.clear()) watcher.terminate();
    const { revision, entries } = await this.listAll();
    if (this.closed) return false;
    this.store.replace(entries);
    this.history.reset(revision);
    // the list is the truth, even behind the old state (a backend that restarted empty)
    this.advance(revision);
    this.ready = true;
    this.lastError = undefined;
    for (const done of [...this.readyWaiters]) done();

    let delay = 0;
    for (;;) {
      if (this.closed) return false;
      const before = this.revision;
      const end = await this.follow(this.revision);
      if (end === 'relist' || this.closed) return this.revision > revision;
      // the watch ended (the backend restarted or dropped a slow reader): resume without a gap,
      // pausing when it ends without progress so a broken backend is not spun on
      delay =
        this.revision > before ? 0 : Math.min(delay === 0 ? 25 : delay * 2, this.retryDelayMs);
      if (delay > 0) await this.pause(delay);
    }
  }

  /** A consistent list of the whole prefix, page by page at one revision. */
  private async listAll(): Promise<{ revision: number; entries: [string, KubeObject][] }> {
    const entries: [string, KubeObject][] = [];
    let revision: number | undefined;
    let token: string | undefined;
    do {
      const options: ListOptions = { recursive: true, limit: this.listPageSize };
      if (token !== undefined) options.continue = token;
      const page = await this.backend.list(this.prefix, options);
      if (this.closed) return { revision: 0, entries: [] };
      revision ??= Number(page.resourceVersion);
      for (const item of page.items) entries.push([this.keyFor(item), deepFreeze(item)]);
      token = page.continue;
    } while (token !== undefined && token !== '');
    return { revision: revision ?? 0, entries };
  }

  /**
   * Follows the backend's watch from `revision`; resolves with why it stopped: `ended` when it can
   * resume from the cache's revision, `relist` when the cache has to start over.
   */
  private async follow(revision: number): Promise<UpstreamEnd> {
    let upstream: Watcher;
    try {
      upstream = this.backend.watch(this.prefix, {
        recursive: true,
        resourceVersion: String(revision),
        allowBookmarks: true,
        progressNotify: true,
      });
    } catch (err) {
      // the backend cannot start a watch now: try again from the same revision
      this.lastError = err;
      return 'ended';
    }
    this.upstream = upstream;
    try {
      for await (const event of upstream) {
        if (this.closed) return 'ended';
        if (event.type === 'ERROR') {
          // 410 (compacted) or anything else: the cache can only start over
          this.lastError = new Error(event.object.message ?? 'the upstream watch failed');
          return 'relist';
        }
        if (event.type === 'BOOKMARK') {
          const rev = revisionOf(event.object);
          if (rev !== undefined && rev > this.revision) this.advance(rev);
          continue;
        }
        try {
          this.apply(event.type, event.object);
        } catch (err) {
          // a change the cache cannot hold (e.g. no key): start over rather than serve a gap
          this.lastError = err;
          return 'relist';
        }
      }
      return 'ended';
    } catch (err) {
      this.lastError = err;
      return 'ended';
    } finally {
      upstream.stop();
      if (this.upstream === upstream) this.upstream = undefined;
    }
  }

  /** Applies one change from the backend and hands it to the watchers. */
  private apply(type: CacheEvent['type'], obj: KubeObject): void {
    const rev = revisionOf(obj);
    // a change the cache already has (a resumed watch overlapping) is skipped
    if (rev === undefined || rev <= this.revision) return;
    const key = this.keyFor(obj);
    const object = deepFreeze(obj);
    const previous = type === 'DELETED' ? this.store.delete(key) : this.store.set(key, object);
    const change: CacheEvent = {
      type,
      key,
      revision: rev,
      object,
      previous,
      unfiltered:
        type === 'DELETED'
          ? { type, object }
          : { type: previous === undefined ? 'ADDED' : 'MODIFIED', object },
    };
    this.history.push(change);
    this.dispatcher.dispatch(change, this.watchers.covering(key));
    this.advance(rev);
  }

  /** Moves the cache to `revision` and wakes the reads waiting for it. */
  private advance(revision: number): void {
    this.revision = revision;
    for (const waiter of this.freshnessWaiters) {
      if (waiter.revision <= revision) waiter.settle(true);
    }
  }

  private keyFor(obj: KubeObject): string {
    const key = this.keyOf(obj);
    validateKey(key);
    if (!key.startsWith(this.prefix)) {
      throw StorageError.invalidKey(key, `is not under the cached prefix ${this.prefix}`);
    }
    return key;
  }

  /** Sleeps up to `ms`, waking early on close. */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wakeRetry = done;
    });
  }

  private startBookmarks(): void {
    if (this.bookmarkTimer !== undefined || this.closed) return;
    this.bookmarkTimer = setInterval(() => {
      if (!this.watchers.wantsBookmarks) {
        this.stopBookmarks();
        return;
      }
      // never ahead of a change some watcher has yet to be offered
      const revision = this.dispatcher.idle ? this.revision : this.dispatcher.dispatchedRevision;
      this.watchers.forEachWithBookmarks((watcher) => {
        watcher.offerBookmark(revision);
      });
    }, this.bookmarkIntervalMs);
    this.bookmarkTimer.unref();
  }

  private stopBookmarks(): void {
    clearInterval(this.bookmarkTimer);
    this.bookmarkTimer = undefined;
  }

  /**
   * How long a consistent read waits for the cache. A backend that cannot be asked for progress
   * may never tell the cache it is current (writes elsewhere move the shared revision silently),
   * so without progress requests a cache that is behind hands the read to the backend at once
   * (as kube serves consistent reads from its cache only when etcd answers progress requests).
   */
  private consistentWaitMs(): number {
    const requestProgress = (this.backend as Partial<WatchProgressRequester>).requestWatchProgress;
    return typeof requestProgress === 'function' ? this.consistentReadTimeoutMs : 0;
  }

  /** While reads wait for the cache, asks the backend for progress (kube's conditionalProgressRequester). */
  private startProgressRequests(): void {
    const requestProgress = (this.backend as Partial<WatchProgressRequester>).requestWatchProgress;
    if (typeof requestProgress !== 'function' || this.progressTimer !== undefined) return;
    const request = (): void => {
      // a backend that throws instead of rejecting must not take the timer down
      Promise.resolve()
        .then(() => requestProgress.call(this.backend))
        .catch((err: unknown) => {
          this.lastError = err;
        });
    };
    request();
    this.progressTimer = setInterval(request, 100);
    this.progressTimer.unref();
  }

  private stopProgressRequests(): void {
    clearInterval(this.progressTimer);
    this.progressTimer = undefined;
  }
}

/**
 * True for the lists kube's cacher sends to the backend (k8s.io/apiserver pkg/storage/cacher
 * delegator.go shouldDelegateList): exact revisions, continue pages, a limit with a revision
 * other than "0" (the legacy exact match), and whatever the cache does not understand.
 */
function delegatesList(options: ListOptions): boolean {
  const rv = options.resourceVersion ?? '';
  if (options.continue !== undefined && options.continue !== '') return true;
  switch (options.resourceVersionMatch ?? '') {
    case 'NotOlderThan':
      return rv === '';
    case '':
      return options.limit !== undefined && options.limit > 0 && rv !== '' && rv !== '0';
    default:
      return true;
  }
}

/** kube's NamespaceKeyFunc under `prefix` (which ends with `/`). */
function namespacedKey(prefix: string): (obj: KubeObject) => string {
  return (obj) => {
    const name = obj.metadata?.name ?? '';
    const namespace = obj.metadata?.namespace ?? '';
    if (name === '') throw StorageError.invalidObj(prefix, 'an object without a name has no key');
    return namespace === '' ? `${prefix}${name}` : `${prefix}${namespace}/${name}`;
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new RangeError(`CachedStorage: ${name} must be a positive integer, got ${value}`);
  }
  return value;
}

function nonNegative(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0) {
    throw new RangeError(`CachedStorage: ${name} must be a non-negative number, got ${value}`);
  }
  return value;
}
