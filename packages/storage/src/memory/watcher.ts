/**
 * One watch on the memory backend: a catch-up backlog (initial state or history) followed by a
 * bounded queue of live events. The store never waits for a watcher: when the live queue is full
 * the watcher is terminated (see {@link MemoryWatcher.offer}).
 * @module
 */
import type { KubeObject, Status } from '@kapi/apimachinery';
import type { StorageWatchEvent, Watcher } from '../interface.js';

/** The annotation kube puts on the bookmark that ends the initial events of a watch-list. */
export const INITIAL_EVENTS_END_ANNOTATION = 'k8s.io/initial-events-end';

/** An event waiting in a watcher: stored JSON is parsed only when it is delivered, so nothing aliases. */
export type PendingEvent =
  | { type: 'ADDED' | 'MODIFIED' | 'DELETED'; json: string; rev: number }
  | { type: 'BOOKMARK'; rev: number; initialEventsEnd: boolean }
  | { type: 'ERROR'; status: Status };

/**
 * The watcher's lifecycle: `open` takes events; `draining` takes none and ends once what it holds
 * is delivered; `ended` delivers nothing more.
 */
type WatcherState = 'open' | 'draining' | 'ended';

/** A watch on the memory backend. Created by the store, which feeds it through {@link offer}. */
export class MemoryWatcher implements Watcher {
  /** Events after this revision are for this watcher; earlier ones were in its backlog. */
  minRevision = 0;
  private backlog: PendingEvent[] = [];
  private backlogHead = 0;
  private readonly queue: PendingEvent[] = [];
  private queueHead = 0;
  private state: WatcherState = 'open';
  private readonly readers: ((result: IteratorResult<StorageWatchEvent>) => void)[] = [];
  private lastRevision = 0;

  constructor(
    private readonly capacity: number,
    private readonly onEnd: (watcher: MemoryWatcher) => void,
  ) {}

  /** Sets the events delivered before any live one (initial state or history since a revision). */
  setBacklog(events: PendingEvent[]): void {
    this.backlog = events;
    this.backlogHead = 0;
    this.wake();
  }

  /**
   * Queues a live event. Never blocks: when the queue is full the watcher stops taking events, its
   * consumer gets what is already queued (a gap-free prefix) and then a clean end with no ERROR,
   * as kube's cacher terminates a watcher it cannot feed (cache_watcher.go add → forget); the
   * client resumes from the last resourceVersion it saw.
   */
  offer(event: PendingEvent): void {
    if (this.state !== 'open') return;
    if (this.queue.length - this.queueHead >= this.capacity) {
      this.drain();
      return;
    }
    this.push(event);
  }

  /** Queues a bookmark unless the queue is full or it would go backwards (as the cacher's nonblockingAdd). */
  offerBookmark(revision: number): void {
    if (this.state !== 'open' || revision < this.lastRevision || revision < this.minRevision) {
      return;
    }
    if (this.queue.length - this.queueHead >= this.capacity) return;
    this.push({ type: 'BOOKMARK', rev: revision, initialEventsEnd: false });
  }

  /** Ends the stream with one ERROR event after what is already queued. */
  fail(status: Status): void {
    if (this.state !== 'open') return;
    this.queue.push({ type: 'ERROR', status });
    this.drain();
  }

  /** True while the watcher takes events. */
  get open(): boolean {
    return this.state === 'open';
  }

  /** Ends the watch at once; undelivered events are dropped. Idempotent. */
  stop(): void {
    if (this.state === 'ended') return;
    const wasOpen = this.state === 'open';
    this.state = 'ended';
    this.backlog = [];
    this.queue.length = 0;
    this.queueHead = 0;
    if (wasOpen) this.onEnd(this);
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
    const ready = this.take();
    if (ready !== undefined) return Promise.resolve(ready);
    return new Promise((resolve) => this.readers.push(resolve));
  }

  /** The next result if one is available now, `undefined` when the reader has to wait. */
  private take(): IteratorResult<StorageWatchEvent> | undefined {
    if (this.state === 'ended') return { done: true, value: undefined };
    let event: PendingEvent | undefined;
    if (this.backlogHead < this.backlog.length) {
      event = this.backlog[this.backlogHead++];
      if (this.backlogHead === this.backlog.length) {
        this.backlog = [];
        this.backlogHead = 0;
      }
    } else if (this.queueHead < this.queue.length) {
      event = this.queue[this.queueHead++];
      if (this.queueHead > 1024 && this.queueHead * 2 > this.queue.length) {
        this.queue.splice(0, this.queueHead);
        this.queueHead = 0;
      }
    }
    if (event !== undefined) return { done: false, value: materialize(event) };
    if (this.state === 'draining') {
      this.state = 'ended';
      return { done: true, value: undefined };
    }
    return undefined;
  }

  private push(event: PendingEvent): void {
    if (event.type !== 'ERROR') this.lastRevision = event.rev;
    this.queue.push(event);
    this.wake();
  }

  private drain(): void {
    this.state = 'draining';
    this.onEnd(this);
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

/** Turns a pending event into the delivered one: a fresh object, resourceVersion set. */
function materialize(event: PendingEvent): StorageWatchEvent {
  switch (event.type) {
    case 'ERROR':
      return { type: 'ERROR', object: structuredClone(event.status) };
    case 'BOOKMARK': {
      const metadata: NonNullable<KubeObject['metadata']> = { resourceVersion: String(event.rev) };
      if (event.initialEventsEnd)
        metadata.annotations = { [INITIAL_EVENTS_END_ANNOTATION]: 'true' };
      return { type: 'BOOKMARK', object: { metadata } };
    }
    default:
      return { type: event.type, object: withResourceVersion(event.json, event.rev) };
  }
}

/** Parses stored JSON and sets `metadata.resourceVersion` to `rev`. */
export function withResourceVersion(json: string, rev: number): KubeObject {
  const obj = JSON.parse(json) as KubeObject;
  if (obj.metadata === undefined) obj.metadata = {};
  obj.metadata.resourceVersion = String(rev);
  return obj;
}
