/**
 * A one-consumer async queue: producers push, the iterator awaits; `end()` lets the consumer
 * drain what is queued and then finish.
 * @module
 */

/** An unbounded FIFO read through `next()`; the owner watches `size` for backpressure. */
export class AsyncQueue<T> {
  private readonly items: T[] = [];
  private head = 0;
  private ended = false;
  private waiter: ((result: IteratorResult<T, undefined>) => void) | undefined;

  /** Called after the consumer took an item, with the number still queued. */
  onDrain: ((size: number) => void) | undefined;

  /** How many items wait to be read. */
  get size(): number {
    return this.items.length - this.head;
  }

  /** True once `end()` was called. */
  get isEnded(): boolean {
    return this.ended;
  }

  /** Queues `item`, or hands it straight to a waiting consumer; ignored after `end()`. */
  push(item: T): void {
    if (this.ended) return;
    const waiter = this.waiter;
    if (waiter !== undefined) {
      this.waiter = undefined;
      waiter({ done: false, value: item });
      return;
    }
    this.items.push(item);
  }

  /** No more items: the consumer gets what is queued, then `done`. Idempotent. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    const waiter = this.waiter;
    if (waiter !== undefined && this.size === 0) {
      this.waiter = undefined;
      waiter({ done: true, value: undefined });
    }
  }

  /** Drops what is queued and ends: the consumer gets `done` next. */
  clear(): void {
    this.items.length = 0;
    this.head = 0;
    this.end();
  }

  /** The next item, waiting for one if needed. */
  next(): Promise<IteratorResult<T, undefined>> {
    if (this.size > 0) {
      const value = this.items[this.head] as T;
      this.head++;
      if (this.head > 1024 && this.head * 2 > this.items.length) {
        this.items.splice(0, this.head);
        this.head = 0;
      }
      this.onDrain?.(this.size);
      return Promise.resolve({ done: false, value });
    }
    if (this.ended) return Promise.resolve({ done: true, value: undefined });
    return new Promise((resolve) => {
      this.waiter = resolve;
    });
  }
}
