/** Reading watch events in tests with timeouts, and small object builders. */
import type { KubeObject } from '@kapi/apimachinery';
import type { Predicate, StorageWatchEvent, Watcher } from '@kapi/storage';

/** Reads a watcher one event at a time; a timed-out read is kept for the next call. */
export class EventReader {
  private readonly iterator: AsyncIterator<StorageWatchEvent>;
  private pending: Promise<IteratorResult<StorageWatchEvent>> | undefined;

  constructor(watcher: Watcher) {
    this.iterator = watcher[Symbol.asyncIterator]();
  }

  /** The next event, `'done'` when the watch ended, `'timeout'` when none came in time. */
  async next(timeoutMs = 5000): Promise<StorageWatchEvent | 'done' | 'timeout'> {
    this.pending ??= this.iterator.next();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => {
        resolve('timeout');
      }, timeoutMs);
    });
    const result = await Promise.race([this.pending, timeout]);
    clearTimeout(timer);
    if (result === 'timeout') return 'timeout';
    this.pending = undefined;
    return result.done === true ? 'done' : result.value;
  }

  /** Exactly `n` events, failing if the watch ends or stalls first. */
  async take(n: number, timeoutMs = 5000): Promise<StorageWatchEvent[]> {
    const events: StorageWatchEvent[] = [];
    while (events.length < n) {
      const event = await this.next(timeoutMs);
      if (event === 'done' || event === 'timeout') {
        throw new Error(
          `watch gave ${event} after ${events.length} of ${n} events: ${JSON.stringify(summary(events))}`,
        );
      }
      events.push(event);
    }
    return events;
  }
}

/** `TYPE name@rv` per event, for readable assertions. */
export function summary(events: readonly StorageWatchEvent[]): string[] {
  return events.map((e) => {
    const name = e.type === 'ERROR' ? (e.object.reason ?? '') : (e.object.metadata?.name ?? '');
    const rv = e.type === 'ERROR' ? '' : (e.object.metadata?.resourceVersion ?? '');
    return `${e.type} ${name}@${rv}`;
  });
}

/** A ConfigMap-shaped object. */
export function configMap(
  name: string,
  data: Record<string, string> = {},
  labels?: Record<string, string>,
): KubeObject {
  const metadata: KubeObject['metadata'] = { name, namespace: 'ns', uid: `uid-${name}` };
  if (labels !== undefined) metadata.labels = labels;
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata, data };
}

/** A predicate on one label value. */
export function labelIs(key: string, value: string): Predicate {
  return { empty: false, matches: (obj) => obj.metadata?.labels?.[key] === value };
}

/** The resourceVersion of an object as a number. */
export function rvOf(obj: KubeObject | null | undefined): number {
  return Number(obj?.metadata?.resourceVersion);
}
