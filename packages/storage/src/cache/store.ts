/**
 * The watch cache's current state: one frozen object per key, with the keys kept in storage
 * order so lists and pages walk a range instead of sorting.
 * @module
 */
import type { KubeObject } from '@kapi/apimachinery';
import { SortedKeys, compareKeys, prefixEnd } from '../memory/sorted-keys.js';

/** The objects of one cached prefix, by key, in key order. */
export class CacheStore {
  private objects = new Map<string, KubeObject>();
  private keys = new SortedKeys();

  /** How many objects the store holds. */
  get size(): number {
    return this.objects.size;
  }

  /** The frozen object at `key`. */
  get(key: string): KubeObject | undefined {
    return this.objects.get(key);
  }

  /** Stores `obj` (frozen) at `key`; returns what was there. */
  set(key: string, obj: KubeObject): KubeObject | undefined {
    const previous = this.objects.get(key);
    this.objects.set(key, obj);
    if (previous === undefined) this.keys.add(key);
    return previous;
  }

  /** Removes `key`; returns what was there. */
  delete(key: string): KubeObject | undefined {
    const previous = this.objects.get(key);
    if (previous !== undefined) {
      this.objects.delete(key);
      this.keys.delete(key);
    }
    return previous;
  }

  /** Replaces the whole content (a relist). */
  replace(entries: [string, KubeObject][]): void {
    entries.sort((a, b) => compareKeys(a[0], b[0]));
    this.objects = new Map(entries);
    this.keys = new SortedKeys();
    // in order, every insert lands at the end of the last chunk
    for (const [key] of entries) this.keys.add(key);
  }

  /**
   * Calls `fn` with the entries whose key starts with `prefix`, in key order, while it returns
   * true. The store must not change meanwhile.
   */
  forEachUnder(prefix: string, fn: (key: string, obj: KubeObject) => boolean): void {
    for (const key of this.keys.from(prefix)) {
      if (!key.startsWith(prefix) || !fn(key, this.objects.get(key)!)) return;
    }
  }

  /** How many keys under `prefix` sort at or after `from`. */
  countFrom(prefix: string, from: string): number {
    return this.keys.countRange(from, prefixEnd(prefix));
  }
}
