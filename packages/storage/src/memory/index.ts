/**
 * The in-memory storage backend.
 * @module
 */
export { MemoryStorage } from './store.js';
export type { MemoryStorageOptions } from './store.js';
