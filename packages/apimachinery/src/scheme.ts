/**
 * The scheme: registration of API groups, versions and kinds; resource and kind lookups; version
 * priority; defaulting, schema validation and conversion through a hub version.
 * @module
 */
export { Scheme, gvkOf, type SchemeOptions } from './scheme/scheme.js';
export {
  INTERNAL_VERSION,
  type Converter,
  type Defaulter,
  type GroupDefinition,
  type JsonSchema,
  type KindDefinition,
  type KindVersionDefinition,
  type PartialKind,
  type PartialResource,
  type ResourceMapping,
  type VersionDefinition,
} from './scheme/types.js';
export {
  NoMatchError,
  NotRegisteredError,
  isNoMatchError,
  isNotRegisteredError,
} from './scheme/errors.js';
export { compareKubeAwareVersions, sortKubeAwareVersions } from './scheme/version-order.js';
export { restoreFromAnnotation, stashInAnnotation } from './scheme/stash.js';
export { ROOT_PATH as SCHEMA_ROOT_PATH } from './scheme/schema-validation.js';
