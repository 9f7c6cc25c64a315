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
import type { CacheEvent } from './history.js';
import { thaw, thawAt } from './objects.js';

/** The annotation kube puts on the bookmark that ends the initial events of a watch-list. */
const INITIAL_EVENTS_END_ANNOTATION = 'k8s.io/initial-events-end';

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
 * `starting`: not yet registered (waiting for the cache to catch up); `open`: takes events;
 * `draining`: takes none and ends once what it holds is delivered; `delegated`: the backend
 * serves it; `ended`: delivers nothing more.
 */
type WatcherState = 'starting' | 'open' | 'draining' | 'delegated' | 'ended';

/** A watch on the cache, fed by the cache through {@link CacheWatcher.offer}. */
export class CacheWatcher implements Watcher {
  /** Events at or before this revision are covered by the backlog (or were asked to be skipped). */
  startRevision = 0;
  private lastRevision = 0;
  private backlog: Delivery[] = [];
  private backlogHead = 0;
  private queue: Delivery[] = [];
  private queueHead = 0;
  private state: WatcherState = 'starting';
  private readonly readers: ((result: IteratorResult<StorageWatchEvent>) => void)[] = [];
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
    return this.state === 'starting';
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
    if (this.state !== 'starting') return false;
    this.state = 'open';
    this.backlog = backlog;
    this.startRevision = startRevision;
    this.lastRevision = startRevision;
    this.wake();
    return true;
  }

  /**
   * Hands the watch over to a backend watch (the cache cannot serve it); `onFinish` runs once
   * that stream is over (stopped or read to its end).
   */
  delegate(inner: Watcher, onFinish: () => void): void {
    if (this.state !== 'starting') {
      inner.stop();
      return;
    }
    this.state = 'delegated';
    this.inner = inner;
    const iterator = inner[Symbol.asyncIterator]();
    let finished = false;
    this.finishDelegation = () => {
      if (finished) return;
      finished = true;
      onFinish();
    };
    this.innerIterator = {
      next: async () => {
        const result = await iterator.next();
        if (result.done === true) this.finishDelegation?.();
        return result;
      },
    };
    this.onEnd(this);
    const readers = this.readers.splice(0);
    for (const resolve of readers) {
      void this.innerIterator.next().then(resolve, () => {
        resolve({ done: true, value: undefined });
      });
    }
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
    if (this.state !== 'open' || event.revision <= this.startRevision) return;
    let delivery: Delivery | undefined;
    try {
      delivery = this.convert(event);
    } catch (err) {
      this.fail(internalError(err).status);
      return;
    }
    if (delivery === undefined) return;
    if (this.queue.length - this.queueHead >= this.capacity) {
      this.drain();
      return;
    }
    this.lastRevision = event.revision;
    if (this.readers.length > 0 && this.queueHead === this.queue.length) {
      // a reader is waiting on an empty queue: hand the event over directly
      this.readers.shift()!({ done: false, value: materialize(delivery) });
      return;
    }
    this.push(delivery);
  }

  /** Queues a bookmark unless it would go backwards or the queue is full (kube's nonblockingAdd). */
  offerBookmark(revision: number): void {
    if (this.state !== 'open' || !this.scope.allowBookmarks) return;
    if (revision <= this.startRevision || revision < this.lastRevision) return;
    if (this.queue.length - this.queueHead >= this.capacity) return;
    this.lastRevision = revision;
    this.push({ type: 'BOOKMARK', revision, initialEventsEnd: false });
  }

  /** Ends the stream with one ERROR event after what is already queued. */
  fail(status: Status): void {
    if (this.state !== 'open' && this.state !== 'starting') return;
    this.queue.push({ type: 'ERROR', status });
    this.drain();
  }

  /** Ends the stream after what is already queued (the cache can no longer serve it). */
  terminate(): void {
    if (this.state !== 'open' && this.state !== 'starting') return;
    this.drain();
  }

  /** Ends the watch at once; undelivered events are dropped. Idempotent. */
  stop(): void {
    if (this.state === 'ended') return;
    const wasTaking = this.state === 'open' || this.state === 'starting';
    this.state = 'ended';
    this.backlog = [];
    this.queue = [];
    this.queueHead = 0;
    this.inner?.stop();
    this.finishDelegation?.();
    if (wasTaking) this.onEnd(this);
    this.wake();
  }

  [Symbol.asyncIterator](): AsyncIterator<StorageWatchEvent> {
    return {
      next: () => this.next(),
      return: () => {
        this.stop();
        return Promise.resolve({ done: true, value: undefined });
      },
    };
  }

  private next(): Promise<IteratorResult<StorageWatchEvent>> {
    if (this.state === 'delegated') return this.innerIterator!.next();
    const ready = this.take();
    if (ready !== undefined) return Promise.resolve(ready);
    return new Promise((resolve) => this.readers.push(resolve));
  }

  /** The next result if one is available now, `undefined` when the reader has to wait. */
  private take(): IteratorResult<StorageWatchEvent> | undefined {
    if (this.state === 'ended') return { done: true, value: undefined };
    let delivery: Delivery | undefined;
    if (this.backlogHead < this.backlog.length) {
      delivery = this.backlog[this.backlogHead++];
      if (this.backlogHead === this.backlog.length) {
        this.backlog = [];
        this.backlogHead = 0;
      }
    } else if (this.queueHead < this.queue.length) {
      delivery = this.queue[this.queueHead++];
      if (this.queueHead === this.queue.length) {
        this.queue.length = 0;
        this.queueHead = 0;
      } else if (this.queueHead > 1024 && this.queueHead * 2 > this.queue.length) {
        this.queue.splice(0, this.queueHead);
        this.queueHead = 0;
      }
    }
    if (delivery !== undefined) return { done: false, value: materialize(delivery) };
    if (this.state === 'draining') {
      this.state = 'ended';
      return { done: true, value: undefined };
    }
    return undefined;
  }

  private push(delivery: Delivery): void {
    this.queue.push(delivery);
    if (this.readers.length > 0) this.wake();
  }

  private drain(): void {
    const wasTaking = this.state === 'open' || this.state === 'starting';
    this.state = 'draining';
    if (wasTaking) this.onEnd(this);
    this.wake();
  }

  private wake(): void {
    while (this.readers.length > 0) {
      const result = this.take();
      if (result === undefined) return;
      this.readers.shift()!(result);
    }
  }
}

/** Turns a pending delivery into the delivered event: a fresh object nobody else holds. */
function materialize(delivery: Delivery): StorageWatchEvent {
  switch (delivery.type) {
    case 'ERROR':
      return { type: 'ERROR', object: structuredClone(delivery.status) };
    case 'BOOKMARK': {
      const metadata: NonNullable<KubeObject['metadata']> = {
        resourceVersion: String(delivery.revision),
      };
      if (delivery.initialEventsEnd) {
        metadata.annotations = { [INITIAL_EVENTS_END_ANNOTATION]: 'true' };
      }
      return { type: 'BOOKMARK', object: { metadata } };
    }
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
