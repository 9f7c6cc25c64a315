/**
 * `@kapi/storage`: the storage interface, its errors, the in-memory reference backend and the
 * watch cache. The conformance suite is at `@kapi/storage/testing`.
 * @packageDocumentation
 */
export type * from './interface.js';
export * from './errors.js';
export * from './keys.js';
export * from './continue.js';
export * from './resource-version.js';
export * from './memory/index.js';
export * from './cache/index.js';
