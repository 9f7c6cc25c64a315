/**
 * {@link SqliteStorage}: the Storage interface on one embedded SQLite file.
 * @module
 */
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { badRequest, resourceExpired, tooLargeResourceVersion } from '@kapi/apimachinery';
import type { KubeObject, StatusError } from '@kapi/apimachinery';
import {
  StorageError,
  decodeContinue,
  encodeContinue,
  parseResourceVersion,
  prefixOf,
  validateKey,
} from '@kapi/storage';
import type {
  CallOptions,
  DeleteOptions,
  GetOptions,
  ListOptions,
  ListResult,
  Storage,
  UpdateFunction,
  UpdateOptions,
  Watcher,
  WatchOptions,
  WatchProgressRequester,
} from '@kapi/storage';
import { RevisionLog } from './log.js';
import type { CurrentRow, Mutation, MutationOutcome, SynchronousMode } from './log.js';
import {
  checkPreconditions,
  decodeAt,
  encodeForStorage,
  revisionOf,
  sameStoredValue,
} from './objects.js';
import { SqliteWatcher } from './watcher.js';
import type { WatchHost } from './watcher.js';

/** Options of {@link SqliteStorage}. */
export interface SqliteStorageOptions {
  /** The database file; created when missing. Only one store (in one process) may open it at a time. */
  path: string;
  /**
   * `FULL` (default) syncs the log to disk on every commit, so acknowledged writes survive power
   * loss; `NORMAL` survives a process crash (kill -9) but may lose the last commits on power loss.
   */
  synchronous?: SynchronousMode;
  /** How often history is compacted, in ms (default 5 minutes, as kube-apiserver's `--etcd-compaction-interval`); 0 turns it off. */
  compactionIntervalMs?: number;
  /**
   * Revisions kept on top of the one interval of history every compaction keeps (default 0).
   * Each run compacts to the revision that was current at the previous run, minus this.
   */
  compactionRetainRevisions?: number;
  /** Changes one watcher holds in memory before it falls back to reading the log (default 1000). */
  watchBufferSize?: number;
  /** Rows read per query by lists, counts and watches; bounds how long one call holds the event loop (default 500). */
  pageSize?: number;
  /**
   * How often a watch that allows bookmarks gets one, in ms (default 60 s, as kube's cacher); a
   * bookmark is sent only when the store's revision moved past what the watch last delivered.
   */
  bookmarkIntervalMs?: number;
  /** How long a read at a revision the store has not reached waits before its 504, in ms (default 3 s). */
  freshnessTimeoutMs?: number;
}

/** Writes gathered into one transaction; bounds how long one commit holds the event loop. */
const MAX_BATCH = 256;
/** Revisions scanned per compaction step (one transaction each). */
const COMPACTION_WINDOW = 2000;

// as kube: k8s.io/apiserver pkg/storage/etcd3 errors.go
const LIST_TOO_OLD = 'The resourceVersion for the provided list is too old.';
const INCONSISTENT_CONTINUE =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';

interface PendingWrite {
  mutation: Mutation;
  resolve: (outcome: MutationOutcome) => void;
  reject: (err: unknown) => void;
}

/** Keys already checked by `validateKey`, which is pure: re-checking a hot key is wasted work on the read path. */
const validKeys = new Set<string>();

function checkKey(key: string): void {
  if (validKeys.has(key)) return;
  validateKey(key);
  if (validKeys.size >= 8192) validKeys.clear();
  validKeys.add(key);
}

/** The first key after every key that starts with `prefix` (which ends in `/`). */
function prefixEnd(prefix: string): string {
  return `${prefix.slice(0, -1)}0`;
}

/**
 * Kapi storage on one SQLite file (WAL mode): a revision log in the manner of k3s's kine, where
 * the latest row per key is the state and older rows serve reads and watches at past revisions
 * until compaction. Writes are compare-and-swap inside short transactions; writes issued together
 * share one commit. The file is locked for as long as the store is open, and the lock dies with
 * the process.
 */
export class SqliteStorage implements Storage, WatchProgressRequester {
  /** The database file. */
  readonly path: string;
  private readonly log: RevisionLog;
  private readonly watchers = new Set<SqliteWatcher>();
  private readonly host: WatchHost;
  private pending: PendingWrite[] = [];
  private flushScheduled = false;
  private closed = false;
  /** Revisions in-flight reads are pinned at (revision → readers). */
  private readonly pins = new Map<number, number>();
  private readonly commitListeners = new Set<() => void>();
  private compaction: Promise<void> | undefined;
  /** Rows at or below this revision have been physically compacted. */
  private physicallyCompacted = 0;
  private compactionTimer: NodeJS.Timeout | undefined;
  private revisionAtLastTick: number;
  private readonly pageSize: number;
  private readonly watchBufferSize: number;
  private readonly bookmarkIntervalMs: number;
  private readonly freshnessTimeoutMs: number;

  /** Opens (or creates) the file; throws {@link SqliteStorageLockedError} when another store holds it. */
  constructor(options: SqliteStorageOptions) {
    this.path = options.path;
    this.pageSize = Math.max(1, options.pageSize ?? 500);
    this.watchBufferSize = Math.max(1, options.watchBufferSize ?? 1000);
    this.bookmarkIntervalMs = options.bookmarkIntervalMs ?? 60_000;
    this.freshnessTimeoutMs = options.freshnessTimeoutMs ?? 3_000;
    this.log = RevisionLog.open({ path: options.path, synchronous: options.synchronous ?? 'FULL' });
    this.physicallyCompacted = this.log.compactRevision;
    this.revisionAtLastTick = this.log.revision;
    this.host = {
      log: this.log,
      pin: (revision) => this.pin(revision),
      waitForRevision: (revision, signal) => this.waitForRevision(revision, signal),
      unregister: (watcher) => this.watchers.delete(watcher),
    };
    const interval = options.compactionIntervalMs ?? 300_000;
    const retain = Math.max(0, options.compactionRetainRevisions ?? 0);
    if (interval > 0) {
      this.compactionTimer = setInterval(() => {
        this.periodicCompaction(retain);
      }, interval);
      this.compactionTimer.unref();
    }
  }

  async create(key: string, obj: KubeObject, options: CallOptions = {}): Promise<KubeObject> {
    checkKey(key);
    this.assertOpen(key);
    options.signal?.throwIfAborted();
    const rv = obj.metadata?.resourceVersion;
    if (rv !== undefined && rv !== '') {
      // as kube: k8s.io/apiserver pkg/storage/etcd3 store.go Create (ErrResourceVersionSetOnCreate)
      throw StorageError.invalidObj(
        key,
        'resourceVersion should not be set on objects to be created',
      );
    }
    const value = encodeForStorage(key, obj);
    const outcome = await this.write({ key, op: 'put', expectRevision: 0, value });
    if (!outcome.ok) throw StorageError.keyExists(key, outcome.current?.revision ?? 0);
    return decodeAt(value, outcome.event.revision);
  }

  get(key: string, options: GetOptions & { ignoreNotFound: true }): Promise<KubeObject | null>;
  get(key: string, options?: GetOptions): Promise<KubeObject>;
  async get(key: string, options: GetOptions = {}): Promise<KubeObject | null> {
    checkKey(key);
    this.assertOpen(key);
    options.signal?.throwIfAborted();
    const minimum = parseResourceVersion(options.resourceVersion);
    if (minimum !== undefined && minimum > 0) await this.waitForRevision(minimum, options.signal);
    this.assertOpen(key);
    const row = this.log.read(key);
    if (row === undefined) {
      if (options.ignoreNotFound === true) return null;
      throw StorageError.keyNotFound(key);
    }
    return decodeAt(row[1], row[0]);
  }

  async list(key: string, options: ListOptions = {}): Promise<ListResult> {
    const recursive = options.recursive ?? false;
    validateKey(key, { prefix: true });
    this.assertOpen(key);
    const { signal } = options;
    signal?.throwIfAborted();
    const rv = parseResourceVersion(options.resourceVersion);
    const requestedLimit = options.limit ?? 0;
    const limit = recursive && requestedLimit > 0 ? requestedLimit : 0;
    const predicate = options.predicate?.empty === false ? options.predicate : undefined;
    const prefix = recursive ? prefixOf(key) : key;

    // as kube: k8s.io/apiserver pkg/storage ValidateListOptions and etcd3 store.go GetList
    let readAt = 0;
    let start = prefix;
    let continueStart: string | undefined;
    if (recursive && options.continue !== undefined && options.continue !== '') {
      const token = decodeContinue(options.continue);
      const given = options.resourceVersion;
      if (given !== undefined && given !== '' && given !== '0') {
        throw badRequest('specifying resource version is not allowed when using continue');
      }
      // a negative revision is kube's "continue at the latest revision" (inconsistent) token
      if (token.resourceVersion > 0) readAt = token.resourceVersion;
      continueStart = token.startKey;
      start = prefix + token.startKey;
    } else if (rv !== undefined) {
      const match = options.resourceVersionMatch ?? '';
      switch (match) {
        case 'NotOlderThan':
          break;
        case 'Exact':
          readAt = rv;
          break;
        case '':
          // legacy: a limit with a resourceVersion reads exactly there
          if (requestedLimit > 0 && rv > 0) readAt = rv;
          break;
        default:
          throw badRequest(`unknown ResourceVersionMatch value: ${String(match)}`);
      }
    }
    const minimum = readAt > 0 ? readAt : (rv ?? 0);
    if (minimum > 0) await this.waitForRevision(minimum, signal);
    this.assertOpen(key);
    if (readAt > 0 && readAt < this.log.compactRevision) {
      if (continueStart === undefined) throw resourceExpired(LIST_TOO_OLD);
      throw inconsistentContinue(continueStart);
    }
    const at = readAt > 0 ? readAt : this.log.revision;

    if (!recursive) {
      const row = this.log.currentAt(key, at);
      const items: KubeObject[] = [];
      if (row !== undefined) {
        const obj = decodeAt(row.value, row.revision);
        if (predicate === undefined || predicate.matches(obj)) items.push(obj);
      }
      return { items, resourceVersion: String(at) };
    }

    const end = prefixEnd(prefix);
    const unpin = this.pin(at);
    try {
      const items: KubeObject[] = [];
      let lastKey = '';
      let hasMore = false;
      let after: string | undefined;
      let spread = 1;
      for (;;) {
        const chunk =
          limit > 0 ? Math.min(this.pageSize, (limit - items.length) * spread + 1) : this.pageSize;
        const rows = this.log.rangeAt(after ?? start, after !== undefined, end, at, chunk);
        let full = false;
        for (const row of rows) {
          if (limit > 0 && items.length >= limit) {
            hasMore = true;
            full = true;
            break;
          }
          lastKey = row.key;
          const obj = decodeAt(row.value, row.revision);
          if (predicate === undefined || predicate.matches(obj)) items.push(obj);
        }
        if (full || rows.length < chunk) break;
        after = rows[rows.length - 1]!.key;
        // filtered pages are refilled with bigger reads, as kube doubles its etcd limit
        spread *= 2;
        await yieldToLoop();
        this.assertOpen(key);
        signal?.throwIfAborted();
      }
      const result: ListResult = { items, resourceVersion: String(at) };
      if (hasMore) {
        // as kube: the next page starts just after the last key read (k8s.io/apiserver pkg/storage PrepareContinueToken)
        result.continue = encodeContinue({
          resourceVersion: at,
          startKey: `${lastKey.slice(prefix.length)}\u0000`,
        });
        if (predicate === undefined) {
          result.remainingItemCount = await this.countLive(lastKey, true, end, at, key);
        }
      }
      return result;
    } finally {
      unpin();
    }
  }

  async guaranteedUpdate(
    key: string,
    tryUpdate: UpdateFunction,
    options: UpdateOptions = {},
  ): Promise<KubeObject> {
    checkKey(key);
    this.assertOpen(key);
    const { preconditions, signal } = options;
    const ignoreNotFound = options.ignoreNotFound ?? false;
    signal?.throwIfAborted();
    // as kube: k8s.io/apiserver pkg/storage/etcd3 store.go GuaranteedUpdate
    const cached = this.fromCache(key, options.cachedExisting);
    let state = cached ?? this.log.current(key);
    let isCurrent = cached === undefined;
    for (;;) {
      signal?.throwIfAborted();
      this.assertOpen(key);
      if (state === undefined && !ignoreNotFound) throw StorageError.keyNotFound(key);
      const existing = state === undefined ? undefined : decodeAt(state.value, state.revision);
      let next: KubeObject;
      try {
        checkPreconditions(key, preconditions, existing);
        next = await tryUpdate(existing);
      } catch (err) {
        // on a cached copy, retry on fresh data unless the copy was current after all
        if (isCurrent) throw err;
        const cachedRevision = state?.revision;
        this.assertOpen(key);
        state = this.log.current(key);
        isCurrent = true;
        if (state?.revision === cachedRevision) throw err;
        continue;
      }
      const value = encodeForStorage(key, next);
      if (state !== undefined && sameStoredValue(value, state.value)) {
        if (isCurrent) return decodeAt(state.value, state.revision);
        // the copy we compared with may be stale: compare with the stored one before skipping the write
        this.assertOpen(key);
        state = this.log.current(key);
        isCurrent = true;
        if (state !== undefined && sameStoredValue(value, state.value)) {
          return decodeAt(state.value, state.revision);
        }
        continue;
      }
      const outcome = await this.write({
        key,
        op: 'put',
        expectRevision: state?.revision ?? 0,
        value,
      });
      if (outcome.ok) return decodeAt(value, outcome.event.revision);
      state = outcome.current;
      isCurrent = true;
    }
  }

  async delete(key: string, options: DeleteOptions = {}): Promise<KubeObject> {
    checkKey(key);
    this.assertOpen(key);
    const { preconditions, validateDeletion, signal } = options;
    signal?.throwIfAborted();
    // as kube: k8s.io/apiserver pkg/storage/etcd3 store.go conditionalDelete
    const cached = this.fromCache(key, options.cachedExisting);
    let state = cached ?? this.log.current(key);
    let isCurrent = cached === undefined;
    for (;;) {
      signal?.throwIfAborted();
      this.assertOpen(key);
      if (state === undefined) throw StorageError.keyNotFound(key);
      try {
        const existing = decodeAt(state.value, state.revision);
        checkPreconditions(key, preconditions, existing);
        if (validateDeletion !== undefined) await validateDeletion(existing);
      } catch (err) {
        if (isCurrent) throw err;
        const cachedRevision = state.revision;
        this.assertOpen(key);
        state = this.log.current(key);
        isCurrent = true;
        if (state?.revision === cachedRevision) throw err;
        continue;
      }
      const outcome = await this.write({ key, op: 'delete', expectRevision: state.revision });
      if (outcome.ok) return decodeAt(outcome.event.value, outcome.event.revision);
      state = outcome.current;
      isCurrent = true;
    }
  }

  watch(key: string, options: WatchOptions = {}): Watcher {
    const recursive = options.recursive ?? false;
    validateKey(key, { prefix: true });
    this.assertOpen(key);
    const rv = parseResourceVersion(options.resourceVersion);
    const current = this.log.revision;
    const compacted = this.log.compactRevision;
    const prefix = recursive ? prefixOf(key) : key;
    let fromRevision = current;
    let initialState = false;
    let startError: StatusError | undefined;
    let awaitRevision: number | undefined;
    if (options.sendInitialEvents === true) {
      // the state "not older than" the given revision: the latest, once the store got there
      initialState = true;
      if (rv !== undefined && rv > current) awaitRevision = rv;
    } else if (rv === undefined || rv === 0) {
      // legacy "" and "0": the current state first, unless initial events were declined
      initialState = options.sendInitialEvents === undefined;
    } else {
      fromRevision = rv;
      if (rv < compacted) {
        // as kube: k8s.io/apiserver pkg/storage/cacher watch_cache.go
        startError = resourceExpired(`too old resource version: ${rv} (${compacted})`);
      }
    }
    // progressNotify alone sends none: as kube's cacher, bookmarks reach only watches that allow them
    const bookmarks = options.allowBookmarks === true;
    const watcher = new SqliteWatcher(
      this.host,
      {
        key: prefix,
        recursive,
        rangeStart: prefix,
        rangeEnd: recursive ? prefixEnd(prefix) : `${key}\u0000`,
        predicate: options.predicate?.empty === false ? options.predicate : undefined,
        fromRevision,
        awaitRevision,
        initialState,
        // as kube: the cacher ends initial events with a bookmark only when bookmarks are allowed
        initialEventsEndBookmark: initialState && options.allowBookmarks === true,
        bookmarkIntervalMs: bookmarks ? this.bookmarkIntervalMs : 0,
        progressNotify: bookmarks && options.progressNotify === true,
        startError: startError?.status,
        bufferSize: this.watchBufferSize,
        pageSize: this.pageSize,
        signal: options.signal,
      },
      current,
    );
    if (options.signal?.aborted !== true) this.watchers.add(watcher);
    return watcher;
  }

  async count(key: string): Promise<number> {
    validateKey(key, { prefix: true });
    this.assertOpen(key);
    const prefix = prefixOf(key);
    const at = this.log.revision;
    const unpin = this.pin(at);
    try {
      return await this.countLive(prefix, false, prefixEnd(prefix), at, key);
    } finally {
      unpin();
    }
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- async so a closed store rejects
  async currentRevision(): Promise<number> {
    this.assertOpen('/');
    return this.log.revision;
  }

  /**
   * Makes every running watch that asked for `allowBookmarks` and `progressNotify` send a
   * BOOKMARK at the store's revision as soon as it has delivered every change up to it, as etcd's
   * RequestWatchProgress (a watch cache uses it to confirm it is fresh after writes elsewhere).
   */
  // eslint-disable-next-line @typescript-eslint/require-await -- async so a closed store rejects
  async requestWatchProgress(): Promise<void> {
    this.assertOpen('/');
    const revision = this.log.revision;
    for (const watcher of this.watchers) watcher.requestProgress(revision);
  }

  async compact(revision: number): Promise<void> {
    this.assertOpen('/');
    if (!Number.isSafeInteger(revision) || revision < 0) {
      throw badRequest(`invalid compaction revision: ${revision}`);
    }
    // a revision beyond the current one compacts everything up to now
    const target = Math.min(revision, this.log.revision);
    if (target > this.log.compactRevision) this.log.setCompactRevision(target);
    await this.compactPhysically();
  }

  readinessCheck(): Promise<void> {
    if (this.closed) {
      return Promise.reject(StorageError.unreachable('/', `${this.path} is closed`));
    }
    try {
      this.log.ping();
      return Promise.resolve();
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      return Promise.reject(StorageError.unreachable('/', `${this.path}: ${why}`));
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    clearInterval(this.compactionTimer);
    // writes already accepted are committed, not dropped
    while (this.pending.length > 0) this.flushBatch();
    this.closed = true;
    for (const watcher of [...this.watchers]) watcher.stop();
    for (const listener of [...this.commitListeners]) listener();
    await this.compaction;
    this.log.close();
  }

  // ---- writes ----

  private write(mutation: Mutation): Promise<MutationOutcome> {
    this.assertOpen(mutation.key);
    return new Promise((resolve, reject) => {
      this.pending.push({ mutation, resolve, reject });
      this.scheduleFlush();
    });
  }

  /** Writes issued in the same turn of the event loop share one transaction and one fsync. */
  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flushBatch();
      if (this.pending.length > 0) this.scheduleFlush();
    });
  }

  private flushBatch(): void {
    if (this.pending.length === 0) return;
    const batch = this.pending.splice(0, MAX_BATCH);
    if (this.closed || !this.log.open) {
      for (const w of batch)
        w.reject(StorageError.unreachable(w.mutation.key, 'storage is closed'));
      return;
    }
    let outcomes: MutationOutcome[];
    try {
      outcomes = this.log.apply(batch.map((w) => w.mutation));
    } catch (err) {
      for (const w of batch) w.reject(err);
      return;
    }
    for (const outcome of outcomes) {
      if (!outcome.ok) continue;
      for (const watcher of this.watchers) watcher.offer(outcome.event);
    }
    batch.forEach((w, i) => {
      w.resolve(outcomes[i]!);
    });
    for (const listener of [...this.commitListeners]) listener();
  }

  // ---- reads ----

  private fromCache(key: string, cached: KubeObject | undefined): CurrentRow | undefined {
    const revision = revisionOf(cached);
    if (cached === undefined || revision === undefined) return undefined;
    return { revision, createRevision: 0, value: encodeForStorage(key, cached) };
  }

  /** Counts live keys in a range at a revision, a page at a time. */
  private async countLive(
    start: string,
    startExclusive: boolean,
    end: string,
    at: number,
    key: string,
  ): Promise<number> {
    const chunk = this.pageSize * 4;
    let total = 0;
    let from = start;
    let exclusive = startExclusive;
    for (;;) {
      this.assertOpen(key);
      const keys = this.log.rangeKeysAt(from, exclusive, end, at, chunk);
      total += keys.length;
      if (keys.length < chunk) return total;
      from = keys[keys.length - 1]!;
      exclusive = true;
      await yieldToLoop();
    }
  }

  /** Resolves once the store reached `revision`; a 504 after the freshness timeout. */
  private waitForRevision(revision: number, signal: AbortSignal | undefined): Promise<void> {
    if (revision <= this.log.revision) return Promise.resolve();
    // as kube: k8s.io/apiserver pkg/storage/cacher watch_cache.go waitUntilFreshAndBlock
    return new Promise((resolve, reject) => {
      const finish = (err?: Error): void => {
        clearTimeout(timer);
        this.commitListeners.delete(check);
        signal?.removeEventListener('abort', onAbort);
        if (err === undefined) resolve();
        else reject(err);
      };
      const check = (): void => {
        if (this.closed) finish(StorageError.unreachable('/', 'storage is closed'));
        else if (this.log.revision >= revision) finish();
      };
      const onAbort = (): void => {
        const reason: unknown = signal?.reason;
        finish(reason instanceof Error ? reason : new Error(String(reason)));
      };
      const timer = setTimeout(() => {
        finish(tooLargeResourceVersion(revision, this.log.revision));
      }, this.freshnessTimeoutMs);
      this.commitListeners.add(check);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  private assertOpen(key: string): void {
    if (this.closed)
      throw StorageError.unreachable(key, `the SQLite storage ${this.path} is closed`);
  }

  // ---- compaction ----

  private pin(revision: number): () => void {
    this.pins.set(revision, (this.pins.get(revision) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.pins.get(revision) ?? 1) - 1;
      if (left > 0) this.pins.set(revision, left);
      else this.pins.delete(revision);
      // a compaction held back by this reader can now finish
      if (!this.closed && this.physicallyCompacted < this.log.compactRevision) {
        this.compactPhysically().catch(() => undefined);
      }
    };
  }

  /** The highest revision rows may be physically compacted up to without breaking a pinned read. */
  private compactionBound(): number {
    let bound = this.log.compactRevision;
    for (const revision of this.pins.keys()) bound = Math.min(bound, revision);
    return bound;
  }

  private compactPhysically(): Promise<void> {
    this.compaction ??= this.runCompaction().finally(() => {
      this.compaction = undefined;
    });
    return this.compaction;
  }

  private async runCompaction(): Promise<void> {
    for (;;) {
      // Readers pin their revision only after checking it against the compact revision, so a new
      // pin is never below this bound and the bound holds for the whole pass.
      const bound = this.compactionBound();
      if (this.closed || bound <= this.physicallyCompacted) return;
      let from = (this.log.oldestRevision() ?? bound) - 1;
      while (from < bound) {
        await yieldToLoop();
        if (this.closed) return;
        const to = Math.min(from + COMPACTION_WINDOW, bound);
        this.log.compactWindow(from, to, bound);
        from = to;
      }
      this.physicallyCompacted = bound;
    }
  }

  private periodicCompaction(retain: number): void {
    if (this.closed) return;
    // as kube-apiserver's compactor: compact to the revision seen one interval ago
    const target = Math.min(this.revisionAtLastTick, this.log.revision - retain);
    this.revisionAtLastTick = this.log.revision;
    if (target > this.log.compactRevision) {
      this.compact(target).catch(() => undefined);
    }
  }
}

function inconsistentContinue(startKey: string): StatusError {
  // as kube: etcd3 store.go handleCompactedErrorForPaging, a token that continues at the latest revision
  const err = resourceExpired(INCONSISTENT_CONTINUE);
  err.status.metadata = { continue: encodeContinue({ resourceVersion: -1, startKey }) };
  return err;
}
