/**
 * `@kapi/storage-sqlite`: Kapi's embedded, durable default storage — one SQLite file, no server
 * to run.
 * @packageDocumentation
 */
export { SqliteStorage } from './sqlite-storage.js';
export type { SqliteStorageOptions } from './sqlite-storage.js';
export { SqliteStorageLockedError } from './log.js';
export type { SynchronousMode } from './log.js';
