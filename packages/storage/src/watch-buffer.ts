/**
 * The delivery side that the memory backend's watchers and the watch cache's watchers share: a
 * catch-up backlog (an initial state or the history since a revision), then a queue of live
 * events, read through one async iterator. Pending events become delivered ones (fresh objects
 * nobody else holds) only when read. The owner decides what goes in, how much it may hold and
 * when the stream ends; the buffer only holds and hands over. Internal: not exported by the
 * package.
 * @module
 */
import type { KubeObject, Status } from '@kapi/apimachinery';
import type { StorageWatchEvent } from './interface.js';

/** The annotation kube puts on the bookmark that ends the initial events of a watch-list. */
export const INITIAL_EVENTS_END_ANNOTATION = 'k8s.io/initial-events-end';

/**
 * `live`: takes events; `draining`: delivers what it holds, then ends; `ended`: delivers nothing
 * more.
 */
export type BufferState = 'live' | 'draining' | 'ended';

type Reader = (result: IteratorResult<StorageWatchEvent>) => void;

/** The end of a stream (a fresh object each time: readers may keep what they get). */
function done(): IteratorResult<StorageWatchEvent> {
  return { done: true, value: undefined };
}

/** Pending events of one watch, of the owner's own shape `P`, and the readers waiting for them. */
export class WatchBuffer<P> {
  private backlog: P[] = [];
  private backlogHead = 0;
  private queue: P[] = [];
  private queueHead = 0;
  private phase: BufferState = 'live';
  private readers: Reader[] = [];

  constructor(
    /** Turns a pending event into the delivered one, when it is read. */
    private readonly materialize: (pending: P) => StorageWatchEvent,
  ) {}

  /** Where the stream is in its life. */
  get state(): BufferState {
    return this.phase;
  }

  /** Live events queued and not yet read (the backlog does not count). */
  get queued(): number {
    return this.queue.length - this.queueHead;
  }

  /** Sets the events delivered before any queued one. */
  setBacklog(events: P[]): void {
    this.backlog = events;
    this.backlogHead = 0;
    this.wake();
  }

  /** Queues an event (whatever the state: the owner decides what it still takes). */
  push(event: P): void {
    if (this.readers.length > 0 && this.isEmpty()) {
      // a reader waits on an empty buffer: hand the event over directly
      this.readers.shift()!({ done: false, value: this.materialize(event) });
      return;
    }
    this.queue.push(event);
    if (this.readers.length > 0) this.wake();
  }

  /** Takes no more: readers get what is held, then the end. */
  finish(): void {
    if (this.phase !== 'live') return;
    this.phase = 'draining';
    this.wake();
  }

  /** Ends at once: what is held is dropped, waiting readers get the end. Idempotent. */
  close(): void {
    if (this.phase === 'ended') return;
    this.end();
    this.wake();
  }

  /**
   * Ends the buffer and hands the readers waiting now to `next` instead (the owner serves every
   * later read from there).
   */
  handOver(next: () => Promise<IteratorResult<StorageWatchEvent>>): void {
    const readers = this.readers;
    this.readers = [];
    this.end();
    for (const resolve of readers) {
      next().then(resolve, () => {
        resolve(done());
      });
    }
  }

  /** The next event, waiting for one while the buffer is live and empty. */
  next(): Promise<IteratorResult<StorageWatchEvent>> {
    const ready = this.take();
    if (ready !== undefined) return Promise.resolve(ready);
    return new Promise((resolve) => this.readers.push(resolve));
  }

  private isEmpty(): boolean {
    return this.backlogHead === this.backlog.length && this.queueHead === this.queue.length;
  }

  private end(): void {
    this.phase = 'ended';
    this.backlog = [];
    this.backlogHead = 0;
    this.queue = [];
    this.queueHead = 0;
  }

  /** The next result if one is available now, `undefined` when the reader has to wait. */
  private take(): IteratorResult<StorageWatchEvent> | undefined {
    if (this.phase === 'ended') return done();
    let event: P | undefined;
    if (this.backlogHead < this.backlog.length) {
      event = this.backlog[this.backlogHead++];
      if (this.backlogHead === this.backlog.length) {
        this.backlog = [];
        this.backlogHead = 0;
      }
    } else if (this.queueHead < this.queue.length) {
      event = this.queue[this.queueHead++];
      if (this.queueHead === this.queue.length) {
        this.queue.length = 0;
        this.queueHead = 0;
      } else if (this.queueHead > 1024 && this.queueHead * 2 > this.queue.length) {
        // drop what was read once it is most of the array, so a busy queue does not grow
        this.queue.splice(0, this.queueHead);
        this.queueHead = 0;
      }
    }
    if (event !== undefined) return { done: false, value: this.materialize(event) };
    if (this.phase === 'draining') {
      this.phase = 'ended';
      return done();
    }
    return undefined;
  }

  private wake(): void {
    while (this.readers.length > 0) {
      const result = this.take();
      if (result === undefined) return;
      this.readers.shift()!(result);
    }
  }
}

/** The iterator of a watcher: `next` reads, `return` (a `break` out of `for await`) stops it. */
export function watchIterator(
  next: () => Promise<IteratorResult<StorageWatchEvent>>,
  stop: () => void,
): AsyncIterator<StorageWatchEvent> {
  return {
    next,
    return: () => {
      stop();
      return Promise.resolve(done());
    },
  };
}

/** A delivered BOOKMARK: only `metadata.resourceVersion`, and the initial-events-end annotation. */
export function bookmarkEvent(revision: number, initialEventsEnd: boolean): StorageWatchEvent {
  const metadata: NonNullable<KubeObject['metadata']> = { resourceVersion: String(revision) };
  if (initialEventsEnd) metadata.annotations = { [INITIAL_EVENTS_END_ANNOTATION]: 'true' };
  return { type: 'BOOKMARK', object: { metadata } };
}

/** A delivered ERROR: a copy of `status`, so readers never share it. */
export function errorEvent(status: Status): StorageWatchEvent {
  return { type: 'ERROR', object: structuredClone(status) };
}
