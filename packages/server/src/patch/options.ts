/**
 * Validation of the PATCH query options (PATCH-APPLY.md A3 step 2; as kube:
 * k8s.io/apimachinery pkg/apis/meta/v1/validation ValidatePatchOptions).
 * @module
 */
import {
  fieldError,
  GoPrinted,
  invalid,
  validateFieldManager,
  type FieldError,
  type StatusError,
} from '@kapi/apimachinery';
import { APPLY_PATCH_TYPE } from './content-type.js';

/** The PATCH query options that are validated. */
export interface PatchQueryOptions {
  dryRun?: readonly string[];
  /** Present (true or false) only when the query carried `force`. */
  force?: boolean;
  fieldManager?: string;
  fieldValidation?: string;
}

const FIELD_VALIDATION_VALUES = ['', 'Ignore', 'Strict', 'Warn'];

/** Go's `%#v` of a []string, as a field error prints the dryRun value. */
function goStringSlice(values: readonly string[]): GoPrinted {
  return new GoPrinted(`[]string{${values.map((v) => JSON.stringify(v)).join(', ')}}`);
}

/**
 * The field errors of a PATCH's options for the given patch type (the Content-Type without
 * parameters): apply needs a fieldManager, `force` is only for apply, the manager must be valid,
 * dryRun only `All`, fieldValidation one of `''`, `Ignore`, `Strict`, `Warn`.
 */
export function validatePatchOptions(options: PatchQueryOptions, patchType: string): FieldError[] {
  const errs: FieldError[] = [];
  if (patchType === APPLY_PATCH_TYPE) {
    if ((options.fieldManager ?? '') === '') {
      errs.push(fieldError.required('fieldManager', 'is required for apply patch'));
    }
  } else if (options.force !== undefined) {
    errs.push(fieldError.forbidden('force', 'may not be specified for non-apply patch'));
  }
  errs.push(...validateFieldManager(options.fieldManager ?? '', 'fieldManager'));
  const dryRun = options.dryRun ?? [];
  if (dryRun.some((v) => v !== 'All')) {
    errs.push(fieldError.notSupported('dryRun', goStringSlice(dryRun), ['All']));
  }
  const fieldValidation = options.fieldValidation ?? '';
  if (!FIELD_VALIDATION_VALUES.includes(fieldValidation)) {
    errs.push(fieldError.notSupported('fieldValidation', fieldValidation, FIELD_VALIDATION_VALUES));
  }
  return errs;
}

/** The 422 for invalid PATCH options: kind `PatchOptions` of group `meta.k8s.io`, no name. */
export function patchOptionsError(errors: readonly FieldError[]): StatusError {
  return invalid({ group: 'meta.k8s.io', kind: 'PatchOptions' }, '', errors);
}
