/**
 * The watch cache.
 * @module
 */
export { CachedStorage } from './cached-storage.js';
export type { CachedStorageOptions, WatchProgressRequester } from './cached-storage.js';
