/**
 * `EtcdStorage`: the Storage interface on etcd v3, as k8s.io/apiserver pkg/storage/etcd3/store.go
 * does it. The resourceVersion of an object is its key's mod revision; writes are transactions
 * that compare the revision they read.
 * @module
 */
import type { Etcd3, IKeyValue, IRangeRequest, IRangeResponse, ITxnResponse } from 'etcd3';
import {
  badRequest,
  internalError,
  resourceExpired,
  tooLargeResourceVersion,
} from '@kapi/apimachinery';
import type { KubeObject, Preconditions } from '@kapi/apimachinery';
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
  WatchOptions,
  WatchProgressRequester,
  Watcher,
} from '@kapi/storage';
import { newEtcdClient } from './client.js';
import type { EtcdClientOptions } from './client.js';
import { decodeObject, encodeObject, sameStoredObject } from './codec.js';
import { interpretEtcdError, isCompactedError, isFutureRevisionError } from './errors.js';
import { EtcdWatch } from './watch.js';
import type { WatchSource } from './watch.js';

/** Options of {@link EtcdStorage}. */
export interface EtcdStorageOptions {
  /** Client URLs, e.g. `http://127.0.0.1:2379`; needed unless {@link client} is given. */
  endpoints?: string | readonly string[];
  /** TLS and auth for a client the store creates itself. */
  clientOptions?: Omit<EtcdClientOptions, 'endpoints'>;
  /** A client shared with other stores (see `newEtcdClient`); the store never closes it. */
  client?: Etcd3;
  /** Where the store's keys live in etcd; a key `/a/b` is stored at `<prefix>/a/b`. Default `/registry`. */
  prefix?: string;
  /** Deadline of every etcd call in milliseconds; past it the call fails as unreachable (default 5000). */
  requestTimeoutMs?: number;
  /** Deadline of {@link EtcdStorage.readinessCheck} in milliseconds (default 2000). */
  readinessTimeoutMs?: number;
  /** How long a read at a revision etcd has not reached waits before its 504, in milliseconds (default 3000). */
  freshnessTimeoutMs?: number;
  /** Longest pause between two reconnect attempts of a broken watch, in milliseconds (default 1000). */
  watchReconnectMaxMs?: number;
}

/** gRPC options of one etcd call (its deadline). */
type GrpcCallOptions = NonNullable<Parameters<Etcd3['kv']['range']>[1]>;

/** kube grows a filtered page's batch up to this many keys per etcd request (store.go maxLimit). */
const maxBatch = 10_000;
/** Page size of the initial state a watch sends. */
const initialPageSize = 1000;

/** The end of the etcd range that holds every key starting with `prefix`. */
function prefixRangeEnd(prefix: Buffer): Buffer {
  const end = Buffer.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i]! < 0xff) {
      end[i] = end[i]! + 1;
      return end.subarray(0, i + 1);
    }
  }
  return Buffer.from([0]);
}

function normalizePrefix(prefix: string): string {
  if (!prefix.startsWith('/')) {
    throw new TypeError(`etcd prefix ${JSON.stringify(prefix)} must start with "/"`);
  }
  const trimmed = prefix.replace(/\/+$/, '');
  if (trimmed.split('/').some((s) => s === '.' || s === '..')) {
    throw new TypeError(`etcd prefix ${JSON.stringify(prefix)} must not contain "." or ".."`);
  }
  return trimmed;
}

function resourceVersionOf(obj: KubeObject | undefined): string {
  return obj?.metadata?.resourceVersion ?? '';
}

/** Preconditions against the current object, worded as kube's storage.Preconditions.Check. */
function checkPreconditions(
  key: string,
  obj: KubeObject | undefined,
  preconditions: Preconditions | undefined,
): void {
  if (preconditions === undefined) return;
  const uid = obj?.metadata?.uid ?? '';
  if (preconditions.uid !== undefined && preconditions.uid !== uid) {
    throw StorageError.invalidObj(
      key,
      `Precondition failed: UID in precondition: ${preconditions.uid}, UID in object meta: ${uid}`,
    );
  }
  const rv = resourceVersionOf(obj);
  if (preconditions.resourceVersion !== undefined && preconditions.resourceVersion !== rv) {
    throw StorageError.invalidObj(
      key,
      `Precondition failed: ResourceVersion in precondition: ${preconditions.resourceVersion}, ResourceVersion in object meta: ${rv}`,
    );
  }
}

/** What a read-modify-write works from: the object, its stored JSON and its mod revision (0: absent). */
interface ObjectState {
  obj: KubeObject | undefined;
  data: string | undefined;
  revision: number;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason as Error);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function raceAbort<T>(call: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      reject(signal.reason as Error);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    call.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}

/** kube's wording for a compacted list revision (k8s.io/apiserver pkg/storage/etcd3/errors.go). */
const listExpiredMessage = 'The resourceVersion for the provided list is too old.';
const inconsistentContinueMessage =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';

/**
 * The Storage interface on etcd v3. Keys are stored at `<prefix><key>`; the resourceVersion of an
 * object is its mod revision. Several stores (in one process or many) may share one etcd; each
 * sees only its prefix. `compact()` compacts the whole etcd, as kube's compactor does.
 */
export class EtcdStorage implements Storage, WatchProgressRequester {
  private readonly client: Etcd3;
  private readonly ownsClient: boolean;
  private readonly prefix: string;
  private readonly requestTimeoutMs: number;
  private readonly readinessTimeoutMs: number;
  private readonly freshnessTimeoutMs: number;
  private readonly watchReconnectMaxMs: number;
  private readonly watches = new Set<EtcdWatch>();
  private closed = false;

  constructor(options: EtcdStorageOptions) {
    if (options.client !== undefined) {
      this.client = options.client;
      this.ownsClient = false;
    } else {
      if (options.endpoints === undefined || options.endpoints.length === 0) {
        throw new TypeError('EtcdStorage needs endpoints or a client');
      }
      this.client = newEtcdClient({ ...options.clientOptions, endpoints: options.endpoints });
      this.ownsClient = true;
    }
    this.prefix = normalizePrefix(options.prefix ?? '/registry');
    this.requestTimeoutMs = options.requestTimeoutMs ?? 5000;
    this.readinessTimeoutMs = options.readinessTimeoutMs ?? 2000;
    this.freshnessTimeoutMs = options.freshnessTimeoutMs ?? 3000;
    this.watchReconnectMaxMs = options.watchReconnectMaxMs ?? 1000;
  }

  /** The etcd key of a store key (validated by the caller). */
  private etcdKey(key: string): string {
    return this.prefix + key;
  }

  /** Runs one etcd call with the store's deadline, the caller's signal and error mapping. */
  private async call<T>(
    key: string,
    signal: AbortSignal | undefined,
    op: (grpc: GrpcCallOptions) => Promise<T>,
    timeoutMs = this.requestTimeoutMs,
  ): Promise<T> {
    if (this.closed) throw StorageError.unreachable(key, 'the store is closed');
    signal?.throwIfAborted();
    const pending = op({ deadline: Date.now() + timeoutMs });
    try {
      return await (signal === undefined ? pending : raceAbort(pending, signal));
    } catch (err) {
      if (signal?.aborted === true && err === signal.reason) throw err;
      throw interpretEtcdError(err, key);
    }
  }

  private range(
    key: string,
    request: IRangeRequest,
    signal: AbortSignal | undefined,
    timeoutMs?: number,
  ): Promise<IRangeResponse> {
    return this.call(key, signal, (grpc) => this.client.kv.range(request, grpc), timeoutMs);
  }

  private txn(
    key: string,
    request: Parameters<Etcd3['kv']['txn']>[0],
    signal: AbortSignal | undefined,
  ): Promise<ITxnResponse> {
    return this.call(key, signal, (grpc) => this.client.kv.txn(request, grpc));
  }

  /** The header revision: etcd's current revision. */
  private async headRevision(signal: AbortSignal | undefined, timeoutMs?: number): Promise<number> {
    const resp = await this.range(
      '/',
      { key: Buffer.from(`${this.prefix}/`), count_only: true },
      signal,
      timeoutMs,
    );
    return Number(resp.header.revision);
  }

  /**
   * Waits (bounded) until etcd reaches `revision`, then returns the current revision; past the
   * bound a 504 "Too large resource version" (as kube's cacher waitUntilFreshAndBlock).
   */
  private async waitForRevision(
    revision: number,
    signal: AbortSignal | undefined,
  ): Promise<number> {
    const deadline = Date.now() + this.freshnessTimeoutMs;
    let current = await this.headRevision(signal);
    while (current < revision) {
      const left = deadline - Date.now();
      if (left <= 0) throw tooLargeResourceVersion(revision, current);
      await sleep(Math.min(50, left), signal);
      current = await this.headRevision(signal);
    }
    return current;
  }

  private stateOf(key: string, kv: IKeyValue | undefined, ignoreNotFound: boolean): ObjectState {
    if (kv === undefined) {
      if (!ignoreNotFound) throw StorageError.keyNotFound(key);
      return { obj: undefined, data: undefined, revision: 0 };
    }
    const data = kv.value.toString('utf8');
    const revision = Number(kv.mod_revision);
    return { obj: decodeObject(data, revision), data, revision };
  }

  private async currentState(
    key: string,
    ignoreNotFound: boolean,
    signal: AbortSignal | undefined,
  ): Promise<ObjectState> {
    const resp = await this.range(key, { key: Buffer.from(this.etcdKey(key)) }, signal);
    return this.stateOf(key, resp.kvs[0], ignoreNotFound);
  }

  /** The state of a caller's cached copy; its JSON is what etcd would hold if it were current. */
  private stateFromCached(key: string, cached: KubeObject): ObjectState {
    const rv = resourceVersionOf(cached);
    const revision = rv === '' ? 0 : parseResourceVersion(rv);
    if (revision === undefined || revision === 0) {
      throw internalError(
        new Error(`couldn't get resource version of the cached object at ${key}`),
      );
    }
    const data = encodeObject(key, cached);
    return { obj: decodeObject(data, revision), data, revision };
  }

  /** A copy the caller may change freely. */
  private copy(state: ObjectState): KubeObject | undefined {
    return state.data === undefined ? undefined : decodeObject(state.data, state.revision);
  }

  async create(key: string, obj: KubeObject, options: CallOptions = {}): Promise<KubeObject> {
    validateKey(key);
    if (resourceVersionOf(obj) !== '') {
      // as kube: k8s.io/apiserver pkg/storage/etcd3/store.go Create
      throw StorageError.invalidObj(
        key,
        'resourceVersion should not be set on objects to be created',
      );
    }
    const data = encodeObject(key, obj);
    const etcdKey = Buffer.from(this.etcdKey(key));
    const resp = await this.txn(
      key,
      {
        compare: [{ key: etcdKey, target: 'Mod', result: 'Equal', mod_revision: 0 }],
        success: [{ request_put: { key: etcdKey, value: Buffer.from(data) } }],
      },
      options.signal,
    );
    if (!resp.succeeded) throw StorageError.keyExists(key);
    return decodeObject(data, resp.header.revision);
  }

  get(key: string, options: GetOptions & { ignoreNotFound: true }): Promise<KubeObject | null>;
  get(key: string, options?: GetOptions): Promise<KubeObject>;
  async get(key: string, options: GetOptions = {}): Promise<KubeObject | null> {
    validateKey(key);
    const minimum = parseResourceVersion(options.resourceVersion);
    const request = { key: Buffer.from(this.etcdKey(key)) };
    let resp = await this.range(key, request, options.signal);
    if (minimum !== undefined && Number(resp.header.revision) < minimum) {
      await this.waitForRevision(minimum, options.signal);
      resp = await this.range(key, request, options.signal);
    }
    const kv = resp.kvs[0];
    if (kv === undefined) {
      if (options.ignoreNotFound === true) return null;
      throw StorageError.keyNotFound(key);
    }
    return decodeObject(kv.value, kv.mod_revision);
  }

  async list(key: string, options: ListOptions = {}): Promise<ListResult> {
    const recursive = options.recursive ?? false;
    validateKey(key, { prefix: true });
    const predicate = options.predicate;
    const filtering = predicate !== undefined && !predicate.empty;
    const limit = options.limit !== undefined && options.limit > 0 ? Math.floor(options.limit) : 0;
    const paging = limit > 0;
    const fromRevision = parseResourceVersion(options.resourceVersion);
    const keyPrefix = recursive ? prefixOf(this.etcdKey(key)) : this.etcdKey(key);
    const rangeEnd = recursive ? prefixRangeEnd(Buffer.from(keyPrefix)) : undefined;

    // which revision to read at, as kube's GetList
    let startKey = keyPrefix;
    let withRevision = 0;
    let continueKey: string | undefined;
    if (recursive && options.continue !== undefined && options.continue !== '') {
      const token = decodeContinue(options.continue);
      if (options.resourceVersion !== undefined && !['', '0'].includes(options.resourceVersion)) {
        throw badRequest('specifying resource version is not allowed when using continue');
      }
      continueKey = keyPrefix + token.startKey;
      startKey = continueKey;
      // a negative revision asks for the latest one (the inconsistent continue of a 410)
      if (token.resourceVersion > 0) withRevision = token.resourceVersion;
    } else if (fromRevision !== undefined) {
      const match = options.resourceVersionMatch ?? '';
      switch (match) {
        case 'NotOlderThan':
          break;
        case 'Exact':
          withRevision = fromRevision;
          break;
        case '':
          // legacy: a paged list at a resourceVersion reads exactly there
          if (recursive && paging && fromRevision > 0) withRevision = fromRevision;
          break;
        default:
          throw badRequest(`unknown ResourceVersionMatch value: ${String(match)}`);
      }
    }

    const items: KubeObject[] = [];
    let batch = limit;
    let lastKey: string | undefined;
    let hasMore: boolean;
    let headerRevision: number;
    let lastCount: number;
    for (;;) {
      const request: IRangeRequest = { key: Buffer.from(startKey) };
      if (rangeEnd !== undefined) request.range_end = rangeEnd;
      if (paging) request.limit = batch;
      if (withRevision > 0) request.revision = withRevision;
      const resp = await this.listRange(
        key,
        request,
        continueKey === undefined ? undefined : { keyPrefix, continueKey },
        options.signal,
      );
      headerRevision = Number(resp.header.revision);
      if (fromRevision !== undefined && withRevision === 0 && headerRevision < fromRevision) {
        // not older than: wait (bounded) for etcd to reach it, then read again
        await this.waitForRevision(fromRevision, options.signal);
        continue;
      }
      hasMore = resp.more;
      lastCount = Number(resp.count);
      for (const kv of resp.kvs) {
        if (paging && items.length >= limit) {
          hasMore = true;
          break;
        }
        lastKey = kv.key.toString('utf8');
        const obj = decodeObject(kv.value, kv.mod_revision);
        if (!filtering || matches(predicate, obj)) items.push(obj);
      }
      if (!hasMore || !paging || items.length >= limit || lastKey === undefined) break;
      // a filter dropped objects: read on, in growing batches (as kube)
      if (batch < maxBatch) batch = Math.min(batch * 2, maxBatch);
      startKey = `${lastKey}\x00`;
      if (withRevision === 0) withRevision = headerRevision;
    }
    if (withRevision === 0) withRevision = headerRevision;

    const result: ListResult = { items, resourceVersion: String(withRevision) };
    if (hasMore && lastKey !== undefined) {
      result.continue = encodeContinue({
        resourceVersion: withRevision,
        startKey: `${lastKey}\x00`.slice(keyPrefix.length),
      });
      // the count covers objects a filter would drop, so only an unfiltered list reports it
      if (!filtering) result.remainingItemCount = Math.max(0, lastCount - limit);
    }
    return result;
  }

  /** A range for list: compacted → 410 (with an inconsistent continue for paged lists), future → wait or 504. */
  private async listRange(
    key: string,
    request: IRangeRequest,
    continuing: { keyPrefix: string; continueKey: string } | undefined,
    signal: AbortSignal | undefined,
  ): Promise<IRangeResponse> {
    try {
      return await this.range(key, request, signal);
    } catch (err) {
      if (isCompactedError(err)) {
        if (continuing === undefined) throw resourceExpired(listExpiredMessage);
        // as kube's handleCompactedErrorForPaging: a token that goes on at the latest revision
        const expired = resourceExpired(inconsistentContinueMessage);
        expired.status.metadata.continue = encodeContinue({
          resourceVersion: -1,
          startKey: continuing.continueKey.slice(continuing.keyPrefix.length),
        });
        throw expired;
      }
      if (isFutureRevisionError(err) && request.revision !== undefined) {
        await this.waitForRevision(Number(request.revision), signal);
        return await this.range(key, request, signal);
      }
      throw err;
    }
  }

  async guaranteedUpdate(
    key: string,
    tryUpdate: UpdateFunction,
    options: UpdateOptions = {},
  ): Promise<KubeObject> {
    validateKey(key);
    const { signal, preconditions } = options;
    const ignoreNotFound = options.ignoreNotFound === true;
    const etcdKey = Buffer.from(this.etcdKey(key));
    let state: ObjectState;
    let isCurrent: boolean;
    if (options.cachedExisting !== undefined) {
      state = this.stateFromCached(key, options.cachedExisting);
      isCurrent = false;
    } else {
      state = await this.currentState(key, ignoreNotFound, signal);
      isCurrent = true;
    }
    // as kube: k8s.io/apiserver pkg/storage/etcd3/store.go GuaranteedUpdate
    for (;;) {
      try {
        checkPreconditions(key, state.obj, preconditions);
      } catch (err) {
        if (isCurrent) throw err;
        state = await this.currentState(key, ignoreNotFound, signal);
        isCurrent = true;
        continue;
      }
      let updated: KubeObject;
      try {
        updated = await tryUpdate(this.copy(state));
      } catch (err) {
        if (isCurrent) throw err;
        // the cached copy may be stale: retry on fresh data unless it was current after all
        const cachedRevision = state.revision;
        state = await this.currentState(key, ignoreNotFound, signal);
        isCurrent = true;
        if (state.revision === cachedRevision) throw err;
        continue;
      }
      signal?.throwIfAborted();
      const data = encodeObject(key, updated);
      if (state.data !== undefined && sameStoredObject(data, state.data)) {
        if (!isCurrent) {
          state = await this.currentState(key, ignoreNotFound, signal);
          isCurrent = true;
          if (state.data === undefined || !sameStoredObject(data, state.data)) continue;
        }
        // nothing changes: no write, the current resourceVersion
        return decodeObject(state.data, state.revision);
      }
      const resp = await this.txn(
        key,
        {
          compare: [{ key: etcdKey, target: 'Mod', result: 'Equal', mod_revision: state.revision }],
          success: [{ request_put: { key: etcdKey, value: Buffer.from(data) } }],
          failure: [{ request_range: { key: etcdKey } }],
        },
        signal,
      );
      if (!resp.succeeded) {
        state = this.stateOf(key, resp.responses[0]?.response_range.kvs[0], ignoreNotFound);
        isCurrent = true;
        continue;
      }
      return decodeObject(data, resp.header.revision);
    }
  }

  async delete(key: string, options: DeleteOptions = {}): Promise<KubeObject> {
    validateKey(key);
    const { signal, preconditions, validateDeletion } = options;
    const etcdKey = Buffer.from(this.etcdKey(key));
    let state: ObjectState;
    let isCurrent: boolean;
    if (options.cachedExisting !== undefined) {
      state = this.stateFromCached(key, options.cachedExisting);
      isCurrent = false;
    } else {
      state = await this.currentState(key, false, signal);
      isCurrent = true;
    }
    // as kube: k8s.io/apiserver pkg/storage/etcd3/store.go conditionalDelete
    for (;;) {
      try {
        checkPreconditions(key, state.obj, preconditions);
        if (validateDeletion !== undefined) await validateDeletion(this.copy(state)!);
      } catch (err) {
        if (isCurrent) throw err;
        const cachedRevision = state.revision;
        state = await this.currentState(key, false, signal);
        isCurrent = true;
        if (state.revision === cachedRevision) throw err;
        continue;
      }
      const resp = await this.txn(
        key,
        {
          compare: [{ key: etcdKey, target: 'Mod', result: 'Equal', mod_revision: state.revision }],
          success: [{ request_delete_range: { key: etcdKey } }],
          failure: [{ request_range: { key: etcdKey } }],
        },
        signal,
      );
      if (!resp.succeeded) {
        state = this.stateOf(key, resp.responses[0]?.response_range.kvs[0], false);
        isCurrent = true;
        continue;
      }
      return decodeObject(state.data!, resp.header.revision);
    }
  }

  watch(key: string, options: WatchOptions = {}): Watcher {
    const recursive = options.recursive ?? false;
    validateKey(key, { prefix: true });
    const startRevision = parseResourceVersion(options.resourceVersion);
    const etcdKey = recursive ? prefixOf(this.etcdKey(key)) : this.etcdKey(key);
    const source: WatchSource = {
      client: this.client,
      key: Buffer.from(etcdKey),
      rangeEnd: recursive ? prefixRangeEnd(Buffer.from(etcdKey)) : undefined,
      reconnectMaxMs: this.watchReconnectMaxMs,
      initialState: (signal) => this.initialState(key, recursive, options, signal),
      currentRevision: (signal) => this.headRevision(signal),
      interpretError: (err) => interpretEtcdError(err, key),
      onStop: (watch) => this.watches.delete(watch),
    };
    const watch = new EtcdWatch(source, { ...options, startRevision });
    if (this.closed) {
      watch.stop();
      return watch;
    }
    this.watches.add(watch);
    watch.start();
    return watch;
  }

  /** The objects a watch starts with, read page by page at one revision. */
  private async *initialState(
    key: string,
    recursive: boolean,
    options: WatchOptions,
    signal: AbortSignal,
  ): AsyncGenerator<KubeObject[], number> {
    const listOptions: ListOptions = { recursive, limit: initialPageSize, signal };
    if (options.predicate !== undefined) listOptions.predicate = options.predicate;
    const minimum = parseResourceVersion(options.resourceVersion);
    if (minimum !== undefined && minimum > 0) {
      listOptions.resourceVersion = String(minimum);
      listOptions.resourceVersionMatch = 'NotOlderThan';
    }
    let page = await this.list(key, listOptions);
    const revision = Number(page.resourceVersion);
    for (;;) {
      yield page.items;
      if (page.continue === undefined) return revision;
      page = await this.list(key, { ...listOptions, continue: page.continue });
    }
  }

  async count(key: string): Promise<number> {
    validateKey(key, { prefix: true });
    const prefix = Buffer.from(prefixOf(this.etcdKey(key)));
    const resp = await this.range(
      key,
      { key: prefix, range_end: prefixRangeEnd(prefix), count_only: true },
      undefined,
    );
    return Number(resp.count);
  }

  currentRevision(): Promise<number> {
    return this.headRevision(undefined);
  }

  /**
   * Makes every running watch that asked for `allowBookmarks` and `progressNotify` send a BOOKMARK
   * at etcd's current revision (or later) once it has delivered every event up to it, as kube
   * uses etcd's RequestWatchProgress; see `ProgressProbe` in watch.ts for why that is not used.
   */
  async requestWatchProgress(): Promise<void> {
    if (![...this.watches].some((watch) => watch.wantsProgress)) {
      if (this.closed) throw StorageError.unreachable('/', 'the store is closed');
      return;
    }
    const revision = await this.headRevision(undefined);
    for (const watch of this.watches) watch.requestProgress(revision);
  }

  async compact(revision: number): Promise<void> {
    if (!Number.isSafeInteger(revision) || revision < 0) {
      throw badRequest(`invalid compaction revision: ${revision}`);
    }
    if (revision === 0) return;
    // a revision beyond the current one compacts everything up to now
    const target = Math.min(revision, await this.headRevision(undefined));
    try {
      // as kube's compactor: logical compaction, etcd frees the space in the background
      await this.call('/', undefined, (grpc) =>
        this.client.kv.compact({ revision: target, physical: false }, grpc),
      );
    } catch (err) {
      if (isCompactedError(err)) return; // already compacted at or past it
      throw err;
    }
  }

  async readinessCheck(): Promise<void> {
    await this.headRevision(undefined, this.readinessTimeoutMs);
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    for (const watch of [...this.watches]) watch.stop();
    this.watches.clear();
    if (this.ownsClient) this.client.close();
    return Promise.resolve();
  }
}

function matches(predicate: ListOptions['predicate'], obj: KubeObject): boolean {
  if (predicate === undefined) return true;
  try {
    return predicate.matches(obj);
  } catch {
    return false; // as kube: an object the predicate cannot evaluate does not match
  }
}
