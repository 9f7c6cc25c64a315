/**
 * Hands each change to its watchers in slices, in order. Between slices the microtask queue
 * runs, so the consumers that just got an event take it (and drop their copy) before the next
 * slice makes more: with thousands of watchers the copies stay short-lived, which keeps the
 * collector's pauses short. The upstream never waits for it.
 * @module
 */
import type { CacheEvent } from './history.js';
import type { CacheWatcher } from './watcher.js';

/** One change on its way to the watchers that cover its key. */
interface Pending {
  event: CacheEvent;
  watchers: CacheWatcher[];
  next: number;
}

/** An ordered queue of changes being handed to watchers. */
export class Dispatcher {
  private readonly queue: Pending[] = [];
  private head = 0;
  private scheduled = false;
  private dispatched = 0;

  constructor(private readonly sliceSize: number) {}

  /** True when every change has been offered to every watcher it concerns. */
  get idle(): boolean {
    return this.head === this.queue.length;
  }

  /** The revision of the last change offered to all its watchers. */
  get dispatchedRevision(): number {
    return this.dispatched;
  }

  /** Offers `event` to `watchers` after the changes before it; small fan-outs right away. */
  dispatch(event: CacheEvent, watchers: CacheWatcher[]): void {
    if (this.idle && watchers.length <= this.sliceSize) {
      for (const watcher of watchers) watcher.offer(event);
      this.dispatched = event.revision;
      return;
    }
    this.queue.push({ event, watchers, next: 0 });
    this.schedule();
  }

  /** Drops every pending change (the watchers are being ended). */
  clear(): void {
    this.queue.length = 0;
    this.head = 0;
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(this.run);
  }

  private readonly run = (): void => {
    this.scheduled = false;
    let budget = this.sliceSize;
    while (budget > 0 && this.head < this.queue.length) {
      const pending = this.queue[this.head]!;
      const end = Math.min(pending.watchers.length, pending.next + budget);
      for (let i = pending.next; i < end; i++) pending.watchers[i]!.offer(pending.event);
      budget -= end - pending.next;
      pending.next = end;
      if (end < pending.watchers.length) break;
      this.dispatched = pending.event.revision;
      this.head++;
      budget--;
    }
    if (this.head === this.queue.length) {
      this.queue.length = 0;
      this.head = 0;
    } else {
      this.schedule();
    }
  };
}
