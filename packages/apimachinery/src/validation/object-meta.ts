/**
 * Validation of `metadata` on create and update, as Kubernetes 1.36 does it
 * (k8s.io/apimachinery pkg/api/validation objectmeta.go and pkg/apis/meta/v1/validation).
 * Every function returns field errors with kube's paths and wording; empty means valid.
 * @module
 */
import { fieldError, quote, type FieldError } from '../errors.js';
import type { ManagedFieldsEntry, ObjectMeta, OwnerReference, Time } from '../meta/types.js';
import { toFieldPath, type FieldPathLike } from './field-path.js';
import {
  byteLength,
  isQualifiedName,
  isValidLabelValue,
  validateNamespaceName,
  type ValidateNameFunc,
} from './names.js';

/** kube's detail for a changed immutable field. */
export const FIELD_IMMUTABLE_ERROR_MSG = 'field is immutable';
/** kube's detail for a negative count. */
export const IS_NEGATIVE_ERROR_MSG = 'must be greater than or equal to 0';
/** The most bytes all annotation keys and values of one object may take together (256 KiB). */
export const TOTAL_ANNOTATION_SIZE_LIMIT_BYTES = 256 * 1024;
/** The finalizer that makes the garbage collector orphan an object's dependents before it goes. */
export const FINALIZER_ORPHAN_DEPENDENTS = 'orphan';
/** The finalizer that makes the garbage collector delete an object's dependents before it goes. */
export const FINALIZER_DELETE_DEPENDENTS = 'foregroundDeletion';
/** The longest field manager name, in bytes. */
export const FIELD_MANAGER_MAX_LENGTH = 128;
/** The longest subresource name in a managedFields entry, in bytes. */
export const MAX_SUBRESOURCE_NAME_LENGTH = 256;

/**
 * Go's `strings.ToLower`: per code point, with simple case mappings only, so `İ` becomes `i` (JS's
 * full mapping would give `i̇`) and a final `Σ` becomes `σ`.
 */
function goToLower(s: string): string {
  let out = '';
  for (const ch of s) out += ch === '\u0130' ? 'i' : ch.toLowerCase();
  return out;
}

/** Validates one label key (a qualified name) at `fieldPath` (as kube: meta/v1 ValidateLabelName). */
export function validateLabelName(labelName: string, path: FieldPathLike): FieldError[] {
  const field = String(toFieldPath(path));
  return isQualifiedName(labelName).map((msg) => fieldError.invalid(field, labelName, msg));
}

/**
 * Validates labels: keys are qualified names, values label values; every error is reported at the
 * map's own path (as kube: meta/v1 ValidateLabels).
 */
export function validateLabels(
  labels: Readonly<Record<string, string>> | undefined | null,
  path: FieldPathLike,
): FieldError[] {
  const field = String(toFieldPath(path));
  const errs: FieldError[] = [];
  for (const [key, value] of Object.entries(labels ?? {})) {
    errs.push(...validateLabelName(key, field));
    for (const msg of isValidLabelValue(value)) errs.push(fieldError.invalid(field, value, msg));
  }
  return errs;
}

/** The bytes all keys and values of `annotations` take together, as kube counts them. */
export function annotationsSize(annotations: Readonly<Record<string, string>>): number {
  let total = 0;
  for (const [key, value] of Object.entries(annotations))
    total += byteLength(key) + byteLength(value);
  return total;
}

/**
 * Validates annotations: keys are qualified names in any case, and keys plus values take at most
 * 256 KiB (as kube: pkg/api/validation ValidateAnnotations).
 */
export function validateAnnotations(
  annotations: Readonly<Record<string, string>> | undefined | null,
  path: FieldPathLike,
): FieldError[] {
  const field = String(toFieldPath(path));
  const errs: FieldError[] = [];
  const entries = annotations ?? {};
  for (const key of Object.keys(entries)) {
    for (const msg of isQualifiedName(goToLower(key)))
      errs.push(fieldError.invalid(field, key, msg));
  }
  if (annotationsSize(entries) > TOTAL_ANNOTATION_SIZE_LIMIT_BYTES) {
    errs.push(fieldError.tooLong(field, '', TOTAL_ANNOTATION_SIZE_LIMIT_BYTES));
  }
  return errs;
}

/** An owner reference with Go's field order and omissions, so it prints as kube prints it. */
function ownerReferenceAsGo(ref: OwnerReference): Record<string, unknown> {
  const out: Record<string, unknown> = {
    apiVersion: ref.apiVersion ?? '',
    kind: ref.kind ?? '',
    name: ref.name ?? '',
    uid: ref.uid ?? '',
  };
  if (ref.controller !== undefined && ref.controller !== null) out.controller = ref.controller;
  if (ref.blockOwnerDeletion !== undefined && ref.blockOwnerDeletion !== null) {
    out.blockOwnerDeletion = ref.blockOwnerDeletion;
  }
  return out;
}

/** Go's schema.ParseGroupVersion, with a malformed value (two or more slashes) as `undefined`. */
function parseGroupVersion(apiVersion: string): { group: string; version: string } | undefined {
  if (apiVersion === '' || apiVersion === '/') return { group: '', version: '' };
  const parts = apiVersion.split('/');
  if (parts.length === 1) return { group: '', version: apiVersion };
  if (parts.length === 2) return { group: parts[0]!, version: parts[1]! };
  return undefined;
}

// as kube: pkg/api/validation BannedOwners (core/v1 Event may own nothing)
const BANNED_OWNERS = [{ group: '', version: 'v1', kind: 'Event' }];

function validateOwnerReference(ref: OwnerReference, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const apiVersion = ref.apiVersion ?? '';
  const kind = ref.kind ?? '';
  // as kube: schema.FromAPIVersionAndKind drops group and version of an unparsable apiVersion
  const gv = parseGroupVersion(apiVersion) ?? { group: '', version: '' };
  if (gv.version === '') {
    errs.push(fieldError.invalid(`${field}.apiVersion`, apiVersion, 'version must not be empty'));
  }
  if (kind === '') errs.push(fieldError.invalid(`${field}.kind`, kind, 'must not be empty'));
  if ((ref.name ?? '') === '') {
    errs.push(fieldError.invalid(`${field}.name`, ref.name ?? '', 'must not be empty'));
  }
  if ((ref.uid ?? '') === '') {
    errs.push(fieldError.invalid(`${field}.uid`, ref.uid ?? '', 'must not be empty'));
  }
  if (
    BANNED_OWNERS.some((b) => b.group === gv.group && b.version === gv.version && b.kind === kind)
  ) {
    // Go prints a GroupVersionKind as `group/version, Kind=kind`, so the core group leads with `/`
    errs.push(
      fieldError.invalid(
        field,
        ownerReferenceAsGo(ref),
        `${gv.group}/${gv.version}, Kind=${kind} is disallowed from being an owner`,
      ),
    );
  }
  return errs;
}

/**
 * Validates owner references: apiVersion (with a version), kind, name and uid must be set, a core
 * Event may not be an owner, and at most one reference may have `controller: true`
 * (as kube 1.36: pkg/api/validation ValidateOwnerReferences, which reports at the list's path).
 */
export function validateOwnerReferences(
  ownerReferences: readonly OwnerReference[] | undefined | null,
  path: FieldPathLike,
): FieldError[] {
  const field = String(toFieldPath(path));
  const refs = ownerReferences ?? [];
  const errs: FieldError[] = [];
  let firstController = '';
  for (const ref of refs) {
    errs.push(...validateOwnerReference(ref, field));
    if (ref.controller !== true) continue;
    const current = `${ref.kind ?? ''}/${ref.name ?? ''}`;
    if (firstController === '') {
      firstController = current;
    } else {
      errs.push(
        fieldError.invalid(
          field,
          refs.map(ownerReferenceAsGo),
          `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${current}`,
        ),
      );
    }
  }
  return errs;
}

/** Validates one finalizer name, a qualified name (as kube: ValidateFinalizerName). */
export function validateFinalizerName(finalizer: string, path: FieldPathLike): FieldError[] {
  const field = String(toFieldPath(path));
  return isQualifiedName(finalizer).map((msg) => fieldError.invalid(field, finalizer, msg));
}

/**
 * Validates finalizers: each a qualified name, and never both {@link FINALIZER_ORPHAN_DEPENDENTS}
 * and {@link FINALIZER_DELETE_DEPENDENTS} (as kube: pkg/api/validation ValidateFinalizers).
 */
export function validateFinalizers(
  finalizers: readonly string[] | undefined | null,
  path: FieldPathLike,
): FieldError[] {
  const field = String(toFieldPath(path));
  const list = finalizers ?? [];
  const errs = list.flatMap((f) => validateFinalizerName(f, field));
  if (list.includes(FINALIZER_ORPHAN_DEPENDENTS) && list.includes(FINALIZER_DELETE_DEPENDENTS)) {
    errs.push(
      fieldError.invalid(
        field,
        [...list],
        `finalizer ${FINALIZER_ORPHAN_DEPENDENTS} and ${FINALIZER_DELETE_DEPENDENTS} cannot be both set`,
      ),
    );
  }
  return errs;
}

/**
 * Forbids finalizers in `newFinalizers` that `oldFinalizers` lacks; kube applies it once an object
 * is being deleted (as kube: pkg/api/validation ValidateNoNewFinalizers).
 */
export function validateNoNewFinalizers(
  newFinalizers: readonly string[] | undefined | null,
  oldFinalizers: readonly string[] | undefined | null,
  path: FieldPathLike,
): FieldError[] {
  const old = new Set(oldFinalizers ?? []);
  const extra = [...new Set(newFinalizers ?? [])].filter((f) => !old.has(f)).sort(compareBytes);
  if (extra.length === 0) return [];
  // kube prints the sorted set with Go's %#v: []string{"a", "b"}
  const goSlice = `[]string{${extra.map((f) => quote(f)).join(', ')}}`;
  return [
    fieldError.forbidden(
      String(toFieldPath(path)),
      `no new finalizers can be added if the object is being deleted, found new finalizers ${goSlice}`,
    ),
  ];
}

/** Orders strings as Go's `sort.Strings` does (bytewise). */
function compareBytes(a: string, b: string): number {
  const ea = new TextEncoder().encode(a);
  const eb = new TextEncoder().encode(b);
  for (let i = 0; i < Math.min(ea.length, eb.length); i++) {
    if (ea[i] !== eb[i]) return ea[i]! - eb[i]!;
  }
  return ea.length - eb.length;
}

/** Rejects a negative number (as kube: pkg/api/validation ValidateNonnegativeField). */
export function validateNonnegativeField(value: number, path: FieldPathLike): FieldError[] {
  return value < 0
    ? [fieldError.invalid(String(toFieldPath(path)), value, IS_NEGATIVE_ERROR_MSG)]
    : [];
}

// Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space
const printable = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

/**
 * Validates a field manager name: at most 128 bytes, printable characters only
 * (as kube: meta/v1 ValidateFieldManager).
 */
export function validateFieldManager(fieldManager: string, path: FieldPathLike): FieldError[] {
  const field = String(toFieldPath(path));
  const errs: FieldError[] = [];
  if (byteLength(fieldManager) > FIELD_MANAGER_MAX_LENGTH) {
    errs.push(fieldError.tooLong(field, '', FIELD_MANAGER_MAX_LENGTH));
  }
  let offset = 0; // in UTF-8 bytes, as Go's range over a string counts
  for (const ch of fieldManager) {
    const cp = ch.codePointAt(0)!;
    const isLoneSurrogate = cp >= 0xd800 && cp <= 0xdfff; // Go sees U+FFFD, which is printable
    if (!isLoneSurrogate && !printable.test(ch)) {
      const hex = cp.toString(16).toUpperCase().padStart(4, '0');
      errs.push(
        fieldError.invalid(
          field,
          fieldManager,
          `invalid character U+${hex} (at position ${offset})`,
        ),
      );
    }
    offset += isLoneSurrogate ? 3 : byteLength(ch);
  }
  return errs;
}

/**
 * Validates `metadata.managedFields`: operation `Apply` or `Update`, fieldsType `FieldsV1` when
 * set, a valid manager name, a subresource of at most 256 bytes (as kube: meta/v1 ValidateManagedFields).
 */
export function validateManagedFields(
  managedFields: readonly ManagedFieldsEntry[] | undefined | null,
  path: FieldPathLike,
): FieldError[] {
  const base = toFieldPath(path);
  const errs: FieldError[] = [];
  (managedFields ?? []).forEach((entry, i) => {
    const at = base.index(i);
    const operation: string = entry.operation ?? '';
    if (operation !== 'Apply' && operation !== 'Update') {
      errs.push(
        fieldError.invalid(String(at.child('operation')), operation, 'must be `Apply` or `Update`'),
      );
    }
    const fieldsType = entry.fieldsType ?? '';
    if (fieldsType !== '' && fieldsType !== 'FieldsV1') {
      errs.push(
        fieldError.invalid(String(at.child('fieldsType')), fieldsType, 'must be `FieldsV1`'),
      );
    }
    errs.push(...validateFieldManager(entry.manager ?? '', at.child('manager')));
    if (byteLength(entry.subresource ?? '') > MAX_SUBRESOURCE_NAME_LENGTH) {
      errs.push(
        fieldError.tooLong(String(at.child('subresource')), '', MAX_SUBRESOURCE_NAME_LENGTH),
      );
    }
  });
  return errs;
}

/** How {@link validateObjectMeta} treats one kind. */
export interface ObjectMetaValidationOptions {
  /** True for namespaced kinds (namespace required), false for cluster-scoped ones (namespace forbidden). */
  namespaced: boolean;
  /** The kind's name rule, e.g. {@link nameIsDNSSubdomain}; it also checks generateName as a prefix. */
  validateName: ValidateNameFunc;
  /** Where the metadata sits; `metadata` unless given. */
  fieldPath?: FieldPathLike;
}

/**
 * Validates an object's metadata on create, after any name generation: generateName and name by the
 * kind's rule (name or generateName required), namespace required (an RFC 1123 label) for namespaced
 * kinds and forbidden otherwise, a non-negative generation, then labels, annotations, owner
 * references, finalizers and managedFields (as kube: pkg/api/validation ValidateObjectMetaAccessor).
 */
export function validateObjectMeta(
  meta: ObjectMeta,
  options: ObjectMetaValidationOptions,
): FieldError[] {
  const base = toFieldPath(options.fieldPath ?? 'metadata');
  const errs: FieldError[] = [];
  const generateName = meta.generateName ?? '';
  const name = meta.name ?? '';
  if (generateName !== '') {
    const field = String(base.child('generateName'));
    for (const msg of options.validateName(generateName, true)) {
      errs.push(fieldError.invalid(field, generateName, msg));
    }
  }
  if (name === '') {
    errs.push(fieldError.required(String(base.child('name')), 'name or generateName is required'));
  } else {
    const field = String(base.child('name'));
    for (const msg of options.validateName(name, false))
      errs.push(fieldError.invalid(field, name, msg));
  }

  const namespace = meta.namespace ?? '';
  const namespaceField = String(base.child('namespace'));
  if (options.namespaced) {
    if (namespace === '') {
      errs.push(fieldError.required(namespaceField));
    } else {
      for (const msg of validateNamespaceName(namespace, false)) {
        errs.push(fieldError.invalid(namespaceField, namespace, msg));
      }
    }
  } else if (namespace !== '') {
    errs.push(fieldError.forbidden(namespaceField, 'not allowed on this type'));
  }

  errs.push(...validateNonnegativeField(meta.generation ?? 0, base.child('generation')));
  errs.push(...validateLabels(meta.labels, base.child('labels')));
  errs.push(...validateAnnotations(meta.annotations, base.child('annotations')));
  errs.push(...validateOwnerReferences(meta.ownerReferences, base.child('ownerReferences')));
  errs.push(...validateFinalizers(meta.finalizers, base.child('finalizers')));
  errs.push(...validateManagedFields(meta.managedFields, base.child('managedFields')));
  return errs;
}

/** A timestamp as Go's metav1.Time holds it: `undefined` when unset, else its instant (or raw text). */
function timeValue(t: Time | null | undefined): number | string | undefined {
  if (t === undefined || t === null || t === '') return undefined;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? t : ms;
}

/** A timestamp as kube prints it in an error: RFC 3339 in UTC to the second, or `null`. */
function timeForError(t: Time | null | undefined): string | null {
  const v = timeValue(t);
  if (v === undefined) return null;
  if (typeof v === 'string') return v;
  return new Date(v).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function immutable(changed: boolean, field: string, newValue: unknown): FieldError[] {
  return changed ? [fieldError.invalid(field, newValue, FIELD_IMMUTABLE_ERROR_MSG)] : [];
}

/**
 * Validates an object's metadata on update against the stored object: resourceVersion required,
 * generation never decremented, name, namespace, uid, creationTimestamp, deletionTimestamp and
 * deletionGracePeriodSeconds immutable, no new finalizers once deletion began, then labels,
 * annotations, owner references and managedFields of the new object
 * (as kube: pkg/api/validation ValidateObjectMetaAccessorUpdate).
 */
export function validateObjectMetaUpdate(
  newMeta: ObjectMeta,
  oldMeta: ObjectMeta,
  path: FieldPathLike = 'metadata',
): FieldError[] {
  const base = toFieldPath(path);
  const at = (name: string): string => String(base.child(name));
  const errs: FieldError[] = [];

  if (oldMeta.deletionTimestamp !== undefined && oldMeta.deletionTimestamp !== null) {
    errs.push(
      ...validateNoNewFinalizers(newMeta.finalizers, oldMeta.finalizers, base.child('finalizers')),
    );
  }
  const resourceVersion = newMeta.resourceVersion ?? '';
  if (resourceVersion === '') {
    errs.push(
      fieldError.invalid(at('resourceVersion'), resourceVersion, 'must be specified for an update'),
    );
  }
  const generation = newMeta.generation ?? 0;
  if (generation < (oldMeta.generation ?? 0)) {
    errs.push(fieldError.invalid(at('generation'), generation, 'must not be decremented'));
  }

  const newName = newMeta.name ?? '';
  const newNamespace = newMeta.namespace ?? '';
  const newUID = newMeta.uid ?? '';
  const newGrace = newMeta.deletionGracePeriodSeconds ?? null;
  const oldGrace = oldMeta.deletionGracePeriodSeconds ?? null;
  errs.push(...immutable(newName !== (oldMeta.name ?? ''), at('name'), newName));
  errs.push(
    ...immutable(newNamespace !== (oldMeta.namespace ?? ''), at('namespace'), newNamespace),
  );
  errs.push(...immutable(newUID !== (oldMeta.uid ?? ''), at('uid'), newUID));
  errs.push(
    ...immutable(
      timeValue(newMeta.creationTimestamp) !== timeValue(oldMeta.creationTimestamp),
      at('creationTimestamp'),
      timeForError(newMeta.creationTimestamp),
    ),
  );
  errs.push(
    ...immutable(
      timeValue(newMeta.deletionTimestamp) !== timeValue(oldMeta.deletionTimestamp),
      at('deletionTimestamp'),
      timeForError(newMeta.deletionTimestamp),
    ),
  );
  errs.push(...immutable(newGrace !== oldGrace, at('deletionGracePeriodSeconds'), newGrace));

  errs.push(...validateLabels(newMeta.labels, base.child('labels')));
  errs.push(...validateAnnotations(newMeta.annotations, base.child('annotations')));
  errs.push(...validateOwnerReferences(newMeta.ownerReferences, base.child('ownerReferences')));
  errs.push(...validateManagedFields(newMeta.managedFields, base.child('managedFields')));
  return errs;
}
