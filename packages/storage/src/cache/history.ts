/**
 * The watch cache's recent changes: a bounded ring of events that watches resume from (as kube's
 * watchCache cyclic buffer, k8s.io/apiserver pkg/storage/cacher/watch_cache.go).
 * @module
 */
import type { KubeObject } from '@kapi/apimachinery';

/** One change under the cached prefix, with the state before it for filter transitions. */
export interface CacheEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  key: string;
  revision: number;
  /** The new state (frozen); for DELETED, the last state at the deletion revision. */
  object: KubeObject;
  /** The state before the change (frozen), when the key existed. */
  previous: KubeObject | undefined;
  /** What the change is to a watcher without a predicate (shared: deliveries are read-only). */
  unfiltered: {
    type: 'ADDED' | 'MODIFIED' | 'DELETED';
    object: KubeObject;
  };
}

/** A bounded ring of the most recent {@link CacheEvent}s, oldest first. */
export class EventHistory {
  private readonly ring: (CacheEvent | undefined)[];
  private head = 0;
  private count = 0;
  /** Every event after this revision is held (the list revision, or the last evicted event). */
  private complete = 0;

  constructor(readonly capacity: number) {
    this.ring = new Array<CacheEvent | undefined>(capacity);
  }

  /** How many events are held. */
  get size(): number {
    return this.count;
  }

  /** The revision after which every event is held: a watch from an older one cannot be served. */
  get floor(): number {
    return this.complete;
  }

  /** Forgets every event: the history now starts at `revision` (a relist). */
  reset(revision: number): void {
    this.ring.fill(undefined);
    this.head = 0;
    this.count = 0;
    this.complete = revision;
  }

  /** Appends an event, evicting the oldest when full. */
  push(event: CacheEvent): void {
    if (this.count === this.capacity) this.evictOldest();
    this.ring[(this.head + this.count) % this.capacity] = event;
    this.count++;
  }

  /** Drops the events at or before `revision` (a compaction): watches from before it get 410. */
  compact(revision: number): void {
    while (this.count > 0 && this.at(0).revision <= revision) this.evictOldest();
    this.complete = Math.max(this.complete, revision);
  }

  /** The held events after `revision`, oldest first. */
  since(revision: number): CacheEvent[] {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.at(mid).revision <= revision) lo = mid + 1;
      else hi = mid;
    }
    const out = new Array<CacheEvent>(this.count - lo);
    for (let i = lo; i < this.count; i++) out[i - lo] = this.at(i);
    return out;
  }

  private at(i: number): CacheEvent {
    return this.ring[(this.head + i) % this.capacity]!;
  }

  private evictOldest(): void {
    const oldest = this.at(0);
    this.ring[this.head] = undefined;
    this.head = (this.head + 1) % this.capacity;
    this.count--;
    this.complete = Math.max(this.complete, oldest.revision);
  }
}
