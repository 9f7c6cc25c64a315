/**
 * The PATCH engines: JSON patch, JSON merge patch and strategic merge patch, with the merge schema
 * they and managedFields read from a resource's OpenAPI schema.
 * @module
 */
export {
  applyPatch,
  MAX_JSON_PATCH_OPERATIONS,
  patchInvalidError,
  strictPatchError,
  type ApplyPatchOptions,
  type PatchResult,
} from './apply.js';
export {
  APPLY_PATCH_TYPE,
  JSON_PATCH_TYPE,
  MERGE_PATCH_TYPE,
  patchTypeOf,
  patchTypes,
  STRATEGIC_MERGE_PATCH_TYPE,
  untypedPatchTypes,
} from './content-type.js';
export { applyJSONPatch, JSONPatchError } from './json-patch.js';
export { jsonMergePatch } from './merge-patch.js';
export {
  compileMergeSchema,
  DEDUCED,
  DEDUCED_SCHEMA,
  fieldOf,
  OBJECT_META,
  UNTYPED_ATOMIC,
  type CompileMergeSchemaOptions,
  type ListShape,
  type MapShape,
  type MergeNode,
  type MergeSchema,
  type ScalarType,
  type SchemaObject,
} from './merge-schema.js';
export { patchOptionsError, validatePatchOptions, type PatchQueryOptions } from './options.js';
export {
  StrategicMergeError,
  strategicMergePatch,
  type StrategicMergeErrorKind,
} from './strategic-merge.js';
export { strictDecodingErrors } from './json-strict.js';
export type { JSONObject } from './json-util.js';
