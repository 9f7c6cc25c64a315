/**
 * One watch on the memory backend: a catch-up backlog (initial state or history) followed by a
 * bounded queue of live events. The store never waits for a watcher: when the live queue is full
 * the watcher is terminated (see {@link MemoryWatcher.offer}).
 * @module
 */
import type { KubeObject, Status } from '@kapi/apimachinery';
import type { StorageWatchEvent, Watcher } from '../interface.js';
import { WatchBuffer, bookmarkEvent, errorEvent, watchIterator } from '../watch-buffer.js';

/** An event waiting in a watcher: stored JSON is parsed only when it is delivered, so nothing aliases. */
export type PendingEvent =
  | { type: 'ADDED' | 'MODIFIED' | 'DELETED'; json: string; rev: number }
  | { type: 'BOOKMARK'; rev: number; initialEventsEnd: boolean }
  | { type: 'ERROR'; status: Status };

/**
 * A watch on the memory backend. Created by the store, which feeds it through {@link offer}. Its
 * buffer's state is its lifecycle: `live` takes events; `draining` takes none and ends once what
 * it holds is delivered; `ended` delivers nothing more.
 */
export class MemoryWatcher implements Watcher {
  /** Events after this revision are for this watcher; earlier ones were in its backlog. */
  minRevision = 0;
  private readonly buffer = new WatchBuffer<PendingEvent>(materialize);
  private lastRevision = 0;

  constructor(
    private readonly capacity: number,
    private readonly onEnd: (watcher: MemoryWatcher) => void,
  ) {}

  /** Sets the events delivered before any live one (initial state or history since a revision). */
  setBacklog(events: PendingEvent[]): void {
    this.buffer.setBacklog(events);
  }

  /**
   * Queues a live event. Never blocks: when the queue is full the watcher stops taking events, its
   * consumer gets what is already queued (a gap-free prefix) and then a clean end with no ERROR,
   * as kube's cacher terminates a watcher it cannot feed (cache_watcher.go add → forget); the
   * client resumes from the last resourceVersion it saw.
   */
  offer(event: PendingEvent): void {
    if (!this.open) return;
    if (this.buffer.queued >= this.capacity) {
      this.drain();
      return;
    }
    this.push(event);
  }

  /** Queues a bookmark unless the queue is full or it would go backwards (as the cacher's nonblockingAdd). */
  offerBookmark(revision: number): void {
    if (!this.open || revision < this.lastRevision || revision < this.minRevision) return;
    if (this.buffer.queued >= this.capacity) return;
    this.push({ type: 'BOOKMARK', rev: revision, initialEventsEnd: false });
  }

  /** Ends the stream with one ERROR event after what is already queued. */
  fail(status: Status): void {
    if (!this.open) return;
    this.buffer.push({ type: 'ERROR', status });
    this.drain();
  }

  /** True while the watcher takes events. */
  get open(): boolean {
    return this.buffer.state === 'live';
  }

  /** Ends the watch at once; undelivered events are dropped. Idempotent. */
  stop(): void {
    if (this.buffer.state === 'ended') return;
    const wasOpen = this.open;
    this.buffer.close();
    if (wasOpen) this.onEnd(this);
  }

  [Symbol.asyncIterator](): AsyncIterator<StorageWatchEvent> {
    return watchIterator(
      () => this.buffer.next(),
      () => {
        this.stop();
      },
    );
  }

  private push(event: PendingEvent): void {
    if (event.type !== 'ERROR') this.lastRevision = event.rev;
    this.buffer.push(event);
  }

  private drain(): void {
    this.buffer.finish();
    this.onEnd(this);
  }
}

/** Turns a pending event into the delivered one: a fresh object, resourceVersion set. */
function materialize(event: PendingEvent): StorageWatchEvent {
  switch (event.type) {
    case 'ERROR':
      return errorEvent(event.status);
    case 'BOOKMARK':
      return bookmarkEvent(event.rev, event.initialEventsEnd);
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
