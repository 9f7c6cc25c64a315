/**
 * `@kapi/apimachinery`: the types, errors, selectors, validation, scheme and codecs that every Kapi
 * package speaks.
 * @packageDocumentation
 */
export type * from './meta/types.js';
export * from './errors.js';
export * from './deep-copy.js';
export * from './gvk.js';
export * from './labels.js';
export * from './fields.js';
export * from './selection.js';
export * from './validation.js';
export * from './scheme.js';
export * from './codec/json.js';
export * from './codec/yaml.js';
export * from './codec/negotiation.js';
export * from './codec/protobuf.js';
