/**
 * The watch cache's running watchers, indexed by what they watch so a change reaches only the
 * watchers of its key and of the prefixes above it (kube's cacher indexes by namespace and name
 * for the same reason).
 * @module
 */
import type { CacheWatcher } from './watcher.js';

/** The registered watchers of one cache. */
export class WatcherRegistry {
  private readonly byKey = new Map<string, Set<CacheWatcher>>();
  private readonly byPrefix = new Map<string, Set<CacheWatcher>>();
  private readonly withBookmarks = new Set<CacheWatcher>();
  private count = 0;

  /** How many watchers are registered. */
  get size(): number {
    return this.count;
  }

  /** True when some watcher asked for bookmarks. */
  get wantsBookmarks(): boolean {
    return this.withBookmarks.size > 0;
  }

  add(watcher: CacheWatcher): void {
    const index = watcher.scope.recursive ? this.byPrefix : this.byKey;
    let set = index.get(watcher.scope.key);
    if (set === undefined) {
      set = new Set();
      index.set(watcher.scope.key, set);
    }
    if (set.has(watcher)) return;
    set.add(watcher);
    this.count++;
    if (watcher.scope.allowBookmarks) this.withBookmarks.add(watcher);
  }

  delete(watcher: CacheWatcher): void {
    const index = watcher.scope.recursive ? this.byPrefix : this.byKey;
    const set = index.get(watcher.scope.key);
    if (set?.delete(watcher) !== true) return;
    this.count--;
    if (set.size === 0) index.delete(watcher.scope.key);
    this.withBookmarks.delete(watcher);
  }

  /** Every watcher whose scope covers `key`: its own and every prefix above it. */
  covering(key: string): CacheWatcher[] {
    const out: CacheWatcher[] = [];
    const exact = this.byKey.get(key);
    if (exact !== undefined) for (const watcher of exact) out.push(watcher);
    if (this.byPrefix.size === 0) return out;
    for (let i = key.indexOf('/'); i >= 0 && i < key.length - 1; i = key.indexOf('/', i + 1)) {
      const set = this.byPrefix.get(key.slice(0, i + 1));
      if (set !== undefined) for (const watcher of set) out.push(watcher);
    }
    return out;
  }

  /** Calls `fn` for every watcher that allows bookmarks. */
  forEachWithBookmarks(fn: (watcher: CacheWatcher) => void): void {
    for (const watcher of this.withBookmarks) fn(watcher);
  }

  /** Removes and returns every watcher. */
  clear(): CacheWatcher[] {
    const all: CacheWatcher[] = [];
    for (const index of [this.byKey, this.byPrefix]) {
      for (const set of index.values()) all.push(...set);
      index.clear();
    }
    this.withBookmarks.clear();
    this.count = 0;
    return all;
  }
}
