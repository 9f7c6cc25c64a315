/**
 * The storage interface every Kapi backend implements (the counterpart of k8s.io/apiserver
 * `pkg/storage.Interface`). Backends speak plain objects and decimal-string resourceVersions; the
 * store's single revision counter is the resourceVersion of every object it returns.
 * @module
 */
import type { KubeObject, Preconditions, ResourceVersionMatch, Status } from '@kapi/apimachinery';

/** Filters objects for list and watch. Build one from selectors with `selectionPredicate()`. */
export interface Predicate {
  /** True when the object passes the filter. */
  matches(obj: KubeObject): boolean;
  /** True when the predicate selects everything, so no filtering is needed. */
  readonly empty: boolean;
}

/** Options common to every call. */
export interface CallOptions {
  /** Abandons the call; the promise rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** Options of {@link Storage.get}. */
export interface GetOptions extends CallOptions {
  /** `""`: the latest (consistent); `"0"`: any; `N`: not older than N (beyond the current revision is a 504). */
  resourceVersion?: string;
  /** Resolve `null` instead of throwing `KeyNotFound`. */
  ignoreNotFound?: boolean;
  /**
   * The caller only reads the result: the storage may answer with an object it keeps, deep-frozen
   * (so a slip throws instead of corrupting it), rather than a fresh copy. Backends that keep no
   * decoded objects ignore it and answer a copy as usual.
   */
  shared?: boolean;
}

/** Options of {@link Storage.list}. */
export interface ListOptions extends CallOptions {
  /** As the list API: `""` latest, `"0"` any, `N` with {@link resourceVersionMatch}. */
  resourceVersion?: string;
  resourceVersionMatch?: ResourceVersionMatch;
  /** The page size; 0 or absent means all. */
  limit?: number;
  /** As {@link GetOptions.shared}: the caller only reads the items, which may be deep-frozen ones the storage keeps. */
  shared?: boolean;
  /** The opaque token from the previous page. */
  continue?: string;
  predicate?: Predicate;
  /** List every key under the prefix (true) or the single key (false). */
  recursive?: boolean;
}

/** One page of a list. */
export interface ListResult {
  items: KubeObject[];
  /** The revision the list was read at. */
  resourceVersion: string;
  /** The token for the next page, absent on the last page. */
  continue?: string;
  /** How many items are left after this page, when it can be known cheaply. */
  remainingItemCount?: number;
}

/**
 * Computes the next state of an object from the current one. Throwing aborts the update and the
 * error propagates; returning an object deep-equal to the current one writes nothing.
 * `current` is `undefined` only when `ignoreNotFound` was set and the key does not exist.
 */
export type UpdateFunction = (current: KubeObject | undefined) => KubeObject | Promise<KubeObject>;

/** Options of {@link Storage.guaranteedUpdate}. */
export interface UpdateOptions extends CallOptions {
  preconditions?: Preconditions;
  /** Call the update function with `undefined` when the key does not exist (create-on-update). */
  ignoreNotFound?: boolean;
  /** A possibly stale copy to try first, saving a read; a stale one costs one retry. */
  cachedExisting?: KubeObject;
}

/** Options of {@link Storage.delete}. */
export interface DeleteOptions extends CallOptions {
  preconditions?: Preconditions;
  /** Runs against the current object just before it is deleted; throwing aborts the delete. */
  validateDeletion?: (current: KubeObject) => void | Promise<void>;
  cachedExisting?: KubeObject;
}

/** Options of {@link Storage.watch}. */
export interface WatchOptions extends CallOptions {
  /** `""` or absent: the current state then changes; `"0"`: any state then changes; `N`: every change after N. */
  resourceVersion?: string;
  /** Watch every key under the prefix (true) or the single key (false). */
  recursive?: boolean;
  predicate?: Predicate;
  /** Send BOOKMARK events (objects with only `metadata.resourceVersion`). */
  allowBookmarks?: boolean;
  /** Send the current state first and end it with a BOOKMARK annotated `k8s.io/initial-events-end: "true"`. */
  sendInitialEvents?: boolean;
  /** Ask the backend for periodic progress notifications (delivered as bookmarks). */
  progressNotify?: boolean;
}

/** One event of a storage watch. */
export type StorageWatchEvent =
  | { type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK'; object: KubeObject }
  | { type: 'ERROR'; object: Status };

/** A running watch: iterate it for events; it ends when stopped, aborted or after an ERROR event. */
export interface Watcher extends AsyncIterable<StorageWatchEvent> {
  /** Ends the watch; iteration finishes after events already delivered. Idempotent. */
  stop(): void;
}

/** The storage interface: one revision counter, plain objects, decimal-string resourceVersions. */
export interface Storage {
  /** Stores a new object at `key`; fails with `KeyExists` if one is there. Returns it with its resourceVersion. */
  create(key: string, obj: KubeObject, options?: CallOptions): Promise<KubeObject>;
  /** Reads the object at `key`. */
  get(key: string, options: GetOptions & { ignoreNotFound: true }): Promise<KubeObject | null>;
  get(key: string, options?: GetOptions): Promise<KubeObject>;
  /** Lists the objects under a prefix (or the one at a key), filtered and paged. */
  list(key: string, options?: ListOptions): Promise<ListResult>;
  /** Read-modify-write with compare-and-swap, retried on conflict until it succeeds or the update function throws. */
  guaranteedUpdate(
    key: string,
    tryUpdate: UpdateFunction,
    options?: UpdateOptions,
  ): Promise<KubeObject>;
  /** Deletes the object at `key`, returning it at the deletion revision. */
  delete(key: string, options?: DeleteOptions): Promise<KubeObject>;
  /** Watches a key or a prefix. */
  watch(key: string, options?: WatchOptions): Watcher;
  /** How many objects are stored under a prefix. */
  count(key: string): Promise<number>;
  /** The store's current revision. */
  currentRevision(): Promise<number>;
  /** Forgets history up to `revision`: older watches and continue tokens then get 410 Expired. */
  compact(revision: number): Promise<void>;
  /** Resolves when the store can serve; rejects with the reason when it cannot. */
  readinessCheck(): Promise<void>;
  /** Releases every resource; running watches end. */
  close(): Promise<void>;
}
