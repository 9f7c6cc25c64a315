/**
 * One watch served by the watch cache: a catch-up backlog (the initial state or the history since
 * a revision) followed by a bounded queue of live events. The cache never waits for a watcher:
 * when the queue is full the watcher is ended (as kube's cacher terminates a watcher it cannot
 * feed, k8s.io/apiserver pkg/storage/cacher/cache_watcher.go add), and its client resumes from the
 * last resourceVersion it saw.
 * @module
 */
import { internalError } from '@kapi/apimachinery';
import type { KubeObject, Status } from '@kapi/apimachinery';
import type { Predicate, StorageWatchEvent, Watcher } from '../interface.js';
import { WatchBuffer, bookmarkEvent, errorEvent, watchIterator } from '../watch-buffer.js';
import type { CacheEvent } from './history.js';
import { thaw, thawAt } from './objects.js';

/** What a watcher selects. */
export interface WatchScope {
  /** The prefix (with its trailing `/`) of a recursive watch, or the key of a single-key watch. */
  key: string;
  recursive: boolean;
  /** Absent when it selects everything. */
  predicate: Predicate | undefined;
  allowBookmarks: boolean;
}

/** An event waiting in a watcher; objects are copied only when delivered. */
export type Delivery =
  | {
      type: 'ADDED' | 'MODIFIED' | 'DELETED';
      /** The frozen cached object. */
      object: KubeObject;
      /** Overrides the object's resourceVersion (a DELETED made of the previous state). */
      revision?: number;
    }
  | { type: 'BOOKMARK'; revision: number; initialEventsEnd: boolean }
  | { type: 'ERROR'; status: Status };

/**
 * A watch on the cache, fed by the cache through {@link CacheWatcher.offer}. Before it is started
 * it is `starting` (waiting for the cache to catch up); once delegated, the backend's watch serves
 * it. Whether it takes events, drains what it holds or has ended is its buffer's state.
 */
export class CacheWatcher implements Watcher {
  /** Events at or before this revision are covered by the backlog (or were asked to be skipped). */
  startRevision = 0;
  private lastRevision = 0;
  private readonly buffer = new WatchBuffer<Delivery>(materialize);
  private started = false;
  /** The backend's watch while it serves this one (delegated, not yet stopped). */
  private inner: Watcher | undefined;
  private innerIterator: AsyncIterator<StorageWatchEvent> | undefined;
  private finishDelegation: (() => void) | undefined;

  constructor(
    readonly scope: WatchScope,
    private readonly capacity: number,
    /** Called once when the watcher stops taking events, so the cache can forget it. */
    private readonly onEnd: (watcher: CacheWatcher) => void,
  ) {}

  /** True until the watcher was started, delegated or ended. */
  get starting(): boolean {
    return !this.started && this.buffer.state === 'live';
  }

  /** True while the cache feeds the watcher. */
  private get open(): boolean {
    return this.started && this.buffer.state === 'live';
  }

  /** True when `key` is in the watcher's scope. */
  covers(key: string): boolean {
    return this.scope.recursive ? key.startsWith(this.scope.key) : key === this.scope.key;
  }

  /**
   * Starts taking live events after `startRevision`, delivering `backlog` first. Returns false
   * when the watcher was stopped meanwhile.
   */
  start(backlog: Delivery[], startRevision: number): boolean {
    if (!this.starting) return false;
    this.started = true;
    this.startRevision = startRevision;
    this.lastRevision = startRevision;
    this.buffer.setBacklog(backlog);
    return true;
  }

  /**
   * Hands the watch over to a backend watch (the cache cannot serve it); `onFinish` runs once
   * that stream is over (stopped or read to its end).
   */
  delegate(inner: Watcher, onFinish: () => void): void {
    if (!this.starting) {
      inner.stop();
      return;
    }
    this.inner = inner;
    const iterator = inner[Symbol.asyncIterator]();
    let finished = false;
    this.finishDelegation = () => {
      if (finished) return;
      finished = true;
      onFinish();
    };
    const innerIterator: AsyncIterator<StorageWatchEvent> = {
      next: async () => {
        const result = await iterator.next();
        if (result.done === true) this.finishDelegation?.();
        return result;
      },
    };
    this.innerIterator = innerIterator;
    this.onEnd(this);
    // readers waiting now, and every later read, go to the backend's watch
    this.buffer.handOver(() => innerIterator.next());
  }

  /** What a change means to this watcher (kube's cache_watcher convertToWatchEvent), if anything. */
  convert(event: CacheEvent): Delivery | undefined {
    const { predicate } = this.scope;
    if (predicate === undefined) return event.unfiltered;
    const current = event.type === 'DELETED' ? undefined : event.object;
    const before = event.type === 'DELETED' ? event.object : event.previous;
    const currentPasses = current !== undefined && predicate.matches(current);
    const beforePasses = before !== undefined && predicate.matches(before);
    if (currentPasses) return { type: beforePasses ? 'MODIFIED' : 'ADDED', object: event.object };
    if (!beforePasses) return undefined;
    // leaving the filter: the last matching state at the new revision
    return event.type === 'DELETED'
      ? { type: 'DELETED', object: event.object }
      : { type: 'DELETED', object: before, revision: event.revision };
  }

  /**
   * Queues a live change. Never blocks: when the queue is full the watcher stops taking events;
   * its consumer gets what is already queued (a gap-free prefix), then a clean end.
   */
  offer(event: CacheEvent): void {
    if (!this.open || event.revision <= this.startRevision) return;
    let delivery: Delivery | undefined;
    try {
      delivery = this.convert(event);
    } catch (err) {
      this.fail(internalError(err).status);
      return;
    }
    if (delivery === undefined) return;
    if (this.buffer.queued >= this.capacity) {
      this.drain();
      return;
    }
    this.lastRevision = event.revision;
    this.buffer.push(delivery);
  }

  /** Queues a bookmark unless it would go backwards or the queue is full (kube's nonblockingAdd). */
  offerBookmark(revision: number): void {
    if (!this.open || !this.scope.allowBookmarks) return;
    if (revision <= this.startRevision || revision < this.lastRevision) return;
    if (this.buffer.queued >= this.capacity) return;
    this.lastRevision = revision;
    this.buffer.push({ type: 'BOOKMARK', revision, initialEventsEnd: false });
  }

  /** Ends the stream with one ERROR event after what is already queued. */
  fail(status: Status): void {
    if (this.buffer.state !== 'live') return;
    this.buffer.push({ type: 'ERROR', status });
    this.drain();
  }

  /** Ends the stream after what is already queued (the cache can no longer serve it). */
  terminate(): void {
    if (this.buffer.state !== 'live') return;
    this.drain();
  }

  /** Ends the watch at once; undelivered events are dropped. Idempotent. */
  stop(): void {
    if (this.inner !== undefined) {
      const inner = this.inner;
      this.inner = undefined;
      this.innerIterator = undefined;
      inner.stop();
      this.finishDelegation?.();
      return;
    }
    if (this.buffer.state === 'ended') return;
    const wasTaking = this.buffer.state === 'live';
    this.buffer.close();
    if (wasTaking) this.onEnd(this);
  }

  [Symbol.asyncIterator](): AsyncIterator<StorageWatchEvent> {
    return watchIterator(
      () => (this.innerIterator === undefined ? this.buffer.next() : this.innerIterator.next()),
      () => {
        this.stop();
      },
    );
  }

  /** Takes no more events, delivers what is held, then ends. */
  private drain(): void {
    this.buffer.finish();
    this.onEnd(this);
  }
}

/** Turns a pending delivery into the delivered event: a fresh object nobody else holds. */
function materialize(delivery: Delivery): StorageWatchEvent {
  switch (delivery.type) {
    case 'ERROR':
      return errorEvent(delivery.status);
    case 'BOOKMARK':
      return bookmarkEvent(delivery.revision, delivery.initialEventsEnd);
    default:
      return {
        type: delivery.type,
        object:
          delivery.revision === undefined
            ? thaw(delivery.object)
            : thawAt(delivery.object, delivery.revision),
      };
  }
}
