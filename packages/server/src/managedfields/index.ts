/**
 * managedFields: field sets and their FieldsV1 encoding, the comparison of objects under a merge
 * schema, and the ownership bookkeeping of Update operations (POST, PUT, non-apply PATCH).
 * @module
 */
export {
  decodeManagedFields,
  encodeManagedFields,
  formatTime,
  isResetManagedFields,
  ManagedFieldsDecodeError,
  managerIdentity,
  timeSeconds,
  type Managed,
  type ManagedOperation,
  type ManagedSet,
} from './entries.js';
export { FieldSet, FieldSetBuilder, type FieldSetChild } from './field-set.js';
export { fieldsV1ToSet, setToFieldsV1 } from './fieldsv1.js';
export { fieldManagerOrUserAgent, managerFromUserAgent } from './manager.js';
export {
  comparePathElements,
  compareValues,
  fieldElement,
  FieldsV1Error,
  indexElement,
  keyElement,
  parsePathElement,
  pathElementString,
  pathString,
  serializePathElement,
  valueElement,
  type Path,
  type PathElement,
} from './path-element.js';
export {
  compareObjects,
  fieldSetFromValue,
  listItemPathElement,
  reconcileFieldSetWithSchema,
  SchemaMismatchError,
  type Comparison,
} from './typed.js';
export {
  ANCIENT_CHANGES,
  BEFORE_FIRST_APPLY,
  beforeFirstApply,
  capUpdateManagers,
  defaultResetFields,
  emptyObject,
  MAX_UPDATE_MANAGERS,
  recordUpdate,
  STRIP_SET,
  updateManagedFields,
  type RecordUpdateInput,
  type UpdateManagedFieldsInput,
  type VersionResolver,
  type VersionView,
} from './update.js';
