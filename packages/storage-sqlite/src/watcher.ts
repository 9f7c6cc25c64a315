/**
 * One watch on the SQLite store. Committed changes are pushed into a bounded per-watcher buffer;
 * when a slow consumer lets it fill, the watcher stops taking pushes and later reads the missed
 * changes back from the revision log, so it neither stalls other watchers nor grows without bound.
 * @module
 */
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { resourceExpired, toStatus } from '@kapi/apimachinery';
import type { KubeObject, Status } from '@kapi/apimachinery';
import type { Predicate, StorageWatchEvent, Watcher } from '@kapi/storage';
import { decodeAt } from './objects.js';
import type { LogEvent, RevisionLog } from './log.js';

/** What a watcher needs from its store. */
export interface WatchHost {
  readonly log: RevisionLog;
  /** Keeps rows visible at `revision` from compaction until the returned function is called. */
  pin(revision: number): () => void;
  /** Resolves once the store reached `revision`; rejects with a 504 StatusError after a while. */
  waitForRevision(revision: number, signal: AbortSignal | undefined): Promise<void>;
  /** Forgets the watcher (it stopped). */
  unregister(watcher: SqliteWatcher): void;
}

/** The shape of one watch, fixed when it starts. */
export interface WatchSpec {
  /** The exact key (not recursive) or the prefix ending in `/` (recursive). */
  key: string;
  recursive: boolean;
  /** `[rangeStart, rangeEnd)` is the key range the watch covers, for log queries. */
  rangeStart: string;
  rangeEnd: string;
  predicate: Predicate | undefined;
  /** Changes after this revision are delivered (and the initial state is read there). */
  fromRevision: number;
  /** Wait for the store to reach this revision, then send the state of that moment. */
  awaitRevision: number | undefined;
  /** Send the state at `fromRevision` first (synthetic ADDED events). */
  initialState: boolean;
  /** End the initial state with a BOOKMARK annotated `k8s.io/initial-events-end`. */
  initialEventsEndBookmark: boolean;
  /** Send a BOOKMARK this often while idle; 0 sends none. */
  bookmarkIntervalMs: number;
  /** Send a BOOKMARK when the store asks for watch progress ({@link SqliteWatcher.requestProgress}). */
  progressNotify: boolean;
  /** Deliver this ERROR and end, instead of watching. */
  startError: Status | undefined;
  /** Events held in memory before the watcher falls back to reading the log. */
  bufferSize: number;
  /** Rows read from the log per query. */
  pageSize: number;
  signal: AbortSignal | undefined;
}

/** The annotation that marks the end of the initial events (as k8s.io/apimachinery metav1.InitialEventsAnnotationKey). */
export const INITIAL_EVENTS_END_ANNOTATION = 'k8s.io/initial-events-end';

/** A running watch; see the module comment. */
export class SqliteWatcher implements Watcher {
  private readonly buffer: LogEvent[] = [];
  private head = 0;
  /** Every change in range at or below this revision is in the buffer or was delivered. */
  private lastQueued: number;
  /** The buffer overflowed: changes after `lastQueued` are to be read from the log. */
  private lagging = false;
  private stopped = false;
  private stream: AsyncGenerator<StorageWatchEvent, void, undefined> | undefined;
  private wake: (() => void) | undefined;
  private nextBookmarkAt = 0;
  /** A requested bookmark's revision, sent once every change up to it is delivered; 0: none. */
  private progressTarget = 0;
  /** The revision the initial state is read at. */
  private initialAt: number;
  /** The revision of the last event or bookmark delivered. */
  private lastSent: number;
  /** Releases the pin that keeps the initial state readable. */
  private unpinInitial: (() => void) | undefined;
  private readonly onAbort = (): void => {
    this.stop();
  };

  constructor(
    private readonly host: WatchHost,
    private readonly spec: WatchSpec,
    /** The current revision of the store when the watch starts. */
    currentRevision: number,
  ) {
    this.initialAt = spec.fromRevision;
    this.lastQueued = spec.fromRevision;
    this.lastSent = spec.fromRevision;
    if (spec.awaitRevision !== undefined) {
      // nothing is queued until the wait is over and the initial state is fixed
      this.lastQueued = Number.MAX_SAFE_INTEGER;
    } else if (spec.initialState && spec.startError === undefined) {
      // pinned now, not when iteration starts, so compaction cannot remove the state meanwhile
      this.unpinInitial = host.pin(spec.fromRevision);
    } else if (spec.startError === undefined && spec.fromRevision < currentRevision) {
      // a resume from the past reads the log until it catches up with the present
      this.lagging = true;
    }
    if (spec.signal?.aborted === true) this.stop();
    else spec.signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  /** Takes one committed change (called by the store in revision order). */
  offer(event: LogEvent): void {
    if (this.stopped || this.lagging || event.revision <= this.lastQueued) return;
    if (!this.covers(event.key)) return;
    if (this.buffer.length - this.head >= this.spec.bufferSize) {
      this.lagging = true;
    } else {
      this.buffer.push(event);
      this.lastQueued = event.revision;
    }
    this.wakeUp();
  }

  /**
   * Asks for a BOOKMARK at `revision` (the store's current one), sent right after every change up
   * to it has been delivered (etcd's RequestWatchProgress); ignored unless the watch asked for
   * progress.
   */
  requestProgress(revision: number): void {
    if (this.stopped || !this.spec.progressNotify) return;
    this.progressTarget = Math.max(this.progressTarget, revision);
    this.wakeUp();
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.releaseInitial();
    this.spec.signal?.removeEventListener('abort', this.onAbort);
    this.host.unregister(this);
    this.wakeUp();
  }

  /** The one stream of this watch: iterating again continues it (or finds it ended). */
  [Symbol.asyncIterator](): AsyncIterator<StorageWatchEvent> {
    this.stream ??= this.events();
    return this.stream;
  }

  private releaseInitial(): void {
    const unpin = this.unpinInitial;
    this.unpinInitial = undefined;
    unpin?.();
  }

  private covers(key: string): boolean {
    return this.spec.recursive ? key.startsWith(this.spec.key) : key === this.spec.key;
  }

  private wakeUp(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private async *events(): AsyncGenerator<StorageWatchEvent, void, undefined> {
    try {
      if (this.stopped) return;
      if (this.spec.startError !== undefined) {
        yield { type: 'ERROR', object: this.spec.startError };
        return;
      }
      if (this.spec.awaitRevision !== undefined) {
        try {
          await this.host.waitForRevision(this.spec.awaitRevision, undefined);
        } catch (err) {
          if (this.stopped) return;
          yield { type: 'ERROR', object: toStatus(err) };
          return;
        }
        if (this.stopped) return;
        // fixed and pinned in one synchronous step, so no change is missed or sent twice
        this.initialAt = this.host.log.revision;
        this.lastQueued = this.initialAt;
        this.lastSent = this.initialAt;
        this.unpinInitial = this.host.pin(this.initialAt);
      }
      if (this.spec.initialState) {
        yield* this.initialEvents();
        if (this.stopped) return;
      }
      this.nextBookmarkAt = Date.now() + this.spec.bookmarkIntervalMs;
      for (;;) {
        if (this.stopped) return;
        if (this.progressTarget > 0 && this.deliveredThrough(this.progressTarget)) {
          const revision = this.progressTarget;
          this.progressTarget = 0;
          // not below what was sent: a watch that starts later, or a newer bookmark, covers it
          if (revision >= this.lastSent) {
            this.lastSent = revision;
            yield { type: 'BOOKMARK', object: bookmark(revision) };
          }
          continue;
        }
        if (this.head < this.buffer.length) {
          const change = this.shift();
          const event = this.convert(change);
          if (event !== undefined) {
            this.lastSent = change.revision;
            yield event;
          }
          continue;
        }
        if (this.lagging) {
          const expired = this.catchUp();
          if (expired !== undefined) {
            yield { type: 'ERROR', object: expired };
            return;
          }
          await yieldToLoop();
          continue;
        }
        if (this.spec.bookmarkIntervalMs > 0 && Date.now() >= this.nextBookmarkAt) {
          this.nextBookmarkAt = Date.now() + this.spec.bookmarkIntervalMs;
          // nothing in range is pending, so the whole store up to now has been covered; a
          // bookmark is only worth sending when the store moved on since the last thing sent
          const revision = this.host.log.revision;
          if (revision > this.lastSent) {
            this.lastQueued = Math.max(this.lastQueued, revision);
            this.lastSent = revision;
            yield { type: 'BOOKMARK', object: bookmark(revision) };
          }
          continue;
        }
        await this.idle();
      }
    } finally {
      this.stop();
    }
  }

  /** The state at `fromRevision`, page by page, with the log pinned there. */
  private async *initialEvents(): AsyncGenerator<StorageWatchEvent, void, undefined> {
    const at = this.initialAt;
    try {
      const { rangeStart, rangeEnd, predicate, pageSize } = this.spec;
      let after: string | undefined;
      for (;;) {
        if (this.stopped) return;
        const rows = this.host.log.rangeAt(
          after ?? rangeStart,
          after !== undefined,
          rangeEnd,
          at,
          pageSize,
        );
        for (const row of rows) {
          const object = decodeAt(row.value, row.revision);
          if (predicate !== undefined && !predicate.empty && !predicate.matches(object)) continue;
          yield { type: 'ADDED', object };
          if (this.stopped) return;
        }
        if (rows.length < pageSize) break;
        after = rows[rows.length - 1]!.key;
        // a large state must not hold the event loop between pages
        await yieldToLoop();
      }
    } finally {
      this.releaseInitial();
    }
    if (this.spec.initialEventsEndBookmark) {
      const object = bookmark(at);
      object.metadata!.annotations = { [INITIAL_EVENTS_END_ANNOTATION]: 'true' };
      yield { type: 'BOOKMARK', object };
    }
  }

  /**
   * True when every change in range up to `revision` has been delivered: none is left in the
   * buffer, and none is left in the log for a watcher that fell back to reading it. Changes are
   * offered as they commit, so one that is not lagging has every committed change buffered.
   */
  private deliveredThrough(revision: number): boolean {
    if (this.head < this.buffer.length && this.buffer[this.head]!.revision <= revision) {
      return false;
    }
    return !this.lagging || this.lastQueued >= revision;
  }

  private shift(): LogEvent {
    const event = this.buffer[this.head]!;
    this.head++;
    if (this.head === this.buffer.length) {
      this.buffer.length = 0;
      this.head = 0;
    } else if (this.head >= 1024) {
      this.buffer.splice(0, this.head);
      this.head = 0;
    }
    return event;
  }

  /** Reads missed changes from the log into the (empty) buffer; a 410 Status when they are gone. */
  private catchUp(): Status | undefined {
    const log = this.host.log;
    if (this.lastQueued < log.compactRevision) {
      // as kube's watch cache: k8s.io/apiserver pkg/storage/cacher watch_cache.go getAllEventsSinceLocked
      return resourceExpired(
        `too old resource version: ${this.lastQueued} (${log.compactRevision})`,
      ).status;
    }
    const upTo = log.revision;
    const limit = Math.min(this.spec.pageSize, this.spec.bufferSize);
    const rows = log.changesSince(
      this.lastQueued,
      upTo,
      this.spec.rangeStart,
      this.spec.rangeEnd,
      limit,
    );
    for (const row of rows) {
      this.buffer.push({
        revision: row.revision,
        key: row.key,
        created: row.created === 1,
        deleted: row.deleted === 1,
        value: row.value,
        prevValue: row.prev_value ?? undefined,
      });
    }
    if (rows.length < limit) {
      // caught up: nothing was committed since the read (this all runs synchronously)
      this.lastQueued = upTo;
      this.lagging = false;
    } else {
      this.lastQueued = rows[rows.length - 1]!.revision;
    }
    return undefined;
  }

  /** The watch event a change means to this watcher, or undefined when it filters it out. */
  private convert(change: LogEvent): StorageWatchEvent | undefined {
    const { predicate } = this.spec;
    const object = decodeAt(change.value, change.revision);
    if (predicate === undefined || predicate.empty) {
      if (change.deleted) return { type: 'DELETED', object };
      return { type: change.created ? 'ADDED' : 'MODIFIED', object };
    }
    // as kube: k8s.io/apiserver pkg/storage/etcd3 watcher.go transform
    if (change.deleted) return predicate.matches(object) ? { type: 'DELETED', object } : undefined;
    const matches = predicate.matches(object);
    const previous =
      change.created || change.prevValue === undefined
        ? undefined
        : decodeAt(change.prevValue, change.revision);
    const matched = previous !== undefined && predicate.matches(previous);
    if (matches) return { type: matched ? 'MODIFIED' : 'ADDED', object };
    // the last state that matched, at the revision it stopped matching
    return matched ? { type: 'DELETED', object: previous } : undefined;
  }

  private async idle(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      this.wake = resolve;
      if (this.spec.bookmarkIntervalMs > 0) {
        timer = setTimeout(resolve, Math.max(0, this.nextBookmarkAt - Date.now()));
        timer.unref();
      }
    });
    clearTimeout(timer);
    this.wake = undefined;
  }
}

function bookmark(revision: number): KubeObject {
  return { metadata: { resourceVersion: String(revision) } };
}
